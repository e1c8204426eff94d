"""Ids and page numbers written in other scripts' digits ("²", "٣"), or too large for any row,
get a clear answer, never a server error."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lifestream.testing import PASSWORD, make_work
from people.services import create_api_token

ODD_NUMBERS = ["²", "¹", "٣", "99999999999999999999999", "-1", "1.5"]


def _logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("number", ODD_NUMBERS)
def test_odd_numbers_in_forms_and_addresses(author, reader, number):
    make_work(author, title="Numbers")
    guest = Client()
    assert guest.post("/kudos", {"kudo[commentable_id]": number}).status_code in {302, 404}
    assert guest.get(f"/opds/fandoms?page={number}").status_code == 200
    assert guest.get(f"/works?page={number}").status_code == 200
    assert guest.get(f"/works?work_search[word_count]={number}").status_code == 200
    client = _logged_in(reader)
    login = reader.username
    inbox = client.post(f"/users/{login}/inbox", {"action": "read", "notices": number})
    assert inbox.status_code in {200, 302}
    assert client.post(f"/users/{login}/subscriptions", {"work_id": number}).status_code < 500
    confirm = client.get(f"/users/{login}/blocked/users/confirm_block?blocked_id={number}")
    assert confirm.status_code < 500
    assert client.post(f"/users/{login}/muted/users", {"muted_id": number}).status_code < 500
    assert client.get(f"/bookmarks?include_bookmark_search[tag_ids][]={number}").status_code == 200


def test_an_id_past_any_row_in_the_inbox_api_is_refused(reader):
    _, key = create_api_token(reader, "t")
    response = Client().post(
        "/api/v1/inbox/read",
        json.dumps({"ids": [10**20]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("ids")
