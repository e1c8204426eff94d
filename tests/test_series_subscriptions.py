"""Series subscriptions: Subscribe on a series page; a new work in the series is news to its
subscribers once (posted into it, added to it, or a draft in it posted), to those who may read
it, never twice to a reader who also follows its creator; who can't subscribe; the
subscriptions page, the inbox line and the API."""

from __future__ import annotations

import pytest
from django.test import Client

from feedback.models import Notification, NotificationKind, Subscription
from feedback.services.subscriptions import subscribe
from lifestream.core.errors import InvalidInput
from lifestream.testing import make_user, make_work
from people.services import create_api_token, mute_user
from works.series import add_work_to_series
from works.services import post_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def saga(author):
    first = make_work(author, title="Part One")
    return add_work_to_series(author, first, new_title="The Long Road").series


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _news(user) -> list[tuple[str, str | None]]:
    notices = Notification.objects.filter(user=user, kind=NotificationKind.NEW_WORK)
    return list(notices.values_list("work__title", "series__title").order_by("pk"))


def test_subscribe_and_unsubscribe_on_the_series_page(saga, reader):
    client = _login(reader)
    page = client.get(f"/series/{saga.pk}").content.decode()
    assert f'name="series_id" value="{saga.pk}"' in page
    response = client.post(
        f"/users/{reader.username}/subscriptions",
        {"series_id": saga.pk, "next": f"/series/{saga.pk}"},
    )
    assert response.status_code == 302 and response["Location"] == f"/series/{saga.pk}"
    subscription = Subscription.objects.get(user=reader, series=saga)
    page = client.get(f"/series/{saga.pk}").content.decode()
    assert "Unsubscribe" in page
    listed = client.get(f"/users/{reader.username}/subscriptions?type=series").content.decode()
    assert "The Long Road</a> (Series)" in listed
    client.post(f"/users/{reader.username}/subscriptions/{subscription.pk}/delete")
    assert not Subscription.objects.filter(user=reader, series=saga).exists()


def test_a_new_work_in_the_series_is_news_once(author, reader, saga):
    subscribe(reader, series=saga)
    subscribe(reader, creator=author)  # following both: still one notice per work
    second = make_work(author, title="Part Two")
    add_work_to_series(author, second, series=saga)
    assert _news(reader) == [("Part Two", None)]  # told through the author, when posted
    draft = make_work(author, title="Part Three", draft=True)
    add_work_to_series(author, draft, series=saga)
    assert len(_news(reader)) == 1  # a draft is nobody's news
    post_draft(draft)
    assert _news(reader)[-1] == ("Part Three", "The Long Road")
    assert len(_news(reader)) == 2
    inbox = _login(reader).get(f"/users/{reader.username}/inbox").content.decode()
    assert "New work in <a href=" in inbox and "The Long Road</a>: <a href=" in inbox


def test_a_posted_work_added_later_is_news_to_series_subscribers(author, reader, saga):
    subscribe(reader, series=saga)
    older = make_work(author, title="Side Story")
    assert _news(reader) == []
    add_work_to_series(author, older, series=saga)
    assert _news(reader) == [("Side Story", "The Long Road")]


def test_only_readers_who_may_read_it_hear(author, reader, saga):
    muter = make_user("series_muter")
    guestlike = make_user("series_follower")
    for user in (reader, muter, guestlike):
        subscribe(user, series=saga)
    mute_user(muter, author)
    restricted = make_work(author, title="Members Only", restricted=True)
    add_work_to_series(author, restricted, series=saga)
    assert _news(reader) == [("Members Only", "The Long Road")]
    assert _news(muter) == []
    assert _news(author) == []


def test_who_cannot_subscribe(author, reader, saga):
    with pytest.raises(InvalidInput) as own:
        subscribe(author, series=saga)
    assert own.value.errors[0].code == "own_series"
    hidden_draft = make_work(author, title="Hidden", draft=True)
    hidden = add_work_to_series(author, hidden_draft, new_title="Secret Saga").series
    with pytest.raises(InvalidInput) as refused:
        subscribe(reader, series=hidden)
    assert refused.value.errors[0].code == "not_found"
    response = _login(reader).post(
        f"/users/{reader.username}/subscriptions", {"series_id": hidden.pk}
    )
    assert response.status_code == 404
    assert Client().get(f"/series/{saga.pk}").content.decode().count("Subscribe") == 0


def test_the_subscriptions_page_query_count(author, reader, saga, django_assert_num_queries):
    subscribe(reader, series=saga)
    for number in range(3):
        other = make_work(author, title=f"Followed {number}")
        extra = add_work_to_series(author, other, new_title=f"Saga {number}").series
        subscribe(reader, series=extra)
    client = _login(reader)
    client.get(f"/users/{reader.username}/subscriptions")
    # session, user, the count, the page; the unread count (with the mutes as its subquery)
    with django_assert_num_queries(5):
        page = client.get(f"/users/{reader.username}/subscriptions").content.decode()
    assert page.count("(Series)") == 4


def test_the_api_subscribes_to_a_series(author, reader, saga):
    _, key = create_api_token(reader, "client")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    made = client.post(
        "/api/v1/subscriptions", {"series_id": saga.pk}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["type"] == "series" and made.json()["series"]["title"] == "The Long Road"
    listed = client.get("/api/v1/subscriptions?type=series").json()
    assert [s["series"]["id"] for s in listed["results"]] == [saga.pk]
    add_work_to_series(author, make_work(author, title="Part Two"), series=saga)
    inbox = client.get("/api/v1/inbox").json()
    assert inbox["results"][0]["series"]["id"] == saga.pk
    both = client.post(
        "/api/v1/subscriptions",
        {"series_id": saga.pk, "user": author.username},
        content_type="application/json",
    )
    assert both.status_code == 422
    assert both.json()["errors"][0]["code"] == "one_target"
