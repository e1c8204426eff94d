"""A work's own download says which series it belongs to, as its page does: "Part N of TITLE"
on the title page of every format, and the series in the EPUB's package (EPUB 3's collection
and Calibre's fields) so an e-reader's library groups and orders the books. The number counts
only the parts the downloader may see: a restricted or draft part leaves no gap that tells."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client

from lifestream.testing import make_user, make_work
from tests.test_downloads import epubcheck
from tests.test_downloads_ebook_meta import ebook_meta, read_metadata
from works.series import add_work_to_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def saga(db):
    author = make_user("saga_writer")
    first = make_work(author, title="Departure", body="<p>The train left at dawn.</p>")
    hidden = make_work(author, title="Members Only", restricted=True, body="<p>x</p>")
    draft = make_work(author, title="Unfinished", draft=True, body="<p>y</p>")
    road = make_work(author, title="The Road", body="<p>Somewhere in the wastes.</p>")
    series = add_work_to_series(author, first, new_title="The Long Way Round").series
    for work in (hidden, draft, road):
        add_work_to_series(author, work, series=series)
    return {"author": author, "series": series, "road": road, "hidden": hidden}


def _file(client: Client, url: str) -> bytes:
    response: Any = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _epub(client: Client, work) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(_file(client, f"/downloads/{work.pk}/The_Road.epub")))


def _member() -> Client:
    client = Client()
    client.force_login(make_user("saga_reader"))
    return client


def test_a_guest_sees_the_parts_a_guest_may_read(saga, settings):
    archive = _epub(Client(), saga["road"])
    package = archive.read("EPUB/package.opf").decode()
    assert '<meta property="belongs-to-collection" id="series-1">The Long Way Round</meta>' in (
        package
    )
    assert '<meta refines="#series-1" property="collection-type">series</meta>' in package
    # Departure, then The Road: the restricted part and the draft are not counted.
    assert '<meta refines="#series-1" property="group-position">2</meta>' in package
    assert '<meta name="calibre:series_index" content="2"/>' in package
    title_page = archive.read("EPUB/title.xhtml").decode()
    series_url = f"{settings.SITE_URL}/series/{saga['series'].pk}"
    assert f'Part 2 of <a href="{series_url}">The Long Way Round</a>' in title_page
    assert "Members Only" not in package + title_page


def test_a_member_counts_the_restricted_part_and_gets_their_own_file(saga):
    guest_bytes = _file(Client(), f"/downloads/{saga['road'].pk}/The_Road.epub")
    archive = _epub(_member(), saga["road"])
    package = archive.read("EPUB/package.opf").decode()
    assert '<meta refines="#series-1" property="group-position">3</meta>' in package
    assert "Part 3 of" in archive.read("EPUB/title.xhtml").decode()
    # Two versions of the book, two files: the guest's copy still says part 2.
    guest_package = zipfile.ZipFile(io.BytesIO(guest_bytes)).read("EPUB/package.opf").decode()
    assert 'property="group-position">2</meta>' in guest_package


def test_html_and_text_say_part_n_of_the_series(saga):
    html = _file(Client(), f"/downloads/{saga['road'].pk}/The_Road.html").decode()
    assert "<dt>Series:</dt><dd>Part 2 of <a href=" in html
    assert f'/series/{saga["series"].pk}">The Long Way Round</a></dd>' in html
    text = _file(Client(), f"/downloads/{saga['road'].pk}/The_Road.txt").decode()
    assert "Series: Part 2 of The Long Way Round" in text.splitlines()


def test_a_work_in_two_series_names_both(saga):
    other = add_work_to_series(saga["author"], saga["road"], new_title="Roads & <Rails>").series
    text = _file(Client(), f"/downloads/{saga['road'].pk}/The_Road.txt").decode()
    assert "Series: Part 2 of The Long Way Round, Part 1 of Roads & <Rails>" in text
    archive = _epub(Client(), saga["road"])
    package = archive.read("EPUB/package.opf").decode()
    assert 'id="series-2">Roads &amp; &lt;Rails&gt;</meta>' in package
    # Calibre keeps one series: the first.
    assert '<meta name="calibre:series" content="The Long Way Round"/>' in package
    assert other.pk


def test_a_work_in_no_series_says_nothing_of_series(author):
    work = make_work(author, title="Alone")
    text = _file(Client(), f"/downloads/{work.pk}/Alone.txt").decode()
    assert "Series:" not in text
    archive = zipfile.ZipFile(io.BytesIO(_file(Client(), f"/downloads/{work.pk}/Alone.epub")))
    assert "belongs-to-collection" not in archive.read("EPUB/package.opf").decode()


def test_the_epub_with_series_passes_epubcheck(saga, tmp_path):
    add_work_to_series(saga["author"], saga["road"], new_title="Second Series")
    path = tmp_path / "road.epub"
    path.write_bytes(_file(Client(), f"/downloads/{saga['road'].pk}/The_Road.epub"))
    result = epubcheck(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_calibre_reads_the_series_and_its_number(saga, tmp_path):
    path = tmp_path / "road.epub"
    path.write_bytes(_file(_member(), f"/downloads/{saga['road'].pk}/The_Road.epub"))
    fields = read_metadata(path)
    assert fields["Series"] == "The Long Way Round #3"


def test_the_converted_formats_are_built_with_the_series_lines_the_reader_saw(saga, settings):
    """The worker that builds a Kindle file is handed the reader's series lines (it has no
    reader of its own to number the parts for): it builds the very version the reader asked
    for, so the reader gets the file rather than waiting for one that never comes."""
    ebook_meta()  # Calibre makes the Kindle formats: skip without it
    settings.DOWNLOAD_WAIT_SECONDS = 0
    content = _file(_member(), f"/downloads/{saga['road'].pk}/The_Road.azw3")
    assert content[60:68] == b"BOOKMOBI"
