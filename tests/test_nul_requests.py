"""The NUL character is refused at the door, the same on SQLite and PostgreSQL (which cannot
store or compare it): a 400, JSON under the API, never a server error, nothing written."""

from __future__ import annotations

import pytest
from django.test import Client

from lifestream.testing import make_work
from works.models import Work

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/api/v1/tags?q=a%00b",
    "/api/v1/works?work_search[query]=%00",
    "/works/search?work_search[query]=ab%00",
    "/works?work_search[query]=%00",
    "/tags/search?tag_search[name]=%00",
    "/people/search?query=%00",
    "/works/search?work_search%00=x",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_nul_in_the_query_is_a_bad_request(address):
    response = Client().get(address)
    assert response.status_code == 400
    if address.startswith("/api/"):
        assert response.json()["errors"][0]["code"] == "bad_request"


def test_a_nul_in_a_form_or_json_body_writes_nothing(author):
    work = make_work(author)
    client = Client()
    client.force_login(author)
    form = client.post(f"/works/{work.pk}/comments", {"body": "hi\x00there"})
    assert form.status_code == 400
    api = client.post("/api/v1/works", '{"title": "A\\u0000B"}', content_type="application/json")
    assert api.status_code == 400
    assert api.json()["errors"][0]["code"] == "bad_request"
    assert Work.objects.count() == 1
    assert not work.comments.exists()
