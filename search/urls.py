from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("works/search", views.work_search, name="works"),
]
