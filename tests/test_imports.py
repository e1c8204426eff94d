"""Imports: every format, a fan story understood (chapters, notes, title, summary), tag
suggestions from the archive's wrangled tags, hostile files refused with nothing stored, the
import page, the API and the bulk command."""

from __future__ import annotations

import codecs
import io
import socket
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from importing import (
    FAN_STORY,
    PAGE_BREAK,
    ao3_epub,
    docx,
    epub,
    fanficfare_epub,
    w_p,
    wrangled_tags,
    xhtml,
    zip_bytes,
)

from imports.formats import ImportRefused
from imports.models import ImportSuggestion, SuggestionStatus
from imports.services import PLACEHOLDER_FANDOM, import_work
from imports.suggest import suggest_tags
from people.services import create_api_token
from tags.models import Tag, TagKind
from works.models import Chapter, Work


@pytest.fixture
def tags(db):
    return wrangled_tags()


def chapters_of(work: Work) -> list[Chapter]:
    return list(work.chapters.order_by("position"))


def suggested(result) -> dict[str, tuple[str, int]]:
    return {s.tag.name: (s.kind, s.count) for s in result.suggestions}


def snapshot() -> tuple[int, int, int, int]:
    return (
        Work.objects.count(),
        Chapter.objects.count(),
        Tag.objects.count(),
        ImportSuggestion.objects.count(),
    )


# --- the "done when" story --------------------------------------------------------------------


def test_a_typical_fan_story_becomes_a_draft_with_notes_and_suggestions(author, tags):
    result = import_work(author, FAN_STORY.encode("utf-8"), filename="mako_dreams.txt")
    work = result.work
    assert not work.posted
    assert work.title == "Mako Dreams"
    assert "Cloud remembers something he never lived." in work.summary
    assert "Disclaimer: I don't own Final Fantasy VII." in work.notes
    assert "Author's Ending Note Thingy" in work.end_notes
    assert "Please review!" in work.end_notes
    (chapter,) = chapters_of(work)
    assert not chapter.posted
    assert "Author's Ending Note" not in chapter.body
    assert "Please review" not in chapter.body
    assert "Disclaimer" not in chapter.body
    # Smart quotes kept, the scene break kept inside the chapter.
    assert "“Where am I?”" in chapter.body and "didn’t" in chapter.body
    assert "<p>* * *</p>" in chapter.body
    assert chapter.body.rstrip().endswith("Tifa laughed.</p>")

    found = suggested(result)
    assert found["Final Fantasy VII"][0] == TagKind.FANDOM
    assert found["Cloud Strife"] == (TagKind.CHARACTER, 5)  # "Cloud Strife" once, "Cloud" four
    assert found["Sephiroth"][0] == TagKind.CHARACTER
    assert found["Sephiroth"][1] >= 3  # "Sephiroth" twice and the synonym "Seph"
    assert found["Tifa Lockhart"][0] == TagKind.CHARACTER  # by first name, unambiguous
    assert found["Cloud Strife/Sephiroth"][0] == TagKind.RELATIONSHIP
    assert "Kingdom Hearts" not in found
    # Stored for the edit page, none accepted yet; the draft keeps the placeholder fandom.
    stored = ImportSuggestion.objects.filter(work=work)
    assert {s.tag.name for s in stored} == set(found)
    assert {s.status for s in stored} == {SuggestionStatus.PENDING}
    assert [t.name for t in work.tags.filter(kind=TagKind.FANDOM)] == [PLACEHOLDER_FANDOM]


def test_pairings_written_with_x_and_ampersand_match_through_synonyms(author, tags):
    text = "Cloud x Seph, forever.\n\nAnd Aerith & Tifa ran the flower shop.\n\nThe end."
    found = suggested(import_work(author, text))
    assert found["Cloud Strife/Sephiroth"] == (TagKind.RELATIONSHIP, 1)
    assert found["Aerith Gainsborough & Tifa Lockhart"] == (TagKind.RELATIONSHIP, 1)


def test_ambiguous_first_names_and_lowercase_words_are_not_suggested(author, tags):
    text = "Zack waved. The sephiroth of the tale was a cloud strife of rain.\n\nZack left."
    found = suggested(import_work(author, text))
    assert "Zack Fair" not in found and "Zack Other" not in found
    assert "Sephiroth" not in found and "Cloud Strife" not in found


def test_suggestion_queries_do_not_grow_with_the_tag_table(
    author, tags, django_assert_max_num_queries
):
    words = " ".join(f"Word{n}" for n in range(300))
    text = f"Cloud Strife met Sephiroth. {words}"
    suggest_tags(author, text)  # the viewer's mutes are looked up once, then known
    with django_assert_max_num_queries(8) as small:
        found = {s.tag.name for s in suggest_tags(author, text)}
    assert {"Cloud Strife", "Sephiroth", "Final Fantasy VII"} <= found
    Tag.objects.bulk_create(
        Tag(kind=TagKind.CHARACTER, name=f"Word{n} Person", canonical=True) for n in range(2000)
    )
    with django_assert_max_num_queries(8) as large:
        suggest_tags(author, text)
    assert len(large.captured_queries) == len(small.captured_queries)


# --- understanding ----------------------------------------------------------------------------


def test_chapter_headings_split_chapters_and_scene_breaks_do_not(author):
    text = """Prologue

It began in the rain.

Chapter 1: The Reactor

Cloud ran.

***

He kept running.

Chapter Two

A/N: Sorry this took so long!

Tifa waited.

~~~

And waited.

Part 3

The end came.

Epilogue: After

Quiet at last.
"""
    work = import_work(author, text, filename="story.txt").work
    chapters = chapters_of(work)
    assert [c.title for c in chapters] == ["Prologue", "The Reactor", "", "", "Epilogue: After"]
    assert "<p>***</p>" in chapters[1].body and "He kept running." in chapters[1].body
    assert "Sorry this took so long" in chapters[2].notes
    assert "Sorry" not in chapters[2].body and "<p>~~~</p>" in chapters[2].body
    assert work.title == "story"


def test_a_plain_text_title_line_before_the_first_chapter(author):
    text = "Mako Dreams\n\nChapter 1\n\nRain.\n\nChapter 2\n\nFire."
    work = import_work(author, text, filename="x.txt").work
    assert work.title == "Mako Dreams"
    assert [c.body for c in chapters_of(work)] == ["<p>Rain.</p>", "<p>Fire.</p>"]
    # A sentence is story text, not a title.
    text = "It rained all day.\n\nChapter 1\n\nRain."
    work = import_work(author, text, filename="x.txt").work
    assert work.title == "x"
    assert "It rained all day." in chapters_of(work)[0].body


def test_notes_move_only_from_the_edges_and_with_a_marker(author):
    long_note = "Notes: " + "a very long thought " * 100
    text = f"""An hour later, nobody had moved.

Note the way the light fell, she thought.

{long_note}

Please review the situation, Cloud said.

The end."""
    work = import_work(author, text).work
    (chapter,) = chapters_of(work)
    assert work.notes == "" and work.end_notes == ""
    for words in ("An hour later", "Note the way", "a very long thought", "Please review the"):
        assert words in chapter.body


def test_a_plain_note_near_the_end_does_not_take_the_story_with_it(author):
    text = "Cloud ran.\n\nNote: the door was locked.\n\nHe turned back.\n\nThe end."
    work = import_work(author, text).work
    assert work.end_notes == ""
    assert "He turned back." in chapters_of(work)[0].body
    text = "Cloud ran.\n\nA/N: Thanks for reading!\n\nThis took a year.\n\nSee you soon."
    work = import_work(author, text).work
    assert "This took a year." in work.end_notes and "See you soon." in work.end_notes
    assert chapters_of(work)[0].body == "<p>Cloud ran.</p>"


def test_a_bare_marker_takes_the_next_paragraph_and_a_chapter_keeps_its_text(author):
    text = "Author's Note:\n\nThis is for my sister.\n\nThe story begins here.\n\nR&R!"
    work = import_work(author, text).work
    assert "This is for my sister." in work.notes
    assert "R&amp;R!" in work.end_notes
    (chapter,) = chapters_of(work)
    assert chapter.body == "<p>The story begins here.</p>"
    # A story that is nothing but a note keeps it as its text.
    lonely = import_work(author, "A/N: this is all there is.").work
    assert "this is all there is" in chapters_of(lonely)[0].body


def test_notes_too_long_for_a_work_stay_in_the_text(author):
    preface = xhtml(
        '<div id="preface"><div class="meta"><h1>Long</h1><p>Summary</p><blockquote>'
        + "<p>"
        + "summary words " * 200
        + "</p></blockquote><p>Notes</p><blockquote><p>"
        + "note words " * 600
        + "</p></blockquote></div></div>"
    )
    data = epub([("preface.xhtml", preface), ("one.xhtml", xhtml("<p>The story.</p>"))])
    work = import_work(author, data, filename="long.epub").work
    (chapter,) = chapters_of(work)
    assert work.summary == "" and work.notes == ""
    assert "summary words" in chapter.body and "note words" in chapter.body
    assert chapter.body.rstrip().endswith("<p>The story.</p>")


def test_markdown_headings_emphasis_and_rules(author):
    text = (
        "# Mako Dreams\n\n## Chapter 1\n\nCloud *ran* and **ran**.\n\n* * *\n\n"
        "Still _running_.\n\n## Chapter 2\n\nStopped."
    )
    work = import_work(author, text.encode(), filename="mako.md").work
    assert work.title == "Mako Dreams"
    first, second = chapters_of(work)
    assert "<em>ran</em>" in first.body and "<strong>ran</strong>" in first.body
    assert "<hr>" in first.body and "<em>running</em>" in first.body
    assert second.body == "<p>Stopped.</p>"


def test_html_file_is_sanitised_and_split_at_headings(author):
    page = """<html><head><title>Mako Dreams</title><script>alert(1)</script>
<link rel="stylesheet" href="https://evil.example/x.css"></head><body>
<h2>Rain</h2><p onclick="steal()">Cloud woke. <a href="javascript:alert(1)">x</a></p>
<iframe src="https://evil.example/"></iframe><hr>
<img src="https://images.example/cloud.png" alt="Cloud"><img src="data:image/png;base64,AAAA">
<h2>Fire</h2><p>Nibelheim burned.</p></body></html>"""
    work = import_work(author, page.encode(), filename="mako.html").work
    assert work.title == "Mako Dreams"
    first, second = chapters_of(work)
    assert (first.title, second.title) == ("Rain", "Fire")
    for bad in ("script", "onclick", "javascript:", "iframe", "evil.example", "data:"):
        assert bad not in first.body
    assert '<img src="https://images.example/cloud.png" alt="Cloud">' in first.body
    assert "<hr>" in first.body


def test_pasted_html_and_plain_text(author):
    work = import_work(author, "<p>One <em>two</em></p><p>Three</p>").work
    assert chapters_of(work)[0].body == "<p>One <em>two</em></p>\n<p>Three</p>"
    work = import_work(author, "Line one\nLine two\nLine three").work
    assert chapters_of(work)[0].body.count("<p>") == 3  # one paragraph a line


def test_docx_runs_headings_and_page_breaks(author):
    data = docx(
        [
            w_p("Mako Dreams", style="Title"),
            w_p("Cloud ", bold=True) + w_p("woke", italic=True),
            '<w:p><w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t>underlined</w:t></w:r>'
            '<w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t> plain</w:t></w:r></w:p>',
            PAGE_BREAK,
            w_p("Tifa waited."),
            PAGE_BREAK,
            w_p("The end."),
        ]
    )
    work = import_work(author, data, filename="mako.docx").work
    assert work.title == "Mako Dreams"
    chapters = chapters_of(work)
    assert len(chapters) == 3
    assert "<strong>Cloud </strong>" in chapters[0].body and "<em>woke</em>" in chapters[0].body
    assert "<u>underlined</u> plain" in chapters[0].body
    assert chapters[1].body == "<p>Tifa waited.</p>"


def test_docx_headings_win_over_page_breaks(author):
    data = docx(
        [
            w_p("Chapter 1", style="Heading1"),
            w_p("One."),
            PAGE_BREAK,
            w_p("Still one."),
            w_p("Chapter 2", style="Heading1"),
            w_p("Two."),
        ]
    )
    chapters = chapters_of(import_work(author, data, filename="x.docx").work)
    assert [c.body for c in chapters] == ["<p>One.</p>\n<p>Still one.</p>", "<p>Two.</p>"]


def test_ao3_epub(author, tags):
    result = import_work(author, ao3_epub(), filename="Mako_Dreams.epub")
    work = result.work
    assert work.title == "Mako Dreams"
    assert work.summary == "<p>Cloud remembers.</p>"
    assert work.notes == "<p>For my beta.</p>"
    assert work.end_notes == "<p>Thanks for reading!</p>"
    first, second = chapters_of(work)
    assert (first.title, second.title) == ("Nibelheim", "Midgar")
    assert first.notes == "<p>Set before the fire.</p>"
    assert "<p>* * *</p>" in first.body
    assert second.end_notes == "<p>More soon.</p>"
    assert "Please drop by" not in second.body
    found = suggested(result)
    assert "Cloud Strife/Sephiroth" in found and "Final Fantasy VII" in found


def test_ao3_one_shot_epub(author):
    preface = xhtml(
        '<div id="preface"><div class="meta"><h1>Short</h1><p>Summary</p>'
        "<blockquote><p>Brief.</p></blockquote></div></div>"
        '<div id="chapters" class="userstuff"><p>All of it.</p><p>~~~</p><p>Done.</p></div>'
    )
    work = import_work(author, epub([("short.xhtml", preface)]), filename="short.epub").work
    assert (work.title, work.summary) == ("Short", "<p>Brief.</p>")
    (chapter,) = chapters_of(work)
    assert chapter.body == "<p>All of it.</p>\n<p>~~~</p>\n<p>Done.</p>"


def test_html_title_heading_and_chapter_subheadings(author):
    page = "<h1>Mako Dreams</h1><h2>Rain</h2><p>One.</p><h2>Fire</h2><p>Two.</p>"
    work = import_work(author, page.encode(), filename="x.html").work
    assert work.title == "Mako Dreams"
    assert [(c.title, c.body) for c in chapters_of(work)] == [
        ("Rain", "<p>One.</p>"),
        ("Fire", "<p>Two.</p>"),
    ]


def test_fanficfare_epub(author):
    work = import_work(author, fanficfare_epub(), filename="mako.epub").work
    assert work.title == "Mako Dreams"
    assert "Cloud remembers something." in work.summary
    first, second = chapters_of(work)
    assert (first.title, second.title) == ("Rain", "Fire")
    assert "Hi everyone" in first.notes and "Hi everyone" not in first.body
    assert "<p>~~~</p>" in first.body
    assert "R&amp;R please!" in second.end_notes
    assert "Table of Contents" not in first.body


def test_generic_epub_with_html_entities_and_a_package_image(author):
    data = epub(
        [
            ("cover.xhtml", xhtml('<div><img src="cover.jpg" alt="cover"/></div>')),
            ("one.xhtml", xhtml("<h1>Beginnings</h1><p>It&nbsp;rained.</p>")),
            ("two.xhtml", xhtml("<h2>Endings</h2><p>It stopped.</p>")),
        ],
        title="Weather",
        description="&lt;p&gt;About rain.&lt;/p&gt;",
    )
    work = import_work(author, data, filename="weather.epub").work
    assert work.title == "Weather"
    assert work.summary == "<p>About rain.</p>"
    chapters = chapters_of(work)
    assert [c.title for c in chapters] == ["Beginnings", "Endings"]
    assert chapters[0].body == "<p>It&nbsp;rained.</p>"


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        "“Hello,” she said — it’s raining.".encode(),
        codecs.BOM_UTF8 + "“Hello,” she said — it’s raining.".encode(),
        "“Hello,” she said — it’s raining.".encode("utf-16"),  # with its BOM
        codecs.BOM_UTF16_BE + "“Hello,” she said — it’s raining.".encode("utf-16-be"),
        "“Hello,” she said — it’s raining.".encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1252"],
)
def test_encodings(author, encoded):
    work = import_work(author, encoded, filename="hello.txt").work
    assert chapters_of(work)[0].body == "<p>“Hello,” she said — it’s raining.</p>"


# --- hostile files ----------------------------------------------------------------------------


def refused(author, data, filename: str) -> ImportRefused:
    before = snapshot()
    with pytest.raises(ImportRefused) as error:
        import_work(author, data, filename=filename)
    assert snapshot() == before
    return error.value


def test_oversized_upload_is_refused_before_reading(author, settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert refused(author, b"a" * 1001, "big.txt").code == "too_large"
    upload = SimpleUploadedFile("big.txt", b"a" * 1001)
    assert refused(author, upload, "big.txt").code == "too_large"
    assert refused(author, "a" * 1001, "").code == "too_large"


def test_zip_bomb_is_stopped_while_reading(author, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = epub([("one.xhtml", xhtml("<p>" + "a" * (3 * 1024 * 1024) + "</p>"))])
    assert len(bomb) < 100_000
    assert refused(author, bomb, "bomb.epub").code == "zip_bomb"


def test_zip_headers_claiming_small_sizes_are_not_trusted(author, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = bytearray(epub([("one.xhtml", xhtml("<p>" + "a" * (3 * 1024 * 1024) + "</p>"))]))
    # Rewrite every uncompressed size the archive states (local and central headers) to 10.
    archive = zipfile.ZipFile(io.BytesIO(bytes(bomb)))
    for info in archive.infolist():
        if info.file_size > 1024 * 1024:
            size = info.file_size.to_bytes(4, "little")
            bomb = bytearray(bytes(bomb).replace(size, (10).to_bytes(4, "little")))
    assert refused(author, bytes(bomb), "bomb.epub").code in {"zip_bomb", "corrupt"}


def test_too_many_entries(author, settings):
    settings.IMPORT_MAX_ZIP_ENTRIES = 10
    files = {f"OEBPS/extra{n}.txt": "x" for n in range(20)}
    data = epub([("one.xhtml", xhtml("<p>Hi</p>"))], extra=files)
    assert refused(author, data, "many.epub").code == "too_many_entries"


def test_path_tricks_are_ignored(author):
    data = epub(
        [("one.xhtml", xhtml("<p>Safe chapter.</p>"))],
        hrefs=["one.xhtml", "../../../etc/passwd", "/etc/passwd"],
        extra={"../../evil.xhtml": xhtml("<p>Evil</p>"), "/abs.xhtml": xhtml("<p>Abs</p>")},
    )
    work = import_work(author, data, filename="tricks.epub").work
    assert [c.body for c in chapters_of(work)] == ["<p>Safe chapter.</p>"]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container">&lol2;</container>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&xxe;</p></body></html>"""


def test_xml_entities_are_refused(author):
    data = zip_bytes({"META-INF/container.xml": BILLION_LAUGHS}, mimetype="application/epub+zip")
    assert refused(author, data, "lol.epub").code == "unsafe_xml"
    data = epub([("one.xhtml", EXTERNAL_ENTITY)])
    assert refused(author, data, "xxe.epub").code == "unsafe_xml"
    data = docx([w_p("Hi")], prolog='<!DOCTYPE x [<!ENTITY a "b">]>')
    assert refused(author, data, "lol.docx").code == "unsafe_xml"


def test_nothing_is_fetched_during_an_import(author, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("an import tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    data = epub(
        [
            (
                "one.xhtml",
                xhtml(
                    '<p>Hi <img src="https://images.example/a.png" alt="a"/></p>'
                    '<p><img src="http://127.0.0.1:9/x.png"/></p>'
                    '<script src="https://evil.example/x.js"></script>'
                ),
            )
        ]
    )
    body = chapters_of(import_work(author, data, filename="remote.epub").work)[0].body
    assert "<script" not in body and "evil.example" not in body
    assert '<img src="https://images.example/a.png" alt="a">' in body


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "story.txt", "unsupported_type"),
        (b"%PDF-1.7 ...", "story.pdf", "unsupported_type"),
        (b"%PDF-1.7 ...", "story.txt", "unsupported_type"),
        (b"Just text", "story.epub", "unsupported_type"),
        (b"Just text", "story.exe", "unsupported_type"),
        (zip_bytes({"hello.txt": "hi"}), "story.epub", "unsupported_type"),
        (b"PK\x03\x04 not really a zip", "story.docx", "corrupt"),
        (b"", "empty.txt", "empty"),
        (b"  \n\n\t ", "blank.txt", "empty"),
        (b"\x81\x8d\x8f\x90\x9d", "odd.txt", "unknown_encoding"),
        (epub([("one.xhtml", xhtml('<div><img src="c.jpg"/></div>'))]), "x.epub", "empty"),
        (epub([("one.xhtml", "<html><body><p>unclosed</body>")]), "x.epub", "corrupt"),
    ],
    ids=[
        "png-named-txt",
        "pdf",
        "pdf-named-txt",
        "text-named-epub",
        "unknown-extension",
        "zip-not-epub",
        "broken-zip",
        "empty",
        "blank",
        "undecodable",
        "epub-without-text",
        "malformed-xhtml",
    ],
)
def test_wrong_and_empty_files(author, data, filename, code):
    error = refused(author, data, filename)
    assert error.code == code
    assert error.errors[0].message


def test_a_chapter_over_the_limit_refuses_the_whole_import(author):
    text = "Chapter 1\n\nShort.\n\nChapter 2\n\n" + ("word " * 110_000)
    error = refused(author, text, "")
    assert error.code == "too_long"
    assert error.errors[0].message.startswith("Chapter 2:")


# --- the import page --------------------------------------------------------------------------


def test_import_page_from_pasted_text(client, author, tags):
    client.force_login(author)
    page = client.get("/works/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert "Files may be up to 10 MB." in page.content.decode()
    response = client.post("/works/import", {"text": FAN_STORY}, follow=True)
    work = Work.objects.get()
    assert response.redirect_chain[-1][0] == f"/works/{work.pk}/edit"
    content = response.content.decode()
    assert "Imported “Mako Dreams” as a draft" in content
    assert 'id="import-suggestions"' in content
    assert "Cloud Strife/Sephiroth" in content


def test_import_page_from_a_file(client, author):
    client.force_login(author)
    upload = SimpleUploadedFile("mako.epub", fanficfare_epub())
    response = client.post("/works/import", {"file": upload})
    work = Work.objects.get()
    assert response["Location"] == f"/works/{work.pk}/edit"
    assert work.chapter_count == 2 and not work.posted


def test_refused_import_comes_back_with_the_text_and_a_message(client, author, settings):
    settings.IMPORT_MAX_BYTES = 50
    client.force_login(author)
    text = "Cloud woke in the rain, and the rain did not stop for a long while."
    response = client.post("/works/import", {"text": text})
    assert response.status_code == 200
    content = response.content.decode()
    assert "longer than Lifestream imports at once" in content
    assert text in content
    assert not Work.objects.exists()
    response = client.post("/works/import", {"text": ""})
    assert "Choose a file to import, or paste the story" in response.content.decode()


def test_menu_links_to_import(client, author):
    client.force_login(author)
    assert 'href="/works/import"' in client.get("/").content.decode()


def test_accepting_and_dismissing_suggestions(client, author, tags):
    work = import_work(author, FAN_STORY).work
    client.force_login(author)
    fandom = ImportSuggestion.objects.get(work=work, tag__name="Final Fantasy VII")
    response = client.post(f"/works/{work.pk}/import_suggestions/{fandom.pk}/accept")
    assert response["Location"] == f"/works/{work.pk}/edit"
    assert [t.name for t in work.tags.filter(kind=TagKind.FANDOM)] == ["Final Fantasy VII"]
    pairing = ImportSuggestion.objects.get(work=work, tag__name="Cloud Strife/Sephiroth")
    client.post(f"/works/{work.pk}/import_suggestions/{pairing.pk}/accept")
    assert work.tags.filter(name="Cloud Strife/Sephiroth").exists()
    tifa = ImportSuggestion.objects.get(work=work, tag__name="Tifa Lockhart")
    client.post(f"/works/{work.pk}/import_suggestions/{tifa.pk}/dismiss")
    assert not work.tags.filter(name="Tifa Lockhart").exists()
    statuses = dict(ImportSuggestion.objects.filter(work=work).values_list("tag__name", "status"))
    assert statuses["Final Fantasy VII"] == SuggestionStatus.ACCEPTED
    assert statuses["Tifa Lockhart"] == SuggestionStatus.DISMISSED
    page = client.get(f"/works/{work.pk}/edit").content.decode()
    assert "Tifa Lockhart</a>" not in page.split('id="work-form"')[0]
    assert "Cloud Strife</a>" in page.split('id="work-form"')[0]
    work.refresh_from_db()
    assert not work.posted
    # A decided suggestion can't be decided again.
    again = client.post(f"/works/{work.pk}/import_suggestions/{tifa.pk}/accept")
    assert again.status_code == 404


# --- the API ----------------------------------------------------------------------------------


def bearer(user) -> dict[str, str]:
    _, key = create_api_token(user, "imports")
    return {"Authorization": f"Bearer {key}"}


def test_api_import_multipart(client, author, tags):
    upload = SimpleUploadedFile("mako.txt", FAN_STORY.encode())
    response = client.post("/api/v1/imports", {"file": upload}, headers=bearer(author))
    assert response.status_code == 201, response.content
    data = response.json()
    work = Work.objects.get(pk=data["work_id"])
    assert not work.posted and data["chapters"] == 1
    names = {s["tag"]: s for s in data["suggestions"]}
    assert names["Cloud Strife/Sephiroth"]["kind"] == "relationship"
    assert names["Cloud Strife"]["count"] == 5
    assert names["Cloud Strife"]["reason"]


def test_api_import_json(client, author):
    response = client.post(
        "/api/v1/imports",
        {"text": "Chapter 1\n\nOne.\n\nChapter 2\n\nTwo.", "filename": "two.txt"},
        content_type="application/json",
        headers=bearer(author),
    )
    assert response.status_code == 201
    assert response.json()["chapters"] == 2


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": {"file": SimpleUploadedFile("x.png", b"\x89PNG....")}}, 422, "unsupported_type"),
        ({"data": {"file": SimpleUploadedFile("x.txt", b"")}}, 422, "empty"),
        ({"data": {"nothing": "here"}}, 422, "missing"),
        (
            {"data": '{"text": "a", "text": "b"}', "content_type": "application/json"},
            400,
            "duplicate_key",
        ),
        ({"data": "{nope", "content_type": "application/json"}, 400, "malformed_json"),
        ({"data": "text", "content_type": "text/plain"}, 415, "unsupported_media_type"),
        ({"data": {"text": 5}, "content_type": "application/json"}, 422, "missing"),
    ],
    ids=[
        "wrong-type",
        "empty",
        "no-file",
        "duplicate-key",
        "malformed",
        "text-plain",
        "text-not-string",
    ],
)
def test_api_import_errors(client, author, kwargs, status, code):
    response = client.post("/api/v1/imports", headers=bearer(author), **kwargs)
    assert response.status_code == status, response.content
    (error,) = response.json()["errors"]
    assert error["code"] == code and error["message"]
    assert not Work.objects.exists()


def test_api_import_too_large(client, author, settings):
    settings.IMPORT_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.txt", b"a" * 200)
    response = client.post("/api/v1/imports", {"file": upload}, headers=bearer(author))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "file", "code": "too_large", "message": response.json()["errors"][0]["message"]}
    ]


def test_openapi_describes_imports(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(body)


# --- bulk import ------------------------------------------------------------------------------


def test_import_works_command(author, tmp_path: Path):
    folder = tmp_path / "stories"
    (folder / "nested").mkdir(parents=True)
    (folder / "one.txt").write_text(FAN_STORY, encoding="utf-8")
    (folder / "nested" / "two.epub").write_bytes(fanficfare_epub())
    (folder / "bad.epub").write_bytes(b"not an epub")
    (folder / "ignored.jpg").write_bytes(b"\xff\xd8\xff")
    single = tmp_path / "three.md"
    single.write_text("# Three\n\nText.", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_works", str(folder), str(single), user="cloud_author", stdout=out)
    assert error.value.returncode == 1
    report = out.getvalue()
    assert "refused  " in report and "bad.epub" in report and "[unsupported_type]" in report
    assert report.count("imported ") == 3
    assert "3 imported, 1 refused." in report
    assert "ignored.jpg" not in report
    assert Work.objects.filter(posted=False).count() == 3
    assert set(Work.objects.values_list("title", flat=True)) == {"Mako Dreams", "Three"}


def test_import_works_command_all_good(author, tmp_path: Path):
    story = tmp_path / "one.txt"
    story.write_text("Hello.", encoding="utf-8")
    out = io.StringIO()
    call_command("import_works", str(story), user="cloud_author", stdout=out)
    assert "1 imported, 0 refused." in out.getvalue()
    with pytest.raises(CommandError):
        call_command("import_works", str(story), user="nobody_here", stdout=out)
