"""What every page shows of site news: the banner, unless this reader dismissed it. No query
on an ordinary page: the banner is kept per process (`news.banner`), a member's dismissal in
their session once it has been looked up on their account, a guest's in a cookie."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from people.models import User

from . import banner
from .models import BannerDismissal
from .views_banner import COOKIE, SESSION_CHECKED, SESSION_DISMISSED


def _dismissed(request: HttpRequest, version: int) -> bool:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return request.COOKIES.get(COOKIE, "") == str(version)
    session = request.session
    if session.get(SESSION_DISMISSED, 0) >= version:
        return True
    if session.get(SESSION_CHECKED) != version:
        kept = BannerDismissal.objects.filter(user=user).values_list("version", flat=True).first()
        session[SESSION_CHECKED] = version
        if kept is not None and kept >= version:
            session[SESSION_DISMISSED] = kept
            return True
    return False


def site_banner(request: HttpRequest) -> dict[str, Any]:
    shown = banner.current()
    if shown is None or _dismissed(request, shown.version):
        return {"site_banner": None}
    return {"site_banner": shown}
