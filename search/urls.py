from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("works/search", views.work_search, name="works"),
    path("bookmarks/search", views.bookmark_search, name="bookmarks"),
    path("people/search", views.people_search, name="people"),
    path("media", views.media, name="media"),
    path("media/<str:media_name>/fandoms", views.medium_fandoms, name="medium_fandoms"),
    path("fandoms", views.fandoms, name="fandoms"),
    path("tags", views.tag_index, name="tags"),
]
