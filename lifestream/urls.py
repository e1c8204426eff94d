"""Lifestream's URLs: AO3's scheme (AO3_COMPAT.md b.1) wherever AO3 has one."""

from django.contrib import admin
from django.urls import include, path

from api.fallbacks import not_found as api_not_found
from lifestream.languages import set_language
from lifestream.metrics import health_view, metrics_view
from people.urls import account_urlpatterns
from works.views.listing import home

urlpatterns = [
    path("", home, name="home"),
    # The footer's language picker (AO3 has no address for it).
    path("language", set_language, name="set_language"),
    # For load balancers and monitoring (lifestream/health.py, lifestream/metrics.py).
    path("health", health_view, name="health"),
    path("metrics", metrics_view, name="metrics"),
    *account_urlpatterns,
    path("", include("search.urls")),
    path("", include("works.urls")),
    path("", include("signups.urls")),
    path("", include("people.urls")),
    path("", include("tags.urls")),
    path("", include("feedback.urls")),
    path("", include("downloads.urls")),
    path("", include("imports.urls")),
    # The moderation desk and the roles page live under /admin/, ahead of Django's admin.
    path("", include("moderation.urls")),
    path("", include("news.urls")),
    path("", include("archive_collections.urls")),
    path("", include("challenges.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    # The API's root without its slash is the API's too (JSON, not a redirect to an HTML 404).
    path("api/v1", api_not_found),
]

# Django's error pages, except under /api/v1, which answers JSON (api/fallbacks.py).
handler400 = "api.fallbacks.bad_request"
handler403 = "api.fallbacks.permission_denied"
handler404 = "api.fallbacks.page_not_found"
handler500 = "api.fallbacks.server_error"
