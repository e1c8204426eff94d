"""The autosave endpoint the posting and chapter forms call every few seconds, and what those
forms need to offer an autosaved text back ("restore") or drop it ("discard")."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.getters import get_chapter_for_editor, get_work_for_editor
from lifestream.core.actors import actor_of
from lifestream.core.errors import InvalidInput, LoginRequired, NotFound, RateLimited
from lifestream.core.ids import parse_id
from people.models import User

from ..autosave import (
    AutosaveTarget,
    DraftText,
    FieldValues,
    clear_autosave,
    discard_autosave,
    find_autosave,
    new_work_autosaves,
    save_autosave,
    stamp_of,
)
from ..forms import ChapterForm, WorkForm
from ..models import AUTOSAVE_MAX_CHARS, Autosave, AutosaveForm, Chapter, Work

# The request holds the text twice at most (escaped), and the form's other fields.
REQUEST_MAX_BYTES = 4 * AUTOSAVE_MAX_CHARS
TOKEN_MAX = 43
STATUS_OF_CODE = {"too_large": 413, "changed_elsewhere": 409, "saved_elsewhere": 409}


def _json_error(status: int, field: str, code: str, message: str, **extra: Any) -> JsonResponse:
    body = {"errors": [{"field": field, "code": code, "message": message}], **extra}
    return JsonResponse(body, status=status)


def _field_names(form: AutosaveForm) -> list[str]:
    if form in (AutosaveForm.CHAPTER_NEW, AutosaveForm.CHAPTER_EDIT):
        return list(ChapterForm.base_fields)
    return list(WorkForm.base_fields)


def _target(user: User, form: str, work_id: int | None, chapter_id: int | None) -> AutosaveTarget:
    """Raises Http404 / PermissionDenied as the access rules say, ValueError for a form that
    names nothing it could autosave."""
    if form == AutosaveForm.WORK_NEW:
        return AutosaveTarget(AutosaveForm.WORK_NEW)
    if form == AutosaveForm.CHAPTER_EDIT and chapter_id is not None:
        chapter = get_chapter_for_editor(user, chapter_id)
        return AutosaveTarget(AutosaveForm.CHAPTER_EDIT, chapter.work, chapter)
    if form in (AutosaveForm.WORK_EDIT, AutosaveForm.CHAPTER_NEW) and work_id is not None:
        return AutosaveTarget(AutosaveForm(form), get_work_for_editor(user, work_id))
    raise ValueError(form)


def _version(value: str | None) -> int:
    return int(value) if value and value.isascii() and value.isdecimal() else 0


@require_POST
def autosave(request: HttpRequest) -> JsonResponse:
    """Keep what the form holds as the creator's autosave; JSON either way. Never posts, never
    changes the work."""
    user = request.user
    if not isinstance(user, User):
        return _json_error(403, "user", "login_required", _("Log in to autosave your text."))
    length = parse_id(request.META.get("CONTENT_LENGTH") or "") or 0
    if length > REQUEST_MAX_BYTES:
        return _json_error(
            413,
            "fields",
            "too_large",
            _("This text is too long to autosave; it is kept in this browser only."),
        )
    data = request.POST
    try:
        target = _target(
            user,
            data.get("autosave_form", ""),
            parse_id(data.get("work_id")),
            parse_id(data.get("chapter_id")),
        )
    except ValueError:
        return _json_error(400, "autosave_form", "unknown_form", _("Nothing to autosave here."))
    except (Http404, LoginRequired):
        return _json_error(404, "work_id", "not_found", _("No such work or chapter."))
    except PermissionDenied:
        return _json_error(
            403, "work_id", "forbidden", _("Only the work's creators can change it.")
        )
    fields: FieldValues = {}
    for name in _field_names(target.form):
        values = data.getlist(name)
        if values:
            fields[name] = values if len(values) > 1 or name in _LIST_FIELDS else values[0]
    try:
        saved = save_autosave(
            actor_of(request),
            target,
            fields,
            base=data.get("autosave_base", ""),
            version=_version(data.get("autosave_version")),
            autosave_id=parse_id(data.get("autosave_id")),
            draft=_draft_text(request, user, target),
            token=data.get("autosave_token", "")[:TOKEN_MAX],
        )
    except RateLimited as error:
        first = error.errors[0]
        response = _json_error(429, first.field, first.code, first.message)
        response["Retry-After"] = str(error.retry_after)
        return response
    except InvalidInput as error:
        first = error.errors[0]
        return _json_error(
            STATUS_OF_CODE.get(first.code, 400), first.field, first.code, first.message
        )
    except NotFound as error:
        return _json_error(404, "autosave_id", "discarded", str(error))
    if saved.row is None:
        assert saved.work is not None
        # A new work's form now edits its draft: its address, its kind and its stamp change.
        if saved.chapter is not None:
            form = AutosaveForm.CHAPTER_EDIT
            url = reverse("works:chapter_edit", args=[saved.work.pk, saved.chapter.pk])
        else:
            form, url = AutosaveForm.WORK_EDIT, reverse("works:edit", args=[saved.work.pk])
        return JsonResponse(
            {
                "draft": True,
                "form": form.value,
                "work_id": saved.work.pk,
                "id": "",
                "version": 0,
                "base": saved.stamp,
                "saved_at": saved.saved_at.isoformat(),
                "url": url,
            }
        )
    return JsonResponse(
        {
            "draft": False,
            "form": saved.row.form,
            "work_id": saved.row.work_id or "",
            "id": saved.row.pk,
            "version": saved.row.version,
            "saved_at": saved.saved_at.isoformat(),
            "url": _restore_url(saved.row),
        }
    )


def _draft_text(request: HttpRequest, user: User, target: AutosaveTarget) -> DraftText | None:
    """A new or draft work's form as the work services take it (None for other forms, and for
    fields the form can't even read, such as a malformed date)."""
    work = target.work
    if target.form == AutosaveForm.CHAPTER_EDIT and work is not None and not work.posted:
        chapter_form = ChapterForm(request.POST)
        return DraftText(None, chapter_form.chapter_data()) if chapter_form.is_valid() else None
    if target.form == AutosaveForm.WORK_NEW:
        with_chapter = True
    elif target.form == AutosaveForm.WORK_EDIT and work is not None and not work.posted:
        with_chapter = len(work.chapters.all()[:2]) == 1
    else:
        return None
    form = WorkForm(request.POST, user=user, with_chapter=with_chapter)
    if not form.is_valid():
        return None
    return DraftText(form.work_data(), form.chapter_data() if with_chapter else None)


# Checkbox groups: a list even with one box ticked.
_LIST_FIELDS = {"pseuds", "warnings", "categories"}


def _restore_url(row: Autosave) -> str:
    if row.form == AutosaveForm.WORK_NEW:
        return f"{reverse('works:new')}?autosave={row.pk}"
    if row.form == AutosaveForm.CHAPTER_EDIT and row.chapter_id is not None:
        url = reverse("works:chapter_edit", args=[row.work_id, row.chapter_id])
    elif row.form == AutosaveForm.CHAPTER_NEW:
        url = reverse("works:chapter_new", args=[row.work_id])
    else:
        url = reverse("works:edit", args=[row.work_id])
    return f"{url}?autosave={row.pk}"


@login_required
@require_POST
def autosave_discard(request: HttpRequest, autosave_id: int) -> HttpResponse:
    """Drop an autosaved text (the form's "Discard" button); back to the form without it."""
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    row = discard_autosave(user, autosave_id)
    messages.success(request, _("The autosaved text was discarded."))
    restore = _restore_url(row)
    if row.form == AutosaveForm.WORK_NEW:
        return redirect("works:new")
    return redirect(restore.partition("?")[0])


# --- what the forms show ----------------------------------------------------------------------


def restore_into(form: forms.Form, row: Autosave) -> None:
    """Put an autosaved text into an unbound form, as the creator typed it."""
    for name, value in row.fields.items():
        field = form.fields.get(name)
        if field is None:
            continue
        if isinstance(field, forms.BooleanField):
            form.initial[name] = value not in ("", "false", "off", [])
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            form.initial[name] = value if isinstance(value, list) else [value]
        else:
            form.initial[name] = value if isinstance(value, str) else (value[0] if value else "")


def autosave_context(
    request: HttpRequest,
    form: forms.Form,
    kind: AutosaveForm,
    work: Work | None = None,
    chapter: Chapter | None = None,
) -> dict[str, Any]:
    """The form page's `autosave` context. With `?autosave=ID` on a GET the autosaved text is
    restored into `form`; otherwise an autosave that exists is offered back."""
    user = request.user
    assert isinstance(user, User)  # the form views require a login
    target = AutosaveTarget(kind, work, chapter)
    asked = parse_id(request.GET.get("autosave"))
    posted_id = parse_id(request.POST.get("autosave_id")) if request.method == "POST" else None
    row = find_autosave(user, target, asked or posted_id)
    if kind != AutosaveForm.WORK_NEW and asked is not None and (row is None or row.pk != asked):
        row = None
    restored = row is not None and asked == row.pk and request.method != "POST"
    if restored and row is not None:
        restore_into(form, row)
    if kind == AutosaveForm.WORK_NEW:
        offers = [] if row is not None else new_work_autosaves(user)
    else:
        offers = [row] if row is not None and not restored and request.method != "POST" else []
    return {
        "autosave": {
            "url": reverse("works:autosave"),
            "form": kind.value,
            "work_id": work.pk if work is not None else "",
            "chapter_id": chapter.pk if chapter is not None else "",
            "id": row.pk if row is not None and kind == AutosaveForm.WORK_NEW else "",
            "version": row.version if row is not None else 0,
            "base": stamp_of(target),
            "token": _form_token(request, row) if kind == AutosaveForm.WORK_NEW else "",
            "restored": restored,
            "offers": [{"row": offer, "restore_url": _restore_url(offer)} for offer in offers],
            # The script offers the browser's own copy only when it differs from this one.
            "offered_fields": offers[0].fields
            if offers and kind != AutosaveForm.WORK_NEW
            else None,
            "storage_key": _storage_key(user, kind, work, chapter),
        }
    }


def _form_token(request: HttpRequest, row: Autosave | None) -> str:
    """A new work's form keeps its token while it comes back (a failed post, a restore)."""
    posted = request.POST.get("autosave_token", "") if request.method == "POST" else ""
    if posted:
        return posted[:TOKEN_MAX]
    if row is not None and row.token:
        return row.token
    return secrets.token_urlsafe(16)


def _storage_key(user: User, kind: AutosaveForm, work: Work | None, chapter: Chapter | None) -> str:
    target = chapter.pk if chapter is not None else (work.pk if work is not None else "new")
    return f"lifestream-autosave:{user.pk}:{kind.value}:{target}"


def autosave_done(
    request: HttpRequest,
    kind: AutosaveForm,
    work: Work | None = None,
    chapter: Chapter | None = None,
) -> None:
    """The form was saved: drop its autosave."""
    user = request.user
    assert isinstance(user, User)
    target = AutosaveTarget(kind, work if kind != AutosaveForm.WORK_NEW else None, chapter)
    clear_autosave(user, target, parse_id(request.POST.get("autosave_id")))
