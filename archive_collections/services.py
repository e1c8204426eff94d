"""Running collections: making and editing them, their participants, their items (works and
bookmarks, with both sides' approval) and the reveal. Each function takes the acting user,
checks what they may do, is atomic, and raises only `lifestream.core.errors`.

A work's own flags (`Work.in_unrevealed_collection`, `Work.in_anonymous_collection` and with
them `Work.anonymous`) follow its items and are recomputed here (`refresh_works`) whenever an
item comes, changes or goes; every such change is announced (`WorkChanged`), so the filter
index (the collection facet), the text index and the downloads cache follow."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from access.visibility import is_creator
from feedback.models import Bookmark, Notification
from feedback.moderators import can_moderate
from feedback.notify import schedule_digests
from lifestream.core.changes import WorkChanged, announce
from lifestream.core.errors import ErrorList, Forbidden, NotFound
from lifestream.core.text import one_line, sanitize_html
from people.models import Pseud, User
from signups.services import check_may_contribute
from works.models import Work
from works.series import anonymity_conflict

from .models import (
    MANAGING_ROLES,
    NAME_MAX,
    NAME_PATTERN,
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX,
    Approval,
    Collection,
    CollectionItem,
    CollectionParticipant,
    Role,
)

NAMES_PER_WORK_MAX = 20


@dataclass
class CollectionData:
    name: str = ""
    title: str = ""
    header_image_url: str = ""
    description: str = ""
    intro: str = ""
    faq: str = ""
    rules: str = ""
    open: bool = True
    moderated: bool = False
    unrevealed: bool = False
    anonymous: bool = False
    parent: str = ""  # the parent collection's name, "" for none


def collection_data_from(collection: Collection) -> CollectionData:
    return CollectionData(
        name=collection.name,
        title=collection.title,
        header_image_url=collection.header_image_url,
        description=collection.description,
        intro=collection.intro,
        faq=collection.faq,
        rules=collection.rules,
        open=collection.open,
        moderated=collection.moderated,
        unrevealed=collection.unrevealed,
        anonymous=collection.anonymous,
        parent=collection.parent.name if collection.parent_id and collection.parent else "",
    )


# --- who may do what ----------------------------------------------------------------------------


def role_of(user: object, collection: Collection) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    row = CollectionParticipant.objects.filter(collection=collection, user_id=user.pk).first()  # type: ignore[attr-defined]
    return row.role if row else None


def is_owner(user: object, collection: Collection) -> bool:
    return role_of(user, collection) == Role.OWNER


def is_collection_moderator(user: object, collection: Collection) -> bool:
    """Owners and moderators of the collection approve its items (and the archive's moderators
    may step in)."""
    return role_of(user, collection) in MANAGING_ROLES or can_moderate(user)


def _check_owner(user: User, collection: Collection) -> None:
    if not (is_owner(user, collection) or can_moderate(user)):
        raise Forbidden(_("Only the collection's owners can do that."))


def _check_moderator(user: User, collection: Collection) -> None:
    if not is_collection_moderator(user, collection):
        raise Forbidden(_("Only the collection's owners and moderators can do that."))


def get_collection(name: str) -> Collection:
    collection = Collection.objects.filter(name__iexact=(name or "").strip()).first()
    if collection is None:
        raise NotFound(_("No such collection."))
    return collection


# --- collections ---------------------------------------------------------------------------------


def _clean(data: CollectionData, errors: ErrorList, collection: Collection | None) -> dict:
    name = (data.name or "").strip()
    if not name:
        errors.add("name", "required", _("Please choose a name: the collection's address."))
    elif len(name) > NAME_MAX:
        errors.check_length("name", _("The name"), name, NAME_MAX)
    elif not re.match(NAME_PATTERN, name):
        errors.add(
            "name",
            "invalid_name",
            _("A collection's name may use only letters, digits and underscores (no spaces)."),
        )
    elif (
        Collection.objects.filter(name__iexact=name)
        .exclude(pk=collection.pk if collection else 0)
        .exists()
    ):
        errors.add("name", "taken", _("That name is taken; choose another."))
    title = one_line(data.title or "")
    if not title:
        errors.add("title", "required", _("Please enter a title."))
    errors.check_length("title", _("The title"), title, TITLE_MAX)
    url = (data.header_image_url or "").strip()
    if url and not url.lower().startswith("https://"):
        errors.add(
            "header_image_url", "not_https", _("The header image must be an https:// address.")
        )
    errors.check_length("header_image_url", _("The header image address"), url, URL_MAX)
    texts = {}
    for field in ("description", "intro", "faq", "rules"):
        raw = getattr(data, field) or ""
        errors.check_length(field, field.capitalize(), raw, TEXT_MAX)
        texts[field] = sanitize_html(raw, allow_classes=False) if len(raw) <= TEXT_MAX else ""
    parent = None
    if (data.parent or "").strip():
        parent = Collection.objects.filter(name__iexact=data.parent.strip()).first()
        if parent is None:
            errors.add("parent", "unknown", _("There is no collection of that name."))
        elif parent.parent_id is not None:
            errors.add("parent", "too_deep", _("A subcollection cannot have subcollections."))
        elif collection is not None and parent.pk == collection.pk:
            errors.add("parent", "self", _("A collection cannot be its own parent."))
        elif collection is not None and collection.children.exists():
            errors.add(
                "parent",
                "has_children",
                _("This collection has subcollections, so it cannot be one."),
            )
    return {
        "name": name,
        "title": title,
        "header_image_url": url,
        **texts,
        "open": bool(data.open),
        "moderated": bool(data.moderated),
        "unrevealed": bool(data.unrevealed),
        "anonymous": bool(data.anonymous),
        "parent": parent,
    }


def _default_pseud(user: User) -> Pseud:
    pseud = Pseud.objects.filter(user=user).order_by("-is_default", "id").first()
    assert pseud is not None  # every account has its default pseud
    return pseud


@transaction.atomic
def create_collection(user: User, data: CollectionData) -> Collection:
    """A new collection, with `user` as its owner."""
    check_may_contribute(user, "name")
    errors = ErrorList()
    fields = _clean(data, errors, None)
    parent = fields["parent"]
    if parent is not None and not is_owner(user, parent) and not can_moderate(user):
        errors.add("parent", "not_owner", _("Only the parent collection's owners can add to it."))
    errors.raise_if_any()
    collection = Collection.objects.create(**fields)
    CollectionParticipant.objects.create(
        collection=collection, user=user, pseud=_default_pseud(user), role=Role.OWNER
    )
    return collection


@transaction.atomic
def update_collection(user: User, collection: Collection, data: CollectionData) -> Collection:
    """Change a collection's profile and settings (its owners). Turning "unrevealed" or
    "anonymous" on applies to items added from then on; the reveal (`reveal_collection`)
    clears them on the items already in."""
    _check_owner(user, collection)
    errors = ErrorList()
    fields = _clean(data, errors, collection)
    errors.raise_if_any()
    old_parent = collection.parent_id
    for key, value in fields.items():
        setattr(collection, key, value)
    collection.save()
    if collection.parent_id != old_parent:
        # A parent lists its subcollections' works: the filter index reads them again.
        refresh_works(collection.items.filter(work__isnull=False).values_list("work_id", flat=True))
    return collection


@transaction.atomic
def delete_collection(user: User, collection: Collection) -> None:
    """Delete a collection (its owners): its items go with it, never the works or bookmarks,
    whose flags are recomputed (an unrevealed work comes out)."""
    _check_owner(user, collection)
    work_ids = list(collection.items.filter(work__isnull=False).values_list("work_id", flat=True))
    collection.children.update(parent=None)
    collection.delete()
    refresh_works(work_ids)


# --- participants --------------------------------------------------------------------------------


def _user_named(login: str) -> User:
    user = User.objects.filter(username__iexact=(login or "").strip()).first()
    if user is None:
        raise NotFound(_("No such user."))
    return user


@transaction.atomic
def set_role(user: User, collection: Collection, login: str, role: str) -> CollectionParticipant:
    """An owner gives `login` a role (invites them, approves an application, makes a
    moderator or an owner). A collection keeps at least one owner."""
    _check_owner(user, collection)
    if role not in Role.values:
        errors = ErrorList()
        errors.add("role", "unknown_choice", _("Choose a role from the list."))
        errors.raise_if_any()
    target = _user_named(login)
    row = CollectionParticipant.objects.filter(collection=collection, user=target).first()
    if row is None:
        if role == Role.APPLIED:
            role = Role.INVITED
        row = CollectionParticipant(
            collection=collection, user=target, pseud=_default_pseud(target)
        )
    elif row.role == Role.OWNER and role != Role.OWNER:
        _keep_an_owner(collection, row)
    row.role = role
    row.save()
    return row


def _keep_an_owner(collection: Collection, leaving: CollectionParticipant) -> None:
    others = collection.participants.filter(role=Role.OWNER).exclude(pk=leaving.pk)
    if not others.exists():
        errors = ErrorList()
        errors.add("role", "last_owner", _("A collection needs at least one owner."))
        errors.raise_if_any()


@transaction.atomic
def remove_participant(user: User, collection: Collection, login: str) -> None:
    """An owner removes someone, or anyone leaves (`login` their own)."""
    target = _user_named(login)
    if target.pk != user.pk:
        _check_owner(user, collection)
    row = CollectionParticipant.objects.filter(collection=collection, user=target).first()
    if row is None:
        raise NotFound(_("They are not in this collection."))
    if row.role == Role.OWNER:
        _keep_an_owner(collection, row)
    row.delete()


@transaction.atomic
def join_collection(user: User, collection: Collection) -> CollectionParticipant:
    """Join (an open, unmoderated collection, or accepting an invitation) or apply (a
    moderated one, whose owners then decide)."""
    row = CollectionParticipant.objects.filter(collection=collection, user=user).first()
    if row is not None and row.role != Role.INVITED:
        return row
    if row is None:
        row = CollectionParticipant(collection=collection, user=user, pseud=_default_pseud(user))
        row.role = Role.APPLIED if collection.moderated or not collection.open else Role.MEMBER
    else:
        row.role = Role.MEMBER
    row.save()
    return row


# --- items ---------------------------------------------------------------------------------------


def split_names(text: str) -> list[str]:
    """Collection names as typed in a form: separated by commas (or spaces), each once."""
    seen: dict[str, str] = {}
    for raw in (text or "").replace(" ", ",").split(","):
        name = raw.strip()
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def check_collection_names(
    user: User,
    names: list[str],
    errors: ErrorList,
    field: str = "collections",
    current: Iterable[int] = (),
) -> list[Collection]:
    """The collections named, each one `user` may add to: known, and open (a closed one only
    for its moderators). A collection the work is already in stays whatever its state."""
    if len(names) > NAMES_PER_WORK_MAX:
        errors.add(
            field,
            "too_many",
            _("At most %(count)d collections.") % {"count": NAMES_PER_WORK_MAX},
        )
        return []
    lowered = [name.casefold() for name in names]
    found = {
        c.name.casefold(): c
        for c in Collection.objects.annotate(lname=Lower("name")).filter(lname__in=lowered)
    }
    kept = set(current)
    result: list[Collection] = []
    for name in names:
        collection = found.get(name.casefold())
        if collection is None:
            errors.add(
                field,
                "unknown_collection",
                _("There is no collection named “%(name)s”.") % {"name": name},
            )
        elif (
            not collection.open
            and collection.pk not in kept
            and not is_collection_moderator(user, collection)
        ):
            errors.add(
                field,
                "closed_collection",
                _("“%(name)s” is closed to new works.") % {"name": collection.name},
            )
        else:
            result.append(collection)
    return result


def work_collections_from_creator(work: Work) -> list[Collection]:
    """The collections `work` is in from its creators' side (added or accepted, not refused):
    what the edit form's "Post to Collections" shows."""
    items = CollectionItem.objects.filter(work=work, user_approval=Approval.APPROVED)
    return list(Collection.objects.filter(pk__in=items.values("collection_id")).order_by("name"))


def check_post_to_collections(
    user: User, text: str, work: Work | None, errors: ErrorList
) -> list[Collection]:
    """The posting form's "Post to Collections" read and checked (errors on `collections`)."""
    current = [c.pk for c in work_collections_from_creator(work)] if work is not None else []
    chosen = check_collection_names(user, split_names(text), errors, current=current)
    if work is not None:
        for collection in chosen:
            if collection.pk not in current:
                _check_series_anonymity(work, collection, errors)
    return chosen


def _check_series_anonymity(work: Work, collection: Collection, errors: ErrorList) -> None:
    """An anonymous collection makes its works anonymous: not a work in a series of credited
    works, whose bylines would tell who wrote it (a series is all anonymous or not at all)."""
    if not collection.anonymous or work.anonymous:
        return
    mixed = anonymity_conflict(work, True)
    if mixed is not None:
        errors.add(
            "collections",
            "series_anonymity",
            _(
                "“%(name)s” is anonymous, and this work is in the series “%(title)s” with "
                "credited works that would tell who wrote it."
            )
            % {"name": collection.name, "title": mixed.title},
        )


def _new_item(
    collection: Collection, *, by_owner_side: bool, by_collection_side: bool
) -> CollectionItem:
    approved_by_collection = by_collection_side or not collection.moderated
    return CollectionItem(
        collection=collection,
        user_approval=Approval.APPROVED if by_owner_side else Approval.PENDING,
        collection_approval=Approval.APPROVED if approved_by_collection else Approval.PENDING,
        unrevealed=collection.unrevealed,
        anonymous=collection.anonymous,
    )


@transaction.atomic
def set_work_collections(user: User, work: Work, collections: list[Collection]) -> None:
    """The posting and edit forms' "Post to Collections": `work` (one of `user`'s) is in
    exactly these collections from the creator's side. New ones are added with the creator's
    approval (the collection's too where it is not moderated, or `user` moderates it); ones
    left out are removed; an invitation named is accepted."""
    if not is_creator(user, work):
        raise Forbidden(_("Only the work's creators can change it."))
    wanted = {c.pk: c for c in collections}
    items = {item.collection_id: item for item in CollectionItem.objects.filter(work=work)}
    changed = False
    for collection_id, item in items.items():
        if collection_id not in wanted and item.user_approval == Approval.APPROVED:
            item.delete()
            changed = True
    for collection_id, collection in wanted.items():
        found_item = items.get(collection_id)
        if found_item is None:
            item = _new_item(
                collection,
                by_owner_side=True,
                by_collection_side=is_collection_moderator(user, collection),
            )
            item.work = work
            item.save()
            changed = True
        elif found_item.user_approval != Approval.APPROVED:
            found_item.user_approval = Approval.APPROVED
            found_item.save(update_fields=["user_approval"])
            changed = True
    if changed:
        refresh_works([work.pk])


def add_work(user: User, collection: Collection, work: Work) -> CollectionItem:
    """Add one work: by its creator (their side approved), or invited by the collection's
    moderators (the collection's side approved; the creator decides)."""
    creator = is_creator(user, work)
    moderator = is_collection_moderator(user, collection)
    if not (creator or moderator):
        raise Forbidden(_("Only the work's creators or the collection's moderators can add it."))
    if not collection.open and not moderator:
        raise Forbidden(_("This collection is closed to new works."))
    with transaction.atomic():
        item = CollectionItem.objects.filter(collection=collection, work=work).first()
        if item is None:
            errors = ErrorList()
            _check_series_anonymity(work, collection, errors)
            errors.raise_if_any()
            item = _new_item(collection, by_owner_side=creator, by_collection_side=moderator)
            item.work = work
            item.save()
        else:
            if creator:
                item.user_approval = Approval.APPROVED
            if moderator:
                item.collection_approval = Approval.APPROVED
            item.save(update_fields=["user_approval", "collection_approval"])
        refresh_works([work.pk])
    return item


def invite_work(user: User, collection: Collection, work_id: int) -> CollectionItem:
    """A moderator invites a work by its id; its creators accept or refuse."""
    _check_moderator(user, collection)
    work = Work.objects.filter(pk=work_id, posted=True, hidden_at__isnull=True).first()
    if work is None:
        errors = ErrorList()
        errors.add("work_id", "unknown_work", _("There is no posted work with that id."))
        errors.raise_if_any()
        raise AssertionError  # unreachable
    return add_work(user, collection, work)


@transaction.atomic
def add_bookmark(user: User, collection: Collection, bookmark_id: int) -> CollectionItem:
    """A reader adds their own bookmark (a public one) to a collection."""
    bookmark = Bookmark.objects.filter(pk=bookmark_id, user_id=user.pk).first()
    if bookmark is None:
        raise NotFound(_("No such bookmark of yours."))
    if bookmark.private:
        raise Forbidden(_("A private bookmark cannot go into a collection."))
    moderator = is_collection_moderator(user, collection)
    if not collection.open and not moderator:
        raise Forbidden(_("This collection is closed to new bookmarks."))
    item = CollectionItem.objects.filter(collection=collection, bookmark=bookmark).first()
    if item is None:
        item = _new_item(collection, by_owner_side=True, by_collection_side=moderator)
        item.bookmark = bookmark
        item.unrevealed = item.anonymous = False  # a bookmark tells nothing of its work's creator
        item.save()
    return item


def bookmark_collections(bookmark: Bookmark) -> list[Collection]:
    """The collections `bookmark` is in from its bookmarker's side: the form's field."""
    items = CollectionItem.objects.filter(bookmark=bookmark, user_approval=Approval.APPROVED)
    return list(Collection.objects.filter(pk__in=items.values("collection_id")).order_by("name"))


def check_bookmark_collections(
    user: User, text: str, bookmark: Bookmark | None, private: bool, errors: ErrorList
) -> list[Collection]:
    """The bookmark form's "Add to Collections" read and checked (errors on `collections`)."""
    names = split_names(text)
    if names and private:
        errors.add(
            "collections",
            "private_bookmark",
            _("A private bookmark cannot go into a collection."),
        )
        return []
    current = [c.pk for c in bookmark_collections(bookmark)] if bookmark is not None else []
    return check_collection_names(user, names, errors, current=current)


@transaction.atomic
def set_bookmark_collections(user: User, bookmark: Bookmark, collections: list[Collection]) -> None:
    """The bookmark (`user`'s own) is in exactly these collections from its bookmarker's side."""
    if bookmark.user_id != user.pk:
        raise Forbidden(_("Only the bookmarker can change it."))
    wanted = {c.pk: c for c in collections}
    items = {item.collection_id: item for item in CollectionItem.objects.filter(bookmark=bookmark)}
    for collection_id, item in items.items():
        if collection_id not in wanted and item.user_approval == Approval.APPROVED:
            item.delete()
    for collection_id, collection in wanted.items():
        found = items.get(collection_id)
        if found is None:
            add_bookmark(user, collection, bookmark.pk)
        elif found.user_approval != Approval.APPROVED:
            found.user_approval = Approval.APPROVED
            found.save(update_fields=["user_approval"])


def _owner_side(user: User, item: CollectionItem) -> bool:
    if item.work_id is not None:
        assert item.work is not None
        return is_creator(user, item.work)
    assert item.bookmark is not None
    return item.bookmark.user_id == user.pk


def get_item(collection: Collection, item_id: int) -> CollectionItem:
    item = (
        CollectionItem.objects.select_related("work", "bookmark")
        .filter(collection=collection, pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound(_("No such item in this collection."))
    return item


@transaction.atomic
def decide_item(user: User, item: CollectionItem, approve: bool) -> CollectionItem:
    """Approve or reject an item: the collection's side for its moderators, the work's (or
    bookmark's) side for its creator (accepting or refusing an invitation)."""
    decision = Approval.APPROVED if approve else Approval.REJECTED
    changed = False
    if is_collection_moderator(user, item.collection):
        item.collection_approval = decision
        changed = True
    if _owner_side(user, item):
        item.user_approval = decision
        changed = True
    if not changed:
        raise Forbidden(_("Only the collection's moderators or the item's creator can decide."))
    item.save(update_fields=["user_approval", "collection_approval"])
    if item.work_id is not None:
        refresh_works([item.work_id])
    return item


@transaction.atomic
def remove_item(user: User, item: CollectionItem) -> None:
    """Either side takes an item out of the collection (the work or bookmark stays)."""
    if not (is_collection_moderator(user, item.collection) or _owner_side(user, item)):
        raise Forbidden(_("Only the collection's moderators or the item's creator can remove it."))
    work_id = item.work_id
    item.delete()
    if work_id is not None:
        refresh_works([work_id])


# --- the reveal ----------------------------------------------------------------------------------


@transaction.atomic
def reveal_collection(user: User | None, collection: Collection) -> int:
    """Reveal a collection: its items are no longer unrevealed nor anonymous, the collection
    itself neither, and its works come out (those still anonymous by their creators' choice, or
    through another collection, stay so). Idempotent: revealing again changes nothing. `user`
    None is the archive itself (a scheduled reveal). Returns how many works came out."""
    if user is not None:
        _check_moderator(user, collection)
    items = CollectionItem.objects.filter(collection=collection).filter(
        Q(unrevealed=True) | Q(anonymous=True)
    )
    work_ids = list(items.filter(work__isnull=False).values_list("work_id", flat=True))
    items.update(unrevealed=False, anonymous=False)
    if collection.unrevealed or collection.anonymous:
        collection.unrevealed = collection.anonymous = False
        collection.save(update_fields=["unrevealed", "anonymous", "updated_at"])
    refresh_works(work_ids)
    # The notices held back until now (a gift's recipient's): their digests go out.
    waiting = Notification.objects.filter(work_id__in=work_ids, emailed_at__isnull=True)
    recipients = sorted(set(waiting.values_list("user_id", flat=True)))
    if recipients:
        transaction.on_commit(partial(schedule_digests, recipients), robust=True)
    return len(work_ids)


# --- a work's flags ------------------------------------------------------------------------------


def refresh_works(work_ids: Iterable[int]) -> None:
    """Recompute the collection flags of these works from their items (those their creators
    consented to and the collection did not refuse) and announce each as changed: its
    collections (the facet) changed, and perhaps its byline or whether it is a mystery."""
    ids = sorted(set(work_ids))
    if not ids:
        return
    counting = CollectionItem.objects.filter(
        work_id__in=ids, user_approval=Approval.APPROVED
    ).exclude(collection_approval=Approval.REJECTED)
    unrevealed = set(counting.filter(unrevealed=True).values_list("work_id", flat=True))
    anonymous = set(counting.filter(anonymous=True).values_list("work_id", flat=True))
    for work in Work.objects.filter(pk__in=ids).only(
        "pk",
        "anonymous",
        "anonymous_by_choice",
        "in_anonymous_collection",
        "in_unrevealed_collection",
    ):
        work.in_unrevealed_collection = work.pk in unrevealed
        work.in_anonymous_collection = work.pk in anonymous
        work.anonymous = work.anonymous_by_choice or work.in_anonymous_collection
        work.save(
            update_fields=["in_unrevealed_collection", "in_anonymous_collection", "anonymous"]
        )
        announce(WorkChanged(work.pk))
