"""Who may see a work: decided here and nowhere else.

Every page, listing, count, feed, download, search result and API response that shows works asks
this module, either for a queryset filter (`listable_works_q`) or about one work (`work_access`).
The rules:

- a draft is seen by its creators only (not by admins, not by anyone with the URL);
- a restricted work is seen by logged-in users only; logged-out visitors never find it in a
  listing or a count, and opening it sends them to log in;
- a deleted work no longer exists.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from people.models import User

    from .models import Work

    Viewer = User | AnonymousUser


class Access(enum.Enum):
    READ = "read"
    LOGIN_REQUIRED = "login_required"
    HIDDEN = "hidden"


def listable_works_q(viewer: Viewer) -> Q:
    """The filter for works that appear in listings and counts for `viewer`. Drafts never do,
    not even the viewer's own: they have their own page."""
    q = Q(posted=True)
    if not viewer.is_authenticated:
        q &= Q(restricted=False)
    return q


def creator_user_ids(work: Work) -> set[int]:
    """The ids of the users credited on `work`, from its prefetched creatorships when the query
    that loaded it fetched them (listings and the reader getters do), else in one query."""
    prefetched = getattr(work, "_prefetched_objects_cache", {}).get("creatorships")
    if prefetched is not None:
        return {creatorship.pseud.user_id for creatorship in prefetched}
    return set(work.creatorships.values_list("pseud__user_id", flat=True))


def is_creator(viewer: Viewer, work: Work) -> bool:
    if not viewer.is_authenticated or work.pk is None:
        return False
    return viewer.pk in creator_user_ids(work)


def work_access(viewer: Viewer, work: Work) -> Access:
    """What `viewer` may do with one work they asked for by id."""
    if not work.posted:
        return Access.READ if is_creator(viewer, work) else Access.HIDDEN
    if work.restricted and not viewer.is_authenticated:
        return Access.LOGIN_REQUIRED
    return Access.READ


def listable_chapters_q(viewer: Viewer, work: Work) -> Q:
    """Chapters of a readable work that `viewer` sees: creators see their draft chapters too."""
    if is_creator(viewer, work):
        return Q()
    return Q(posted=True)
