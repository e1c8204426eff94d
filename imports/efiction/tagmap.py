"""The tag map: every original tag of the eFiction archive with its kind, parent and use count,
and the Lifestream tag wranglers choose for it.

A dry run writes it as CSV; the real run reads it back. The columns are Open Doors' (its
"final tables" name a tag's original id, name, type and parent and the AO3 tag chosen), so a
map filled in for Open Doors reads here too. Left blank, a tag is created with its original
name (cleaned of characters tags cannot hold), unwrangled, for wranglers to look at later."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tags.models import TAG_NAME_MAX, TagKind
from tags.services import RESTRICTED_CHARACTERS

from .source import Archive, ids, text

COLUMNS = (
    "original_tagid",
    "original_tag",
    "original_type",
    "original_parent",
    "uses",
    "ao3_tag",
    "ao3_tag_type",
)
# eFiction's kinds of tag (`original_type`) and the Lifestream kind each becomes by default.
# Classes take their class type's name ("genres", "warnings", or one the archive made).
CATEGORY, CHARACTER, RATING = "category", "character", "rating"
WARNING_TYPES = {"warnings", "warning"}
TYPE_KINDS = {
    "fandom": TagKind.FANDOM,
    "character": TagKind.CHARACTER,
    "relationship": TagKind.RELATIONSHIP,
    "freeform": TagKind.FREEFORM,
    "additional tags": TagKind.FREEFORM,
    "rating": TagKind.RATING,
    "warning": TagKind.WARNING,
    "archive warning": TagKind.WARNING,
    "category": TagKind.CATEGORY,
}

# eFiction ratings are the archive's own words; these are the usual ones, matched on the
# whole (case-folded) name, then on a word in it. Anything else is "Not Rated" until mapped.
RATING_NAMES = {
    "all ages": "General Audiences",
    "g": "General Audiences",
    "k": "General Audiences",
    "gen": "General Audiences",
    "general": "General Audiences",
    "pg": "General Audiences",
    "k+": "General Audiences",
    "pre-teen": "Teen And Up Audiences",
    "preteen": "Teen And Up Audiences",
    "pg-13": "Teen And Up Audiences",
    "pg13": "Teen And Up Audiences",
    "teen": "Teen And Up Audiences",
    "t": "Teen And Up Audiences",
    "r": "Mature",
    "m": "Mature",
    "mature": "Mature",
    "nc-17": "Explicit",
    "nc17": "Explicit",
    "ma": "Explicit",
    "adult": "Explicit",
    "adults only": "Explicit",
    "explicit": "Explicit",
    "x": "Explicit",
    "xxx": "Explicit",
}
# Warning classes that are one of AO3's archive warnings (a word in the class name).
WARNING_WORDS = (
    ("death", "Major Character Death"),
    ("violence", "Graphic Depictions Of Violence"),
    ("gore", "Graphic Depictions Of Violence"),
    ("non-con", "Rape/Non-Con"),
    ("noncon", "Rape/Non-Con"),
    ("non-consensual", "Rape/Non-Con"),
    ("rape", "Rape/Non-Con"),
    ("underage", "Underage Sex"),
)
NOT_RATED = "Not Rated"
NO_WARNING_CHOSEN = "Creator Chose Not To Use Archive Warnings"


def default_rating(name: str) -> str:
    folded = name.strip().casefold()
    if folded in RATING_NAMES:
        return RATING_NAMES[folded]
    for word in re.split(r"[\s/()]+", folded):
        if word in RATING_NAMES:
            return RATING_NAMES[word]
    return NOT_RATED


def default_warning(name: str) -> str:
    folded = name.casefold()
    for word, warning in WARNING_WORDS:
        if word in folded:
            return warning
    return ""


_SEPARATORS = re.compile(r"\s*[,，、]\s*")


def clean_tag_name(name: str) -> str:
    """A tag name Lifestream accepts: no commas (they separate tags; a comma becomes " - "),
    none of the characters AO3 refuses, one line, at most TAG_NAME_MAX characters."""
    name = _SEPARATORS.sub(" - ", text(name))
    name = "".join(char for char in name if char not in RESTRICTED_CHARACTERS)
    name = " ".join(name.split())
    return name[:TAG_NAME_MAX].strip()


@dataclass
class OriginalTag:
    original_type: str  # category, character, rating, or a class type's name
    original_id: int
    name: str
    parent: str = ""
    uses: int = 0
    ao3_tag: str = ""
    ao3_tag_type: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return (self.original_type, self.original_id)

    def default_kind(self) -> str:
        if self.original_type == CATEGORY:
            return TagKind.FANDOM
        if self.original_type == CHARACTER:
            return TagKind.CHARACTER
        if self.original_type == RATING:
            return TagKind.RATING
        if self.original_type in WARNING_TYPES and default_warning(self.name):
            return TagKind.WARNING
        return TagKind.FREEFORM

    def target(self) -> tuple[str, str]:
        """(kind, name) of the Lifestream tag this becomes: the map's choice, else the
        default (a rating or warning by the tables above, anything else its own name)."""
        kind = TYPE_KINDS.get(self.ao3_tag_type.strip().casefold(), "") or self.default_kind()
        chosen = self.ao3_tag.strip()
        if chosen:
            return kind, chosen if kind in (TagKind.RATING, TagKind.WARNING) else clean_tag_name(
                chosen
            )
        if kind == TagKind.RATING:
            return kind, default_rating(self.name)
        if kind == TagKind.WARNING:
            return kind, default_warning(self.name) or NO_WARNING_CHOSEN
        return kind, clean_tag_name(self.name)


def catalogue(archive: Archive) -> dict[tuple[str, int], OriginalTag]:
    """Every original tag of the archive, with how many stories use it."""
    categories = archive.by_id("categories", "catid")
    tags: dict[tuple[str, int], OriginalTag] = {}
    for catid, row in sorted(categories.items()):
        parent = categories.get(int(row["parentcatid"] or -1))
        tags[(CATEGORY, catid)] = OriginalTag(
            CATEGORY, catid, text(row["category"]), text(parent["category"]) if parent else ""
        )
    for charid, row in sorted(archive.by_id("characters", "charid").items()):
        fandom = categories.get(int(row["catid"] or -1))
        tags[(CHARACTER, charid)] = OriginalTag(
            CHARACTER, charid, text(row["charname"]), text(fandom["category"]) if fandom else ""
        )
    for rid, row in sorted(archive.by_id("ratings", "rid").items()):
        tags[(RATING, rid)] = OriginalTag(RATING, rid, text(row["rating"]))
    types = {
        int(row["classtype_id"]): text(row["classtype_name"]).strip().casefold() or "classes"
        for row in archive.table("classtypes")
    }
    for class_id, row in sorted(archive.by_id("classes", "class_id").items()):
        kind = types.get(int(row["class_type"] or 0), "classes")
        tags[("class", class_id)] = OriginalTag(kind, class_id, text(row["class_name"]))
    by_class = {
        tag.original_id: tag
        for tag in tags.values()
        if tag.original_type not in (CATEGORY, CHARACTER, RATING)
    }
    for row in archive.table("stories"):
        for catid in ids(row["catid"]):
            if (CATEGORY, catid) in tags:
                tags[(CATEGORY, catid)].uses += 1
        for charid in ids(row["charid"]):
            if (CHARACTER, charid) in tags:
                tags[(CHARACTER, charid)].uses += 1
        for rid in ids(row["rid"]):
            if (RATING, rid) in tags:
                tags[(RATING, rid)].uses += 1
        for class_id in ids(row["classes"]):
            if class_id in by_class:
                by_class[class_id].uses += 1
    return tags


def _row_key(row: dict) -> tuple[str, int] | None:
    kind = text(row.get("original_type")).strip().casefold()
    raw_id = text(row.get("original_tagid")).strip()
    if not raw_id.isdigit():
        return None
    if kind not in (CATEGORY, CHARACTER, RATING):
        kind = "class"
    return (kind, int(raw_id))


class TagMapError(ValueError):
    pass


def read_map(path: Path) -> dict[tuple[str, int], tuple[str, str]]:
    """(original kind, original id) → (ao3_tag, ao3_tag_type) from a filled-in map."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            header = set(reader.fieldnames or ())
            needed = {"original_tagid", "original_type", "ao3_tag"}
            if not needed <= header:
                raise TagMapError(
                    f"{path}: a tag map needs the columns {', '.join(sorted(needed))} "
                    f"(found {', '.join(sorted(header)) or 'none'})."
                )
            chosen: dict[tuple[str, int], tuple[str, str]] = {}
            for row in reader:
                key = _row_key(row)
                if key is not None:
                    chosen[key] = (text(row.get("ao3_tag")), text(row.get("ao3_tag_type")))
            return chosen
    except UnicodeDecodeError as error:
        raise TagMapError(f"{path}: a tag map is UTF-8 text ({error.reason}).") from None
    except OSError as error:
        raise TagMapError(f"{path}: {error.strerror or error}") from None


def apply_map(tags: dict[tuple[str, int], OriginalTag], chosen: dict) -> None:
    for key, tag in tags.items():
        lookup = ("class", key[1]) if key[0] not in (CATEGORY, CHARACTER, RATING) else key
        if lookup in chosen:
            tag.ao3_tag, tag.ao3_tag_type = chosen[lookup]


def write_map(path: Path, tags: Iterable[OriginalTag]) -> None:
    """The map for wranglers. What an earlier map at `path` chose is kept."""
    kept = read_map(path) if path.exists() else {}
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for tag in tags:
            lookup = (
                tag.key
                if tag.original_type in (CATEGORY, CHARACTER, RATING)
                else (
                    "class",
                    tag.original_id,
                )
            )
            ao3_tag, ao3_type = kept.get(lookup, (tag.ao3_tag, tag.ao3_tag_type))
            writer.writerow(
                [
                    tag.original_id,
                    tag.name,
                    tag.original_type,
                    tag.parent,
                    tag.uses,
                    ao3_tag,
                    ao3_type or str(TagKind(tag.default_kind()).label),
                ]
            )
