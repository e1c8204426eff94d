"""Writing bookmarks: a reader keeps a work or a series with their own notes and tags,
privately or not, and may recommend it. A work's public bookmark count changes in the same
transaction (a series' is counted when shown, through `listable_bookmarks_q`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext

from access.visibility import Access, has_listable_part, work_access
from lifestream.core.errors import ErrorList, FieldError, InvalidInput
from lifestream.core.text import sanitize_html
from people.models import Pseud, User
from people.services import ensure_default_pseud
from tags.models import Tag, TagKind
from tags.services import check_tag_names, find_or_create_tags, normalize_tag_names
from works.models import Series, Work

from ..models import BOOKMARK_NOTES_MAX, BOOKMARK_TAGS_MAX, Bookmark
from ..stats import adjust_stats


@dataclass
class BookmarkData:
    """What a bookmarker chooses. `pseud` None means their default pseud; `tags` are names."""

    pseud: Pseud | None = None
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    private: bool = False
    rec: bool = False


class AlreadyBookmarked(InvalidInput):
    """A second bookmark of the same work or series; carries the first so pages can link to
    editing it."""

    def __init__(self, bookmark: Bookmark) -> None:
        self.bookmark = bookmark
        noun = "series" if bookmark.series_id is not None else "work"
        message = (
            gettext(
                "You have already bookmarked this series; you can edit your bookmark at %(url)s."
            )
            if noun == "series"
            else gettext(
                "You have already bookmarked this work; you can edit your bookmark at %(url)s."
            )
        )
        url = reverse("feedback:bookmark_edit", args=[bookmark.pk])
        super().__init__([FieldError(noun, "already_bookmarked", message % {"url": url})])


def bookmark_data_from(bookmark: Bookmark) -> BookmarkData:
    """A bookmark as the data that would recreate it (for forms and partial API updates)."""
    return BookmarkData(
        pseud=bookmark.pseud,
        notes=bookmark.notes,
        tags=[tag.name for tag in bookmark.tags.all()],
        private=bookmark.private,
        rec=bookmark.rec,
    )


def _bookmark_tags(names: list[str], errors: ErrorList) -> list[Tag]:
    """The bookmarker's tags: an existing tag of any kind is used as it is (a reader may tag a
    bookmark with a fandom or a character); new names become additional (freeform) tags."""
    names = normalize_tag_names(names)
    if len(names) > BOOKMARK_TAGS_MAX:
        errors.add(
            "tags",
            "too_many_tags",
            gettext("A bookmark can have at most %(max)d tags (it has %(count)d).")
            % {"max": BOOKMARK_TAGS_MAX, "count": len(names)},
        )
        return []
    check_tag_names("tags", names, errors)
    if errors.has("tags") or not names:
        return []
    existing = {
        tag.name.casefold(): tag
        for tag in Tag.objects.annotate(lname=Lower("name")).filter(
            lname__in=[name.lower() for name in names]
        )
    }
    new_names = [name for name in names if name.casefold() not in existing]
    created = {
        tag.name.casefold(): tag
        for tag in find_or_create_tags(TagKind.FREEFORM, new_names, "tags", errors)
    }
    tags = []
    for name in names:
        tag = existing.get(name.casefold()) or created.get(name.casefold())
        if tag is not None and tag not in tags:
            tags.append(tag)
    return tags


def _clean(user: User, data: BookmarkData, errors: ErrorList) -> tuple[Pseud, str, list[Tag]]:
    if user.is_suspended and not data.private:
        # A suspension stops what others would see, not the reader's own shelf: private
        # bookmarks go on (the site's and the API's other writes stop before any service).
        errors.add(
            "private",
            "public_while_suspended",
            gettext(
                "Your account is suspended, so for now your bookmarks can only be private: "
                "tick “Private bookmark” to save this one."
            ),
        )
    pseud = data.pseud if data.pseud is not None else ensure_default_pseud(user)
    if pseud.user_id != user.pk:
        errors.add("pseud", "unknown_pseud", gettext("Bookmark as one of your own pseuds."))
    if len(data.notes) > BOOKMARK_NOTES_MAX:
        errors.add(
            "notes",
            "too_long",
            gettext("Notes must be at most %(max)s characters long (they are %(length)s).")
            % {"max": f"{BOOKMARK_NOTES_MAX:,}", "length": f"{len(data.notes):,}"},
        )
    notes = sanitize_html(data.notes, allow_classes=False) if data.notes.strip() else ""
    tags = _bookmark_tags(data.tags, errors)
    return pseud, notes, tags


def _check_bookmarkable(user: User, work: Work) -> None:
    # The pages and the API only offer works the user can read; this keeps the rule in force
    # for every caller.
    if not work.posted or work_access(user, work) is not Access.READ:
        raise InvalidInput(
            [
                FieldError(
                    "work",
                    "not_bookmarkable",
                    gettext("Only posted works you can read can be bookmarked."),
                )
            ]
        )


def _create(user: User, data: BookmarkData, **target: Work | Series) -> Bookmark:
    """The bookmark of `target` (work= or series=): one per user per target, refused as
    AlreadyBookmarked when there is one, even if another request inserts it meanwhile."""
    existing = Bookmark.objects.filter(user=user, **target).first()
    if existing is not None:
        raise AlreadyBookmarked(existing)
    errors = ErrorList()
    pseud, notes, tags = _clean(user, data, errors)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            bookmark = Bookmark.objects.create(
                user=user,
                pseud=pseud,
                notes=notes,
                private=data.private,
                rec=data.rec,
                **target,
            )
    except IntegrityError:
        # Another request bookmarked the same target between the check and the insert.
        raise AlreadyBookmarked(Bookmark.objects.get(user=user, **target)) from None
    bookmark.tags.set(tags)
    return bookmark


@transaction.atomic
def create_bookmark(user: User, work: Work, data: BookmarkData) -> Bookmark:
    """Bookmark `work` for `user`: one bookmark per user per work. Tags named for the first time
    are created with it, so a refused bookmark leaves no stray tags behind."""
    _check_bookmarkable(user, work)
    bookmark = _create(user, data, work=work)
    if not bookmark.private:
        adjust_stats(work.pk, bookmarks_count=1)
    return bookmark


def _check_series_bookmarkable(user: User, series: Series) -> None:
    # A bookmark of a series with no part the user may list would be one no one sees.
    if not has_listable_part(user, series.pk):
        raise InvalidInput(
            [
                FieldError(
                    "series",
                    "not_bookmarkable",
                    gettext("Only series with a posted work you can read can be bookmarked."),
                )
            ]
        )


@transaction.atomic
def create_series_bookmark(user: User, series: Series, data: BookmarkData) -> Bookmark:
    """Bookmark `series` for `user`: one bookmark per user per series, as for works."""
    _check_series_bookmarkable(user, series)
    return _create(user, data, series=series)


@transaction.atomic
def update_bookmark(bookmark: Bookmark, data: BookmarkData) -> Bookmark:
    """Change a bookmark in place; making it private or public moves the work's public count
    (a series has no stored count)."""
    user = bookmark.user
    errors = ErrorList()
    pseud, notes, tags = _clean(user, data, errors)
    errors.raise_if_any()
    # Read under a lock: two edits at once must not both move the public count.
    was_private = (
        Bookmark.objects.select_for_update()
        .filter(pk=bookmark.pk)
        .values_list("private", flat=True)
    ).get()
    bookmark.pseud = pseud
    bookmark.notes = notes
    bookmark.private = data.private
    bookmark.rec = data.rec
    bookmark.save(update_fields=["pseud", "notes", "private", "rec", "updated_at"])
    bookmark.tags.set(tags)
    if was_private != bookmark.private and bookmark.work_id is not None:
        adjust_stats(bookmark.work_id, bookmarks_count=1 if was_private else -1)
    return bookmark


@transaction.atomic
def delete_bookmark(bookmark: Bookmark) -> None:
    """Remove a bookmark (its tags stay: other bookmarks or works may use them)."""
    private = (
        Bookmark.objects.select_for_update()
        .filter(pk=bookmark.pk)
        .values_list("private", flat=True)
        .first()
    )
    if private is None:
        return  # deleted by another request meanwhile
    if not private and bookmark.work_id is not None:
        adjust_stats(bookmark.work_id, bookmarks_count=-1)
    bookmark.delete()
