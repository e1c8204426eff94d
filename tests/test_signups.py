"""Sign-up control: open, by invitation, through the invite queue, with approval, closed; email
confirmation before posting or commenting; terms of service accepted at sign-up and again when
they change; the admin's settings, invitations and approvals pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.utils import timezone

from lifestream.core.errors import InvalidInput
from lifestream.testing import make_work
from people.models import User
from signups import queries, services
from signups.models import Invitation, InviteRequest, PendingAccount, Registration, SiteSettings
from tests.test_api import Api, new_work, token_for
from tests.test_posting import form_data

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"


def _mode(registration: str, **fields: object) -> SiteSettings:
    site = queries.site_settings()
    for name, value in {"registration": registration, **fields}.items():
        setattr(site, name, value)
    site.save()
    return site


def _signup(client: Client, name: str = "newcomer", url: str = "/signup", **extra: str):
    data = {
        "username": name,
        "email": f"{name}@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "terms": "on",
        **extra,
    }
    return client.post(url, data)


def _links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _errors(response) -> str:
    page = BeautifulSoup(response.content, "html.parser")
    return " ".join(node.get_text(" ", strip=True) for node in page.select(".error, .notice"))


# -- Open sign-ups and email confirmation ----------------------------------------------------


def test_open_signup_waits_for_the_email_before_posting_or_commenting(
    client, author, django_capture_on_commit_callbacks
):
    work = make_work(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert PendingAccount.objects.get(user=user).needs_confirmation
    (message,) = mail.outbox
    assert message.to == ["newcomer@example.org"]
    # Until confirmed: drafts yes, posting and commenting no, and the text comes back.
    refused = client.post("/works/new", form_data(user, title="Too Soon"))
    assert refused.status_code == 200
    assert "confirm your email address" in _errors(refused)
    assert 'value="Too Soon"' in refused.content.decode()
    draft = client.post("/works/new", form_data(user, title="A Draft", action="draft"))
    assert draft.status_code == 302
    comment = client.post(f"/works/{work.pk}/comments", {"body": "Lovely"})
    assert comment.status_code in (403, 422)
    assert "confirm your email address" in comment.content.decode()
    # The link confirms; then everything is open.
    (link,) = [url for url in _links(message) if "/users/confirm/" in url]
    assert client.get(_path(link)).status_code == 302
    assert not PendingAccount.objects.filter(user=user).exists()
    assert client.post("/works/new", form_data(user, title="Now")).status_code == 302
    assert client.post(f"/works/{work.pk}/comments", {"body": "Lovely"}).status_code == 302


def test_the_api_refuses_an_unconfirmed_account_with_a_stable_code(author):
    user, _pending = services.register("apiuser", "api@example.org", PASSWORD)
    api = Api(token_for(user))
    response = api.post("/works", new_work())
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "email_unconfirmed"
    work = make_work(author)
    chapter = work.chapters.get()
    answer = api.post(f"/works/{work.pk}/comments", {"body": "hi", "chapter_id": chapter.pk})
    assert answer.status_code == 403


def test_bad_confirmation_links_say_so(client):
    user, _pending = services.register("someone", "someone@example.org", PASSWORD)
    assert client.get("/users/confirm/forged").status_code == 400
    token = services.confirmation_token(user)
    User.objects.filter(pk=user.pk).update(email="changed@example.org")
    answer = client.get(f"/users/confirm/{token}")
    assert answer.status_code == 400 and "another address" in answer.content.decode()
    assert PendingAccount.objects.filter(user=user).exists()


def test_a_new_confirmation_link_can_be_asked_for(client, django_capture_on_commit_callbacks):
    user, _pending = services.register("forgetful", "forgetful@example.org", PASSWORD)
    client.force_login(user)
    page = client.get("/users/forgetful/preferences").content.decode()
    assert "is not confirmed yet" in page and 'action="/users/confirmation"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/users/confirmation")
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["forgetful@example.org"]


# -- Closed, by invitation ---------------------------------------------------------------------


def test_closed_signups_make_no_account(client):
    _mode(Registration.CLOSED)
    assert "not taking new accounts" in client.get("/signup").content.decode()
    _signup(client)
    assert not User.objects.filter(username="newcomer").exists()


def test_invitations_let_one_person_each_sign_up(
    client, author, reader, django_capture_on_commit_callbacks
):
    _mode(Registration.INVITATION, invitations_per_user=2)
    page = client.get("/signup")
    assert "You need an invitation" in page.content.decode()
    _signup(client)
    assert not User.objects.filter(username="newcomer").exists()
    member = Client()
    member.force_login(author)
    listing = member.get(f"/users/{author.username}/invitations")
    assert listing.status_code == 200
    mine = list(Invitation.objects.filter(issuer=author))
    assert len(mine) == 2
    # Nobody else sees them.
    other = Client()
    other.force_login(reader)
    assert other.get(f"/users/{author.username}/invitations").status_code == 404
    assert Client().get(f"/users/{author.username}/invitations").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        sent = member.post(
            f"/users/{author.username}/invitations",
            {"invitation": mine[0].pk, "email": "friend@example.org"},
        )
    assert sent.status_code == 302
    (message,) = mail.outbox
    (link,) = [url for url in _links(message) if "/signup/" in url]
    assert author.username in message.body
    # Someone else's invitation can't be sent.
    assert (
        other.post(
            f"/users/{reader.username}/invitations",
            {"invitation": mine[1].pk, "email": "x@example.org"},
        ).status_code
        == 404
    )
    assert Invitation.objects.get(pk=mine[1].pk).email == ""
    signup_page = client.get(_path(link))
    assert 'value="friend@example.org"' in signup_page.content.decode()
    assert _signup(client, "friend", url=_path(link)).status_code == 302
    used = Invitation.objects.get(pk=mine[0].pk)
    assert used.redeemed_by is not None and used.redeemed_by.username == "friend"
    # A used invitation is used.
    again = Client()
    assert again.get(_path(link)).status_code == 403
    _signup(again, "second", url=_path(link))
    assert not User.objects.filter(username="second").exists()
    mine_page = member.get(f"/users/{author.username}/invitations").content.decode()
    assert "friend" in mine_page


# -- The invite queue --------------------------------------------------------------------------


def test_the_queue_hands_out_the_days_number_oldest_first(
    client, django_capture_on_commit_callbacks
):
    _mode(Registration.QUEUE, queue_per_day=2)
    start = timezone.now()
    for number in range(5):
        response = client.post("/invite_requests", {"email": f"fan{number}@example.org"})
        assert response.status_code == 200
        assert f"number {number + 1} in the queue" in response.content.decode()
    # Joining twice keeps the place; the status page tells it.
    assert (
        "number 2"
        in client.post("/invite_requests", {"email": "FAN1@example.org"}).content.decode()
    )
    assert InviteRequest.objects.count() == 5
    status = client.get("/invite_requests/status", {"email": "fan3@example.org"})
    assert "number 4 in the queue" in status.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_queued_invitations(start) == 2
        assert services.send_queued_invitations(start + dt.timedelta(hours=3)) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["fan0@example.org", "fan1@example.org"]
    assert (
        "number 2"
        in client.get("/invite_requests/status", {"email": "fan3@example.org"}).content.decode()
    )
    assert (
        "not waiting"
        in client.get("/invite_requests/status", {"email": "fan0@example.org"}).content.decode()
    )
    assert services.send_queued_invitations(start + dt.timedelta(hours=25)) == 2
    assert services.send_queued_invitations(start + dt.timedelta(hours=50)) == 1
    assert queries.queue_length() == 0
    # Each mail's link makes an account, once.
    link = next(url for url in _links(mail.outbox[0]) if "/signup/" in url)
    assert _signup(Client(), "fan_zero", url=_path(link)).status_code == 302


def test_the_queue_refuses_bad_addresses_and_is_closed_in_other_modes(
    client, django_capture_on_commit_callbacks
):
    _mode(Registration.QUEUE)
    bad = client.post("/invite_requests", {"email": "not an address"})
    assert bad.status_code == 200 and InviteRequest.objects.count() == 0
    assert 'value="not an address"' in bad.content.decode()
    with pytest.raises(Exception) as refused:
        services.join_queue("no-at-sign")
    assert refused.type.__name__ == "InvalidInput"
    _mode(Registration.OPEN)
    assert "create an account" in client.get("/invite_requests").content.decode()
    client.post("/invite_requests", {"email": "late@example.org"})
    assert InviteRequest.objects.count() == 0


def test_the_command_hands_out_invitations(capsys):
    from django.core.management import call_command

    _mode(Registration.QUEUE, queue_per_day=1)
    InviteRequest.objects.create(email="one@example.org")
    InviteRequest.objects.create(email="two@example.org")
    call_command("send_invitations")
    assert "1 invitations sent; 1 still waiting." in capsys.readouterr().out


# -- Approval ----------------------------------------------------------------------------------


def test_approval_keeps_an_account_out_until_an_admin_says_yes(
    client, admin_user, django_capture_on_commit_callbacks
):
    _mode(Registration.APPROVAL)
    response = _signup(client)
    assert response.status_code == 200 and "waiting for approval" in response.content.decode()
    assert "_auth_user_id" not in client.session
    login = client.post("/users/login", {"username": "newcomer", "password": PASSWORD})
    assert "waiting for an admin" in login.content.decode()
    admin = Client()
    admin.force_login(admin_user)
    page = admin.get("/admin/approvals")
    assert "newcomer" in page.content.decode()
    pending = PendingAccount.objects.get(user__username="newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/admin/approvals", {"pending": pending.pk, "decision": "approve"})
    assert "approved" in mail.outbox[-1].body
    login = client.post("/users/login", {"username": "newcomer", "password": PASSWORD})
    assert login.status_code == 302
    # Refusing deletes the account.
    other = Client()
    _signup(other, "unwanted")
    refused = PendingAccount.objects.get(user__username="unwanted")
    admin.post("/admin/approvals", {"pending": refused.pk, "decision": "reject"})
    assert not User.objects.filter(username="unwanted").exists()
    assert admin.post("/admin/approvals", {"pending": refused.pk}).status_code == 404


# -- Terms of service --------------------------------------------------------------------------


def test_changed_terms_are_accepted_again_before_anything_else(client, author, admin_user):
    admin = Client()
    admin.force_login(admin_user)
    settings_data = {
        "registration": "open",
        "invitations_per_user": "3",
        "queue_per_day": "10",
        "terms": "Be kind.",
        "content_policy": "No real-person harassment.",
    }
    assert admin.post("/admin/settings", settings_data).status_code == 302
    assert queries.site_settings().terms_version == 1
    assert "Be kind." in Client().get("/tos").content.decode()
    assert "real-person" in Client().get("/content").content.decode()
    client.force_login(author)
    page = client.get("/works")
    assert page.status_code == 302 and page["Location"].startswith("/tos/accept?next=")
    assert client.get("/tos").status_code == 200  # the terms themselves stay open
    refused = client.post("/tos/accept", {"next": "/works"})
    assert refused.status_code == 200 and "need to accept" in refused.content.decode()
    accepted = client.post("/tos/accept", {"accept": "on", "next": "/works"})
    assert accepted["Location"] == "/works"
    assert client.get("/works").status_code == 200
    # Saving the same text again is no new version; a change is.
    admin.post("/admin/settings", settings_data)
    assert queries.site_settings().terms_version == 1
    admin.post("/admin/settings", {**settings_data, "terms": "Be kind, always."})
    assert queries.site_settings().terms_version == 2
    client.force_login(author)
    assert client.get("/works").status_code == 302
    # An outside address in `next` goes home instead.
    assert (
        client.post("/tos/accept", {"accept": "on", "next": "https://evil.example/"})["Location"]
        == "/"
    )


def test_signing_up_accepts_the_terms_in_force(client):
    _mode(Registration.OPEN, terms="Rules.", terms_version=3)
    _signup(client)
    user = User.objects.get(username="newcomer")
    assert queries.accepted_version(user) == 3
    assert client.get("/works").status_code == 200


# -- The admin's pages -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/settings", "/admin/invitations", "/admin/approvals"])
def test_admin_pages_are_not_there_for_others(client, author, url):
    assert Client().get(url).status_code == 404
    client.force_login(author)
    assert client.get(url).status_code == 404
    assert client.post(url, {"count": "5"}).status_code == 404
    assert Invitation.objects.count() == 0


def test_admin_settings_refuse_bad_numbers_and_keep_the_text(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/settings",
        {
            "registration": "sometimes",
            "invitations_per_user": "-1",
            "queue_per_day": "10",
            "terms": "My draft terms",
        },
    )
    assert response.status_code == 200
    assert "My draft terms" in response.content.decode()
    assert queries.site_settings().terms == ""


def test_admins_issue_invitations_and_the_lists_cost_fixed_queries(
    client, admin_user, author, django_assert_max_num_queries
):
    client.force_login(admin_user)
    response = client.post("/admin/invitations", {"user": "", "count": "3"})
    assert response.status_code == 200
    assert response.content.decode().count("/signup/") >= 3
    client.post("/admin/invitations", {"user": author.username, "count": "4"})
    assert Invitation.objects.filter(issuer=author).count() == 4
    missing = client.post("/admin/invitations", {"user": "nobody_here", "count": "1"})
    assert "no user with that name" in missing.content.decode()
    for number in range(30):
        services.register(f"user{number}", f"u{number}@example.org", PASSWORD)
    Invitation.objects.filter(issuer=author).update(redeemed_by=None)
    with django_assert_max_num_queries(8):
        assert client.get("/admin/invitations").status_code == 200
    _mode(Registration.APPROVAL)
    for number in range(30):
        services.register(f"waiting{number}", f"w{number}@example.org", PASSWORD)
    with django_assert_max_num_queries(8):
        page = client.get("/admin/approvals")
    assert page.content.decode().count('name="pending"') == 30


def test_a_suspended_member_sends_no_invitation(author, admin_user):
    from moderation.services import suspend_user

    _mode(Registration.INVITATION, invitations_per_user=1)
    services.give_member_invitations(author)
    invitation = Invitation.objects.get(issuer=author)
    suspend_user(admin_user, author.pk, 3, "Spam")
    author.refresh_from_db()
    with pytest.raises(InvalidInput):
        services.send_invitation(author, invitation.pk, "friend@example.org")
    assert Invitation.objects.get(pk=invitation.pk).email == ""
