"""Related works: a work inspired by, remixing or translating another work, on this archive or
elsewhere. Writes are atomic and announce themselves on the change feed; reads that can leak
take the viewer and follow `access.visibility`.

The child always names its parents. A parent's creators are told (in their inbox) and decide
whether the child is listed under their work: approved, or hidden (AO3's `reciprocal`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from access.visibility import (
    Access,
    attributed_credits,
    is_creator,
    listable_works_q,
    work_access,
)
from lifestream.core.changes import WorkChanged, WorkLinked, announce
from lifestream.core.errors import ErrorList, Forbidden, NotFound
from lifestream.core.ids import parse_id
from lifestream.core.text import one_line
from people.models import User

from .languages import LANGUAGE_NAMES
from .models import (
    PARENTS_PER_WORK_MAX,
    RELATED_AUTHOR_MAX,
    RELATED_TITLE_MAX,
    RELATED_URL_MAX,
    Creatorship,
    RelatedKind,
    RelatedStatus,
    RelatedWork,
    Work,
)

if TYPE_CHECKING:
    from access.visibility import Viewer

_WORK_PATH = re.compile(r"\A/works/(\d+)(?:/.*)?\Z")


@dataclass
class ParentData:
    """An "inspired by" as a form or the API received it: `reference` is a work of this archive
    (its id or address) or another site's address, with that work's title and author."""

    reference: str = ""
    title: str = ""
    author: str = ""
    kind: str = RelatedKind.INSPIRATION
    language: str = ""


def _archive_work_id(reference: str, own_hosts: frozenset[str]) -> int | None:
    """The id of the work `reference` names on this archive, or None for another site."""
    text = reference.strip()
    if text.isdigit():
        return parse_id(text)
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if parts.scheme and host not in own_hosts:
        return None
    match = _WORK_PATH.match(parts.path or "")
    return parse_id(match.group(1)) if match else None


def _ancestors(work_id: int) -> set[int]:
    """Every work of the archive that `work_id` descends from, through any chain of links."""
    seen: set[int] = set()
    frontier = {work_id}
    while frontier:
        parents = set(
            RelatedWork.objects.filter(work_id__in=frontier, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
        frontier = parents - seen
        seen |= parents
    return seen


def _clean_parent(
    user: User, work: Work, data: ParentData, own_hosts: frozenset[str], errors: ErrorList
) -> RelatedWork | None:
    field = "inspired_by"
    reference = (data.reference or "").strip()
    if not reference:
        errors.add(field, "required", "Give the address of the work, or its number here.")
        return None
    if data.kind not in RelatedKind.values:
        errors.add(f"{field}.kind", "unknown_choice", "Choose inspiration, remix or translation.")
        return None
    language = data.language or ""
    if data.kind == RelatedKind.TRANSLATION:
        language = language or work.language
        if language not in LANGUAGE_NAMES:
            errors.add(f"{field}.language", "unknown_choice", "Choose a language from the list.")
            return None
    else:
        language = ""
    link = RelatedWork(work=work, kind=data.kind, language=language)
    parent_id = _archive_work_id(reference, own_hosts)
    if parent_id is not None:
        parent = Work.objects.filter(pk=parent_id).first()
        # A work the creator can't read is as unknown as a number that names nothing.
        if parent is None or work_access(user, parent) is not Access.READ:
            errors.add(field, "not_found", "There is no such work on this archive.")
            return None
        if parent.pk == work.pk or work.pk in _ancestors(parent.pk):
            errors.add(
                field,
                "circular",
                "A work can't be inspired by itself, or by a work that was inspired by it.",
            )
            return None
        if RelatedWork.objects.filter(work=work, parent=parent).exists():
            errors.add(field, "duplicate", "This work already names that one.")
            return None
        link.parent = parent
        # Linking your own works needs nobody's consent.
        if is_creator(user, parent):
            link.status = RelatedStatus.APPROVED
        return link
    parts = urlsplit(reference)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        errors.add(field, "invalid_url", "Give a web address (https://…) or a work's number.")
        return None
    title = one_line(data.title or "")
    author = one_line(data.author or "")
    if not title:
        errors.add(f"{field}.title", "required", "Give the title of the work elsewhere.")
    for name, value, limit in (
        ("title", title, RELATED_TITLE_MAX),
        ("author", author, RELATED_AUTHOR_MAX),
        ("reference", reference, RELATED_URL_MAX),
    ):
        if len(value) > limit:
            errors.add(f"{field}.{name}", "too_long", f"At most {limit:,} characters.")
    link.external_url, link.external_title, link.external_author = reference, title, author
    return link


@transaction.atomic
def add_parent(
    user: User, work: Work, data: ParentData, *, own_hosts: frozenset[str] = frozenset()
) -> RelatedWork:
    """Name a parent of `work` (one of `user`'s works). A parent here must be one `user` can
    read, and never the work itself or one of its descendants. Its creators hear of it once
    the child is out."""
    if not is_creator(user, work):
        raise Forbidden("Only the work's creators can change it.")
    errors = ErrorList()
    if work.parent_links.count() >= PARENTS_PER_WORK_MAX:
        errors.add("inspired_by", "too_many", f"A work can name at most {PARENTS_PER_WORK_MAX}.")
    errors.raise_if_any()
    link = _clean_parent(user, work, data, own_hosts, errors)
    errors.raise_if_any()
    assert link is not None
    link.save()
    announce(WorkLinked(work.pk, link.pk) if link.parent_id else WorkChanged(work.pk))
    return link


@transaction.atomic
def remove_parent(user: User, link_id: int) -> int:
    """The child's creators take a parent off their work; the work's id."""
    link = RelatedWork.objects.select_related("work").filter(pk=link_id).first()
    if link is None or not is_creator(user, link.work):
        raise NotFound(_("No such link."))
    work_id = link.work_id
    link.delete()
    announce(WorkChanged(work_id))
    return work_id


@transaction.atomic
def answer_link(user: User, link_id: int, *, approve: bool) -> RelatedWork:
    """A parent's creator lists the child under their work, or hides it from there."""
    link = RelatedWork.objects.select_related("parent", "work").filter(pk=link_id).first()
    if link is None or link.parent is None or not is_creator(user, link.parent):
        raise NotFound(_("No such link."))
    link.status = RelatedStatus.APPROVED if approve else RelatedStatus.HIDDEN
    link.save(update_fields=["status"])
    announce(WorkChanged(link.parent.pk))
    return link


# --- reads ------------------------------------------------------------------------------------


@dataclass
class ParentShown:
    """A parent as the viewer may see it: a work here they can read, an external work, or a
    placeholder without title or creator ("[Restricted Work]", "[Unposted Work]")."""

    link: RelatedWork
    work: Work | None = None
    placeholder: str = ""

    @property
    def wording(self) -> str:
        return str(RelatedKind(self.link.kind).label)


def _parent_shown(viewer: Viewer, link: RelatedWork) -> ParentShown:
    if link.parent is None:
        return ParentShown(link)
    access = work_access(viewer, link.parent)
    if access is Access.READ:
        return ParentShown(link, link.parent)
    label = _("[Restricted Work]") if access is Access.LOGIN_REQUIRED else _("[Unposted Work]")
    return ParentShown(link, placeholder=label)


def children_q(viewer: Viewer) -> QuerySet[RelatedWork]:
    """Links whose child `viewer` may list (not a draft, not scheduled, not restricted for a
    guest, not by someone they muted)."""
    return RelatedWork.objects.filter(listable_works_q(viewer, prefix="work__"))


@dataclass
class RelatedOfWork:
    """A work's page's related works: the parents its preface names (`ul.associations`), and
    the approved children listed after it (`div#children`)."""

    parents: list[ParentShown]
    children: list[RelatedWork]


def related_for(viewer: Viewer, work: Work) -> RelatedOfWork:
    """What `work` descends from and the approved children `viewer` may list, in two queries
    for any number of either: the links both ways with their works, then those works' bylines
    (none when there is no link to a work here)."""
    links = list(
        RelatedWork.objects.filter(
            Q(work=work)
            | (
                Q(parent=work, status=RelatedStatus.APPROVED)
                & listable_works_q(viewer, prefix="work__")
            )
        )
        .select_related("work", "parent")
        .order_by("id")
    )
    parent_links, child_links = [], []
    for link in links:
        if link.work_id == work.pk:
            link.work = work
            parent_links.append(link)
        else:
            link.parent = work
            child_links.append(link)
    others = [link.parent for link in parent_links if link.parent is not None]
    others += [link.work for link in child_links]
    if others:
        prefetch_related_objects(
            others,
            Prefetch("creatorships", queryset=Creatorship.objects.select_related("pseud__user")),
        )
    child_links.sort(key=lambda link: (link.work.revised_at, link.pk))
    return RelatedOfWork(
        parents=[_parent_shown(viewer, link) for link in parent_links],
        children=child_links,
    )


@dataclass
class RelatedListing:
    """`/users/LOGIN/related_works`: the user's works' children (translations and others) and
    the works the user's works descend from. Pending and hidden links only for the owner."""

    translations_of_theirs: list[RelatedWork]
    inspired_by_theirs: list[RelatedWork]
    their_parents: list[tuple[RelatedWork, ParentShown]]


def related_listing(viewer: Viewer, owner: User) -> RelatedListing:
    owns = viewer.is_authenticated and viewer.pk == owner.pk
    # Through the credited creatorships only: a pending co-creator invitation is not theirs;
    # and for others, not through an anonymous work (that would name its creator).
    credits = Creatorship.objects.all() if owns else attributed_credits()
    theirs = Work.objects.filter(pk__in=credits.filter(pseud__user=owner).values("work_id"))
    children = (
        children_q(viewer)
        .filter(parent__in=theirs)
        .select_related("work", "parent")
        .prefetch_related("work__creatorships__pseud__user", "parent__creatorships__pseud__user")
        .order_by("-created_at", "-id")
    )
    if not owns:
        # Others see what the parent's creator approved, under works of theirs they may list.
        children = children.filter(status=RelatedStatus.APPROVED).filter(
            listable_works_q(viewer, prefix="parent__")
        )
    found = list(children)
    own_links = (
        RelatedWork.objects.filter(work__in=theirs)
        .filter(listable_works_q(viewer, prefix="work__"))
        .select_related("work", "parent")
        .prefetch_related("work__creatorships__pseud__user", "parent__creatorships__pseud__user")
        .order_by("-created_at", "-id")
    )
    parents = [(link, _parent_shown(viewer, link)) for link in own_links]
    return RelatedListing(
        translations_of_theirs=[c for c in found if c.kind == RelatedKind.TRANSLATION],
        inspired_by_theirs=[c for c in found if c.kind != RelatedKind.TRANSLATION],
        their_parents=parents,
    )
