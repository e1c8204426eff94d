from django.urls import path

from . import views

app_name = "challenges"

# AO3's addresses under the collection (`/collections/NAME/signups`, `…/assignments`, …).
urlpatterns = [
    path("collections/<str:name>/challenge", views.challenge, name="challenge"),
    path("collections/<str:name>/signups", views.signups, name="signups"),
    path("collections/<str:name>/matching", views.matching, name="matching"),
    path("collections/<str:name>/assignments", views.assignments, name="assignments"),
    path("collections/<str:name>/prompts", views.prompts, name="prompts"),
    path("collections/<str:name>/prompts/<int:prompt_id>", views.prompt, name="prompt"),
]
