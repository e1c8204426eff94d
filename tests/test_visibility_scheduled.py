"""The visibility matrix for scheduled posting: a scheduled work and a scheduled chapter ×
every viewer × every route that shows works, before their moment and after it.

Viewers: a guest, a stranger, a tag wrangler, the creator, an admin.
States: "work" (a work scheduled an hour ahead) and "chapter" (a posted work whose second
chapter is scheduled an hour ahead).
Times: "before" the moment, and "after" it with no task run yet: the pages read the clock, so
nothing is early and nothing waits on a worker. Subscribers' notices come from the task only,
once.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from feedback.models import Notification, NotificationKind
from feedback.services.subscriptions import subscribe
from lifestream.testing import make_admin, make_user, make_work
from people.services import create_api_token
from tags.models import Tag
from works.models import Chapter
from works.services import ChapterData, add_chapter, release_due
from works.tasks import post_scheduled

VIEWERS = ("guest", "stranger", "wrangler", "creator", "admin")
TIMES = ("before", "after")
FANDOM = "Schedule Fandom"
# Words found only in the scheduled text.
WORK_WORD = "zeppelin"
CHAPTER_WORD = "airship"


class Clock:
    """Moves this process's clock (Django's `timezone.now` and `time.time`) forward."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.offset = dt.timedelta()
        self.real_now, self.real_time = timezone.now, time.time

    def advance(self, delta: dt.timedelta) -> None:
        self.offset += delta
        offset = self.offset
        self.monkeypatch.setattr(timezone, "now", lambda: self.real_now() + offset)
        self.monkeypatch.setattr(time, "time", lambda: self.real_time() + offset.total_seconds())


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def world(db):
    creator = make_user("matrix_creator")
    subscriber = make_user("matrix_subscriber")
    users = {
        "guest": None,
        "stranger": make_user("matrix_stranger"),
        "wrangler": make_user("matrix_wrangler", is_tag_wrangler=True),
        "creator": creator,
        "admin": make_admin("matrix_admin"),
    }
    growing = make_work(creator, title="Growing Work", fandoms=[f"{FANDOM} Chapter"])
    subscribe(subscriber, creator=creator)
    subscribe(subscriber, work=growing)
    moment = timezone.now() + dt.timedelta(hours=1)
    scheduled = make_work(
        creator,
        title="Scheduled Work",
        fandoms=[f"{FANDOM} Work"],
        body=f"<p>The {WORK_WORD} waited over Midgar.</p>",
        scheduled_for=moment,
    )
    chapter = add_chapter(
        growing,
        ChapterData(body=f"<p>An {CHAPTER_WORD} over the plate.</p>", scheduled_for=moment),
        post=True,
    )
    Tag.objects.filter(name__startswith=FANDOM).update(canonical=True)
    return {
        "users": users,
        "subscriber": subscriber,
        "scheduled": scheduled,
        "growing": growing,
        "chapter": chapter,
        "first_chapter": growing.chapters.get(position=1),
    }


def _client(world: dict, viewer: str) -> Client:
    client = Client()
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    return client


def _api(world: dict, viewer: str) -> dict:
    user = world["users"][viewer]
    if user is None:
        return {}
    _, key = create_api_token(user, "matrix")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _at(clock: Clock, when: str) -> None:
    if when == "after":
        clock.advance(dt.timedelta(hours=2))


def _sees(viewer: str, when: str) -> bool:
    """Whether `viewer` sees the scheduled work or chapter on its own pages."""
    return when == "after" or viewer == "creator"


def _listed(when: str) -> bool:
    """Listings, counts, facets and feeds never show a scheduled work, not even to its creator
    (it is on their drafts page); from its moment, everyone's."""
    return when == "after"


def test_the_world_is_scheduled(world):
    assert world["scheduled"].is_scheduled and not world["scheduled"].posted
    assert world["chapter"].is_scheduled and not world["chapter"].posted
    assert world["scheduled"].chapters.get().is_scheduled


WORK_PAGES = {
    "work": "/works/{work}?view_adult=true",
    "full work": "/works/{work}?view_full_work=true",
    "chapter": "/works/{work}/chapters/{chapter}",
    "chapter index": "/works/{work}/navigate",
    "chapter link": "/chapters/{chapter}",
}


@pytest.mark.parametrize("page", WORK_PAGES)
@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_scheduled_work_pages(world, clock, viewer, when, page):
    work = world["scheduled"]
    _at(clock, when)
    url = WORK_PAGES[page].format(work=work.pk, chapter=work.chapters.get().pk)
    response = _client(world, viewer).get(url)
    if not _sees(viewer, when):
        # Not "log in": a guest learns nothing of it either.
        assert response.status_code == 404
        assert "Scheduled Work" not in response.content.decode()
    elif page == "chapter link":
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Scheduled Work" in body
        # The creator is told when it goes out; readers see no such notice.
        assert ("Scheduled for" in body) is (when == "before")
        assert "This work is a draft" not in body


@pytest.mark.parametrize("page", ["full work", "chapter", "chapter index", "chapter link"])
@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_scheduled_chapter_pages(world, clock, viewer, when, page):
    work, chapter = world["growing"], world["chapter"]
    _at(clock, when)
    url = WORK_PAGES[page].format(work=work.pk, chapter=chapter.pk)
    response = _client(world, viewer).get(url)
    body = response.content.decode()
    if page in {"chapter", "chapter link"} and not _sees(viewer, when):
        assert response.status_code == 404
        return
    assert response.status_code == (302 if page == "chapter link" else 200)
    if page == "chapter index":
        assert (f"/chapters/{chapter.pk}" in body) is _sees(viewer, when)
        assert ("(Scheduled for" in body) is (viewer == "creator" and when == "before")
    elif page != "chapter link":
        assert (CHAPTER_WORD in body) is _sees(viewer, when)


LISTINGS = {
    "home": "/",
    "all works": "/works",
    "user works": "/users/matrix_creator/works",
    "pseud works": "/users/matrix_creator/pseuds/matrix_creator/works",
    "tag works": f"/tags/{FANDOM} Work/works",
}


@pytest.mark.parametrize("listing", LISTINGS)
@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_listings(world, clock, viewer, when, listing, django_assert_max_num_queries):
    client = _client(world, viewer)
    client.get(LISTINGS[listing])  # the filter index is built before the clock moves
    _at(clock, when)
    with django_assert_max_num_queries(25):
        response = client.get(LISTINGS[listing])
    assert response.status_code == 200
    body = response.content.decode()
    assert ("Scheduled Work" in body) is _listed(when)
    assert "Growing Work" in body or listing == "tag works"


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_counts_and_facets(world, clock, viewer, when):
    client = _client(world, viewer)
    client.get("/works")
    _at(clock, when)
    fandom = f"{FANDOM} Work"
    listed = _listed(when)
    assert ("1 Work in" if listed else "0 Works in") in client.get(
        f"/tags/{fandom}/works"
    ).content.decode()
    assert f"Works ({int(listed)})" in client.get(f"/tags/{fandom}").content.decode()
    assert (f"<span>{fandom} (1)</span>" in client.get("/works").content.decode()) is listed
    api = Client().get("/api/v1/works", **_api(world, viewer)).json()
    assert (fandom in {facet["name"] for facet in api["facets"]["fandom"]}) is listed
    assert api["count"] == 1 + listed
    # The creator's dashboard count.
    dashboard = client.get("/users/matrix_creator").content.decode()
    assert f"Works ({1 + listed})" in dashboard


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_scheduled_chapter_is_not_counted_early(world, clock, viewer):
    headers = _api(world, viewer)
    growing, first = world["growing"], world["first_chapter"]
    data = Client().get(f"/api/v1/works/{growing.pk}", **headers).json()
    assert (data["chapter_count"], data["word_count"]) == (1, first.word_count)
    page = _client(world, viewer).get(f"/works/{growing.pk}").content.decode()
    assert '<dd class="chapters">1/?</dd>' in page
    clock.advance(dt.timedelta(hours=2))
    release_due()
    data = Client().get(f"/api/v1/works/{growing.pk}", **headers).json()
    assert (data["chapter_count"], data["word_count"]) == (
        2,
        first.word_count + world["chapter"].word_count,
    )


@pytest.mark.parametrize("viewer", VIEWERS)
def test_text_search_never_finds_scheduled_text_early(
    world, clock, viewer, django_capture_on_commit_callbacks
):
    from search.text import rebuild

    rebuild()
    client = _client(world, viewer)
    for word in (WORK_WORD, CHAPTER_WORD):
        page = client.get(f"/works/search?work_search[query]={word}").content.decode()
        assert "Scheduled Work" not in page and "Growing Work" not in page
    clock.advance(dt.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        release_due()  # the task's work: the text index hears of the posts
    assert (
        "Scheduled Work"
        in client.get(f"/works/search?work_search[query]={WORK_WORD}").content.decode()
    )
    assert (
        "Growing Work"
        in client.get(f"/works/search?work_search[query]={CHAPTER_WORD}").content.decode()
    )


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_feeds_and_opds(world, clock, viewer, when):
    from search import text

    text.index_works([world["scheduled"].pk, world["growing"].pk])
    _at(clock, when)
    client = _client(world, viewer)
    tag = Tag.objects.get(name=f"{FANDOM} Work")
    assert ("Scheduled Work" in client.get(f"/tags/{tag.pk}/feed.atom").content.decode()) is (
        _listed(when)
    )
    for url in ("/opds/new", "/opds/users/matrix_creator"):
        assert ("Scheduled Work" in client.get(url).content.decode()) is _listed(when)


@pytest.mark.parametrize("extension", ["epub", "html", "txt"])
@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_downloads(world, clock, viewer, when, extension, settings, tmp_path):
    """A scheduled work is never packaged before its moment, for its creator neither; a
    scheduled chapter is left out of its work's files until then."""
    settings.DATA_DIR = tmp_path
    _at(clock, when)
    client = _client(world, viewer)
    scheduled = client.get(f"/downloads/{world['scheduled'].pk}/Work.{extension}")
    assert scheduled.status_code == (200 if when == "after" else 404)
    growing = client.get(f"/downloads/{world['growing'].pk}/Work.{extension}")
    assert growing.status_code == 200
    content = growing.getvalue()
    if extension == "epub":
        book = zipfile.ZipFile(io.BytesIO(content))
        content = b"".join(book.read(name) for name in book.namelist() if name.endswith(".xhtml"))
    assert (CHAPTER_WORD.encode() in content) is (when == "after")


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api(world, clock, viewer, when):
    _at(clock, when)
    headers = _api(world, viewer)
    work, chapter = world["scheduled"], world["chapter"]
    sees = _sees(viewer, when)
    for url in (f"/api/v1/works/{work.pk}", f"/api/v1/chapters/{chapter.pk}"):
        response = Client().get(url, **headers)
        assert response.status_code == (200 if sees else 404), url
        if sees:
            data = response.json()
            assert data["draft"] is (when == "before")
            assert (data["scheduled_for"] is not None) is (when == "before")
    entries = Client().get(f"/api/v1/works/{world['growing'].pk}", **headers).json()["chapters"]
    assert (chapter.pk in {entry["id"] for entry in entries}) is sees
    listed = {w["title"] for w in Client().get("/api/v1/works", **headers).json()["results"]}
    assert ("Scheduled Work" in listed) is _listed(when)


def test_subscribers_are_told_once_by_the_task_not_at_saving(world, clock):
    subscriber = world["subscriber"]
    client = Client()
    client.force_login(subscriber)
    assert not Notification.objects.filter(user=subscriber).exists()
    clock.advance(dt.timedelta(hours=2))
    # Readers see both now; the notices wait for the task.
    assert not Notification.objects.filter(user=subscriber).exists()
    post_scheduled.call(world["scheduled"].pk, None)
    post_scheduled.call(world["scheduled"].pk, None)  # run twice (a retry, a second worker)
    release_due()  # and the sweep after it
    kinds = sorted(Notification.objects.filter(user=subscriber).values_list("kind", flat=True))
    assert kinds == sorted([NotificationKind.NEW_WORK, NotificationKind.NEW_CHAPTER])
    inbox = client.get(f"/users/{subscriber.username}/inbox").content.decode()
    assert "Scheduled Work" in inbox and "Growing Work" in inbox
    assert Chapter.objects.get(pk=world["chapter"].pk).posted


def test_a_notice_of_a_work_scheduled_again_stays_hidden(world, clock):
    """The inbox rule reads the clock too: nothing about a scheduled work shows early."""
    from access.visibility import visible_notices_q

    subscriber = world["subscriber"]
    Notification.objects.create(
        user=subscriber, kind=NotificationKind.NEW_WORK, work=world["scheduled"]
    )
    assert not Notification.objects.filter(visible_notices_q(subscriber)).exists()
    clock.advance(dt.timedelta(hours=2))
    assert Notification.objects.filter(visible_notices_q(subscriber)).exists()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_drafts_page_shows_the_schedule_to_its_owner_only(world, viewer):
    response = _client(world, viewer).get("/users/matrix_creator/works/drafts")
    if viewer == "creator":
        body = response.content.decode()
        assert "Scheduled Work" in body and "Scheduled for" in body
    else:
        assert response.status_code in {302, 403, 404}
