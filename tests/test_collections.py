"""Collections through their pages and the API: making and editing one (bad input kept and
named), Post to Collections on the work form, both sides' approvals on the items page, the
works and bookmarks listings (the listing stack, exact counts, the collection facet, query
counts), participants, subcollections, deleting, and the API's answers."""

from __future__ import annotations

import pytest
from django.test import Client
from test_posting import form_data

from archive_collections import services
from archive_collections.models import Approval, Collection, CollectionItem, Role
from archive_collections.services import CollectionData
from feedback.services.bookmarks import BookmarkData, create_bookmark
from lifestream.testing import make_user, make_work
from people.services import create_api_token
from works.models import Work

API = "/api/v1"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _collection(owner, name="Fluff_Fest", **fields) -> Collection:
    return services.create_collection(
        owner,
        CollectionData(name=name, title=fields.pop("title", name.replace("_", " ")), **fields),
    )


def test_make_and_edit_a_collection_through_its_pages(author, reader):
    owner = _client(author)
    assert _client().get("/collections/new").status_code == 302  # guests log in first
    bad = owner.post(
        "/collections/new",
        {
            "name": "Fluff Fest!",
            "title": "",
            "header_image_url": "http://example.org/x.png",
            "intro": "<p>Hi</p>",
            "open": "on",
        },
    )
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "letters, digits and underscores" in body
    assert "Please enter a title." in body
    assert "https://" in body and 'value="Fluff Fest!"' in body
    good = owner.post(
        "/collections/new",
        {
            "name": "Fluff_Fest",
            "title": "Fluff Fest",
            "intro": "<p>Soft <script>alert(1)</script>stories.</p>",
            "faq": "<p>Who? You.</p>",
            "rules": "<p>Be kind.</p>",
            "open": "on",
            "moderated": "on",
        },
    )
    assert good.status_code == 302 and good["Location"] == "/collections/Fluff_Fest"
    collection = Collection.objects.get(name="Fluff_Fest")
    assert collection.moderated and collection.open
    assert collection.participants.get().role == Role.OWNER
    page = _client().get("/collections/Fluff_Fest").content.decode()
    assert "Fluff Fest" in page and "Be kind." in page and "Who? You." in page
    assert "<script>" not in page and "Soft" in page
    assert "Owners:" in page and author.username in page
    # A second collection of the same name, in any case, is refused.
    taken = owner.post("/collections/new", {"name": "fluff_fest", "title": "Again"})
    assert taken.status_code == 422 and "That name is taken" in taken.content.decode()
    # Only owners edit; a subcollection has no subcollections.
    assert _client(reader).get("/collections/Fluff_Fest/edit").status_code == 403
    edited = owner.post(
        "/collections/Fluff_Fest/edit",
        {"name": "Fluff_Fest", "title": "Fluff Fest 2026", "open": "on"},
    )
    assert edited.status_code == 302
    collection.refresh_from_db()
    assert collection.title == "Fluff Fest 2026" and not collection.moderated
    child = owner.post(
        "/collections/new", {"name": "Fluff_Drabbles", "title": "Drabbles", "parent": "Fluff_Fest"}
    )
    assert child.status_code == 302
    grandchild = owner.post(
        "/collections/new", {"name": "Tiny", "title": "Tiny", "parent": "Fluff_Drabbles"}
    )
    assert "cannot have subcollections" in grandchild.content.decode()
    assert "Drabbles" in _client().get("/collections/Fluff_Fest").content.decode()
    # The list and its search.
    listed = _client().get("/collections?query=drabbles").content.decode()
    assert "Drabbles" in listed and "1 Collection" in listed
    assert "2 Collections" in _client().get("/collections").content.decode()
    assert (
        "Fluff Fest 2026" in _client().get(f"/users/{author.username}/collections").content.decode()
    )


def test_post_to_collections_from_the_work_form_and_approve_on_the_items_page(author, reader):
    mod = make_user("desk_mod")
    _collection(mod, "Front_Desk", moderated=True)
    _collection(mod, "Open_House")
    closed = _collection(mod, "Shut_In", open=False)
    creator = _client(author)
    # Unknown and closed collections: clear errors on the field, the text kept.
    refused = creator.post(
        "/works/new", form_data(author, collections="Front_Desk, Nowhere_Land, Shut_In")
    )
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "There is no collection named “Nowhere_Land”." in body
    assert "“Shut_In” is closed to new works." in body
    assert 'value="Front_Desk, Nowhere_Land, Shut_In"' in body
    assert not Work.objects.exists()
    posted = creator.post("/works/new", form_data(author, collections="Front_Desk, Open_House"))
    assert posted.status_code == 302
    work = Work.objects.get()
    desk_item = CollectionItem.objects.get(collection__name="Front_Desk")
    assert (desk_item.user_approval, desk_item.collection_approval) == (
        Approval.APPROVED,
        Approval.PENDING,
    )
    house_item = CollectionItem.objects.get(collection__name="Open_House")
    assert house_item.approved
    page = _client().get(f"/works/{work.pk}").content.decode()
    assert '<dd class="collections"><a href="/collections/Open_House">Open House</a></dd>' in page
    assert "Open House" in _client().get(f"/works/{work.pk}/collections").content.decode()
    # The edit form shows what the creator chose.
    assert (
        'value="Front_Desk, Open_House"' in creator.get(f"/works/{work.pk}/edit").content.decode()
    )
    # The moderator approves on the items page; the reader cannot.
    assert (
        _client(reader)
        .post("/collections/Front_Desk/items", {"action": "approve", "item_id": desk_item.pk})
        .status_code
        == 403
    )
    items = _client(mod).get("/collections/Front_Desk/items").content.decode()
    assert work.title in items
    approved = _client(mod).post(
        "/collections/Front_Desk/items", {"action": "approve", "item_id": desk_item.pk}
    )
    assert approved.status_code == 302
    listing = _client().get("/collections/Front_Desk/works").content.decode()
    assert work.title in listing and "1 Work in" in listing
    # The facet: both collections in /works' sidebar, with exact counts; ticking one filters.
    sidebar = _client().get("/works").content.decode()
    assert "Front_Desk (1)" in sidebar and "Open_House (1)" in sidebar
    house = Collection.objects.get(name="Open_House")
    other = make_work(author, title="Elsewhere")
    ticked = _client().get(f"/works?include_work_search[collection_ids][]={house.pk}")
    assert work.title in ticked.content.decode() and other.title not in ticked.content.decode()
    # Moderators invite into a closed collection; the creator accepts from their items page.
    services.invite_work(mod, closed, other.pk)
    mine = creator.get(f"/users/{author.username}/collection_items").content.decode()
    assert "Elsewhere" in mine and "Shut In" in mine
    assert _client(reader).get(f"/users/{author.username}/collection_items").status_code == 403
    invitation = CollectionItem.objects.get(collection=closed)
    creator.post(
        f"/users/{author.username}/collection_items/act",
        {"action": "approve", "item_id": invitation.pk, "collection": "Shut_In"},
    )
    invitation.refresh_from_db()
    assert invitation.approved
    # Removing the collection from the form takes the work out (the work stays).
    edit = creator.post(
        f"/works/{work.pk}/edit",
        form_data(author, collections="Open_House", action="update"),
    )
    assert edit.status_code == 302
    assert not CollectionItem.objects.filter(collection__name="Front_Desk").exists()


# Queries of each page, whatever the number of works, bookmarks and members: the works
# listing (the session-less guest: the collection, the index's change check, the page's
# works and their blurb data); the bookmarks listing and its facets; the profile (the
# collection, its people, the index's check and the bookmark count); the list with its owners.
PAGE_QUERIES = {
    (None, "/collections/Shelf/works"): 10,
    (None, "/collections/Shelf/bookmarks"): 12,
    (None, "/collections/Shelf"): 5,
    (None, "/collections"): 3,
    (None, "/collections/Shelf/works.atom"): 5,
    (None, "/users/cloud_author/collections"): 2,
    ("shelf_owner", "/collections/Shelf/items"): 8,
    ("cloud_author", "/collections/Shelf/items"): 8,
    ("shelf_owner", "/collections/Shelf/participants"): 7,
    ("cloud_author", "/users/cloud_author/collection_items"): 6,
}


def test_collection_pages_cost_the_same_for_more_works(author, reader, django_assert_num_queries):
    owner = make_user("shelf_owner")
    shelf = _collection(owner, "Shelf")
    users = {"shelf_owner": owner, "cloud_author": author}
    for size in (2, 6):
        while shelf.items.filter(work__isnull=False).count() < size:
            work = make_work(author, title=f"Shelf Work {shelf.items.count()}")
            services.add_work(author, shelf, work)
            bookmark = create_bookmark(reader, work, BookmarkData(notes=f"note {work.pk}"))
            services.add_bookmark(reader, shelf, bookmark.pk)
            services.join_collection(make_user(f"member{work.pk}"), shelf)
        for (login, url), expected in PAGE_QUERIES.items():
            client = _client(users.get(login or ""))
            client.get(url)  # the filter index is built, the session read, on a first visit
            with django_assert_num_queries(expected):
                assert client.get(url).status_code == 200
    guest = _client()
    body = guest.get("/collections/Shelf/works").content.decode()
    assert "6 Works in" in body and 'id="work-filters"' in body
    body = guest.get("/collections/Shelf/bookmarks").content.decode()
    assert "6 Bookmarks" in body
    body = guest.get("/collections/Shelf").content.decode()
    assert '<a href="/collections/Shelf/works">6</a>' in body
    assert '<a href="/collections/Shelf/bookmarks">6</a>' in body
    assert '<dd class="members">6</dd>' in body
    feed = guest.get("/collections/Shelf/works.atom").content.decode()
    assert feed.count("<entry>") == 6
    catalogue = guest.get("/opds/collections/Shelf").content.decode()
    assert catalogue.count("<entry>") == 6


def test_participants_join_apply_leave_and_owners_manage(author, reader, stranger):
    club = _collection(author, "Book_Club", moderated=True)
    join = _client(reader).post("/collections/Book_Club/participants", {"action": "join"})
    assert join.status_code == 302
    assert club.participants.get(user=reader).role == Role.APPLIED
    # Applications are the owners' to see.
    assert (
        reader.username
        not in _client(stranger).get("/collections/Book_Club/participants").content.decode()
    )
    owner = _client(author)
    assert reader.username in owner.get("/collections/Book_Club/participants").content.decode()
    owner.post(
        "/collections/Book_Club/participants",
        {"action": "set_role", "login": reader.username, "role": Role.MODERATOR},
    )
    assert club.participants.get(user=reader).role == Role.MODERATOR
    unknown = owner.post(
        "/collections/Book_Club/participants",
        {"action": "set_role", "login": "nobody_here", "role": Role.MEMBER},
    )
    assert unknown.status_code == 422 and "No such user." in unknown.content.decode()
    # A stranger cannot manage; the last owner cannot leave.
    denied = _client(stranger).post(
        "/collections/Book_Club/participants",
        {"action": "set_role", "login": stranger.username, "role": Role.OWNER},
    )
    assert denied.status_code == 403
    last = owner.post("/collections/Book_Club/participants", {"action": "leave"})
    assert last.status_code == 422 and "at least one owner" in last.content.decode()
    _client(reader).post("/collections/Book_Club/participants", {"action": "leave"})
    assert not club.participants.filter(user=reader).exists()


def test_deleting_a_collection_keeps_its_works_and_reveals_them(author):
    owner = make_user("party_host")
    party = _collection(owner, "Masked_Ball", unrevealed=True, anonymous=True)
    work = make_work(author, title="Behind the Mask")
    services.add_work(author, party, work)
    work.refresh_from_db()
    assert work.in_unrevealed_collection and work.anonymous
    assert _client(author).post("/collections/Masked_Ball/delete").status_code == 403
    assert _client(owner).post("/collections/Masked_Ball/delete").status_code == 302
    work.refresh_from_db()
    assert not work.in_unrevealed_collection and not work.anonymous
    assert "Behind the Mask" in _client().get("/works").content.decode()


def test_the_api_uses_the_same_services(author, reader):
    _, key = create_api_token(author, "tests")
    _, reader_key = create_api_token(reader, "tests")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    as_reader = Client(HTTP_AUTHORIZATION=f"Bearer {reader_key}")
    bad = api.post(
        f"{API}/collections", {"name": "no spaces", "title": ""}, content_type="application/json"
    )
    assert bad.status_code == 422
    codes = {(e["field"], e["code"]) for e in bad.json()["errors"]}
    assert ("name", "invalid_name") in codes and ("title", "required") in codes
    made = api.post(
        f"{API}/collections",
        {"name": "Api_Fest", "title": "API Fest", "unrevealed": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["owners"] == [author.username]
    listed = Client().get(f"{API}/collections?query=fest").json()
    assert [c["name"] for c in listed["results"]] == ["Api_Fest"]
    assert Client().get(f"{API}/collections/Nope").status_code == 404
    assert (
        as_reader.patch(
            f"{API}/collections/Api_Fest", {"title": "Mine"}, content_type="application/json"
        ).status_code
        == 403
    )
    patched = api.patch(
        f"{API}/collections/Api_Fest", {"title": "API Fest 2"}, content_type="application/json"
    )
    assert patched.json()["title"] == "API Fest 2" and patched.json()["unrevealed"] is True
    work = make_work(author, title="Api Secret")
    put = api.put(
        f"{API}/works/{work.pk}/collections",
        {"collections": ["Api_Fest", "Nowhere"]},
        content_type="application/json",
    )
    assert put.status_code == 422
    assert put.json()["errors"][0]["code"] == "unknown_collection"
    put = api.put(
        f"{API}/works/{work.pk}/collections",
        {"collections": ["Api_Fest"]},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["collections"] == ["Api_Fest"]
    # Unrevealed: not in the collection's works, nor anywhere, until the reveal.
    assert Client().get(f"{API}/collections/Api_Fest/works").json()["count"] == 0
    assert Client().get(f"{API}/works/{work.pk}").status_code == 404
    assert as_reader.post(f"{API}/collections/Api_Fest/reveal").status_code == 403
    assert api.post(f"{API}/collections/Api_Fest/reveal").json() == {"revealed_works": 1}
    assert api.post(f"{API}/collections/Api_Fest/reveal").json() == {"revealed_works": 0}
    works = Client().get(f"{API}/collections/Api_Fest/works").json()
    assert works["count"] == 1 and works["results"][0]["title"] == "Api Secret"
    assert Client().get(f"{API}/works/{work.pk}").status_code == 200


@pytest.mark.parametrize("name", ["", "a b", "a/b", "x" * 256, "<script>"])
def test_bad_collection_names_are_refused(author, name):
    with pytest.raises(Exception) as caught:
        services.create_collection(author, CollectionData(name=name, title="T"))
    assert caught.value.__class__.__name__ == "InvalidInput"
    assert caught.value.errors[0].field == "name"  # type: ignore[attr-defined]


def test_an_anonymous_collection_refuses_a_work_of_a_credited_series(author):
    from lifestream.core.errors import InvalidInput
    from works.series import add_work_to_series

    owner = make_user("mask_owner")
    masks = _collection(owner, "Masks", anonymous=True)
    first, second = make_work(author, title="One"), make_work(author, title="Two")
    series = add_work_to_series(author, first, new_title="Pair").series
    add_work_to_series(author, second, series=series)
    with pytest.raises(InvalidInput) as refused:
        services.add_work(author, masks, first)
    assert refused.value.errors[0].code == "series_anonymity"
    page = _client(author).post(
        f"/works/{first.pk}/edit", form_data(author, collections="Masks", action="update")
    )
    assert "credited works that would tell who wrote it" in page.content.decode()
    assert not CollectionItem.objects.exists()


def test_a_gift_in_an_unrevealed_collection_is_emailed_once_at_the_reveal(
    author, reader, django_capture_on_commit_callbacks
):
    from django.core import mail

    owner = make_user("exchange_owner")
    exchange = _collection(owner, "Yule_Swap", unrevealed=True)
    with django_capture_on_commit_callbacks(execute=True):
        work = make_work(author, title="Snowbound Gift", gifts=[reader.username])
        services.add_work(author, exchange, work)
        # Another notice for the recipient sends a digest: the gift is not in it, and waits.
        other = make_work(author, title="Plain Gift", gifts=[reader.username])
    bodies = "\n".join(str(message.body) for message in mail.outbox)
    assert "Snowbound Gift" not in bodies
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reveal_collection(owner, exchange)
    assert len(mail.outbox) == 1 and "Snowbound Gift" in str(mail.outbox[0].body)
    assert other.title not in str(mail.outbox[0].body)
    with django_capture_on_commit_callbacks(execute=True):
        services.reveal_collection(owner, exchange)
    assert len(mail.outbox) == 1  # told once


def test_add_a_bookmark_to_collections_from_the_bookmark_form(author, reader):
    owner = make_user("rec_owner")
    _collection(owner, "Rec_List")
    work = make_work(author, title="Worth Reading")
    client = _client(reader)
    refused = client.post(
        f"/works/{work.pk}/bookmarks/new",
        {"notes": "Lovely", "collections": "Rec_List, Nope_List", "private": "on"},
    )
    assert "A private bookmark cannot go into a collection." in refused.content.decode()
    refused = client.post(
        f"/works/{work.pk}/bookmarks/new", {"notes": "Lovely", "collections": "Nope_List"}
    )
    body = refused.content.decode()
    assert "There is no collection named “Nope_List”." in body and 'value="Nope_List"' in body
    assert not work.bookmarks.exists()
    made = client.post(
        f"/works/{work.pk}/bookmarks/new", {"notes": "Lovely", "collections": "Rec_List"}
    )
    assert made.status_code == 302
    bookmark = work.bookmarks.get()
    assert CollectionItem.objects.get(bookmark=bookmark).approved
    assert "Lovely" in _client().get("/collections/Rec_List/bookmarks").content.decode()
    edit = client.get(f"/bookmarks/{bookmark.pk}/edit").content.decode()
    assert 'value="Rec_List"' in edit
    client.post(
        f"/bookmarks/{bookmark.pk}/edit",
        {"pseud": reader.default_pseud.pk, "notes": "Lovely", "collections": ""},
    )
    assert not CollectionItem.objects.exists()
