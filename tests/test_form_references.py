"""Every form page's references by id resolve: each `aria-describedby`, `aria-labelledby`,
`aria-controls` and `label[for]` names an element on the page, on a fresh form and on one sent
back with errors."""

from __future__ import annotations

import pytest
from django.test import Client
from markup import parse

from lifestream.testing import first_chapter, make_work
from works.series import SeriesData, create_series

REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls")


def _dangling(html: str) -> list[str]:
    tree = parse(html)
    elements = tree.descendants()
    ids = {element["id"] for element in elements if element.has_attr("id")}
    missing = []
    for element in elements:
        for attribute in REFERENCES:
            for target in (element.get(attribute) or "").split():
                if target not in ids:
                    missing.append(f"<{element.tag} {attribute}={target}>")
        if element.tag == "label" and element.get("for") and element["for"] not in ids:
            missing.append(f"<label for={element['for']}>")
    return missing


@pytest.fixture
def pages(author, reader):
    work = make_work(author, title="Referenced", characters=["Aerith Gainsborough"])
    series = create_series(author, SeriesData(title="A Saga"), [author.pseuds.get()])
    return {
        "author": author,
        "reader": reader,
        "routes": {
            "new work": (author, "/works/new"),
            "edit work": (author, f"/works/{work.pk}/edit"),
            "new chapter": (author, f"/works/{work.pk}/chapters/new"),
            "edit chapter": (author, f"/works/{work.pk}/chapters/{first_chapter(work).pk}/edit"),
            "import": (author, "/works/import"),
            "comment form (reader)": (reader, f"/works/{work.pk}"),
            "comment form (guest)": (None, f"/works/{work.pk}"),
            "comments page": (None, f"/works/{work.pk}/comments"),
            "preferences": (reader, f"/users/{reader.username}/preferences"),
            "bookmark form": (reader, f"/works/{work.pk}/bookmarks/new"),
            "series edit": (author, f"/series/{series.pk}/edit"),
            "search": (None, "/works/search"),
            "signup": (None, "/signup"),
        },
    }


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_reference_on_a_form_page_resolves(pages):
    for name, (user, route) in pages["routes"].items():
        response = _client(user).get(route)
        assert response.status_code == 200, (name, route, response.status_code)
        assert _dangling(response.content.decode()) == [], name


def test_references_resolve_on_forms_sent_back_with_errors(pages):
    author = pages["author"]
    work_route = pages["routes"]["edit work"][1]
    sent_back = [
        (author, "/works/new", {"title": "", "post": "Post"}),
        (author, work_route, {"title": "", "post": "Post"}),
        (author, pages["routes"]["new chapter"][1], {"body": "", "post": "Post"}),
        (author, "/works/import", {}),
        (None, work_route.replace("/edit", "/comments"), {"body": ""}),
        (author, pages["routes"]["series edit"][1], {"title": ""}),
    ]
    for user, route, data in sent_back:
        response = _client(user).post(route, data)
        assert response.status_code in (200, 403, 422), (route, response.status_code)
        html = response.content.decode()
        assert 'role="alert"' in html, route  # the form came back with its errors
        assert _dangling(html) == [], route


def test_help_text_is_what_its_field_is_described_by(author):
    tree = parse(_client(author).get("/works/new").content.decode())
    described = [e for e in tree.descendants() if e.get("aria-describedby")]
    assert described, "the posting form describes its fields by their help text"
    ids = {e["id"]: e for e in tree.descendants() if e.has_attr("id")}
    for element in described:
        for target in element["aria-describedby"].split():
            assert ids[target].text.strip(), target
