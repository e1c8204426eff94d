"""Writes to tags: finding or creating the tags an author types."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lifestream.core.changes import TagsChanged, announce
from lifestream.core.errors import ErrorList
from lifestream.core.text import one_line

from .models import FIXED_TAGS, MEDIA_CATEGORIES, TAG_NAME_MAX, Tag, TagKind, TagParent, tags_named

# AO3 refuses these in tag names; commas (ASCII and CJK) separate tags in the posting form.
RESTRICTED_CHARACTERS = "^*<>{}=`\\%"
_SEPARATORS = re.compile(r"[,，、]")


def normalize_tag_names(raw_names: list[str]) -> list[str]:
    """Tag names as an author meant them: inner whitespace folded, blank ones and duplicates
    (in any case) dropped. The form and the API both pass through here."""
    names: list[str] = []
    seen: set[str] = set()
    for raw in raw_names:
        name = one_line(raw)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def split_tag_names(text: str) -> list[str]:
    """Comma-separated tags as typed in the posting form."""
    return normalize_tag_names(_SEPARATORS.split(text or ""))


def check_tag_names(field: str, names: list[str], errors: ErrorList) -> None:
    for name in names:
        if len(name) > TAG_NAME_MAX:
            errors.add(
                field,
                "tag_too_long",
                _("Tags can be at most %(limit)d characters long: “%(start)s…” is %(length)d.")
                % {"limit": TAG_NAME_MAX, "start": name[:40], "length": len(name)},
            )
        bad = sorted(
            {char for char in name if char in RESTRICTED_CHARACTERS or _SEPARATORS.match(char)}
        )
        if bad:
            errors.add(
                field,
                "tag_restricted_character",
                _("Tag “%(name)s” contains %(bad)s; tags cannot include %(restricted)s or commas.")
                % {
                    "name": name,
                    "bad": " ".join(bad),
                    "restricted": " ".join(RESTRICTED_CHARACTERS),
                },
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
            errors.add(field, "tag_kind_conflict", _kind_conflict(tag, kind))
            continue
        tags.append(tag)
    return tags


_KIND_NOUNS = {
    TagKind.RATING: gettext_lazy("a rating"),
    TagKind.WARNING: gettext_lazy("an archive warning"),
    TagKind.CATEGORY: gettext_lazy("a category"),
    TagKind.FANDOM: gettext_lazy("a fandom"),
    TagKind.RELATIONSHIP: gettext_lazy("a relationship"),
    TagKind.CHARACTER: gettext_lazy("a character"),
    TagKind.FREEFORM: gettext_lazy("an additional tag"),
    TagKind.MEDIA: gettext_lazy("a media tag"),
}


def _kind_conflict(tag: Tag, kind: str) -> str:
    # Name the other kind only when the tag is public knowledge: a tag seen only on someone's
    # draft must not be revealed by this message.
    public = (
        tag.canonical
        or tag.merger_id
        or tag.works.filter(posted=True, hidden_at__isnull=True).exists()
    )
    if public:
        return _("“%(name)s” is already used as %(used)s, so it can't also be %(wanted)s.") % {
            "name": tag.name,
            "used": _KIND_NOUNS[TagKind(tag.kind)],
            "wanted": _KIND_NOUNS[TagKind(kind)],
        }
    return _("“%(name)s” can't be used as %(wanted)s; please word it differently.") % {
        "name": tag.name,
        "wanted": _KIND_NOUNS[TagKind(kind)],
    }


def fixed_tags(kind: str, names: list[str], field: str, errors: ErrorList) -> list[Tag]:
    """Ratings, warnings or categories by name (case-insensitive); unknown names are errors."""
    by_name = {tag.name.casefold(): tag for tag in Tag.objects.filter(kind=kind)}
    tags = []
    for name in names:
        tag = by_name.get(name.strip().casefold())
        if tag is None:
            choices = ", ".join(sorted(t.name for t in by_name.values()))
            errors.add(
                field,
                "unknown_choice",
                _("“%(name)s” is not one of: %(choices)s.") % {"name": name, "choices": choices},
            )
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
    for tag_id, kind, name, _created in missing:
        Tag.objects.update_or_create(
            pk=tag_id, defaults={"kind": kind, "name": name, "canonical": True}
        )
    if missing and connection.vendor == "postgresql":
        # Keep the id sequence past the fixed ids before any other tag is made (a flush that
        # reset it would otherwise hand the media categories the fixed ids).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('tags_tag', 'id'),"
                " GREATEST((SELECT MAX(id) FROM tags_tag), 2246))"
            )
    ensure_media_categories()


def ensure_media_categories() -> None:
    """Put back any missing media category (the migration seeds them), as a canonical media tag;
    a tag of that name that exists already, of any kind, is left alone."""
    present = {
        name.casefold()
        for name in Tag.objects.filter(name__in=MEDIA_CATEGORIES).values_list("name", flat=True)
    }
    for name in MEDIA_CATEGORIES:
        if name.casefold() not in present and not tags_named(name).exists():
            Tag.objects.create(kind=TagKind.MEDIA, name=name, canonical=True)


# --- wrangling ----------------------------------------------------------------------------------

# Which kinds of parent a canonical tag of each kind may have besides metatags of its own kind.
PARENT_KINDS: dict[str, set[str]] = {
    TagKind.FANDOM: {TagKind.MEDIA},
    TagKind.RELATIONSHIP: {TagKind.FANDOM},
    TagKind.CHARACTER: {TagKind.FANDOM},
    TagKind.FREEFORM: {TagKind.FANDOM},
    TagKind.MEDIA: set(),
}


@dataclass
class WrangleData:
    """What a wrangler changes on one tag; None leaves a field as it is."""

    name: str | None = None
    canonical: bool | None = None
    synonym_of: str | None = None  # "" removes the synonym link
    parents: list[str] | None = None  # names; replaces the current parents
    add_parents: list[str] | None = None  # names; added to the current parents
    unwrangleable: bool | None = None


def _find(name: str) -> Tag | None:
    return Tag.objects.filter(name__iexact=" ".join(name.split())).first()


def _ancestors(tag_ids: set[int]) -> set[int]:
    """Every same-kind ancestor (metatag) of the given tags."""
    seen: set[int] = set()
    frontier = set(tag_ids)
    while frontier:
        parents = set(
            TagParent.objects.filter(
                child_id__in=frontier, parent__kind=F("child__kind")
            ).values_list("parent_id", flat=True)
        )
        frontier = parents - seen
        seen |= frontier
    return seen


@transaction.atomic
def wrangle_tag(tag: Tag, data: WrangleData) -> Tag:
    """Apply a wrangler's changes to one tag, all or nothing.

    A synonym points at a canonical tag of the same kind and stops being canonical; its own
    synonyms and subtags move to that tag. Parents are set on canonical tags only: same-kind
    parents are metatags (no cycles), fandoms parent characters, relationships and freeforms,
    media parent fandoms. Unwrangleable is for tags that are neither canonical nor synonyms.
    Fixed tags (ratings, warnings, categories) cannot be wrangled."""
    data = _with_added_parents(tag, data)
    errors = ErrorList()
    _refuse_fixed_tag(tag, errors)
    affected = _affected_tags(tag)
    # Set before the later checks, whose messages name the tag as it is about to be called.
    tag.name = _check_rename(tag, data, errors)
    target = _check_synonym(tag, data, errors)
    _check_uncanonical(tag, data, target, errors)
    parents = _check_parents(tag, data, target, errors)
    _check_unwrangleable(tag, data, target, errors)
    errors.raise_if_any()

    _apply_canonical_and_synonym(tag, data, target)
    _apply_unwrangleable(tag, data)
    tag.save()
    _apply_parents(tag, data, parents)
    _prune_family(tag)
    announce(TagsChanged(tuple(sorted(affected))))
    return tag


def _with_added_parents(tag: Tag, data: WrangleData) -> WrangleData:
    """The change with `add_parents` turned into the full list of parents it leaves."""
    if data.add_parents:
        current = [parent.name for parent in tag.parents.all()]
        data = replace(data, parents=current + data.add_parents, add_parents=None)
    return data


def _refuse_fixed_tag(tag: Tag, errors: ErrorList) -> None:
    """Stop at once on a rating, warning or category: nothing else about them is checked."""
    if tag.kind in (TagKind.RATING, TagKind.WARNING, TagKind.CATEGORY):
        errors.add("name", "fixed_tag", _("Ratings, warnings and categories can't be wrangled."))
        errors.raise_if_any()


def _affected_tags(tag: Tag) -> set[int]:
    """The tag and its synonyms, as they are before the change.

    Works carry their tags' canonical names too: a rename or merge changes how the works of
    this tag's synonyms read, and a merge hands those synonyms to another tag."""
    return {tag.pk, *Tag.objects.filter(merger=tag).values_list("pk", flat=True)}


def _check_rename(tag: Tag, data: WrangleData, errors: ErrorList) -> str:
    """The name the tag will have: the new one, whitespace folded, checked like any tag name
    and against the names of other tags; the current one when the change keeps it."""
    if data.name is None:
        return tag.name
    new_name = one_line(data.name)
    check_tag_names("name", [new_name], errors)
    if not new_name:
        errors.add("name", "required", _("A tag needs a name."))
    elif (
        new_name.casefold() != tag.name.casefold()
        and Tag.objects.filter(name__iexact=new_name).exclude(pk=tag.pk).exists()
    ):
        errors.add(
            "name", "taken", _("There is already a tag called “%(name)s”.") % {"name": new_name}
        )
    return new_name


def _check_synonym(tag: Tag, data: WrangleData, errors: ErrorList) -> Tag | None:
    """The tag `synonym_of` names, found whatever it is (None when there is no such tag or the
    change names none); an error unless it is another canonical tag of the same kind and the
    change doesn't also make this tag canonical."""
    if not data.synonym_of:
        return None
    target = _find(data.synonym_of)
    if target is None:
        errors.add(
            "synonym_of",
            "unknown_tag",
            _("There is no tag called “%(name)s”.") % {"name": data.synonym_of},
        )
    elif target.pk == tag.pk:
        errors.add("synonym_of", "self", _("A tag can't be a synonym of itself."))
    elif target.kind != tag.kind:
        errors.add(
            "synonym_of",
            "kind_mismatch",
            _("“%(name)s” is a %(kind)s tag; a synonym must be of the same kind.")
            % {"name": target.name, "kind": TagKind(target.kind).label.lower()},
        )
    elif not target.canonical:
        errors.add(
            "synonym_of", "not_canonical", _("“%(name)s” is not canonical.") % {"name": target.name}
        )
    elif data.canonical:
        errors.add("canonical", "conflict", _("A synonym can't be canonical itself."))
    return target


def _check_uncanonical(tag: Tag, data: WrangleData, target: Tag | None, errors: ErrorList) -> None:
    """A tag stops being canonical, other than by merging, only once it has no synonyms."""
    if data.canonical is False and target is None and tag.synonyms.exists():
        errors.add(
            "canonical",
            "has_synonyms",
            _("“%(name)s” has synonyms; make them synonyms of another tag first.")
            % {"name": tag.name},
        )


def _check_parents(tag: Tag, data: WrangleData, target: Tag | None, errors: ErrorList) -> list[Tag]:
    """The new parents, each named once, when the change sets them; only a tag that will be
    canonical (and not a synonym) may have any."""
    parents: list[Tag] = []
    if data.parents is None:
        return parents
    will_be_canonical = data.canonical if data.canonical is not None else tag.canonical
    if data.parents and (not will_be_canonical or target is not None):
        errors.add("parents", "not_canonical", _("Only canonical tags can have parents."))
    allowed = PARENT_KINDS.get(tag.kind, set()) | {tag.kind}
    for name in data.parents:
        parent = _check_parent(tag, name, allowed, errors)
        if parent is not None and parent not in parents:
            parents.append(parent)
    return parents


def _check_parent(tag: Tag, name: str, allowed: set[str], errors: ErrorList) -> Tag | None:
    """The tag `name` names, when it may be this tag's parent: another canonical tag of an
    allowed kind, and not a same-kind descendant (that would make a loop); else an error."""
    parent = _find(name)
    if parent is None:
        errors.add(
            "parents", "unknown_tag", _("There is no tag called “%(name)s”.") % {"name": name}
        )
    elif parent.pk == tag.pk:
        errors.add("parents", "self", _("A tag can't be its own parent."))
    elif parent.kind not in allowed:
        errors.add(
            "parents",
            "kind_mismatch",
            _("A %(kind)s tag can't have the %(parent_kind)s tag “%(name)s” as a parent.")
            % {
                "kind": TagKind(tag.kind).label.lower(),
                "parent_kind": TagKind(parent.kind).label.lower(),
                "name": parent.name,
            },
        )
    elif not parent.canonical:
        errors.add(
            "parents", "not_canonical", _("“%(name)s” is not canonical.") % {"name": parent.name}
        )
    elif parent.kind == tag.kind and tag.pk in _ancestors({parent.pk}) | {parent.pk}:
        errors.add(
            "parents",
            "cycle",
            _("“%(parent)s” is already a subtag of “%(name)s”; that would be a loop.")
            % {"parent": parent.name, "name": tag.name},
        )
    else:
        return parent
    return None


def _check_unwrangleable(
    tag: Tag, data: WrangleData, target: Tag | None, errors: ErrorList
) -> None:
    """Only a tag that will be neither canonical nor a synonym may be made unwrangleable."""
    if not data.unwrangleable:
        return
    if data.canonical or (data.canonical is None and tag.canonical and target is None):
        errors.add("unwrangleable", "canonical", _("A canonical tag can't be unwrangleable."))
    if target is not None or (data.synonym_of is None and tag.merger_id):
        errors.add("unwrangleable", "synonym", _("A synonym can't be unwrangleable."))


def _apply_canonical_and_synonym(tag: Tag, data: WrangleData, target: Tag | None) -> None:
    """Unlink, set canonical, merge, in that order; a tag made canonical is nobody's synonym."""
    if data.synonym_of == "":
        tag.merger = None
    if data.canonical is not None:
        tag.canonical = data.canonical
    if target is not None:
        _merge_into(tag, target)
    if data.canonical and tag.merger_id:
        tag.merger = None


def _apply_unwrangleable(tag: Tag, data: WrangleData) -> None:
    """Set unwrangleable as asked, but never on a tag that is canonical or a synonym."""
    if data.unwrangleable is not None:
        tag.unwrangleable = data.unwrangleable
    if tag.canonical or tag.merger_id:
        tag.unwrangleable = False


def _apply_parents(tag: Tag, data: WrangleData, parents: list[Tag]) -> None:
    """Replace the tag's parents when the change sets them."""
    if data.parents is not None:
        TagParent.objects.filter(child=tag).delete()
        TagParent.objects.bulk_create([TagParent(child=tag, parent=p) for p in parents])


def _prune_family(tag: Tag) -> None:
    """Only canonical tags keep parents and subtags."""
    if not tag.canonical:
        TagParent.objects.filter(child=tag).delete()
        TagParent.objects.filter(parent=tag).delete()


def _merge_into(tag: Tag, target: Tag) -> None:
    """Make `tag` a synonym of `target`, handing its synonyms and subtags over."""
    Tag.objects.filter(merger=tag).update(merger=target)
    for link in TagParent.objects.filter(parent=tag).exclude(child=target):
        TagParent.objects.get_or_create(child_id=link.child_id, parent=target)
    TagParent.objects.filter(parent=tag).delete()
    TagParent.objects.filter(child=tag).delete()
    tag.canonical = False
    tag.merger = target
    tag.unwrangleable = False


def wrangle_tags(tags: list[Tag], data: WrangleData) -> int:
    """The same change on many tags (the unwrangled bin's mass actions), all or nothing."""
    with transaction.atomic():
        for tag in tags:
            wrangle_tag(tag, data)
    return len(tags)
