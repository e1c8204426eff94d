"""What every page's template reads of its reader."""

from __future__ import annotations

from django.http import HttpRequest

from .reading import COOKIE, ReadingSettings, settings_for


def reading(request: HttpRequest) -> dict[str, ReadingSettings]:
    """The reader's reading settings (`people.reading`), which `base.html` applies."""
    return {"reading": settings_for(request.user, request.COOKIES.get(COOKIE, ""))}
