"""Where the pieces of "works among works" meet: a scheduled part of a series, a co-creator of
a work in a series, a gift on a scheduled work. Each piece has its own tests; these check that
together they keep the same promises."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from bs4 import BeautifulSoup, Tag
from django.test import Client
from django.utils import timezone

from access.visibility import is_series_creator
from feedback.models import Notification, NotificationKind
from lifestream.testing import make_user, make_work
from works import credits, services
from works.models import Creatorship, Series
from works.series import add_work_to_series
from works.tasks import post_scheduled


def _page(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def _one(page: BeautifulSoup, selector: str) -> Tag:
    found = page.select_one(selector)
    assert found is not None, selector
    return found


def _titles(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("li.work.blurb h4.heading a:first-child")]


@pytest.fixture
def series_with_a_scheduled_part(db):
    author = make_user("series_planner")
    first = make_work(author, title="The First Letter")
    moment = timezone.now() + dt.timedelta(hours=1)
    second = make_work(author, title="The Second Letter", scheduled_for=moment)
    part = add_work_to_series(author, first, new_title="Letters")
    add_work_to_series(author, second, series=part.series)
    return {"author": author, "series": part.series, "first": first, "second": second}


def test_a_scheduled_part_is_not_in_its_series_until_its_moment(
    series_with_a_scheduled_part, monkeypatch
):
    world = series_with_a_scheduled_part
    reader = Client()
    reader.force_login(make_user("series_reader"))
    url = f"/series/{world['series'].pk}"

    before = _page(reader, url)
    assert _titles(before) == ["The First Letter"]
    assert "The Second Letter" not in before.get_text()
    first_page = _page(reader, f"/works/{world['first'].pk}")
    assert first_page.select_one("dd.series a.next") is None
    assert reader.get(f"/works/{world['second'].pk}").status_code == 404

    # The moment passes and no task has run: the page reads the clock.
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    after = _page(reader, url)
    assert _titles(after) == ["The First Letter", "The Second Letter"]
    first_page = _page(reader, f"/works/{world['first'].pk}")
    assert str(_one(first_page, "dd.series a.next")["href"]).endswith(f"/{world['second'].pk}")
    second_page = _page(reader, f"/works/{world['second'].pk}")
    assert "Part 2 of" in _one(second_page, "dd.series").get_text(" ", strip=True)


def test_the_creator_sees_the_scheduled_part_in_place(series_with_a_scheduled_part):
    world = series_with_a_scheduled_part
    creator = Client()
    creator.force_login(world["author"])
    page = _page(creator, f"/works/{world['second'].pk}")
    assert "Part 2 of" in _one(page, "dd.series").get_text(" ", strip=True)


@pytest.fixture
def co_created_series_work(db):
    author = make_user("series_author")
    friend = make_user("series_friend")
    work = make_work(author, title="Written Together")
    add_work_to_series(author, work, new_title="Together")
    data = dataclasses.replace(services.work_data_from(work), co_creators=[friend.username])
    services.update_work(author, work, data)
    series = Series.objects.get(title="Together")
    return {"author": author, "friend": friend, "work": work, "series": series}


def test_a_pending_co_creator_is_not_a_creator_of_the_series(co_created_series_work):
    world = co_created_series_work
    assert not is_series_creator(world["friend"], world["series"])
    client = Client()
    client.force_login(world["friend"])
    assert client.get(f"/series/{world['series'].pk}/edit").status_code == 403
    byline = _one(_page(client, f"/series/{world['series'].pk}"), "dl.series.meta")
    assert world["friend"].username not in byline.get_text()


def test_accepting_makes_the_co_creator_a_creator_of_the_work_s_series(co_created_series_work):
    world = co_created_series_work
    invitation = Creatorship.invitations.get(work=world["work"], approved=False)
    credits.accept_invitation(world["friend"], invitation.pk)
    series = Series.objects.get(pk=world["series"].pk)
    assert is_series_creator(world["friend"], series)
    client = Client()
    client.force_login(world["friend"])
    assert client.get(f"/series/{series.pk}/edit").status_code == 200
    meta = _one(_page(client, f"/series/{series.pk}"), "dl.series.meta")
    assert world["friend"].username in meta.get_text()


def test_a_gift_on_a_scheduled_work_is_announced_when_it_appears(db, monkeypatch):
    author = make_user("gift_planner")
    recipient = make_user("gift_recipient")
    moment = timezone.now() + dt.timedelta(hours=1)
    work = make_work(
        author, title="A Birthday Story", scheduled_for=moment, gifts=[recipient.username]
    )
    gifts = Notification.objects.filter(user=recipient, kind=NotificationKind.GIFT)
    assert not gifts.exists()
    client = Client()
    client.force_login(recipient)
    assert "A Birthday Story" not in client.get(f"/users/{recipient.username}/gifts").text
    assert client.get(f"/works/{work.pk}").status_code == 404

    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    post_scheduled.call(work_id=work.pk, chapter_id=None)
    assert gifts.count() == 1
    post_scheduled.call(work_id=work.pk, chapter_id=None)
    assert gifts.count() == 1
    assert "A Birthday Story" in client.get(f"/users/{recipient.username}/gifts").text
