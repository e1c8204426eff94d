"""Stored work HTML (already sanitised by nh3 on the way in) rewritten as EPUB-valid XHTML.

Works are stored as HTML that browsers accept; an e-book needs XML that the EPUB 3 content
model accepts. This walks the stored markup once and writes it again: void elements closed,
text and attributes escaped for XML, elements HTML5 dropped replaced by their modern
equivalent (`center` → a centred `div`, `strike` → `s`, `tt` → `code`, `big` → a `span`),
presentational attributes (`align`, `border`, `width` …) turned into classes or dropped, links
into the archive made absolute, in-page links without a target and remote images (a book can't
load them) turned into plain text.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urljoin, urlsplit

from lifestream.core.text import ForgivingHTMLParser

VOID = frozenset({"br", "hr", "img", "col", "source", "track", "wbr"})
RENAMED = {"strike": "s", "tt": "code", "acronym": "abbr"}
# Obsolete in HTML5: kept as a styled element so the author's formatting survives.
STYLED = {"center": ("div", "center"), "big": ("span", "big")}
# Elements valid only inside a particular parent. Out of place, list items get a list around
# them; the others are left out and their content kept.
PARENTS: dict[str, frozenset[str]] = {
    "li": frozenset({"ul", "ol"}),
    "dt": frozenset({"dl"}),
    "dd": frozenset({"dl"}),
    "summary": frozenset({"details"}),
    "figcaption": frozenset({"figure"}),
    "rt": frozenset({"ruby"}),
    "rp": frozenset({"ruby"}),
    "caption": frozenset({"table"}),
    "colgroup": frozenset({"table"}),
    "col": frozenset({"colgroup", "table"}),
    "thead": frozenset({"table"}),
    "tbody": frozenset({"table"}),
    "tfoot": frozenset({"table"}),
    "tr": frozenset({"table", "thead", "tbody", "tfoot"}),
    "td": frozenset({"tr"}),
    "th": frozenset({"tr"}),
}
WRAPPERS = {"li": "ul", "dt": "dl", "dd": "dl"}
ALIGNMENTS = frozenset({"left", "right", "center", "justify"})
# Attributes the EPUB 3 (HTML5) content model still allows, per element; everything else goes.
KEEP: dict[str, frozenset[str]] = {
    "*": frozenset({"dir", "lang", "title", "class"}),
    "a": frozenset({"href"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "img": frozenset({"alt", "src", "height", "width"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    "th": frozenset({"colspan", "rowspan", "headers", "scope", "abbr"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "details": frozenset({"open"}),
}
# Media can't be carried inside the book: a link to it stands in its place.
MEDIA = frozenset({"audio", "video"})
MEDIA_CHILDREN = frozenset({"source", "track"})
NUMERIC = frozenset({"height", "width", "span", "colspan", "rowspan", "start"})


class _Rewriter(ForgivingHTMLParser):
    def __init__(self, base_url: str, local_images: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.local_images = local_images
        self.out: list[str] = []
        # (name in the source, name written or None when left out), to close them in order.
        self.stack: list[tuple[str, str | None]] = []
        self.media_depth = 0

    # -- helpers ---------------------------------------------------------------------------
    def _attributes(self, tag: str, original: str, attrs: list[tuple[str, str | None]]) -> str:
        allowed = KEEP["*"] | KEEP.get(tag, frozenset())
        classes: list[str] = []
        kept: dict[str, str] = {}
        for name, value in attrs:
            value = value or ""
            if name == "align" and value.lower() in ALIGNMENTS:
                classes.append(f"align-{value.lower()}")
            elif name == "class":
                classes.extend(value.split())
            elif name in allowed and name not in kept:
                if name in NUMERIC and not (value.strip().isascii() and value.strip().isdigit()):
                    continue
                kept[name] = value.strip() if name in NUMERIC else value
        if original in STYLED:
            classes.insert(0, STYLED[original][1])
        if tag == "ol" and kept.get("type") not in {"1", "a", "A", "i", "I"}:
            kept.pop("type", None)
        if classes:
            kept["class"] = " ".join(dict.fromkeys(classes))
        if "lang" in kept:
            kept["xml:lang"] = kept["lang"]
        return "".join(f' {name}="{escape(value, quote=True)}"' for name, value in kept.items())

    def _link_target(self, href: str) -> str | None:
        href = href.strip()
        if not href or href.startswith("#"):
            return None  # the anchor it points at isn't carried over
        parts = urlsplit(href)
        if parts.scheme in {"http", "https", "mailto", "ftp"}:
            return href
        if parts.scheme:
            return None
        return urljoin(self.base_url + "/", href)

    def _close_wrapper(self, keep_for: str = "") -> None:
        """Close a list opened around stray list items once something else comes along."""
        if self.stack and self.stack[-1][0] == "" and WRAPPERS.get(keep_for) != self.stack[-1][1]:
            self.out.append(f"</{self.stack.pop()[1]}>")

    # -- parser callbacks ------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_wrapper(keep_for=tag)
        if tag in MEDIA:
            src = dict(attrs).get("src") or ""
            self.media_depth += 1
            target = self._link_target(src)
            if target:
                self.out.append(f'<a href="{escape(target, quote=True)}">[{tag}]</a>')
            return
        if tag in MEDIA_CHILDREN or self.media_depth:
            return
        original = tag
        tag = RENAMED.get(tag, STYLED.get(tag, (tag, ""))[0])
        if tag == "img":
            src = dict(attrs).get("src") or ""
            if not (self.local_images and not urlsplit(src).scheme):
                alt = dict(attrs).get("alt") or ""
                if alt:
                    self.out.append(escape(f"[{alt}]", quote=False))
                return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            target = self._link_target(href)
            attrs = [(n, v) for n, v in attrs if n != "href"]
            if target:
                attrs.append(("href", target))
        parent = next((name for _, name in reversed(self.stack) if name), None)
        if tag in PARENTS and parent not in PARENTS[tag]:
            if tag not in WRAPPERS:
                if tag not in VOID:
                    self.stack.append((original, None))
                return
            self.out.append(f"<{WRAPPERS[tag]}>")
            self.stack.append(("", WRAPPERS[tag]))
        written = self._attributes(tag, original, attrs)
        if tag in VOID:
            self.out.append(f"<{tag}{written}/>")
            return
        self.out.append(f"<{tag}{written}>")
        self.stack.append((original, tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and tag not in MEDIA and tag not in MEDIA_CHILDREN:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in MEDIA:
            self.media_depth = max(0, self.media_depth - 1)
            return
        if tag in MEDIA_CHILDREN or self.media_depth or tag in VOID:
            return
        if not any(source == tag for source, _ in self.stack):
            return  # a stray end tag: nothing to close
        while self.stack:
            source, written = self.stack.pop()
            if written:
                self.out.append(f"</{written}>")
            if source == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip():
            self._close_wrapper()
        if not self.media_depth:
            self.out.append(escape(data, quote=False))

    def close(self) -> None:
        super().close()
        while self.stack:
            _, written = self.stack.pop()
            if written:
                self.out.append(f"</{written}>")


def to_xhtml(stored_html: str, *, base_url: str, local_images: bool = False) -> str:
    """`stored_html` (sanitised work HTML) as a well-formed XHTML fragment."""
    rewriter = _Rewriter(base_url, local_images)
    rewriter.feed(stored_html)
    rewriter.close()
    return "".join(rewriter.out)
