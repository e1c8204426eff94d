"""Builders for import tests: the archive's wrangled tags, and small EPUB and DOCX files written
with zipfile the way AO3, FanFicFare and word processors lay them out."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

from tags.models import Tag, TagKind, TagParent

FANDOM = "Final Fantasy VII"


def wrangled_tags() -> dict[str, Tag]:
    """A wrangled Final Fantasy VII corner of the archive, with the synonyms wranglers make."""
    tags: dict[str, Tag] = {}

    def canonical(kind: str, name: str, fandom: Tag | None = None) -> Tag:
        tag = Tag.objects.create(kind=kind, name=name, canonical=True)
        if fandom is not None:
            TagParent.objects.create(child=tag, parent=fandom)
        tags[name] = tag
        return tag

    def synonym(name: str, of: Tag) -> Tag:
        tag = Tag.objects.create(kind=of.kind, name=name, canonical=False, merger=of)
        tags[name] = tag
        return tag

    fandom = canonical(TagKind.FANDOM, FANDOM)
    synonym("FF7", fandom)
    canonical(TagKind.FANDOM, "Kingdom Hearts")
    for name in ("Cloud Strife", "Sephiroth", "Tifa Lockhart", "Aerith Gainsborough"):
        canonical(TagKind.CHARACTER, name, fandom)
    canonical(TagKind.CHARACTER, "Zack Fair", fandom)
    canonical(TagKind.CHARACTER, "Zack Other", fandom)  # "Zack" alone is ambiguous
    synonym("Seph", tags["Sephiroth"])
    pairing = canonical(TagKind.RELATIONSHIP, "Cloud Strife/Sephiroth", fandom)
    synonym("Cloud/Seph", pairing)
    friends = canonical(TagKind.RELATIONSHIP, "Aerith Gainsborough & Tifa Lockhart", fandom)
    synonym("Aerith & Tifa", friends)
    return tags


FAN_STORY = """Title: Mako Dreams
Pairing: Cloud/Seph
Summary: Cloud remembers something he never lived.

Disclaimer: I don't own Final Fantasy VII.

Cloud Strife woke to the sound of rain on the reactor roof. “Where am I?” he asked the dark.

Sephiroth stood by the window, silver hair loose. “Nibelheim,” he said. Cloud didn’t answer.

* * *

Later, Tifa found them both in the square. Cloud and Sephiroth were arguing again, and Seph
was losing, for once. Tifa laughed.

Author's Ending Note Thingy: Thank you all so much for reading! This took me a year.

Please review! Reviews make me write faster.
"""


def zip_bytes(files: dict[str, bytes | str], *, mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""


def epub(
    documents: list[tuple[str, str]],
    *,
    title: str = "A Story",
    description: str = "",
    opf: str = "OEBPS/content.opf",
    extra: Mapping[str, bytes | str] | None = None,
    hrefs: list[str] | None = None,
) -> bytes:
    """An EPUB whose spine is `documents` ((name, xhtml) pairs, names relative to the OPF)."""
    base = opf.rsplit("/", 1)[0] + "/" if "/" in opf else ""
    manifest = "\n".join(
        f'<item id="d{i}" href="{href}" media-type="application/xhtml+xml"/>'
        for i, href in enumerate(hrefs or [name for name, _ in documents])
    )
    spine = "\n".join(f'<itemref idref="d{i}"/>' for i in range(len(hrefs or documents)))
    about = f"<dc:description>{description}</dc:description>" if description else ""
    package = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:title>{title}</dc:title><dc:identifier id="id">x</dc:identifier>
    <dc:language>en</dc:language>{about}
  </metadata>
  <manifest>{manifest}</manifest>
  <spine>{spine}</spine>
</package>"""
    files: dict[str, bytes | str] = {
        "META-INF/container.xml": CONTAINER.format(opf=opf),
        opf: package,
    }
    for name, content in documents:
        files[base + name] = content
    files.update(extra or {})
    return zip_bytes(files, mimetype="application/epub+zip")


def xhtml(body: str, title: str = "Chapter") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title>
<link rel="stylesheet" type="text/css" href="stylesheet.css"/></head>
<body>{body}</body></html>"""


def ao3_epub() -> bytes:
    """Laid out as AO3's downloads are: a preface, one document per chapter with its notes,
    and an afterword with the work's end notes."""
    preface = xhtml(
        """<div id="preface"><h2 class="toc-heading">Preface</h2>
<p class="message"><b>Mako Dreams</b><br/>Posted originally on the Archive.</p>
<div class="meta"><dl class="tags">
<dt>Rating:</dt><dd><a href="#">Teen And Up Audiences</a></dd>
<dt>Fandom:</dt><dd><a href="#">Final Fantasy VII</a></dd>
<dt>Relationship:</dt><dd><a href="#">Cloud Strife/Sephiroth</a></dd>
</dl>
<h1>Mako Dreams</h1><div class="byline">by <a href="#">someone</a></div>
<p>Summary</p><blockquote class="userstuff"><p>Cloud remembers.</p></blockquote>
<p>Notes</p><blockquote class="userstuff"><p>For my beta.</p></blockquote>
</div></div>"""
    )

    def chapter(number: int, title: str, body: str, notes: str = "", end: str = "") -> str:
        meta = f'<h2 class="heading">Chapter {number}: {title}</h2>'
        if notes:
            meta += f'<p>Chapter Notes</p><blockquote class="userstuff">{notes}</blockquote>'
        after = ""
        if end:
            after = (
                f'<div class="meta" id="endnotes{number}"><p>Chapter End Notes</p>'
                f'<blockquote class="userstuff">{end}</blockquote></div>'
            )
        return xhtml(
            f'<div id="chapters"><div class="meta group">{meta}</div>'
            f'<div class="userstuff">{body}</div>{after}</div>'
        )

    afterword = xhtml(
        """<div id="afterword"><h2 class="toc-heading">Afterword</h2><div class="meta">
<div id="endnotes"><p>End Notes</p><blockquote class="userstuff"><p>Thanks for reading!</p>
</blockquote></div></div><p class="message">Please drop by the Archive and comment.</p></div>"""
    )
    return epub(
        [
            ("preface.xhtml", preface),
            (
                "chapter1.xhtml",
                chapter(
                    1,
                    "Nibelheim",
                    "<p>Cloud woke in the rain.</p><p>* * *</p><p>Sephiroth waited.</p>",
                    notes="<p>Set before the fire.</p>",
                ),
            ),
            (
                "chapter2.xhtml",
                chapter(2, "Midgar", "<p>The train pulled in.</p>", end="<p>More soon.</p>"),
            ),
            ("afterword.xhtml", afterword),
        ],
        title="Mako Dreams",
    )


def fanficfare_epub() -> bytes:
    """Laid out as FanFicFare's books are: a title page, a contents page, then file0001… with
    a "Chapter N" heading each."""
    title_page = xhtml(
        """<h3><a href="https://example.org/s/1">Mako Dreams</a> by <a href="#">someone</a></h3>
<div><b>Status:</b> Completed<br/><b>Published:</b> 2020-01-01<br/>
<b>Summary:</b> Cloud remembers something.<br/></div>""",
        title="Mako Dreams by someone",
    )
    toc_page = xhtml("<h3>Table of Contents</h3><p><a href='file0001.xhtml'>Chapter 1</a></p>")
    chapters = [
        (
            "file0001.xhtml",
            xhtml(
                '<h3 class="fff_chapter_title">Chapter 1: Rain</h3>'
                "<p>A/N: Hi everyone!</p><p>Cloud woke.</p><p>~~~</p><p>Tifa called.</p>"
            ),
        ),
        (
            "file0002.xhtml",
            xhtml(
                '<h3 class="fff_chapter_title">Chapter 2: Fire</h3>'
                "<p>Nibelheim burned.</p><p>R&amp;R please!</p>"
            ),
        ),
    ]
    return epub(
        [("title_page.xhtml", title_page), ("toc_page.xhtml", toc_page), *chapters],
        title="Mako Dreams",
    )


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(paragraphs: list[str], *, prolog: str = "") -> bytes:
    """A .docx whose body holds the given <w:p> elements (written with the w: prefix)."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{W_NS}"><w:body>{"".join(paragraphs)}</w:body></w:document>'
    )
    return zip_bytes(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "word/document.xml": document,
        }
    )


def w_p(text: str, *, style: str = "", bold: bool = False, italic: bool = False) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    run_props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    run_props = f"<w:rPr>{run_props}</w:rPr>" if run_props else ""
    return f'<w:p>{props}<w:r>{run_props}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
