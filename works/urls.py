from django.urls import path

from .views import (
    autosave,
    chapters,
    listing,
    orphans,
    posting,
    reading,
    related,
    series,
    settings,
    skins,
)

app_name = "works"

urlpatterns = [
    path("works", listing.work_index, name="index"),
    path("works/new", posting.work_new, name="new"),
    path("works/autosave", autosave.autosave, name="autosave"),
    path(
        "works/autosave/<int:autosave_id>/discard",
        autosave.autosave_discard,
        name="autosave_discard",
    ),
    path("works/<int:work_id>", reading.work_show, name="work"),
    path("works/<int:work_id>/navigate", reading.navigate, name="navigate"),
    path("works/<int:work_id>/preview", reading.preview, name="preview"),
    path("works/<int:work_id>/edit", posting.work_edit, name="edit"),
    path("works/<int:work_id>/post", posting.work_post, name="post"),
    path("works/<int:work_id>/creatorships/remove", posting.work_leave, name="leave"),
    path("works/<int:work_id>/confirm_delete", posting.work_delete, name="delete"),
    path("works/<int:work_id>/orphan", orphans.work_orphan, name="orphan"),
    path("works/<int:work_id>/chapters/new", chapters.chapter_new, name="chapter_new"),
    path("works/<int:work_id>/chapters/manage", chapters.chapters_manage, name="chapters_manage"),
    path("works/<int:work_id>/chapters/<int:chapter_id>", reading.chapter_show, name="chapter"),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/edit",
        chapters.chapter_edit,
        name="chapter_edit",
    ),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/confirm_delete",
        chapters.chapter_delete,
        name="chapter_delete",
    ),
    path("chapters/<int:chapter_id>", reading.chapter_redirect, name="chapter_redirect"),
    path("series/<int:series_id>", series.series_show, name="series"),
    path("series/<int:series_id>/edit", series.series_edit, name="series_edit"),
    path("series/<int:series_id>/confirm_delete", series.series_delete, name="series_delete"),
    path("users/<str:login_name>/series", series.user_series, name="user_series"),
    path(
        "users/<str:login_name>/pseuds/<str:pseud_name>/series",
        series.pseud_series,
        name="pseud_series",
    ),
    path("settings/reading", settings.reading_settings, name="reading_settings"),
    path("skins", skins.skin_index, name="skins"),
    path("skins/new", skins.skin_new, name="skin_new"),
    path("skins/<int:skin_id>", skins.skin_show, name="skin"),
    path("skins/<int:skin_id>/edit", skins.skin_edit, name="skin_edit"),
    path("skins/<int:skin_id>/confirm_delete", skins.skin_delete, name="skin_delete"),
    path("users/<str:login_name>/skins", skins.user_skins, name="user_skins"),
    path("users/<str:login_name>/orphan", orphans.user_orphan, name="user_orphan"),
    path(
        "users/<str:login_name>/pseuds/<str:pseud_name>/orphan",
        orphans.pseud_orphan,
        name="pseud_orphan",
    ),
    path("users/<str:login_name>/related_works", related.related_works, name="related_works"),
    path("related_works/<int:link_id>/answer", related.related_answer, name="related_answer"),
    path("related_works/<int:link_id>/remove", related.related_remove, name="related_remove"),
]
