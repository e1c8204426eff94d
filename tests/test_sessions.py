"""Sessions: each login recorded (device, address, started, last seen at most once a minute),
listed for their owner, ended one at a time or all but the current one; a password change or
reset logs out the other sessions (Django's session hash check, proved here)."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lifestream.testing import PASSWORD
from people import sessions
from people.middleware import SEEN_KEY
from people.models import AccountSession

NEW_PASSWORD = "a much better passphrase 2"


def _logged_in(user, agent: str, address: str = "198.51.100.4") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post("/users/login", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _is_logged_in(client: Client) -> bool:
    return client.get("/").context["user"].is_authenticated


def test_each_login_is_recorded_and_listed(author):
    phone = _logged_in(author, "Phone Browser/1.0", "198.51.100.7")
    _logged_in(author, "Desktop Browser/2.0")
    rows = AccountSession.objects.filter(user=author)
    assert rows.count() == 2
    row = rows.get(user_agent="Phone Browser/1.0")
    assert str(row.address) == "198.51.100.7"
    assert row.session_key == phone.session.session_key
    with CaptureQueriesContext(connection) as queries:
        page = phone.get(f"/users/{author.username}/sessions").content.decode()
    assert len(queries) <= 12
    assert "Phone Browser/1.0" in page and "Desktop Browser/2.0" in page
    assert page.count("(this session)") == 1


def test_a_page_with_many_sessions_costs_the_same_queries(author):
    client = _logged_in(author, "One")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/users/{author.username}/sessions")
    for n in range(5):
        _logged_in(author, f"Browser {n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/users/{author.username}/sessions").content.decode()
    assert "Browser 4" in page
    # One existence check per session in Django's session table, nothing else grows.
    assert len(many) - len(few) <= 5


def test_last_seen_is_written_at_most_once_a_minute(author):
    client = _logged_in(author, "Phone")
    row = AccountSession.objects.get(user=author)
    earlier = timezone.now() - dt.timedelta(hours=2)
    AccountSession.objects.filter(pk=row.pk).update(last_seen_at=earlier)
    client.get("/")
    assert AccountSession.objects.get(pk=row.pk).last_seen_at == earlier
    session = client.session
    session[SEEN_KEY] = 0
    session.save()
    client.get("/")
    assert AccountSession.objects.get(pk=row.pk).last_seen_at > earlier


def test_a_session_from_before_sessions_were_recorded_is_recorded_when_seen(client, author):
    client.force_login(author)
    AccountSession.objects.all().delete()
    session = client.session
    session[SEEN_KEY] = 0
    session.save()
    client.get("/", HTTP_USER_AGENT="Old Tab")
    assert AccountSession.objects.get(user=author).user_agent == "Old Tab"


def test_log_out_one_session(author, reader):
    phone = _logged_in(author, "Phone")
    desk = _logged_in(author, "Desk")
    row = AccountSession.objects.get(user_agent="Phone")
    # Nobody else can end it.
    other = _logged_in(reader, "Reader")
    assert other.post(f"/users/{author.username}/sessions/{row.pk}/end").status_code == 404
    assert not sessions.end_session(reader, row.pk)
    assert _is_logged_in(phone)
    desk.post(f"/users/{author.username}/sessions/{row.pk}/end")
    assert not _is_logged_in(phone)
    assert _is_logged_in(desk)
    assert not AccountSession.objects.filter(pk=row.pk).exists()


def test_log_out_everywhere_else(author, reader):
    clients = [_logged_in(author, f"Browser {n}") for n in range(3)]
    theirs = _logged_in(reader, "Reader's")
    clients[0].post(f"/users/{author.username}/sessions/end_others")
    assert _is_logged_in(clients[0])
    assert not any(_is_logged_in(c) for c in clients[1:])
    assert _is_logged_in(theirs)
    page = clients[0].get(f"/users/{author.username}/sessions").content.decode()
    assert "Browser 0" in page and "Browser 1" not in page


def test_logging_out_takes_the_session_off_the_list(author):
    client = _logged_in(author, "Phone")
    client.post("/users/logout")
    assert not AccountSession.objects.filter(user=author).exists()


def test_a_password_change_logs_out_the_other_sessions(author):
    here = _logged_in(author, "Here")
    there = _logged_in(author, "There")
    response = here.post(
        "/account/password/change",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    # Django keeps the session that changed it (update_session_auth_hash) and no other.
    assert _is_logged_in(here)
    assert not _is_logged_in(there)
    page = here.get(f"/users/{author.username}/sessions").content.decode()
    assert "Here" in page and "There" not in page
    assert list(AccountSession.objects.values_list("user_agent", flat=True)) == ["Here"]


def test_a_password_reset_logs_out_every_session(author):
    one = _logged_in(author, "One")
    two = _logged_in(author, "Two")
    Client().post("/account/password/reset", {"email": author.email})
    link = re.search(r"/account/password/reset/[^/\s]+/[^/\s]+", str(mail.outbox[-1].body))
    assert link is not None
    stranger = Client()
    form = stranger.get(link.group(0), follow=True)
    stranger.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    author.refresh_from_db()
    assert author.check_password(NEW_PASSWORD)
    assert not _is_logged_in(one)
    assert not _is_logged_in(two)
    assert sessions.live_sessions(author) == []
