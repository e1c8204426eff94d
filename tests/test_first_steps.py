"""What a logged-in user must do first (`lifestream.first_steps`): the steps are asked in order
with one list of pages always open, so two steps due at once send nobody round in a circle,
a suspended member can still settle the others, and the API answers for itself."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from lifestream.testing import make_user
from moderation import services as moderation
from people.models import TwoFactor
from people.services import create_api_token
from signups import queries
from signups.first_steps import CHECKED_AT


@pytest.fixture
def terms_in_force(db):
    site = queries.site_settings()
    site.terms = "Be kind."
    site.terms_version = 1
    site.save()
    return site


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_factor_comes_first_then_the_terms_without_a_loop(terms_in_force, settings):
    settings.TWO_FACTOR_ENFORCED = True
    moderator = make_user("mod_first", is_moderator=True)
    client = _logged_in(moderator)
    setup = f"/users/{moderator.username}/two_factor"
    assert client.get("/works")["Location"] == setup
    # Each step's own page is open whatever other step is due.
    assert client.get(setup).status_code == 200
    assert client.get("/tos/accept").status_code == 200
    client.post(setup, {"action": "start"})
    secret = TwoFactor.objects.get(user=moderator).secret
    client.post(setup, {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    assert client.get("/works")["Location"] == "/tos/accept?next=%2Fworks"
    assert client.post("/tos/accept", {"accept": "on", "next": "/works"})["Location"] == "/works"
    assert client.get("/works").status_code == 200


def test_a_suspended_member_accepts_changed_terms_and_reads_on(terms_in_force):
    moderator = make_user("mod_lifts", is_moderator=True)
    member = make_user("suspended_reader")
    moderation.suspend_user(moderator, member.pk, 3, "Spam wave.")
    client = _logged_in(member)
    assert client.get("/works")["Location"] == "/tos/accept?next=%2Fworks"
    assert client.post("/tos/accept", {"accept": "on", "next": "/works"})["Location"] == "/works"
    assert client.get("/works").status_code == 200
    # Still suspended: the next write is refused.
    refused = client.post("/works/new", {"title": "x"})
    assert refused.status_code == 403
    assert "Your account is suspended" in refused.content.decode()


def test_terms_changed_after_login_are_noticed_at_the_next_check(db):
    member = make_user("reader_checked")
    client = _logged_in(member)
    assert client.get("/works").status_code == 200
    site = queries.site_settings()
    site.terms, site.terms_version = "New rules.", 1
    site.save()
    # Within the interval the session's answer stands: no query on ordinary pages.
    assert client.get("/works").status_code == 200
    session = client.session
    session[CHECKED_AT] = 0
    session.save()
    assert client.get("/works")["Location"] == "/tos/accept?next=%2Fworks"


def test_pages_each_step_opens_stay_open(terms_in_force, admin_user):
    client = _logged_in(admin_user)
    assert client.get("/works").status_code == 302
    for path in ["/tos", "/content", "/admin/settings"]:
        assert client.get(path).status_code == 200, path
    assert client.post("/users/logout")["Location"] != "/tos/accept"


def test_the_api_answers_for_itself(terms_in_force, settings):
    settings.TWO_FACTOR_ENFORCED = True
    moderator = make_user("mod_api", is_moderator=True)
    _, key = create_api_token(moderator, "bot")
    client = _logged_in(moderator)
    answer = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200
    assert answer.json()["username"] == "mod_api"
