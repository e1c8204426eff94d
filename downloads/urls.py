from django.urls import path

from . import export_views, opds_views, views

app_name = "downloads"

urlpatterns = [
    path("downloads/<int:work_id>/<str:filename>", views.download, name="download"),
    path(
        "downloads/series/<int:series_id>/<str:filename>",
        views.series_download,
        name="series_download",
    ),
    path("users/<str:login_name>/export", export_views.export_page, name="export"),
    path(
        "users/<str:login_name>/export/<int:export_id>/download",
        export_views.export_download,
        name="export_download",
    ),
    path("opds", opds_views.root, name="opds"),
    path("opds/new", opds_views.newest, name="opds_new"),
    path("opds/fandoms", opds_views.fandoms, name="opds_fandoms"),
    # A tag name may hold slashes: a percent-encoded `/` arrives decoded.
    path("opds/tags/<path:tag_name>", opds_views.tag_works, name="opds_tag"),
    path("opds/series", opds_views.series_index, name="opds_series_index"),
    path("opds/collections/<str:name>", opds_views.collection_works, name="opds_collection"),
    path("opds/series/<int:series_id>", opds_views.series_works, name="opds_series"),
    path("opds/users/<str:login_name>", opds_views.user_works, name="opds_user"),
    path("opds/search", opds_views.search_works, name="opds_search"),
    path("opds/opensearch.xml", opds_views.opensearch_description, name="opds_opensearch"),
]
