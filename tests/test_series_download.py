"""The whole series as one EPUB: every work a reader may download, in series order, one section
each, passing W3C epubcheck; nothing of a part they may not read."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from lifestream.testing import make_user, make_work
from people.services import create_api_token
from tests.test_downloads import epubcheck
from works.series import add_work_to_series, delete_series
from works.services import ChapterData, update_chapter

pytestmark = pytest.mark.django_db


def _streamed(response: Any) -> bytes:
    """A file response's bytes."""
    return b"".join(response.streaming_content)


@pytest.fixture
def saga(db):
    author = make_user("saga_writer")
    first = make_work(
        author,
        title="Departure",
        chapters=2,
        body="<p>The train left Midgar at dawn.</p>",
        notes="<p>Start here.</p>",
    )
    second = make_work(author, title="The Road", body="<p>Somewhere in the wastes.</p>")
    hidden = make_work(author, title="Members Only", restricted=True, body="<p>secretword</p>")
    draft = make_work(author, title="Unfinished", draft=True, body="<p>draftword</p>")
    part = add_work_to_series(author, first, new_title="The Long Way Round")
    series = part.series
    for work in (hidden, second, draft):
        add_work_to_series(author, work, series=series)
    return {"author": author, "series": series, "works": (first, hidden, second, draft)}


def _url(world) -> str:
    return f"/downloads/series/{world['series'].pk}/The_Long_Way_Round.epub"


def _open(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def _text(archive: zipfile.ZipFile) -> str:
    return " ".join(
        archive.read(name).decode()
        for name in archive.namelist()
        if name.endswith((".xhtml", ".opf"))
    )


def test_the_series_epub_holds_each_work_in_order_and_passes_epubcheck(saga, tmp_path):
    reader = Client()
    reader.force_login(make_user("saga_reader"))
    response = reader.get(_url(saga))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/epub+zip"
    assert 'filename="The_Long_Way_Round.epub"' in response["Content-Disposition"]
    content = _streamed(response)
    archive = _open(content)
    names = archive.namelist()
    assert names[0] == "mimetype"
    # The series' title page, then each work's title page and chapters in series order.
    assert "EPUB/series.xhtml" in names
    assert "EPUB/work-001-chapter-0002.xhtml" in names
    assert "EPUB/work-003-title.xhtml" in names and "EPUB/work-004-title.xhtml" not in names
    nav = BeautifulSoup(archive.read("EPUB/nav.xhtml"), "html.parser")
    top = [li.a.get_text() for li in nav.select("nav#toc > ol > li") if li.a is not None]
    assert top == ["The Long Way Round", "Departure", "Members Only", "The Road"]
    text = _text(archive)
    assert "The train left Midgar" in text and "secretword" in text
    assert "draftword" not in text and "Unfinished" not in text
    package = archive.read("EPUB/package.opf").decode()
    assert "<dc:title>The Long Way Round</dc:title>" in package
    assert "<dc:creator>saga_writer</dc:creator>" in package

    path = tmp_path / "series.epub"
    path.write_bytes(content)
    result = epubcheck(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_guest_gets_only_the_public_parts(saga):
    response = Client().get(_url(saga))
    assert response.status_code == 200
    text = _text(_open(_streamed(response)))
    assert "Departure" in text and "The Road" in text
    assert "Members Only" not in text and "secretword" not in text
    assert response["Cache-Control"] == "public, max-age=0"


def test_an_e_reader_app_uses_its_token(saga):
    reader = make_user("saga_app_reader")
    _, key = create_api_token(reader, "e-reader")
    response = Client().get(_url(saga), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert "secretword" in _text(_open(_streamed(response)))
    assert response["Cache-Control"] == "private, no-cache"


def test_a_series_of_drafts_has_nothing_to_download_even_for_its_creator(db):
    author = make_user("draft_saga")
    draft = make_work(author, title="Only A Draft", draft=True)
    series = add_work_to_series(author, draft, new_title="Not Yet").series
    client = Client()
    client.force_login(author)
    assert client.get(f"/downloads/series/{series.pk}/Not_Yet.epub").status_code == 404
    assert Client().get(f"/downloads/series/{series.pk}/Not_Yet.epub").status_code == 404


def test_a_guest_asked_to_log_in_for_a_series_of_restricted_works(db):
    author = make_user("locked_saga")
    work = make_work(author, title="Locked", restricted=True)
    series = add_work_to_series(author, work, new_title="Locked Away").series
    response = Client().get(f"/downloads/series/{series.pk}/Locked_Away.epub")
    assert response.status_code == 302 and "/users/login" in response["Location"]


def test_other_formats_and_unknown_series_are_404(saga):
    client = Client()
    assert client.get(f"/downloads/series/{saga['series'].pk}/x.mobi").status_code == 404
    assert client.get("/downloads/series/999999/x.epub").status_code == 404


def test_the_series_page_links_its_download(saga):
    page = BeautifulSoup(Client().get(f"/series/{saga['series'].pk}").content, "html.parser")
    link = page.select_one("li.download a")
    assert link is not None
    assert link["href"] == f"/downloads/series/{saga['series'].pk}/the-long-way-round.epub"
    assert Client().get(str(link["href"])).status_code == 200


def test_the_series_file_is_kept_per_version_and_goes_with_the_series(
    saga, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Built once per version: a guest's and a member's books (different parts) are both kept;
    a changed part makes a new one; a deleted series' files go."""
    settings.DATA_DIR = tmp_path
    folder = tmp_path / "downloads" / "series" / str(saga["series"].pk)
    guest = _streamed(Client().get(_url(saga)))
    built = list(folder.glob("*.epub"))
    assert len(built) == 1
    stamp = built[0].stat().st_mtime_ns
    assert _streamed(Client().get(_url(saga))) == guest
    assert built[0].stat().st_mtime_ns == stamp  # served from the cache, not rebuilt
    member = Client()
    member.force_login(make_user("saga_reader"))
    assert _streamed(member.get(_url(saga))) != guest
    assert len(list(folder.glob("*.epub"))) == 2
    first = saga["works"][0]
    chapter = first.chapters.order_by("position").first()
    update_chapter(chapter, ChapterData(title="Rewritten", body="<p>A new dawn.</p>"))
    changed = _streamed(Client().get(_url(saga)))
    assert changed != guest and "A new dawn" in _text(_open(changed))
    # Deleting the series changes its works: the change feed then drops the series' files.
    with django_capture_on_commit_callbacks(execute=True):
        delete_series(saga["author"], saga["series"])
    assert not folder.exists()
