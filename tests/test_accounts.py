"""Signing up, logging in and out, passwords, pseuds, preferences and API tokens."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.core import mail
from django.test import Client

from lifestream.testing import PASSWORD, make_user
from people.models import ApiToken, Pseud, User

NEW_PASSWORD = "a much better passphrase 2"
FORM = "application/x-www-form-urlencoded"


def signup(client, username="aerith_g", **overrides):
    data = {
        "username": username,
        "email": f"{username}@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "terms": "on",
    }
    data.update(overrides)
    return client.post("/signup", data)


def test_signup_logs_in_and_makes_a_default_pseud(client, db):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/users/aerith_g"
    user = User.objects.get(username="aerith_g")
    assert [(p.name, p.is_default) for p in user.pseuds.all()] == [("aerith_g", True)]
    page = client.get("/").content.decode()
    assert "Hi, aerith_g!" in page


def test_signup_errors_keep_what_was_typed(client, db):
    make_user("taken_name")
    response = signup(client, username="Taken_Name", email="keep@example.org", terms="")
    page = response.content.decode()
    assert response.status_code == 200
    assert "already taken" in page
    assert "agree to the terms" in page
    assert 'value="keep@example.org"' in page


def test_signup_refuses_bad_names(client, db):
    for name in ("ab", "_underscore", "has space", "login", "x" * 41):
        response = signup(client, username=name)
        assert response.status_code == 200, name
    assert not User.objects.exists()


def test_login_is_case_insensitive_and_logout_needs_post(client, author):
    response = client.post(
        "/users/login", {"username": author.username.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/works/new").status_code == 200
    confirm = client.get("/users/logout")
    assert "Are you sure you want to log out?" in confirm.content.decode()
    assert client.get("/works/new").status_code == 200
    client.post("/users/logout")
    assert client.get("/works/new").status_code == 302


def test_login_with_ao3s_field_names_and_a_dispensed_token(author):
    client = Client(enforce_csrf_checks=True)
    token = client.get("/token_dispenser.json").json()["token"]

    def log_in(token: str, **extra):
        form = {"user[login]": author.username, "user[password]": PASSWORD}
        body = urlencode({**form, "utf8": "✓", "authenticity_token": token})
        return client.post("/users/login", body, FORM, **extra)

    assert log_in("x" * 64).status_code == 403
    response = log_in(token, follow=True)
    assert response.status_code == 200
    assert 'href="/users/logout"' in response.content.decode()
    assert client.get("/works/new").status_code == 200


def test_login_failure_message(client, author):
    response = client.post("/users/login", {"username": author.username, "password": "nope"})
    assert "Please enter a correct" in response.content.decode()


def test_change_password(client, author):
    client.force_login(author)
    response = client.post(
        "/account/password/change",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.check_password(NEW_PASSWORD)


def test_reset_password_by_mail(client, author):
    response = client.post("/account/password/reset", {"email": author.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [author.email]
    found = re.search(r"http://testserver(/account/password/reset/\S+)", str(message.body))
    assert found
    link = found.group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.check_password(NEW_PASSWORD)


def test_reset_for_unknown_email_reveals_nothing(client, db):
    response = client.post("/account/password/reset", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_add_and_rename_pseuds(client, author):
    client.force_login(author)
    response = client.post(
        f"/users/{author.username}/pseuds/new", {"name": "Night Owl", "description": "Hi"}
    )
    assert response.status_code == 302
    assert author.pseuds.filter(name="Night Owl").exists()
    duplicate = client.post(f"/users/{author.username}/pseuds/new", {"name": "night owl"})
    assert "already have a pseud" in duplicate.content.decode()
    bad = client.post(f"/users/{author.username}/pseuds/new", {"name": "<script>"})
    assert "Pseuds may contain" in bad.content.decode()
    client.post(
        f"/users/{author.username}/pseuds/Night Owl/edit", {"name": "Day Owl", "description": ""}
    )
    assert author.pseuds.filter(name="Day Owl").exists()
    page = client.get(f"/users/{author.username}/pseuds").content.decode()
    assert "Day Owl" in page


def test_cannot_manage_someone_elses_pseuds(client, author, stranger):
    client.force_login(stranger)
    response = client.post(f"/users/{author.username}/pseuds/new", {"name": "Impostor"})
    assert response.status_code == 404
    assert not Pseud.objects.filter(name="Impostor").exists()


def test_createsuperuser_gets_a_pseud(db, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", username="root_admin", email="root@example.org")
    user = User.objects.get(username="root_admin")
    assert user.is_superuser
    assert user.default_pseud.name == "root_admin"


def test_api_tokens_page(client, author):
    client.force_login(author)
    page = client.post(f"/users/{author.username}/api_tokens", {"name": "e-reader"})
    found = re.search(r'<code class="token" id="new-token">(\S+)</code>', page.content.decode())
    assert found
    key = found[1]
    token = ApiToken.objects.get(user=author)
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in client.get(f"/users/{author.username}/api_tokens").content.decode()
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.json()["username"] == author.username
    client.post(f"/users/{author.username}/api_tokens/{token.pk}/revoke")
    assert not ApiToken.objects.exists()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_account_pages_are_private(client, author, stranger):
    client.force_login(stranger)
    for page in ("api_tokens", "preferences", "works/drafts", "pseuds/new"):
        assert client.get(f"/users/{author.username}/{page}").status_code == 404, page


def test_admin_gives_the_wrangler_role(client, admin_user, author):
    client.force_login(admin_user)
    assert client.get("/admin/people/user/").status_code == 200
    page = client.get(f"/admin/people/user/{author.pk}/change/").content.decode()
    assert "is_tag_wrangler" in page


OWN_PAGES = [
    "preferences",
    "works/drafts",
    "readings",
    "inbox",
    "invitations",
    "export",
    "sessions",
    "blocked/users",
    "stats",
]


def test_an_accounts_own_pages_are_one_check(author, reader):
    # One answer for every other account (404) and one for every guest (to log in), whatever
    # app the page belongs to; the owner reaches each, whatever the case of the name in the address.
    owner, other = Client(), Client()
    owner.force_login(author)
    other.force_login(reader)
    for page in OWN_PAGES:
        assert owner.get(f"/users/{author.username.upper()}/{page}").status_code == 200, page
        assert other.get(f"/users/{author.username}/{page}").status_code == 404, page
        guest = Client().get(f"/users/{author.username}/{page}")
        assert guest.status_code == 302, page
        assert guest["Location"].startswith("/users/login?next=/users/"), page
    # The login page says why the guest was sent there.
    followed = Client().get(f"/users/{author.username}/stats", follow=True).content.decode()
    assert "Please log in to see the pages of your account." in followed
