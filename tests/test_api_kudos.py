"""The API for kudos, reading history, Mark for Later and statistics."""

from __future__ import annotations

import pytest
from django.test import Client

from feedback.models import HitCount, WorkStats
from lifestream.testing import make_work
from people.services import create_api_token

API = "/api/v1"


def bearer(user) -> dict:
    _, key = create_api_token(user, "test")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def work(author):
    return make_work(author, title="Lifestream")


def test_leave_kudos_and_list_them(work, reader):
    headers = bearer(reader)
    response = Client().post(f"{API}/works/{work.pk}/kudos", headers=headers)
    assert response.status_code == 201
    assert response.json() == {
        "count": 1,
        "users": ["tifa_reader"],
        "guests": 0,
        "page": 1,
        "pages": 1,
    }
    Client(REMOTE_ADDR="192.0.2.4").post(f"{API}/works/{work.pk}/kudos")
    listed = Client().get(f"{API}/works/{work.pk}/kudos").json()
    assert listed["count"] == 2 and listed["guests"] == 1


def test_a_second_kudos_is_a_clear_error(work, reader):
    headers = bearer(reader)
    Client().post(f"{API}/works/{work.pk}/kudos", headers=headers)
    again = Client().post(f"{API}/works/{work.pk}/kudos", headers=headers)
    assert again.status_code == 422
    assert again.json() == {
        "errors": [
            {
                "field": "kudos",
                "code": "already_left",
                "message": "You have already left kudos here. :)",
            }
        ]
    }


def test_kudos_rate_limit_is_a_429(author, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "kudos_guest": "1/600"}
    first, second = make_work(author, title="One"), make_work(author, title="Two")
    client = Client(REMOTE_ADDR="192.0.2.9")
    assert client.post(f"{API}/works/{first.pk}/kudos").status_code == 201
    limited = client.post(f"{API}/works/{second.pk}/kudos")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["errors"][0]["code"] == "rate_limited"


def test_the_rate_limit_counts_the_tokens_user(author, reader, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "kudos_new": "1/600", "kudos_guest": ""}
    first, second = make_work(author, title="One"), make_work(author, title="Two")
    headers = bearer(reader)
    assert Client().post(f"{API}/works/{first.pk}/kudos", headers=headers).status_code == 201
    assert Client().post(f"{API}/works/{second.pk}/kudos", headers=headers).status_code == 429


def test_works_carry_their_numbers(work, reader):
    WorkStats.objects.create(work=work, kudos_count=3, comments_count=2, bookmarks_count=1)
    HitCount.objects.create(work=work, shard=0, count=10)
    body = Client().get(f"{API}/works/{work.pk}").json()
    assert body["stats"] == {"hits": 10, "kudos": 3, "comments": 2, "bookmarks": 1}
    listed = Client().get(f"{API}/works").json()["results"][0]
    assert listed["stats"]["hits"] == 10


def test_readings_history_and_to_read(work, author, reader):
    other = make_work(author, title="Other")
    site = Client()
    site.force_login(reader)
    site.get(f"/works/{work.pk}")
    site.get(f"/works/{work.pk}")
    headers = bearer(reader)
    Client().post(f"{API}/works/{other.pk}/mark_for_later", headers=headers)
    history = Client().get(f"{API}/me/readings", headers=headers).json()
    assert history["count"] == 1
    entry = history["results"][0]
    assert entry["work"]["title"] == "Lifestream"
    assert entry["visit_count"] == 2 and entry["last_visited"] is not None
    to_read = Client().get(f"{API}/me/readings?show=to-read", headers=headers).json()
    assert [r["work"]["title"] for r in to_read["results"]] == ["Other"]
    removed = Client().delete(f"{API}/works/{other.pk}/mark_for_later", headers=headers)
    assert removed.json() == {"work_id": other.pk, "marked_for_later": False}
    to_read = Client().get(f"{API}/me/readings?show=to-read", headers=headers).json()
    assert to_read["results"] == []
    bad = Client().get(f"{API}/me/readings?show=everything", headers=headers)
    assert bad.status_code == 422


def test_stats_sorted(author):
    a, b = make_work(author, title="Apple"), make_work(author, title="Banana")
    WorkStats.objects.create(work=a, kudos_count=1)
    WorkStats.objects.create(work=b, kudos_count=5)
    HitCount.objects.create(work=a, shard=0, count=9)
    headers = bearer(author)
    stats = Client().get(f"{API}/me/stats", headers=headers).json()
    assert [w["title"] for w in stats["works"]] == ["Apple", "Banana"]
    assert stats["totals"]["kudos"] == 6 and stats["totals"]["hits"] == 9
    by_kudos = Client().get(f"{API}/me/stats?sort=kudos&direction=asc", headers=headers).json()
    assert [w["title"] for w in by_kudos["works"]] == ["Apple", "Banana"]


def test_openapi_describes_these_endpoints():
    paths = Client().get(f"{API}/openapi.json").json()["paths"]
    assert set(paths[f"{API}/works/{{work_id}}/kudos"]) == {"get", "post"}
    assert set(paths[f"{API}/works/{{work_id}}/mark_for_later"]) == {"post", "delete"}
    assert set(paths[f"{API}/me/readings"]) == {"get"}
    assert set(paths[f"{API}/me/stats"]) == {"get"}
