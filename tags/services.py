"""Writes to tags: finding or creating the tags an author types."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models.functions import Lower

from lifestream.errors import ErrorList

from .models import FIXED_TAGS, TAG_NAME_MAX, Tag, TagKind

# AO3 refuses these in tag names; commas (ASCII and CJK) separate tags in the posting form.
RESTRICTED_CHARACTERS = "^*<>{}=`\\%"
_SEPARATORS = re.compile(r"[,，、]")


def split_tag_names(text: str) -> list[str]:
    """Comma-separated tags as typed, trimmed, blank ones and duplicates (any case) dropped."""
    names: list[str] = []
    seen: set[str] = set()
    for raw in _SEPARATORS.split(text or ""):
        name = " ".join(raw.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def check_tag_names(field: str, names: list[str], errors: ErrorList) -> None:
    for name in names:
        if len(name) > TAG_NAME_MAX:
            errors.add(
                field,
                "tag_too_long",
                f"Tags can be at most {TAG_NAME_MAX} characters long: “{name[:40]}…” is "
                f"{len(name)}.",
            )
        bad = sorted({char for char in name if char in RESTRICTED_CHARACTERS})
        if bad:
            errors.add(
                field,
                "tag_restricted_character",
                f"Tag “{name}” contains {' '.join(bad)}; tags cannot include "
                f"{' '.join(RESTRICTED_CHARACTERS)} or commas.",
            )


def find_or_create_tags(kind: str, names: list[str], field: str, errors: ErrorList) -> list[Tag]:
    """The tags of one kind named by an author, created unwrangled where new. A name already used
    by a tag of another kind is an error on `field` (tag names are unique across kinds)."""
    if not names:
        return []
    folded = {name.casefold(): name for name in names}
    existing = {
        tag.name.casefold(): tag
        for tag in Tag.objects.annotate(lname=Lower("name")).filter(
            lname__in=[name.lower() for name in names]
        )
    }
    tags: list[Tag] = []
    for key, name in folded.items():
        tag: Tag | None = existing.get(key)
        if tag is None:
            # Lower() in SQL and casefold() differ for a few letters (ß); look once more.
            tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(kind=kind, name=name)
        elif tag.kind != kind:
            errors.add(
                field,
                "tag_kind_conflict",
                f"“{tag.name}” is already in use as a {TagKind(tag.kind).label.lower()} tag, "
                f"so it can't also be a {TagKind(kind).label.lower()} tag.",
            )
            continue
        tags.append(tag)
    return tags


def fixed_tags(kind: str, names: list[str], field: str, errors: ErrorList) -> list[Tag]:
    """Ratings, warnings or categories by name (case-insensitive); unknown names are errors."""
    by_name = {tag.name.casefold(): tag for tag in Tag.objects.filter(kind=kind)}
    tags = []
    for name in names:
        tag = by_name.get(name.strip().casefold())
        if tag is None:
            choices = ", ".join(sorted(t.name for t in by_name.values()))
            errors.add(field, "unknown_choice", f"“{name}” is not one of: {choices}.")
        elif tag not in tags:
            tags.append(tag)
    return tags


def ensure_fixed_tags() -> None:
    """Put back any missing rating, warning or category tag with its AO3 id (the migration seeds
    them; a database flushed by hand or by a test needs them again)."""
    present = set(
        Tag.objects.filter(pk__in=[t[0] for t in FIXED_TAGS]).values_list("pk", flat=True)
    )
    missing = [tag for tag in FIXED_TAGS if tag[0] not in present]
    for tag_id, kind, name, _ in missing:
        Tag.objects.update_or_create(
            pk=tag_id, defaults={"kind": kind, "name": name, "canonical": True}
        )
    if missing and connection.vendor == "postgresql":
        # Keep the id sequence past the fixed ids so new tags never collide with them.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('tags_tag', 'id'),"
                " GREATEST((SELECT MAX(id) FROM tags_tag), 2246))"
            )
