"""Adding, editing, deleting and reordering chapters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access.getters import get_chapter_for_editor, get_work_for_editor
from lifestream.core.errors import InvalidInput

from .. import services
from ..forms import ChapterForm, ReorderForm
from ..models import AutosaveForm, Chapter
from ..templatetags.archive import in_zone
from .autosave import autosave_context, autosave_done
from .posting import _user


@login_required
def chapter_new(request: HttpRequest, work_id: int) -> HttpResponse:
    user = _user(request)
    work = get_work_for_editor(user, work_id)
    form = ChapterForm(
        request.POST or None,
        user=user,
        initial={"body_format": "html"},
        creators=work.creator_pseuds,
    )
    autosaved = autosave_context(request, form, AutosaveForm.CHAPTER_NEW, work)
    if request.method == "POST" and form.is_valid():
        post = request.POST.get("action", "post") == "post"
        try:
            chapter = services.add_chapter(work, form.chapter_data(), post=post)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            autosave_done(request, AutosaveForm.CHAPTER_NEW, work)
            messages.success(request, _chapter_saved(request, chapter))
            return redirect(chapter)
    return render(
        request,
        "works/chapter_form.html",
        {"form": form, "work": work, "number": work.chapters.count() + 1, **autosaved},
    )


@login_required
def chapter_edit(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    user = _user(request)
    chapter = get_chapter_for_editor(user, chapter_id)
    if chapter.work_id != work_id:
        return redirect("works:chapter_edit", chapter.work_id, chapter.pk)
    initial = vars(services.stored_chapter_data(chapter))
    form = ChapterForm(
        request.POST or None, user=user, initial=initial, creators=chapter.work.creator_pseuds
    )
    if chapter.posted:
        del form.fields["scheduled_for"]
    autosaved = autosave_context(request, form, AutosaveForm.CHAPTER_EDIT, chapter.work, chapter)
    if request.method == "POST" and form.is_valid():
        post = request.POST.get("action") == "post"
        try:
            services.update_chapter(chapter, form.chapter_data(), post=post)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            autosave_done(request, AutosaveForm.CHAPTER_EDIT, chapter.work, chapter)
            messages.success(
                request,
                _chapter_saved(request, chapter)
                if chapter.is_scheduled
                else _("Chapter was successfully updated."),
            )
            return redirect(chapter)
    return render(
        request,
        "works/chapter_form.html",
        {
            "form": form,
            "work": chapter.work,
            "chapter": chapter,
            "number": chapter.position,
            **autosaved,
        },
    )


@login_required
def chapter_delete(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    chapter = get_chapter_for_editor(_user(request), chapter_id)
    work = chapter.work
    if chapter.work_id != work_id:
        return redirect("works:chapter_delete", chapter.work_id, chapter.pk)
    error = None
    if request.method == "POST":
        try:
            services.delete_chapter(chapter)
        except InvalidInput as invalid:
            error = invalid.errors[0].message
        else:
            messages.success(request, _("The chapter was deleted."))
            return redirect(work)
    return render(
        request,
        "works/chapter_confirm_delete.html",
        {"chapter": chapter, "work": work, "error": error},
    )


@login_required
def chapters_manage(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editor(_user(request), work_id)
    chapters = list(work.chapters.order_by("position"))
    form = ReorderForm(request.POST or None, chapters=chapters)
    if request.method == "POST" and form.is_valid():
        try:
            services.reorder_chapters(work, form.ordered_ids())
        except InvalidInput as error:
            form.add_error(None, error.errors[0].message)
        else:
            messages.success(request, _("Chapter order was updated."))
            return redirect("works:navigate", work.pk)
    return render(request, "works/chapters_manage.html", {"work": work, "form": form})


def _chapter_saved(request: HttpRequest, chapter: Chapter) -> str:
    if chapter.is_scheduled and chapter.work.posted:
        return _("Chapter scheduled for %(moment)s.") % {
            "moment": in_zone(chapter.scheduled_for, request.user)
        }
    if chapter.posted:
        return _("Chapter was successfully posted.")
    return _("Chapter saved as a draft. Only you can see it until you post it.")
