from django.urls import path

from . import views

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
]
