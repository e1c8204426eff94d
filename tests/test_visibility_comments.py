"""The comments part of the visibility matrix: every viewer × every state of a work × every
comment route, page and API response; held comments; guests' emails; muted writers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from shared_world import module_world

from feedback.models import Comment, CommentStatus
from feedback.services.comments import post_comment
from lifestream.testing import make_admin, make_user, make_work
from people.models import Mute
from people.services import create_api_token

VIEWERS = ("guest", "stranger", "creator", "admin")
STATES = ("public", "restricted", "draft", "deleted")
GUEST_EMAIL = "hidden-guest-address@example.org"


def _build_world():
    creator = make_user("c_creator")
    stranger = make_user("c_stranger")
    writer = make_user("c_writer")
    admin = make_admin("c_admin")
    works = {
        "public": make_work(creator, title="Public Work"),
        "restricted": make_work(creator, title="Restricted Work", restricted=True),
        "draft": make_work(creator, title="Draft Work", draft=True),
        "deleted": make_work(creator, title="Deleted Work"),
    }
    comments = {}
    for state, work in works.items():
        if state == "draft":
            # Drafts take no comments; a row that got there anyway must not leak either.
            comment = Comment.objects.create(
                work=work, user=writer, pseud=writer.default_pseud, body=f"Said on {state}"
            )
            comment.thread = comment
            comment.save()
        else:
            comment = post_comment(writer, work, f"Said on {state}")
        comments[state] = comment
    deleted_ids = (works["deleted"].pk, comments["deleted"].pk)
    works["deleted"].delete()
    users = {"guest": None, "stranger": stranger, "creator": creator, "admin": admin}
    return {
        "users": users,
        "works": works,
        "comments": comments,
        "deleted_ids": deleted_ids,
        "creator": creator,
        "writer": writer,
        "stranger": stranger,
    }


# Built once for the module; each test runs in a savepoint of its own (tests/shared_world.py).
world, _world_rows = module_world(_build_world)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _ids(world, state):
    if state == "deleted":
        return world["deleted_ids"]
    return world["works"][state].pk, world["comments"][state].pk


def _expected(state: str, viewer: str) -> str:
    if state == "public":
        return "read"
    if state == "restricted":
        return "login" if viewer == "guest" else "read"
    return "missing"


PAGE_ROUTES = [
    "/works/{work}/comments",
    "/comments/{comment}",
    "/comments/{comment}/reply",
]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("route", PAGE_ROUTES)
def test_comment_pages(world, state, viewer, route):
    work_id, comment_id = _ids(world, state)
    response = _client(world["users"][viewer]).get(route.format(work=work_id, comment=comment_id))
    expected = _expected(state, viewer)
    if state == "draft" and viewer == "creator" and route.startswith("/works/"):
        expected = "closed"  # the creator reads the draft, but comments open once it is posted
    if expected == "read":
        assert response.status_code == 200
        assert f"Said on {state}" in response.content.decode()
    elif expected == "login":
        assert response.status_code == 302 and "/users/login" in response["Location"]
    elif expected == "closed":
        assert response.status_code == 403
        assert "Said on" not in response.content.decode()
    else:
        assert response.status_code == 404
        assert "Said on" not in response.content.decode()


# The work page's comment section: the first chapter's conversation, every comment on the work
# (where the comment count leads), and a chapter's.
SECTION_ROUTES = [
    "/works/{work}",
    "/works/{work}?show_comments=true",
    "/works/{work}/chapters/{chapter}?show_comments=true",
]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("route", SECTION_ROUTES)
def test_work_page_comment_section(world, state, viewer, route):
    work_id, _ = _ids(world, state)
    chapter = world["works"][state].chapters.first() if state != "deleted" else None
    url = route.format(work=work_id, chapter=chapter.pk if chapter else 10**9)
    response = _client(world["users"][viewer]).get(url)
    html = response.content.decode()
    if _expected(state, viewer) == "read":
        assert f"Said on {state}" in html
    elif state == "draft" and viewer == "creator":
        # The draft itself shows, with no comment section.
        assert response.status_code == 200
        assert "comments_placeholder" not in html and "Said on" not in html
    else:
        assert "Said on" not in html


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_posting_routes(world, state, viewer):
    """Nobody comments where they can't read; guests not on restricted works."""
    work_id, comment_id = _ids(world, state)
    client = _client(world["users"][viewer])
    data = {"body": "new words", "guest_name": "G", "guest_email": "g@example.org"}
    for path in (f"/works/{work_id}/comments", f"/comments/{comment_id}/reply"):
        response = client.post(path, data)
        expected = _expected(state, viewer)
        if expected == "read":
            assert response.status_code == 302 and response["Location"].startswith("/comments/")
        elif expected == "login":
            assert response.status_code == 302 and "/users/login" in response["Location"]
        else:
            assert response.status_code in (403, 404)
    assert Comment.objects.filter(body="new words").count() == (
        2 if _expected(state, viewer) == "read" else 0
    )


API = "/api/v1"


def _api(world, viewer):
    user = world["users"][viewer]
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {create_api_token(user, 't')[1]}"
    return Client(headers=headers)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_reads(world, state, viewer):
    work_id, comment_id = _ids(world, state)
    api = _api(world, viewer)
    listing = api.get(f"{API}/works/{work_id}/comments")
    single = api.get(f"{API}/comments/{comment_id}")
    expected = _expected(state, viewer)
    if expected == "read":
        assert listing.json()["results"][0]["body"] == f"Said on {state}"
        assert single.status_code == 200
    elif expected == "login":
        assert (listing.status_code, single.status_code) == (401, 401)
    elif state == "draft" and viewer == "creator":
        assert listing.json()["count"] == 0
        assert single.status_code == 404
    else:
        assert (listing.status_code, single.status_code) == (404, 404)
    assert "Said on" not in (listing.content + single.content).decode() or expected == "read"


# --- held comments ------------------------------------------------------------------------------


@pytest.fixture
def held(db):
    creator = make_user("m_creator")
    writer = make_user("m_writer")
    work = make_work(creator, moderated_comments=True)
    comment = post_comment(writer, work, "Held for approval")
    assert comment.status == CommentStatus.PENDING
    return {
        "work": work,
        "comment": comment,
        "users": {
            "guest": None,
            "stranger": make_user("m_stranger"),
            "creator": creator,
            "writer": writer,
            "admin": make_admin("m_admin"),
        },
    }


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [("guest", False), ("stranger", False), ("admin", False), ("creator", True), ("writer", True)],
)
def test_held_comment_is_seen_by_creator_and_writer_only(held, viewer, sees):
    user = held["users"][viewer]
    client = _client(user)
    work, comment = held["work"], held["comment"]
    pages = [
        client.get(f"/works/{work.pk}").content.decode(),
        client.get(f"/works/{work.pk}?show_comments=true").content.decode(),
        client.get(f"/works/{work.pk}/comments").content.decode(),
    ]
    permalink = client.get(f"/comments/{comment.pk}")
    api = _api({"users": held["users"]}, viewer)
    api_listing = api.get(f"{API}/works/{work.pk}/comments").content.decode()
    api_single = api.get(f"{API}/comments/{comment.pk}")
    for text in [*pages, api_listing]:
        assert ("Held for approval" in text) is sees
    assert permalink.status_code == (200 if sees else 404)
    assert api_single.status_code == (200 if sees else 404)
    unreviewed = client.get(f"/works/{work.pk}/comments/unreviewed")
    if viewer == "creator":
        assert "Held for approval" in unreviewed.content.decode()
    else:
        assert unreviewed.status_code in (302, 403)


# --- guests' emails -----------------------------------------------------------------------------


def test_guest_email_is_in_no_page_and_no_api_answer(world):
    work = world["works"]["public"]
    comment = post_comment(
        AnonymousUser(), work, "From a guest", guest_name="Passing Guest", guest_email=GUEST_EMAIL
    )
    post_comment(world["creator"], work, "Thanks, guest", parent=comment)
    routes = [
        f"/works/{work.pk}",
        f"/works/{work.pk}?show_comments=true",
        f"/works/{work.pk}/comments",
        f"/works/{work.pk}/comments/unreviewed",
        f"/comments/{comment.pk}",
        f"/comments/{comment.pk}/reply",
        f"/comments/{comment.pk}/delete",
    ]
    api_routes = [f"{API}/works/{work.pk}/comments", f"{API}/comments/{comment.pk}"]
    for viewer in VIEWERS:
        client = _client(world["users"][viewer])
        for route in routes:
            assert GUEST_EMAIL not in client.get(route).content.decode(), (viewer, route)
        api = _api(world, viewer)
        for route in api_routes:
            response = api.get(route)
            assert response.status_code == 200
            assert GUEST_EMAIL not in response.content.decode(), (viewer, route)
    # The guest's name is public; the email only reached the database.
    assert "Passing Guest" in Client().get(f"/comments/{comment.pk}").content.decode()
    assert Comment.objects.get(pk=comment.pk).guest_email == GUEST_EMAIL


# --- muted writers ------------------------------------------------------------------------------


def test_muted_writer_is_hidden_for_the_muter_in_pages_and_api(world):
    work = world["works"]["public"]
    muter = world["stranger"]
    lone = post_comment(world["writer"], work, "Nobody answered me")
    Mute.objects.create(muter=muter, muted=world["writer"])
    # "Said on public" (also the writer's) got no replies either.
    for route in ("", "?show_comments=true", "/comments"):
        html = _client(muter).get(f"/works/{work.pk}{route}").content.decode()
        assert "Nobody answered me" not in html and "Said on public" not in html
    api = _api(world, "stranger")
    listing = api.get(f"{API}/works/{work.pk}/comments").json()
    assert listing["count"] == 0
    for viewer in ("guest", "creator", "admin"):
        other = _client(world["users"][viewer]).get(f"/works/{work.pk}").content.decode()
        assert "Nobody answered me" in other
    # Opened by its address, the comment is still there (as a muted work is).
    assert _client(muter).get(f"/comments/{lone.pk}").status_code == 200


# Moderation: approving a held comment is the work's creators' alone; freezing and unfreezing a
# thread, its creators' and the archive's admins'. Nobody else changes anything, and a comment
# on a work the viewer can't read answers as if it didn't exist.
MODERATORS = {
    "approve": {"creator"},
    "freeze": {"creator", "admin"},
    "unfreeze": {"creator", "admin"},
}


@pytest.mark.parametrize("action", MODERATORS)
@pytest.mark.parametrize("state", ["public", "restricted", "draft", "deleted"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_moderation_actions(world, viewer, state, action):
    _, comment_id = _ids(world, state)
    if state != "deleted":
        Comment.objects.filter(pk=comment_id).update(
            status=CommentStatus.PENDING if action == "approve" else CommentStatus.PUBLISHED,
            is_frozen=action == "unfreeze",
        )
    before = list(Comment.objects.filter(pk=comment_id).values_list("status", "is_frozen"))
    page = _client(world["users"][viewer]).post(f"/comments/{comment_id}/{action}")
    user = world["users"][viewer]
    api = Client()
    if user is not None:
        _, key = create_api_token(user, "matrix")
        api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    answer = api.post(f"/api/v1/comments/{comment_id}/{action}")
    after = list(Comment.objects.filter(pk=comment_id).values_list("status", "is_frozen"))
    allowed = viewer in MODERATORS[action] and state in {"public", "restricted"}
    if allowed:
        assert page.status_code in {200, 302} and answer.status_code == 200
        assert after != before
    else:
        assert after == before
        assert page.status_code in {302, 403, 404} and answer.status_code in {401, 403, 404}
        if _expected(state, viewer) == "missing":
            # Guests are sent to log in before anything is looked up, whether it exists or not.
            assert page.status_code == (302 if viewer == "guest" else 404)
            assert answer.status_code == (401 if viewer == "guest" else 404)


@pytest.mark.parametrize("target", ("work_id", "chapter_id", "comment_id"))
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_comment_script(world, state, viewer, target):
    """AO3's `/comments.js` posts where the page's form does (a work, a chapter, a reply), and
    says of every work the viewer may not read what it says of one that never existed."""
    work_id, comment_id = _ids(world, state)
    chapter = world["works"][state].chapters.first() if state != "deleted" else None
    ids = {
        "work_id": work_id,
        "chapter_id": chapter.pk if chapter else 10**9,
        "comment_id": comment_id,
    }
    data = {
        target: str(ids[target]),
        "comment[comment_content]": "scripted words",
        "comment[name]": "G",
        "comment[email]": "g@example.org",
    }
    response = _client(world["users"][viewer]).post("/comments.js", data)
    posted = Comment.objects.filter(body__contains="scripted words")
    if _expected(state, viewer) == "read":
        # AO3's answer to a saved comment, which its clients read as success.
        assert response.status_code == 404
        assert posted.filter(pk=response.json()["id"]).exists()
    elif state == "draft" and viewer == "creator" and target != "comment_id":
        # The creator may open their draft, and is told why it takes no comments yet.
        assert response.status_code == 422
        assert "posted" in response.json()["errors"]["commentable"][0]
        assert not posted.exists()
    else:
        assert (response.status_code, response.content) == (404, b"")
        assert not posted.exists()


# --- every comment on a work of several chapters ------------------------------------------------


@pytest.fixture
def chaptered(db):
    """A work of two chapters with a comment on each, a held one, a blocked reader, a muted
    writer with an answered thread, and an anonymous twin whose creator answers."""
    from people.models import Block

    creator = make_user("w_creator")
    writer = make_user("w_writer")
    muted = make_user("w_muted")
    stranger = make_user("w_stranger")
    blocked = make_user("w_blocked")
    work = make_work(creator, title="Two Parts", chapters=2)
    first, second = work.chapters.order_by("position")
    post_comment(writer, work, "Public on one", chapter=first)
    post_comment(writer, work, "Public on two", chapter=second)
    muted_thread = post_comment(muted, work, "Muted voice", chapter=second)
    post_comment(writer, work, "Answer to the muted", parent=muted_thread)
    Mute.objects.create(muter=stranger, muted=muted)
    Block.objects.create(blocker=creator, blocked=blocked)
    moderated = make_work(creator, title="Held Parts", chapters=2, moderated_comments=True)
    post_comment(
        writer, moderated, "Held on two", chapter=moderated.chapters.order_by("position")[1]
    )
    unsigned = make_work(creator, title="Unsigned Parts", chapters=2, anonymous=True)
    question = post_comment(writer, unsigned, "Who are you?", chapter=unsigned.chapters.last())
    post_comment(creator, unsigned, "Nobody you know", parent=question)
    return {
        "work": work,
        "moderated": moderated,
        "unsigned": unsigned,
        "users": {
            "guest": None,
            "creator": creator,
            "writer": writer,
            "stranger": stranger,
            "blocked": blocked,
            "admin": make_admin("w_admin"),
        },
    }


WHOLE_WORK_ROUTES = ["/works/{work}?show_comments=true", "/works/{work}/comments"]


@pytest.mark.parametrize("route", WHOLE_WORK_ROUTES)
@pytest.mark.parametrize("viewer", ["guest", "creator", "writer", "stranger", "blocked", "admin"])
def test_whole_work_comments_keep_every_rule(chaptered, route, viewer):
    client = _client(chaptered["users"][viewer])
    html = client.get(route.format(work=chaptered["work"].pk)).content.decode()
    # Both chapters' comments, each saying where it is.
    assert "Public on one" in html and "Public on two" in html
    assert "on <a" in html and "Chapter 2</a>" in html
    # A mute hides the muted writer's words for the muter, keeping the answer in place.
    assert ("Muted voice" in html) is (viewer != "stranger")
    assert "Answer to the muted" in html
    # A reader the creator blocked reads, but is not offered a form.
    assert ('name="body"' in html) is (viewer != "blocked")
    # A held comment: for the work's creators and its writer only.
    held = client.get(route.format(work=chaptered["moderated"].pk)).content.decode()
    assert ("Held on two" in held) is (viewer in {"creator", "writer"})
    # An anonymous work's creator signs "Anonymous Creator", for everyone.
    unsigned = client.get(route.format(work=chaptered["unsigned"].pk)).content.decode()
    assert "Nobody you know" in unsigned and "Anonymous Creator" in unsigned
    assert "w_creator" not in unsigned or viewer == "creator"
