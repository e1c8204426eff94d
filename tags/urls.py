from django.urls import path

from . import views

app_name = "tags"

urlpatterns = [
    path("tags/search", views.tag_search, name="search"),
    path("tags/unwrangled", views.unwrangled, name="unwrangled"),
    path("tags/<int:tag_id>/feed.atom", views.TagFeed(), name="feed"),
    path("tags/<str:tag_name>/feed.atom", views.TagFeed(), name="feed_by_name"),
    path("tags/<str:tag_name>", views.tag_show, name="show"),
    path("tags/<str:tag_name>/works", views.tag_works, name="works"),
    path("tags/<str:tag_name>/edit", views.tag_edit, name="edit"),
    path("autocomplete/tags", views.autocomplete, name="autocomplete"),
]
