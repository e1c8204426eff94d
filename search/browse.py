"""Browsing by media and fandom (`/media`, `/media/NAME/fandoms`, `/fandoms`) and the tag index
(`/tags`): canonical tags with the number of works a reader can list in each.

The counts come from the filter index, started from the works the reader may list (posted; not
restricted for guests; not by someone they muted), as every listing's sidebar counts them, so a
draft is never counted and a restricted work never for a guest. A synonym's works count for its
canonical tag, and a work counts once per tag. Every function costs a fixed number of queries,
whatever the number of tags.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from access.visibility import muted_user_ids
from tags.models import (
    MEDIA_CATEGORIES,
    UNCATEGORIZED_MEDIA,
    Tag,
    TagKind,
    TagParent,
    tags_named,
)

from .filters.index import Filters, get_index

if TYPE_CHECKING:
    from access.visibility import Viewer

# How many of its fandoms `/media` shows under each medium, most used first (AO3 shows five).
TOP_FANDOMS = 5
# How many tags of each kind the tag index shows, most used first.
TAG_INDEX_PER_KIND = 30
TAG_INDEX_KINDS = (TagKind.FANDOM, TagKind.RELATIONSHIP, TagKind.CHARACTER, TagKind.FREEFORM)
# Each kind's heading on the tag index, in the plural.
TAG_INDEX_HEADINGS = {
    TagKind.FANDOM: _("Fandoms"),
    TagKind.RELATIONSHIP: _("Relationships"),
    TagKind.CHARACTER: _("Characters"),
    TagKind.FREEFORM: _("Additional Tags"),
}
_ARTICLES = ("the ", "a ", "an ")


def work_counts(viewer: Viewer) -> dict[str, dict[int, int]]:
    """For each kind, {canonical tag id: how many works `viewer` can list with it}, tags with
    none left out."""
    index = get_index()
    mutes = muted_user_ids(viewer)
    with index.lock:
        index.ensure_current()
        ids = index.matching(viewer.is_authenticated, Filters(muted_user_ids=mutes))
        counted = index.facets(ids, per_kind=1_000_000)
    return {kind: dict(pairs) for kind, pairs in counted.items()}


def sort_key(name: str) -> str:
    """A tag's place in an A–Z list: without a leading article, case and accents folded."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char)).lstrip()
    for article in _ARTICLES:
        if folded.startswith(article) and len(folded) > len(article):
            folded = folded[len(article) :]
            break
    return folded.lstrip("\"'“‘([{ ")


def initial_of(name: str) -> str:
    """The letter a tag is listed under: its first letter (any script), or "#"."""
    key = sort_key(name)
    first = key[:1].upper()
    return first if first.isalpha() else "#"


@dataclass
class Counted:
    tag: Tag
    count: int


@dataclass
class Letter:
    letter: str
    tags: list[Counted]


@dataclass
class Medium:
    tag: Tag
    fandom_count: int  # fandoms in it with works the reader can list
    top: list[Counted]  # its most used fandoms


def media_tags() -> list[Tag]:
    """The canonical media tags in AO3's order, any others after them by name, "Uncategorized
    Fandoms" last."""
    order = {name.casefold(): place for place, name in enumerate(MEDIA_CATEGORIES[:-1])}
    tags = list(Tag.objects.filter(kind=TagKind.MEDIA, canonical=True))
    last = UNCATEGORIZED_MEDIA.casefold()
    return sorted(
        tags,
        key=lambda tag: (
            tag.name.casefold() == last,
            order.get(tag.name.casefold(), len(order)),
            sort_key(tag.name),
        ),
    )


def medium_named(name: str) -> Tag | None:
    """The canonical media tag called `name`, in any case."""
    return tags_named(name).filter(kind=TagKind.MEDIA, canonical=True).first()


def _media_of(fandom_ids: set[int]) -> dict[int, set[int]]:
    """Each fandom's media tags (ids), in one query; a fandom with none is absent."""
    links = TagParent.objects.filter(
        child_id__in=fandom_ids, parent__kind=TagKind.MEDIA, parent__canonical=True
    ).values_list("child_id", "parent_id")
    media: dict[int, set[int]] = {}
    for child_id, parent_id in links:
        media.setdefault(child_id, set()).add(parent_id)
    return media


def _in_medium(medium: Tag, counts: dict[int, int]) -> set[int]:
    """The counted fandoms under `medium`: its children, or for "Uncategorized Fandoms" those
    too and every fandom with no medium at all."""
    media = _media_of(set(counts))
    if medium.name.casefold() == UNCATEGORIZED_MEDIA.casefold():
        return {tag_id for tag_id in counts if medium.pk in media.get(tag_id, {medium.pk})}
    return {tag_id for tag_id in counts if medium.pk in media.get(tag_id, ())}


def _by_letter(counted: list[Counted]) -> list[Letter]:
    counted.sort(key=lambda item: (sort_key(item.tag.name), item.tag.name))
    letters: list[Letter] = []
    for item in counted:
        letter = initial_of(item.tag.name)
        if not letters or letters[-1].letter != letter:
            letters.append(Letter(letter, []))
        letters[-1].tags.append(item)
    # "#" (names that begin with a digit or a symbol) first, as AO3 lists them.
    letters.sort(key=lambda group: group.letter != "#")
    return letters


def fandoms_by_letter(viewer: Viewer, medium: Tag | None = None) -> list[Letter]:
    """The canonical fandoms (of `medium`, or all) with works `viewer` can list, A–Z, grouped by
    initial letter, each with its count."""
    counts = work_counts(viewer)[TagKind.FANDOM]
    wanted = set(counts) if medium is None else _in_medium(medium, counts)
    tags = Tag.objects.filter(pk__in=wanted, kind=TagKind.FANDOM) if wanted else []
    return _by_letter([Counted(tag, counts[tag.pk]) for tag in tags])


def media_index(viewer: Viewer) -> list[Medium]:
    """Every medium with how many of its fandoms have works `viewer` can list, and the most used
    of them."""
    counts = work_counts(viewer)[TagKind.FANDOM]
    media = media_tags()
    links = _media_of(set(counts))
    uncategorized = next(
        (tag.pk for tag in media if tag.name.casefold() == UNCATEGORIZED_MEDIA.casefold()), None
    )
    members: dict[int, list[int]] = {tag.pk: [] for tag in media}
    for fandom_id in counts:
        for medium_id in links.get(fandom_id, {uncategorized} if uncategorized else set()):
            if medium_id in members:
                members[medium_id].append(fandom_id)
    top_ids = {
        medium_id: sorted(fandom_ids, key=lambda t: (-counts[t], t))[:TOP_FANDOMS]
        for medium_id, fandom_ids in members.items()
    }
    wanted = {tag_id for ids in top_ids.values() for tag_id in ids}
    names = {tag.pk: tag for tag in Tag.objects.filter(pk__in=wanted)} if wanted else {}
    result = []
    for medium in media:
        top = [Counted(names[t], counts[t]) for t in top_ids[medium.pk] if t in names]
        top.sort(key=lambda item: (-item.count, sort_key(item.tag.name)))
        result.append(Medium(medium, len(members[medium.pk]), top))
    return result


def tag_index(viewer: Viewer) -> list[tuple[str, object, list[Counted]]]:
    """For each kind an author tags with: (kind, its label, its most used canonical tags A–Z
    with their counts)."""
    counts = work_counts(viewer)
    chosen: dict[int, int] = {}
    for kind in TAG_INDEX_KINDS:
        best = sorted(counts.get(kind, {}).items(), key=lambda pair: (-pair[1], pair[0]))
        chosen.update(best[:TAG_INDEX_PER_KIND])
    tags = Tag.objects.filter(pk__in=chosen) if chosen else []
    by_kind: dict[str, list[Counted]] = {kind: [] for kind in TAG_INDEX_KINDS}
    for tag in tags:
        if tag.kind in by_kind:
            by_kind[tag.kind].append(Counted(tag, chosen[tag.pk]))
    for items in by_kind.values():
        items.sort(key=lambda item: (sort_key(item.tag.name), item.tag.name))
    return [(kind, TAG_INDEX_HEADINGS[kind], by_kind[kind]) for kind in TAG_INDEX_KINDS]
