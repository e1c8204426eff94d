"""Two-factor authentication: set up with a QR code and a first code, ten recovery codes shown
once and kept hashed, a second login step whose wrong codes count as wrong passwords, codes
that can't be replayed, AO3 clients refused plainly, accounts that must have it sent to set it
up, and API tokens unaffected."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.test import Client

from lifestream.testing import PASSWORD, make_user
from people import two_factor
from people.models import RecoveryCode, TwoFactor
from people.services import create_api_token

ADDRESS = "203.0.113.9"


def _turn_on(user) -> tuple[pyotp.TOTP, list[str]]:
    setting = two_factor.start_setup(user)
    totp = pyotp.TOTP(setting.secret)
    codes = two_factor.confirm_setup(user, totp.at(time.time() - 30))
    return totp, codes


def _password_step(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        "/users/login", {"username": username, "password": password}, REMOTE_ADDR=ADDRESS, **extra
    )


def _code_step(client: Client, code: str):
    return client.post("/users/login/two_factor", {"code": code}, REMOTE_ADDR=ADDRESS)


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": "5/900"}


def test_setting_up_shows_a_qr_code_and_turns_on_only_after_a_good_code(client, author):
    client.force_login(author)
    page = client.get(f"/users/{author.username}/two_factor").content.decode()
    assert "Two-factor authentication is off." in page
    page = client.post(f"/users/{author.username}/two_factor", {"action": "start"})
    html = page.content.decode()
    setting = TwoFactor.objects.get(user=author)
    assert setting.confirmed_at is None
    assert "otpauth://totp/Lifestream:cloud_author?secret=" in html
    assert "<svg" in html and 'class="segno"' in html
    assert setting.secret in html
    # A wrong code: still off, told why.
    html = client.post(
        f"/users/{author.username}/two_factor", {"action": "confirm", "code": "000000"}
    ).content.decode()
    assert "That code is not right" in html
    assert not two_factor.is_on(author)
    code = pyotp.TOTP(setting.secret).now()
    html = client.post(
        f"/users/{author.username}/two_factor", {"action": "confirm", "code": code}
    ).content.decode()
    assert two_factor.is_on(author)
    assert "Two-factor authentication is on." in html
    shown = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", html)
    assert len(shown) == 10
    stored = set(RecoveryCode.objects.filter(user=author).values_list("code_hash", flat=True))
    assert len(stored) == 10
    # Kept hashed: no code is stored as it was shown.
    assert not stored & set(shown)
    # Shown once: the page after does not show them again.
    again = client.get(f"/users/{author.username}/two_factor").content.decode()
    assert shown[0] not in again
    assert "10 unused recovery codes" in again


def test_login_asks_for_the_code_after_the_password(client, author):
    totp, _ = _turn_on(author)
    response = _password_step(client, author.username)
    assert response.status_code == 302
    assert response["Location"] == "/users/login/two_factor"
    assert "_auth_user_id" not in client.session
    assert client.get("/").context["user"].is_anonymous
    page = _code_step(client, "123456").content.decode()
    assert "That code is not right" in page
    assert "_auth_user_id" not in client.session
    response = _code_step(client, totp.now())
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(author.pk)


def test_a_code_cannot_be_replayed(client, author):
    totp, _ = _turn_on(author)
    code = totp.now()
    _password_step(client, author.username)
    assert _code_step(client, code).status_code == 302
    other = Client()
    _password_step(other, author.username)
    page = _code_step(other, code).content.decode()
    assert "used already" in page
    assert "_auth_user_id" not in other.session


def test_a_recovery_code_works_once(client, author):
    _, codes = _turn_on(author)
    _password_step(client, author.username)
    # Any case, with or without the hyphen and spaces.
    assert _code_step(client, f" {codes[3].upper().replace('-', ' ')} ").status_code == 302
    other = Client()
    _password_step(other, author.username)
    assert _code_step(other, codes[3]).status_code == 200
    assert "_auth_user_id" not in other.session
    assert two_factor.recovery_codes_left(author) == 9


def test_wrong_codes_count_as_wrong_passwords_and_the_password_does_not_reset_them(
    client, author, limits
):
    totp, _ = _turn_on(author)
    _password_step(client, author.username)
    for _ in range(3):
        _code_step(client, "000000")
    # The right password again does not wipe the count.
    _password_step(client, author.username)
    for _ in range(2):
        _code_step(client, "000000")
    page = _code_step(client, totp.now()).content.decode()
    assert "too many wrong passwords for this account" in page
    assert "_auth_user_id" not in client.session
    page = _password_step(Client(), author.username).content.decode()
    assert "too many wrong passwords for this account" in page


def test_the_second_step_alone_logs_nobody_in(client, author):
    totp, _ = _turn_on(author)
    response = _code_step(client, totp.now())
    assert response.status_code == 302 and response["Location"] == "/users/login"
    assert "_auth_user_id" not in client.session


def test_a_password_change_between_the_steps_ends_the_attempt(client, author):
    totp, _ = _turn_on(author)
    _password_step(client, author.username)
    author.set_password("another passphrase 3")
    author.save()
    response = _code_step(client, totp.now())
    assert response["Location"] == "/users/login"
    assert "_auth_user_id" not in client.session


def test_ao3_clients_log_in_without_two_factor_and_are_refused_plainly_with_it(client, author):
    fields = {"user[login]": author.username, "user[password]": PASSWORD}
    assert client.post("/users/login", fields).status_code == 302
    client.logout()
    _turn_on(author)
    response = client.post("/users/login", fields)
    page = response.content.decode()
    assert response.status_code == 200
    assert "uses two-factor authentication, which this app can" in page
    assert "_auth_user_id" not in client.session
    # Some clients put the fields in the query string.
    response = client.post("/users/login?user[login]=cloud_author&user[password]=" + PASSWORD)
    assert "which this app can" in response.content.decode()


def test_api_tokens_are_unaffected(client, author):
    _, key = create_api_token(author, "reader app")
    _turn_on(author)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "extra",
    [
        {"is_superuser": True, "is_staff": True},
        {"is_staff": True},
        {"is_tag_wrangler": True},
        {"is_moderator": True},
        {"is_archive_admin": True},
    ],
)
def test_accounts_that_must_have_it_are_sent_to_set_it_up_first(client, db, extra, settings):
    settings.TWO_FACTOR_ENFORCED = True
    user = make_user("wrangler_one", **extra)
    assert two_factor.two_factor_required(user)
    client.force_login(user)
    for path in ["/", "/works", f"/users/{user.username}/preferences", "/tags"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"/users/{user.username}/two_factor"
    assert client.get(f"/users/{user.username}/two_factor").status_code == 200
    client.post(f"/users/{user.username}/two_factor", {"action": "start"})
    secret = TwoFactor.objects.get(user=user).secret
    client.post(
        f"/users/{user.username}/two_factor",
        {"action": "confirm", "code": pyotp.TOTP(secret).now()},
    )
    assert client.get("/").status_code == 200
    # And they can't turn it off.
    page = client.get(f"/users/{user.username}/two_factor").content.decode()
    assert "Turn off two-factor" not in page
    with pytest.raises(Exception, match="has to keep"):
        two_factor.turn_off(user, PASSWORD, "000000")


def test_everyone_else_is_not_required(db):
    assert not two_factor.two_factor_required(make_user("plain_reader"))


def test_turning_off_asks_for_the_password_and_a_code(client, author):
    totp, _ = _turn_on(author)
    client.force_login(author)
    url = f"/users/{author.username}/two_factor"
    page = client.post(
        url, {"action": "off", "password": "wrong", "code": totp.now()}
    ).content.decode()
    assert "That password is not right." in page
    assert two_factor.is_on(author)
    page = client.post(url, {"action": "off", "password": PASSWORD, "code": "1"}).content.decode()
    assert "That code is not right" in page
    assert two_factor.is_on(author)
    response = client.post(url, {"action": "off", "password": PASSWORD, "code": totp.now()})
    assert response.status_code == 302
    assert not two_factor.is_on(author)
    assert not RecoveryCode.objects.filter(user=author).exists()
    client.logout()
    assert _password_step(client, author.username)["Location"] != "/users/login/two_factor"


def test_new_recovery_codes_replace_the_old_ones(client, author):
    totp, old = _turn_on(author)
    client.force_login(author)
    html = client.post(
        f"/users/{author.username}/two_factor", {"action": "regenerate", "code": totp.now()}
    ).content.decode()
    assert "won't be shown again" in html
    assert old[0] not in html
    assert not two_factor.check_code(author, old[0])
    assert RecoveryCode.objects.filter(user=author, used_at__isnull=True).count() == 10


def test_the_pages_belong_to_their_account(client, author, reader):
    client.force_login(reader)
    assert client.get(f"/users/{author.username}/two_factor").status_code == 404
    assert client.get(f"/users/{author.username}/sessions").status_code == 404
    assert Client().get(f"/users/{author.username}/two_factor").status_code == 302


@pytest.mark.parametrize(
    ("language", "heading", "refusal"),
    [
        ("fr", "Authentification à deux facteurs", "Ce code n&#x27;est pas le bon"),
        ("ja", "二段階認証", "コードが正しくないか"),
    ],
)
def test_the_pages_speak_the_readers_language(client, author, language, heading, refusal):
    totp, _ = _turn_on(author)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    client.post(
        "/users/login",
        {"username": author.username, "password": PASSWORD},
        REMOTE_ADDR=ADDRESS,
        **headers,
    )
    page = client.post(
        "/users/login/two_factor", {"code": "000000"}, REMOTE_ADDR=ADDRESS, **headers
    ).content.decode()
    assert heading in page and refusal in page
    assert _code_step(client, totp.now()).status_code == 302
    for path in ("two_factor", "sessions", "export", "delete"):
        page = client.get(f"/users/{author.username}/{path}", **headers).content.decode()
        assert f'lang="{language}"' in page, path


def test_an_admin_turns_it_off_for_someone_locked_out(client, author, admin_user):
    _turn_on(author)
    client.force_login(admin_user)
    setting = TwoFactor.objects.get(user=author)
    page = client.get(f"/admin/people/twofactor/{setting.pk}/change/").content.decode()
    assert setting.secret not in page
    client.post(f"/admin/people/twofactor/{setting.pk}/delete/", {"post": "yes"})
    assert not two_factor.is_on(author)
    assert not RecoveryCode.objects.filter(user=author).exists()
    client.logout()
    assert _password_step(client, author.username)["Location"] != "/users/login/two_factor"


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"is_moderator": True}, "As a moderator, you can act on other people's works, comments"),
        ({"is_archive_admin": True}, "As an admin, you can act on other people's works, comments"),
        ({"is_superuser": True}, "As an admin, you can"),
        ({"is_moderator": True, "is_archive_admin": True}, "As an admin, you can"),
        ({"is_moderator": True, "is_tag_wrangler": True}, "As a moderator, you can"),
        ({"is_staff": True}, "Your account can act on other people's works"),
        ({"is_tag_wrangler": True}, "As a tag wrangler, you change how everyone's works"),
    ],
)
def test_the_notice_says_what_the_role_can_act_on(client, db, extra, says, settings):
    settings.TWO_FACTOR_ENFORCED = True
    user = make_user("role_holder", **extra)
    client.force_login(user)
    page = client.get(f"/users/{user.username}/two_factor").content.decode().replace("&#x27;", "'")
    assert says in page


def test_the_notice_is_worded_by_role_in_french_and_japanese(db):
    from django.utils import translation

    moderator = make_user("fr_moderator", is_moderator=True)
    admin = make_user("fr_admin", is_archive_admin=True)
    with translation.override("fr"):
        assert two_factor.why_required(moderator).startswith("En tant que modérateur,")
        assert two_factor.why_required(admin).startswith("En tant qu’administrateur,")
    with translation.override("ja"):
        assert two_factor.why_required(moderator).startswith("モデレーターとして")
        assert two_factor.why_required(admin).startswith("管理者として")
    assert two_factor.why_required(make_user("fr_reader")) == ""
