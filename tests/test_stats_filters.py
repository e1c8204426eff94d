"""The filter index's numbers: kudos, comments, bookmarks (kept current from the change log)
and hits (re-read at most once a minute), for sorting and range filters on pages and the API."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from feedback.models import HitCount
from feedback.stats import adjust_stats
from lifestream.testing import make_user, make_work
from search.filters import index as filter_index
from search.filters.index import get_index


def titles(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(
        r'<h4 class="heading">\s*<a href="/works/\d+">([^<]+)</a>', response.content.decode()
    )


def kudos_from(count: int, work) -> None:
    for n in range(count):
        client = Client()
        client.force_login(make_user(f"fan_{work.pk}_{n}"))
        client.post(f"/works/{work.pk}/kudos")


def hit(work, times: int) -> None:
    for n in range(times):
        Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(f"/works/{work.pk}/hit_count")


@pytest.fixture
def shelf(author):
    return {title: make_work(author, title=title) for title in ("Alpha", "Beta", "Gamma")}


def test_sorting_by_kudos_follows_new_kudos_at_once(client, shelf):
    client.get("/works")  # build the index first: the kudos arrive through the change log
    kudos_from(2, shelf["Alpha"])
    kudos_from(3, shelf["Gamma"])
    assert titles(client.get("/works?work_search[sort_column]=kudos_count")) == [
        "Gamma",
        "Alpha",
        "Beta",
    ]
    ascending = "/works?work_search[sort_column]=kudos_count&work_search[sort_direction]=asc"
    assert titles(client.get(ascending))[0] == "Beta"


def test_kudos_range_filter(client, shelf):
    kudos_from(2, shelf["Alpha"])
    kudos_from(3, shelf["Gamma"])
    assert titles(client.get("/works?work_search[kudos_count]=>2")) == ["Gamma"]
    assert sorted(titles(client.get("/works?work_search[kudos_count]=1-2"))) == ["Alpha"]
    assert titles(client.get("/works?work_search[kudos_count]=<1")) == ["Beta"]


def test_comments_and_bookmarks_sort(client, shelf):
    client.get("/works")
    adjust_stats(shelf["Beta"].pk, comments_count=4, bookmarks_count=1)
    adjust_stats(shelf["Alpha"].pk, comments_count=1, bookmarks_count=5)
    assert titles(client.get("/works?work_search[sort_column]=comments_count"))[:2] == [
        "Beta",
        "Alpha",
    ]
    assert titles(client.get("/works?work_search[sort_column]=bookmarks_count"))[:2] == [
        "Alpha",
        "Beta",
    ]
    assert titles(client.get("/works?work_search[comments_count]=>3")) == ["Beta"]


def test_a_rebuild_loads_the_numbers(client, shelf):
    adjust_stats(shelf["Beta"].pk, kudos_count=7)
    HitCount.objects.create(work=shelf["Gamma"], shard=0, count=30)
    HitCount.objects.create(work=shelf["Gamma"], shard=5, count=12)
    get_index().rebuild()
    index = get_index()
    assert index.columns["kudos"][shelf["Beta"].pk] == 7
    assert index.columns["hits"][shelf["Gamma"].pk] == 42
    assert titles(client.get("/works?work_search[sort_column]=hits"))[0] == "Gamma"
    assert titles(client.get("/works?work_search[hits]=>40")) == ["Gamma"]


def test_hits_are_reread_at_most_once_a_minute(client, shelf, monkeypatch):
    client.get("/works")
    index = get_index()
    index.refresh_hits()  # start a fresh minute
    hit(shelf["Beta"], 3)
    # Within the minute the index still has the old numbers …
    assert titles(client.get("/works?work_search[hits]=>0")) == []
    # … and a minute later it reads the works hit since, and only those.
    monkeypatch.setattr(filter_index, "HITS_REFRESH_SECONDS", 0)
    assert titles(client.get("/works?work_search[hits]=>0")) == ["Beta"]
    assert index.columns["hits"][shelf["Beta"].pk] == 3
    hit(shelf["Alpha"], 1)
    assert titles(client.get("/works?work_search[sort_column]=hits"))[:2] == ["Beta", "Alpha"]


def test_a_work_replayed_from_the_log_keeps_its_hits(client, shelf, monkeypatch):
    monkeypatch.setattr(filter_index, "HITS_REFRESH_SECONDS", 10**9)
    client.get("/works")
    HitCount.objects.create(work=shelf["Alpha"], shard=1, count=9)
    adjust_stats(shelf["Alpha"].pk, kudos_count=1)  # logs a change: the work is re-read
    assert titles(client.get("/works?work_search[hits]=>5")) == ["Alpha"]


def test_the_api_sorts_and_filters_by_the_numbers(client, shelf):
    kudos_from(1, shelf["Alpha"])
    kudos_from(2, shelf["Beta"])
    api = Client()
    response = api.get("/api/v1/works", {"work_search[sort_column]": "kudos_count"})
    assert [work["title"] for work in response.json()["results"]][:2] == ["Beta", "Alpha"]
    response = api.get("/api/v1/works", {"work_search[kudos_count]": ">1"})
    assert [work["title"] for work in response.json()["results"]] == ["Beta"]
