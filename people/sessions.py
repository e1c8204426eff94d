"""A user's logged-in sessions: recorded at each login, seen at most once a minute, listed on
their sessions page and ended one by one or all but the current one. No HTTP here: callers
pass what they read from the request.

Ending a session deletes Django's own session (the browser holding its cookie is logged out
at its next request) and the row that lists it. A password change ends the other sessions by
itself (Django checks each session's password hash); the list leaves those out."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .models import AccountSession, User

# "Last seen" is written at most this often per session.
SEEN_EVERY = dt.timedelta(minutes=1)
USER_AGENT_MAX = 300


def _store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=session_key)
    return store


def record_login(user: User, session_key: str, user_agent: str, address: str | None) -> None:
    """A new session for `user` (called at each login, after Django gave it a new key)."""
    now = timezone.now()
    AccountSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "user_agent": user_agent[:USER_AGENT_MAX],
            "address": address or None,
            "started_at": now,
            "last_seen_at": now,
            "password_stamp": user.get_session_auth_hash(),
        },
    )


def rekeyed(user: User, old_key: str | None, new_key: str | None) -> None:
    """Django gave the session a new key and kept it under the user's password as it is now
    (after a password change): its row follows."""
    if old_key and new_key and old_key != new_key:
        AccountSession.objects.filter(user=user, session_key=old_key).update(
            session_key=new_key, password_stamp=user.get_session_auth_hash()
        )


def forget(session_key: str) -> None:
    """The session logged out: it leaves the list."""
    AccountSession.objects.filter(session_key=session_key).delete()


def seen(user: User, session_key: str, user_agent: str, address: str | None) -> None:
    """`session_key` made a request now. The caller asks at most once a minute; a session
    from before sessions were recorded is recorded here."""
    updated = AccountSession.objects.filter(session_key=session_key, user=user).update(
        last_seen_at=timezone.now(), address=address or None
    )
    if not updated:
        record_login(user, session_key, user_agent, address)


def live_sessions(user: User, current_key: str | None = None) -> list[AccountSession]:
    """`user`'s sessions that still work, most recently seen first. Those opened under an
    earlier password, or whose Django session is gone (expired, logged out), are removed.
    `current_key`, the session asking, works by definition: after a password change Django
    kept it under the new password, and so does its row."""
    stamp = user.get_session_auth_hash()
    rows = list(AccountSession.objects.filter(user=user))
    for row in rows:
        if row.session_key == current_key and not constant_time_compare(row.password_stamp, stamp):
            row.password_stamp = stamp
            AccountSession.objects.filter(pk=row.pk).update(password_stamp=stamp)
    stale = [
        row
        for row in rows
        if not constant_time_compare(row.password_stamp, stamp)
        or not _store(row.session_key).exists(row.session_key)
    ]
    if stale:
        _end([row.session_key for row in stale])
    gone = {row.pk for row in stale}
    return [row for row in rows if row.pk not in gone]


def _end(session_keys: list[str]) -> None:
    for key in session_keys:
        _store(key).delete(key)
    AccountSession.objects.filter(session_key__in=session_keys).delete()


def end_session(user: User, session_id: int) -> bool:
    """Log out one of `user`'s sessions; False when there is no such session of theirs."""
    keys = list(
        AccountSession.objects.filter(user=user, pk=session_id).values_list(
            "session_key", flat=True
        )
    )
    _end(keys)
    return bool(keys)


def end_other_sessions(user: User, current_key: str | None) -> int:
    """Log out every session of `user` but `current_key`; how many were ended."""
    keys = list(
        AccountSession.objects.filter(user=user)
        .exclude(session_key=current_key or "")
        .values_list("session_key", flat=True)
    )
    _end(keys)
    return len(keys)


def end_all_sessions(user: User) -> None:
    """Log out every session of `user` (the account is going away)."""
    _end(list(AccountSession.objects.filter(user=user).values_list("session_key", flat=True)))
