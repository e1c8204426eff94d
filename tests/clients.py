"""Real AO3 client programs pointed at a live Lifestream server, changed only in where they send.

ao3_api hard-codes https://archiveofourown.org; `AO3Host` is a requests transport adapter that
sends those requests to the test server instead and hands the client back responses that look
as if they came from the address it asked for, so its own cookie, redirect and URL handling run
unchanged.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

AO3_ORIGIN = "https://archiveofourown.org"


class AO3Host(HTTPAdapter):
    """Sends requests meant for AO3 (or `origin`) to `base_url` (a live Lifestream server)."""

    def __init__(self, base_url: str, origin: str = AO3_ORIGIN, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target = urlsplit(base_url)
        self.origin = origin

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]  # requests passes options by keyword
        asked = request.url or ""
        parts = urlsplit(asked)
        forwarded = request.copy()
        forwarded.url = urlunsplit(
            (self.target.scheme, self.target.netloc, parts.path, parts.query, parts.fragment)
        )
        referer = forwarded.headers.get("Referer", "")
        if isinstance(referer, str) and referer.startswith(self.origin):
            forwarded.headers["Referer"] = referer.replace(
                self.origin, f"{self.target.scheme}://{self.target.netloc}", 1
            )
        response = super().send(forwarded, **kwargs)
        response.url = asked
        response.request = request
        return response


def point_at(session: requests.Session, base_url: str) -> requests.Session:
    """Mount the adapter on a requests session for AO3's address (with and without www)."""
    adapter = AO3Host(base_url)
    session.mount(AO3_ORIGIN, adapter)
    session.mount("https://www.archiveofourown.org", adapter)
    return session
