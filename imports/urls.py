from django.urls import path

from . import legacy_views, views

app_name = "imports"

urlpatterns = [
    path("works/import", views.import_new, name="new"),
    path(
        "works/<int:work_id>/import_suggestions/<int:suggestion_id>/accept",
        views.suggestion_accept,
        name="accept",
    ),
    path(
        "works/<int:work_id>/import_suggestions/<int:suggestion_id>/dismiss",
        views.suggestion_dismiss,
        name="dismiss",
    ),
    # An imported eFiction archive's old addresses, and its authors' claim links.
    path("viewstory.php", legacy_views.view_story, name="legacy_story"),
    path("viewuser.php", legacy_views.view_user, name="legacy_user"),
    path("browse.php", legacy_views.browse, name="legacy_browse"),
    path("series.php", legacy_views.view_series, name="legacy_series"),
    path("account/claim/<str:token>", legacy_views.claim, name="claim"),
]
