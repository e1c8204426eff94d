"""The site-wide banner as every page shows it, kept in each process so that an ordinary page
asks the database nothing for it: read again at most every `REFRESH_SECONDS`, and at once in
the process whose admin changed it (`forget`). Another worker process shows a change within
that time."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from .models import Banner

REFRESH_SECONDS = 30.0


@dataclass(frozen=True)
class ShownBanner:
    version: int
    text: str  # sanitised when saved
    kind: str


_memo: tuple[float, ShownBanner | None] | None = None


def current() -> ShownBanner | None:
    """The banner in force, or None when it is off (or empty)."""
    global _memo
    now = time.monotonic()
    if _memo is None or now - _memo[0] > REFRESH_SECONDS:
        row = Banner.objects.filter(active=True).order_by("pk").first()
        shown = ShownBanner(row.version, row.text, row.kind) if row and row.text else None
        _memo = (now, shown)
    return _memo[1]


def forget() -> None:
    """Read the banner again on the next page (after a change)."""
    global _memo
    _memo = None


def settle(known: ShownBanner | None) -> None:
    """Take `known` as the banner until the next `forget`: for a test, whose database starts
    empty, so its pages' query counts never depend on what ran before it."""
    global _memo
    _memo = (math.inf, known) if known is None else (time.monotonic(), known)
