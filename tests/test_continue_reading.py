""" "Continue reading": a logged-in reader's page tells how far into a chapter they got; the home
page offers the works they were reading, at that chapter and that place, until they finish."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from feedback.models import Reading
from lifestream.testing import make_user, make_work
from people.services import mute_user, set_preferences
from works.models import Chapter

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _chapter(work, number: int) -> Chapter:
    return work.chapters.order_by("position")[number - 1]


def _continue(client: Client) -> list[Any]:
    page = BeautifulSoup(client.get("/").content, "html.parser")
    return page.select("#continue-reading li")


@pytest.fixture
def saga(author):
    return make_work(author, title="The Long Road", chapters=3)


def test_the_place_read_is_kept_and_offered_on_the_home_page(saga, reader):
    client = _login(reader)
    second = _chapter(saga, 2)
    page = client.get(f"/works/{saga.pk}/chapters/{second.pk}").content.decode()
    url = f"/works/{saga.pk}/chapters/{second.pk}/position"
    assert f'data-url="{url}"' in page and "reading_position.js" in page
    assert client.post(url, {"position": "400"}).status_code == 204
    assert Reading.objects.get(user=reader).position == 400
    (item,) = _continue(client)
    assert item.a["href"] == f"/works/{saga.pk}/chapters/{second.pk}?resume=400"
    assert item.a.get_text() == "The Long Road"
    assert " ".join(item.select_one(".place").get_text().split()) == "Chapter 2 of 3, about 40% in"


def test_another_chapter_starts_again_and_the_same_keeps_its_place(saga, reader):
    client = _login(reader)
    first, second = _chapter(saga, 1), _chapter(saga, 2)
    client.get(f"/works/{saga.pk}/chapters/{first.pk}")
    client.post(f"/works/{saga.pk}/chapters/{first.pk}/position", {"position": "700"})
    client.get(f"/works/{saga.pk}/chapters/{first.pk}")
    assert Reading.objects.get(user=reader).position == 700
    client.get(f"/works/{saga.pk}/chapters/{second.pk}")
    assert Reading.objects.get(user=reader).position is None
    # A place sent for a chapter the reader is not on is not taken.
    client.post(f"/works/{saga.pk}/chapters/{first.pk}/position", {"position": "300"})
    assert Reading.objects.get(user=reader).position is None


def test_a_finished_work_leaves_the_list(saga, reader):
    client = _login(reader)
    last = _chapter(saga, 3)
    client.get(f"/works/{saga.pk}/chapters/{last.pk}")
    client.post(f"/works/{saga.pk}/chapters/{last.pk}/position", {"position": "990"})
    assert _continue(client) == []


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("5000", 1000), ("99999", None), ("-3", None), ("abc", None), ("", None), ("٣٠٠", None)],
)
def test_odd_positions(saga, reader, sent, kept):
    client = _login(reader)
    first = _chapter(saga, 1)
    client.get(f"/works/{saga.pk}/chapters/{first.pk}")
    assert (
        client.post(
            f"/works/{saga.pk}/chapters/{first.pk}/position", {"position": sent}
        ).status_code
        == 204
    )
    assert Reading.objects.get(user=reader).position == kept


def test_who_is_tracked(saga, author, reader):
    first = _chapter(saga, 1)
    url = f"/works/{saga.pk}/chapters/{first.pk}"
    # A guest: no script, and a place sent is answered and dropped.
    assert "reading_position.js" not in Client().get(url).content.decode()
    assert Client().post(f"{url}/position", {"position": "10"}).status_code == 204
    # The creator reading their own work, and a reader with history off: not tracked.
    assert "reading_position.js" not in _login(author).get(url).content.decode()
    set_preferences(reader, history_enabled=False)
    client = _login(reader)
    assert "reading_position.js" not in client.get(url).content.decode()
    assert client.post(f"{url}/position", {"position": "10"}).status_code == 204
    assert not Reading.objects.exists()
    assert "continue-reading" not in client.get("/").content.decode()


def test_a_work_the_reader_may_not_read_is_refused(author, reader):
    draft = make_work(author, title="Not Yet", draft=True)
    chapter = _chapter(draft, 1)
    client = _login(reader)
    assert (
        client.post(
            f"/works/{draft.pk}/chapters/{chapter.pk}/position", {"position": "1"}
        ).status_code
        == 404
    )
    hidden = make_work(author, title="Members", restricted=True)
    guest = Client().post(f"/works/{hidden.pk}/chapters/{_chapter(hidden, 1).pk}/position")
    assert guest.status_code == 302 and "/users/login" in guest["Location"]


def test_works_the_reader_can_no_longer_list_drop_out(saga, author, reader):
    client = _login(reader)
    first = _chapter(saga, 1)
    client.get(f"/works/{saga.pk}/chapters/{first.pk}")
    assert len(_continue(client)) == 1
    mute_user(reader, author)
    assert _continue(_login(reader)) == []


def test_the_home_page_costs_the_same_however_much_was_read(saga, reader):
    other = make_user("little_read")
    counts = []
    for user in (other, reader):
        client = _login(user)
        works = (
            [saga]
            if user == other
            else [
                saga,
                *(make_work(saga.creator_pseuds[0].user, title=f"More {n}") for n in range(3)),
            ]
        )
        for work in works:
            client.get(f"/works/{work.pk}/chapters/{_chapter(work, 1).pk}")
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_place_is_only_taken_for_a_chapter_the_reader_can_see(saga, reader, author):
    """The endpoint answers 404 for a draft chapter and for another work's chapter, so it tells
    nobody that either exists."""
    from works.services import ChapterData, add_chapter

    draft = add_chapter(saga, ChapterData(body="<p>Not yet.</p>"), post=False)
    other = make_work(author, title="Elsewhere")
    client = _login(reader)
    for chapter in (draft, _chapter(other, 1)):
        url = f"/works/{saga.pk}/chapters/{chapter.pk}/position"
        assert client.post(url, {"position": "100"}).status_code == 404
    creator = _login(author)
    assert (
        creator.post(
            f"/works/{saga.pk}/chapters/{draft.pk}/position", {"position": "1"}
        ).status_code
        == 204
    )
