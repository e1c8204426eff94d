"""The OPDS catalogue: every document valid against the Atom/OPDS schema and read by a real feed
parser (feedparser), browsable from the root, searchable, with EPUB acquisition links that
work, and showing each reader only what they may list."""

from __future__ import annotations

import base64
import re
import string
from pathlib import Path

import feedparser
import pytest
from django.test import Client
from lxml import etree

from lifestream.testing import make_user, make_work
from people.models import Mute
from people.services import create_api_token
from search import text
from tags.models import Tag
from tags.services import WrangleData, wrangle_tag

SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).with_name("schemas") / "opds-catalog.rng")))
ATOM = "{http://www.w3.org/2005/Atom}"
ACQUISITION = "http://opds-spec.org/acquisition"


def fetch(client: Client, url: str, authorization: str = "") -> feedparser.FeedParserDict:
    """The feed at `url`, checked against the schema and parsed by feedparser."""
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/atom+xml;profile=opds-catalog;kind=")
    document = etree.fromstring(response.content)
    assert SCHEMA.validate(document), SCHEMA.error_log
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    for entry in document.iter(f"{ATOM}entry"):
        rels = {link.get("rel") for link in entry.iter(f"{ATOM}link")}
        # OPDS: an entry of an acquisition feed can be acquired; of a navigation feed, followed.
        kind = "acquisition" if "kind=acquisition" in response["Content-Type"] else "navigation"
        assert (ACQUISITION in rels) if kind == "acquisition" else ("subsection" in rels)
    parsed["kind"] = response["Content-Type"].rsplit("kind=", 1)[1].split(";")[0]
    return parsed


@pytest.fixture
def catalogue(author):
    fandom = "Catalogue Fandom"
    works = [
        make_work(author, title=f"Catalogue Work {n}", fandoms=[fandom], characters=["Aerith"])
        for n in range(3)
    ]
    restricted = make_work(author, title="Members Only", restricted=True, fandoms=[fandom])
    draft = make_work(author, title="Unfinished Draft", draft=True, fandoms=[fandom])
    Tag.objects.filter(name=fandom).update(canonical=True)
    return {"fandom": fandom, "works": works, "restricted": restricted, "draft": draft}


def _titles(feed: feedparser.FeedParserDict) -> set[str]:
    return {entry.title for entry in feed.entries}


def test_root_navigates_to_newest_and_fandoms(client, catalogue):
    root = fetch(client, "/opds")
    assert root["kind"] == "navigation"
    targets = {entry.title: entry.links[0].href for entry in root.entries}
    assert targets["Newest works"].endswith("/opds/new")
    assert targets["Fandoms"].endswith("/opds/fandoms")
    search = [link for link in root.feed.links if link.rel == "search"]
    assert search and search[0].type == "application/opensearchdescription+xml"


def test_newest_works_carry_metadata_and_downloads(client, catalogue):
    feed = fetch(client, "/opds/new")
    assert feed["kind"] == "acquisition"
    assert {"Catalogue Work 0", "Catalogue Work 1", "Catalogue Work 2"} <= _titles(feed)
    entry = next(e for e in feed.entries if e.title == "Catalogue Work 0")
    assert entry.author == "cloud_author"
    assert {tag.term for tag in entry.tags} >= {"Catalogue Fandom", "Aerith"}
    epub = next(link for link in entry.links if link.type == "application/epub+zip")
    assert epub.rel == ACQUISITION
    path = epub.href.split("://", 1)[1].split("/", 1)[1]
    download = client.get("/" + path)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/epub+zip"


def test_guests_never_see_restricted_works_or_drafts(client, catalogue, author):
    titles = _titles(fetch(client, "/opds/new"))
    assert "Members Only" not in titles and "Unfinished Draft" not in titles
    client.force_login(author)
    titles = _titles(fetch(client, "/opds/new"))
    assert "Members Only" in titles and "Unfinished Draft" not in titles


def test_an_api_token_opens_the_catalogue_to_its_user(catalogue, reader):
    _, key = create_api_token(reader, "e-reader")
    client = Client()
    bearer = _titles(fetch(client, "/opds/new", f"Bearer {key}"))
    assert "Members Only" in bearer
    basic = base64.b64encode(f"{reader.username}:{key}".encode()).decode()
    assert "Members Only" in _titles(fetch(client, "/opds/new", f"Basic {basic}"))
    wrong = base64.b64encode(f"someone_else:{key}".encode()).decode()
    response = client.get("/opds/new", HTTP_AUTHORIZATION=f"Basic {wrong}")
    assert response.status_code == 401 and "Basic" in response["WWW-Authenticate"]


def test_fandoms_lead_to_their_works(client, catalogue):
    fandoms = fetch(client, "/opds/fandoms")
    entry = next(e for e in fandoms.entries if e.title == catalogue["fandom"])
    assert entry.content[0].value == "3 works"  # guests: the restricted one is not counted
    path = "/" + entry.links[0].href.split("://", 1)[1].split("/", 1)[1]
    works = fetch(client, path)
    assert _titles(works) == {"Catalogue Work 0", "Catalogue Work 1", "Catalogue Work 2"}


def test_search_and_opensearch_description(client, catalogue):
    text.index_works([work.pk for work in catalogue["works"]])
    description = client.get("/opds/opensearch.xml")
    assert description.status_code == 200
    assert b"/opds/search?q={searchTerms}" in description.content
    results = fetch(client, "/opds/search?q=Catalogue")
    assert "Catalogue Work 1" in _titles(results)
    assert fetch(client, "/opds/search?q=nothingmatchesthis").entries == []


def test_user_feed_and_paging(client, author):
    for n in range(30):
        make_work(author, title=f"Paged Work {n:02d}")
    first = fetch(client, f"/opds/users/{author.username}")
    assert len(first.entries) == 25
    assert first.feed.opensearch_totalresults == "30"
    following = next(link.href for link in first.feed.links if link.rel == "next")
    second = fetch(client, "/" + following.split("://", 1)[1].split("/", 1)[1])
    assert len(second.entries) == 5
    assert not _titles(first) & _titles(second)


def test_muted_creators_leave_the_muters_catalogue(client, catalogue, reader):
    loud = make_user("loud_writer")
    make_work(loud, title="Muted Work", fandoms=[catalogue["fandom"]])
    client.force_login(reader)
    assert "Muted Work" in _titles(fetch(client, "/opds/new"))
    Mute.objects.create(muter=reader, muted=loud)
    assert "Muted Work" not in _titles(fetch(client, "/opds/new"))
    fandoms = fetch(client, "/opds/fandoms")
    entry = next(e for e in fandoms.entries if e.title == catalogue["fandom"])
    assert entry.content[0].value == "4 works"  # three public, one restricted, not the muted one


def test_unknown_tag_and_user_are_404(client, catalogue):
    assert client.get("/opds/tags/No Such Tag").status_code == 404
    assert client.get("/opds/users/nobody_here").status_code == 404


def test_the_token_that_lists_a_restricted_work_downloads_it(catalogue, reader):
    _, key = create_api_token(reader, "e-reader")
    basic = "Basic " + base64.b64encode(f"{reader.username}:{key}".encode()).decode()
    feed = fetch(Client(), "/opds/new", basic)
    entry = next(e for e in feed.entries if e.title == "Members Only")
    epub = next(link.href for link in entry.links if link.type == "application/epub+zip")
    path = "/" + epub.split("://", 1)[1].split("/", 1)[1]
    assert Client().get(path, headers={"Authorization": basic}).status_code == 200
    assert Client().get(path).status_code == 302  # no token: log in first
    wrong = "Basic " + base64.b64encode(f"{reader.username}:nope".encode()).decode()
    assert Client().get(path, headers={"Authorization": wrong}).status_code == 401


# RFC 3987: a scheme, then only IRI characters, with every `%` starting an escape.
IRI_SCHEME = re.compile(r"\A[A-Za-z][A-Za-z0-9+.\-]*:")
IRI_ASCII = set(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
PERCENT_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def assert_valid_iri(value: str) -> None:
    assert IRI_SCHEME.match(value), f"no scheme: {value!r}"
    for char in value:
        # Above ASCII, an IRI allows letters and the like; never controls or spaces.
        allowed = char in IRI_ASCII if char < "\x80" else char.isprintable() and not char.isspace()
        assert allowed, f"{char!r} in {value!r}"
    assert not PERCENT_ESCAPE.search(value), f"a bare % in {value!r}"


def _local(href: str) -> str:
    return "/" + href.split("://", 1)[1].split("/", 1)[1]


def test_every_id_in_every_feed_is_a_valid_iri(client, author):
    # Names with what an IRI can't hold as it is: spaces, and AO3's escaped characters.
    fandoms = ["Final Fantasy VII: Advent Children", "Kingdom Hearts / Re:Coded & More?"]
    make_work(author, title="Two Worlds", fandoms=fandoms)
    Tag.objects.filter(name__in=fandoms).update(canonical=True)
    pages = ["/opds", "/opds/new", "/opds/fandoms", f"/opds/users/{author.username}"]
    pages.append("/opds/search?q=two%20worlds")
    fandom_feed = fetch(client, "/opds/fandoms")
    pages += [_local(entry.links[0].href) for entry in fandom_feed.entries]
    assert len(pages) == 7

    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        ids = [
            element.text or "" for element in etree.fromstring(response.content).iter(f"{ATOM}id")
        ]
        assert ids, page
        for value in ids:
            assert_valid_iri(value)
        assert len(ids) == len(set(ids)), f"an id twice in {page}"


def test_a_fandoms_catalogue_id_survives_a_rename(client, author):
    make_work(author, title="Renamed Fandom Work", fandoms=["Old Fandom Name"])
    tag = Tag.objects.get(name="Old Fandom Name")
    wrangle_tag(tag, WrangleData(canonical=True))

    def fandom_entry_id() -> str:
        return next(entry.id for entry in fetch(client, "/opds/fandoms").entries)

    before = fandom_entry_id()
    wrangle_tag(tag, WrangleData(name="New Fandom Name"))
    assert fandom_entry_id() == before
    feed = fetch(client, "/opds/tags/New Fandom Name")
    assert feed.feed.id == before  # the entry names the feed it leads to
