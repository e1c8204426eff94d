"""Reads of work skins; every one that could show a private skin takes the viewer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from access.visibility import usable_skins_q
from people.models import User

from .models import Skin

if TYPE_CHECKING:
    from access.visibility import Viewer


def _listing(skins: QuerySet[Skin]) -> QuerySet[Skin]:
    return skins.select_related("author").order_by("title", "id")


def public_skins() -> QuerySet[Skin]:
    return _listing(Skin.objects.filter(public=True))


def skins_of(viewer: Viewer, owner: User) -> QuerySet[Skin]:
    """`owner`'s skins that `viewer` may see: all of them to the owner, the public ones to
    everyone else."""
    return _listing(Skin.objects.filter(usable_skins_q(viewer), author=owner))


def site_skin_choices(viewer: Viewer) -> QuerySet[Skin]:
    """The site skins `viewer` may choose in their reading settings: the public ones, and
    their own."""
    return Skin.objects.filter(usable_skins_q(viewer), kind="site").order_by("title", "id")


def site_skin_css(viewer: Viewer, skin_id: str) -> str:
    """The stylesheet of the site skin `viewer` chose, if they may still use it."""
    if not (skin_id.isascii() and skin_id.isdecimal()):
        return ""
    rows = site_skin_choices(viewer).filter(pk=int(skin_id)).values_list("css", flat=True)
    return rows.first() or ""


def skin_choices(user: User) -> QuerySet[Skin]:
    """The skins `user` may put on a work: their own work skins and the public ones."""
    return Skin.objects.filter(usable_skins_q(user), kind="work").order_by("title", "id")
