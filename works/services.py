"""Writes to works and chapters. Each function is one atomic step: it validates everything first
and commits whole or not at all, so no half-written work is ever visible."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from lifestream.core.changes import (
    ChapterDeleting,
    ChapterPosted,
    WorkChanged,
    WorkDeleted,
    WorkPosted,
    announce,
)
from lifestream.core.errors import ErrorList, FieldError, InvalidInput
from lifestream.core.text import (
    MAX_NESTING,
    count_words,
    format_to_html,
    nested_too_deep,
    one_line,
)
from people.models import Pseud, User
from signups.services import check_may_contribute
from tags.models import Tag, TagKind
from tags.services import (
    check_tag_names,
    find_or_create_tags,
    fixed_tags,
    normalize_tag_names,
)

from .credits import CleanCredits, check_credits, write_credits
from .languages import LANGUAGE_NAMES
from .models import (
    CHAPTER_BODY_MAX,
    CHAPTER_TITLE_MAX,
    CHAPTERS_PER_WORK_MAX,
    EXPECTED_CHAPTERS_MAX,
    NOTES_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    USER_TAGS_MAX,
    Chapter,
    CommentPermission,
    Creatorship,
    Work,
)
from .series import anonymity_conflict, anonymity_message, forget_deleted_work
from .skins import check_work_skin

BODY_FORMATS = ("html", "text")


@dataclass
class ChapterData:
    """A chapter as a form or the API received it, before cleaning."""

    body: str = ""
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    body_format: str = "html"
    published_on: dt.date | None = None
    # The chapter's own creators, a subset of the work's ([]: all of them; None: unchanged).
    pseuds: list[Pseud] | None = None
    # A moment (time-zone aware) to post it at instead of now; in the past it is a backdate.
    scheduled_for: dt.datetime | None = None


@dataclass
class WorkData:
    """A work's fields as a form or the API received them, before cleaning. Tag fields hold
    names; `pseuds` the creator's chosen pseuds."""

    title: str = ""
    pseuds: list[Pseud] = field(default_factory=list)
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    rating: str = ""
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)
    language: str = "en"
    restricted: bool = False
    anonymous: bool = False
    expected_chapters: int | None = None
    complete: bool = False
    published_on: dt.date | None = None
    comment_permission: str = CommentPermission.EVERYONE
    moderated_comments: bool = False
    # Pseuds to invite as co-creators ("pseud" or "pseud (login)"); gift recipients (pseuds
    # or plain names), None to leave the gifts as they are.
    co_creators: list[str] = field(default_factory=list)
    gifts: list[str] | None = None
    # As on a chapter: posting schedules the work for this moment instead.
    scheduled_for: dt.datetime | None = None
    # A work skin (`works.skins`): None wears the archive's own look.
    skin_id: int | None = None


def work_data_from(work: Work) -> WorkData:
    """The current state of `work` as WorkData, for forms and partial (PATCH) updates."""
    return WorkData(
        title=work.title,
        pseuds=work.creator_pseuds,
        summary=work.summary,
        notes=work.notes,
        end_notes=work.end_notes,
        rating=work.rating.name if work.rating else "",
        warnings=[t.name for t in work.tags_of(TagKind.WARNING)],
        categories=[t.name for t in work.tags_of(TagKind.CATEGORY)],
        fandoms=[t.name for t in work.tags_of(TagKind.FANDOM)],
        relationships=[t.name for t in work.tags_of(TagKind.RELATIONSHIP)],
        characters=[t.name for t in work.tags_of(TagKind.CHARACTER)],
        freeforms=[t.name for t in work.tags_of(TagKind.FREEFORM)],
        language=work.language,
        restricted=work.restricted,
        anonymous=work.anonymous_by_choice,
        skin_id=work.skin_id,
        comment_permission=work.comment_permission,
        moderated_comments=work.moderated_comments,
        expected_chapters=work.expected_chapters,
        complete=work.is_complete,
        published_on=work.published_on if work.backdated else None,
        scheduled_for=work.scheduled_for if work.is_scheduled else None,
    )


class ChapterText(Protocol):
    """Anything holding a chapter's text: a chapter, an API payload, a sample chapter."""

    @property
    def body(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def notes(self) -> str: ...
    @property
    def end_notes(self) -> str: ...


def chapter_data_from(chapter: ChapterText, **fields: Any) -> ChapterData:
    """ChapterData with `chapter`'s text, and any other fields given (a stored chapter's
    `published_on`, a payload's `body_format`)."""
    return ChapterData(
        body=chapter.body,
        title=chapter.title,
        summary=chapter.summary,
        notes=chapter.notes,
        end_notes=chapter.end_notes,
        **fields,
    )


def stored_chapter_data(chapter: Chapter) -> ChapterData:
    """The current state of `chapter` as ChapterData, for forms and partial updates."""
    return chapter_data_from(
        chapter,
        published_on=chapter.published_on,
        scheduled_for=chapter.scheduled_for if chapter.is_scheduled else None,
        pseuds=list(chapter.pseuds.all()),
    )


def _check_chapter_creators(work: Work, data: ChapterData, errors: ErrorList) -> None:
    if data.pseuds and any(pseud not in work.creator_pseuds for pseud in data.pseuds):
        errors.add("pseuds", "not_a_creator", "A chapter's creators are some of the work's.")


def _set_chapter_creators(chapter: Chapter, data: ChapterData) -> None:
    if data.pseuds is not None:
        chapter.pseuds.set(data.pseuds)


# --- cleaning ---------------------------------------------------------------------------------


EARLIEST_DATE = dt.date(1900, 1, 1)


def _check_date(errors: ErrorList, name: str, value: dt.date | None) -> None:
    if value is None:
        return
    if value > timezone.localdate():
        errors.add(
            name,
            "future_date",
            "Publication date can't be in the future. Backdating is fine; to post later, "
            "save a draft.",
        )
    elif value < EARLIEST_DATE:
        errors.add(name, "too_early", f"Publication dates start at {EARLIEST_DATE:%Y-%m-%d}.")


@dataclass
class _CleanWork:
    title: str
    pseuds: list[Pseud]
    summary: str
    notes: str
    end_notes: str
    tags: list[Tag]
    language: str
    restricted: bool
    anonymous: bool
    expected_chapters: int | None
    complete: bool
    published_on: dt.date | None
    comment_permission: str
    moderated_comments: bool
    credits: CleanCredits
    skin_id: int | None


def _clean_work(
    user: User, data: WorkData, errors: ErrorList, work: Work | None = None
) -> _CleanWork:
    title = one_line(data.title or "")
    if not title:
        errors.add("title", "required", "Please enter a title.")
    errors.check_length("title", "Title", title, TITLE_MAX)

    # The other creators' pseuds (a work read back for an update lists them) stay as they are.
    pseuds = [pseud for pseud in dict.fromkeys(data.pseuds) if pseud.user_id == user.pk]
    others = {p.pk for p in data.pseuds if p.user_id != user.pk}
    if work is not None and work.pk is not None:
        others -= {p.pk for p in work.creator_pseuds}
    if not pseuds:
        errors.add("pseuds", "required", "Choose at least one of your pseuds as the creator.")
    if others:
        errors.add("pseuds", "not_yours", "You can only post under your own pseuds.")
    becomes_anonymous = data.anonymous or (work is not None and work.in_anonymous_collection)
    if work is not None and work.pk is not None and becomes_anonymous != work.anonymous:
        mixed = anonymity_conflict(work, becomes_anonymous)
        if mixed is not None:
            errors.add("anonymous", "series_anonymity", anonymity_message(mixed))

    errors.check_length("summary", "Summary", data.summary, SUMMARY_MAX)
    errors.check_length("notes", "Notes", data.notes, NOTES_MAX)
    errors.check_length("end_notes", "End notes", data.end_notes, NOTES_MAX)

    tags: list[Tag] = []
    ratings = fixed_tags(TagKind.RATING, [data.rating] if data.rating else [], "rating", errors)
    if not data.rating:
        errors.add("rating", "required", "Choose a rating.")
    tags += ratings
    if not data.warnings:
        errors.add("warnings", "required", "Choose at least one archive warning.")
    tags += fixed_tags(TagKind.WARNING, data.warnings, "warnings", errors)
    tags += fixed_tags(TagKind.CATEGORY, data.categories, "categories", errors)

    user_tags = {
        "fandoms": (TagKind.FANDOM, normalize_tag_names(data.fandoms)),
        "relationships": (TagKind.RELATIONSHIP, normalize_tag_names(data.relationships)),
        "characters": (TagKind.CHARACTER, normalize_tag_names(data.characters)),
        "freeforms": (TagKind.FREEFORM, normalize_tag_names(data.freeforms)),
    }
    if not user_tags["fandoms"][1]:
        errors.add("fandoms", "required", "Add at least one fandom.")
    total = sum(len(names) for _, names in user_tags.values())
    if total > USER_TAGS_MAX:
        errors.add(
            "freeforms",
            "too_many_tags",
            f"A work can have at most {USER_TAGS_MAX} fandom, relationship, character and "
            f"additional tags together; this one has {total}.",
        )
    for name, (_, names) in user_tags.items():
        check_tag_names(name, names, errors)
    if not errors.errors:
        # Only touch the tag table once everything else is known to be good.
        for name, (kind, names) in user_tags.items():
            tags += find_or_create_tags(kind, names, name, errors)

    if data.language not in LANGUAGE_NAMES:
        errors.add("language", "unknown_choice", "Choose a language from the list.")

    expected = data.expected_chapters
    if expected is not None and not 1 <= expected <= EXPECTED_CHAPTERS_MAX:
        errors.add(
            "expected_chapters",
            "out_of_range",
            f"The expected number of chapters must be between 1 and {EXPECTED_CHAPTERS_MAX:,}, "
            "or left blank if unknown.",
        )
    _check_date(errors, "published", data.published_on)
    credits = check_credits(user, work, data.co_creators, data.gifts, errors)
    check_work_skin(user, data.skin_id, work, errors)
    if data.comment_permission not in CommentPermission.values:
        errors.add(
            "comment_permission",
            "unknown_choice",
            "Who can comment is one of: " + ", ".join(CommentPermission.values) + ".",
        )
    return _CleanWork(
        title=title,
        pseuds=pseuds,
        summary=format_to_html(data.summary, "html"),
        notes=format_to_html(data.notes, "html"),
        end_notes=format_to_html(data.end_notes, "html"),
        tags=tags,
        language=data.language,
        restricted=data.restricted,
        anonymous=data.anonymous,
        expected_chapters=expected,
        complete=data.complete,
        published_on=data.published_on,
        comment_permission=data.comment_permission,
        moderated_comments=data.moderated_comments,
        credits=credits,
        skin_id=data.skin_id,
    )


@dataclass
class _CleanChapter:
    title: str
    summary: str
    notes: str
    end_notes: str
    body: str
    word_count: int
    published_on: dt.date | None


def _clean_chapter(data: ChapterData, errors: ErrorList, prefix: str = "") -> _CleanChapter:
    title = one_line(data.title or "")
    errors.check_length(f"{prefix}title", "Chapter title", title, CHAPTER_TITLE_MAX)
    errors.check_length(f"{prefix}summary", "Chapter summary", data.summary, SUMMARY_MAX)
    errors.check_length(f"{prefix}notes", "Chapter notes", data.notes, NOTES_MAX)
    errors.check_length(f"{prefix}end_notes", "Chapter end notes", data.end_notes, NOTES_MAX)
    body = ""
    if data.body_format not in BODY_FORMATS:
        errors.add(f"{prefix}body_format", "unknown_choice", "Body format is html or text.")
    elif len(data.body) > CHAPTER_BODY_MAX:
        errors.check_length(f"{prefix}body", "Chapter text", data.body, CHAPTER_BODY_MAX)
    elif data.body_format == "html" and nested_too_deep(data.body):
        errors.add(
            f"{prefix}body",
            "too_deep",
            f"The chapter text nests its HTML elements more than {MAX_NESTING} levels inside "
            "one another, which no story needs. Simplify the HTML and try again.",
        )
    else:
        body = format_to_html(data.body, data.body_format)
        if not body.strip():
            errors.add(
                f"{prefix}body",
                "required",
                "The chapter text is empty. Brevity is the soul of wit, but we need you to "
                "say something!",
            )
    _check_date(errors, f"{prefix}published", data.published_on)
    return _CleanChapter(
        title=title,
        summary=format_to_html(data.summary, "html"),
        notes=format_to_html(data.notes, "html"),
        end_notes=format_to_html(data.end_notes, "html"),
        body=body,
        word_count=count_words(body),
        published_on=data.published_on,
    )


# --- works ------------------------------------------------------------------------------------


def _write_chapter(chapter: Chapter, clean: _CleanChapter) -> None:
    chapter.title = clean.title
    chapter.summary = clean.summary
    chapter.notes = clean.notes
    chapter.end_notes = clean.end_notes
    chapter.body = clean.body
    chapter.word_count = clean.word_count
    if clean.published_on is not None:
        chapter.published_on = clean.published_on
    chapter.save()


def _apply_work(work: Work, clean: _CleanWork) -> None:
    work.title = clean.title
    work.summary = clean.summary
    work.notes = clean.notes
    work.end_notes = clean.end_notes
    work.language = clean.language
    work.restricted = clean.restricted
    work.anonymous_by_choice = clean.anonymous
    # An anonymous collection not yet revealed keeps the work anonymous whatever the choice.
    work.anonymous = clean.anonymous or work.in_anonymous_collection
    work.skin_id = clean.skin_id
    work.comment_permission = clean.comment_permission
    work.moderated_comments = clean.moderated_comments
    work.expected_chapters = clean.expected_chapters
    work.backdated = clean.published_on is not None
    if clean.published_on is not None:
        work.published_on = clean.published_on


def _set_creators(user: User, work: Work, pseuds: list[Pseud]) -> None:
    """`user`'s own pseuds on `work` (co-creators' credits are theirs to change)."""
    credits = Creatorship.invitations.filter(work=work)
    credits.filter(pseud__user=user).exclude(pseud__in=pseuds).delete()
    kept = set(credits.filter(pseud__user=user).values_list("pseud_id", flat=True))
    last = credits.aggregate(last=Max("position"))["last"]
    position = -1 if last is None else last
    for pseud in pseuds:
        if pseud.pk not in kept:
            # A pseud added later joins the end of the byline, after any co-creators.
            position += 1
            Creatorship.invitations.create(work=work, pseud=pseud, position=position)


def _revision_time(work: Work) -> dt.datetime:
    """Backdated works sort by their publication date; others by the moment of the change."""
    now = timezone.now()
    if work.backdated and work.published_on < timezone.localdate():
        return dt.datetime.combine(work.published_on, dt.time(12), tzinfo=dt.UTC)
    return now


def _dated_revision_time(work: Work) -> dt.datetime:
    """After the publication date is changed: the latest of the work's date and its posted
    chapters' dates (a chapter posted since still counts), never in the future."""
    dates = [work.published_on]
    dates += work.chapters.filter(posted=True, position__gt=1).values_list(
        "published_on", flat=True
    )
    latest = dt.datetime.combine(max(dates), dt.time(12), tzinfo=dt.UTC)
    return min(latest, timezone.now())


def _refresh_stats(work: Work) -> None:
    """Recount from the chapters readers will see: the posted ones, or for a draft all of them
    (they are posted together). Only this work's own row is written: posting never locks a
    counter shared with other works."""
    chapters = work.chapters.all() if not work.posted else work.chapters.filter(posted=True)
    counts = list(chapters.values_list("word_count", flat=True))
    work.chapter_count = len(counts)
    work.word_count = sum(counts)
    if work.expected_chapters is not None and work.expected_chapters < work.chapter_count:
        work.expected_chapters = work.chapter_count


def _apply_complete(
    work: Work,
    clean: _CleanWork,
    errors: ErrorList,
    *,
    previous_expected: int | None = None,
    was_complete: bool = False,
) -> None:
    """ "Complete" is a shorthand for the expected number of chapters. Ticked, the work is
    finished at its current count, unless a different number was typed (an error: they
    disagree). Unticked on a work that was complete, with the number left at the count, the
    total is unknown again. A number typed alone always wins."""
    count = work.chapter_count
    expected = clean.expected_chapters
    typed = expected is not None and expected != previous_expected
    if expected is not None and expected < count:
        errors.add(
            "expected_chapters",
            "fewer_than_posted",
            f"This work already has {count} chapters; the expected number can't be smaller.",
        )
    elif clean.complete:
        if typed and expected is not None and expected > max(count, 1):
            errors.add(
                "complete",
                "complete_mismatch",
                f"A complete work has as many chapters as it expects; this one has {count}. "
                f"Untick “complete” or change the expected number.",
            )
        else:
            work.expected_chapters = max(count, 1)
    elif was_complete and expected == count:
        work.expected_chapters = None


@transaction.atomic
def create_work(
    user: User,
    data: WorkData,
    chapter: ChapterData,
    *,
    post: bool,
    more_chapters: list[ChapterData] | tuple[ChapterData, ...] = (),
) -> Work:
    """A new work with its chapters (errors named `chapters.N.…`, the first chapter 0), posted
    at once or kept as a draft, whole or not at all."""
    if post:
        check_may_contribute(user, "work")
    errors = ErrorList()
    schedule = _clean_schedule(errors, data.scheduled_for if post else None, data.published_on)
    clean = _clean_work(user, replace(data, published_on=schedule.published_on), errors)
    clean_chapter = _clean_chapter(chapter, errors, prefix="chapters.0.")
    clean_more = [
        _clean_chapter(extra, errors, prefix=f"chapters.{index}.")
        for index, extra in enumerate(more_chapters, start=1)
    ]
    if 1 + len(clean_more) > CHAPTERS_PER_WORK_MAX:
        errors.add("chapters", "too_many_chapters", f"At most {CHAPTERS_PER_WORK_MAX:,} chapters.")
    errors.raise_if_any()

    work = Work(posted=post and schedule.at is None, scheduled_for=schedule.at)
    _apply_work(work, clean)
    work.save()
    _set_creators(user, work, clean.pseuds)
    write_credits(user, work, clean.credits)
    work.tags.set(clean.tags)
    for position, clean_text in enumerate([clean_chapter, *clean_more], start=1):
        new = Chapter(
            work=work,
            position=position,
            posted=work.posted,
            scheduled_for=work.scheduled_for,
            published_on=work.published_on,
        )
        _write_chapter(new, clean_text)
    _refresh_stats(work)
    _apply_complete(work, clean, errors)
    errors.raise_if_any()
    work.revised_at = _revision_time(work)
    _schedule_work(work, schedule.at)
    work.save()
    announce(WorkPosted(work.pk) if work.posted else WorkChanged(work.pk))
    return work


@transaction.atomic
def update_work(user: User, work: Work, data: WorkData, chapter: ChapterData | None = None) -> Work:
    """Change a work's fields and tags, and with `chapter` the text of a one-chapter work (the
    edit page of a one-shot shows both). Other chapters change through the chapter functions."""
    errors = ErrorList()
    # A scheduled work keeps, moves or drops its time here (moved into the past, it is posted,
    # dated then); a draft is scheduled by posting it.
    was_scheduled = work.is_scheduled
    schedule = _clean_schedule(
        errors, data.scheduled_for if was_scheduled else None, data.published_on
    )
    if work.posted and data.scheduled_for is not None:
        errors.add("scheduled_for", "already_posted", "This work is posted already.")
    clean = _clean_work(user, replace(data, published_on=schedule.published_on), errors, work)
    clean_chapter = _clean_chapter(chapter, errors, prefix="chapters.0.") if chapter else None
    only_chapter = work.chapters.order_by("position").first() if clean_chapter else None
    if clean_chapter and work.chapters.count() != 1:
        errors.add(
            "chapters.0.body", "not_a_one_shot", "Edit each chapter of this work on its own."
        )
    errors.raise_if_any()
    was_complete = work.is_complete
    previous_expected = work.expected_chapters
    old_date, was_backdated = work.published_on, work.backdated
    _apply_work(work, clean)
    if was_backdated and not work.backdated:
        # The backdate was removed: the work is dated when it was first saved again.
        work.published_on = timezone.localdate(work.created_at)
    if only_chapter is not None and clean_chapter is not None:
        _write_chapter(only_chapter, clean_chapter)
    if work.published_on != old_date:
        # The first chapter carries the work's publication date.
        work.chapters.filter(position=1).update(published_on=work.published_on)
        work.revised_at = _dated_revision_time(work)
    _refresh_stats(work)
    _apply_complete(
        work, clean, errors, previous_expected=previous_expected, was_complete=was_complete
    )
    errors.raise_if_any()
    if was_scheduled:
        _schedule_work(work, schedule.at)
    work.save()
    _set_creators(user, work, clean.pseuds)
    write_credits(user, work, clean.credits)
    work.tags.set(clean.tags)
    announce(WorkChanged(work.pk))
    if was_scheduled and schedule.backdate is not None:
        post_draft(work)
    return work


@transaction.atomic
def post_draft(work: Work, *, scheduled_for: dt.datetime | None = None) -> Work:
    """Post a draft work and all of its chapters, dated today unless it was backdated; with a
    future `scheduled_for`, schedule it for then instead (a past one is a backdate)."""
    if work.posted:
        return work
    for creator in User.objects.filter(pseuds__creatorships__work=work).distinct():
        check_may_contribute(creator, "work")
    errors = ErrorList()
    schedule = _clean_schedule(errors, scheduled_for, None)
    errors.raise_if_any()
    if schedule.at is not None:
        work.published_on = timezone.localdate(schedule.at)
        work.revised_at = schedule.at
        _schedule_work(work, schedule.at)
        work.save()
        announce(WorkChanged(work.pk))
        return work
    if schedule.backdate is not None:
        work.published_on, work.backdated = schedule.backdate, True
    work.scheduled_for = None
    work.posted = True
    if not work.backdated:
        work.published_on = timezone.localdate()
    # Its chapters go with it (they carry the work's schedule, if any, never one of their own).
    work.chapters.update(posted=True, scheduled_for=None, published_on=work.published_on)
    _refresh_stats(work)
    work.revised_at = _revision_time(work)
    work.save()
    announce(WorkPosted(work.pk))
    return work


@transaction.atomic
def delete_work(work: Work) -> None:
    announce(WorkDeleted(work.pk))
    forget_deleted_work(work)
    work.delete()


# --- chapters ---------------------------------------------------------------------------------


@transaction.atomic
def add_chapter(work: Work, data: ChapterData, *, post: bool) -> Chapter:
    """Append a chapter. On a draft work the chapter is a draft whatever `post` says: it goes
    out when the work is posted."""
    errors = ErrorList()
    schedule = _clean_chapter_schedule(work, data, errors, post=post)
    clean = _clean_chapter(replace(data, published_on=schedule.published_on), errors)
    _check_chapter_creators(work, data, errors)
    count = work.chapters.count()
    if count >= CHAPTERS_PER_WORK_MAX:
        errors.add("body", "too_many_chapters", f"A work can have at most {count:,} chapters.")
    errors.raise_if_any()
    # Lock this work's row only, so two chapters posted at once get distinct positions.
    Work.objects.select_for_update().filter(pk=work.pk).values_list("pk", flat=True).first()
    last = work.chapters.aggregate(last=Max("position"))["last"] or 0
    chapter = Chapter(
        work=work,
        position=last + 1,
        posted=post and work.posted and schedule.at is None,
        # A chapter of a scheduled work goes out with it.
        scheduled_for=schedule.at or (work.scheduled_for if not work.posted else None),
        published_on=clean.published_on or timezone.localdate(),
    )
    _write_chapter(chapter, clean)
    _set_chapter_creators(chapter, data)
    if schedule.at is not None:
        _queue_release(chapter_id=chapter.pk, at=schedule.at)
    _refresh_stats(work)
    if chapter.posted:
        work.revised_at = timezone.now()
    work.save(update_fields=["chapter_count", "word_count", "expected_chapters", "revised_at"])
    announce(ChapterPosted(work.pk, chapter.pk) if chapter.posted else WorkChanged(work.pk))
    return chapter


@transaction.atomic
def update_chapter(chapter: Chapter, data: ChapterData, *, post: bool | None = None) -> Chapter:
    """Change a chapter; `post=True` also posts a draft chapter of a posted work."""
    errors = ErrorList()
    work = chapter.work
    # A scheduled chapter keeps, moves or drops its time; a draft one is scheduled by posting.
    schedule = _clean_chapter_schedule(
        work, data, errors, post=bool(post) or chapter.is_scheduled, chapter=chapter
    )
    clean = _clean_chapter(replace(data, published_on=schedule.published_on), errors)
    _check_chapter_creators(work, data, errors)
    errors.raise_if_any()
    if not chapter.posted and work.posted:
        chapter.scheduled_for = schedule.at
        if schedule.at is not None:
            _queue_release(chapter_id=chapter.pk, at=schedule.at)
        elif schedule.backdate is not None:
            post = True
    newly_posted = bool(post) and work.posted and not chapter.posted and schedule.at is None
    if newly_posted:
        chapter.posted = True
        # Dated the day readers get it, not the day the draft was started.
        chapter.published_on = schedule.backdate or timezone.localdate()
    _write_chapter(chapter, clean)
    _set_chapter_creators(chapter, data)
    _refresh_stats(work)
    if newly_posted:
        work.revised_at = timezone.now()
    work.save(update_fields=["chapter_count", "word_count", "expected_chapters", "revised_at"])
    announce(ChapterPosted(work.pk, chapter.pk) if newly_posted else WorkChanged(work.pk))
    return chapter


@transaction.atomic
def delete_chapter(chapter: Chapter) -> None:
    """Delete a chapter. A work keeps at least one chapter (delete the work instead), and a
    posted work at least one posted chapter."""
    work = chapter.work
    others = work.chapters.exclude(pk=chapter.pk)
    if not others.exists():
        raise InvalidInput(
            [
                FieldError(
                    "chapter",
                    "last_chapter",
                    gettext("This is the work's only chapter. Delete the whole work instead."),
                )
            ]
        )
    if work.posted and chapter.posted and not others.filter(posted=True).exists():
        raise InvalidInput(
            [
                FieldError(
                    "chapter",
                    "last_posted_chapter",
                    gettext(
                        "This is the work's only posted chapter. Post another one first, or delete "
                        "the whole work."
                    ),
                )
            ]
        )
    # What hangs off the chapter (its comments) goes with it, so it is announced while the
    # chapter is still there: their counts go first.
    announce(ChapterDeleting(work.pk, chapter.pk))
    chapter.delete()
    _renumber(work, list(others.order_by("position").values_list("pk", flat=True)))
    _refresh_stats(work)
    work.save(update_fields=["chapter_count", "word_count", "expected_chapters"])


@transaction.atomic
def reorder_chapters(work: Work, chapter_ids: list[int]) -> None:
    """Put the work's chapters in the order given, which must name each chapter once."""
    current = set(work.chapters.values_list("pk", flat=True))
    if len(chapter_ids) != len(current) or set(chapter_ids) != current:
        raise InvalidInput(
            [
                FieldError(
                    "chapters", "mismatch", gettext("The new order must list every chapter once.")
                )
            ]
        )
    _renumber(work, chapter_ids)
    # Search text and downloads keep the chapters in order.
    announce(WorkChanged(work.pk))


def _renumber(work: Work, ordered_ids: list[int]) -> None:
    # Two passes keep (work, position) unique at every step, on every database.
    offset = CHAPTERS_PER_WORK_MAX * 10
    for position, chapter_id in enumerate(ordered_ids, start=1):
        Chapter.objects.filter(pk=chapter_id).update(position=offset + position)
    for position, chapter_id in enumerate(ordered_ids, start=1):
        Chapter.objects.filter(pk=chapter_id).update(position=position)


# --- scheduled posting ------------------------------------------------------------------------

# How far ahead a work or chapter may be scheduled.
SCHEDULE_AHEAD_MAX = dt.timedelta(days=365)


@dataclass(frozen=True)
class _Schedule:
    """A cleaned schedule: a future moment to post at, or (a moment already past) a backdate,
    which the publication date takes unless one was typed."""

    at: dt.datetime | None = None
    backdate: dt.date | None = None
    typed_date: dt.date | None = None

    @property
    def published_on(self) -> dt.date | None:
        return self.typed_date or self.backdate


def _clean_schedule(
    errors: ErrorList,
    moment: dt.datetime | None,
    published_on: dt.date | None,
    field: str = "scheduled_for",
) -> _Schedule:
    if moment is None:
        return _Schedule(typed_date=published_on)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    now = timezone.now()
    if moment <= now:
        _check_date(errors, field, moment.date())
        return _Schedule(backdate=moment.date(), typed_date=published_on)
    limit = now + SCHEDULE_AHEAD_MAX
    if moment > limit:
        errors.add(
            field,
            "too_far_ahead",
            f"You can schedule at most a year ahead (until {limit:%Y-%m-%d %H:%M} UTC).",
        )
        return _Schedule()
    if published_on is not None:
        errors.add(
            field,
            "scheduled_and_backdated",
            "A scheduled post is dated the day it goes out: clear the publication date, or "
            "the schedule.",
        )
    return _Schedule(at=moment)


def _clean_chapter_schedule(
    work: Work, data: ChapterData, errors: ErrorList, *, post: bool, chapter: Chapter | None = None
) -> _Schedule:
    """A chapter's own schedule: only for a chapter of a posted work that is not out yet, and
    only when posting (a chapter saved as a draft stays one)."""
    if data.scheduled_for is None or not post or (chapter is not None and chapter.posted):
        return _Schedule(typed_date=data.published_on)
    if not work.posted:
        errors.add(
            "scheduled_for",
            "work_not_posted",
            "Schedule or post the work itself: its chapters go out with it.",
        )
        return _Schedule()
    return _clean_schedule(errors, data.scheduled_for, data.published_on)


def _schedule_work(work: Work, at: dt.datetime | None) -> None:
    """Give an unposted work and its chapters the moment they go out (None: a plain draft
    again), and have a task post them then."""
    work.scheduled_for = at
    if work.pk is not None:
        work.chapters.filter(posted=False).update(scheduled_for=at)
    if at is not None:
        work.published_on = timezone.localdate(at)
        work.revised_at = at
        _queue_release(work_id=work.pk, at=at)


def _queue_release(
    *, at: dt.datetime, work_id: int | None = None, chapter_id: int | None = None
) -> None:
    transaction.on_commit(partial(_enqueue_release, at, work_id, chapter_id))


def _enqueue_release(at: dt.datetime, work_id: int | None, chapter_id: int | None) -> None:
    """Queue the task that posts the work or chapter at `at`. A backend that cannot wait
    (tests, `immediate`) gets nothing: readers see it at `at` anyway (the visibility rules
    read the clock), and `release_scheduled` or the next task posts it and tells subscribers."""
    from .tasks import post_scheduled  # tasks import this module

    if not post_scheduled.get_backend().supports_defer:
        return
    post_scheduled.using(run_after=at).enqueue(work_id, chapter_id)


@transaction.atomic
def release_work(work_id: int, now: dt.datetime | None = None) -> bool:
    """Post a scheduled work whose moment has come, once: a second call (a task run twice or
    late, the sweep) finds it posted and does nothing. True if this call posted it."""
    now = now or timezone.now()
    work = (
        Work.objects.select_for_update()
        .filter(pk=work_id, posted=False, scheduled_for__lte=now)
        .first()
    )
    if work is None or work.scheduled_for is None:
        return False
    moment = work.scheduled_for
    work.posted, work.scheduled_for = True, None
    work.published_on = timezone.localdate(moment)
    work.chapters.update(posted=True, scheduled_for=None, published_on=work.published_on)
    _refresh_stats(work)
    work.revised_at = moment
    work.save()
    announce(WorkPosted(work.pk))
    return True


@transaction.atomic
def release_chapter(chapter_id: int, now: dt.datetime | None = None) -> bool:
    """Post a scheduled chapter of a posted work whose moment has come, once."""
    now = now or timezone.now()
    due = Chapter.objects.filter(
        pk=chapter_id, posted=False, scheduled_for__lte=now, work__posted=True
    )
    work_id = due.values_list("work_id", flat=True).first()
    if work_id is None:
        return False
    # The work's row first (as adding a chapter does), then the chapter, read again under it.
    work = Work.objects.select_for_update().get(pk=work_id)
    chapter = due.select_for_update().first()
    if chapter is None or chapter.scheduled_for is None:
        return False
    moment = chapter.scheduled_for
    chapter.posted, chapter.scheduled_for = True, None
    chapter.published_on = timezone.localdate(moment)
    chapter.save(update_fields=["posted", "scheduled_for", "published_on"])
    _refresh_stats(work)
    work.revised_at = max(work.revised_at, moment)
    work.save(update_fields=["chapter_count", "word_count", "expected_chapters", "revised_at"])
    announce(ChapterPosted(work.pk, chapter.pk))
    return True


def release_due(now: dt.datetime | None = None) -> tuple[int, int]:
    """Post every scheduled work and chapter whose moment has come (for a site whose worker
    was down, or a backend that cannot wait): how many works and chapters this call posted."""
    now = now or timezone.now()
    work_ids = Work.objects.filter(posted=False, scheduled_for__lte=now).values_list(
        "pk", flat=True
    )
    works = sum(release_work(work_id, now) for work_id in list(work_ids))
    chapter_ids = Chapter.objects.filter(
        posted=False, scheduled_for__lte=now, work__posted=True
    ).values_list("pk", flat=True)
    chapters = sum(release_chapter(chapter_id, now) for chapter_id in list(chapter_ids))
    return works, chapters
