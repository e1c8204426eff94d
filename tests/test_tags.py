"""Tag pages, families, wrangling, the unwrangled bin, tag search, autocomplete and feeds."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from lifestream.core.errors import InvalidInput
from lifestream.testing import make_user, make_work
from tags.models import Tag, TagKind, TagParent
from tags.queries import family_ids
from tags.services import WrangleData, wrangle_tag

ATOM = "{http://www.w3.org/2005/Atom}"


def tag(name: str) -> Tag:
    return Tag.objects.get(name=name)


def wrangle(tag_name: str, **changes) -> Tag:
    return wrangle_tag(tag(tag_name), WrangleData(**changes))


@pytest.fixture
def wrangler(db):
    return make_user("tag_wrangler", is_tag_wrangler=True)


@pytest.fixture
def family(author):
    """A metatag with a synonym, a subtag with a synonym, and a sub-subtag: the AO3 case."""
    works = {
        name: make_work(author, title=f"Work tagged {name}", freeforms=[name])
        for name in ("AU", "Alternate Universe", "Coffee Shop AU", "coffee shop", "Barista AU")
    }
    wrangle("Alternate Universe", canonical=True)
    wrangle("AU", synonym_of="Alternate Universe")
    wrangle("Coffee Shop AU", canonical=True, parents=["Alternate Universe"])
    wrangle("coffee shop", synonym_of="Coffee Shop AU")
    wrangle("Barista AU", canonical=True, parents=["Coffee Shop AU"])
    return works


def test_metatag_listing_includes_subtags_and_synonyms_transitively(client, family):
    page = client.get("/tags/Alternate Universe/works").content.decode()
    assert "5 Works in" in page
    for name in family:
        assert f"Work tagged {name}" in page
    sub = client.get("/tags/Coffee Shop AU/works").content.decode()
    assert "3 Works in" in sub
    assert "Work tagged AU<" not in sub
    assert {t.name for t in Tag.objects.filter(pk__in=family_ids(tag("coffee shop")))} == {
        "Coffee Shop AU",
        "coffee shop",
        "Barista AU",
    }


def test_synonym_listing_redirects_to_its_canonical_tag(client, family):
    response = client.get("/tags/coffee shop/works")
    assert response.status_code == 302
    assert response["Location"] == "/tags/Coffee%20Shop%20AU/works"


def test_a_work_in_several_family_tags_is_listed_once(client, author, family):
    make_work(author, title="Double", freeforms=["AU", "Barista AU"])
    page = client.get("/tags/Alternate Universe/works").content.decode()
    assert "6 Works in" in page
    assert page.count("Double</a>") == 1


def test_tag_page(client, family):
    page = client.get("/tags/Coffee Shop AU").content.decode()
    assert "This tag belongs to the Additional Tags category" in page
    assert "Works (3)" in page
    assert ">Alternate Universe</a>" in page  # metatag
    assert ">coffee shop</a>" in page  # synonym
    assert ">Barista AU</a>" in page  # subtag
    synonym = client.get("/tags/coffee shop").content.decode()
    assert "synonym of" in synonym
    assert "Works (3)" in synonym


def test_making_a_tag_with_synonyms_a_synonym_moves_them(family):
    wrangle("Alternate Universe", canonical=True)
    wrangle("Barista AU", parents=[])
    wrangle("Barista AU", synonym_of="Coffee Shop AU")
    assert tag("Barista AU").merger == tag("Coffee Shop AU")
    assert not TagParent.objects.filter(child=tag("Barista AU")).exists()
    wrangle("Coffee Shop AU", parents=[])
    wrangle("Coffee Shop AU", synonym_of="Alternate Universe")
    # Its synonyms now point at the new canonical tag.
    assert tag("coffee shop").merger == tag("Alternate Universe")
    assert tag("Barista AU").merger == tag("Alternate Universe")


@pytest.mark.parametrize(
    ("name", "changes", "field", "code"),
    [
        ("AU", {"synonym_of": "Nowhere"}, "synonym_of", "unknown_tag"),
        ("AU", {"synonym_of": "AU"}, "synonym_of", "self"),
        ("AU", {"synonym_of": "Final Fantasy VII"}, "synonym_of", "kind_mismatch"),
        ("Barista AU", {"synonym_of": "AU"}, "synonym_of", "not_canonical"),
        ("Alternate Universe", {"parents": ["Barista AU"]}, "parents", "cycle"),
        ("Alternate Universe", {"parents": ["Alternate Universe"]}, "parents", "self"),
        ("Alternate Universe", {"parents": ["Cloud Strife"]}, "parents", "kind_mismatch"),
        ("AU", {"parents": ["Alternate Universe"]}, "parents", "not_canonical"),
        ("Alternate Universe", {"unwrangleable": True}, "unwrangleable", "canonical"),
        ("Alternate Universe", {"canonical": False}, "canonical", "has_synonyms"),
        ("Alternate Universe", {"name": "Coffee Shop AU"}, "name", "taken"),
        ("General Audiences", {"canonical": False}, "name", "fixed_tag"),
    ],
)
def test_wrangling_rules(family, name, changes, field, code):
    before = {(t.name, t.canonical, t.merger_id) for t in Tag.objects.all()}
    with pytest.raises(InvalidInput) as error:
        wrangle(name, **changes)
    assert (error.value.errors[0].field, error.value.errors[0].code) == (field, code)
    assert {(t.name, t.canonical, t.merger_id) for t in Tag.objects.all()} == before


def test_fandom_parents_for_characters(author, client):
    make_work(author, fandoms=["Final Fantasy VII"], characters=["Tifa Lockhart"])
    wrangle("Final Fantasy VII", canonical=True)
    wrangle("Tifa Lockhart", canonical=True, parents=["Final Fantasy VII"])
    page = client.get("/tags/Final Fantasy VII").content.decode()
    assert "Child tags" in page
    assert ">Tifa Lockhart</a>" in page
    # A fandom parent doesn't put the character's works in the fandom's family.
    assert family_ids(tag("Final Fantasy VII")) == {tag("Final Fantasy VII").pk}


def test_only_wranglers_wrangle(client, stranger, family):
    client.force_login(stranger)
    assert client.get("/tags/AU/edit").status_code == 403
    assert client.post("/tags/AU/edit", {"name": "x"}).status_code == 403
    assert client.get("/tags/unwrangled").status_code == 403


def test_wrangle_form(client, wrangler, family):
    client.force_login(wrangler)
    page = client.get("/tags/Barista AU/edit").content.decode()
    assert 'value="Coffee Shop AU"' in page
    response = client.post(
        "/tags/Barista AU/edit",
        {"name": "Barista AU", "canonical": "on", "synonym_of": "", "parents": "Nowhere"},
    )
    assert "There is no tag called “Nowhere”" in response.content.decode()
    assert 'value="Nowhere"' in response.content.decode()
    response = client.post(
        "/tags/Barista AU/edit",
        {"name": "Barista AUs", "canonical": "on", "parents": "Alternate Universe"},
    )
    assert response["Location"] == "/tags/Barista%20AUs"
    assert tag("Barista AUs").parents.get() == tag("Alternate Universe")


def test_unwrangled_bin(client, wrangler, author):
    make_work(author, fandoms=["Harbour of Bells"], characters=["Isaak", "Nell"])
    make_work(author, fandoms=["Starlane"], characters=["Juniper"])
    make_work(author, draft=True, characters=["Secret Draft Character"])
    make_work(author, characters=["Already Canonical"])
    make_work(author)  # Cloud Strife
    wrangle("Already Canonical", canonical=True)
    client.force_login(wrangler)
    page = client.get("/tags/unwrangled?kind=character").content.decode()
    for name in ("Isaak", "Nell", "Juniper", "Cloud Strife"):
        assert f">{name}</label>" in page
    assert "Secret Draft Character" not in page
    assert "Already Canonical" not in page
    in_fandom = client.get("/tags/unwrangled?kind=character&fandom=Harbour of Bells")
    assert ">Isaak</label>" in in_fandom.content.decode()
    assert ">Juniper</label>" not in in_fandom.content.decode()
    ids = [tag("Isaak").pk, tag("Nell").pk]
    response = client.post(
        "/tags/unwrangled?kind=character", {"tag_ids": ids, "action": "canonical"}
    )
    assert response.status_code == 302
    assert tag("Isaak").canonical and tag("Nell").canonical
    client.post(
        "/tags/unwrangled?kind=character",
        {"tag_ids": [tag("Juniper").pk], "action": "synonym", "target": "Nell"},
    )
    assert tag("Juniper").merger == tag("Nell")
    client.post(
        "/tags/unwrangled?kind=character",
        {"tag_ids": [tag("Cloud Strife").pk], "action": "unwrangleable"},
    )
    assert tag("Cloud Strife").unwrangleable


def test_unwrangled_bin_query_count(client, wrangler, author, django_assert_max_num_queries):
    for number in range(5):
        make_work(author, characters=[f"Character {number}", f"Other {number}"])
    client.force_login(wrangler)
    with django_assert_max_num_queries(6):
        client.get("/tags/unwrangled?kind=character")


def test_tag_search_with_ao3_parameters(client, family):
    page = client.get(
        "/tags/search?tag_search[name]=coffee&tag_search[type]=Freeform&tag_search[canonical]=T"
    ).content.decode()
    assert ">Coffee Shop AU</a>" in page
    assert ">coffee shop</a>" not in page
    assert "1 Tag Found" in page
    every = client.get("/tags/search?tag_search[name]=coffee").content.decode()
    assert ">coffee shop</a>" in every


def test_autocomplete_prefers_canonical_and_names_the_canonical_tag(client, author, family):
    client.force_login(author)
    results = client.get("/autocomplete/tags?kind=freeform&term=coffee").json()["results"]
    assert [r["name"] for r in results] == ["Coffee Shop AU", "coffee shop"]
    assert results[1]["synonym_of"] == "Coffee Shop AU"


def test_feed_is_atom(client, family):
    feed = client.get(f"/tags/{tag('coffee shop').pk}/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # noqa: S314  # our own output
    assert root.tag == f"{ATOM}feed"
    titles = [entry.findtext(f"{ATOM}title", "") for entry in root.iter(f"{ATOM}entry")]
    assert len(titles) == 3
    assert all(title.startswith("Work tagged") for title in titles)


def test_family_listing_query_count_is_constant(client, author, family):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client.get("/tags/Alternate Universe/works")  # the filter index catches up first
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/tags/Alternate Universe/works").status_code == 200
        return len(queries)

    few = count()
    for _ in range(6):
        make_work(author, freeforms=["Barista AU", "coffee shop"], relationships=["A/B"])
    assert count() == few


def test_kinds_are_kept(family):
    assert {t.kind for t in Tag.objects.filter(pk__in=family_ids(tag("AU")))} == {TagKind.FREEFORM}


def _bearer(user) -> dict:
    from people.services import create_api_token

    _, key = create_api_token(user, "tags")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_tag(client, family):
    data = client.get("/api/v1/tags/Coffee Shop AU").json()
    assert data["canonical"] is True
    assert data["works_count"] == 3
    assert [t["name"] for t in data["synonyms"]] == ["coffee shop"]
    assert [t["name"] for t in data["parents"]] == ["Alternate Universe"]
    assert [t["name"] for t in data["subtags"]] == ["Barista AU"]
    synonym = client.get("/api/v1/tags/coffee shop").json()
    assert synonym["synonym_of"]["name"] == "Coffee Shop AU"
    assert client.get("/api/v1/tags/Nothing Here").status_code == 404


def test_api_tag_escaped_name(client, author):
    make_work(author, relationships=["Cloud Strife/Sephiroth"])
    data = client.get("/api/v1/tags/Cloud Strife*s*Sephiroth").json()
    assert data["name"] == "Cloud Strife/Sephiroth"
    assert data["kind"] == "relationship"


def test_api_tag_search(client, family):
    data = client.get("/api/v1/tags?q=coffee&kind=freeform&canonical=true").json()
    assert data == {
        "count": 1,
        "results": [{"name": "Coffee Shop AU", "kind": "freeform", "canonical": True}],
    }
    assert client.get("/api/v1/tags?kind=nonsense").status_code == 422


def test_api_wrangling(client, wrangler, stranger, family):
    response = client.patch(
        "/api/v1/tags/AU",
        {"synonym_of": "Coffee Shop AU"},
        content_type="application/json",
        **_bearer(stranger),
    )
    assert response.status_code == 403
    response = client.patch(
        "/api/v1/tags/Barista AU",
        {"parents": ["Alternate Universe"]},
        content_type="application/json",
        **_bearer(wrangler),
    )
    assert response.status_code == 200
    assert [t["name"] for t in response.json()["parents"]] == ["Alternate Universe"]
    response = client.patch(
        "/api/v1/tags/Barista AU",
        {"synonym_of": "Final Fantasy VII"},
        content_type="application/json",
        **_bearer(wrangler),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "synonym_of",
        "code": "kind_mismatch",
        "message": response.json()["errors"][0]["message"],
    }


def test_feed_by_name(client, family):
    by_name = client.get("/tags/Coffee Shop AU/feed.atom")
    by_id = client.get(f"/tags/{tag('Coffee Shop AU').pk}/feed.atom")
    assert by_name.status_code == by_id.status_code == 200
    assert by_name.content.count(b"<entry>") == by_id.content.count(b"<entry>") == 3
    assert client.get("/tags/Nothing At All/feed.atom").status_code == 404
