"""`GET /health`: whether this server can answer, for a load balancer and for people.

Each check says what it saw; the answer is 200 when every check passes and 503 when one
fails, so a balancer takes a server out while its database or Redis is unreachable, or while
its filter index or the task queue has fallen too far behind. The body tells counts and delays
only, nothing about anyone's works.

- database: a query answers;
- replica: when `DATABASE_REPLICA_URL` names one, a query answers there and its lag behind the
  primary (PostgreSQL's replay delay) is within `LIFESTREAM_REPLICA_MAX_LAG` seconds;
- redis: when `REDIS_URL` is set, it answers a ping;
- index: this process's filter index has applied the change log to within
  `LIFESTREAM_INDEX_MAX_LAG` seconds of its newest entry (a process that has not built its
  index yet builds it at its first listing, and passes);
- tasks: the oldest task waiting for the database worker has waited less than
  `LIFESTREAM_TASKS_MAX_WAIT` seconds (a worker that is down shows here).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from lifestream.core import replica

Check = dict[str, Any]


def _timed(check: Callable[[], Check]) -> Check:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:  # any failure is the answer, told plainly
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "engine": connection.vendor}


def _replica() -> Check:
    if not replica.has_replica():
        return {"ok": True, "configured": False}
    lag = replica.replica_lag()
    bound = settings.REPLICA_MAX_LAG
    return {"ok": lag <= bound, "configured": True, "lag_seconds": round(lag, 2), "bound": bound}


def _redis() -> Check:
    if not settings.REDIS_URL:
        return {"ok": True, "configured": False}
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        return {"ok": bool(client.ping()), "configured": True}
    finally:
        client.close()


def index_lag() -> tuple[int, float]:
    """How many logged changes this process's filter index has not applied, and how long the
    oldest of them has waited (seconds); (0, 0) before the index is built."""
    from lifestream.models import ChangeLog
    from search.filters.index import get_index

    index = get_index()
    if index.last_stamp is None and not index.last_change:
        return 0, 0.0
    waiting = ChangeLog.objects.filter(pk__gt=index.last_change)
    oldest = waiting.order_by("pk").values_list("created_at", flat=True).first()
    if oldest is None:
        return 0, 0.0
    return waiting.count(), max(0.0, (timezone.now() - oldest).total_seconds())


def _index() -> Check:
    behind, seconds = index_lag()
    bound = settings.INDEX_MAX_LAG
    return {"ok": seconds <= bound, "behind": behind, "lag_seconds": round(seconds, 2)}


def queue_depth() -> tuple[int, float]:
    """Tasks ready for the database worker, and how long the oldest has waited (seconds);
    (0, 0) when tasks run in-process."""
    if "django_tasks_db" not in settings.INSTALLED_APPS or settings.TASKS_BACKEND != "database":
        return 0, 0.0
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    if oldest is None:
        return 0, 0.0
    return ready.count(), max(0.0, (timezone.now() - oldest).total_seconds())


def _tasks() -> Check:
    queued, waited = queue_depth()
    bound = settings.TASKS_MAX_WAIT
    return {"ok": waited <= bound, "queued": queued, "oldest_seconds": round(waited, 1)}


CHECKS: dict[str, Callable[[], Check]] = {
    "database": _database,
    "replica": _replica,
    "redis": _redis,
    "index": _index,
    "tasks": _tasks,
}


def health() -> tuple[bool, dict[str, Check]]:
    results: dict[str, Check] = {}
    for name, check in CHECKS.items():
        if name != "database" and not results["database"]["ok"]:
            # The other checks read the database too; one failure is told once.
            results[name] = {"ok": False, "error": "the database does not answer"}
            continue
        results[name] = _timed(check)
    return all(result["ok"] for result in results.values()), results
