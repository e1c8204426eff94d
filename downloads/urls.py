from django.urls import path

from . import views

app_name = "downloads"

urlpatterns = [
    path("downloads/<int:work_id>/<str:filename>", views.download, name="download"),
]
