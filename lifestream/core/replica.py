"""Reads from a PostgreSQL read replica, writes to the primary (`DATABASE_REPLICA_URL`).

The router sends a read to the replica unless one of these holds, and then to the primary:

- the request (or task, or command) has written: what follows reads its own writes;
- the visitor wrote within the last `LIFESTREAM_REPLICA_PIN_SECONDS` (a cookie the middleware
  sets after a write and reads on the next requests), so the page after a post shows it;
- a transaction is open on the primary (its reads belong with its writes);
- the model is one whose reads decide writes or must be current: the database cache (rate
  limits, login throttles), sessions, the change log, the task queue;
- the code asked for the primary (`primary()`): the filter index reads the change log and the
  works it names from the one place that has them all, so no server's index is built from a
  replica that has not replayed what the log says;
- the replica is unusable: it did not answer, or lags more than `LIFESTREAM_REPLICA_MAX_LAG`
  seconds behind (checked at most every few seconds per process).

Migrations run on the primary only; the replica follows by streaming replication.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"
PRIMARY = "default"
# Models always read from the primary: their reads decide writes, or must be current.
PRIMARY_ONLY = {
    "django_cache",  # the database cache's entries: rate limits, login throttles, hits
    "sessions",
    "lifestream.changelog",
    "django_tasks_database",  # django-tasks-db's queue
}
CHECK_EVERY = 5.0

_wrote: ContextVar[bool] = ContextVar("lifestream_wrote", default=False)
_pinned: ContextVar[bool] = ContextVar("lifestream_pinned", default=False)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def primary() -> Iterator[None]:
    """Read from the primary inside this block, whatever the router would choose."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


@contextmanager
def request_scope(pinned: bool) -> Iterator[ContextVar[bool]]:
    """One request's routing state: `pinned` when the visitor wrote a moment ago; the flag
    yielded is set once the request writes."""
    pin_token = _pinned.set(pinned)
    wrote_token = _wrote.set(False)
    try:
        yield _wrote
    finally:
        _wrote.reset(wrote_token)
        _pinned.reset(pin_token)


class _Health:
    """Whether the replica answers and keeps up, asked at most every CHECK_EVERY seconds."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked_at = float("-inf")
        self.usable = False
        self.lag = 0.0

    def replica_usable(self) -> bool:
        now = time.monotonic()
        if now - self.checked_at < CHECK_EVERY:
            return self.usable
        with self.lock:
            if now - self.checked_at >= CHECK_EVERY:
                self.usable, self.lag = self._check()
                self.checked_at = time.monotonic()
        return self.usable

    def forget(self) -> None:
        self.checked_at = float("-inf")

    @staticmethod
    def _check() -> tuple[bool, float]:
        try:
            lag = replica_lag()
        except DatabaseError:
            connections[REPLICA].close()
            return False, 0.0
        return lag <= settings.REPLICA_MAX_LAG, lag


health = _Health()


def replica_lag() -> float:
    """Seconds the replica is behind the primary: none when it has replayed all it received
    (an idle primary sends nothing, which is not lag), else the age of its last replayed
    transaction. Raises DatabaseError when the replica does not answer."""
    replica = connections[REPLICA]
    with replica.cursor() as cursor:
        # A table every archive has: a replica that answers with no archive in it is not usable.
        cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
        if replica.vendor != "postgresql":
            return 0.0
        cursor.execute(
            "SELECT CASE WHEN NOT pg_is_in_recovery()"
            " OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
            " END"
        )
        (lag,) = cursor.fetchone()
    return float(lag or 0)


def _primary_only(model: Any) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY or meta.label_lower in PRIMARY_ONLY


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        if (
            _pinned.get()
            or _wrote.get()
            or _primary_only(model)
            or connections[PRIMARY].in_atomic_block
            or not health.replica_usable()
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        if not _primary_only(model):
            # Sessions and cache entries are written on most requests; they do not make the
            # visitor's next pages need the primary.
            _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
