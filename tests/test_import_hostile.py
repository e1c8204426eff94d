"""Hostile files at the import page: each is refused with a message that says why, nothing is
stored, and the page (never a 500) comes back; reading happens before any write lock is taken."""

from __future__ import annotations

import html
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from imports import services
from imports.formats import ImportRefused
from imports.services import import_work
from lifestream.core.text import MAX_NESTING
from tests.importing import docx, epub, w_p, xhtml
from tests.test_posting import form_data
from works.models import Work

DEEP = MAX_NESTING * 4


def _encrypted_docx() -> bytes:
    """A DOCX whose document entry says it is encrypted: bit 0 of the zip's general-purpose
    flags, at offset 6 of its local header and offset 8 of its central directory header."""
    data = bytearray(docx([w_p("Secret chapter text.")]))
    name = b"word/document.xml"
    for signature, flags, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        position = data.find(signature)
        while position != -1:
            if data[position + name_at : position + name_at + len(name)] == name:
                data[position + flags] |= 0x01
            position = data.find(signature, position + 4)
    return bytes(data)


def _corrupt_deflate_epub() -> bytes:
    """An EPUB whose chapter's compressed bytes are garbage (its headers are intact)."""
    data = bytearray(epub([("one.xhtml", xhtml("<p>" + "story text " * 500 + "</p>"))]))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("OEBPS/one.xhtml")
    name_length = len(info.filename.encode())
    extra_length = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    for index in range(start + 10, start + min(info.compress_size, 200)):
        data[index] = 0xFF
    return bytes(data)


NESTED_DIVS = "<div>" * DEEP + "deep" + "</div>" * DEEP
# name: (file, file name, the message it is refused with, or None when it becomes a draft)
HOSTILE = {
    "a malformed marked section": (b"<p>Before <![> after</p>" * 3, "story.html", None),
    "an unclosed declaration": (b"<p>Story</p><!", "story.html", None),
    "nested divs (HTML)": (NESTED_DIVS.encode(), "deep.html", "levels inside one another"),
    "nested divs (EPUB)": (epub([("one.xhtml", xhtml(NESTED_DIVS))]), "deep.epub", "levels"),
    # Markdown stops nesting quotes at 20 levels by itself; one word is a title, not a story.
    "nested quotes (Markdown)": (("> " * DEEP + "deep").encode(), "deep.md", "no story text"),
    "emphasis markers (Markdown)": (b"**a " * 4000, "emphasis.md", None),
    "an encrypted DOCX entry": (_encrypted_docx(), "secret.docx", "protected by a password"),
    "corrupt deflate data": (_corrupt_deflate_epub(), "broken.epub", "damaged zip archive"),
    "a 5,000-character file name": (b"<p>A story.</p>", "a" * 5000 + ".html", None),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_is_refused_with_the_page_back(client, author, name):
    data, filename, message = HOSTILE[name]
    client.force_login(author)
    response = client.post("/works/import", {"file": SimpleUploadedFile(filename, data)})
    if message is None:
        # A file that can be read after all becomes a draft, whole.
        assert response.status_code == 302, name
        work = Work.objects.get()
        assert not work.posted and work.chapters.exists()
    else:
        assert response.status_code == 200, name
        assert message in response.content.decode(), name
        assert not Work.objects.exists()


def test_deep_nesting_is_refused_by_name(author):
    data = ("<div>" * DEEP + "deep" + "</div>" * DEEP).encode()
    with pytest.raises(ImportRefused) as error:
        import_work(author, data, filename="deep.html")
    assert error.value.code == "too_deep"
    assert f"{MAX_NESTING}" in error.value.errors[0].message


def test_nesting_within_the_limit_imports(author):
    depth = MAX_NESTING - 5
    data = ("<div>" * depth + "<p>Still a story.</p>" + "</div>" * depth).encode()
    work = import_work(author, data, filename="nested.html").work
    assert "Still a story." in work.chapters.get().body


def test_a_long_file_name_still_gives_a_title(author):
    work = import_work(author, b"<p>A story.</p>", filename="b" * 5000 + ".txt").work
    assert 0 < len(work.title) <= 255


@pytest.mark.django_db(transaction=True)
def test_a_file_is_read_and_understood_before_any_transaction(author, monkeypatch):
    """Reading a large or awkward file takes time: on SQLite a transaction open meanwhile would
    hold the archive's one write lock, and every other writer (logins, comments) would wait."""
    seen: list[bool] = []
    for name in ("read_file", "understand", "suggest_tags"):
        original = getattr(services, name)

        def watched(*args, _original=original, **kwargs):
            seen.append(connection.in_atomic_block)
            return _original(*args, **kwargs)

        monkeypatch.setattr(services, name, watched)
    import_work(author, b"<h1>Slow</h1><p>A slow story about Cloud.</p>", filename="slow.html")
    assert seen == [False, False, False]
    assert Work.objects.get().title == "Slow"


def test_posting_deeply_nested_html_comes_back_with_the_text(client, author):
    client.force_login(author)
    body = NESTED_DIVS
    response = client.post("/works/new", form_data(author, chapter_body=body))
    assert response.status_code == 200
    page = response.content.decode()
    assert "levels inside one another" in page
    assert html.escape("<div>" * 20) in page  # the text is back in its field
    assert not Work.objects.exists()
    depth = MAX_NESTING - 5
    within = "<div>" * depth + "<p>Nested, but a story.</p>" + "</div>" * depth
    assert client.post("/works/new", form_data(author, chapter_body=within)).status_code == 302
