"""Reads of people. Profiles are public; a user's works go through works.queries."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from .models import Pseud, User


def get_user(login: str) -> User:
    return get_object_or_404(User, username__iexact=login, is_active=True)


def get_pseud(user: User, name: str) -> Pseud:
    return get_object_or_404(Pseud, user=user, name__iexact=name)
