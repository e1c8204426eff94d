"""Tag names in URLs against a live server, as HTTP clients send them (test_tag_addresses.py
has the rest). Apart from that module: its works are written once for the module, in a
transaction a live server's own connection would not see the end of."""

from __future__ import annotations

import pytest
import requests
from test_tag_addresses import NAMES, PAGES, encoded, shown, token_header

from lifestream.testing import make_user, make_work

pytestmark = pytest.mark.database_independent


@pytest.mark.django_db(transaction=True)
def test_requests_against_a_live_server(live_server):
    author = make_user("live_author")
    wrangler = make_user("live_wrangler", is_tag_wrangler=True)
    for name in NAMES:
        make_work(author, title=f"Work in {name}", relationships=[name])
    headers = token_header(wrangler)
    with requests.Session() as http:
        for name in NAMES:
            api = f"{live_server.url}/api/v1/tags/{encoded(name)}"
            response = http.get(api, timeout=10)
            assert response.status_code == 200, (name, response.text)
            assert response.json()["name"] == name
            patched = http.patch(api, json={"canonical": True}, headers=headers, timeout=10)
            assert patched.status_code == 200, (name, patched.text)
            assert patched.json()["canonical"] is True
            refused = http.patch(api, json={"canonical": False}, timeout=10)
            assert refused.status_code == 401
            assert refused.headers["Content-Type"].startswith("application/json")
            for page in PAGES:
                response = http.get(f"{live_server.url}/tags/{encoded(name)}{page}", timeout=10)
                assert response.status_code == 200, (name, page)
            feed = http.get(f"{live_server.url}/opds/tags/{encoded(name)}", timeout=10)
            assert feed.status_code == 200
            assert shown(f"Work in {name}").decode() in feed.text
