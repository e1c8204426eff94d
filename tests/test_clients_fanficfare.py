"""FanFicFare downloads works from a live Lifestream archive to EPUB.

FanFicFare runs as its command line runs it (configuration, adapter, writer) with the adapter
Lifestream ships in contrib/fanficfare, registered for a made-up domain. Its only other change
is a requests transport adapter on its own session (tests/clients.py) that sends the https
requests for that domain to the test server. What it extracted is compared field by field with
the work as posted, and the EPUB it wrote is opened to find every chapter in order.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.comments import post_comment
from lifestream.testing import PASSWORD, make_user
from tests.clients import AO3Host
from tests.test_stats_filters import hit, kudos_from
from works.models import Work
from works.services import ChapterData, WorkData, add_chapter, create_work

fanficfare = pytest.importorskip("fanficfare")

from fanficfare import adapters, writers  # noqa: E402  # only once importorskip found FanFicFare
from fanficfare.configurable import Configuration  # noqa: E402  # only once importorskip found FanFicFare

from contrib.fanficfare.adapter_lifestream import domains_from, register  # noqa: E402  # only once importorskip found FanFicFare

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.database_independent,
    # FanFicFare's own parsing calls a BeautifulSoup method renamed in bs4 4.0.
    pytest.mark.filterwarnings("ignore:Call to deprecated method findNext:DeprecationWarning"),
]

DOMAIN = "archive.lifestream.test"

CHAPTERS = [
    ChapterData(
        title="The Reactor",
        summary="<p>Where it starts.</p>",
        body="<p>The reactor hummed under the city.</p><p>Cloud counted the pipes.</p>",
        notes="<p>Chapter one's own notes.</p>",
        end_notes="<p>End of chapter one.</p>",
    ),
    ChapterData(
        title="Sector Seven", body="<p>Rain over the plate.</p><p>Tifa opened the bar.</p>"
    ),
    ChapterData(
        title="Lifestream",
        body="<p>Green light everywhere.</p>",
        end_notes="<p>Thanks for reading!</p>",
    ),
]


@pytest.fixture(scope="module", autouse=True)
def lifestream_adapter():
    return register(DOMAIN)


@pytest.fixture(autouse=True, params=["en", "fr", "ja"])
def interface_language(request, settings) -> str:
    """Each test runs with the archive's pages in English, French and Japanese (the language of
    a visitor who asks for none): what AO3 clients read (AO3_COMPAT.md) keeps AO3's words and
    formats whatever the interface's language."""
    settings.LANGUAGE_CODE = request.param
    return request.param


@pytest.fixture
def writer(db):
    return make_user("aerith_writes")


def post(writer, **overrides) -> Work:
    """A three-chapter work with every kind of metadata a work page shows."""
    fields = {
        "title": "Under the Plate",
        "pseuds": [writer.default_pseud],
        "summary": "<p>Cloud remembers a city that was never his.</p>",
        "notes": "<p>Written for the winter exchange.</p>",
        "end_notes": "<p>Comments are love.</p>",
        "rating": "Mature",
        "warnings": ["Graphic Depictions Of Violence"],
        "categories": ["M/M", "Gen"],
        "fandoms": ["Final Fantasy VII", "Compilation of Final Fantasy VII"],
        "relationships": ["Cloud Strife/Sephiroth"],
        "characters": ["Cloud Strife", "Tifa Lockhart"],
        "freeforms": ["Angst", "Hurt/Comfort"],
        "language": "en",
        "expected_chapters": 3,
        "published_on": dt.date(2024, 1, 15),
        **overrides,
    }
    work = create_work(writer, WorkData(**fields), CHAPTERS[0], post=True)
    for chapter in CHAPTERS[1:]:
        add_chapter(work, chapter, post=True)
    work.refresh_from_db()
    return work


@pytest.fixture
def configure(live_server):
    """Makes FanFicFare configurations as its command line builds them (its defaults.ini, then
    the text of a personal.ini), each with its session pointed at the live server."""
    sessions = []

    def make(personal_ini: str = "") -> Configuration:
        url = f"https://{DOMAIN}/works/1"
        config = Configuration(adapters.getConfigSectionsFor(url), "epub")
        config.read([str(Path(fanficfare.__file__).with_name("defaults.ini"))])
        config.read_string(personal_ini)
        session = config.get_fetcher().get_requests_session()
        session.mount(f"https://{DOMAIN}", AO3Host(live_server.url, origin=f"https://{DOMAIN}"))
        sessions.append(session)
        return config

    yield make
    # A kept-alive connection would end its server thread during a later test, on a database
    # connection that test owns.
    for session in sessions:
        session.close()


def download(config: Configuration, work: Work):
    adapter = adapters.getAdapter(config, f"https://{DOMAIN}/works/{work.pk}")
    adapter.getStoryMetadataOnly()
    out = io.BytesIO()
    writers.getWriter("epub", config, adapter).writeStory(outstream=out)
    return adapter.story, zipfile.ZipFile(out)


def package(epub: zipfile.ZipFile) -> tuple[etree._Element, list[html.HtmlElement]]:
    """The EPUB's package document, and its chapter documents in spine order."""
    container = etree.fromstring(epub.read("META-INF/container.xml"))
    opf_path = container.find(".//{*}rootfile").get("full-path")
    opf = etree.fromstring(epub.read(opf_path))
    base = opf_path.rpartition("/")[0]
    items = {item.get("id"): item.get("href") for item in opf.iterfind(".//{*}manifest/{*}item")}
    documents = [
        html.fromstring(epub.read(f"{base}/{items[ref.get('idref')]}".lstrip("/")))
        for ref in opf.iterfind(".//{*}spine/{*}itemref")
    ]
    return opf, [doc for doc in documents if doc.find_class("fff_chapter_title")]


def paragraphs(element) -> list[str]:
    return [p.text_content().strip() for p in element.iter("p") if p.text_content().strip()]


def notes(chapter: html.HtmlElement, kind: str) -> list[str]:
    found = chapter.find_class(kind)
    return paragraphs(found[0]) if found else []


def test_downloads_a_multi_chapter_work_with_all_its_metadata(configure, writer, reader):
    work = post(writer)
    kudos_from(2, work)
    hit(work, 3)
    post_comment(reader, work, "<p>The rain scene!</p>")
    create_bookmark(reader, work, BookmarkData())
    with pytest.raises(fanficfare.exceptions.AdultCheckRequired):
        download(configure(), work)

    story, epub = download(configure(f"[{DOMAIN}]\nis_adult:true\n"), work)

    meta = story.getMetadata
    assert meta("title") == "Under the Plate"
    assert story.getList("author") == ["aerith_writes"]
    assert story.getList("authorUrl") == [
        f"https://{DOMAIN}/users/aerith_writes/pseuds/aerith_writes"
    ]
    assert meta("storyId") == str(work.pk)
    assert meta("storyUrl") == f"https://{DOMAIN}/works/{work.pk}"
    assert meta("rating") == "Mature"
    assert story.getList("warnings") == ["Graphic Depictions Of Violence"]
    assert sorted(story.getList("ao3categories")) == ["Gen", "M/M"]
    assert sorted(story.getList("fandoms")) == [
        "Compilation of Final Fantasy VII",
        "Final Fantasy VII",
    ]
    assert story.getList("ships") == ["Cloud Strife/Sephiroth"]
    assert sorted(story.getList("characters")) == ["Cloud Strife", "Tifa Lockhart"]
    assert sorted(story.getList("freeformtags")) == ["Angst", "Hurt/Comfort"]
    assert meta("language") == "English"
    assert "Cloud remembers a city that was never his." in meta("description")
    assert meta("datePublished") == "2024-01-15"
    assert meta("status") == "Completed"
    assert meta("chapterslashtotal") == "3/3"
    assert meta("numChapters") == "3"
    assert meta("numWords") == f"{work.word_count:,}"
    assert meta("kudos") == "2"
    assert meta("hits") == "3"
    assert meta("comments") == "1"
    assert meta("bookmarks") == "1"
    assert meta("restricted") == ""

    opf, chapters = package(epub)
    assert opf.findtext(".//{*}title") == "Under the Plate"
    assert opf.findtext(".//{*}creator") == "aerith_writes"
    assert opf.findtext(".//{*}language") == "en"
    assert opf.findtext(".//{*}source") == f"https://{DOMAIN}/works/{work.pk}"
    assert [c.find_class("fff_chapter_title")[0].text_content() for c in chapters] == [
        "1. The Reactor",
        "2. Sector Seven",
        "3. Lifestream",
    ]
    assert [paragraphs(c.find_class("userstuff module")[0]) for c in chapters] == [
        ["The reactor hummed under the city.", "Cloud counted the pipes."],
        ["Rain over the plate.", "Tifa opened the bar."],
        ["Green light everywhere."],
    ]
    # FanFicFare puts the notes where it puts AO3's: the work's notes and the chapter's summary
    # and notes before the chapter's text, the chapter's and then the work's end notes after it.
    assert [notes(c, "fff_head_notes") for c in chapters] == [
        ["Written for the winter exchange.", "Where it starts.", "Chapter one's own notes."],
        [],
        [],
    ]
    assert [notes(c, "fff_foot_notes") for c in chapters] == [
        ["End of chapter one."],
        [],
        ["Thanks for reading!", "Comments are love."],
    ]


def test_a_restricted_work_after_logging_in(configure, writer):
    work = post(writer, title="Members Only", restricted=True, rating="Teen And Up Audiences")
    reader = make_user("barret_reads")

    with pytest.raises(fanficfare.exceptions.FailedToLogin):
        download(configure(), work)

    personal = f"[{DOMAIN}]\nusername:{reader.username}\npassword:{PASSWORD}\n"
    story, epub = download(configure(personal), work)

    assert story.getMetadata("title") == "Members Only"
    assert story.getMetadata("restricted") == "Restricted"
    assert story.getMetadata("rating") == "Teen And Up Audiences"
    _, chapters = package(epub)
    assert [paragraphs(c.find_class("userstuff module")[0])[-1] for c in chapters] == [
        "Cloud counted the pipes.",
        "Tifa opened the bar.",
        "Green light everywhere.",
    ]


def test_the_command_line_learns_lifestream_domains_from_the_environment_and_urls():
    assert domains_from({"LIFESTREAM_DOMAINS": "Fics.Example.org, b.example"}, []) == [
        "fics.example.org",
        "b.example",
    ]
    urls = ["https://new.example.net/works/5", "https://archiveofourown.org/works/5", "-f"]
    assert domains_from({}, urls) == ["new.example.net"]
    with pytest.raises(ValueError, match="adapter of its own"):
        register("archiveofourown.org")


def test_series_metadata_from_the_work_page(configure, writer):
    from works.series import add_work_to_series

    first = post(writer, title="Before the Plate", rating="General Audiences")
    second = post(writer, title="Under the Plate", rating="General Audiences")
    saga = add_work_to_series(writer, first, new_title="The Plate Saga").series
    add_work_to_series(writer, second, series=saga)

    story, _ = download(configure(), second)

    assert story.getMetadata("series") == "The Plate Saga [2]"
    assert story.getMetadata("seriesUrl") == f"https://{DOMAIN}/series/{saga.pk}"
