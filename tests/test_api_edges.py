"""Under /api/v1 every answer is JSON: any method, any path, known or not, any error, whoever
raises it (an endpoint, a middleware, Django's URL resolution, CSRF), DEBUG on or off."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import DisallowedHost, PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client
from django.urls import path as route

from lifestream import urls as site_urls
from lifestream.testing import make_user, make_work
from people.services import create_api_token

METHODS = ["get", "head", "post", "put", "patch", "delete", "options"]
KNOWN = [
    "/api/v1/works",
    "/api/v1/works/{work}",
    "/api/v1/works/{work}/chapters",
    "/api/v1/works/{work}/comments",
    "/api/v1/works/{work}/kudos",
    "/api/v1/works/{work}/bookmarks",
    "/api/v1/works/{work}/mark_for_later",
    "/api/v1/chapters/1",
    "/api/v1/tags",
    "/api/v1/tags/Anselm%20Quarry%2FTeodor%20Vane",
    "/api/v1/tags/Anselm Quarry*s*Teodor Vane",
    "/api/v1/tags/%D0%A1%D0%B8%D1%80%D0%BE%D1%82%D0%B0",
    "/api/v1/me",
    "/api/v1/me/blocks",
    "/api/v1/me/blocks/nobody",
    "/api/v1/comments/1",
    "/api/v1/bookmarks",
    "/api/v1/imports",
    "/api/v1/subscriptions",
    "/api/v1/inbox",
    "/api/v1/openapi.json",
]
UNKNOWN = [
    "/api/v1",
    "/api/v1/",
    "/api/v1/nothing-here",
    "/api/v1/works/",
    "/api/v1/works/{work}/",
    "/api/v1/tags/",
    "/api/v1//works",
    "/api/v1/works/%2e%2e/me",
    "/api/v1/works/..%2Fme",
    "/api/v1/%00",
    "/api/v1/tags/%00",
    "/api/v1/tags/a%00b",
    "/api/v1/tags/%FF%FE",
    "/api/v1/works/%F0%9F%92%A9",
    "/api/v1/works/1e3",
    "/api/v1/works/99999999999999999999999999",
    "/api/v1/tags/*s**s**s*",
    "/api/v1/tags/" + "%2F" * 3000,
    "/api/v1/" + "x" * 8000,
    "/api/v1/tags/" + "y" * 8000,
    "/api/v1/works?page=%00",
    "/api/v1/tags?q=" + "q" * 10000,
    "/api/v1/works?" + "&".join(f"f{n}=1" for n in range(1500)),
]


def token(user: Any) -> str:
    return create_api_token(user, "edges")[1]


@pytest.fixture
def archive(author):
    make_work(author, relationships=["Anselm Quarry/Teodor Vane"], characters=["Сирота"])
    return make_work(author, title="Second")


@pytest.fixture
def clients(author, reader):
    anonymous = Client(raise_request_exception=False)
    with_token = Client(
        raise_request_exception=False, headers={"Authorization": f"Bearer {token(author)}"}
    )
    # A browser's logged-in session that sends no CSRF token: the API ignores the session, and
    # nothing answers it with Django's CSRF page.
    with_session = Client(raise_request_exception=False, enforce_csrf_checks=True)
    with_session.force_login(reader)
    return {"anonymous": anonymous, "token": with_token, "session": with_session}


def assert_json(response: Any, what: str) -> None:
    content_type = response.get("Content-Type", "")
    assert content_type.startswith("application/json"), (what, response.status_code, content_type)
    assert not 300 <= response.status_code < 400, (what, response.status_code)
    if response.request["REQUEST_METHOD"] == "HEAD" or response.status_code == 204:
        return
    body = json.loads(response.content)
    if response.status_code >= 400:
        assert set(body) == {"errors"}, what
        for error in body["errors"]:
            assert set(error) == {"field", "code", "message"}, what
            assert isinstance(error["code"], str), what
            assert error["code"], what
            assert error["message"], what


@pytest.mark.parametrize("method", METHODS)
def test_every_method_on_every_path_answers_json(archive, clients, method):
    for template in KNOWN + UNKNOWN:
        path = template.format(work=archive.pk)
        for who, client in clients.items():
            send = getattr(client, method)
            if method in ("post", "put", "patch"):
                response = send(path, "{}", content_type="application/json")
            else:
                response = send(path)
            assert_json(response, f"{method.upper()} {path[:80]} as {who}")
            assert response.status_code < 500, (method, path[:80], who, response.content[:300])


def test_unknown_paths_and_methods_have_their_codes(archive, clients):
    anonymous = clients["anonymous"]
    for path in ("/api/v1", "/api/v1/", "/api/v1/nothing", "/api/v1/works/1/"):
        response = anonymous.patch(path, "{}", content_type="application/json")
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "not_found"
    response = anonymous.put("/api/v1/tags/Anselm%20Quarry%2FTeodor%20Vane")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


def test_a_session_write_without_a_csrf_token_is_not_a_csrf_page(archive, clients):
    response = clients["session"].patch(
        "/api/v1/tags/Anselm%20Quarry%2FTeodor%20Vane",
        {"canonical": True},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unauthorized"


def test_malformed_and_oversized_bodies(author, settings):
    client = Client(headers={"Authorization": f"Bearer {token(author)}"})
    response = client.post("/api/v1/works", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "malformed_json"
    response = client.post("/api/v1/works", b"\xff\xfe{}", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "malformed_json"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"title": "x" * 2000})
    response = client.post("/api/v1/works", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "too_large"


def test_too_many_query_fields_is_a_bad_request(db):
    query = "&".join(f"f{n}=1" for n in range(1500))
    response = Client().get(f"/api/v1/works?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bad_request"


@pytest.mark.parametrize("debug", [False, True])
def test_a_host_not_allowed_is_a_json_400_under_the_api_only(db, settings, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/works", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bad_request"
    page = client.get("/works", headers={"Host": "evil.example"})
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")


# --- errors raised outside the API's views ------------------------------------------------------


def _raising(request: HttpRequest, kind: str) -> HttpResponse:
    raise {
        "missing": Http404("Gone."),
        "denied": PermissionDenied("Not yours."),
        "host": DisallowedHost("Bad host."),
        "too_large": RequestDataTooBig("Too big."),
        "crash": RuntimeError("Boom."),
    }[kind]


# This module is the URLconf of the tests below: a plain Django view (no CSRF exemption, no
# API error handlers) under /api/v1 and under the site, then the archive's own URLs.
urlpatterns = [
    route("api/v1/_raise/<str:kind>", _raising),
    route("_raise/<str:kind>", _raising),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("missing", 404, "not_found"),
        ("denied", 403, "forbidden"),
        ("host", 400, "bad_request"),
        ("too_large", 413, "too_large"),
        ("crash", 500, "server_error"),
    ],
)
def test_errors_raised_outside_the_api_are_json_there(db, settings, debug, kind, status, code):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = debug
    if debug and kind == "too_large":
        # DEBUG's technical page says 400, as Django does for every SuspiciousOperation; only
        # its status is left to go by.
        status, code = 400, "bad_request"
    client = Client(raise_request_exception=False)
    response = client.get(f"/api/v1/_raise/{kind}")
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code
    page = client.get(f"/_raise/{kind}")
    assert page["Content-Type"].startswith("text/html")


def test_a_csrf_failure_under_the_api_is_json(db, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("session_user"))
    response = client.post("/api/v1/_raise/crash", {"a": "b"})
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "csrf_failed"
    page = client.post("/_raise/crash", {"a": "b"})
    assert page.status_code == 403
    assert page["Content-Type"].startswith("text/html")
