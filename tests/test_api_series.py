"""The series API: list, one series, create with works, change fields and order, and the
series on a work's answer."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lifestream.testing import make_work
from people.services import create_api_token
from works.models import Series


def _api(user=None) -> Client:
    client = Client()
    if user is not None:
        _, key = create_api_token(user, "series")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def _send(client: Client, method: str, path: str, body: object):
    return getattr(client, method)(
        f"/api/v1{path}", data=json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def works(author):
    return [make_work(author, title=f"Part {n}") for n in (1, 2, 3)]


def test_create_a_series_with_works_then_read_and_reorder_it(author, works):
    api = _api(author)
    response = _send(
        api,
        "post",
        "/series",
        {"title": "Saga", "summary": "<p>About</p>", "works": [w.pk for w in works]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Saga" and body["works"] == 3
    assert [p["work_id"] for p in body["parts"]] == [w.pk for w in works]
    assert body["creators"] == [{"pseud": author.default_pseud.name, "user": author.username}]
    series_id = body["id"]

    order = [works[2].pk, works[0].pk, works[1].pk]
    response = _send(api, "patch", f"/series/{series_id}", {"works": order, "complete": True})
    assert response.status_code == 200, response.content
    assert [p["work_id"] for p in response.json()["parts"]] == order
    assert response.json()["complete"] is True

    listed = _api().get("/api/v1/series").json()
    assert listed["count"] == 1 and listed["results"][0]["works"] == 3
    assert listed["results"][0]["parts"] is None
    one = _api().get(f"/api/v1/series/{series_id}").json()
    assert [p["position"] for p in one["parts"]] == [1, 2, 3]

    work = _api().get(f"/api/v1/works/{works[0].pk}").json()
    assert work["series"] == [
        {
            "id": series_id,
            "title": "Saga",
            "url": f"/series/{series_id}",
            "position": 2,
            "previous_work_id": works[2].pk,
            "next_work_id": works[1].pk,
        }
    ]


def test_errors_have_fields_and_stable_codes_and_save_nothing(author, stranger, works):
    api = _api(author)
    response = _send(api, "post", "/series", {"title": " ", "works": [works[0].pk]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title"
    assert response.json()["errors"][0]["code"] == "required"
    assert not Series.objects.exists()

    theirs = make_work(stranger)
    response = _send(api, "post", "/series", {"title": "Mine", "works": [theirs.pk]})
    assert response.status_code == 403
    assert not Series.objects.exists()

    series_id = _send(api, "post", "/series", {"title": "Mine", "works": [works[0].pk]}).json()[
        "id"
    ]
    response = _send(api, "patch", f"/series/{series_id}", {"works": [works[1].pk]})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "works",
        "code": "mismatch",
        "message": "The new order must list every work once.",
    }
    response = _send(_api(stranger), "patch", f"/series/{series_id}", {"title": "Taken"})
    assert response.status_code == 403
    assert _api().get("/api/v1/series/999999").status_code == 404
