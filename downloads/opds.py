"""OPDS 1.2 catalogue: Atom feeds an e-reader app browses, searches and downloads EPUBs from.

Navigation feeds list other feeds (the root, fandoms); acquisition feeds list works with links
to their downloads. Works are chosen by the same search as the site's listings, for the same
viewer, so a feed shows exactly what that reader may list."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils import timezone

from access.visibility import ANONYMOUS, public_byline_pseuds
from lifestream.core.text import html_to_text, without_controls
from tags.models import TagKind
from works.models import Work

from .book import slugify_title
from .formats import FORMATS

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NAVIGATION_TYPE = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
ACQUISITION_REL = "http://opds-spec.org/acquisition"
ET.register_namespace("", ATOM)
ET.register_namespace("dc", DC)
ET.register_namespace("opds", OPDS)
ET.register_namespace("opensearch", OPENSEARCH)


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def work_urn(work_id: int) -> str:
    """The same identifier the work's EPUB carries, so apps match catalogue and book."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, absolute(f'/works/{work_id}'))}"


def series_urn(series_id: int) -> str:
    """The same identifier the whole-series EPUB carries."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, absolute(f'/series/{series_id}'))}"


def series_feed_path(series_id: int) -> str:
    return f"/opds/series/{series_id}"


def tag_urn(tag_id: int) -> str:
    """A tag's catalogue id: made from its row, not its name, so it is a valid URI whatever the
    name holds (spaces, slashes) and survives a wrangler renaming the tag."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, absolute(f'/tags/{tag_id}'))}"


@dataclass
class FeedLink:
    rel: str
    href: str
    type: str
    title: str = ""


@dataclass
class SeriesEntry:
    """A series as the catalogue shows it: counted from the parts its reader may list."""

    id: int
    title: str
    summary: str
    complete: bool
    updated: dt.datetime
    works: int
    words: int
    creators: list[tuple[str, str]]  # (name, page) each; ("Anonymous", "") for anonymous works


@dataclass
class NavigationEntry:
    title: str
    href: str
    content: str
    updated: dt.datetime
    id: str


class Feed:
    """One catalogue document being written."""

    def __init__(self, *, id: str, title: str, self_href: str, kind: str) -> None:
        self.kind = kind
        self.root = ET.Element(_q(ATOM, "feed"))
        ET.SubElement(self.root, _q(ATOM, "id")).text = id
        ET.SubElement(self.root, _q(ATOM, "title")).text = title
        self.updated = ET.SubElement(self.root, _q(ATOM, "updated"))
        self.updated.text = _stamp(timezone.now())
        author = ET.SubElement(self.root, _q(ATOM, "author"))
        ET.SubElement(author, _q(ATOM, "name")).text = "Lifestream"
        ET.SubElement(author, _q(ATOM, "uri")).text = absolute("/")
        self.link(FeedLink("self", self_href, self.media_type))
        self.link(FeedLink("start", "/opds", NAVIGATION_TYPE, "Home"))
        self.link(FeedLink("search", "/opds/opensearch.xml", OPENSEARCH_TYPE, "Search"))

    @property
    def media_type(self) -> str:
        return NAVIGATION_TYPE if self.kind == "navigation" else ACQUISITION_TYPE

    def link(self, link: FeedLink, parent: ET.Element | None = None) -> None:
        element = ET.SubElement(parent if parent is not None else self.root, _q(ATOM, "link"))
        element.set("rel", link.rel)
        element.set("href", absolute(link.href) if link.href.startswith("/") else link.href)
        element.set("type", link.type)
        if link.title:
            element.set("title", link.title)

    def pages(self, base: str, page: int, pages: int, total: int, per_page: int) -> None:
        joiner = "&" if "?" in base else "?"
        ET.SubElement(self.root, _q(OPENSEARCH, "totalResults")).text = str(total)
        ET.SubElement(self.root, _q(OPENSEARCH, "itemsPerPage")).text = str(per_page)
        ET.SubElement(self.root, _q(OPENSEARCH, "startIndex")).text = str((page - 1) * per_page + 1)
        self.link(FeedLink("first", base, self.media_type))
        if page > 1:
            self.link(FeedLink("previous", f"{base}{joiner}page={page - 1}", self.media_type))
        if page < pages:
            self.link(FeedLink("next", f"{base}{joiner}page={page + 1}", self.media_type))
            self.link(FeedLink("last", f"{base}{joiner}page={pages}", self.media_type))

    def navigation(self, entry: NavigationEntry, link_type: str = ACQUISITION_TYPE) -> None:
        element = ET.SubElement(self.root, _q(ATOM, "entry"))
        ET.SubElement(element, _q(ATOM, "title")).text = entry.title
        ET.SubElement(element, _q(ATOM, "id")).text = entry.id
        ET.SubElement(element, _q(ATOM, "updated")).text = _stamp(entry.updated)
        content = ET.SubElement(element, _q(ATOM, "content"), {"type": "text"})
        content.text = entry.content
        self.link(FeedLink("subsection", entry.href, link_type, entry.title), element)

    def work(self, work: Work) -> None:
        """An acquisition entry: the work's metadata and a link per download format."""
        element = ET.SubElement(self.root, _q(ATOM, "entry"))
        ET.SubElement(element, _q(ATOM, "title")).text = work.title
        ET.SubElement(element, _q(ATOM, "id")).text = work_urn(work.pk)
        ET.SubElement(element, _q(ATOM, "updated")).text = _stamp(work.revised_at)
        published = dt.datetime.combine(work.published_on, dt.time(), tzinfo=dt.UTC)
        ET.SubElement(element, _q(ATOM, "published")).text = _stamp(published)
        if work.anonymous:
            author = ET.SubElement(element, _q(ATOM, "author"))
            ET.SubElement(author, _q(ATOM, "name")).text = ANONYMOUS
        for pseud in public_byline_pseuds(work):
            author = ET.SubElement(element, _q(ATOM, "author"))
            ET.SubElement(author, _q(ATOM, "name")).text = pseud.byline
            ET.SubElement(author, _q(ATOM, "uri")).text = absolute(pseud.get_absolute_url())
        ET.SubElement(element, _q(DC, "language")).text = work.language
        for tag in work.tags.all():
            ET.SubElement(
                element,
                _q(ATOM, "category"),
                {
                    "term": tag.name,
                    "label": tag.name,
                    "scheme": absolute(
                        f"/tags/search?tag_search%5Btype%5D={TagKind(tag.kind).value}"
                    ),
                },
            )
        summary = html_to_text(work.summary).strip()
        details = f"Words: {work.word_count:,} · Chapters: {work.chapters_display}"
        content = ET.SubElement(element, _q(ATOM, "content"), {"type": "text"})
        content.text = f"{summary}\n\n{details}" if summary else details
        stem = slugify_title(work.title)
        stamp = int(work.updated_at.timestamp())
        for fmt in FORMATS.values():
            href = f"/downloads/{work.pk}/{stem}.{fmt.extension}?updated_at={stamp}"
            media_type = fmt.media_type.split(";")[0]
            self.link(FeedLink(ACQUISITION_REL, href, media_type, fmt.label), element)
        self.link(
            FeedLink("alternate", work.get_absolute_url(), "text/html", "Read online"), element
        )
        # Each series it is in, numbered as the reader sees it (when the feed loaded them).
        for part in getattr(work, "blurb_series", []):
            link = FeedLink(
                "related",
                series_feed_path(part.series.pk),
                ACQUISITION_TYPE,
                f"Part {part.number} of {part.series.title}",
            )
            self.link(link, element)

    def whole_series(self, series: SeriesEntry) -> None:
        """An acquisition entry for a series as one book: the whole-series EPUB."""
        element = ET.SubElement(self.root, _q(ATOM, "entry"))
        ET.SubElement(element, _q(ATOM, "title")).text = f"{series.title} (the whole series)"
        ET.SubElement(element, _q(ATOM, "id")).text = series_urn(series.id)
        ET.SubElement(element, _q(ATOM, "updated")).text = _stamp(series.updated)
        for name, uri in series.creators:
            author = ET.SubElement(element, _q(ATOM, "author"))
            ET.SubElement(author, _q(ATOM, "name")).text = name
            if uri:
                ET.SubElement(author, _q(ATOM, "uri")).text = absolute(uri)
        summary = html_to_text(series.summary).strip()
        details = (
            f"Works: {series.works:,} · Words: {series.words:,} · "
            f"Complete: {'Yes' if series.complete else 'No'}"
        )
        content = ET.SubElement(element, _q(ATOM, "content"), {"type": "text"})
        content.text = f"{summary}\n\n{details}" if summary else details
        href = f"/downloads/series/{series.id}/{slugify_title(series.title)}.epub"
        self.link(FeedLink(ACQUISITION_REL, href, "application/epub+zip", "EPUB"), element)
        self.link(
            FeedLink("alternate", f"/series/{series.id}", "text/html", "The series online"),
            element,
        )

    def render(self) -> bytes:
        # Titles, names and summaries stored before controls were refused on the way in must
        # not make the whole feed unreadable.
        document = ET.tostring(self.root, encoding="unicode")
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + without_controls(document).encode()


def opensearch_description() -> bytes:
    root = ET.Element(_q(OPENSEARCH, "OpenSearchDescription"))
    ET.SubElement(root, _q(OPENSEARCH, "ShortName")).text = "Lifestream"
    ET.SubElement(
        root, _q(OPENSEARCH, "Description")
    ).text = "Search the works on this Lifestream archive: titles, tags, creators and story text."
    ET.SubElement(root, _q(OPENSEARCH, "InputEncoding")).text = "UTF-8"
    ET.SubElement(root, _q(OPENSEARCH, "OutputEncoding")).text = "UTF-8"
    ET.SubElement(
        root,
        _q(OPENSEARCH, "Url"),
        {"type": ACQUISITION_TYPE, "template": absolute("/opds/search?q={searchTerms}")},
    )
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


# --- the same feed as a page, for a browser ------------------------------------------------


@dataclass
class PageLink:
    rel: str
    href: str
    type: str
    title: str

    @property
    def is_feed(self) -> bool:
        return self.type.startswith("application/atom+xml")

    @property
    def is_acquisition(self) -> bool:
        return self.rel.startswith(ACQUISITION_REL)


@dataclass
class PageEntry:
    title: str
    authors: list[tuple[str, str]]
    content: str
    language: str
    tags: list[str]
    links: list[PageLink]

    @property
    def acquisitions(self) -> list[PageLink]:
        return [link for link in self.links if link.is_acquisition]

    @property
    def others(self) -> list[PageLink]:
        return [link for link in self.links if not link.is_acquisition]


@dataclass
class FeedPage:
    """What a feed says, read back from the very document an OPDS app gets."""

    title: str
    kind: str
    links: dict[str, PageLink]
    entries: list[PageEntry]
    total: int | None


def _site_path(href: str) -> str:
    """The archive's own addresses as paths, so the page works at any address it is opened
    on; other addresses as they are."""
    base = settings.SITE_URL
    if base and href.startswith(base + "/"):
        return href[len(base) :]
    return href


def _links(element: ET.Element) -> list[PageLink]:
    return [
        PageLink(
            link.get("rel", ""),
            _site_path(link.get("href", "")),
            link.get("type", ""),
            link.get("title", ""),
        )
        for link in element.findall(_q(ATOM, "link"))
    ]


def _text(element: ET.Element, namespace: str, name: str) -> str:
    return element.findtext(_q(namespace, name)) or ""


def feed_page(feed: Feed) -> FeedPage:
    """The feed's title, navigation links, and entries with their links, as a page shows them."""
    entries = []
    for entry in feed.root.findall(_q(ATOM, "entry")):
        authors = [
            (_text(author, ATOM, "name"), _site_path(_text(author, ATOM, "uri")))
            for author in entry.findall(_q(ATOM, "author"))
        ]
        entries.append(
            PageEntry(
                title=_text(entry, ATOM, "title"),
                authors=authors,
                content=_text(entry, ATOM, "content"),
                language=_text(entry, DC, "language"),
                tags=[
                    category.get("label", "") for category in entry.findall(_q(ATOM, "category"))
                ],
                links=_links(entry),
            )
        )
    total = feed.root.findtext(_q(OPENSEARCH, "totalResults"))
    return FeedPage(
        title=_text(feed.root, ATOM, "title"),
        kind=feed.kind,
        links={link.rel: link for link in _links(feed.root)},
        entries=entries,
        total=int(total) if total is not None else None,
    )
