from django.urls import path

from . import views

app_name = "collections"

# AO3's addresses (`/collections`, `/collections/NAME[/works|/bookmarks]`, `/users/L/collections`).
urlpatterns = [
    path("collections", views.index, name="index"),
    path("collections/new", views.new, name="new"),
    path("collections/<str:name>", views.show, name="show"),
    path("collections/<str:name>/edit", views.edit, name="edit"),
    path("collections/<str:name>/delete", views.delete, name="delete"),
    path("collections/<str:name>/participants", views.participants, name="participants"),
    path("collections/<str:name>/items", views.items, name="items"),
    path("collections/<str:name>/works", views.works, name="works"),
    path("collections/<str:name>/works.atom", views.CollectionFeed(), name="feed"),
    path("collections/<str:name>/bookmarks", views.bookmarks, name="bookmarks"),
    path("works/<int:work_id>/collections", views.work_collections, name="work_collections"),
    path("users/<str:login_name>/collections", views.user_collections, name="user_collections"),
    path("users/<str:login_name>/collection_items", views.user_items, name="user_items"),
    path(
        "users/<str:login_name>/collection_items/act",
        views.user_item_action,
        name="user_item_action",
    ),
]
