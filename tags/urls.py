from django.urls import path, register_converter

from . import views
from .addresses import TagNameConverter

app_name = "tags"

register_converter(TagNameConverter, "tagname")

# Tag names may hold slashes (a percent-encoded `/` arrives decoded): the action routes take
# the longest name before their last segment, the tag page any path not ending in an action
# (tags/addresses.py).
urlpatterns = [
    path("tags/search", views.tag_search, name="search"),
    path("tags/unwrangled", views.unwrangled, name="unwrangled"),
    path("tags/<int:tag_id>/feed.atom", views.TagFeed(), name="feed"),
    path("tags/<path:tag_name>/feed.atom", views.TagFeed(), name="feed_by_name"),
    path("tags/<path:tag_name>/works", views.tag_works, name="works"),
    path("tags/<path:tag_name>/edit", views.tag_edit, name="edit"),
    path("tags/<tagname:tag_name>", views.tag_show, name="show"),
    path("autocomplete/tags", views.autocomplete, name="autocomplete"),
]
