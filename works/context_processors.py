"""What every page's template reads of the works side: the reader's site skin."""

from __future__ import annotations

from django.http import HttpRequest

from people.reading import settings_of_request

from .skins_queries import site_skin_css


def site_skin(request: HttpRequest) -> dict[str, str]:
    """The stylesheet of the site skin the reader chose in their reading settings (one query,
    only for a reader who chose one), sanitised when it was saved; `base.html` applies it."""
    chosen = settings_of_request(request).site_skin
    return {"site_skin_css": site_skin_css(request.user, chosen) if chosen else ""}
