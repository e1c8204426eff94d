"""Lifestream's URLs: AO3's scheme (AO3_COMPAT.md b.1) wherever AO3 has one."""

from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
]
