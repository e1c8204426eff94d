"""Reads of people. Profiles are public; a user's works go through works.queries."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from .models import Block, Pseud, User


def get_user(login: str) -> User:
    return get_object_or_404(User, username__iexact=login, is_active=True)


def get_pseud(user: User, name: str) -> Pseud:
    return get_object_or_404(Pseud, user=user, name__iexact=name)


def is_blocked_by_any(user: object, owner_ids: set[int]) -> bool:
    """Whether any of `owner_ids` (a work's creators, a comment's writer) has blocked `user`.
    Guests can't be blocked (AO3's blocks, too, are between accounts)."""
    if not getattr(user, "is_authenticated", False) or not owner_ids:
        return False
    return Block.objects.filter(blocker_id__in=owner_ids, blocked_id=user.pk).exists()  # type: ignore[attr-defined]
