"""Browsing: `/media`, `/media/NAME/fandoms`, `/fandoms` and `/tags`, with work counts that only
count what the reader may list, in a number of queries that doesn't grow with the fandoms."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifestream.testing import make_user, make_work
from people.services import mute_user
from search.browse import initial_of, sort_key
from tags.models import MEDIA_CATEGORIES, Tag, TagKind, tag_to_param
from tags.services import WrangleData, wrangle_tag

pytestmark = pytest.mark.usefixtures("db")


def _canonical(name: str, medium: str | None = None) -> Tag:
    tag = Tag.objects.get(name=name)
    return wrangle_tag(tag, WrangleData(canonical=True, parents=[medium] if medium else []))


def _text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def _count_of(body: str, name: str) -> int | None:
    """The count shown after the link to `name`'s works, or None when it isn't listed."""
    href = re.escape(f"/tags/{tag_to_param(name)}/works".replace(" ", "%20"))
    match = re.search(rf'href="{href}">[^<]*</a> <span class="count">\((\d[\d,]*)\)</span>', body)
    return int(match.group(1).replace(",", "")) if match else None


@pytest.fixture
def shelf():
    author = make_user("shelf_author")
    for n in range(3):
        make_work(author, title=f"Orbit {n}", fandoms=["Starlane (TV)"])
    make_work(author, title="Orbit Locked", fandoms=["Starlane (TV)"], restricted=True)
    make_work(author, title="Orbit Draft", fandoms=["Starlane (TV)"], draft=True)
    make_work(author, title="Bells", fandoms=["Harbour of Bells"])
    make_work(author, title="Anthology", fandoms=["Loose Leaves"])
    _canonical("Starlane (TV)", "TV Shows")
    _canonical("Harbour of Bells", "Video Games")
    _canonical("Loose Leaves")  # no medium: "Uncategorized Fandoms"
    return {"author": author}


def test_the_media_categories_are_seeded_in_aos_order():
    assert list(
        Tag.objects.filter(kind=TagKind.MEDIA, canonical=True).values_list("name", flat=True)
    ) == sorted(MEDIA_CATEGORIES)
    body = _text(Client().get("/media"))
    positions = [body.index(f">{name.replace('&', '&amp;')}</a></h3>") for name in MEDIA_CATEGORIES]
    assert positions == sorted(positions)


def test_media_lists_each_mediums_fandoms_and_links_them_all(shelf):
    body = _text(Client().get("/media"))
    assert '<ul class="media fandom index group">' in body
    assert 'href="/media/TV%20Shows/fandoms">TV Shows</a>' in body
    assert 'href="/media/Anime%20*a*%20Manga/fandoms">Anime &amp; Manga</a>' in body
    assert _count_of(body, "Starlane (TV)") == 3  # the restricted one is not a guest's
    assert _count_of(body, "Harbour of Bells") == 1
    assert "All fandoms in TV Shows (1)" in body


def test_a_mediums_fandoms_a_to_z_with_counts(shelf):
    make_work(shelf["author"], title="Alpha", fandoms=["Alpha Centauri (TV)"])
    make_work(shelf["author"], title="The Zoo", fandoms=["The Zoo Keepers (TV)"])
    make_work(shelf["author"], title="Nine", fandoms=["9 Lives (TV)"])
    for name in ("Alpha Centauri (TV)", "The Zoo Keepers (TV)", "9 Lives (TV)"):
        _canonical(name, "TV Shows")
    body = _text(Client().get("/media/TV Shows/fandoms"))
    assert '<h2 class="heading">TV Shows Fandoms</h2>' in body
    assert '<ol class="alphabet fandom index group">' in body
    letters = re.findall(r'<li class="letter listbox group" id="letter-([^"]+)">', body)
    assert letters == ["%23", "A", "S", "Z"]  # "The" is not a letter to file under
    assert _count_of(body, "Starlane (TV)") == 3
    assert _count_of(body, "Harbour of Bells") is None  # a video game
    assert 'href="#letter-A"' in body
    logged_in = Client()
    logged_in.force_login(make_user("shelf_reader"))
    assert _count_of(_text(logged_in.get("/media/TV Shows/fandoms")), "Starlane (TV)") == 4


def test_uncategorized_fandoms_hold_the_fandoms_with_no_medium(shelf):
    body = _text(Client().get("/media/Uncategorized Fandoms/fandoms"))
    assert '<h2 class="heading">Uncategorized Fandoms</h2>' in body
    assert _count_of(body, "Loose Leaves") == 1
    assert _count_of(body, "Starlane (TV)") is None


def test_all_fandoms_and_an_unknown_medium(shelf):
    body = _text(Client().get("/fandoms"))
    assert '<h2 class="heading">All Fandoms</h2>' in body
    assert {name: _count_of(body, name) for name in ("Starlane (TV)", "Harbour of Bells")} == {
        "Starlane (TV)": 3,
        "Harbour of Bells": 1,
    }
    assert Client().get("/media/Nothing Like This/fandoms").status_code == 404
    # A tag that is not a medium is not browsed as one.
    assert Client().get("/media/Starlane (TV)/fandoms").status_code == 404


def test_unwrangled_fandoms_are_not_listed(shelf):
    make_work(shelf["author"], title="Raw", fandoms=["Unwrangled Thing"])
    assert "Unwrangled Thing" not in _text(Client().get("/fandoms"))
    assert "Unwrangled Thing" not in _text(Client().get("/media/Uncategorized Fandoms/fandoms"))


def test_a_synonym_counts_for_its_canonical_fandom(shelf):
    make_work(shelf["author"], title="Other Name", fandoms=["Starlane"])
    wrangle_tag(Tag.objects.get(name="Starlane"), WrangleData(synonym_of="Starlane (TV)"))
    body = _text(Client().get("/media/TV Shows/fandoms"))
    assert _count_of(body, "Starlane (TV)") == 4
    assert _count_of(body, "Starlane") is None


def test_muted_creators_works_are_not_counted_for_the_muter(shelf):
    reader = make_user("muting_reader")
    other = make_user("other_author")
    make_work(other, title="Other Orbit", fandoms=["Starlane (TV)"])
    client = Client()
    client.force_login(reader)
    assert _count_of(_text(client.get("/media/TV Shows/fandoms")), "Starlane (TV)") == 5
    mute_user(reader, shelf["author"])
    for url in ("/media/TV Shows/fandoms", "/fandoms", "/media", "/tags"):
        assert _count_of(_text(client.get(url)), "Starlane (TV)") == 1, url
    assert _count_of(_text(client.get("/fandoms")), "Harbour of Bells") is None
    # Not for anyone else.
    assert _count_of(_text(Client().get("/fandoms")), "Starlane (TV)") == 4


def test_tag_index_lists_canonical_tags_by_kind(shelf):
    author = shelf["author"]
    make_work(
        author,
        title="Tagged",
        fandoms=["Starlane (TV)"],
        characters=["Captain Vey"],
        relationships=["Captain Vey/Pilot Oru"],
        freeforms=["Found Family", "Unwrangled Freeform"],
    )
    for name in ("Captain Vey", "Captain Vey/Pilot Oru", "Found Family"):
        _canonical(name)
    body = _text(Client().get("/tags"))
    assert '<h2 class="heading">Tags</h2>' in body
    for heading in ("Fandoms", "Relationships", "Characters", "Additional Tags"):
        assert f'<h3 class="heading">{heading}</h3>' in body
    assert _count_of(body, "Starlane (TV)") == 4
    assert _count_of(body, "Captain Vey") == 1
    assert _count_of(body, "Found Family") == 1
    assert "Unwrangled Freeform" not in body
    assert "/tags/search?tag_search%5Btype%5D=character&amp;tag_search%5Bcanonical%5D=T" in body


def _queries(client: Client, url: str) -> int:
    client.get(url)  # the filter index is built on first use
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/media", "/media/TV Shows/fandoms", "/fandoms", "/tags", "/media/Movies/fandoms"]
)
@pytest.mark.parametrize("viewer", ["guest", "user"])
def test_query_counts_do_not_grow_with_the_fandoms(shelf, url, viewer):
    client = Client()
    if viewer == "user":
        client.force_login(make_user("counting_reader"))
    before = _queries(client, url)
    for n in range(8):
        name = f"Extra Fandom {n} (TV)"
        make_work(shelf["author"], title=f"Extra {n}", fandoms=[name], characters=[f"Extra {n}"])
        _canonical(name, "TV Shows")
        _canonical(f"Extra {n}")
    after = _queries(client, url)
    assert after == before
    # A guest: the change log, the medium, the media, the fandoms' media and the tags shown.
    # A user also: the session, the user, their mutes and their unread notices.
    assert after <= (5 if viewer == "guest" else 9)


def test_sorting_and_letters():
    assert sort_key("The Zoo") == "zoo"
    assert sort_key("A") == "a"
    assert sort_key("Émile") == "emile"
    assert initial_of("9 Lives") == "#"
    assert initial_of("月の図書館") == "月"
    assert initial_of("“Quoted”") == "Q"
