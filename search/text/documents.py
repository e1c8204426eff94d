"""What the text index holds for a work: its document, built from the database.

Only posted works have a document, and only their posted chapters are in it: drafts, draft
chapters and deleted works are never indexed. Restricted works are, since who may see a result is
decided at query time against the database (a lagging index can never show a work to someone who
may not see it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from access.visibility import attributed_credits
from lifestream.core.text import html_to_text
from works.models import Chapter, Work


@dataclass
class WorkDocument:
    """A work's searchable text, as plain text. List fields hold separate entries (tags, names,
    chapter parts): no phrase matches across two of them."""

    work_id: int
    title: str = ""
    summary: str = ""
    notes: list[str] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # Per posted chapter, in order: title, summary, notes, text, end notes.
    body: list[str] = field(default_factory=list)


def build_documents(work_ids: Iterable[int]) -> dict[int, WorkDocument]:
    """The documents of those of `work_ids` that are posted works, in a fixed number of queries."""
    ids = sorted(set(work_ids))
    if not ids:
        return {}
    works = (
        Work.objects.filter(pk__in=ids, posted=True)
        .only("id", "title", "summary", "notes", "end_notes")
        .prefetch_related(
            Prefetch(
                "creatorships",
                # An anonymous work's document names no one: `creators:` can't find it.
                queryset=attributed_credits()
                .select_related("pseud__user")
                .only("work_id", "position", "pseud__name", "pseud__user__username"),
            ),
        )
    )
    documents: dict[int, WorkDocument] = {}
    for work in works:
        creators: list[str] = []
        for creatorship in work.creatorships.all():
            pseud = creatorship.pseud
            for name in (pseud.name, pseud.user.username):
                if name not in creators:
                    creators.append(name)
        documents[work.pk] = WorkDocument(
            work_id=work.pk,
            title=work.title,
            summary=html_to_text(work.summary),
            notes=[html_to_text(work.notes), html_to_text(work.end_notes)],
            creators=creators,
        )
    if not documents:
        return documents
    found = list(documents)

    tag_rows = Work.tags.through.objects.filter(work_id__in=found).values_list(
        "work_id", "tag__name", "tag__merger__name"
    )
    tags: dict[int, list[str]] = defaultdict(list)
    for work_id, name, canonical in tag_rows:
        tags[work_id].append(name)
        # A synonym's work is found by its canonical tag's name too, as it is listed there.
        if canonical:
            tags[work_id].append(canonical)
    for work_id, names in tags.items():
        documents[work_id].tags = sorted(set(names), key=str.casefold)

    chapters = (
        Chapter.objects.filter(work_id__in=found, posted=True)
        .order_by("work_id", "position")
        .values_list("work_id", "title", "summary", "notes", "body", "end_notes")
    )
    for work_id, title, summary, notes, body, end_notes in chapters:
        documents[work_id].body.extend(
            [
                title,
                html_to_text(summary),
                html_to_text(notes),
                html_to_text(body),
                html_to_text(end_notes),
            ]
        )
    return documents
