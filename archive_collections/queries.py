"""Reads of collections: the list and its search, a collection's people and counts, the items
its moderators review, and a user's collections and items. Every read that could leak takes
the viewer; visibility is `access.visibility`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from access.getters import visible_works
from access.visibility import listed_collection_items_q, muted_user_ids
from feedback.models import Bookmark
from search.filters.index import Filters, get_index
from works.models import Creatorship, Work

from .models import MANAGING_ROLES, Collection, CollectionItem, CollectionParticipant, Role

if TYPE_CHECKING:
    from access.visibility import Viewer
    from people.models import User

PER_PAGE = 20


def collections(query: str = "") -> QuerySet[Collection]:
    """Every collection, by title; `query` narrows to names or titles containing it."""
    found = Collection.objects.select_related("parent").order_by("title", "id")
    for word in (query or "").split()[:10]:
        found = found.filter(Q(name__icontains=word) | Q(title__icontains=word))
    return found


def participants(collection: Collection) -> dict[str, list[CollectionParticipant]]:
    """The collection's people by role, in one query."""
    rows = (
        CollectionParticipant.objects.filter(collection=collection)
        .select_related("pseud__user", "user")
        .order_by("created_at", "id")
    )
    grouped: dict[str, list[CollectionParticipant]] = {role: [] for role in Role.values}
    for row in rows:
        grouped[row.role].append(row)
    return grouped


def listed_work_count(viewer: Viewer, collection: Collection) -> int:
    """How many works the collection lists for `viewer`, from the filter index (exact)."""
    filters = Filters(collection_id=collection.pk)
    filters.muted_user_ids = muted_user_ids(viewer)
    index = get_index()
    with index.lock:
        index.ensure_current()
        return len(index.matching(bool(viewer.is_authenticated), filters))


def _in(collection: Collection) -> Q:
    """Items of the collection or of its subcollections (a parent lists theirs too)."""
    return Q(collection=collection) | Q(collection__parent=collection)


def collection_bookmarks(viewer: Viewer, collection: Collection) -> QuerySet[Bookmark]:
    """The bookmarks the collection lists for `viewer` (approved items of bookmarks they may
    list), newest first."""
    items = CollectionItem.objects.filter(
        listed_collection_items_q(viewer), _in(collection), bookmark__isnull=False
    )
    return Bookmark.objects.filter(pk__in=items.values("bookmark_id")).order_by(
        "-created_at", "-id"
    )


def collection_works(viewer: Viewer, collection: Collection) -> QuerySet[Work]:
    """The works the collection lists for `viewer`, newest first (feeds; pages use the
    listing stack)."""
    items = CollectionItem.objects.filter(
        listed_collection_items_q(viewer), _in(collection), work__isnull=False
    )
    return visible_works(viewer).filter(pk__in=items.values("work_id"))


def subcollections(collection: Collection) -> list[Collection]:
    return list(collection.children.order_by("title", "id"))


def items_for_moderators(collection: Collection) -> QuerySet[CollectionItem]:
    """Every item of the collection, whatever its state: the moderators' page."""
    return (
        CollectionItem.objects.filter(collection=collection)
        .select_related(
            "collection", "work", "bookmark__work", "bookmark__series", "bookmark__user"
        )
        .order_by("collection_approval", "-added_at", "-id")
    )


def own_items(user: User, collection: Collection | None = None) -> QuerySet[CollectionItem]:
    """The items of `user`'s works and bookmarks (in `collection`, or in any)."""
    works = Creatorship.objects.filter(pseud__user=user).values("work_id")
    items = CollectionItem.objects.filter(Q(work_id__in=works) | Q(bookmark__user=user))
    if collection is not None:
        items = items.filter(collection=collection)
    return items.select_related(
        "collection", "work", "bookmark__work", "bookmark__series"
    ).order_by("user_approval", "-added_at", "-id")


def collections_of_user(user: User) -> QuerySet[CollectionParticipant]:
    """The collections `user` owns, moderates or belongs to (not invitations nor
    applications), with the collection."""
    return (
        CollectionParticipant.objects.filter(user=user, role__in=[*MANAGING_ROLES, Role.MEMBER])
        .select_related("collection")
        .order_by("collection__title", "collection_id")
    )


def with_people(collections: QuerySet[Collection]) -> QuerySet[Collection]:
    """Collections with their owners (for the list's blurbs) and item counts, in two more
    queries at most."""
    owners = CollectionParticipant.objects.filter(role=Role.OWNER).select_related("pseud__user")
    return collections.prefetch_related(
        Prefetch("participants", queryset=owners, to_attr="owners")
    ).annotate(children_count=Count("children", distinct=True))
