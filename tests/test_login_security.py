"""Logging in safely: wrong passwords are limited per account and per address, with a plain
message (even the right password waits), and API tokens go with the password they were made
under, however it changes (the form, a reset by mail, an admin)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from lifestream.testing import PASSWORD, make_user
from people.models import ApiToken
from people.services import create_api_token

NEW_PASSWORD = "a much better passphrase 2"


def _login(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        "/users/login", {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "login_account": "5/900",
        "login_address": "8/900",
    }


def test_wrong_passwords_pause_the_account_even_for_the_right_one(client, author, limits):
    for _ in range(5):
        page = _login(client, author.username, "wrong").content.decode()
        assert "Please enter a correct" in page
    response = _login(client, author.username, PASSWORD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "too many wrong passwords for this account" in page
    assert re.search(r"for the next \d+ minutes?\.", page)
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not paused by this one's failures.
    other = make_user("other_reader")
    assert _login(client, other.username, PASSWORD).status_code == 302


def test_the_pause_is_the_same_for_an_account_that_does_not_exist(client, db, limits):
    """The answer tells nobody whether a login name is taken."""
    for _ in range(5):
        _login(client, "no_such_reader", "wrong")
    page = _login(client, "no_such_reader", "wrong").content.decode()
    assert "too many wrong passwords for this account" in page


def test_the_account_counter_is_by_name_in_any_case(client, author, limits):
    for _ in range(5):
        _login(client, author.username.upper(), "wrong")
    page = _login(client, author.username, PASSWORD).content.decode()
    assert "too many wrong passwords for this account" in page


def test_one_address_trying_many_accounts_is_paused(client, db, limits):
    accounts = [make_user(f"reader_{n}") for n in range(4)]
    for account in accounts:
        for _ in range(2):
            _login(client, account.username, "wrong")
    page = _login(client, accounts[0].username, PASSWORD).content.decode()
    assert "too many wrong passwords from your network" in page
    # The same account logs in from elsewhere.
    assert _login(Client(), accounts[0].username, PASSWORD, "198.51.100.2").status_code == 302


def test_a_good_login_forgets_the_accounts_earlier_failures(client, author, limits):
    for _ in range(4):
        _login(client, author.username, "wrong")
    assert _login(client, author.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, author.username, "wrong", address="198.51.100.9")
    assert _login(client, author.username, PASSWORD, address="198.51.100.9").status_code == 302


def test_a_changed_password_ends_the_accounts_api_tokens(client, author):
    _, key = create_api_token(author, "e-reader")
    bearer = f"Bearer {key}"
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=bearer).status_code == 200
    client.force_login(author)
    client.post(
        "/account/password/change",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=bearer).status_code == 401
    assert not ApiToken.objects.exists()
    page = client.get(f"/users/{author.username}/api_tokens").content.decode()
    assert "You have no API tokens." in page
    # A token made under the new password works.
    author.refresh_from_db()
    _, fresh = create_api_token(author, "new e-reader")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {fresh}").status_code == 200


def test_a_password_reset_by_mail_ends_the_accounts_api_tokens(client, author):
    _, key = create_api_token(author, "e-reader")
    client.post("/account/password/reset", {"email": author.email})
    link = re.search(r"http://testserver(/account/password/reset/\S+)", str(mail.outbox[0].body))
    assert link
    form_url = client.get(link.group(1))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401


def test_a_password_set_anywhere_else_ends_the_tokens_too(author):
    _, key = create_api_token(author, "Kobo OPDS")
    author.set_password(NEW_PASSWORD)  # as an admin or `manage.py changepassword` would
    author.save()
    client = Client()
    client.force_login(author)
    assert "Kobo OPDS" not in client.get(f"/users/{author.username}/api_tokens").content.decode()
    response = Client().get("/opds/new", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
