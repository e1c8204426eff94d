"""Visibility of comments held as possible spam, and of those marked as spam, for every kind of
viewer on every surface: the work page, its comment pages, the permalink, the API, the counts,
the creator's inbox, and the held lists (a work's, for its creators and moderators; the
archive's, for moderators).

A held comment is in threads for its registered writer alone; in the held lists of its work's
creators and of moderators; counted nowhere. A comment marked as spam is nowhere at all."""

from __future__ import annotations

import pytest
from django.test import Client

from access.visibility import held_comments_q
from feedback.models import Comment, CommentStatus
from feedback.moderators import can_moderate
from feedback.services.comments import mark_spam, post_comment
from feedback.services.spam import Screening
from lifestream.core.actors import Actor
from lifestream.testing import make_admin, make_user, make_work
from people.services import create_api_token
from works.models import Work

pytestmark = pytest.mark.django_db

VIEWERS = ("guest", "stranger", "writer", "creator", "moderator")
HELD_TEXT = "Held words of the writer"
GUEST_TEXT = "Held words of a guest"
SPAM_TEXT = "Words marked as spam"


@pytest.fixture
def world(db, spam_checks):
    creator = make_user("h_creator")
    writer = make_user("h_writer")
    users = {
        "guest": None,
        "stranger": make_user("h_stranger"),
        "writer": writer,
        "creator": creator,
        "moderator": make_admin("h_moderator"),
    }
    works = {}
    for state in ("public", "restricted", "draft"):
        # Restricted and made a draft after the comments came in (a guest can't comment on a
        # restricted work).
        work = make_work(creator, title=f"Held {state}")
        bot_like = Screening(honeypot="filled")
        held = post_comment(Actor(writer), work, HELD_TEXT, screening=bot_like)
        guest = post_comment(
            Actor.guest("192.0.2.1"), work, GUEST_TEXT, guest_name="G", guest_email="g@example.com"
        )
        spam = post_comment(Actor(writer), work, SPAM_TEXT, screening=bot_like)
        assert {held.status, guest.status, spam.status} == {CommentStatus.HELD}
        mark_spam(creator, spam)
        works[state] = {"work": work, "held": held, "guest": guest, "spam": spam}
    Work.objects.filter(pk=works["draft"]["work"].pk).update(posted=False)
    Work.objects.filter(pk=works["restricted"]["work"].pk).update(restricted=True)
    return {"users": users, "works": works}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _api(user) -> Client:
    client = Client()
    if user is not None:
        _, key = create_api_token(user, "held")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def _reads(state: str, viewer: str) -> bool:
    if state == "draft":
        return viewer == "creator"
    if state == "restricted":
        return viewer != "guest"
    return True


@pytest.mark.parametrize("state", ("public", "restricted", "draft"))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_threads_show_a_held_comment_to_its_writer_alone(world, state, viewer):
    user = world["users"][viewer]
    entry = world["works"][state]
    work = entry["work"]
    client, api = _client(user), _api(user)
    texts = [
        client.get(f"/works/{work.pk}").content.decode(),
        client.get(f"/works/{work.pk}?show_comments=true").content.decode(),
        client.get(f"/works/{work.pk}/comments").content.decode(),
        api.get(f"/api/v1/works/{work.pk}/comments").content.decode(),
    ]
    sees_own = viewer == "writer" and _reads(state, viewer)
    for text in texts:
        assert (HELD_TEXT in text) is sees_own
        assert GUEST_TEXT not in text
        assert SPAM_TEXT not in text
    for key in ("held", "guest", "spam"):
        comment = entry[key]
        visible = key == "held" and sees_own
        permalink = client.get(f"/comments/{comment.pk}")
        single = api.get(f"/api/v1/comments/{comment.pk}")
        assert (permalink.status_code == 200) is visible
        assert (single.status_code == 200) is visible
        if not visible:
            assert permalink.status_code in (302, 404)
            assert single.status_code in (401, 404)


@pytest.mark.parametrize("state", ("public", "restricted", "draft"))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_works_held_list_is_its_creators_and_moderators(world, state, viewer):
    user = world["users"][viewer]
    work = world["works"][state]["work"]
    response = _client(user).get(f"/works/{work.pk}/comments/held")
    reviews = viewer in ("creator", "moderator") and _reads(state, viewer)
    if not reviews:
        assert response.status_code in (302, 403, 404)
        assert HELD_TEXT.encode() not in response.content
        return
    html = response.content.decode()
    # A draft's held comments wait until it is posted again.
    listed = state != "draft"
    assert (HELD_TEXT in html) is listed and (GUEST_TEXT in html) is listed
    assert SPAM_TEXT not in html


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_archives_held_list_is_for_moderators(world, viewer):
    user = world["users"][viewer]
    response = _client(user).get("/comments/held")
    if viewer != "moderator":
        assert response.status_code in (302, 403)
        return
    html = response.content.decode()
    assert html.count(HELD_TEXT) == 2  # the public and the restricted work's, not the draft's
    assert html.count(GUEST_TEXT) == 2
    assert SPAM_TEXT not in html


@pytest.mark.parametrize("viewer", VIEWERS)
def test_held_comments_q_matches_the_rule(world, viewer):
    user = world["users"][viewer]
    from django.contrib.auth.models import AnonymousUser

    seen = set(
        Comment.objects.filter(held_comments_q(user or AnonymousUser())).values_list(
            "body", "work__title"
        )
    )
    if viewer in ("creator", "moderator"):
        assert seen == {
            (text, f"Held {state}")
            for text in (HELD_TEXT, GUEST_TEXT)
            for state in ("public", "restricted")
        }
    else:
        assert seen == set()
    assert can_moderate(user) is (viewer == "moderator")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_held_and_spam_comments_are_counted_nowhere(world, viewer):
    user = world["users"][viewer]
    work = world["works"]["public"]["work"]
    page = _client(user).get(f"/works/{work.pk}").content.decode()
    assert '<dd class="comments">' not in page
    listing = _client(user).get("/works").content.decode()
    assert '<dd class="comments">' not in listing
    answer = _api(user).get(f"/api/v1/works/{work.pk}").json()
    assert answer["stats"]["comments"] == 0


def test_no_inbox_tells_of_held_or_spam_comments(world):
    creator = world["users"]["creator"]
    html = _client(creator).get(f"/users/{creator.username}/inbox").content.decode()
    for text in (HELD_TEXT, GUEST_TEXT, SPAM_TEXT):
        assert text not in html
    assert not creator.notifications.exists()
