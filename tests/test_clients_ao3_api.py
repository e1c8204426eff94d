"""ao3_api (PyPI `ao3-api`, imported as AO3) reads and acts on a live Lifestream archive.

The library is used as published; the only change is a requests transport adapter on its session
(tests/clients.py) that sends its requests for archiveofourown.org to the test server. Every
field it parses is compared with the work as it was posted, so markup that drifts from AO3's
fails here.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
import requests
from clients import point_at
from test_stats_filters import hit, kudos_from

from feedback.models import Bookmark, Comment, Kudos
from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.comments import post_comment
from lifestream.testing import PASSWORD, make_user, make_work
from works.models import Work
from works.services import ChapterData, WorkData, add_chapter, create_work

AO3 = pytest.importorskip("AO3")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.database_independent]


@pytest.fixture(autouse=True, params=["en", "fr", "ja"])
def interface_language(request, settings) -> str:
    """Each test runs with the archive's pages in English, French and Japanese (the language of
    a visitor who asks for none): what AO3 clients read (AO3_COMPAT.md) keeps AO3's words and
    formats whatever the interface's language."""
    settings.LANGUAGE_CODE = request.param
    return request.param


CHAPTERS = [
    (
        "The Reactor",
        "<p>The reactor hummed under the city.</p><p>Cloud counted the pipes.</p>",
        "<p>Chapter one's own notes.</p>",
        "<p>End of chapter one.</p>",
    ),
    ("Sector Seven", "<p>Rain over the plate.</p><p>Tifa opened the bar.</p>", "", ""),
    ("Lifestream", "<p>Green light everywhere.</p>", "", "<p>Thanks for reading!</p>"),
]


@pytest.fixture
def writer(db):
    return make_user("aerith_writes")


@pytest.fixture
def posted(writer) -> Work:
    """A three-chapter work with every kind of metadata AO3 shows."""
    data = WorkData(
        title="Under the Plate",
        pseuds=[writer.default_pseud],
        summary="<p>Cloud remembers a city that was never his.</p>",
        notes="<p>Written for the winter exchange.</p>",
        end_notes="<p>Comments are love.</p>",
        rating="Teen And Up Audiences",
        warnings=["No Archive Warnings Apply"],
        categories=["M/M", "Gen"],
        fandoms=["Final Fantasy VII", "Compilation of Final Fantasy VII"],
        relationships=["Cloud Strife/Sephiroth"],
        characters=["Cloud Strife", "Tifa Lockhart"],
        freeforms=["Angst", "Hurt/Comfort"],
        language="en",
        expected_chapters=3,
        published_on=dt.date(2024, 1, 15),
    )
    title, body, notes, end_notes = CHAPTERS[0]
    work = create_work(
        writer,
        data,
        ChapterData(title=title, body=body, notes=notes, end_notes=end_notes),
        post=True,
    )
    for title, body, notes, end_notes in CHAPTERS[1:]:
        add_chapter(
            work, ChapterData(title=title, body=body, notes=notes, end_notes=end_notes), post=True
        )
    work.refresh_from_db()
    return work


@pytest.fixture(autouse=True)
def _sessions_reach_the_test_server(live_server, monkeypatch):
    """Every requests session the client makes carries the transport adapter. ao3_api makes its
    sessions inside its own constructors (and logs in from there), so the adapter goes on the
    class it instantiates rather than on a session handed to it."""
    base = requests.Session

    class PointedSession(base):  # type: ignore[misc, valid-type]  # the class before the patch
        def __init__(self) -> None:
            super().__init__()
            point_at(self, live_server.url)

    monkeypatch.setattr(requests, "Session", PointedSession)
    # ...and requests' own one-off calls (`requests.request`), which the client also uses.
    monkeypatch.setattr(requests.sessions, "Session", PointedSession)


def guest(live_server) -> Any:
    return AO3.GuestSession()


def logged_in(live_server, user) -> Any:
    """ao3_api's own login: the login page's authenticity_token, then its POST to /users/login."""
    return AO3.Session(user.username, PASSWORD)


def test_reads_a_multi_chapter_work_with_all_its_metadata(live_server, posted, writer):
    work = AO3.Work(posted.pk, session=guest(live_server))

    assert work.title == "Under the Plate"
    assert [a.username for a in work.authors] == ["aerith_writes"]
    assert work.rating == "Teen And Up Audiences"
    assert work.warnings == ["No Archive Warnings Apply"]
    assert sorted(work.categories) == ["Gen", "M/M"]
    assert sorted(work.fandoms) == ["Compilation of Final Fantasy VII", "Final Fantasy VII"]
    assert work.relationships == ["Cloud Strife/Sephiroth"]
    assert sorted(work.characters) == ["Cloud Strife", "Tifa Lockhart"]
    assert sorted(work.tags) == ["Angst", "Hurt/Comfort"]
    assert work.language == "English"
    assert work.summary.strip() == "Cloud remembers a city that was never his."
    assert "Written for the winter exchange." in work.start_notes
    assert "Comments are love." in work.end_notes
    assert work.date_published == dt.datetime(2024, 1, 15)
    assert work.nchapters == 3
    assert work.expected_chapters == 3
    assert work.complete is True
    assert work.words == posted.word_count
    assert work.kudos == 0
    assert work.comments == 0
    assert work.bookmarks == 0
    assert work.restricted is False

    assert [c.title for c in work.chapters] == [title for title, *_ in CHAPTERS]
    assert [c.number for c in work.chapters] == [1, 2, 3]
    ids = list(posted.chapters.order_by("position").values_list("pk", flat=True))
    assert [c.id for c in work.chapters] == ids
    assert work.chapters[0].text.split("\n")[:2] == [
        "The reactor hummed under the city.",
        "Cloud counted the pipes.",
    ]
    assert work.chapters[1].text.strip().split("\n") == [
        "Rain over the plate.",
        "Tifa opened the bar.",
    ]
    assert "Chapter one's own notes." in work.chapters[0].start_notes
    assert "End of chapter one." in work.chapters[0].end_notes
    assert "Thanks for reading!" in work.chapters[2].end_notes


def test_search_reports_its_total_and_the_works_found(live_server, posted, writer, reader):
    for number in range(3):
        make_work(writer, title=f"Plate story {number}", fandoms=["Final Fantasy VII"])
    kudos_from(2, posted)
    hit(posted, 3)
    post_comment(reader, posted, "<p>The rain scene!</p>")
    create_bookmark(reader, posted, BookmarkData())
    search = AO3.Search(any_field="Plate", session=guest(live_server))
    search.update()

    assert search.total_results == 4
    found = {work.id: work for work in search.results}
    assert set(found) == set(
        Work.objects.filter(title__contains="Plate").values_list("pk", flat=True)
    )
    blurb = found[posted.pk]
    assert blurb.title == "Under the Plate"
    assert [a.username for a in blurb.authors] == ["aerith_writes"]
    assert sorted(blurb.fandoms) == ["Compilation of Final Fantasy VII", "Final Fantasy VII"]
    assert blurb.relationships == ["Cloud Strife/Sephiroth"]
    assert sorted(blurb.characters) == ["Cloud Strife", "Tifa Lockhart"]
    assert sorted(blurb.tags) == ["Angst", "Hurt/Comfort"]
    assert blurb.warnings == ["No Archive Warnings Apply"]
    assert blurb.rating == "Teen And Up Audiences"
    assert sorted(blurb.categories) == ["Gen", "M/M"]
    assert blurb.summary.strip() == "Cloud remembers a city that was never his."
    assert blurb.language == "English"
    assert blurb.words == posted.word_count
    assert blurb.nchapters == 3
    assert blurb.expected_chapters == 3
    assert blurb.hits == 3
    assert blurb.kudos == 2
    assert blurb.comments == 1
    assert blurb.bookmarks == 1


def test_a_users_works_and_bookmarks_across_pages(live_server, posted, writer, reader):
    # ao3_api reads a user's totals from AO3's paged heading ("1 - 20 of 21 Works by ..."), so
    # there are enough works for a second page.
    others = [make_work(writer, title=f"Another {number}") for number in range(20)]
    for work in [posted, *others]:
        create_bookmark(reader, work, BookmarkData(notes="<p>Read this twice.</p>"))
    session = guest(live_server)

    author = AO3.User("aerith_writes", session=session)
    assert author.works == 21
    assert author.work_pages == 2
    assert {work.id for work in author.get_works()} == {posted.pk, *(w.pk for w in others)}
    listed = {work.id: work for work in author.get_works()}
    assert listed[posted.pk].title == "Under the Plate"
    assert listed[posted.pk].bookmarks == 1

    bookmarker = AO3.User(reader.username, session=session)
    assert bookmarker.bookmarks == 21
    assert {work.id for work in bookmarker.get_bookmarks()} == {posted.pk, *(w.pk for w in others)}


def test_a_restricted_work_after_the_clients_own_login(live_server, writer, reader):
    restricted = make_work(writer, title="Members Only", restricted=True)
    # A guest is sent to the login page, as on AO3: the client finds no work there.
    as_guest = AO3.Work(restricted.pk, session=guest(live_server))
    assert (as_guest.title, as_guest.nchapters, as_guest.authors) == ("", 0, [])

    session = logged_in(live_server, reader)
    work = AO3.Work(restricted.pk, session=session)
    assert work.title == "Members Only"
    assert work.restricted is True
    assert [a.username for a in work.authors] == ["aerith_writes"]


def test_a_wrong_password_is_refused(live_server, reader):
    with pytest.raises(AO3.utils.LoginError):
        AO3.Session(reader.username, "not the password")


def test_kudos_comment_and_bookmark_through_the_client(live_server, posted, reader):
    session = logged_in(live_server, reader)
    work = AO3.Work(posted.pk, session=session)

    assert session.kudos(work) is True
    assert session.kudos(work) is False  # already left: AO3's answer, read by the client
    response = session.comment(work.chapters[1], "Sector Seven made me cry.")
    assert response.status_code == 404 and response.json()["status"] == "published"
    work.bookmark(notes="Rereading every winter.", tags=["comfort read"])

    assert Kudos.objects.filter(work=posted, user=reader).count() == 1
    comment = Comment.objects.get(work=posted, user=reader)
    assert "Sector Seven made me cry." in comment.body
    assert comment.chapter_id == work.chapters[1].id
    bookmark = Bookmark.objects.get(work=posted, user=reader)
    assert "Rereading every winter." in bookmark.notes
    assert (bookmark.private, bookmark.rec) == (False, False)
    assert [tag.name for tag in bookmark.tags.all()] == ["comfort read"]

    reread = AO3.Work(posted.pk, session=guest(live_server))
    assert (reread.kudos, reread.comments, reread.bookmarks) == (1, 1, 1)


def test_a_stale_token_is_an_auth_error_the_client_understands(live_server, posted, reader):
    session = logged_in(live_server, reader)
    work = AO3.Work(posted.pk, session=session)
    # The page's token no longer matches: the archive has forgotten the visitor's CSRF cookie.
    for cookie in list(session.session.cookies):
        if cookie.name == "csrftoken":
            session.session.cookies.clear(cookie.domain, cookie.path, cookie.name)
    with pytest.raises(AO3.utils.AuthError):
        session.kudos(work)
    assert not Kudos.objects.filter(work=posted).exists()


def test_a_tag_listing_read_with_the_clients_blurb_parser(live_server, posted, writer):
    # ao3_api has no tag-listing call of its own; scripts built on it fetch AO3's tag page and
    # hand each blurb to its parser, reading the total from the heading.
    for number in range(20):
        make_work(writer, title=f"Reactor {number}", fandoms=["Final Fantasy VII"])
    session = guest(live_server)
    soup = session.request("https://archiveofourown.org/tags/Final%20Fantasy%20VII/works")
    heading = soup.find("div", {"id": "main"}).h2.get_text(" ", strip=True)
    assert heading.split()[:5] == ["1", "-", "20", "of", "21"]
    assert heading.endswith("Works in Final Fantasy VII")
    blurbs = [
        AO3.common.get_work_from_banner(li)
        for li in soup.find("ol", {"class": "work index group"}).find_all("li", {"role": "article"})
    ]
    assert len(blurbs) == 20
    assert all("Final Fantasy VII" in blurb.fandoms for blurb in blurbs)
    second = session.request("https://archiveofourown.org/tags/Final%20Fantasy%20VII/works?page=2")
    [last] = second.find("ol", {"class": "work index group"}).find_all("li", {"role": "article"})
    listed = {blurb.id for blurb in blurbs} | {AO3.common.get_work_from_banner(last).id}
    assert listed == set(Work.objects.values_list("pk", flat=True))


def test_the_client_downloads_an_epub_from_the_work_page(live_server, posted):
    work = AO3.Work(posted.pk, session=guest(live_server))
    epub = work.download("EPUB")
    assert epub[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        assert book.read("mimetype") == b"application/epub+zip"
        text = " ".join(
            book.read(name).decode() for name in book.namelist() if name.endswith("html")
        )
    assert "Green light everywhere." in text
    html = work.download("HTML")
    assert b"The reactor hummed under the city." in html


def test_a_single_chapter_by_its_own_address(live_server, posted):
    second = posted.chapters.order_by("position")[1]
    chapter = AO3.Chapter(second.pk, None, session=guest(live_server))
    assert chapter.work.id == posted.pk
    assert chapter.title == "Sector Seven"
    assert chapter.text.strip().split("\n") == ["Rain over the plate.", "Tifa opened the bar."]


def test_the_client_refreshes_its_token_as_guest_and_logged_in(live_server, reader):
    visitor = guest(live_server)
    visitor.refresh_auth_token()
    assert visitor.authenticity_token
    session = logged_in(live_server, reader)
    session.refresh_auth_token()
    assert session.authenticity_token


def test_the_client_reads_the_comments_and_subscribes(live_server, posted, reader, writer):
    post_comment(reader, posted, "<p>The rain scene!</p>")
    session = logged_in(live_server, reader)
    work = AO3.Work(posted.pk, session=session)
    [comment] = work.get_comments()
    assert comment.text.strip() == "The rain scene!"
    assert comment.author.username == reader.username

    work.subscribe()
    assert reader.subscriptions.filter(work=posted).exists()


def test_the_client_reads_a_work_s_series_and_the_series_page(live_server, posted, writer):
    from works.series import SeriesData, add_work_to_series, update_series

    hidden = make_work(writer, title="Members Only", restricted=True)
    saga = add_work_to_series(writer, hidden, new_title="The Plate Saga").series
    add_work_to_series(writer, posted, series=saga)
    update_series(
        writer, saga, SeriesData(title="The Plate Saga", summary="<p>Midgar.</p>", complete=True)
    )
    session = guest(live_server)

    work = AO3.Work(posted.pk, session=session)
    # The restricted first part is not the guest's: this is part 1 for them.
    assert [(s.id, s.name) for s in work.series] == [(saga.pk, "The Plate Saga")]

    series = AO3.Series(saga.pk, session=session)
    assert series.name == "The Plate Saga"
    assert [c.username for c in series.creators] == ["aerith_writes"]
    assert series.nworks == 1
    assert series.words == posted.word_count
    assert series.complete is True
    assert series.description == "Midgar."
    assert series.nbookmarks == 0
    assert [w.id for w in series.work_list] == [posted.pk]
    assert series.series_begun == posted.published_on
