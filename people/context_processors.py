"""What every page's template reads of its reader."""

from __future__ import annotations

from django.http import HttpRequest

from .reading import ReadingSettings, settings_of_request


def reading(request: HttpRequest) -> dict[str, ReadingSettings]:
    """The reader's reading settings (`people.reading`), which `base.html` applies."""
    return {"reading": settings_of_request(request)}
