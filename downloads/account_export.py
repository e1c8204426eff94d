""" "Download my data": one zip of everything of an account, made by a task (`downloads.tasks.
build_account_export`), kept for its owner until it expires. No HTTP here.

What is in it (README, "Your account"): each work they are credited on as EPUB and HTML (posted
works as readers get them; their drafts, which only creators see, as HTML too), the comments they
wrote and those on their works, their bookmarks (private ones too), reading history, kudos given,
subscriptions, profile and preferences, as JSON. Only what the account may see goes in: a work
they commented on or bookmarked is named only while they may still read it, comments on their
works are those they see as creator (never a guest's email), and a co-creator's draft they are
only invited to is not theirs."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from access.visibility import (
    Access,
    is_released,
    listable_chapters_q,
    released_q,
    series_access,
    visible_comments_q,
    work_access,
)
from feedback.models import Bookmark, Comment, Kudos, NotificationKind, Reading, Subscription
from feedback.notify import notify_account
from lifestream.core.errors import FieldError, InvalidInput
from people.models import PREFERENCE_FIELDS, DataExport, User
from works.models import Series, Work
from works.queries import listing

from .book import make_book, slugify_title
from .formats import Epub, Html

# How long a finished zip stays downloadable.
EXPORT_DAYS = 7
# A new export may be asked for this long after the last one.
EXPORT_EVERY = dt.timedelta(hours=1)


def export_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def request_export(user: User) -> DataExport:
    """Queue an export of `user`'s data; refused while one asked for in the last hour is not
    finished or failed (one zip at a time; each takes a worker a while)."""
    from .tasks import build_account_export

    recent = DataExport.objects.filter(
        user=user, requested_at__gte=timezone.now() - EXPORT_EVERY, failed=False
    ).first()
    if recent is not None:
        raise InvalidInput(
            [
                FieldError(
                    "export",
                    "too_soon",
                    gettext(
                        "You asked for your data less than an hour ago. Use that download, or "
                        "wait an hour to ask again."
                    ),
                )
            ]
        )
    export = DataExport.objects.create(user=user)
    transaction.on_commit(lambda: build_account_export.enqueue(export.pk))
    return export


def current_exports(user: User) -> list[DataExport]:
    """`user`'s exports still to be made or downloaded; expired ones are deleted, files too."""
    forget_expired(DataExport.objects.filter(user=user))
    return list(DataExport.objects.filter(user=user))


def forget_expired(exports: Any = None) -> None:
    found = exports if exports is not None else DataExport.objects.all()
    for export in found.filter(expires_at__lt=timezone.now()):
        delete_export(export)


def delete_export(export: DataExport) -> None:
    if export.path:
        (Path(settings.MEDIA_ROOT) / export.path).unlink(missing_ok=True)
    export.delete()


def downloadable(user: User, export_id: int) -> Path | None:
    """The zip of `user`'s export `export_id`, if it is theirs, made and not expired."""
    export = DataExport.objects.filter(
        pk=export_id, user=user, finished_at__isnull=False, expires_at__gte=timezone.now()
    ).first()
    if export is None or not export.path:
        return None
    path = Path(settings.MEDIA_ROOT) / export.path
    return path if path.exists() else None


def _when(moment: dt.datetime | dt.date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _work_ref(user: User, work: Work | None, seen: dict[int, bool]) -> dict[str, Any] | None:
    """A work named in the export: only while `user` may read it."""
    if work is None:
        return None
    if work.pk not in seen:
        seen[work.pk] = work_access(user, work) is Access.READ
    if not seen[work.pk]:
        return None
    return {"id": work.pk, "title": work.title, "url": f"{settings.SITE_URL}/works/{work.pk}"}


def _series_ref(user: User, series: Series | None) -> dict[str, Any] | None:
    """A series named in the export: only while `user` may see it."""
    if series is None or series_access(user, series) is not Access.READ:
        return None
    return {"id": series.pk, "title": series.title}


def _comment(comment: Comment, user: User, seen: dict[int, bool]) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "work": _work_ref(user, comment.work, seen),
        "chapter_id": comment.chapter_id,
        "reply_to": comment.parent_id,
        "by": (
            comment.pseud.byline
            if comment.pseud is not None
            else (comment.guest_name if comment.user_id is None and comment.guest_name else "")
        ),
        "body": "" if comment.is_deleted else comment.body,
        "deleted": comment.is_deleted,
        "status": comment.status,
        "created_at": _when(comment.created_at),
        "edited_at": _when(comment.edited_at),
    }


def own_works(user: User) -> list[Work]:
    """The works `user` is credited on (accepted credits only), drafts included."""
    return list(listing(Work.objects.filter(creatorships__pseud__user=user).distinct()))


def _profile(user: User) -> dict[str, Any]:
    return {
        "login": user.username,
        "email": user.email,
        "joined": _when(user.date_joined),
        "pseuds": [
            {"name": p.name, "description": p.description, "default": p.is_default}
            for p in user.pseuds.all()
        ],
        "preferences": {name: getattr(user, name) for name in PREFERENCE_FIELDS},
        "reading_settings": user.reading_settings,
    }


def _works_files(user: User, works: Iterable[Work]) -> Iterable[tuple[str, bytes]]:
    for work in works:
        if work_access(user, work) is not Access.READ:
            continue
        # A posted work as its readers download it (released chapters); a draft, which only
        # its creators see, with the chapters they see.
        released = is_released(work)
        shown = released_q() if released else listable_chapters_q(user, work)
        chapters = list(work.chapters.filter(shown).order_by("position"))
        if not chapters:
            continue
        book = make_book(work, chapters)
        stem = f"{work.pk}_{slugify_title(work.title)}"
        folder = "works" if released else "works/drafts"
        if released:
            yield f"{folder}/{stem}.epub", Epub().build(book)
        yield f"{folder}/{stem}.html", Html().build(book)


def collect(user: User) -> tuple[dict[str, Any], list[Work]]:
    """Everything of `user` the export holds as JSON, by file name, and their works."""
    seen: dict[int, bool] = {}
    works = own_works(user)
    given = Comment.objects.filter(user=user).select_related("work", "pseud__user")
    on_works = []
    for work in works:
        if work_access(user, work) is not Access.READ:
            continue
        for comment in (
            Comment.objects.filter(visible_comments_q(user, work))
            .select_related("work", "pseud__user")
            .order_by("created_at", "pk")
        ):
            on_works.append(_comment(comment, user, seen))
    bookmarks = (
        Bookmark.objects.filter(user=user)
        .select_related("work", "series", "pseud")
        .prefetch_related("tags")
    )
    return {
        "profile.json": _profile(user),
        "works.json": [
            {
                "id": work.pk,
                "title": work.title,
                "posted": work.posted,
                "words": work.word_count,
                "published_on": _when(work.published_on),
            }
            for work in works
            if work_access(user, work) is Access.READ
        ],
        "comments.json": {
            "written": [_comment(c, user, seen) for c in given.order_by("created_at", "pk")],
            "on_my_works": on_works,
        },
        "bookmarks.json": [
            {
                "work": _work_ref(user, bookmark.work, seen),
                "series": _series_ref(user, bookmark.series),
                "pseud": bookmark.pseud.name,
                "notes": bookmark.notes,
                "private": bookmark.private,
                "rec": bookmark.rec,
                "tags": [tag.name for tag in bookmark.tags.all()],
                "created_at": _when(bookmark.created_at),
            }
            for bookmark in bookmarks.order_by("created_at", "pk")
        ],
        "history.json": [
            {
                "work": _work_ref(user, reading.work, seen),
                "first_visited_at": _when(reading.first_visited_at),
                "last_visited_at": _when(reading.last_visited_at),
                "visits": reading.visit_count,
                "marked_for_later": reading.marked_for_later,
            }
            for reading in Reading.objects.filter(user=user).select_related("work")
        ],
        "kudos.json": [
            {"work": _work_ref(user, kudos.work, seen), "created_at": _when(kudos.created_at)}
            for kudos in Kudos.objects.filter(user=user).select_related("work")
        ],
        "subscriptions.json": [
            {
                "work": _work_ref(user, sub.work, seen),
                "creator": sub.creator.username if sub.creator else None,
                "series": _series_ref(user, sub.series),
                "created_at": _when(sub.created_at),
            }
            for sub in Subscription.objects.filter(user=user).select_related(
                "work", "creator", "series"
            )
        ],
    }, works


def write_zip(user: User, target: Path) -> None:
    data, works = collect(user)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in data.items():
            archive.writestr(name, json.dumps(content, ensure_ascii=False, indent=2))
        for name, blob in _works_files(user, works):
            archive.writestr(name, blob)


def mark_failed(export_id: int) -> None:
    DataExport.objects.filter(pk=export_id, finished_at__isnull=True).update(failed=True)


def build(export_id: int) -> None:
    """Make the zip of export `export_id` and tell its owner in their inbox and by email;
    expired zips of any account are deleted first."""
    forget_expired()
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.finished_at is not None:
        return
    user = export.user
    name = f"exports/{user.pk}_{secrets.token_urlsafe(16)}.zip"
    target = Path(settings.MEDIA_ROOT) / name
    export_dir()
    # Built in English, as downloads are; the email is in the owner's language.
    with translation.override("en"):
        write_zip(user, target)
    now = timezone.now()
    DataExport.objects.filter(pk=export.pk).update(
        path=name,
        size=target.stat().st_size,
        finished_at=now,
        expires_at=now + dt.timedelta(days=EXPORT_DAYS),
    )
    # In the inbox too, with its link: the account may have no email address, or miss it.
    notify_account(user, NotificationKind.DATA_EXPORT)
    if user.email:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            send_mail(
                gettext("Your data is ready to download"),
                gettext(
                    "The archive of your account's data is ready. Log in and download it from "
                    "%(url)s within %(days)d days; then it is deleted."
                )
                % {"url": f"{settings.SITE_URL}/users/{user.username}/export", "days": EXPORT_DAYS},
                None,
                [user.email],
            )
