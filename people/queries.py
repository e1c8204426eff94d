"""Reads of people. Profiles are public; a user's works go through works.queries."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from lifestream.core.errors import FieldError, InvalidInput

from .models import Block, Mute, Pseud, User


def get_user(login: str) -> User:
    return get_object_or_404(User, username__iexact=login, is_active=True)


def get_pseud(user: User, name: str) -> Pseud:
    return get_object_or_404(Pseud, user=user, name__iexact=name)


def is_blocked_by_any(user: object, owner_ids: set[int]) -> bool:
    """Whether any of `owner_ids` (a work's creators, a comment's writer) has blocked `user`.
    Guests can't be blocked (AO3's blocks, too, are between accounts)."""
    if not getattr(user, "is_authenticated", False) or not owner_ids:
        return False
    return Block.objects.filter(blocker_id__in=owner_ids, blocked_id=user.pk).exists()  # type: ignore[attr-defined]  # authenticated: a user


def find_user(login: str) -> User | None:
    """The active account called `login` (any case), for forms and the API that name one."""
    login = login.strip()
    if not login:
        return None
    return User.objects.filter(username__iexact=login, is_active=True).first()


def blocks_of(user: User) -> QuerySet[Block]:
    """The users `user` blocked, newest first. Only ever shown to `user`."""
    return (
        Block.objects.filter(blocker=user, blocked__is_active=True)
        .select_related("blocked")
        .order_by("-created_at", "-id")
    )


def mutes_of(user: User) -> QuerySet[Mute]:
    """The users `user` muted, newest first. Only ever shown to `user`."""
    return (
        Mute.objects.filter(muter=user, muted__is_active=True)
        .select_related("muted")
        .order_by("-created_at", "-id")
    )


def has_blocked(user: User, other: User) -> bool:
    return Block.objects.filter(blocker=user, blocked=other).exists()


def own_pseuds(user: User, names: list[str], field: str = "pseuds") -> list[Pseud]:
    """`user`'s pseuds by name, in the order given (names compare as the site does: any case,
    spaces squeezed); a name they have no pseud for is refused on `field`."""
    mine = {pseud.name.casefold(): pseud for pseud in user.pseuds.all()}
    pseuds = []
    for name in names:
        pseud = mine.get(" ".join(name.split()).casefold())
        if pseud is None:
            raise InvalidInput(
                [
                    FieldError(
                        field,
                        "unknown_pseud",
                        gettext("You have no pseud called “%(name)s”.") % {"name": name[:50]},
                    )
                ]
            )
        pseuds.append(pseud)
    return pseuds
