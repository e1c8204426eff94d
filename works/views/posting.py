"""Posting, editing and deleting works."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.getters import get_work_for_editor
from archive_collections import services as collection_services
from challenges import services as challenge_services
from imports.queries import pending_suggestions
from lifestream.core.errors import ErrorList, FieldError, Forbidden, InvalidInput, NotFound
from people.models import User
from people.services import ensure_default_pseud

from .. import credits, queries, related, services
from ..forms import ParentForm, WorkForm
from ..models import AutosaveForm, Work
from ..series import change_work_series
from ..series_forms import AddToSeriesForm
from ..series_queries import series_parts_of_work
from ..templatetags.archive import in_zone
from .autosave import autosave_context, autosave_done


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user


def _scheduled_message(user: User, work: Work) -> str:
    return _(
        "Work scheduled for %(moment)s. Only you can see it until then; it is posted by "
        "itself at that moment."
    ) % {"moment": in_zone(work.scheduled_for, user)}


@login_required
def work_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    default_pseud = ensure_default_pseud(user)
    form = WorkForm(
        request.POST or None,
        user=user,
        with_chapter=True,
        initial={"pseuds": [default_pseud], "language": "en", "chapter_body_format": "html"},
    )
    series_form = AddToSeriesForm(request.POST or None, user=user)
    parent_form = ParentForm(request.POST or None, prefix="parent")
    autosaved = autosave_context(request, form, AutosaveForm.WORK_NEW)
    if (
        request.method == "POST"
        and form.is_valid()
        and series_form.is_valid()
        and parent_form.is_valid()
    ):
        action = request.POST.get("action", "post")
        try:
            with transaction.atomic():
                collections = ErrorList()
                chosen = collection_services.check_post_to_collections(
                    user, form.cleaned_data.get("collections") or "", None, collections
                )
                try:
                    work = services.create_work(
                        user, form.work_data(), form.chapter_data(), post=action == "post"
                    )
                except InvalidInput as error:
                    raise InvalidInput(error.errors + collections.errors) from error
                collections.raise_if_any()
                collection_services.set_work_collections(user, work, chosen)
                _fulfil(request, user, work)
                _join_series(user, work, series_form)
                _add_parent(request, work, parent_form)
        except InvalidInput as error:
            _add_errors(form, series_form, parent_form, error)
        else:
            autosave_done(request, AutosaveForm.WORK_NEW)
            if action == "preview":
                return redirect("works:preview", work.pk)
            if action == "draft":
                messages.success(request, _("Draft saved. Only you can see it until you post it."))
                return redirect("works:work", work.pk)
            if work.is_scheduled:
                messages.success(request, _scheduled_message(user, work))
                return redirect(work)
            messages.success(request, _("Work was successfully posted."))
            return redirect(work)
    context = {
        "form": form,
        "series_form": series_form,
        "parent_form": parent_form,
        "new": True,
        "with_chapter": True,
        **_fill_context(request, user),
        **autosaved,
    }
    return render(request, "works/form.html", context)


def _add_errors(
    form: WorkForm, series_form: AddToSeriesForm, parent_form: ParentForm, error: InvalidInput
) -> None:
    """The series and "inspired by" fieldsets' errors on their fields, the others on the work
    form's."""
    series = [e for e in error.errors if e.field.startswith("series")]
    parent = [e for e in error.errors if e.field.startswith("inspired_by")]
    others = [e for e in error.errors if e not in series and e not in parent]
    for part, errors in ((series_form, series), (parent_form, parent), (form, others)):
        if errors:
            part.add_service_errors(InvalidInput(errors))


def _fulfil(request: HttpRequest, user: User, work: Work) -> None:
    """The form's "This fulfils": a gift exchange assignment or a claimed prompt."""
    try:
        challenge_services.fulfil_from_form(user, work, request.POST.get("fulfils", ""))
    except (NotFound, Forbidden) as refused:
        raise InvalidInput([FieldError("fulfils", "unknown", str(refused))]) from refused


def _fill_context(request: HttpRequest, user: User) -> dict[str, object]:
    return {
        "fill_choices": challenge_services.fill_choices(user),
        "fulfils": request.POST.get("fulfils") or request.GET.get("fulfils", ""),
    }


def _join_series(user: User, work: Work, series_form: AddToSeriesForm) -> None:
    data = series_form.cleaned_data
    change_work_series(
        user,
        work,
        series=data.get("series"),
        new_title=data.get("series_title") or "",
        position=data.get("series_position"),
        remove_ids=series_form.removed_ids(),
    )


def _add_parent(request: HttpRequest, work: Work, parent_form: ParentForm) -> None:
    """The "inspired by" typed with the work, in the work's transaction: a bad one keeps the
    work from being saved, and the form comes back with both."""
    data = parent_form.parent_data()
    if data is not None:
        own = frozenset({request.get_host().split(":")[0].lower()})
        related.add_parent(_user(request), work, data, own_hosts=own)


@login_required
def work_edit(request: HttpRequest, work_id: int) -> HttpResponse:
    user = _user(request)
    work = get_work_for_editor(user, work_id)
    initial = WorkForm.initial_from(
        dataclasses.replace(services.work_data_from(work), gifts=queries.gift_recipients(work))
    )
    initial["collections"] = ", ".join(
        c.name for c in collection_services.work_collections_from_creator(work)
    )
    # A one-shot's text is edited with the work, as on AO3; chapters of longer works one by one.
    chapters = list(work.chapters.all()[:2])
    one_shot = chapters[0] if len(chapters) == 1 else None
    if one_shot is not None:
        initial.update(WorkForm.chapter_initial_from(services.stored_chapter_data(one_shot)))
    form = WorkForm(
        request.POST or None, user=user, with_chapter=one_shot is not None, initial=initial
    )
    if work.posted:
        del form.fields["scheduled_for"]
    series_form = AddToSeriesForm(
        request.POST or None, user=user, current=series_parts_of_work(work)
    )
    parent_form = ParentForm(request.POST or None, prefix="parent")
    autosaved = autosave_context(request, form, AutosaveForm.WORK_EDIT, work)
    if (
        request.method == "POST"
        and form.is_valid()
        and series_form.is_valid()
        and parent_form.is_valid()
    ):
        action = request.POST.get("action", "update")
        try:
            with transaction.atomic():
                collections = ErrorList()
                chosen = collection_services.check_post_to_collections(
                    user, form.cleaned_data.get("collections") or "", work, collections
                )
                try:
                    services.update_work(
                        user, work, form.work_data(), form.chapter_data() if one_shot else None
                    )
                except InvalidInput as error:
                    raise InvalidInput(error.errors + collections.errors) from error
                collections.raise_if_any()
                collection_services.set_work_collections(user, work, chosen)
                _fulfil(request, user, work)
                _join_series(user, work, series_form)
                _add_parent(request, work, parent_form)
                if action == "post":
                    services.post_draft(work, scheduled_for=form.work_data().scheduled_for)
        except InvalidInput as error:
            _add_errors(form, series_form, parent_form, error)
        else:
            autosave_done(request, AutosaveForm.WORK_EDIT, work)
            if action == "preview":
                return redirect("works:preview", work.pk)
            if work.is_scheduled:
                messages.success(request, _scheduled_message(user, work))
                return redirect(work)
            messages.success(
                request,
                _("Work was successfully updated.")
                if work.posted
                else _("Draft saved. Only you can see it until you post it."),
            )
            return redirect(work)
    context = {
        "form": form,
        "series_form": series_form,
        "work": work,
        "new": False,
        "with_chapter": one_shot is not None,
        "parent_form": parent_form,
        "parent_links": work.parent_links.select_related("parent"),
        # An imported draft lists the tags its text suggested, for the creator to add.
        "suggestions": pending_suggestions(user, work),
        **_fill_context(request, user),
        **autosaved,
    }
    return render(request, "works/form.html", context)


@login_required
@require_POST
def work_post(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editor(_user(request), work_id)
    services.post_draft(work)
    messages.success(request, _("Work was successfully posted."))
    return redirect(work)


@login_required
def work_delete(request: HttpRequest, work_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    user = _user(request)
    work = get_work_for_editor(user, work_id)
    if request.method == "POST":
        title = work.title
        services.delete_work(work)
        messages.success(request, _("Your work “%(title)s” was deleted.") % {"title": title})
        return redirect("people:works", user.username)
    return render(request, "works/confirm_delete.html", {"work": work})


@login_required
@require_POST
def work_leave(request: HttpRequest, work_id: int) -> HttpResponse:
    """AO3's "Remove Me As Co-Creator": the user's pseuds leave the work's byline."""
    user = _user(request)
    work = get_work_for_editor(user, work_id)
    try:
        credits.leave_work(user, work)
    except InvalidInput as error:
        messages.error(request, error.errors[0].message)
        return redirect("works:edit", work.pk)
    messages.success(
        request, _("You have been removed as a creator of “%(title)s”.") % {"title": work.title}
    )
    return redirect(work if work.posted else "home")
