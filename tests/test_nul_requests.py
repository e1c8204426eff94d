"""The NUL character, which PostgreSQL cannot store or compare: in an address or query it is
refused at the door (a 400, JSON under the API), in a form or API body it is the field's error;
never a server error, on either database, and nothing is written."""

from __future__ import annotations

import pytest
from django.test import Client

from lifestream.testing import make_work
from people.services import create_api_token
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


def test_a_nul_in_a_form_or_json_body_is_a_field_error_and_writes_nothing(author):
    work = make_work(author)
    client = Client()
    client.force_login(author)
    form = client.post(f"/works/{work.pk}/comments", {"body": "hi\x00there"})
    assert form.status_code == 422
    token = create_api_token(author, "nul")[1]
    api = Client().post(
        "/api/v1/works",
        '{"title": "A\\u0000B"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 422
    assert {"field": "title", "code": "null_character"} in [
        {key: e[key] for key in ("field", "code")} for e in api.json()["errors"]
    ]
    assert Work.objects.count() == 1
    assert not work.comments.exists()
