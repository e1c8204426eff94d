"""The spam check for comments: each signal, the held flow from a guest's comment to the
creator's or a moderator's decision, counts, the classifier and its retraining, the API and
AO3's script form, and a wave of 200 guest spam comments held while the good ones post."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

import altcha
import pytest
from altcha.v2 import Challenge, Payload
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import Comment, CommentStatus, SpamExample, SpamLabel, SpamModel, WorkStats
from feedback.services import spam
from feedback.services.comments import approve_comment, mark_spam, post_comment
from lifestream.testing import make_user, make_work
from people.services import create_api_token

pytestmark = pytest.mark.django_db

HAM = (
    "I loved the scene in the {place}; the way {name} finally said it made me cry.",
    "This chapter about {name} and the {place} is so tender. Thank you for writing it!",
    "Oh, the {place}! I reread the ending three times. {name} deserves every happiness.",
    "Your pacing is wonderful. I can't wait to see what {name} does next at the {place}.",
    "The little details of the {place} feel so real. {name}'s voice is perfect here.",
    "Kudos for the dialogue between {name} and the baker; I laughed out loud at the {place}.",
)
SPAM = (
    "Cheap {product} online, best price! Visit {site} now for {product} discounts",
    "Earn money fast from home with {product}. Click {site} today, limited offer",
    "Best {product} deals, free shipping worldwide, order at {site} now",
    "Buy {product} without prescription, discreet delivery, see {site}",
    "Crypto {product} investment doubles your money, join at {site}",
)
NAMES = ("Isaak", "Mira", "Tomas", "Hana", "Juno", "Perrin")
PLACES = ("orchard", "harbour", "bakery", "library", "observatory", "market")
PRODUCTS = ("pills", "watches", "casino bonus", "replica bags", "followers", "tokens")
SITES = ("cheap-deals.example", "best-offer.example", "win-now.example", "pharma.example")


def ham_text(rng: random.Random) -> str:
    return rng.choice(HAM).format(name=rng.choice(NAMES), place=rng.choice(PLACES))


def spam_text(rng: random.Random, links: int = 1) -> str:
    site = rng.choice(SITES)
    text = rng.choice(SPAM).format(product=rng.choice(PRODUCTS), site=f"https://{site}/")
    return text + "".join(f" https://{rng.choice(SITES)}/{n}" for n in range(links - 1))


def aged_token(seconds: float = 30) -> str:
    return spam.form_token(time.time() - seconds)


def proof() -> str:
    challenge = Challenge.from_dict(spam.pow_challenge())
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    return Payload(challenge, solution).to_base64()


@pytest.fixture
def checks(spam_checks):
    # A cheap proof of work: the tests solve hundreds.
    spam_checks.SPAM_POW_COST = 1
    return spam_checks


@pytest.fixture
def work(author):
    return make_work(author, title="The Glass Orchard")


_addresses = iter(range(1, 60_000))


def guest_client() -> Client:
    """A guest at an address of their own (guests' rate limits count by address)."""
    n = next(_addresses)
    return Client(REMOTE_ADDR=f"10.{n // 62_500}.{n // 250 % 250}.{n % 250 + 1}")


def user_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def guest_post(work, body: str, *, client: Client | None = None, **fields):
    data = {
        "guest_name": "Visitor",
        "guest_email": "visitor@example.com",
        "body": body,
        "shown_at": aged_token(),
        "altcha": proof(),
        **fields,
    }
    return (client or guest_client()).post(f"/works/{work.pk}/comments", data)


def user_post(user, work, body: str, **fields):
    data = {"body": body, "shown_at": aged_token(), **fields}
    return user_client(user).post(f"/works/{work.pk}/comments", data)


def latest() -> Comment:
    return Comment.objects.latest("id")


def count(work) -> int:
    return WorkStats.objects.filter(work=work).values_list("comments_count", flat=True).first() or 0


# --- Each signal ---------------------------------------------------------------------------


def test_a_guest_who_sends_everything_right_posts_at_once(checks, work):
    response = guest_post(work, ham_text(random.Random(1)))
    assert response.status_code == 302
    comment = latest()
    assert (comment.status, comment.spam_reasons) == (CommentStatus.PUBLISHED, "")
    assert count(work) == 1


def test_the_honeypot_holds(checks, work, reader):
    user_post(reader, work, "Lovely chapter.", homepage="http://bots.example")
    comment = latest()
    assert comment.status == CommentStatus.HELD
    assert comment.spam_reasons.split() == ["honeypot"]


def test_a_form_sent_within_seconds_holds(checks, work, reader):
    user_post(reader, work, "Lovely chapter.", shown_at=spam.form_token())
    assert latest().spam_reasons.split() == ["too_fast"]


@pytest.mark.parametrize("token", ["", "forged:1", None])
def test_a_form_without_its_signed_time_holds(checks, work, reader, token):
    data = {"body": "Lovely chapter."}
    if token is not None:
        data["shown_at"] = token
    user_client(reader).post(f"/works/{work.pk}/comments", data)
    assert latest().spam_reasons.split() == ["no_token"]


def test_a_stale_form_holds(checks, work, reader):
    user_post(reader, work, "Lovely chapter.", shown_at=aged_token(3 * 24 * 3600))
    assert latest().spam_reasons.split() == ["no_token"]


def test_a_guest_without_a_proof_of_work_is_held_and_told_with_their_text(checks, work):
    response = guest_post(work, "My words, kept safe.", altcha="")
    assert response.status_code == 202
    html = response.content.decode()
    assert "Your comment is held for review" in html
    assert "JavaScript may be turned off" in html
    assert "My words, kept safe." in html
    comment = latest()
    assert (comment.status, comment.spam_reasons) == (CommentStatus.HELD, "no_proof")
    assert count(work) == 0


def test_a_proof_is_good_once(checks, work):
    payload = proof()
    guest_post(work, "First time.", altcha=payload)
    assert latest().status == CommentStatus.PUBLISHED
    guest_post(work, "Second time, same proof.", altcha=payload)
    assert latest().spam_reasons.split() == ["no_proof"]


def test_a_forged_proof_holds(checks, work):
    challenge = Challenge.from_dict(spam.pow_challenge())
    challenge.signature = "0" * 64
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    guest_post(work, "Forged.", altcha=Payload(challenge, solution).to_base64())
    assert latest().spam_reasons.split() == ["no_proof"]


def test_the_challenge_is_served_fresh(checks, client):
    response = client.get("/comments/challenge")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert response.json()["parameters"]["algorithm"] == spam.POW_ALGORITHM


def test_many_links_hold(checks, work, reader):
    user_post(reader, work, "See <a href='https://a.example'>a</a> https://b.example")
    assert latest().status == CommentStatus.PUBLISHED
    user_post(reader, work, "https://a.example https://b.example https://c.example")
    assert latest().spam_reasons.split() == ["links"]


def test_the_same_text_many_times_holds(checks, work, reader, stranger):
    other = make_work(make_user("another_author"), title="Elsewhere")
    guest_post(work, "Great story!! Read more of it on my page please")
    guest_post(other, "great   STORY read more of it on my page, please")
    assert Comment.objects.filter(status=CommentStatus.PUBLISHED).count() == 2
    user_post(stranger, other, "Great story. Read more of it on my page please")
    assert latest().spam_reasons.split() == ["repeated"]
    # A few words of thanks are everyone's.
    for _ in range(4):
        guest_post(work, "Thank you!")
        assert latest().status == CommentStatus.PUBLISHED


def test_trusted_accounts_and_creators_are_not_checked(checks, work, author, reader):
    reader.date_joined = timezone.now() - dt.timedelta(days=30)
    reader.save(update_fields=["date_joined"])
    for n in range(checks.SPAM_TRUSTED_AFTER):
        post_comment(reader, work, f"Earlier comment {n}")
    assert not spam.needs_check(reader)
    user_post(reader, work, "Trusted.", homepage="filled")
    assert latest().status == CommentStatus.PUBLISHED
    user_post(author, work, "My own work.", homepage="filled", shown_at="")
    assert latest().status == CommentStatus.PUBLISHED


def test_an_old_account_with_few_comments_is_still_checked(checks, reader):
    reader.date_joined = timezone.now() - dt.timedelta(days=365)
    reader.save(update_fields=["date_joined"])
    assert spam.needs_check(reader)


def test_the_check_can_be_turned_off(settings, work, reader):
    settings.SPAM_CHECKS = False
    user_post(reader, work, "Anything.", homepage="filled")
    assert latest().status == CommentStatus.PUBLISHED


def test_replies_pass_the_check_too(checks, work, reader):
    top = post_comment(reader, work, "Top.")
    user_client(reader).post(
        f"/comments/{top.pk}/reply", {"body": "Reply.", "homepage": "x", "shown_at": aged_token()}
    )
    reply = latest()
    assert (reply.parent_id, reply.status) == (top.pk, CommentStatus.HELD)


def test_a_comment_edited_into_spam_is_held_again(checks, work, reader):
    user_post(reader, work, "What a lovely chapter.")
    comment = latest()
    assert comment.status == CommentStatus.PUBLISHED and count(work) == 1
    user_client(reader).post(
        f"/comments/{comment.pk}/edit",
        {"body": "Deals! https://a.example https://b.example https://c.example"},
    )
    comment.refresh_from_db()
    assert (comment.status, comment.spam_reasons) == (CommentStatus.HELD, "links")
    assert count(work) == 0
    # An ordinary edit stays posted.
    user_post(reader, work, "Second thoughts.")
    second = latest()
    user_client(reader).post(f"/comments/{second.pk}/edit", {"body": "Third thoughts."})
    second.refresh_from_db()
    assert second.status == CommentStatus.PUBLISHED


# --- The classifier ------------------------------------------------------------------------


def _teach(rng: random.Random, n: int = 30) -> None:
    SpamExample.objects.bulk_create(
        [SpamExample(text=spam_text(rng), label=SpamLabel.SPAM) for _ in range(n)]
        + [SpamExample(text=ham_text(rng), label=SpamLabel.HAM) for _ in range(n)]
    )
    spam.train()


def test_the_classifier_learns_from_decisions(checks):
    rng = random.Random(3)
    untrained = spam.stored_classifier()
    assert not untrained.ready
    _teach(rng)
    model = spam.stored_classifier()
    assert model.ready
    assert model.spam_probability("Cheap watches online, visit best-offer.example now") > 0.9
    assert model.spam_probability("Mira at the harbour made me cry, thank you") < 0.1
    # Japanese is split into pairs of characters, so it is learnt too.
    assert {"本当", "当に"} <= spam.tokens("本当に")


def test_the_classifier_holds_what_reads_like_spam(checks, work, reader):
    _teach(random.Random(4))
    user_post(reader, work, "Best replica bags deals, free shipping, order now")
    held = latest()
    assert held.spam_reasons.split() == ["classifier"]
    assert held.spam_score is not None and held.spam_score > 0.9
    user_post(reader, work, "Hana in the library! I reread it three times.")
    assert latest().status == CommentStatus.PUBLISHED


def test_train_spam_command(checks, capsys):
    rng = random.Random(5)
    SpamExample.objects.create(text=spam_text(rng), label=SpamLabel.SPAM)
    call_command("train_spam")
    out = capsys.readouterr().out
    assert "Trained on 1 decisions (1 spam, 0 not spam)" in out
    assert "Too few of each kind" in out
    assert SpamModel.objects.get().examples == 1


def test_enough_new_decisions_retrain_the_classifier(
    checks, work, author, django_capture_on_commit_callbacks
):
    checks.SPAM_RETRAIN_AFTER = 3
    held = []
    for n in range(3):
        guest_post(work, f"Buy pills number {n}", altcha="")
        held.append(latest())
    mark_spam(author, held[0])
    mark_spam(author, held[1])
    assert not SpamModel.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(author, held[2])
    # The task ran when the third decision's transaction committed (in-process in tests).
    model = SpamModel.objects.get()
    assert model.examples == 3


# --- The held flow ---------------------------------------------------------------------------


def test_held_flow_from_guest_to_creator(checks, work, author, reader):
    guest_post(work, "Please tell me there is more.", altcha="")
    held = latest()
    assert held.status == CommentStatus.HELD and count(work) == 0
    # Not there for other readers, not counted anywhere, and no one's inbox has it.
    for client in (Client(), user_client(reader)):
        page = client.get(f"/works/{work.pk}").content.decode()
        assert "Please tell me there is more." not in page
    assert client.get(f"/comments/{held.pk}").status_code == 404
    assert not author.notifications.exists()

    creator = user_client(author)
    page = creator.get(f"/works/{work.pk}").content.decode()
    assert "Please tell me there is more." not in page
    assert "1 comment held" in page
    listing = creator.get(f"/works/{work.pk}/comments/held").content.decode()
    assert "Please tell me there is more." in listing
    assert "a guest&#x27;s browser solved no proof-of-work challenge" in listing

    response = creator.post(f"/comments/{held.pk}/approve", {"next": "/"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == CommentStatus.PUBLISHED and count(work) == 1
    assert SpamExample.objects.get().label == SpamLabel.HAM
    assert "Please tell me there is more." in Client().get(f"/works/{work.pk}").content.decode()


def test_marking_spam_hides_it_for_good(checks, work, author, reader):
    user_post(reader, work, "Visit my shop", homepage="x")
    held = latest()
    # The writer sees their own held comment, marked as waiting.
    own = user_client(reader).get(f"/works/{work.pk}").content.decode()
    assert "Visit my shop" in own and "held for review" in own
    response = user_client(author).post(f"/comments/{held.pk}/spam")
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == CommentStatus.SPAM
    example = SpamExample.objects.get()
    assert (example.label, example.text, example.decided_by) == (
        SpamLabel.SPAM,
        "Visit my shop",
        author,
    )
    for client in (user_client(reader), user_client(author), Client()):
        assert "Visit my shop" not in client.get(f"/works/{work.pk}").content.decode()
    assert (
        "Visit my shop"
        not in user_client(author).get(f"/works/{work.pk}/comments/held").content.decode()
    )


def test_a_published_comment_marked_as_spam_leaves_the_count(checks, work, author, reader):
    comment = post_comment(reader, work, "Posted, then found out.")
    assert count(work) == 1
    page = user_client(author).get(f"/works/{work.pk}").content.decode()
    assert f'action="/comments/{comment.pk}/spam"' in page
    user_client(author).post(f"/comments/{comment.pk}/spam")
    assert count(work) == 0
    # Readers are not offered the button.
    assert "/spam" not in user_client(reader).get(f"/works/{work.pk}").content.decode()


def test_only_creators_and_moderators_review(checks, work, author, reader, stranger, admin_user):
    guest_post(work, "Held.", altcha="")
    held = latest()
    assert user_client(stranger).get(f"/works/{work.pk}/comments/held").status_code == 403
    assert user_client(stranger).post(f"/comments/{held.pk}/approve").status_code == 404
    assert user_client(stranger).post(f"/comments/{held.pk}/spam").status_code == 404
    held.refresh_from_db()
    assert held.status == CommentStatus.HELD
    # A moderator (staff today) approves from the archive-wide list.
    moderator = user_client(admin_user)
    assert "Held." in moderator.get("/comments/held").content.decode()
    assert "Held." in moderator.get(f"/works/{work.pk}/comments/held").content.decode()
    moderator.post(f"/comments/{held.pk}/approve")
    held.refresh_from_db()
    assert held.status == CommentStatus.PUBLISHED
    assert author.notifications.filter(comment=held).exists()


def test_a_moderators_approval_on_a_moderated_work_leaves_it_to_the_creator(
    checks, author, admin_user
):
    work = make_work(author, title="Moderated", moderated_comments=True)
    guest_post(work, "Held first.", altcha="")
    held = latest()
    assert held.status == CommentStatus.HELD
    user_client(admin_user).post(f"/comments/{held.pk}/approve")
    held.refresh_from_db()
    assert held.status == CommentStatus.PENDING and count(work) == 0
    approve_comment(author, held)
    assert count(work) == 1


def test_the_archive_wide_list_is_for_moderators(checks, reader, author):
    assert Client().get("/comments/held").status_code == 302
    assert user_client(reader).get("/comments/held").status_code == 403
    # Not even a creator with held comments of their own.
    assert user_client(author).get("/comments/held").status_code == 403


def test_held_lists_take_a_fixed_number_of_queries(checks, author, admin_user):
    works = [make_work(author, title=f"Work {n}") for n in range(3)]

    def queries_for(client: Client, path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    moderator, creator = user_client(admin_user), user_client(author)
    guest_post(works[0], "One held.", altcha="")
    few = (
        queries_for(moderator, "/comments/held"),
        queries_for(creator, f"/works/{works[0].pk}/comments/held"),
    )
    for n in range(12):
        guest_post(works[n % 3], f"Held number {n}.", altcha="")
    many = (
        queries_for(moderator, "/comments/held"),
        queries_for(creator, f"/works/{works[0].pk}/comments/held"),
    )
    assert few == many
    assert many[0] <= 12 and many[1] <= 14


# --- The API and AO3's script form -----------------------------------------------------------


def test_api_guest_comments_pass_the_check(checks, work):
    api = guest_client()
    body = {"body": "From a client.", "guest_name": "Client", "guest_email": "c@example.com"}
    held = api.post(f"/api/v1/works/{work.pk}/comments", body, content_type="application/json")
    assert held.status_code == 201 and held.json()["status"] == "held"
    posted = api.post(
        f"/api/v1/works/{work.pk}/comments",
        {**body, "body": "With a proof.", "altcha": proof()},
        content_type="application/json",
    )
    assert posted.json()["status"] == "published"


def test_api_new_accounts_pass_the_content_checks(checks, work, reader):
    token = create_api_token(reader, "test")[1]
    response = Client().post(
        f"/api/v1/works/{work.pk}/comments",
        {"body": "https://a.example https://b.example https://c.example"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.json()["status"] == "held"
    assert latest().spam_reasons == "links"


def test_api_review_of_held_comments(checks, work, author):
    token = create_api_token(author, "test")[1]
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    guest_post(work, "Held one.", altcha="")
    first = latest()
    guest_post(work, "Held two.", altcha="")
    second = latest()
    approved = Client().post(f"/api/v1/comments/{first.pk}/approve", **auth)
    assert approved.status_code == 200 and approved.json()["status"] == "published"
    assert Client().post(f"/api/v1/comments/{second.pk}/spam", **auth).status_code == 204
    second.refresh_from_db()
    assert second.status == CommentStatus.SPAM


def test_the_script_form_holds_a_guest_without_a_proof(checks, work):
    response = guest_client().post(
        "/comments.js",
        {
            "work_id": work.pk,
            "comment[name]": "Script",
            "comment[email]": "s@example.com",
            "comment[comment_content]": "From ao3_api.",
        },
    )
    assert response.status_code == 404
    assert response.json()["status"] == "held"


# --- A wave of spam ----------------------------------------------------------------------------


def test_a_spam_wave_is_held_while_good_comments_post(checks, work, author):
    """200 guest comments from spam templates, sent as bots send them (some fill every field,
    some submit at once, some solve the proof of work and wait), among good comments by
    guests and new accounts: every spam comment is held, every good one posts."""
    rng = random.Random(13)
    # The archive has seen some spam and some good comments already.
    _teach(random.Random(14), n=20)
    readers = [make_user(f"new_reader_{n}") for n in range(10)]
    kinds = ("honeypot", "instant", "no_proof", "links", "patient")
    held_kinds = []
    good = []
    for n in range(240):
        if n % 6 == 5:
            text = ham_text(rng) + f" ({n})"
            if n % 12 == 5:
                guest_post(work, text)
            else:
                user_post(readers[n % 10], work, text)
            good.append(latest())
            continue
        kind = kinds[n % len(kinds)]
        text = spam_text(rng, links=4 if kind == "links" else 1)
        fields: dict[str, Any] = {}
        if kind == "honeypot":
            fields["homepage"] = "https://win-now.example/"
        elif kind == "instant":
            fields["shown_at"] = spam.form_token()
        elif kind == "no_proof":
            fields["altcha"] = ""
        guest_post(work, text, **fields)
        comment = latest()
        held_kinds.append((kind, comment.status, comment.spam_reasons))
    assert len(held_kinds) == 200
    assert [k for k, status, _ in held_kinds if status != CommentStatus.HELD] == []
    assert all(comment.status == CommentStatus.PUBLISHED for comment in good), [
        (c.body, c.spam_reasons) for c in good if c.status != CommentStatus.PUBLISHED
    ]
    assert count(work) == len(good) == 40
    page = Client().get(f"/works/{work.pk}/comments").content.decode()
    assert "win-now.example" not in page and "best-offer.example" not in page
    assert "200 comments held" in user_client(author).get(f"/works/{work.pk}").content.decode()
