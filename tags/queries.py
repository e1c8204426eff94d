"""Reads of tags."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.db.models.functions import Lower

from .models import Tag, TagParent


def autocomplete(candidates: QuerySet[Tag], term: str, limit: int = 15) -> list[Tag]:
    """Tags among `candidates` whose name contains `term`: canonical tags first, then synonyms
    (shown with their canonical tag), prefix matches before others."""
    term = " ".join(term.split())
    if not term:
        return []
    matches = candidates.filter(name__icontains=term).select_related("merger")
    prefix = term.casefold()
    ranked = sorted(
        matches[: limit * 4],
        key=lambda tag: (
            not tag.canonical,
            tag.merger_id is None,
            not tag.name.casefold().startswith(prefix),
            tag.name.casefold(),
        ),
    )
    return ranked[:limit]


def canonical_of(tag: Tag) -> Tag:
    """The tag whose listing stands for `tag`: its canonical tag if it is a synonym."""
    return tag.merger if tag.merger_id and tag.merger else tag


def family_ids(tag: Tag) -> set[int]:
    """The ids of every tag whose works a listing of `tag` includes: the canonical tag, its
    synonyms, its subtags (children of the same kind, transitively) and their synonyms."""
    root = canonical_of(tag)
    family = {root.pk}
    frontier = {root.pk}
    while frontier:
        synonyms = set(Tag.objects.filter(merger_id__in=frontier).values_list("pk", flat=True))
        subtags = set(
            TagParent.objects.filter(
                parent_id__in=frontier, child__kind=F("parent__kind")
            ).values_list("child_id", flat=True)
        )
        frontier = (synonyms | subtags) - family
        family |= frontier
    return family


def subtags_of(tag: Tag) -> list[Tag]:
    return list(Tag.objects.filter(parent_links__parent=tag, kind=tag.kind).order_by("name"))


def metatags_of(tag: Tag) -> list[Tag]:
    return list(Tag.objects.filter(child_links__child=tag, kind=tag.kind).order_by("name"))


def parents_of(tag: Tag) -> list[Tag]:
    """Parents of another kind: a character's fandoms, a fandom's media."""
    return list(
        Tag.objects.filter(child_links__child=tag).exclude(kind=tag.kind).order_by("kind", "name")
    )


def children_of(tag: Tag) -> list[Tag]:
    """Children of another kind: a fandom's characters, relationships and freeforms."""
    return list(
        Tag.objects.filter(parent_links__parent=tag, canonical=True)
        .exclude(kind=tag.kind)
        .order_by("kind", "name")
    )


def search_tags(name: str = "", kind: str = "", canonical: bool | None = None) -> QuerySet[Tag]:
    """Tags by (part of) name, kind and canonical status; callers restrict to findable tags."""
    tags = Tag.objects.all()
    name = " ".join(name.split())
    if name:
        tags = tags.filter(name__icontains=name)
    if kind:
        tags = tags.filter(kind=kind)
    if canonical is not None:
        tags = tags.filter(canonical=canonical)
    return tags.select_related("merger").order_by(Lower("name"))
