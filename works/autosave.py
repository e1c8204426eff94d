"""Autosave of the posting and chapter forms: what a creator typed, kept every few seconds.
A work never posted is saved as the draft it is (through the work services, which announce it
as any save of a draft); everything else — a posted work, a chapter, fields not yet valid —
goes to a store of its own (`Autosave`), never to the work. Nothing here posts a work or a
chapter or changes what readers see; the store is announced to nobody, as no index, cache or
inbox holds a copy of it. The form brings its text back ("restore") and the creator saves it
through the usual services.

Callers have loaded the work or chapter through `access.getters` (creators only); the store is
keyed by the user, so nobody reaches another's text by its id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from access.visibility import is_creator
from lifestream.core.actors import Actor
from lifestream.core.errors import ErrorList, InvalidInput, NotFound
from lifestream.core.ratelimit import check_rate
from people.models import User

from . import services
from .models import (
    AUTOSAVE_MAX_CHARS,
    NEW_WORK_AUTOSAVES_MAX,
    Autosave,
    AutosaveForm,
    Chapter,
    Work,
)
from .services import ChapterData, WorkData

FieldValues = dict[str, str | list[str]]


@dataclass(frozen=True)
class AutosaveTarget:
    """Which form was autosaved: a new work's (`work` None), a work's, a new chapter of
    `work`, or `chapter`."""

    form: AutosaveForm
    work: Work | None = None
    chapter: Chapter | None = None


def stamp_of(target: AutosaveTarget) -> str:
    """When what the form edits last changed, as the form remembers it: a save from anywhere
    else since the form was opened changes it. "" for a form that edits nothing yet."""
    if target.chapter is not None:
        return target.chapter.updated_at.isoformat()
    if target.work is not None and target.form == AutosaveForm.WORK_EDIT:
        # A one-shot's text is on the work's form too, and is saved in its chapter.
        latest = target.work.chapters.aggregate(latest=Max("updated_at"))["latest"]
        stamps = [target.work.updated_at, *([latest] if latest else [])]
        return max(stamps).isoformat()
    return ""


def _rows(user: User, target: AutosaveTarget) -> QuerySet[Autosave]:
    rows = Autosave.objects.filter(user=user, form=target.form)
    if target.chapter is not None:
        return rows.filter(chapter=target.chapter)
    return rows.filter(work=target.work, chapter__isnull=True)


def _new_work_rows(user: User) -> QuerySet[Autosave]:
    """The user's new works' autosaves (not the rows that say which draft a form made)."""
    return Autosave.objects.filter(user=user, form=AutosaveForm.WORK_NEW, work__isnull=True)


def _made_draft(user: User, token: str) -> Work | None:
    """The draft that the new work's form named `token` already made, if any."""
    if not token:
        return None
    made = (
        Autosave.objects.filter(user=user, form=AutosaveForm.WORK_NEW, token=token)
        .exclude(work__isnull=True)
        .select_related("work")
        .first()
    )
    if made is None or made.work is None or not is_creator(user, made.work):
        return None
    return made.work


def find_autosave(
    user: User, target: AutosaveTarget, autosave_id: int | None = None
) -> Autosave | None:
    """The user's autosave of this form (for a new work's form, the one with `autosave_id`)."""
    if target.form == AutosaveForm.WORK_NEW:
        if autosave_id is None:
            return None
        return _new_work_rows(user).filter(pk=autosave_id).first()
    return _rows(user, target).first()


def new_work_autosaves(user: User) -> list[Autosave]:
    """New works the user started and never saved, newest first."""
    return list(_new_work_rows(user).order_by("-saved_at")[:NEW_WORK_AUTOSAVES_MAX])


def _check(fields: FieldValues, target: AutosaveTarget, base: str, errors: ErrorList) -> None:
    size = sum(
        len(value) if isinstance(value, str) else sum(len(item) for item in value)
        for value in fields.values()
    )
    if size > AUTOSAVE_MAX_CHARS:
        errors.add(
            "fields",
            "too_large",
            f"This text is too long to autosave ({size:,} characters; at most "
            f"{AUTOSAVE_MAX_CHARS:,}). It is kept in this browser only.",
        )
    current = stamp_of(target)
    if current and base != current:
        noun = "chapter" if target.chapter is not None else "work"
        errors.add(
            "base",
            "changed_elsewhere",
            f"This {noun} was changed elsewhere since you opened this form, so autosave "
            "stopped rather than overwrite it. Your text is kept in this browser: copy it, "
            "then reload the page.",
        )


@dataclass(frozen=True)
class Saved:
    """What an autosave kept: a row of the autosave store, or the draft work itself (`work`,
    with its new stamp, when the form now edits that draft)."""

    row: Autosave | None = None
    work: Work | None = None
    stamp: str = ""
    # The draft chapter saved into, when the form was a draft work's chapter form.
    chapter: Chapter | None = None

    @property
    def saved_at(self) -> dt.datetime:
        if self.row is not None:
            return self.row.saved_at
        if self.chapter is not None:
            return self.chapter.updated_at
        assert self.work is not None
        return self.work.updated_at


@dataclass(frozen=True)
class DraftText:
    """The form's fields as the work's services take them, for a form that edits a draft:
    a work's form (`work`, and `chapter` for a one-shot's text) or a chapter's (`chapter`)."""

    work: WorkData | None
    chapter: ChapterData | None


@transaction.atomic
def save_autosave(
    actor: Actor,
    target: AutosaveTarget,
    fields: FieldValues,
    *,
    base: str = "",
    version: int = 0,
    autosave_id: int | None = None,
    draft: DraftText | None = None,
    token: str = "",
) -> Saved:
    """Keep `fields` as the creator's autosave of the form. `base` is the stamp the form was
    opened with, `version` the last save the form knows of (0: none yet).

    A work that was never posted is its creator's alone: with `draft`, a new work's form makes
    ONE draft work of it as soon as the fields make a valid work (the form then edits that
    draft), and a draft work's form saves into the draft. Until the fields are valid, and for
    anything readers can see (a posted work, any chapter), the text goes to the autosave store:
    a new work's form makes one row on its first save and names it by `autosave_id` after that.
    Nothing here ever posts.

    Raises RateLimited, NotFound (a new work's autosave that was discarded) and InvalidInput:
    `too_large`, `changed_elsewhere` (the work or chapter was saved elsewhere since),
    `saved_elsewhere` (another window autosaved this form since)."""
    user = actor.user
    check_rate("autosave", actor, field="fields", noun="autosaves")
    if target.form == AutosaveForm.WORK_NEW:
        made = _made_draft(user, token)
        if made is not None:
            # This form's fields already made a draft, and the form never heard: it edits it.
            target = AutosaveTarget(AutosaveForm.WORK_EDIT, made)
            base = stamp_of(target)
    errors = ErrorList()
    _check(fields, target, base, errors)
    errors.raise_if_any()
    if draft is not None and target.form == AutosaveForm.CHAPTER_EDIT:
        chapter = _save_draft_chapter(target, draft)
        if chapter is not None:
            _rows(user, target).delete()
            return Saved(work=chapter.work, chapter=chapter, stamp=stamp_of(target))
    elif draft is not None:
        work = _save_draft(user, target, draft)
        if work is not None:
            if target.form == AutosaveForm.WORK_NEW:
                clear_autosave(user, target, autosave_id)
                if token:
                    Autosave.objects.create(
                        user=user, form=AutosaveForm.WORK_NEW, work=work, token=token
                    )
            else:
                _rows(user, target).delete()
            return Saved(work=work, stamp=stamp_of(AutosaveTarget(AutosaveForm.WORK_EDIT, work)))
    row = _store(user, target, fields, version=version, autosave_id=autosave_id, token=token)
    return Saved(row=row)


def _save_draft_chapter(target: AutosaveTarget, draft: DraftText) -> Chapter | None:
    """A draft work's chapter with the form's text (never posting it), or None while the text
    doesn't make a valid chapter, or where readers could see the chapter's work."""
    chapter, work = target.chapter, target.work
    if chapter is None or work is None or work.posted or draft.chapter is None:
        return None
    try:
        with transaction.atomic():
            return services.update_chapter(chapter, draft.chapter, post=False)
    except InvalidInput:
        return None


def _save_draft(user: User, target: AutosaveTarget, draft: DraftText) -> Work | None:
    """The new or draft work with the form's fields, or None while they don't make a valid
    work (nothing is written then)."""
    work = target.work
    if work is not None and (work.posted or target.form != AutosaveForm.WORK_EDIT):
        return None
    if draft.work is None:
        return None
    # Invitations and gifts go out when the creator saves or posts the form, never mid-typing;
    # a scheduled draft keeps its moment (a time typed into the past would post it).
    kept = work.scheduled_for if work is not None and work.is_scheduled else None
    data = replace(draft.work, co_creators=[], gifts=None, scheduled_for=kept)
    try:
        with transaction.atomic():
            if work is None:
                chapter = draft.chapter or ChapterData()
                return services.create_work(user, data, chapter, post=False)
            return services.update_work(user, work, data, draft.chapter)
    except InvalidInput:
        return None


def _store(
    user: User,
    target: AutosaveTarget,
    fields: FieldValues,
    *,
    version: int,
    autosave_id: int | None,
    token: str,
) -> Autosave:
    errors = ErrorList()
    if target.form == AutosaveForm.WORK_NEW and autosave_id is not None:
        row = _new_work_rows(user).select_for_update().filter(pk=autosave_id).first()
        if row is None:
            raise NotFound(gettext("This autosaved text was discarded."))
    elif target.form == AutosaveForm.WORK_NEW:
        row = None
    else:
        row = _rows(user, target).select_for_update().first()

    now = timezone.now()
    if row is None:
        row = Autosave.objects.create(
            user=user,
            form=target.form,
            work=target.work,
            chapter=target.chapter,
            fields=fields,
            saved_at=now,
            token=token if target.form == AutosaveForm.WORK_NEW else "",
        )
        if target.form == AutosaveForm.WORK_NEW:
            _keep_newest(user)
        return row
    if row.version != version:
        errors.add(
            "version",
            "saved_elsewhere",
            "This form was autosaved from another window at "
            f"{timezone.localtime(row.saved_at):%H:%M}, so autosave stopped rather than "
            "overwrite it. Your text is kept in this browser.",
        )
        errors.raise_if_any()
    row.fields = fields
    row.version += 1
    row.saved_at = now
    row.save(update_fields=["fields", "version", "saved_at"])
    return row


def _keep_newest(user: User) -> None:
    """A user keeps their newest few unsaved new works; older ones go."""
    keep = _new_work_rows(user).order_by("-saved_at", "-pk")[:NEW_WORK_AUTOSAVES_MAX]
    _new_work_rows(user).exclude(pk__in=list(keep.values_list("pk", flat=True))).delete()


@transaction.atomic
def discard_autosave(user: User, autosave_id: int) -> Autosave:
    """Delete one of the user's autosaves; NotFound for anyone else's, or one already gone."""
    row = Autosave.objects.filter(pk=autosave_id, user=user).select_related("work").first()
    if row is None:
        raise NotFound(gettext("This autosaved text was already discarded."))
    row.delete()
    return row


@transaction.atomic
def clear_autosave(user: User, target: AutosaveTarget, autosave_id: int | None = None) -> None:
    """The form was saved: its autosave has done its work."""
    if target.form == AutosaveForm.WORK_NEW:
        if autosave_id is not None:
            _new_work_rows(user).filter(pk=autosave_id).delete()
        return
    _rows(user, target).delete()
    if target.form == AutosaveForm.WORK_EDIT:
        # The new work's form that made this draft is done with too.
        Autosave.objects.filter(user=user, form=AutosaveForm.WORK_NEW, work=target.work).delete()
