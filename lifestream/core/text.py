"""User text on the way in: nh3 sanitising with the AO3-derived allowlist, plain text to
paragraphs, and Unicode-aware word counts. Every stored HTML field passes through `sanitize_html`.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nh3
import tinycss2

from .css import walk_tokens

# AO3_COMPAT.md b.5: the elements a work may use.
WORK_TAGS = frozenset(
    """a abbr acronym address b big blockquote br caption center cite code col colgroup details
    figcaption figure dd del dfn div dl dt em h1 h2 h3 h4 h5 h6 hr i img ins kbd li ol p pre q rp
    rt ruby s samp small span strike strong sub summary sup table tbody td tfoot th thead tr tt u
    ul var audio video source track""".split()  # noqa: SIM905  # a word list reads as prose
)
GENERIC_ATTRIBUTES = frozenset({"align", "dir", "lang", "title"})
ELEMENT_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "name"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "img": {"align", "alt", "border", "height", "src", "width"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "table": {"border", "cellpadding", "cellspacing", "summary", "width"},
    "td": {"abbr", "axis", "colspan", "rowspan", "width", "height", "scope"},
    "th": {"abbr", "axis", "colspan", "rowspan", "width", "height", "scope"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "details": {"open"},
    "audio": {"controls", "loop", "muted", "preload", "src"},
    "video": {"controls", "height", "loop", "muted", "poster", "preload", "src", "width"},
    "source": {"src", "type"},
    "track": {"default", "kind", "label", "src", "srclang"},
}
# Removed together with everything inside them.
DROPPED_WITH_CONTENT = frozenset(
    {"iframe", "math", "noembed", "noframes", "noscript", "plaintext", "script", "style", "svg"}
    | {"xmp", "title", "template", "object", "embed", "textarea", "select"}
)
LINK_SCHEMES = frozenset({"ftp", "http", "https", "mailto"})
MEDIA_SCHEMES = frozenset({"http", "https"})
# nh3 checks the scheme of `href` only; these are addresses too. `cite` is never followed by a
# browser, but a script could read it: it gets the media rule, http(s) or relative.
_MEDIA_URL_ATTRIBUTES = {"src", "poster", "cite"}
_SITE_STYLESHEETS = Path(__file__).resolve().parents[1] / "static" / "lifestream" / "css"
# The page structure AO3's clients find by class (AO3_COMPAT.md) that no stylesheet names.
_STRUCTURE_CLASSES = frozenset({"anonymous", "end", "group", "hidden", "mystery", "region"})


def _class_names(tokens: list[tinycss2.ast.Node]) -> set[str]:
    """The class names in a selector's tokens (`.` then an identifier), blocks included."""
    pairs = itertools.pairwise(walk_tokens(tokens))
    return {token.value for before, token in pairs if token.type == "ident" and before == "."}


@functools.cache
def site_classes() -> frozenset[str]:
    """The class names the archive's own pages use: every class its stylesheets style, and the
    structure AO3 clients read. Work text may not borrow them, so a story can't dress itself as
    a site notice, a menu or another part of the page (nor confuse a client reading it)."""
    names: set[str] = set(_STRUCTURE_CLASSES)
    for path in sorted(_SITE_STYLESHEETS.glob("*.css")):
        rules = tinycss2.parse_stylesheet(path.read_text(), skip_comments=True)
        while rules:
            rule = rules.pop()
            if rule.type == "qualified-rule":
                names |= _class_names(rule.prelude)
            elif rule.type == "at-rule" and rule.content is not None:
                rules.extend(tinycss2.parse_rule_list(rule.content, skip_comments=True))
    return frozenset(names)


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    # Images and media load from the reader's browser: only http(s) or relative addresses,
    # never data: or ftp: (nh3's scheme list is one for every attribute, links included).
    if attribute in _MEDIA_URL_ATTRIBUTES:
        scheme = urlsplit(value.strip()).scheme.lower()
        if scheme and scheme not in MEDIA_SCHEMES:
            return None
    elif attribute == "class":
        reserved = site_classes()
        kept = [name for name in value.split() if name not in reserved]
        return " ".join(kept) or None
    return value


def _attributes(with_classes: bool) -> dict[str, set[str]]:
    generic = set(GENERIC_ATTRIBUTES) | ({"class"} if with_classes else set())
    attributes = {"*": generic}
    attributes.update({element: set(names) for element, names in ELEMENT_ATTRIBUTES.items()})
    return attributes


_WORK_CLEANER = nh3.Cleaner(
    tags=set(WORK_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes=_attributes(with_classes=True),
    url_schemes=set(LINK_SCHEMES),
    link_rel="nofollow",
    attribute_filter=_attribute_filter,
    strip_comments=True,
)
# Comments and bookmark notes: the same elements but no classes (AO3 parser.feature).
_COMMENT_CLEANER = nh3.Cleaner(
    tags=set(WORK_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes=_attributes(with_classes=False),
    url_schemes=set(LINK_SCHEMES),
    link_rel="nofollow",
    attribute_filter=_attribute_filter,
    strip_comments=True,
)

# Characters no text a person writes holds and XML 1.0 cannot carry (so one of them in a title
# would make every EPUB and feed listing the work unreadable): the C0 controls but tab, newline
# and carriage return, DEL and the C1 controls, lone surrogates, and U+FFFE/U+FFFF. Word
# processors write vertical tab for a line break and form feed for a page break: those become
# line breaks, the rest go.
_CONTROLS: dict[int, str | None] = dict.fromkeys(
    (*range(0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF)
)
_CONTROLS.update({0x0B: "\n", 0x0C: "\n"})


def without_controls(text: str) -> str:
    """`text` without the control characters XML cannot hold (see `_CONTROLS`)."""
    return text.translate(_CONTROLS)


def one_line(text: str) -> str:
    """A name or title as typed on one line: controls dropped, runs of whitespace one space."""
    return " ".join(without_controls(text).split())


# No story nests its elements this deep (AO3's own pages stay under 30); past it, parsing and
# understanding a text grow much faster than its length, so such a text is refused.
MAX_NESTING = 200
# Elements that hold nothing, and those whose end tag may be left out (a browser closes them
# when the next one opens): neither makes a text any deeper.
_NEVER_NESTING = frozenset(
    "area base br col embed hr img input link meta source track wbr "  # noqa: SIM905
    "p li dt dd tr td th thead tbody tfoot colgroup option rt rp".split()
)


class ForgivingHTMLParser(HTMLParser):
    """Python's HTMLParser, reading a malformed marked section (`<![>`, `<![ if`) as a browser
    does, as a bogus comment up to the next `>`, where the standard one raises AssertionError."""

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1


class _TooDeep(Exception):
    pass


class _DepthGauge(ForgivingHTMLParser):
    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _NEVER_NESTING:
            self.depth += 1
            if self.depth > self.limit:
                raise _TooDeep

    def handle_endtag(self, tag: str) -> None:
        if tag not in _NEVER_NESTING:
            self.depth = max(0, self.depth - 1)


def nested_too_deep(markup: str, limit: int = MAX_NESTING) -> bool:
    """Whether `markup` opens more than `limit` elements inside one another (one linear pass;
    stray end tags and unclosed elements are counted as a browser would roughly see them)."""
    gauge = _DepthGauge(limit)
    try:
        gauge.feed(markup)
        gauge.close()
    except _TooDeep:
        return True
    return False


_BLOCK_TAG = re.compile(
    r"<(p|div|br|blockquote|h[1-6]|ul|ol|table|pre|hr|dl|details|figure|center|address)\b",
    re.IGNORECASE,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def _paragraphs(markup: str) -> str:
    """Split already-safe markup into <p> on blank lines, with <br /> for single line breaks."""
    markup = markup.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not markup:
        return ""
    paragraphs = [chunk.strip() for chunk in _PARAGRAPH_BREAK.split(markup) if chunk.strip()]
    return "\n".join(f"<p>{chunk.replace(chr(10), '<br>' + chr(10))}</p>" for chunk in paragraphs)


def sanitize_html(markup: str, *, allow_classes: bool = True) -> str:
    """Clean user HTML. Markup written without block tags (pasted text with line breaks) gets
    paragraphs from its blank lines, as a reader would expect from what they typed."""
    cleaner = _WORK_CLEANER if allow_classes else _COMMENT_CLEANER
    cleaned = cleaner.clean(without_controls(markup or "")).strip()
    if cleaned and "\n" in cleaned and not _BLOCK_TAG.search(cleaned):
        return _paragraphs(cleaned)
    return cleaned


def text_to_html(text: str) -> str:
    """Plain text as typed: escaped, blank lines become paragraphs, single newlines <br />."""
    return _paragraphs(html.escape(without_controls(text or ""), quote=False))


def format_to_html(value: str, body_format: str) -> str:
    """The one entry point for a user-written rich field: "html" is sanitised, "text" escaped."""
    if body_format == "text":
        return text_to_html(value)
    return sanitize_html(value)


_STRIP_ALL = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"}, strip_comments=True)

# Scripts written without spaces between words: each character counts as a word, as AO3 counts.
_CJK = (
    "\u0e00-\u0e7f"  # Thai
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\U00020000-\U0002fa1f"  # Han, supplementary planes
)
_CJK_CHAR = re.compile(f"[{_CJK}]")
_WORD = re.compile(r"\w+")
_JOINERS = re.compile(r"['’‘\-]")


# Tags that separate words; inline ones (em, span, a, …) may sit inside a word.
_BLOCK_BOUNDARY = re.compile(
    r"<(?=/?(p|div|br|hr|li|ol|ul|dl|dt|dd|h[1-6]|table|caption|thead|tbody|tfoot|tr|td|th"
    r"|blockquote|pre|details|summary|figure|figcaption|center|address|ruby|rt|rp|img"
    r"|audio|video)\b)",
    re.IGNORECASE,
)


def html_to_text(markup: str) -> str:
    """Readable text of sanitised HTML, with block boundaries kept as whitespace."""
    spaced = _BLOCK_BOUNDARY.sub(" <", markup or "")
    return html.unescape(_STRIP_ALL.clean(spaced))


def count_words(markup: str) -> int:
    """Words in sanitised HTML. Hyphenated words and contractions count once ("one's", "well-
    known"); "--" separates; every Han, kana or Thai character counts as one word."""
    text = html_to_text(markup).replace("--", " ")
    text = _JOINERS.sub("", text)
    cjk_count = len(_CJK_CHAR.findall(text))
    return cjk_count + len(_WORD.findall(_CJK_CHAR.sub(" ", text)))
