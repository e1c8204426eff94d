"""Reads of kudos: who left them on a work, and whether this visitor already did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from people.models import User
from works.models import Work

from ..models import Kudos

if TYPE_CHECKING:
    from access.visibility import Viewer

# How many names the work page lists before "and N more users".
NAMES_SHOWN = 50


@dataclass
class KudosSummary:
    """What the kudos paragraph says: the latest givers' names, how many more there are,
    how many guests, and whether the viewer is among them."""

    users: list[User] = field(default_factory=list)
    more_users: int = 0
    guests: int = 0
    mine: bool = False

    @property
    def total(self) -> int:
        return len(self.users) + self.more_users + self.guests


def has_left_kudos(work: Work, user: User | None, guest_key: str = "") -> bool:
    if user is not None:
        return Kudos.objects.filter(work=work, user=user).exists()
    return Kudos.objects.filter(work=work, user__isnull=True, guest_key=guest_key).exists()


def givers(work: Work) -> QuerySet[Kudos]:
    """The registered users' kudos on `work`, latest first, with their users."""
    return (
        Kudos.objects.filter(work=work, user__isnull=False)
        .select_related("user")
        .only("id", "work_id", "created_at", "user__id", "user__username")
        .order_by("-created_at", "-id")
    )


def kudos_summary(
    work: Work, viewer: Viewer | None = None, guest_key: str = "", limit: int | None = NAMES_SHOWN
) -> KudosSummary:
    """For the paragraph under a work: one query for the counts (and whether `viewer`, or the
    guest with `guest_key`, gave kudos), one more for names when registered users gave any.
    The caller has already let the viewer read `work`."""
    if viewer is not None and viewer.is_authenticated:
        mine = Q(user_id=viewer.pk)
    elif guest_key:
        mine = Q(user__isnull=True, guest_key=guest_key)
    else:  # no such row can exist (a guest's kudos always has a key)
        mine = Q(user__isnull=True, guest_key="")
    counts = Kudos.objects.filter(work=work).aggregate(
        registered=Count("id", filter=Q(user__isnull=False)),
        guests=Count("id", filter=Q(user__isnull=True)),
        mine=Count("id", filter=mine),
    )
    users: list[User] = []
    if counts["registered"]:
        rows = givers(work)
        users = [row.user for row in (rows[:limit] if limit is not None else rows) if row.user]
    return KudosSummary(
        users=users,
        more_users=max(counts["registered"] - len(users), 0),
        guests=counts["guests"],
        mine=bool(counts["mine"]),
    )
