"""The collection states in the visibility matrix, kept compact: one world per test, every
viewer (guest, stranger, the creator, the collection's moderator, an archive moderator, the
gift's recipient) looped over inside, across the routes that could tell.

- an unrevealed work: a "Mystery Work" at its address, absent from every listing, count,
  facet, search, feed, OPDS catalogue, file, bookmark listing, API answer and the recipient's
  gifts page, for all but its creator and the moderators; the recipient is not told;
- an anonymous collection's work: by "Anonymous", off its creator's pages, until the reveal;
- a moderated collection's pending item: the work is as it was, but the collection lists it
  nowhere (works, count, facet, `dd.collections`) until approved.
"""

from __future__ import annotations

import pytest
from django.test import Client

from archive_collections import services
from archive_collections.services import CollectionData
from feedback.models import Notification, NotificationKind
from feedback.services.bookmarks import BookmarkData, create_bookmark
from lifestream.testing import make_user, make_work

SECRET_TITLE = "Winter Letter Sealed"
ANON_TITLE = "Nameless Lantern"
PENDING_TITLE = "Waiting Kettle"
CREATOR = "quietquill"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _main(body: str) -> str:
    """The page's own content, without the header's user menu (which names the viewer)."""
    start = body.find('id="main"')
    return body[start:] if start >= 0 else body


@pytest.fixture
def world(db):
    creator = make_user(CREATOR)
    recipient = make_user("giftee")
    stranger = make_user("passerby")
    mod = make_user("exchange_mod")
    archive_mod = make_user("archive_mod", is_moderator=True)
    exchange = services.create_collection(
        mod,
        CollectionData(
            name="Winter_Exchange", title="Winter Exchange", unrevealed=True, anonymous=True
        ),
    )
    masks = services.create_collection(
        mod, CollectionData(name="Masks", title="Masquerade", anonymous=True)
    )
    desk = services.create_collection(
        mod, CollectionData(name="Front_Desk", title="Front Desk", moderated=True)
    )
    secret = make_work(creator, title=SECRET_TITLE, fandoms=["Secret Fandom"], gifts=["giftee"])
    # A stranger's public bookmark of the secret work (made before it joined the exchange) is
    # no way in either.
    create_bookmark(stranger, secret, BookmarkData(pseud=stranger.default_pseud, notes="Loved it"))
    services.add_work(creator, exchange, secret)
    anon = make_work(creator, title=ANON_TITLE, fandoms=["Masked Fandom"])
    services.add_work(creator, masks, anon)
    pending = make_work(creator, title=PENDING_TITLE, fandoms=["Desk Fandom"])
    services.add_work(creator, desk, pending)
    for work in (secret, anon, pending):
        work.refresh_from_db()
    viewers = {
        "guest": None,
        "stranger": stranger,
        "creator": creator,
        "collection moderator": mod,
        "archive moderator": archive_mod,
        "recipient": recipient,
    }
    return {
        "creator": creator,
        "recipient": recipient,
        "mod": mod,
        "exchange": exchange,
        "masks": masks,
        "desk": desk,
        "secret": secret,
        "anon": anon,
        "pending": pending,
        "viewers": viewers,
    }


LISTINGS = [
    "/works",
    "/works/search?work_search%5Bquery%5D=Winter",
    "/tags/Secret Fandom/works",
    "/tags/Secret Fandom/feed.atom",
    "/collections/Winter_Exchange/works",
    "/collections/Winter_Exchange/works.atom",
    "/collections/Winter_Exchange/bookmarks",
    "/bookmarks",
    f"/users/{CREATOR}",
    f"/users/{CREATOR}/works",
    "/users/giftee/gifts",
    "/users/giftee",
    "/users/passerby/bookmarks",
    "/opds/new",
    "/opds/collections/Winter_Exchange",
    "/api/v1/works",
]


def test_unrevealed_work_is_a_mystery_to_all_but_its_creator_and_moderators(world):
    secret = world["secret"]
    sees = {"creator", "collection moderator", "archive moderator"}
    for name, user in world["viewers"].items():
        client = _client(user)
        page = client.get(f"/works/{secret.pk}")
        body = _main(page.content.decode())
        if name in sees:
            assert page.status_code == 200, name
            assert SECRET_TITLE in body, name
            continue
        assert page.status_code == 200, name
        assert "Mystery Work" in body and "Winter Exchange" in body, name
        for secret_word in (SECRET_TITLE, "Secret Fandom", "giftee", CREATOR, "Cloud Strife"):
            assert secret_word not in body, (name, secret_word)
        # Nowhere else either: no listing, count, facet, feed, catalogue or API answer.
        for url in LISTINGS:
            answer = client.get(url)
            assert SECRET_TITLE not in answer.content.decode(), (name, url)
        assert "Secret Fandom" not in client.get("/works").content.decode(), name
        for url in (
            f"/downloads/{secret.pk}/x.html",
            f"/api/v1/works/{secret.pk}",
            f"/works/{secret.pk}/bookmarks",
            f"/works/{secret.pk}/navigate",
            f"/works/{secret.pk}/collections",
        ):
            assert client.get(url).status_code in (302, 404), (name, url)
        count = client.get("/collections/Winter_Exchange").content.decode()
        assert '<dd class="works"><a href="/collections/Winter_Exchange/works">0</a>' in count
    # The recipient was not told (their inbox holds the gift notice back until the reveal).
    inbox = _client(world["recipient"]).get("/users/giftee/inbox").content.decode()
    assert SECRET_TITLE not in inbox
    assert Notification.objects.filter(user=world["recipient"], kind=NotificationKind.GIFT).exists()

    # The reveal: the work comes out, named and credited, and the recipient learns of it.
    assert services.reveal_collection(world["mod"], world["exchange"]) == 1
    assert services.reveal_collection(world["mod"], world["exchange"]) == 0  # idempotent
    guest = _client()
    body = guest.get(f"/works/{secret.pk}").content.decode()
    assert SECRET_TITLE in body and CREATOR in body and "Mystery Work" not in body
    assert '<dd class="collections">' in body
    assert SECRET_TITLE in guest.get("/users/giftee/gifts").content.decode()
    assert SECRET_TITLE in guest.get("/collections/Winter_Exchange/works").content.decode()
    assert SECRET_TITLE in _client(world["recipient"]).get("/users/giftee/inbox").content.decode()


def test_anonymous_collection_hides_the_creator_until_the_reveal(world):
    anon = world["anon"]
    assert anon.anonymous and not anon.anonymous_by_choice
    for name, user in world["viewers"].items():
        client = _client(user)
        body = client.get(f"/works/{anon.pk}").content.decode()
        assert ANON_TITLE in body, name
        if name == "creator":
            continue
        assert CREATOR not in body, name
        assert "Anonymous" in body, name
        assert ANON_TITLE not in client.get(f"/users/{CREATOR}/works").content.decode(), name
        api = client.get(f"/api/v1/works/{anon.pk}").json()
        assert api["creators"] == [] and api["anonymous"] is True, name
        listed = client.get("/collections/Masks/works").content.decode()
        assert ANON_TITLE in listed and CREATOR not in listed, name
    services.reveal_collection(world["mod"], world["masks"])
    anon.refresh_from_db()
    assert not anon.anonymous
    assert CREATOR in _client().get(f"/works/{anon.pk}").content.decode()
    assert ANON_TITLE in _client().get(f"/users/{CREATOR}/works").content.decode()


def test_pending_item_leaves_the_work_alone_but_is_not_listed(world):
    pending = world["pending"]
    desk = world["desk"]
    for name, user in world["viewers"].items():
        client = _client(user)
        body = client.get(f"/works/{pending.pk}").content.decode()
        assert PENDING_TITLE in body and CREATOR in body, name
        assert '<dd class="collections">' not in body, name
        assert PENDING_TITLE in client.get("/works").content.decode(), name
        listed = client.get("/collections/Front_Desk/works").content.decode()
        assert PENDING_TITLE not in listed, name
    items = _client(world["mod"]).get("/collections/Front_Desk/items").content.decode()
    assert PENDING_TITLE in items
    # A stranger's items page shows their own items only (none).
    stranger = world["viewers"]["stranger"]
    assert (
        PENDING_TITLE not in _client(stranger).get("/collections/Front_Desk/items").content.decode()
    )
    item = desk.items.get()
    services.decide_item(world["mod"], item, approve=True)
    body = _client().get(f"/works/{pending.pk}").content.decode()
    assert '<dd class="collections"><a href="/collections/Front_Desk">Front Desk</a></dd>' in body
    assert PENDING_TITLE in _client().get("/collections/Front_Desk/works").content.decode()


def test_closed_collection_takes_new_works_from_its_moderators_only(world):
    desk = world["desk"]
    data = services.collection_data_from(desk)
    data.open = False
    services.update_collection(world["mod"], desk, data)
    fresh = make_work(world["creator"], title="Late Arrival")
    from lifestream.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.add_work(world["creator"], desk, fresh)
    item = services.invite_work(world["mod"], desk, fresh.pk)
    assert item.collection_approval == "approved" and item.user_approval == "pending"
