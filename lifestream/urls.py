"""Lifestream's URLs: AO3's scheme (AO3_COMPAT.md b.1) wherever AO3 has one."""

from django.contrib import admin
from django.urls import include, path

from people.urls import account_urlpatterns
from works.views.listing import home

urlpatterns = [
    path("", home, name="home"),
    *account_urlpatterns,
    path("", include("search.urls")),
    path("", include("works.urls")),
    path("", include("people.urls")),
    path("", include("tags.urls")),
    path("", include("feedback.urls")),
    path("", include("downloads.urls")),
    path("", include("imports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
]
