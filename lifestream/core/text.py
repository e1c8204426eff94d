"""User text on the way in: nh3 sanitising with the AO3-derived allowlist, plain text to
paragraphs, and Unicode-aware word counts. Every stored HTML field passes through `sanitize_html`.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

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
_MEDIA_URL_ATTRIBUTES = {"src", "poster"}


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    # Images and media load from the reader's browser: only http(s) or relative addresses,
    # never data: or ftp: (nh3's scheme list is one for every attribute, links included).
    if attribute in _MEDIA_URL_ATTRIBUTES:
        scheme = urlsplit(value.strip()).scheme.lower()
        if scheme and scheme not in MEDIA_SCHEMES:
            return None
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
    cleaned = cleaner.clean(markup or "").strip()
    if cleaned and "\n" in cleaned and not _BLOCK_TAG.search(cleaned):
        return _paragraphs(cleaned)
    return cleaned


def text_to_html(text: str) -> str:
    """Plain text as typed: escaped, blank lines become paragraphs, single newlines <br />."""
    return _paragraphs(html.escape(text or "", quote=False))


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
