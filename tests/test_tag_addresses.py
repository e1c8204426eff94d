"""Tag names in URLs: percent-encoded as HTTP clients send them, and AO3's `*s*` escaping, on
every route that takes a tag name (API, tag pages, listings, feeds, OPDS)."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
import requests
from django.test import Client
from shared_world import module_world

from lifestream.testing import make_user, make_work
from people.services import create_api_token
from tags.models import Tag, tag_to_param

# One of each character AO3 escapes, spaces, and names in other scripts.
NAMES = [
    "Anselm Quarry/Teodor Vane",
    "Salt & Vinegar",
    "Dr. Quill",
    "Who Is It?",
    "Number #9",
    "Сирота",
    "銀魂",
    "Mx. A/B & C? #1 Сирота 銀魂",
]
PAGES = ["", "/works", "/bookmarks", "/feed.atom"]


def encoded(name: str) -> str:
    """The name as HTTP libraries put it in a path."""
    return quote(name, safe="")


def shown(text: str) -> bytes:
    """`text` as HTML and XML pages write it."""
    return escape(text, quote=False).encode()


def token_header(user: Any) -> dict[str, str]:
    _, key = create_api_token(user, "addresses")
    return {"Authorization": f"Bearer {key}"}


def _tag_every_name() -> None:
    author = make_user("address_author")
    for name in NAMES:
        make_work(author, title=f"Work in {name}", freeforms=[name])


# The works are written once for the module (tests/shared_world.py).
tagged, _tagged_rows = module_world(_tag_every_name, "tagged")


@pytest.fixture
def wrangler(db):
    return make_user("a_wrangler", is_tag_wrangler=True)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("spelling", [encoded, tag_to_param, lambda n: encoded(tag_to_param(n))])
def test_the_api_finds_a_tag_however_its_name_is_escaped(client, tagged, name, spelling):
    response = client.get(f"/api/v1/tags/{spelling(name)}")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == name
    assert response.json()["works_count"] == 1


@pytest.mark.parametrize("name", NAMES)
def test_wrangling_a_percent_encoded_name(client, tagged, wrangler, stranger, name):
    path = f"/api/v1/tags/{encoded(name)}"
    response = client.patch(
        path, {"canonical": True}, content_type="application/json", headers=token_header(wrangler)
    )
    assert response.status_code == 200, response.content
    assert response.json()["canonical"] is True
    refused = client.patch(
        path, {"canonical": False}, content_type="application/json", headers=token_header(stranger)
    )
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "forbidden"
    # Without a token, and with a logged-in session that sends no CSRF token.
    anonymous = Client(enforce_csrf_checks=True)
    anonymous.force_login(wrangler)
    response = anonymous.patch(path, {"canonical": False}, content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert Tag.objects.get(name=name).canonical is True


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("page", PAGES)
def test_tag_pages_take_percent_encoded_names(client, tagged, name, page):
    response = client.get(f"/tags/{encoded(name)}{page}", follow=True)
    assert response.status_code == 200
    if response.redirect_chain:
        # The address settles on AO3's escaping, the one spelling the archive's links use.
        final = urlsplit(response.redirect_chain[-1][0]).path
        assert unquote(final) == f"/tags/{tag_to_param(name)}{page}"
    if page in ("", "/works", "/feed.atom"):
        assert shown(f"Work in {name}") in response.content


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("page", PAGES)
def test_tag_pages_take_ao3_escaped_names(client, tagged, name, page):
    response = client.get(f"/tags/{quote(tag_to_param(name))}{page}")
    assert response.status_code == 200


@pytest.mark.parametrize("name", NAMES)
def test_opds_takes_percent_encoded_names(client, tagged, name):
    response = client.get(f"/opds/tags/{encoded(name)}")
    assert response.status_code == 200
    assert shown(f"Work in {name}") in response.content


def test_a_tag_only_on_a_draft_stays_unknown_whatever_the_spelling(client, author):
    make_work(author, draft=True, freeforms=["Secret/Plan", "Hidden/works"])
    for path in [
        "/api/v1/tags/Secret%2FPlan",
        "/tags/Secret%2FPlan",
        "/tags/Secret%2FPlan/works",
        "/tags/Secret%2FPlan/bookmarks",
        "/tags/Secret%2FPlan/feed.atom",
        "/opds/tags/Secret%2FPlan",
        # The reading of an action path as a longer name must not reveal it either.
        "/tags/Hidden%2Fworks",
        "/tags/Hidden/works",
    ]:
        assert client.get(path).status_code == 404, path


# --- names that end like a page of a tag ----------------------------------------------------


@pytest.mark.parametrize("action", ["works", "bookmarks", "feed.atom", "edit"])
def test_a_name_ending_in_an_action_reaches_its_own_page(client, author, wrangler, action):
    name = f"Hail/{action}"
    make_work(author, freeforms=[name])
    client.force_login(wrangler)
    response = client.get(f"/tags/{encoded(name)}", follow=True)
    assert response.status_code == 200
    escaped = tag_to_param(name)
    assert unquote(urlsplit(response.redirect_chain[-1][0]).path) == f"/tags/{escaped}"
    assert response.context["tag"].name == name
    # Its own pages by the unambiguous spelling.
    assert client.get(f"/tags/{escaped}/works").status_code == 200


def test_the_shorter_tag_wins_unless_the_server_passes_on_the_raw_path(client, author):
    make_work(author, title="In Foo", freeforms=["Foo"])
    make_work(author, title="In Foo slash works", freeforms=["Foo/works"])
    # The archive's own address of Foo's listing keeps its meaning.
    listing = client.get("/tags/Foo/works")
    assert listing.status_code == 200
    assert listing.context["tag"].name == "Foo"
    # gunicorn (RAW_URI) and uWSGI or mod_wsgi (REQUEST_URI) say which slash was encoded.
    for key in ("RAW_URI", "REQUEST_URI"):
        page = client.get("/tags/Foo%2Fworks", **{key: "/tags/Foo%2Fworks"})
        assert page.status_code == 302
        assert page["Location"] == "/tags/Foo*s*works"
        literal = client.get("/tags/Foo%2Fworks", **{key: "/tags/Foo/works?x=1"})
        assert literal.status_code == 200
        assert literal.context["tag"].name == "Foo"
    # A raw path that does not decode to the path served (a rewriting proxy) is not trusted.
    assert client.get("/tags/Foo/works", RAW_URI="/elsewhere").context["tag"].name == "Foo"


# --- through a real HTTP client ---------------------------------------------------------------


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
