"""Rate limits for what guests and new accounts can do many times (comments, kudos).

Limits live in `settings.RATE_LIMITS` as "COUNT/SECONDS", one per action and kind of actor:
`comment_guest`, `comment_new`, `comment_user`, … An actor is a guest (counted by address), a
new account (younger than `NEW_ACCOUNT_DAYS`) or a user; an action without a limit for the
actor's kind is not limited. Failures (wrong passwords: `login_account`, `login_address`) are
counted apart, only when they happen, by `count_failure`. Counts are kept in the cache,
shared by every worker process (a database table, or Redis with REDIS_URL), in fixed windows.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .actors import Actor
from .errors import RateLimited


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit | None:
        if not text.strip():
            return None
        count, _, seconds = text.partition("/")
        return cls(int(count), max(int(seconds or 1), 1))


def actor_kind(user: object) -> str:
    if not getattr(user, "is_authenticated", False):
        return "guest"
    joined = getattr(user, "date_joined", None)
    if joined is not None and timezone.now() - joined < dt.timedelta(
        days=settings.NEW_ACCOUNT_DAYS
    ):
        return "new"
    return "user"


def _key(action: str, who: str, limit: Limit, now: float) -> str:
    return f"ratelimit:{action}:{who}:{int(now // limit.seconds)}"


def _retry_after(limit: Limit, now: float) -> int:
    """Seconds until the window holding `now` ends."""
    return math.ceil((int(now // limit.seconds) + 1) * limit.seconds - now)


def _count(key: str, limit: Limit) -> int:
    # add() then incr(): the first request of a window creates the counter, no lost updates.
    cache.add(key, 0, timeout=limit.seconds + 1)
    try:
        return int(cache.incr(key))
    except ValueError:  # the counter expired between the two calls
        cache.add(key, 1, timeout=limit.seconds + 1)
        return 1


def _limit(action: str) -> Limit | None:
    return Limit.parse(settings.RATE_LIMITS.get(action, ""))


def failures_wait(action: str, who: str) -> int:
    """Seconds `who` must wait before trying `action` again after too many failures in the
    current window (0: go ahead). Failures are counted by `count_failure`."""
    limit = _limit(action)
    if limit is None:
        return 0
    now = time.time()
    failures = cache.get(_key(action, who, limit, now), 0)
    return _retry_after(limit, now) if failures >= limit.count else 0


def count_failure(action: str, who: str) -> None:
    limit = _limit(action)
    if limit is not None:
        _count(_key(action, who, limit, time.time()), limit)


def forget_failures(action: str, who: str) -> None:
    limit = _limit(action)
    if limit is not None:
        cache.delete(_key(action, who, limit, time.time()))


def check_rate(action: str, actor: Actor, *, field: str = "", noun: str = "") -> None:
    """Count one `action` by `actor`; raise `RateLimited` past the limit.

    `noun` words the message ("comments", "kudos")."""
    kind = actor_kind(actor.user)
    limit = Limit.parse(settings.RATE_LIMITS.get(f"{action}_{kind}", ""))
    if limit is None:
        return
    now = time.time()
    used = _count(_key(action, actor.counted_as, limit, now), limit)
    if used > limit.count:
        retry_after = _retry_after(limit, now)
        minutes = max(1, math.ceil(retry_after / 60))
        what = noun or "that"
        advice = {
            "guest": "Registered users have a higher limit.",
            "new": "New accounts have a lower limit for their first days.",
        }.get(kind, "")
        raise RateLimited(
            field,
            f"You've sent a lot of {what} in a short time. Please wait {minutes} minute"
            f"{'s' if minutes != 1 else ''} and try again. {advice}".strip(),
            retry_after,
        )
