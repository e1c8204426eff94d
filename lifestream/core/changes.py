"""The change feed: the one place a write announces itself.

A service that changes something others keep a copy of (the filter index, the text index, the
downloads cache, subscribers' inboxes) makes one call, `announce(WorkChanged(work.pk))`, inside
its transaction. Who hears of each kind of change is decided once, when the project starts
(`lifestream.change_feed.register`), so a new write path cannot forget a consumer, and a new
consumer reaches every write path at once.

Changes carry ids, never objects: a consumer that runs after the commit, or in a task, reads
what it needs from the database as it is then. A change is also every kind it derives from
(a posted chapter is a changed work), and reaches the consumers of each.

This module is the bottom layer: it knows nothing of the apps, only of Django's transactions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.db import transaction


@dataclass(frozen=True)
class Change:
    """Something was written that copies elsewhere must follow."""


@dataclass(frozen=True)
class WorkChanged(Change):
    """A work's fields, tags, creators or chapters changed (or it was created)."""

    work_id: int


@dataclass(frozen=True)
class WorkPosted(WorkChanged):
    """A work became visible to readers: posted at once, or a draft posted."""


@dataclass(frozen=True)
class ChapterPosted(WorkChanged):
    """A chapter of an already posted work became visible to readers."""

    chapter_id: int


@dataclass(frozen=True)
class WorkLinked(WorkChanged):
    """A work now names another work of the archive as its inspiration (remix, translation):
    the parent's creators are to be told, once the child is out."""

    link_id: int


@dataclass(frozen=True)
class WorkSerialized(WorkChanged):
    """A work joined a series: the series' subscribers are to be told, once the work is out."""

    series_id: int


@dataclass(frozen=True)
class ChapterDeleting(WorkChanged):
    """A chapter is about to be deleted, in the deleting transaction: its consumers still see
    the chapter and what hangs off it (its comments go with it)."""

    chapter_id: int


@dataclass(frozen=True)
class WorkStatsChanged(Change):
    """A work's kudos, comments or bookmarks count changed: sorting and downloads show them,
    the text index does not."""

    work_id: int


@dataclass(frozen=True)
class WorkDeleted(Change):
    """A work is deleted in this transaction (announced before or after the row goes: every
    consumer works from the id alone)."""

    work_id: int


@dataclass(frozen=True)
class TagsChanged(Change):
    """Wrangling changed these tags: a name, canonical status, synonym link or parents. It holds
    every tag whose works now read differently, the synonyms handed over in a merge included;
    the affected works are the works carrying any of them."""

    tag_ids: tuple[int, ...]


@dataclass(frozen=True)
class PseudRenamed(Change):
    """A pseud's name changed: its works' bylines, creator sort order and search text with it."""

    pseud_id: int


@dataclass(frozen=True)
class CreatorInvited(Change):
    """A creator invited a pseud to co-create a work: the invitee is told. Nothing else
    changed: until they accept they are credited nowhere."""

    work_id: int
    creatorship_id: int
    actor_id: int


@dataclass(frozen=True)
class WorkGifted(WorkChanged):
    """A work was given to a pseud on the archive: its "for" line changed, and the recipient
    is told (once the work is posted)."""

    gift_id: int
    actor_id: int


AnyChange = TypeVar("AnyChange", bound=Change)
Consumer = Callable[[Any], None]


@dataclass(frozen=True)
class _Registration:
    consumer: Consumer
    after_commit: bool


_consumers: dict[type[Change], list[_Registration]] = {}


def register(
    kind: type[AnyChange], consumer: Callable[[AnyChange], None], *, after_commit: bool
) -> None:
    """Have `consumer` hear of every change of `kind` (and of the kinds derived from it).

    `after_commit=False` runs it inside the writing transaction, for consumers whose record
    must commit or roll back with the write; `after_commit=True` once the write is committed
    (never for one rolled back), where a failure is logged without undoing the write."""
    registrations = _consumers.setdefault(kind, [])
    if not any(r.consumer == consumer for r in registrations):
        registrations.append(_Registration(consumer, after_commit))


def consumers_of(kind: type[Change]) -> list[tuple[Consumer, bool]]:
    """Who hears of a change of `kind`, most general kind first: (consumer, after_commit)."""
    found: list[tuple[Consumer, bool]] = []
    for base in reversed(kind.__mro__):
        for registration in _consumers.get(base, ()):
            found.append((registration.consumer, registration.after_commit))
    return found


def announce(change: Change) -> None:
    """Tell every consumer of `change`. Call it inside the transaction that makes the change."""
    found = consumers_of(type(change))
    if not found:
        # Every kind has consumers once the project has started; none means the registration
        # never ran, and the change would silently reach no index.
        raise LookupError(f"nothing consumes {type(change).__name__}; is the project set up?")
    for consumer, after_commit in found:
        if after_commit:
            transaction.on_commit(partial(consumer, change), robust=True)
        else:
            consumer(change)
