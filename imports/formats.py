"""Readers for the files an author brings, each a small class: which extensions it takes and how
it turns the bytes into sanitised HTML parts. What the parts mean (chapters, notes, a title) is
decided afterwards, in `understand.py`, the same way for every format.

Everything here treats the upload as hostile: sizes are checked before and while reading, zip
archives are unpacked with a running count of the bytes actually produced (their headers are never
trusted), names that climb out of the archive are ignored, XML is parsed by defusedxml, and every
piece of HTML goes through `lifestream.core.text.sanitize_html`. Nothing is fetched from the
network.
"""

from __future__ import annotations

import codecs
import html
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from html.entities import name2codepoint
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError, tostring
from xml.parsers.expat import ExpatError

import mammoth
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

from lifestream.core.errors import FieldError, InvalidInput
from lifestream.core.text import (
    MAX_NESTING,
    ForgivingHTMLParser,
    html_to_text,
    nested_too_deep,
    sanitize_html,
    text_to_html,
)


class ImportRefused(InvalidInput):
    """An upload Lifestream will not import; nothing has been stored."""

    def __init__(self, code: str, message: str, field: str = "file") -> None:
        super().__init__([FieldError(field, code, message)])
        self.code = code


@dataclass
class Part:
    """A stretch of the story in sanitised HTML. A `hard_break` part starts a new chapter (an EPUB
    spine document); a `soft_break` one may (a page break in a DOCX). Notes already separated by
    the source's own structure (AO3's downloads) come in their own fields."""

    html: str
    hard_break: bool = False
    soft_break: bool = False
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""


@dataclass
class Source:
    """What a reader found: the parts in order and any metadata the file states outright."""

    format: str
    parts: list[Part] = field(default_factory=list)
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    # Tag names the file lists (an AO3 download's preface), read for suggestions only.
    tag_text: str = ""


# --- decoding ---------------------------------------------------------------------------------

_BINARY_SIGNATURES = (
    (b"%PDF", _("a PDF")),
    (b"\x89PNG", _("a PNG image")),
    (b"GIF8", _("a GIF image")),
    (b"\xff\xd8\xff", _("a JPEG image")),
    (b"{\\rtf", _("an RTF document")),
    (b"\xd0\xcf\x11\xe0", _("an old Word (.doc) document")),
    (b"\x1f\x8b", _("a gzip archive")),
    (b"Rar!", _("a RAR archive")),
    (b"7z\xbc\xaf", _("a 7-Zip archive")),
    (b"MZ", _("a program")),
    (b"\x7fELF", _("a program")),
)
SUPPORTED = ".txt, .md, .html, .docx or .epub"


def _unsupported(what: str) -> ImportRefused:
    return ImportRefused(
        "unsupported_type",
        gettext("This file looks like %(what)s; Lifestream can import %(supported)s files.")
        % {"what": what, "supported": SUPPORTED},
    )


def decode_text(data: bytes) -> str:
    """Bytes to text, strictly in order: UTF-8 with a BOM, UTF-16 with a BOM, UTF-8, then
    Windows-1252 (what older word processors and fan archives saved), else refused."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError:
        raise ImportRefused(
            "unknown_encoding",
            gettext("This file says it is Unicode text but isn't readable as such."),
        ) from None
    if b"\x00" in data:
        raise _unsupported(gettext("a binary file, not text"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRefused(
            "unknown_encoding",
            gettext(
                "Lifestream couldn't tell how this text is encoded; save it as UTF-8 and try again."
            ),
        ) from None


def _is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def _check_binary(data: bytes) -> None:
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise _unsupported(str(what))


# --- zip archives -----------------------------------------------------------------------------


def _safe_member_name(name: str) -> str | None:
    """The archive path of a member, or None for names that try to leave the archive."""
    name = name.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return None
    normal = posixpath.normpath(name)
    if normal == ".." or normal.startswith("../"):
        return None
    return normal


class SafeZip:
    """A zip archive read with a budget: the bytes it unpacks to are counted as they come out,
    so a zip bomb is stopped at the cap whatever its headers say."""

    CHUNK = 64 * 1024

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise ImportRefused("corrupt", gettext("This file is a damaged zip archive.")) from None
        if len(infos) > settings.IMPORT_MAX_ZIP_ENTRIES:
            raise ImportRefused(
                "too_many_entries",
                gettext("This archive holds %(count)s files; Lifestream reads at most %(max)s.")
                % {"count": f"{len(infos):,}", "max": f"{settings.IMPORT_MAX_ZIP_ENTRIES:,}"},
            )
        self.budget = settings.IMPORT_MAX_UNPACKED_BYTES
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            safe = _safe_member_name(info.filename)
            if safe is not None and not info.is_dir():
                self._members.setdefault(safe, info)

    def names(self) -> list[str]:
        return list(self._members)

    def has(self, name: str) -> bool:
        return name in self._members

    def read(self, name: str) -> bytes:
        info = self._members.get(name)
        if info is None:
            raise ImportRefused(
                "corrupt", gettext("The archive is missing %(name)s.") % {"name": name[:100]}
            )
        if info.flag_bits & 0x1:
            raise ImportRefused(
                "encrypted",
                gettext(
                    "This file is protected by a password. Save a copy without the password "
                    "and import that."
                ),
            )
        out = bytearray()
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(self.CHUNK):
                    self.budget -= len(chunk)
                    if self.budget < 0:
                        raise ImportRefused(
                            "zip_bomb",
                            gettext(
                                "This archive unpacks to more than Lifestream accepts (%(max)d MB)."
                            )
                            % {"max": settings.IMPORT_MAX_UNPACKED_BYTES // (1024 * 1024)},
                        )
                    out += chunk
        except ImportRefused:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            ValueError,
            EOFError,
            NotImplementedError,
            RuntimeError,
        ):
            raise ImportRefused("corrupt", gettext("This file is a damaged zip archive.")) from None
        return bytes(out)


# --- XML --------------------------------------------------------------------------------------

_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")


def _numeric_entity(match: re.Match[bytes]) -> bytes:
    # XHTML files often use HTML's named entities (&nbsp;) without a DTD that defines them.
    name = match.group(1).decode("ascii")
    if name in _XML_ENTITIES or name not in name2codepoint:
        return match.group(0)
    return f"&#{name2codepoint[name]};".encode("ascii")


def parse_xml(data: bytes, what: str) -> Element:
    """XML through defusedxml: entity declarations, external references and DTD tricks are
    refused outright; namespaces are dropped so the tree reads as plain element names."""
    root: Element | None = None
    for attempt in (data, _NAMED_ENTITY.sub(_numeric_entity, data)):
        try:
            root = defused_fromstring(attempt, forbid_dtd=False)
            break
        except DefusedXmlException:
            raise ImportRefused(
                "unsafe_xml",
                gettext(
                    "%(what)s declares XML entities or external references, which Lifestream "
                    "refuses to read."
                )
                % {"what": what},
            ) from None
        except (ParseError, ValueError):
            continue
    if root is None:
        raise ImportRefused("corrupt", gettext("%(what)s is not well-formed XML.") % {"what": what})
    # Everything after (serialising, sanitising) walks the tree by recursion.
    if not _tree_depth_within(root):
        raise _too_deep()
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
        for name in [key for key in element.attrib if "}" in key]:
            element.attrib[name.split("}", 1)[1]] = element.attrib.pop(name)
    return root


def _too_deep() -> ImportRefused:
    return ImportRefused(
        "too_deep",
        gettext(
            "This file nests its elements more than %(count)d levels inside one another, which "
            "no story needs and Lifestream doesn't read. Save it again from your editor (or as "
            "plain text) and import that."
        )
        % {"count": MAX_NESTING},
    )


def _clean(markup: str) -> str:
    """A piece of the file's markup, refused if nested past MAX_NESTING (before the costlier
    steps, whose time grows faster than the depth), then sanitised."""
    if nested_too_deep(markup):
        raise _too_deep()
    return sanitize_html(markup)


def _tree_depth_within(root: Element, limit: int = MAX_NESTING) -> bool:
    pending = [(root, 1)]
    while pending:
        element, depth = pending.pop()
        if depth > limit:
            return False
        pending.extend((child, depth + 1) for child in element)
    return True


def _text(element: Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _inner_html(element: Element) -> str:
    parts = [html.escape(element.text or "", quote=False)]
    parts += [tostring(child, encoding="unicode", method="html") for child in element]
    return "".join(parts)


def _drop_local_images(root: Element) -> None:
    """Images inside a package would be broken links on the archive; remote ones stay for the
    sanitiser to judge (it keeps only http(s) addresses, and nothing is fetched now)."""
    for parent in root.iter():
        for child in list(parent):
            if child.tag == "img":
                scheme = urlsplit(child.attrib.get("src", "")).scheme.lower()
                if scheme not in {"http", "https"}:
                    parent.remove(child)


def _classes(element: Element) -> set[str]:
    return set(element.attrib.get("class", "").split())


# --- readers ----------------------------------------------------------------------------------


class Reader:
    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    def read(self, data: bytes) -> Source:
        raise NotImplementedError


def _lines_as_paragraphs(text: str) -> str:
    """Text saved with one line per paragraph and no blank lines between them reads as
    paragraphs, not as one paragraph of line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and not re.search(r"\n[ \t]*\n", text.strip()):
        return "\n\n".join(lines)
    return text


class TextReader(Reader):
    name = "text"
    extensions = ("txt", "text")

    def read(self, data: bytes) -> Source:
        return self.read_text(decode_text(data))

    def read_text(self, text: str) -> Source:
        return Source(self.name, [Part(text_to_html(_lines_as_paragraphs(text)))])


# CommonMark with GitHub's tables and ~~strikethrough~~. Raw HTML is let through because
# Markdown includes it by definition (writers mix in <center> or <u>); the sanitiser judges it,
# as it judges every other importer's output.
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def markdown_to_html(text: str) -> str:
    """Markdown as its author wrote it: headings, emphasis, links, lists (nested too), quotes,
    code, tables and rules (`***`, `---`) for scene breaks. Sanitised after, by the caller."""
    return _MARKDOWN.render(text.replace("\r\n", "\n").replace("\r", "\n"))


class MarkdownReader(Reader):
    name = "markdown"
    extensions = ("md", "markdown")

    def read(self, data: bytes) -> Source:
        return Source(self.name, [Part(_clean(markdown_to_html(decode_text(data))))])


class _TitleFinder(ForgivingHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "title" and not self.title

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.title += data


class HtmlReader(Reader):
    name = "html"
    extensions = ("html", "htm", "xhtml")

    def read(self, data: bytes) -> Source:
        return self.read_text(decode_text(data))

    def read_text(self, text: str) -> Source:
        finder = _TitleFinder()
        finder.feed(text[:20000])
        return Source(self.name, [Part(_clean(text))], title=" ".join(finder.title.split()))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Where a page break was, as mammoth writes the marker paragraph below with the style map: where
# a chapter may start. The author's own text can't spell it: mammoth escapes text.
_PAGE_BREAK_STYLE = "LifestreamPageBreak"
_PAGE_BREAK = '<div class="lifestream-page-break">page break</div>'
_PAGE_BREAK_MARK = mammoth.documents.paragraph(
    [mammoth.documents.run([mammoth.documents.text("page break")])], style_id=_PAGE_BREAK_STYLE
)
# Word's own styles by name and by id (documents written by other tools often have only the
# id), on top of mammoth's defaults (lists, tables, bold, italic, links). The Title is the
# story's h1, so headings sit a level below it: chapters are the h2s whether or not the author
# gave the document a Title.
_DOCX_HEADINGS = "".join(
    f"p[style-name='Heading {level}'] => h{level + 1}:fresh\n"
    f"p.Heading{level} => h{level + 1}:fresh\n"
    for level in range(1, 6)
)
_DOCX_STYLE_MAP = f"""
p[style-name='Title'] => h1:fresh
p.Title => h1:fresh
{_DOCX_HEADINGS}p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='HTML Preformatted'] => pre:separator('\\n')
r[style-name='HTML Code'] => code
u => u
strike => s
p.{_PAGE_BREAK_STYLE} => div.lifestream-page-break:fresh
"""
# The parts of a document mammoth reads; images (word/media) are dropped, so never unpacked.
_DOCX_TEXT_PARTS = (".xml", ".rels")


def _on(flag: Element | None) -> bool:
    if flag is None:
        return False
    return flag.attrib.get(f"{_W}val", "true").lower() not in {"0", "false", "none", "off"}


def _checked_xml(data: bytes, name: str) -> Element:
    try:
        return defused_fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ImportRefused(
            "unsafe_xml", gettext("This document declares XML entities, which Lifestream refuses.")
        ) from None
    except (ParseError, ValueError):
        raise ImportRefused(
            "corrupt",
            gettext("This document's %(name)s is not well-formed.") % {"name": name[:100]},
        ) from None


def _page_break_before_as_break(root: Element) -> bool:
    """ "Page break before" on a paragraph, as a page break at its start (which mammoth sees)."""
    changed = False
    for paragraph in root.iter(f"{_W}p"):
        if _on(paragraph.find(f"{_W}pPr/{_W}pageBreakBefore")):
            run = Element(f"{_W}r")
            run.append(Element(f"{_W}br", {f"{_W}type": "page"}))
            properties = paragraph.find(f"{_W}pPr")
            paragraph.insert(
                0 if properties is None else list(paragraph).index(properties) + 1, run
            )
            changed = True
    return changed


def _page_breaks(paragraph: Any) -> tuple[bool, bool]:
    """Whether a paragraph has a page break before its text, and after some of it."""
    before = after = seen_text = False
    for run in getattr(paragraph, "children", []):
        for child in getattr(run, "children", []):
            if isinstance(child, mammoth.documents.Text) and child.value.strip():
                seen_text = True
            elif isinstance(child, mammoth.documents.Break) and child.break_type == "page":
                if seen_text:
                    after = True
                else:
                    before = True
    return before, after


def _mark_page_breaks(document: Any) -> Any:
    """A marker paragraph at each page break between the document's paragraphs (mammoth itself
    writes page breaks as nothing)."""
    children: list[Any] = []
    for child in document.children:
        if isinstance(child, mammoth.documents.Paragraph):
            before, after = _page_breaks(child)
            children += [_PAGE_BREAK_MARK] * before + [child] + [_PAGE_BREAK_MARK] * after
        else:
            children.append(child)
    return mammoth.documents.document(
        children,
        notes=document.notes,
        comments=document.comments,
    )


class DocxReader(Reader):
    """Word documents through mammoth: headings, paragraphs, bold, italic, underline, links,
    lists (nested too), tables, footnotes, and page breaks as hints of where chapters start.
    Every XML part is first parsed by defusedxml; images are dropped and external ones are
    never fetched."""

    name = "docx"
    extensions = ("docx",)

    def read(self, data: bytes) -> Source:
        archive = SafeZip(data)
        return self.read_archive(archive)

    def read_archive(self, archive: SafeZip) -> Source:
        # mammoth is handed a copy holding only the text parts, each read within the archive's
        # unpacking budget and checked by defusedxml, so it never meets a bomb or an entity.
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w") as out:
            for name in archive.names():
                if not name.lower().endswith(_DOCX_TEXT_PARTS):
                    continue
                xml = archive.read(name)
                root = _checked_xml(xml, name)
                if name == "word/document.xml" and _page_break_before_as_break(root):
                    xml = tostring(root, encoding="utf-8")
                out.writestr(name, xml)
        copy.seek(0)
        try:
            result = mammoth.convert_to_html(
                copy,
                style_map=_DOCX_STYLE_MAP,
                transform_document=_mark_page_breaks,
                convert_image=lambda image: [],
                external_file_access=False,
                include_embedded_style_map=False,
            )
        except (KeyError, ValueError, zipfile.BadZipFile, ExpatError):
            raise ImportRefused("corrupt", gettext("This Word document is damaged.")) from None
        sections = [_clean(section) for section in result.value.split(_PAGE_BREAK)]
        parts = [
            Part(section, soft_break=index > 0)
            for index, section in enumerate(s for s in sections if html_to_text(s).strip())
        ]
        return Source(self.name, parts)


_CHAPTER_CLASS_HINT = re.compile(r"chapter|title", re.IGNORECASE)


class EpubReader(Reader):
    """container.xml → the package document → its spine, each document parsed by defusedxml.
    AO3's downloads are read by their structure (preface, chapters with notes, afterword);
    FanFicFare's title and contents pages are metadata, not chapters."""

    name = "epub"
    extensions = ("epub",)

    def read(self, data: bytes) -> Source:
        return self.read_archive(SafeZip(data))

    def read_archive(self, archive: SafeZip) -> Source:
        container = parse_xml(
            archive.read("META-INF/container.xml"), gettext("The EPUB's container")
        )
        rootfile = container.find(".//rootfile")
        opf_path = (
            _safe_member_name(unquote(rootfile.attrib.get("full-path", "")))
            if (rootfile is not None)
            else None
        )
        if not opf_path or not archive.has(opf_path):
            raise ImportRefused("corrupt", gettext("This EPUB doesn't say where its contents are."))
        package = parse_xml(archive.read(opf_path), gettext("The EPUB's package document"))
        base = posixpath.dirname(opf_path)
        source = Source(self.name)
        metadata = package.find("metadata")
        if metadata is not None:
            source.title = _text(metadata.find("title"))
            description = metadata.find("description")
            if description is not None and _text(description):
                source.summary = _clean("".join(description.itertext()))
            source.tag_text = ", ".join(_text(s) for s in metadata.findall("subject"))
        manifest = {item.attrib.get("id", ""): item for item in package.findall("manifest/item")}
        for itemref in package.findall("spine/itemref"):
            if itemref.attrib.get("linear", "yes") == "no":
                continue
            item = manifest.get(itemref.attrib.get("idref", ""))
            if item is None or "nav" in item.attrib.get("properties", "").split():
                continue
            if item.attrib.get("media-type") not in {"application/xhtml+xml", "text/html"}:
                continue
            path = _safe_member_name(posixpath.join(base, unquote(item.attrib.get("href", ""))))
            if path is None or not archive.has(path):
                continue
            self._read_document(
                source, path, parse_xml(archive.read(path), gettext("A chapter file"))
            )
        return source

    def _read_document(self, source: Source, path: str, root: Element) -> None:
        body = root.find("body")
        if body is None:
            return
        _drop_local_images(body)
        stem = posixpath.basename(path).lower()
        if stem.startswith(("toc_page", "log_page", "nav", "toc.")):
            return
        if stem.startswith("title_page"):
            self._read_title_page(source, body)
            return
        by_id = {element.attrib.get("id"): element for element in body.iter()}
        if "preface" in by_id:
            self._read_ao3_preface(source, by_id["preface"])
        if "afterword" in by_id:
            endnotes = by_id.get("endnotes")
            quote = endnotes.find("blockquote") if endnotes is not None else None
            if quote is not None:
                source.end_notes = _clean(_inner_html(quote))
        ao3_chapters = self._read_ao3_chapters(body)
        if ao3_chapters:
            source.parts += ao3_chapters
            return
        if "preface" in by_id or "afterword" in by_id:
            return
        markup = _clean(_inner_html(body))
        if not html_to_text(markup).strip():
            return  # a cover or an image-only page
        source.parts.append(Part(markup, hard_break=True))

    def _read_title_page(self, source: Source, body: Element) -> None:
        """FanFicFare's title page: "Summary:" in bold followed by the summary."""
        for label in body.iter("b"):
            is_summary = _text(label).rstrip(":").lower() == "summary"
            if is_summary and label.tail and not source.summary:
                source.summary = text_to_html(label.tail.strip())

    def _read_ao3_preface(self, source: Source, preface: Element) -> None:
        heading = preface.find(".//h1")
        if heading is not None:
            source.title = _text(heading)
        for meta in preface.iter("div"):
            if "meta" not in _classes(meta):
                continue
            label = ""
            for child in meta:
                if child.tag == "p":
                    label = _text(child).lower()
                elif child.tag == "blockquote" and label in {"summary", "notes"}:
                    setattr(source, label, _clean(_inner_html(child)))
                    label = ""
                elif child.tag == "dl":
                    values = [_text(dd) for dd in child.findall("dd")]
                    source.tag_text = ", ".join(filter(None, [source.tag_text, *values]))

    def _read_ao3_chapters(self, body: Element) -> list[Part]:
        """AO3's chapter markup: div.meta.group (h2.heading, "Chapter Notes" + blockquote),
        div.userstuff, div.meta#endnotesN (blockquote); or a one-shot's div#chapters."""
        parts: list[Part] = []
        for container in body.iter():
            children = list(container)
            for index, child in enumerate(children):
                if child.tag != "div" or "userstuff" not in _classes(child):
                    continue
                if child.attrib.get("id") == "chapters":
                    parts.append(Part(_clean(_inner_html(child)), hard_break=True))
                    continue
                previous = children[index - 1] if index else None
                if previous is None or not {"meta", "group"} <= _classes(previous):
                    continue
                part = Part(_clean(_inner_html(child)), hard_break=True)
                heading = previous.find("h2")
                title = _text(heading)
                match = re.match(r"^chapter\s+\d+\s*(?::\s*(.*))?$", title, re.IGNORECASE)
                part.title = (match.group(1) or "") if match else title
                label = ""
                for meta_child in previous:
                    if meta_child.tag == "p":
                        label = _text(meta_child).lower()
                    elif meta_child.tag == "blockquote":
                        if label == "chapter summary":
                            part.summary = _clean(_inner_html(meta_child))
                        elif label == "chapter notes":
                            part.notes = _clean(_inner_html(meta_child))
                following = children[index + 1] if index + 1 < len(children) else None
                if following is not None and following.attrib.get("id", "").startswith("endnotes"):
                    quote = following.find("blockquote")
                    if quote is not None:
                        part.end_notes = _clean(_inner_html(quote))
                parts.append(part)
        return parts


READERS: tuple[Reader, ...] = (
    TextReader(),
    MarkdownReader(),
    HtmlReader(),
    DocxReader(),
    EpubReader(),
)
_BY_EXTENSION = {extension: reader for reader in READERS for extension in reader.extensions}
_LOOKS_LIKE_HTML = re.compile(r"<(?:html|body|p|div|br|h[1-6])\b[^>]*>", re.IGNORECASE)


def _extension(filename: str) -> str:
    name = posixpath.basename(filename.replace("\\", "/")).lower()
    return name.rsplit(".", 1)[1] if "." in name else ""


def read_file(data: bytes, filename: str) -> Source:
    """The upload's content by what it is, not only by its name: an archive is an EPUB only if
    it holds an EPUB's container, a DOCX only with word/document.xml; binaries are refused."""
    try:
        return _read_file(data, filename)
    except RecursionError:
        # A structure deeper than any check above foresaw (a Word document's own nesting).
        raise _too_deep() from None


def _read_file(data: bytes, filename: str) -> Source:
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportRefused(
            "too_large",
            gettext("This file is %(size)s MB; Lifestream imports files of up to %(max)s MB.")
            % {"size": f"{len(data) / (1024 * 1024):.1f}", "max": f"{limit / (1024 * 1024):.0f}"},
        )
    if not data.strip():
        raise ImportRefused("empty", gettext("This file is empty."))
    extension = _extension(filename)
    if extension and extension not in _BY_EXTENSION:
        raise ImportRefused(
            "unsupported_type",
            gettext("Lifestream can't import .%(extension)s files; it imports %(supported)s files.")
            % {"extension": extension[:20], "supported": SUPPORTED},
        )
    if _is_zip(data):
        archive = SafeZip(data)
        if archive.has("META-INF/container.xml"):
            return EpubReader().read_archive(archive)
        if archive.has("word/document.xml"):
            return DocxReader().read_archive(archive)
        raise _unsupported(gettext("a zip archive that is neither an EPUB nor a Word document"))
    _check_binary(data)
    if extension in {"epub", "docx"}:
        raise _unsupported(
            gettext("plain text, not a .%(extension)s file") % {"extension": extension}
        )
    reader = _BY_EXTENSION.get(extension)
    if reader is None:
        return read_pasted(decode_text(data))
    return reader.read(data)


def read_pasted(text: str) -> Source:
    """Pasted text: HTML if it is written in HTML tags, else plain text as typed."""
    if not text.strip():
        raise ImportRefused("empty", gettext("There is no text to import."), field="text")
    if _LOOKS_LIKE_HTML.search(text):
        return HtmlReader().read_text(text)
    return TextReader().read_text(text)
