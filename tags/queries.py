"""Reads of tags."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Tag


def autocomplete(kind: str, term: str, limit: int = 15) -> list[Tag]:
    """Tags of `kind` whose name contains `term`, canonical ones and prefix matches first.

    Only tags that are canonical or already on a posted work are offered, so a tag typed on
    someone's unposted draft never shows up in another author's form."""
    term = " ".join(term.split())
    if not term:
        return []
    from works.models import Work

    on_posted_work = Exists(Work.tags.through.objects.filter(tag=OuterRef("pk"), work__posted=True))
    candidates: QuerySet[Tag] = Tag.objects.filter(kind=kind, name__icontains=term).filter(
        on_posted_work | Q(canonical=True)
    )
    prefix = term.casefold()
    ranked = sorted(
        candidates[: limit * 4],
        key=lambda tag: (not tag.canonical, not tag.name.casefold().startswith(prefix), tag.name),
    )
    return ranked[:limit]
