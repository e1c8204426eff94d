"""Imports of real Markdown and Word documents keep what their authors wrote: headings, links,
nested lists, quotes, code and tables, through the archive's sanitiser, with the story's notes
and chapters found as in every other format; and the plain-text download keeps it readable."""

from __future__ import annotations

import socket
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.text.paragraph import Paragraph

from imports.services import import_work
from lifestream.testing import make_work
from works.models import Chapter, Work

STORY_MD = """# Mako Dreams

A/N: Thanks to my beta, who knows who she is.

## Chapter 1: Rain

Cloud read [the guide](https://lifestream.example/guide) before the mission.
He kept a list:

- Materia
    - Fire
    - Ice
- Summons

1. Wake
2. Remember

> “Stay with me,” she said.

The console printed `MAKO_LEVEL=9` and then:

```
if reactor.hot:
    run()
```

| Name | Weapon |
|------|--------|
| Cloud | Buster Sword |

* * *

~~Nothing~~ Everything changed.

## Chapter 2: Fire

Nibelheim burned.

Please review!
"""

HOSTILE_MD = """# Hostile

<script>alert("stolen")</script>

A [bad link](javascript:alert(1)) and <a href="javascript:alert(2)">another</a>.

[fine](https://lifestream.example/)

<img src="x" onerror="alert(3)"> <iframe src="https://evil.example/"></iframe>

<p onclick="steal()">Clicked.</p>
"""


def chapters_of(work: Work) -> list[Chapter]:
    return list(work.chapters.order_by("position"))


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an import tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def _import_file(author, path: Path) -> Work:
    return import_work(author, path.read_bytes(), filename=path.name).work


def test_markdown_keeps_links_lists_quotes_code_and_tables(author, tmp_path, no_network):
    path = tmp_path / "mako.md"
    path.write_text(STORY_MD, encoding="utf-8")
    work = _import_file(author, path)
    assert work.title == "Mako Dreams"
    assert "Thanks to my beta" in work.notes
    first, second = chapters_of(work)
    assert (first.title, second.title) == ("Rain", "Fire")
    body = first.body
    assert '<a href="https://lifestream.example/guide" rel="nofollow">the guide</a>' in body
    assert "<ul>\n<li>Materia\n<ul>\n<li>Fire</li>\n<li>Ice</li>\n</ul>\n</li>" in body
    assert "<ol>\n<li>Wake</li>\n<li>Remember</li>\n</ol>" in body
    assert "<blockquote>\n<p>“Stay with me,” she said.</p>\n</blockquote>" in body
    assert "<code>MAKO_LEVEL=9</code>" in body
    assert "<pre><code>if reactor.hot:\n    run()\n</code></pre>" in body
    assert "<th>Name</th>" in body and "<td>Buster Sword</td>" in body
    assert "<hr>" in body and "<s>Nothing</s>" in body
    assert second.body == "<p>Nibelheim burned.</p>"
    assert second.end_notes == "<p>Please review!</p>"


def test_markdown_scripts_and_javascript_links_do_not_survive(author, tmp_path):
    path = tmp_path / "hostile.md"
    path.write_text(HOSTILE_MD, encoding="utf-8")
    (chapter,) = chapters_of(_import_file(author, path))
    for bad in ("<script", "stolen", 'href="javascript', "onerror", "onclick", "<iframe", "evil."):
        assert bad not in chapter.body
    assert "Clicked." in chapter.body
    assert '<a href="https://lifestream.example/" rel="nofollow">fine</a>' in chapter.body


# --- Word documents, written by python-docx as Word would write them --------------------------


def _hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="{relation}">'
            f"<w:r><w:t>{text}</w:t></w:r></w:hyperlink>"
        )
    )


def _list_numbering(document) -> tuple[str, str]:
    """A bulleted and a numbered list definition of two levels each, as Word makes them (the
    default template's are one level deep)."""
    numbering = document.part.numbering_part.element
    for number, formats in ((90, ("bullet", "bullet")), (91, ("decimal", "lowerLetter"))):
        levels = "".join(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="%{level + 1}."/></w:lvl>'
            for level, fmt in enumerate(formats)
        )
        numbering.insert(
            0,
            parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{number}">{levels}</w:abstractNum>'
            ),
        )
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="{number}"/>'
                "</w:num>"
            )
        )
    return "90", "91"


def _list_item(document, text: str, numbering: str, level: int) -> None:
    paragraph = document.add_paragraph(text, style="List Paragraph")
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{numbering}"/></w:numPr>'
        )
    )


def _linked_image(paragraph: Paragraph, url: str) -> None:
    """A picture Word shows from the web (Insert › Picture › Link to file): only its address
    is in the document."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.IMAGE, is_external=True)
    paragraph._p.append(
        parse_xml(
            f"<w:r {nsdecls('w', 'wp', 'a', 'pic', 'r')}><w:drawing><wp:inline>"
            '<wp:extent cx="952500" cy="952500"/><wp:docPr id="7" name="Tracker" descr="tracker"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            '<pic:pic><pic:nvPicPr><pic:cNvPr id="7" name="Tracker"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:link="{relation}"/></pic:blipFill><pic:spPr/></pic:pic>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )
    )


def word_story(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Mako Dreams", style="Title")
    document.add_paragraph("A/N: Thanks to my beta, who knows who she is.")
    document.add_heading("Chapter 1: Rain", level=1)
    paragraph = document.add_paragraph("Cloud ")
    paragraph.add_run("woke").bold = True
    paragraph.add_run(" and ")
    paragraph.add_run("read").italic = True
    paragraph.add_run(" ")
    _hyperlink(paragraph, "the guide", "https://lifestream.example/guide")
    paragraph.add_run(". <script>alert(1)</script>")
    _linked_image(document.add_paragraph("A picture: "), "https://tracker.example/pixel.png")
    bullets, numbers = _list_numbering(document)
    for text, level in (("Materia", 0), ("Fire", 1), ("Ice", 1), ("Summons", 0)):
        _list_item(document, text, bullets, level)
    for text, level in (("Wake", 0), ("Remember", 0), ("Slowly", 1)):
        _list_item(document, text, numbers, level)
    document.add_paragraph("“Stay with me,” she said.", style="Quote")
    table = document.add_table(rows=2, cols=2)
    for row, values in enumerate((("Name", "Weapon"), ("Cloud", "Buster Sword"))):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    document.add_heading("Chapter 2: Fire", level=1)
    document.add_paragraph("Nibelheim burned.")
    document.add_paragraph("Please review!")
    document.save(str(path))
    return path


def test_word_document_keeps_links_nested_lists_quotes_and_tables(author, tmp_path, no_network):
    work = _import_file(author, word_story(tmp_path / "mako.docx"))
    assert work.title == "Mako Dreams"
    assert "Thanks to my beta" in work.notes
    first, second = chapters_of(work)
    assert (first.title, second.title) == ("Rain", "Fire")
    body = first.body
    assert "Cloud <strong>woke</strong> and <em>read</em> " in body
    assert '<a href="https://lifestream.example/guide" rel="nofollow">the guide</a>' in body
    assert "<ul><li>Materia<ul><li>Fire</li><li>Ice</li></ul></li><li>Summons</li></ul>" in body
    assert "<ol><li>Wake</li><li>Remember<ol><li>Slowly</li></ol></li></ol>" in body
    assert "<blockquote><p>“Stay with me,” she said.</p></blockquote>" in body
    assert "<table>" in body and "<td><p>Buster Sword</p></td>" in body
    # The author's text is text: what looks like a script is shown, never run.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script" not in body
    # A linked picture is neither fetched (no_network) nor kept pointing at its server.
    assert "tracker.example" not in body and "<img" not in body
    assert second.body == "<p>Nibelheim burned.</p>"
    assert second.end_notes == "<p>Please review!</p>"


def test_word_page_breaks_still_start_chapters(author, tmp_path):
    document = docx.Document()
    document.add_paragraph("Cloud woke.")
    document.add_paragraph("Still the first.").add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Tifa waited.")
    document.add_paragraph("The end.").paragraph_format.page_break_before = True
    document.save(str(tmp_path / "breaks.docx"))
    chapters = chapters_of(_import_file(author, tmp_path / "breaks.docx"))
    assert [chapter.body for chapter in chapters] == [
        "<p>Cloud woke.</p>\n<p>Still the first.</p>",
        "<p>Tifa waited.</p>",
        "<p>The end.</p>",
    ]


# --- the plain-text download -----------------------------------------------------------------


STORED_BODY = """<p>Cloud read the guide.</p><p>He kept a list:</p>
<ul><li>Materia<ul><li>Fire</li><li>Ice</li></ul></li><li>Summons</li></ul>
<ol><li>Wake</li><li>Remember</li></ol>
<blockquote><p>“Stay with me,” she said.</p></blockquote><hr>
<p>Roses are red,<br>materia is green.</p><p>The last paragraph.</p>"""


def test_plain_text_download_keeps_paragraphs_lists_and_line_breaks(client, author):
    work = make_work(author, title="Mako Dreams", body=STORED_BODY)
    response = client.get(f"/downloads/{work.pk}/Mako_Dreams.txt")
    text = b"".join(response.streaming_content).decode()
    assert "Cloud read the guide.\n\nHe kept a list:\n\n" in text
    assert "  * Materia\n      + Fire\n      + Ice\n  * Summons\n" in text
    assert " 1. Wake\n 2. Remember\n" in text
    assert "\n    “Stay with me,” she said.\n" in text
    assert "\n* * *\n" in text
    assert "Roses are red,\nmateria is green.\n\nThe last paragraph." in text
    assert "<" not in text
