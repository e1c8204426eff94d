"""Accounts that must use two-factor authentication (`two_factor.two_factor_required`) set it
up before anything else, one of the archive's first steps (`lifestream.first_steps`)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from lifestream.core.first_steps import FirstStep, send_to

from . import two_factor
from .models import User


def two_factor_due(request: HttpRequest, user: User) -> HttpResponse | None:
    # One query, only for the few accounts that must have two-factor on.
    if (
        settings.TWO_FACTOR_ENFORCED
        and two_factor.two_factor_required(user)
        and not two_factor.is_on(user)
    ):
        return send_to(request, "people:two_factor", user.username)
    return None


SET_UP_TWO_FACTOR = FirstStep(name="two_factor", due=two_factor_due, target="people:two_factor")
