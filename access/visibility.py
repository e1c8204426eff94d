"""Who may see a work: decided here and nowhere else.

Every page, listing, count, feed, download, search result and API response that shows works asks
this module, either for a queryset filter (`listable_works_q`) or about one work (`work_access`).
The rules:

- a draft is seen by its creators only (not by admins, not by anyone with the URL);
- a scheduled work or chapter is a draft until its release time, and out from that moment:
  the rules compare with the clock, so it is never early and never waits on a worker;
- a restricted work is seen by logged-in users only; logged-out visitors never find it in a
  listing or a count, and opening it sends them to log in;
- a deleted work no longer exists;
- a work hidden by a moderator is as absent as a draft for everyone but its creators and the
  moderators (who open it by its address, with the reason shown): no listing, count, facet,
  search, feed, file, series part, bookmark or API answer has it;
- a user's mutes take the muted users' works, bookmarks and comments out of everything the muter
  lists and counts (a muted user's work is still there when opened by its address);
- a private bookmark, a reading history, subscriptions, mutes, blocks, notifications and a
  guest commenter's email are their owner's alone (the email: no one's, outside the admin);
- site news (the admins' posts and the banner) is everyone's to read, guests' included; its
  comments follow the rules of comments below (held, spam, deleted, muted), with the archive's
  moderators in the place of a work's creators;
- a comment awaiting moderation is seen by its writer and the work's creators only;
- a comment held as possible spam is seen by its writer (when registered) in the thread, and
  by the work's creators and moderators only in their lists of held comments
  (`held_comments_q`); one marked as spam by no one at all; neither is counted anywhere;
- an anonymous work is by "Anonymous" for everyone but its creators: no page, listing, count,
  feed, file or API answer ties it to them (`shows_creators`, `attributed_credits`); it is
  left off their pages and out of searches by creator, and a mute of its creator does not hide
  it (that would tell who wrote it); its series, all anonymous too, are as nameless;
- a work in an unrevealed collection (`Work.in_unrevealed_collection`, kept by the collections'
  services from the items its creators consented to) is, until the collection is revealed, a
  "Mystery Work" for everyone but its creators, the archive's moderators and the collection's
  owners and moderators (`sees_unrevealed`): as absent as a hidden work from every listing,
  count, facet, search, feed, OPDS catalogue, file, bookmark listing, series part, gifts page,
  notice and API answer, and its own address shows only that it is part of the collection
  (`is_mystery`, `mystery_collections`), never its title, summary, creators, tags or recipients;
  it comes out at its collections' reveal moment (`Work.unrevealed_until`, a challenge's works
  reveal date) exactly, the rules reading the clock (`revealed_q`), as for a scheduled work;
- a work in an anonymous collection not yet revealed is an anonymous work (above):
  `Work.anonymous` is what its creators chose or that, and is cleared again at the reveal;
- a collection lists an item (its works and bookmarks pages, its counts, the collection facet,
  a work page's `dd.collections`) only once both sides approved it (`approved_q`): an item
  awaiting the collection's moderators or the work's creator leaves the work itself as it was,
  and is seen only on the items pages of those who decide;
- a series shows only the parts `viewer` may list (a draft or restricted part leaves no gap
  that tells), and is itself found only through such a part: a series of drafts is its
  creators' alone, a series of restricted works asks guests to log in; a bookmark of a series
  is found, and opens, only when its series has such a part.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser as AnonymousUserType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from archive_collections.models import (
    MANAGING_ROLES,
    Collection,
    CollectionItem,
    CollectionParticipant,
    approved_q,
)
from feedback.models import ACCOUNT_NOTICES, Bookmark, CommentStatus, NotificationKind
from feedback.moderators import can_moderate  # moderators, admins and staff
from news.models import AdminPost
from people.models import Mute, Pseud, User
from works.models import Chapter, Creatorship, Series, SeriesCreatorship, SeriesPart, Skin, Work

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Viewer = User | AnonymousUser


class Access(enum.Enum):
    READ = "read"
    LOGIN_REQUIRED = "login_required"
    HIDDEN = "hidden"


def muted_user_ids(viewer: Viewer) -> frozenset[int]:
    """The users `viewer` has muted, read once per request (kept on the user object)."""
    if not viewer.is_authenticated:
        return frozenset()
    cached = getattr(viewer, "_muted_user_ids", None)
    if cached is None:
        cached = frozenset(Mute.objects.filter(muter=viewer).values_list("muted_id", flat=True))
        viewer._muted_user_ids = cached  # type: ignore[attr-defined]  # a per-request cache on the user
    return cached


def forget_mutes(viewer: Viewer) -> None:
    """Drop the per-request copy of `viewer`'s mutes after they change."""
    if hasattr(viewer, "_muted_user_ids"):
        del viewer._muted_user_ids


def released_q(prefix: str = "") -> Q:
    """Works (or, with no prefix on a Chapter queryset, chapters) that readers may have: posted,
    or scheduled for a moment that has passed, whether or not the release task has run yet."""
    return Q(**{f"{prefix}posted": True}) | Q(
        **{f"{prefix}posted": False, f"{prefix}scheduled_for__lte": timezone.now()}
    )


def is_released(item: Work | Chapter) -> bool:
    """The same rule for one loaded work or chapter."""
    if item.posted:
        return True
    return item.scheduled_for is not None and item.scheduled_for <= timezone.now()


def revealed_q(prefix: str = "") -> Q:
    """Works not (or no longer) Mystery Works: in no unrevealed collection, or past the moment
    their collections reveal them (as a scheduled work is out at its moment, never late)."""
    return Q(**{f"{prefix}in_unrevealed_collection": False}) | Q(
        **{f"{prefix}unrevealed_until__lte": timezone.now()}
    )


def is_unrevealed(work: Work) -> bool:
    """The same rule for one loaded work: still a Mystery Work now."""
    if not work.in_unrevealed_collection:
        return False
    return work.unrevealed_until is None or work.unrevealed_until > timezone.now()


def listable_works_q(viewer: Viewer, prefix: str = "") -> Q:
    """The filter for works that appear in listings and counts for `viewer`. Drafts never do,
    not even the viewer's own: they have their own page. `prefix` ("work__") applies the same
    rule to rows that point at a work (bookmarks, readings, subscriptions)."""
    q = released_q(prefix) & Q(**{f"{prefix}hidden_at__isnull": True}) & revealed_q(prefix)
    if not viewer.is_authenticated:
        q &= Q(**{f"{prefix}restricted": False})
    muted = muted_user_ids(viewer)
    if muted:
        muted_works = attributed_credits(pseud__user_id__in=muted).values("work_id")
        q &= ~Q(**{f"{prefix}pk__in": muted_works})
    return q


ANONYMOUS = "Anonymous"


def attributed_credits(**creator: object) -> QuerySet[Creatorship]:
    """The credits the archive tells: accepted creatorships on works that are not anonymous.
    Everything that finds works *by* someone reads these — their pages and counts, the filter
    index's creator sets, the text index's creator names, author order, mutes — so an
    anonymous work is never found through its creator."""
    return Creatorship.objects.filter(work__anonymous=False, **creator)


def shows_creators(viewer: Viewer, work: Work) -> bool:
    """Whether `viewer` may see who created `work`: always, unless it is anonymous; then only
    its creators do (they still manage it). Files and feeds, which are shared, ask for a guest."""
    return not work.anonymous or is_creator(viewer, work)


def public_byline_pseuds(work: Work) -> list[Pseud]:
    """The byline that shared outputs carry — files in the downloads cache, feeds, OPDS, the
    API, emails to others: as a guest would see it."""
    return byline_pseuds(AnonymousUserType(), work)


def byline_pseuds(viewer: Viewer, work: Work) -> list[Pseud]:
    """The pseuds to credit on `work` for `viewer`, in byline order: none for an anonymous work
    seen by someone who is not its creator (they see `ANONYMOUS`). Every byline — pages,
    listings, feeds, OPDS, downloads, the API — is made from this."""
    return work.creator_pseuds if shows_creators(viewer, work) else []


def byline_text(viewer: Viewer, work: Work) -> str:
    """The byline as plain text: "Anonymous" where the creators are not shown."""
    if not shows_creators(viewer, work):
        return ANONYMOUS
    return ", ".join(pseud.byline for pseud in work.creator_pseuds)


def public_byline_text(work: Work) -> str:
    return byline_text(AnonymousUserType(), work)


def _anonymous_series_ids_query() -> QuerySet[SeriesPart, int]:
    """The ids of the series that hold an anonymous work (a series holds anonymous works or
    credited ones, never both), as a query to filter further or to nest."""
    return SeriesPart.objects.filter(work__anonymous=True).values_list("series_id", flat=True)


def anonymous_series_ids(series_ids: Iterable[int]) -> set[int]:
    """Of `series_ids`, the series of anonymous works: their creators are shown to their
    creators alone."""
    return set(_anonymous_series_ids_query().filter(series_id__in=list(series_ids)).distinct())


def is_anonymous_series(series: Series) -> bool:
    """From the listing's `is_anonymous` annotation when present, else in one query."""
    annotated = getattr(series, "is_anonymous", None)
    if annotated is not None:
        return bool(annotated)
    return bool(anonymous_series_ids([series.pk]))


def attributed_series_credits(**creator: object) -> QuerySet[SeriesCreatorship]:
    """As `attributed_credits`, for series: a series of anonymous works is nobody's to list."""
    return SeriesCreatorship.objects.filter(**creator).exclude(
        series_id__in=_anonymous_series_ids_query()
    )


def shows_series_creators(viewer: Viewer, series: Series) -> bool:
    return not is_anonymous_series(series) or is_series_creator(viewer, series)


def listable_bookmarks_q(viewer: Viewer) -> Q:
    """Bookmarks `viewer` may see in any listing or count: public ones (and their own private
    ones) not made by a user they muted, of works they may list, or of series they may list
    (`listable_series_q`: with at least one part they may list, so a series of drafts, or of
    restricted works for a guest, is never found through a bookmark of it)."""
    listable_series = SeriesPart.objects.filter(listable_series_parts_q(viewer)).values("series_id")
    q = Q(series__isnull=True) & listable_works_q(viewer, prefix="work__")
    q |= Q(work__isnull=True) & Q(series_id__in=listable_series)
    if viewer.is_authenticated:
        q &= Q(private=False) | Q(user_id=viewer.pk)
        muted = muted_user_ids(viewer)
        if muted:
            q &= ~Q(user_id__in=muted)
    else:
        q &= Q(private=False)
    return q


def bookmark_access(viewer: Viewer, bookmark: Bookmark) -> Access:
    """What `viewer` may do with one bookmark asked for by id: a private one is its owner's
    alone; otherwise it follows its work (a draft's is hidden from everyone, a restricted
    work's asks guests to log in) or its series (read when the series has a part `viewer` may
    list; a guest who would find one after logging in is asked to; otherwise hidden, from the
    series' creators too, as a draft's bookmark is). Like a work, a muted user's bookmark still
    opens by its address; mutes only take it out of listings and counts."""
    if bookmark.private and not (viewer.is_authenticated and viewer.pk == bookmark.user_id):
        return Access.HIDDEN
    if bookmark.series_id is not None:
        if has_listable_part(viewer, bookmark.series_id):
            return Access.READ
        released = SeriesPart.objects.filter(
            released_q("work__"), series_id=bookmark.series_id, work__hidden_at__isnull=True
        )
        if not viewer.is_authenticated and released.exists():
            return Access.LOGIN_REQUIRED
        return Access.HIDDEN
    work = bookmark.work
    assert work is not None  # a bookmark is of a work or of a series
    if not is_released(work) or work.hidden_at is not None or is_unrevealed(work):
        return Access.HIDDEN
    if work.restricted and not viewer.is_authenticated:
        return Access.LOGIN_REQUIRED
    return Access.READ


def visible_comments_q(viewer: Viewer, target: Work | AdminPost) -> Q:
    """Comments on `target`, a work (which the caller has already let `viewer` read) or a
    piece of news, that `viewer` sees: published ones, and those awaiting moderation for the
    work's creators and their writer. Deleted comments stay in the result as placeholders;
    comments by users `viewer` muted are filtered by the caller, which keeps them as
    placeholders when they have replies. Comments held as possible spam are in threads for
    their writer alone."""
    on = Q(admin_post=target) if isinstance(target, AdminPost) else Q(work=target)
    q = on & Q(status=CommentStatus.PUBLISHED)
    if isinstance(target, Work) and is_creator(viewer, target):
        q |= on & Q(status=CommentStatus.PENDING)
    if viewer.is_authenticated:
        q |= on & Q(user_id=viewer.pk, status__in=[CommentStatus.PENDING, CommentStatus.HELD])
    return q


def held_comments_q(viewer: Viewer, work: Work | None = None) -> Q:
    """Comments held as possible spam that `viewer` reviews: on `work` (every work with
    none), for a moderator; on their own works, for a creator; none for anyone else. Only on
    works that are posted (a held comment on a work since made a draft waits). Held comments
    on site news are the moderators' (in the list of every work's)."""
    q = Q(status=CommentStatus.HELD, is_deleted=False) & (
        released_q("work__") | Q(work__isnull=True, admin_post__isnull=False)
    )
    if work is not None:
        q &= Q(work=work)
    if can_moderate(viewer):
        return q
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    own = Creatorship.objects.filter(pseud__user_id=viewer.pk).values("work_id")
    return q & Q(work_id__in=own)


def creator_user_ids(work: Work) -> set[int]:
    """The ids of the users credited on `work` (accepted creatorships only: `Creatorship`'s
    default manager, which the prefetch and the related manager use, leaves invitations out),
    from its prefetched creatorships when the query that loaded it fetched them (listings and
    the reader getters do), else in one query."""
    prefetched = getattr(work, "_prefetched_objects_cache", {}).get("creatorships")
    if prefetched is not None:
        return {creatorship.pseud.user_id for creatorship in prefetched}
    return set(work.creatorships.values_list("pseud__user_id", flat=True))


def is_creator(viewer: Viewer, work: Work) -> bool:
    if not viewer.is_authenticated or work.pk is None:
        return False
    return viewer.pk in creator_user_ids(work)


def manages_collection_of(viewer: Viewer, work: Work) -> bool:
    """Whether `viewer` owns or moderates an unrevealed collection `work` is in."""
    if not viewer.is_authenticated or work.pk is None:
        return False
    managed = CollectionParticipant.objects.filter(user_id=viewer.pk, role__in=MANAGING_ROLES)
    return CollectionItem.objects.filter(
        work=work, unrevealed=True, collection_id__in=managed.values("collection_id")
    ).exists()


def sees_unrevealed(viewer: Viewer, work: Work) -> bool:
    """Whether `viewer` sees `work` as it is while its collection is unrevealed: its creators,
    the archive's moderators and the owners and moderators of that collection."""
    return is_creator(viewer, work) or can_moderate(viewer) or manages_collection_of(viewer, work)


def is_mystery(viewer: Viewer, work: Work) -> bool:
    """Whether `work`'s address shows `viewer` a "Mystery Work" page: it is out, not hidden by
    a moderator, in an unrevealed collection, and `viewer` is not one who sees it as it is."""
    return (
        is_unrevealed(work)
        and is_released(work)
        and work.hidden_at is None
        and not sees_unrevealed(viewer, work)
    )


def mystery_collections(work: Work) -> list[Collection]:
    """The unrevealed collections a Mystery Work is "Part of" (all that its page tells)."""
    return list(
        Collection.objects.filter(
            pk__in=CollectionItem.objects.filter(work=work, unrevealed=True).values("collection_id")
        ).order_by("title", "id")
    )


def listed_collection_items_q(viewer: Viewer) -> Q:
    """For a CollectionItem queryset: the items a collection lists and counts for `viewer`,
    approved by both sides, of works (or bookmarks) `viewer` may list."""
    works = Q(work__isnull=False) & listable_works_q(viewer, prefix="work__")
    bookmarks = Q(bookmark__isnull=False) & Q(
        bookmark_id__in=Bookmark.objects.filter(listable_bookmarks_q(viewer)).values("pk")
    )
    return approved_q() & (works | bookmarks)


def work_access(viewer: Viewer, work: Work) -> Access:
    """What `viewer` may do with one work they asked for by id."""
    if work.hidden_at is not None and not (is_creator(viewer, work) or can_moderate(viewer)):
        return Access.HIDDEN
    if is_unrevealed(work) and not sees_unrevealed(viewer, work):
        return Access.HIDDEN
    if not is_released(work):
        return Access.READ if is_creator(viewer, work) else Access.HIDDEN
    if work.restricted and not viewer.is_authenticated:
        return Access.LOGIN_REQUIRED
    return Access.READ


def download_access(viewer: Viewer, work: Work) -> Access:
    """Downloads (and OPDS acquisitions) are of posted works only, their creators' included:
    a draft (or a work still scheduled) is never packaged. Otherwise as reading."""
    if not is_released(work):
        return Access.HIDDEN
    return work_access(viewer, work)


def listable_chapters_q(viewer: Viewer, work: Work) -> Q:
    """Chapters of a readable work that `viewer` sees: creators see their draft and scheduled
    chapters too; others the posted ones and those whose release time has come."""
    if is_creator(viewer, work):
        return Q()
    return released_q()


def news_audience(user_ids: set[int], work: Work) -> set[int]:
    """Of the accounts `user_ids` (a work's or its creators' subscribers), those to tell about
    `work` being posted or continued: active accounts that may read it, not its creators, and
    not anyone who muted one of its creators (the work is hidden from them)."""
    creators = creator_user_ids(work)
    candidates = set(user_ids) - creators
    if not candidates or not is_released(work) or work.hidden_at is not None or is_unrevealed(work):
        return set()
    muting = Mute.objects.filter(muter_id__in=candidates, muted_id__in=creators)
    readers = User.objects.filter(pk__in=candidates, is_active=True).exclude(
        pk__in=muting.values("muter_id")
    )
    return {reader.pk for reader in readers if work_access(reader, work) is Access.READ}


def visible_notices_q(viewer: User, *, mutes_inline: bool = False) -> Q:
    """Of `viewer`'s own notifications, those still shown (in the inbox and in digests): about
    a work they may read and a posted chapter of it, or a comment they may still see (not
    deleted; published, or their own, or on their own work), and not from a user they muted.
    A notice whose work or comment was deleted is gone with it (the foreign keys cascade).
    With `mutes_inline`, the mutes are a subquery of the same query rather than read first
    (for the header's unread count on a page that reads no mutes otherwise)."""
    own_works = Creatorship.objects.filter(pseud__user_id=viewer.pk).values("work_id")
    # An invitation to co-create a draft is shown to its invitee while it is still pending.
    invited = Creatorship.invitations.filter(pseud__user_id=viewer.pk, approved=False)
    own = Q(work_id__in=own_works) | Q(
        kind=NotificationKind.COCREATOR, work_id__in=invited.values("work_id")
    )
    # A reply on site news is about no work.
    news = Q(work__isnull=True, comment__admin_post__isnull=False)
    # A notice about a work in an unrevealed collection (a gift to the viewer) waits for the
    # reveal: it would tell the recipient of the work before the reveal does.
    listed = Q(work__hidden_at__isnull=True) & revealed_q("work__")
    q = (released_q("work__") & listed) | own | news
    q &= Q(chapter__isnull=True) | released_q("chapter__") | own
    q &= Q(comment__isnull=True) | Q(
        Q(comment__is_deleted=False)
        & ~Q(comment__status=CommentStatus.SPAM)
        & (Q(comment__status=CommentStatus.PUBLISHED) | Q(comment__user_id=viewer.pk) | own)
    )
    muted: frozenset[int] | QuerySet[Mute, int]
    if mutes_inline and getattr(viewer, "_muted_user_ids", None) is None:
        muted = Mute.objects.filter(muter=viewer).values_list("muted_id", flat=True)
    else:
        muted = muted_user_ids(viewer)
    if isinstance(muted, QuerySet) or muted:  # a queryset is not run here
        # What an anonymous work's creator did on it (a reply, a gift, a link) stays: leaving it
        # out because they are muted would tell the muter who wrote the work.
        def by_creator(field: str) -> Exists:
            return Exists(
                Creatorship.objects.filter(
                    work_id=OuterRef("work_id"), pseud__user_id=OuterRef(field)
                )
            )

        unnamed = Q(work__anonymous=True) & (
            by_creator("comment__user_id") | by_creator("actor_id")
        )
        q &= (~Q(actor_id__in=muted) & ~Q(comment__user_id__in=muted)) | unnamed
    # The moderators' messages and the data export's are about no work, nor is a challenge's
    # assignment.
    return q | Q(kind__in=ACCOUNT_NOTICES) | Q(kind=NotificationKind.CHALLENGE, work__isnull=True)


def usable_skins_q(viewer: Viewer) -> Q:
    """For a Skin queryset: the skins `viewer` may see and put on their works: public ones
    (an admin made them so) and their own."""
    if not viewer.is_authenticated:
        return Q(public=True)
    return Q(public=True) | Q(author_id=viewer.pk)


def skin_access(viewer: Viewer, skin: Skin) -> Access:
    """A skin's page: a public skin is everyone's to read; a private one its author's alone."""
    if skin.public or (viewer.is_authenticated and viewer.pk == skin.author_id):
        return Access.READ
    return Access.HIDDEN


def listable_series_parts_q(viewer: Viewer, prefix: str = "") -> Q:
    """For a SeriesPart queryset: the parts `viewer` may see in a series, in listings, counts,
    the previous/next links, feeds and downloads. The same rule as works (drafts never, not
    even the creators' own; restricted ones for registered users; muted creators' left out).
    `prefix` ("parts__") applies it from a Series queryset, in counts of a series' parts."""
    return listable_works_q(viewer, prefix=f"{prefix}work__")


def listable_series_q(viewer: Viewer) -> Q:
    """For a Series queryset: series with at least one part `viewer` may list."""
    parts = SeriesPart.objects.filter(listable_series_parts_q(viewer)).values("series_id")
    return Q(pk__in=parts)


def has_listable_part(viewer: Viewer, series_id: int) -> bool:
    """Whether the series has a part `viewer` may list: what a bookmark of it needs, to be
    made and to be seen (its creators' own series of drafts has none)."""
    return SeriesPart.objects.filter(listable_series_parts_q(viewer), series_id=series_id).exists()


def is_series_creator(viewer: Viewer, series: Series) -> bool:
    if not viewer.is_authenticated or series.pk is None:
        return False
    prefetched = getattr(series, "_prefetched_objects_cache", {}).get("creatorships")
    if prefetched is not None:
        return any(creatorship.pseud.user_id == viewer.pk for creatorship in prefetched)
    return SeriesCreatorship.objects.filter(series=series, pseud__user_id=viewer.pk).exists()


def series_access(viewer: Viewer, series: Series) -> Access:
    """What `viewer` may do with one series asked for by id: read it when it has a part they may
    list, or when they are its creator (their series of drafts); a guest who would find a part
    after logging in is asked to; otherwise the series does not exist for them."""
    if is_series_creator(viewer, series):
        return Access.READ
    parts = SeriesPart.objects.filter(series=series)
    if parts.filter(listable_series_parts_q(viewer)).exists():
        return Access.READ
    if (
        not viewer.is_authenticated
        and parts.filter(work__posted=True, work__hidden_at__isnull=True).exists()
    ):
        return Access.LOGIN_REQUIRED
    return Access.HIDDEN
