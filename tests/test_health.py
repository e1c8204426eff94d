"""`GET /health` (200 or 503, with each check) and `GET /metrics` (Prometheus, for the
allowed addresses only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lifestream.core.changes import WorkChanged, announce
from lifestream.models import ChangeLog
from lifestream.testing import make_user, make_work


@pytest.fixture
def work(db):
    return make_work(make_user("health_author"), title="Checked Work")


def test_a_healthy_archive_answers_200_with_every_check(client, work):
    client.get("/works")  # this process's filter index is built and current
    response = client.get("/health")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert set(checks) == {"database", "replica", "redis", "index", "tasks"}
    assert all(check["ok"] for check in checks.values())
    assert checks["replica"]["configured"] is False
    assert checks["redis"]["configured"] is False
    assert checks["index"]["behind"] == 0
    assert "Checked Work" not in response.content.decode()


def test_an_index_fallen_behind_is_503_until_it_catches_up(client, work, settings):
    client.get("/works")
    announce(WorkChanged(work_id=work.pk))
    ChangeLog.objects.filter(pk=ChangeLog.objects.latest("pk").pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=settings.INDEX_MAX_LAG + 30)
    )
    response = client.get("/health")
    assert response.status_code == 503
    index = response.json()["checks"]["index"]
    assert index["ok"] is False
    assert index["behind"] == 1
    assert index["lag_seconds"] > settings.INDEX_MAX_LAG
    client.get("/works")  # a listing brings the index current
    assert client.get("/health").status_code == 200


def test_a_queue_nobody_works_on_is_503(client, db, settings):
    from django_tasks_db.models import DBTaskResult

    from search.tasks import reindex_pseud_works

    settings.TASKS_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reindex_pseud_works.enqueue(1)
    assert client.get("/health").json()["checks"]["tasks"]["queued"] == 1
    DBTaskResult.objects.update(
        enqueued_at=timezone.now() - dt.timedelta(seconds=settings.TASKS_MAX_WAIT + 60)
    )
    response = client.get("/health")
    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["ok"] is False
    assert tasks["oldest_seconds"] > settings.TASKS_MAX_WAIT


def test_a_redis_that_does_not_answer_is_503(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health")
    assert response.status_code == 503
    redis = response.json()["checks"]["redis"]
    assert redis["ok"] is False
    assert "ConnectionError" in redis["error"]
    assert response.json()["checks"]["database"]["ok"] is True


def test_metrics_count_requests_by_route_for_allowed_addresses_only(client, work):
    client.get("/works")
    client.get(f"/works/{work.pk}")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'lifestream_request_seconds_count{method="GET",route="works:index"}' in text
    assert 'lifestream_request_queries_count{route="works:work"}' in text
    assert 'lifestream_responses_total{method="GET",route="works:work",status="200"}' in text
    for gauge in (
        "lifestream_index_lag_seconds",
        "lifestream_index_behind_changes",
        "lifestream_task_queue_depth",
        "lifestream_task_queue_oldest_seconds",
    ):
        assert f"\n{gauge} " in text
    # From anywhere else, and from anywhere else through the proxy, there is no such page.
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    forwarded = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert forwarded.status_code == 404
