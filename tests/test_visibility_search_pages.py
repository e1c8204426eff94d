"""The search pages in the visibility matrix: `/bookmarks/search` and `/people/search` find
and count only what each viewer may list. Viewers: a guest, a stranger, the works' creator,
the bookmarker, a user who muted the bookmarker and the creator, the user the creator blocked,
and an admin. Private bookmarks, drafts, restricted works (for guests), muted users and the
creators of anonymous works never show, in a result or in a count."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from shared_world import module_world

from feedback.services.bookmarks import BookmarkData, create_bookmark
from lifestream.testing import make_admin, make_user, make_work
from people.models import Mute
from people.services import block_user
from works.models import Work

VIEWERS = ("guest", "stranger", "creator", "bookmarker", "muter", "blocked", "admin")
MARK = "vismark"


def _build_world():
    creator = make_user("vis_creator")
    bookmarker = make_user("vis_bookmarker")
    muter = make_user("vis_muter")
    blocked = make_user("vis_blocked")
    stranger = make_user("vis_stranger")
    Mute.objects.create(muter=muter, muted=bookmarker)
    Mute.objects.create(muter=muter, muted=creator)
    block_user(creator, blocked)
    users = {
        "guest": None,
        "stranger": stranger,
        "creator": creator,
        "bookmarker": bookmarker,
        "muter": muter,
        "blocked": blocked,
        "admin": make_admin("vis_admin"),
    }
    public = make_work(creator, title="Open Sky", fandoms=["Vis Public Fandom"])
    restricted = make_work(
        creator, title="Locked Garden", fandoms=["Vis Restricted Fandom"], restricted=True
    )
    draft_later = make_work(creator, title="Unfinished Draft", fandoms=["Vis Draft Fandom"])
    unsigned = make_work(
        creator, title="Unsigned Letter", fandoms=["Vis Anonymous Fandom"], anonymous=True
    )
    for work, private in (
        (public, False),
        (restricted, False),
        (draft_later, False),
        (unsigned, False),
    ):
        create_bookmark(
            bookmarker, work, BookmarkData(notes=f"{MARK} {work.title}", private=private)
        )
    # A private bookmark of a public work, by someone else (one bookmark per user per work).
    create_bookmark(stranger, public, BookmarkData(notes=f"{MARK} secret shelf", private=True))
    # The draft: a work that is no longer posted keeps its bookmarks, which no one finds.
    Work.objects.filter(pk=draft_later.pk).update(posted=False)
    return users


# Built once for the module; each test runs in a savepoint of its own (tests/shared_world.py).
world, _world_rows = module_world(_build_world)


def _main(html: str) -> str:
    """The page's own content, without the header's user menu."""
    return html[html.index('<div id="main"') : html.index('<footer id="footer"')]


def _client(world, viewer: str) -> Client:
    client = Client()
    if world[viewer] is not None:
        client.force_login(world[viewer])
    return client


def _bookmark_notes(world, viewer: str, **extra: str) -> set[str]:
    query = {"bookmark_search[bookmark_notes]": MARK}
    query |= {f"bookmark_search[{name}]": value for name, value in extra.items()}
    html = _client(world, viewer).get("/bookmarks/search", query).content.decode()
    notes = set(
        re.findall(rf"<blockquote class=\"userstuff notes\">{MARK} ([^<]+)</blockquote>", html)
    )
    found = re.search(r"<h3 class=\"heading\">([\d,]+) Found</h3>", html)
    assert found is not None
    assert int(found.group(1)) == len(notes), viewer  # the count counts only what is shown
    return notes


EXPECTED_BOOKMARKS = {
    "guest": {"Open Sky", "Unsigned Letter"},
    "stranger": {"Open Sky", "Locked Garden", "Unsigned Letter", "secret shelf"},
    "creator": {"Open Sky", "Locked Garden", "Unsigned Letter"},
    "bookmarker": {"Open Sky", "Locked Garden", "Unsigned Letter"},
    # The bookmarker is muted: none of theirs; the creator too: their credited works' bookmarks
    # go, but not the anonymous work's (hiding it would tell who wrote it).
    "muter": set(),
    "blocked": {"Open Sky", "Locked Garden", "Unsigned Letter"},
    "admin": {"Open Sky", "Locked Garden", "Unsigned Letter"},
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_bookmark_search_finds_what_the_viewer_may_list(world, viewer):
    assert _bookmark_notes(world, viewer) == EXPECTED_BOOKMARKS[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_bookmark_search_never_names_an_anonymous_creator(world, viewer):
    # Searching the work fields for the creator's login finds nothing: creators are no field.
    assert _bookmark_notes(world, viewer, bookmarkable_query="vis_creator") == set()
    if viewer == "muter":
        return  # the bookmarker is muted: their bookmark of it is not listed
    html = (
        _client(world, viewer)
        .get("/bookmarks/search", {"bookmark_search[bookmarkable_query]": "Unsigned"})
        .content.decode()
    )
    blurb = html[html.index("Unsigned Letter") :]
    blurb = blurb[: blurb.index("</li>")]
    if viewer == "creator":
        assert "vis_creator" in blurb
    else:
        assert "vis_creator" not in blurb and "Anonymous" in blurb


@pytest.mark.parametrize("viewer", VIEWERS)
def test_bookmark_search_by_bookmarker_keeps_private_bookmarks_private(world, viewer):
    found = _bookmark_notes(world, viewer, bookmarker="vis_stranger")
    assert found == ({"secret shelf"} if viewer == "stranger" else set())


def _people(world, viewer: str, **fields: str) -> dict[str, str]:
    """Each pseud found, with its blurb's counts."""
    query = {f"people_search[{name}]": value for name, value in fields.items()}
    response = _client(world, viewer).get("/people/search", query)
    assert response.status_code == 200
    html = response.content.decode()
    blurbs = re.findall(
        r'<li class="pseud blurb group" role="article">(.*?)</li>\s*</ul>', html, re.S
    )
    found = {}
    for blurb in blurbs:
        name = re.search(r'<h4 class="heading"><a href="[^"]+">([^<]+)</a>', blurb)
        assert name is not None
        counts = re.findall(r">(\d+ (?:works?|bookmarks?)[^<]*)</a>", blurb)
        found[name.group(1)] = " / ".join(counts)
    total = re.search(r"<h3 class=\"heading\">([\d,]+) Found</h3>", html)
    assert total is not None and int(total.group(1)) == len(found)
    return found


WORKS_SEEN = {"guest": 1, "stranger": 2, "creator": 2, "bookmarker": 2, "blocked": 2, "admin": 2}
BOOKMARKS_SEEN = {
    "guest": 2,
    "stranger": 3,
    "creator": 3,
    "bookmarker": 3,
    "blocked": 3,
    "admin": 3,
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_people_search_counts_only_listable_works_and_bookmarks(world, viewer):
    found = _people(world, viewer, name="vis_")
    if viewer == "muter":
        assert "vis_creator" not in found and "vis_bookmarker" not in found
        assert "vis_muter" in found
        return
    works = WORKS_SEEN[viewer]
    assert found["vis_creator"] == f"{works} work{'s' if works != 1 else ''} / 0 bookmarks"
    marks = BOOKMARKS_SEEN[viewer]
    assert found["vis_bookmarker"] == f"0 works / {marks} bookmarks"
    # The stranger's private bookmark counts for the stranger alone.
    assert found["vis_stranger"] == (
        "0 works / 1 bookmark" if viewer == "stranger" else "0 works / 0 bookmarks"
    )
    # A block is the blocker's business: the blocked user is listed, the page tells nothing.
    assert "vis_blocked" in found


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    ("fandom", "who"),
    [
        ("Vis Public Fandom", {"vis_creator"}),
        ("Vis Restricted Fandom", {"vis_creator"}),
        ("Vis Draft Fandom", set()),
        ("Vis Anonymous Fandom", set()),
    ],
)
def test_people_search_by_fandom_never_finds_through_hidden_works(world, viewer, fandom, who):
    if viewer == "guest" and fandom == "Vis Restricted Fandom":
        who = set()
    if viewer == "muter":
        who = set()
    response = _client(world, viewer).get("/people/search", {"people_search[fandom]": fandom})
    html = response.content.decode()
    names = set(re.findall(r'<h4 class="heading"><a href="/users/[^"]+">([^<]+)</a>', html))
    assert names == who, (viewer, fandom)
    if fandom in {"Vis Draft Fandom", "Vis Anonymous Fandom"}:
        # Nor does the page tell anything: no such fandom, or no one, as for any unknown name.
        assert "vis_creator" not in _main(html)
