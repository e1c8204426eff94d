"""Subscribing to works and users, the buttons and the subscriptions page, and the notices
posting raises for subscribers."""

from __future__ import annotations

import pytest
from django.test import Client

from feedback.models import Notification, NotificationKind, Subscription, WorkStats
from feedback.services.subscriptions import delete_subscription, subscribe, unsubscribe
from lifestream.core.errors import InvalidInput
from lifestream.testing import make_user, make_work
from people.models import Mute
from works.models import Creatorship
from works.services import ChapterData, add_chapter, post_draft, update_chapter


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _subscriptions_count(work) -> int:
    stats = WorkStats.objects.filter(work=work).first()
    return stats.subscriptions_count if stats else 0


# --- the services -----------------------------------------------------------------------------


def test_subscribing_to_a_work_counts_once(author, reader):
    work = make_work(author)
    first = subscribe(reader, work=work)
    again = subscribe(reader, work=work)
    assert first.pk == again.pk
    assert _subscriptions_count(work) == 1
    assert unsubscribe(reader, work=work) is True
    assert unsubscribe(reader, work=work) is False
    assert _subscriptions_count(work) == 0


def test_no_subscribing_to_your_own_work_or_yourself(author):
    work = make_work(author)
    with pytest.raises(InvalidInput) as own:
        subscribe(author, work=work)
    assert own.value.errors[0].code == "own_work"
    with pytest.raises(InvalidInput) as yourself:
        subscribe(author, creator=author)
    assert yourself.value.errors[0].code == "yourself"
    assert not Subscription.objects.exists()


def test_no_subscribing_to_a_draft(author, reader):
    draft = make_work(author, draft=True)
    with pytest.raises(InvalidInput) as error:
        subscribe(reader, work=draft)
    assert error.value.errors[0].code == "not_found"


def test_subscribing_to_a_restricted_work_is_fine_for_registered_users(author, reader):
    work = make_work(author, restricted=True)
    assert subscribe(reader, work=work).work == work


def test_a_subscription_has_one_target(author, reader):
    with pytest.raises(InvalidInput):
        subscribe(reader)
    with pytest.raises(InvalidInput):
        subscribe(reader, work=make_work(author), creator=author)


def test_deleting_someone_elses_subscription_is_not_found(author, reader, stranger):
    subscription = subscribe(reader, creator=author)
    with pytest.raises(InvalidInput):
        delete_subscription(stranger, subscription.pk)
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    delete_subscription(reader, subscription.pk)
    assert not Subscription.objects.exists()


# --- notices from posting ---------------------------------------------------------------------


def test_new_chapter_notifies_the_works_subscribers_not_the_creator(author, reader, stranger):
    work = make_work(author)
    subscribe(reader, work=work)
    subscribe(stranger, creator=author)  # follows the author, not this work
    chapter = add_chapter(work, ChapterData(body="<p>Two.</p>"), post=True)
    notice = Notification.objects.get()
    assert (notice.user, notice.kind, notice.work, notice.chapter) == (
        reader,
        NotificationKind.NEW_CHAPTER,
        work,
        chapter,
    )


def test_draft_chapters_notify_nobody_until_posted(author, reader):
    work = make_work(author)
    subscribe(reader, work=work)
    chapter = add_chapter(work, ChapterData(body="<p>Two.</p>"), post=False)
    assert not Notification.objects.exists()
    update_chapter(chapter, ChapterData(body="<p>Two.</p>"), post=True)
    assert Notification.objects.get().chapter == chapter


def test_new_work_notifies_the_creators_subscribers(author, reader):
    subscribe(reader, creator=author)
    work = make_work(author)
    notice = Notification.objects.get()
    assert (notice.user, notice.kind, notice.work) == (reader, NotificationKind.NEW_WORK, work)


def test_drafts_notify_nobody_until_posted(author, reader):
    subscribe(reader, creator=author)
    draft = make_work(author, draft=True)
    assert not Notification.objects.exists()
    post_draft(draft)
    assert Notification.objects.get().work == draft


def test_restricted_work_notifies_registered_subscribers(author, reader):
    subscribe(reader, creator=author)
    make_work(author, restricted=True)
    assert Notification.objects.filter(user=reader).count() == 1


def test_co_creators_are_not_notified_and_subscribers_once(author, reader):
    co_author = make_user("co_author")
    subscribe(reader, creator=author)
    subscribe(reader, creator=co_author)
    subscribe(co_author, creator=author)
    draft = make_work(author, draft=True)
    # A co-creator, as an accepted co-creator invitation would add them.
    Creatorship.objects.create(work=draft, pseud=co_author.default_pseud, position=1)
    post_draft(draft)
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["tifa_reader"]


def test_muting_the_creator_stops_their_news(author, reader):
    subscribe(reader, creator=author)
    Mute.objects.create(muter=reader, muted=author)
    make_work(author)
    assert not Notification.objects.exists()


# --- pages and buttons ------------------------------------------------------------------------


def test_subscribe_button_on_a_work_without_javascript(author, reader):
    work = make_work(author)
    client = _client(reader)
    page = client.get(f"/works/{work.pk}").content.decode()
    assert '<li class="subscribe">' in page
    assert ">Subscribe</button>" in page
    response = client.post(
        "/users/tifa_reader/subscriptions", {"work_id": work.pk, "next": f"/works/{work.pk}"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/works/{work.pk}"
    assert Subscription.objects.filter(user=reader, work=work).exists()
    page = client.get(f"/works/{work.pk}").content.decode()
    assert ">Unsubscribe</button>" in page
    subscription = Subscription.objects.get()
    response = client.post(
        f"/users/tifa_reader/subscriptions/{subscription.pk}/delete", {"next": f"/works/{work.pk}"}
    )
    assert response["Location"] == f"/works/{work.pk}"
    assert not Subscription.objects.exists()


def test_subscribe_button_with_htmx_returns_the_button(author, reader):
    work = make_work(author)
    client = _client(reader)
    response = client.post(
        "/users/tifa_reader/subscriptions", {"work_id": work.pk}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<form method="post" class="subscribe"')
    assert ">Unsubscribe</button>" in body
    subscription = Subscription.objects.get()
    response = client.post(
        f"/users/tifa_reader/subscriptions/{subscription.pk}/delete", HTTP_HX_REQUEST="true"
    )
    assert ">Subscribe</button>" in response.content.decode()


def test_no_subscribe_button_for_guests_or_the_creator(author, client):
    work = make_work(author)
    assert 'class="subscribe"' not in client.get(f"/works/{work.pk}").content.decode()
    own = _client(author).get(f"/works/{work.pk}").content.decode()
    assert 'class="subscribe"' not in own


def test_subscribe_to_a_user_from_their_profile(author, reader):
    client = _client(reader)
    page = client.get("/users/cloud_author").content.decode()
    assert '<input type="hidden" name="user" value="cloud_author">' in page
    response = client.post(
        "/users/tifa_reader/subscriptions", {"user": "cloud_author", "next": "/users/cloud_author"}
    )
    assert response["Location"] == "/users/cloud_author"
    assert Subscription.objects.filter(user=reader, creator=author).exists()
    assert ">Unsubscribe</button>" in client.get("/users/cloud_author").content.decode()


def test_subscribing_to_a_draft_by_address_is_not_found(author, reader):
    draft = make_work(author, draft=True)
    response = _client(reader).post("/users/tifa_reader/subscriptions", {"work_id": draft.pk})
    assert response.status_code == 404
    assert not Subscription.objects.exists()


def test_subscribing_yourself_says_why(author):
    client = _client(author)
    response = client.post(
        "/users/cloud_author/subscriptions", {"user": "cloud_author"}, follow=True
    )
    assert "You can&#x27;t subscribe to yourself." in response.content.decode()


def test_posting_on_someone_elses_subscriptions_is_not_found(author, reader):
    work = make_work(author)
    response = _client(reader).post("/users/cloud_author/subscriptions", {"work_id": work.pk})
    assert response.status_code == 404
    assert not Subscription.objects.exists()


def test_offsite_next_is_ignored(author, reader):
    work = make_work(author)
    response = _client(reader).post(
        "/users/tifa_reader/subscriptions", {"work_id": work.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/works/{work.pk}"


def test_subscriptions_page_lists_and_filters(author, reader):
    work = make_work(author, title="Followed Work")
    subscribe(reader, work=work)
    subscribe(reader, creator=author)
    client = _client(reader)
    page = client.get("/users/tifa_reader/subscriptions").content.decode()
    assert "Followed Work" in page and "cloud_author</a> (User)" in page
    works_only = client.get("/users/tifa_reader/subscriptions?type=works").content.decode()
    assert "Followed Work" in works_only and "(User)" not in works_only
    users_only = client.get("/users/tifa_reader/subscriptions?type=users").content.decode()
    assert "Followed Work" not in users_only and "(User)" in users_only


@pytest.mark.parametrize("count", [2, 6])
def test_subscriptions_page_query_count(author, reader, django_assert_num_queries, count):
    for number in range(count):
        subscribe(reader, work=make_work(author, title=f"Work {number}"))
        subscribe(reader, creator=make_user(f"writer_{number}"))
    client = _client(reader)
    client.get("/users/tifa_reader/subscriptions")
    # session, user, the count, the page (with works and users); the unread count the nav and
    # the header share (the owner's mutes a subquery of it)
    with django_assert_num_queries(5):
        response = client.get("/users/tifa_reader/subscriptions")
    assert response.content.decode().count("Unsubscribe</button>") == 2 * count


def test_user_nav_links_for_the_owner_only(author, reader):
    own = _client(reader).get("/users/tifa_reader").content.decode()
    assert 'href="/users/tifa_reader/subscriptions"' in own
    assert 'href="/users/tifa_reader/inbox"' in own
    other = _client(author).get("/users/tifa_reader").content.decode()
    assert "/users/tifa_reader/inbox" not in other
    assert "/users/tifa_reader/subscriptions" not in other


# --- the API ----------------------------------------------------------------------------------


def _api(user):
    import json

    from people.services import create_api_token

    _, key = create_api_token(user, "tests")
    client = Client()
    headers = {"Authorization": f"Bearer {key}"}

    class Api:
        def get(self, path, **params):
            return client.get("/api/v1" + path, params, headers=headers)

        def post(self, path, body):
            return client.post(
                "/api/v1" + path, json.dumps(body), content_type="application/json", headers=headers
            )

        def delete(self, path):
            return client.delete("/api/v1" + path, headers=headers)

    return Api()


def test_api_subscribe_list_and_unsubscribe(author, reader):
    work = make_work(author, title="Lifestream")
    api = _api(reader)
    created = api.post("/subscriptions", {"work_id": work.pk})
    assert created.status_code == 201
    body = created.json()
    assert body["type"] == "work" and body["work"]["title"] == "Lifestream"
    assert api.post("/subscriptions", {"work_id": work.pk}).status_code == 200
    user = api.post("/subscriptions", {"user": "cloud_author"})
    assert user.status_code == 201 and user.json()["user"] == "cloud_author"
    listing = api.get("/subscriptions").json()
    assert listing["count"] == 2
    assert [s["type"] for s in listing["results"]] == ["user", "work"]
    assert api.get("/subscriptions", type="works").json()["count"] == 1
    assert api.delete(f"/subscriptions/{body['id']}").status_code == 204
    assert api.delete(f"/subscriptions/{body['id']}").status_code == 404
    assert _subscriptions_count(work) == 0


def test_api_subscription_errors(author, reader, stranger):
    work = make_work(author)
    draft = make_work(author, draft=True)
    api = _api(reader)
    both = api.post("/subscriptions", {"work_id": work.pk, "user": "cloud_author"})
    assert both.status_code == 422
    assert both.json()["errors"][0]["code"] == "one_target"
    assert api.post("/subscriptions", {}).status_code == 422
    assert api.post("/subscriptions", {"work_id": draft.pk}).status_code == 404
    assert api.post("/subscriptions", {"user": "nobody_here"}).status_code == 404
    own = _api(author).post("/subscriptions", {"work_id": work.pk})
    assert own.status_code == 422 and own.json()["errors"][0]["code"] == "own_work"
    theirs = subscribe(stranger, work=work)
    assert api.delete(f"/subscriptions/{theirs.pk}").status_code == 404
    assert Client().get("/api/v1/subscriptions").status_code == 401


def test_api_inbox_and_mark_read(author, reader):
    from feedback.notify import notify

    work = make_work(author, title="Lifestream")
    first = notify([reader.pk], NotificationKind.NEW_WORK, work=work)[0]
    second = notify([reader.pk], NotificationKind.NEW_WORK, work=work)[0]
    api = _api(reader)
    inbox = api.get("/inbox").json()
    assert inbox["count"] == 2 and inbox["unread"] == 2
    assert [n["id"] for n in inbox["results"]] == [second.pk, first.pk]
    assert inbox["results"][0]["work"]["title"] == "Lifestream"
    marked = api.post("/inbox/read", {"ids": [first.pk]}).json()
    assert marked == {"marked": 1, "unread": 1}
    assert [n["id"] for n in api.get("/inbox", unread="true").json()["results"]] == [second.pk]
    assert api.post("/inbox/read", {"all": True}).json() == {"marked": 1, "unread": 0}
    assert api.post("/inbox/read", {}).status_code == 422
    assert _api(author).get("/inbox").json()["count"] == 0


def test_a_refused_htmx_subscribe_says_why_in_the_button(author):
    response = _client(author).post(
        "/users/cloud_author/subscriptions", {"user": "cloud_author"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert ">Subscribe</button>" in body
    assert "You can&#x27;t subscribe to yourself." in body
    assert not Subscription.objects.exists()


def _feed_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/users/cloud_author/works/feed.atom")
    assert response.status_code == 200
    return len(queries)


def test_user_feed_query_count_does_not_grow(author, client):
    for number in range(2):
        make_work(author, title=f"Early {number}")
    few = _feed_queries(client)
    for number in range(6):
        make_work(author, title=f"Later {number}", relationships=["A/B"])
    assert _feed_queries(client) == few


def test_user_feed_entries(author, client):
    make_work(author, title="Lifestream", summary="<p>Cloud remembers.</p>")
    body = client.get("/users/cloud_author/works/feed.atom").content.decode()
    assert "<title>Works by cloud_author | Lifestream</title>" in body
    assert "<title>Lifestream by cloud_author</title>" in body
    assert "Cloud remembers." in body
