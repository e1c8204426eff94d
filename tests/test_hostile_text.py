"""Control characters in what people type: refused on the way in, and never able to make a
book or a feed unreadable for text stored before that (every XML document stays XML)."""

from __future__ import annotations

import io
import zipfile

import feedparser
import pytest
from lxml import etree

from lifestream.testing import make_work
from tags.models import Tag
from tests.test_downloads import epubcheck
from tests.test_opds import fetch
from tests.test_posting import form_data
from works.models import Chapter, Work

CONTROLS = "\x01\x02\x07\x08\x0e\x1b\x1f\x7f\x85"


def _epub_documents(response) -> dict[str, bytes]:
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: archive.read(name) for name in archive.namelist() if name != "mimetype"}


@pytest.fixture
def legacy_work(author):
    """A work whose title, summary, text and tags hold controls, as stored before they were
    refused on the way in (written past the services, straight to the rows)."""
    work = make_work(author, title="Legacy", fandoms=["Legacy Fandom"], characters=["Bell"])
    Work.objects.filter(pk=work.pk).update(
        title=f"Bell{CONTROLS} Title", summary=f"<p>Summary{CONTROLS}</p>"
    )
    Chapter.objects.filter(work=work).update(body="<p>Text with a bell\x07 in it.</p>")
    Tag.objects.filter(name="Bell").update(name="Bell\x07")
    Tag.objects.filter(name="Legacy Fandom").update(canonical=True)
    return Work.objects.get(pk=work.pk)


def test_posting_drops_controls_from_every_field(client, author):
    client.force_login(author)
    response = client.post(
        "/works/new",
        form_data(
            author,
            title=f"Vertical\x0btab{CONTROLS} title",
            summary=f"<p>Pasted\x0cfrom a word processor{CONTROLS}</p>",
            characters=f"Cloud{CONTROLS} Strife",
            freeforms="Angst\x07, Slow Burn",
            chapter_title="Chapter\x01 one",
            chapter_body="<p>The reactor\x07 hummed.</p>",
        ),
    )
    assert response.status_code == 302
    work = Work.objects.get()
    assert work.title == "Vertical tab title"
    assert work.summary == "<p>Pasted\nfrom a word processor</p>"
    chapter = work.chapters.get()
    assert chapter.title == "Chapter one"
    assert chapter.body == "<p>The reactor hummed.</p>"
    names = set(work.tags.values_list("name", flat=True))
    assert {"Cloud Strife", "Angst", "Slow Burn"} <= names
    assert not any(character in "".join(names) for character in CONTROLS)


def test_an_old_work_with_controls_still_makes_a_valid_epub(client, legacy_work, tmp_path):
    response = client.get(f"/downloads/{legacy_work.pk}/Legacy.epub")
    documents = _epub_documents(response)
    for name, content in documents.items():
        if name.endswith((".xhtml", ".opf", ".xml", ".ncx")):
            etree.fromstring(content)  # raises on a control character
    assert any(b"Bell Title" in content for content in documents.values())
    path = tmp_path / "legacy.epub"
    path.write_bytes(client.get(f"/downloads/{legacy_work.pk}/Legacy.epub").getvalue())
    result = epubcheck(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_old_work_with_controls_keeps_the_catalogue_and_feeds_readable(client, legacy_work):
    for url in ("/opds/new", "/opds/tags/Legacy Fandom"):
        feed = fetch(client, url)
        assert [entry.title for entry in feed.entries] == ["Bell Title"]
    response = client.get("/tags/Legacy Fandom/feed.atom")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title.startswith("Bell Title by ")
    assert "Characters: Bell</p>" in parsed.entries[0].summary
