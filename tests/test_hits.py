"""Hits: counted by the page's script POSTing once per visitor per day, never for creators or
drafts, spread over shard rows."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from feedback.models import HIT_SHARDS, HitCount
from feedback.queries.stats import hit_totals
from feedback.services import hits as hit_services
from lifestream.testing import make_work


def hits_of(work) -> int:
    return hit_totals([work.pk]).get(work.pk, 0)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def work(author):
    return make_work(author)


def test_the_work_page_loads_a_static_script_that_counts(work):
    page = Client().get(f"/works/{work.pk}").content.decode()
    assert f'data-url="/works/{work.pk}/hit_count"' in page
    assert "hit_count.js" in page
    assert "<script>" not in page  # no inline script
    # Opening the page counts nothing by itself: crawlers that don't run scripts don't count.
    assert hits_of(work) == 0


def test_creators_pages_make_no_hit_request(work, author):
    page = logged_in(author).get(f"/works/{work.pk}").content.decode()
    assert "hit_count" not in page


def test_a_visitor_counts_once_a_day(work, reader):
    client = logged_in(reader)
    assert client.post(f"/works/{work.pk}/hit_count").status_code == 204
    client.post(f"/works/{work.pk}/hit_count")
    assert hits_of(work) == 1
    Client(REMOTE_ADDR="192.0.2.1").post(f"/works/{work.pk}/hit_count")
    Client(REMOTE_ADDR="192.0.2.1").post(f"/works/{work.pk}/hit_count")
    Client(REMOTE_ADDR="192.0.2.2").post(f"/works/{work.pk}/hit_count")
    assert hits_of(work) == 3


def test_the_day_is_remembered_in_the_shared_cache(work, reader, monkeypatch):
    timeouts = []
    real_add = cache.add

    def spy(key, value, timeout=None, **kwargs):
        timeouts.append(timeout)
        return real_add(key, value, timeout=timeout, **kwargs)

    monkeypatch.setattr(hit_services.cache, "add", spy)
    logged_in(reader).post(f"/works/{work.pk}/hit_count")
    assert timeouts == [24 * 60 * 60]
    # A day later the visitor counts again.
    cache.clear()
    logged_in(reader).post(f"/works/{work.pk}/hit_count")
    assert hits_of(work) == 2


def test_creators_never_count(work, author):
    logged_in(author).post(f"/works/{work.pk}/hit_count")
    assert hits_of(work) == 0


def test_drafts_and_restricted_works_for_guests_never_count(author, reader):
    draft = make_work(author, draft=True)
    hidden = make_work(author, restricted=True)
    assert logged_in(reader).post(f"/works/{draft.pk}/hit_count").status_code == 404
    assert Client().post(f"/works/{hidden.pk}/hit_count").status_code == 404
    assert not HitCount.objects.exists()
    assert logged_in(reader).post(f"/works/{hidden.pk}/hit_count").status_code == 204
    assert hits_of(hidden) == 1


def test_only_post_counts(work):
    assert Client().get(f"/works/{work.pk}/hit_count").status_code == 405
    assert hits_of(work) == 0


def test_hits_spread_over_shards(work):
    for n in range(40):
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(f"/works/{work.pk}/hit_count")
    rows = list(HitCount.objects.filter(work=work))
    assert sum(row.count for row in rows) == 40
    assert 1 < len(rows) <= HIT_SHARDS
    assert all(0 <= row.shard < HIT_SHARDS for row in rows)


def test_a_shard_bump_marks_when_it_happened(work):
    HitCount.objects.create(work=work, shard=3, count=5)
    HitCount.objects.filter(work=work).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    hit_services._bump_shard(work.pk, 3)
    row = HitCount.objects.get(work=work, shard=3)
    assert row.count == 6
    assert row.updated_at.year > 2020


def test_a_missing_shard_row_created_by_someone_else_is_added_to(work, monkeypatch):
    # The create loses the race: the row appeared between our update and our insert.
    real_filter = HitCount.objects.filter
    calls = {"n": 0}

    def racing_filter(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            HitCount.objects.create(work=work, shard=2, count=7)
            return real_filter(pk__in=[])
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(HitCount.objects, "filter", racing_filter)
    hit_services._bump_shard(work.pk, 2)
    monkeypatch.undo()
    assert HitCount.objects.get(work=work, shard=2).count == 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_lose_nothing(author):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    work = make_work(author)

    def hit(n: int) -> None:
        try:
            hit_services._bump_shard(work.pk, n % 2)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert hits_of(work) == 8
