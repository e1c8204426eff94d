from django.urls import path

from works.views import listing

from . import views

app_name = "tags"

urlpatterns = [
    path("tags/<str:tag_name>", listing.tag_show, name="show"),
    path("tags/<str:tag_name>/works", listing.tag_works, name="works"),
    path("autocomplete/tags", views.autocomplete, name="autocomplete"),
]
