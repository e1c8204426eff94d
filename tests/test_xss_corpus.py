"""The XSS corpus (tests/xss/) through every field that takes people's HTML or text, and every
page, feed, download and API answer that shows them.

Three layers, each with a control that proves it can fail:
- every vector through each sanitiser on its own (nothing that could run survives);
- works, comments, bookmarks, pseuds, skins and imports made through the real forms, five
  vectors a work, then every page, feed, book and API answer that shows them checked for
  anything that could run (`dangers`);
- the same pages in Chromium with the page's own CSP switched off, counting dialogs and calls
  to alert/confirm/prompt (a vector that runs is caught even where the CSP would stop it).
"""

from __future__ import annotations

import html
import io
import json
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from django.db import connection
from django.test import Client
from lxml import etree

from feedback.models import Bookmark, Comment
from lifestream.core.css import sanitise_css
from lifestream.core.text import sanitize_html
from lifestream.testing import make_work
from tests import test_browser
from tests.test_browser import Site
from tests.test_posting import form_data
from works.models import Chapter, Work

CORPUS = Path(__file__).parent / "xss"
PLACEHOLDERS = {"{TAB}": "\t", "{LF}": "\n", "{CR}": "\r", "{NUL}": "\x00"}


def _load(name: str) -> list[str]:
    vectors = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        for mark, character in PLACEHOLDERS.items():
            line = line.replace(mark, character)
        vectors.append(line)
    return vectors


VECTORS = _load("corpus.txt")
STYLESHEETS = _load("css.txt")
PER_WORK = 5
browser = test_browser.browser  # the module-wide Chromium
# Forms refuse NUL outright (Django's own check): the NUL vector reaches them without it.
BATCHES = [
    [vector.replace("\x00", "") for vector in VECTORS[start : start + PER_WORK]]
    for start in range(0, len(VECTORS), PER_WORK)
]

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "background", "dynsrc", "lowsrc",
    "data", "cite", "poster", "srcset", "ping", "manifest", "codebase", "longdesc", "usemap",
}  # fmt: skip
NEVER_ELEMENTS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "bgsound", "isindex",
    "keygen", "portal", "import",
}  # fmt: skip
SAFE_SCHEMES = ("http:", "https:", "mailto:")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_DANGERS = ("expression(", "javascript:", "vbscript:", "behavior:", "-moz-binding", "@import")


def _css_plain(text: str) -> str:
    """A stylesheet as a browser reads it for our purpose: escapes decoded, comments and
    whitespace gone, lower case (so `ex\\70 ression` reads `expression`)."""

    def unescape(match: re.Match[str]) -> str:
        if match.group(1):
            return chr(int(match.group(1), 16)) if int(match.group(1), 16) < 0x110000 else ""
        return match.group(2)

    text = CSS_COMMENT.sub("", html.unescape(text))
    return re.sub(r"\s+", "", CSS_ESCAPE.sub(unescape, text)).lower()


def css_dangers(text: str) -> list[str]:
    plain = _css_plain(text)
    found = [danger for danger in CSS_DANGERS if danger in plain]
    for address in re.findall(r"url\(([^)]*)\)", plain):
        address = address.strip("'\"")
        if not address.startswith("/static/"):
            found.append(f"url({address})")
    return found


def _url_is_safe(value: str) -> bool:
    address = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
    if ":" not in address.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return True  # relative: a path, a query or a fragment
    return address.startswith(SAFE_SCHEMES)


def dangers(markup: str | bytes, *, ours: bool = True) -> list[str]:
    """Everything in an HTML document or fragment, parsed as a browser parses it, that could run
    script: script elements other than the archive's own files, event-handler attributes, htmx
    attributes in people's text, frames and plugins, script in a URL or in CSS, `srcdoc`, a
    refresh. `ours` allows the page's own `<script src="/static/…">` and htmx attributes outside
    people's text."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # books' XHTML, read as a browser
        page = BeautifulSoup(markup, "html5lib")
    found: list[str] = []
    for element in page.find_all(True):
        name = element.name.lower().rsplit(":", 1)[-1]
        in_text = element.find_parent(class_=["userstuff", "summary", "notes"]) is not None
        if name == "script":
            source = str(element.get("src") or "")
            # The page's own data (json_script: not run, and escaped so text can't leave it).
            data = str(element.get("type") or "").lower() == "application/json"
            own_file = source.startswith("/static/") and not element.get_text().strip()
            if not (ours and (own_file or (data and not source))):
                found.append(f"<script src={source!r}>{element.get_text()[:40]}")
        if name in NEVER_ELEMENTS:
            found.append(f"<{name}>")
        if name == "meta" and str(element.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta refresh>")
        if name == "style":
            found += [f"<style> {danger}" for danger in css_dangers(element.get_text())]
        for attribute, value in element.attrs.items():
            attribute = attribute.lower()
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.startswith("on"):
                found.append(f"<{name} {attribute}>")
            elif attribute in URL_ATTRIBUTES and not _url_is_safe(value):
                found.append(f"<{name} {attribute}={value[:40]!r}>")
            elif attribute == "style":
                found += [f"<{name} style> {danger}" for danger in css_dangers(value)]
            elif attribute == "srcdoc":
                found.append(f"<{name} srcdoc>")
            elif (attribute.startswith(("hx-", "data-hx-")) and (in_text or not ours)) or (
                attribute.startswith(("hx-on", "data-hx-on"))
            ):
                found.append(f"<{name} {attribute}>")
    return found


# -- Layer 1: every vector through every sanitiser ---------------------------------------------


def test_the_detector_sees_what_could_run():
    """The control: most vectors, left as they are, are dangers; the detector is not blind."""
    caught = [vector for vector in VECTORS if dangers(vector, ours=False)]
    assert len(caught) >= len(VECTORS) * 0.75, len(caught)
    assert dangers('<p><img src=x onerror="alert(1)"></p>')
    assert dangers('<a href=" jav&#x09;ascript:alert(1)">x</a>')
    assert dangers('<div class="userstuff"><b hx-get="/works">x</b></div>')
    assert dangers('<script type="application/json">{}</script>', ours=False)
    assert css_dangers("p { width: ex\\70 ression(alert(1)) }")
    assert not dangers('<p><a href="https://example.org/a?b#c">a</a> <img src="/static/i.png"></p>')


@pytest.mark.parametrize("vector", VECTORS)
def test_no_vector_survives_the_html_sanitiser(vector):
    for allow_classes in (True, False):
        assert dangers(sanitize_html(vector, allow_classes=allow_classes)) == [], vector


@pytest.mark.parametrize("stylesheet", STYLESHEETS)
def test_no_stylesheet_survives_the_css_sanitiser(stylesheet):
    for scope in ("#workskin", ""):
        clean = sanitise_css(stylesheet, scope)
        assert css_dangers(clean.css) == [], (stylesheet, clean.css)
        assert "</style" not in clean.css.lower()


def test_the_css_detector_sees_what_could_run():
    caught = [sheet for sheet in STYLESHEETS if css_dangers(sheet)]
    assert len(caught) >= len(STYLESHEETS) * 0.75


# -- Layer 2: through the forms, out through every page ----------------------------------------


def _short(vector: str, limit: int) -> str:
    return vector[:limit]


TAG_REFUSED = re.compile(r"[\^*<>{}=`\\%,]")


def _tag(vector: str) -> str:
    """A vector as a tag name: tags refuse `^ * < > { } = ` \\ %` and commas outright (tested
    with the tags), so what is left of the vector goes in."""
    return _short(TAG_REFUSED.sub(" ", vector), 140).strip() or "empty"


def _tags(kind: str, batch: list[str]) -> str:
    return ", ".join(_tag(f"{kind} {vector}") for vector in batch)


def _post_batch(author_client: Client, author, number: int, batch: list[str]) -> Work:
    joined = "\n".join(batch)
    body_format = "text" if number % 4 == 3 else "html"
    response = author_client.post(
        "/works/new",
        form_data(
            author,
            title=_short(f"{number} {batch[0]}", 255),
            summary=joined,
            notes=joined,
            end_notes=joined,
            fandoms=_tag(f"F {batch[0]}"),
            relationships=_tag(f"R {batch[1 % len(batch)]}"),
            characters=_tags("C", batch),
            freeforms=_tags("A", batch),
            chapter_title=_short(batch[-1], 255),
            chapter_summary=joined,
            chapter_notes=joined,
            chapter_end_notes=joined,
            chapter_body_format=body_format,
            chapter_body=f"<p>Batch {number}.</p>\n{joined}",
        ),
    )
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(
        ".error"
    )
    return Work.objects.get(title__startswith=f"{number} ")


@pytest.fixture
def corpus_archive(author, reader, settings) -> Iterator[dict[str, Any]]:
    """Every batch as a work with a comment and a bookmark on it; a pseud and a skin per batch."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment_new": "", "comment_user": ""}
    author_client, reader_client = Client(), Client()
    author_client.force_login(author)
    reader_client.force_login(reader)
    works = []
    for number, batch in enumerate(BATCHES):
        joined = "\n".join(batch)
        work = _post_batch(author_client, author, number, batch)
        works.append(work)
        # A comment that sanitises to nothing is refused: each says something besides.
        answer = reader_client.post(
            f"/works/{work.pk}/comments", {"body": f"<p>Comment {number}.</p>\n{joined}"}
        )
        assert answer.status_code in (200, 302), BeautifulSoup(
            answer.content, "html.parser"
        ).select(".error")
        reader_client.post(
            f"/works/{work.pk}/bookmarks/new",
            {"pseud": reader.default_pseud.pk, "notes": joined, "tags": _tags("B", batch)},
        )
        reader_client.post(
            f"/users/{reader.username}/pseuds/new",
            {"name": f"Pseud {number}", "description": joined[:500]},
        )
    for number, stylesheet in enumerate(STYLESHEETS):
        author_client.post("/skins/new", {"title": f"Skin {number}", "css": stylesheet})
    imported = author_client.post(
        "/works/import",
        {
            "text": "<html><head><title>Imported</title></head><body>"
            + "\n".join(vector for batch in BATCHES for vector in batch)
        },
    )
    assert imported.status_code == 302
    assert Comment.objects.count() == len(BATCHES)
    assert Bookmark.objects.count() == len(BATCHES)
    yield {"works": works, "author": author_client, "reader": reader_client}


def _pages(archive: dict[str, Any], author, reader) -> Iterator[tuple[str, Client]]:
    """Every page, for its reader, that shows what the corpus archive holds."""
    guest = Client()
    for work in archive["works"]:
        chapter = work.chapters.get()
        yield f"/works/{work.pk}?view_full_work=true&show_comments=true", guest
        yield f"/works/{work.pk}/chapters/{chapter.pk}", archive["reader"]
        yield f"/works/{work.pk}/edit", archive["author"]
        yield f"/works/{work.pk}/bookmarks", guest
        yield f"/works/{work.pk}/navigate", guest
    for tag in Work.objects.get(pk=archive["works"][0].pk).tags.all():
        yield f"/tags/{tag.url_name}/works", guest
    yield "/works", guest
    yield "/works?page=2", guest
    yield "/works/search?work_search%5Bquery%5D=alert", guest
    yield "/tags/search?tag_search%5Bname%5D=alert", guest
    yield "/bookmarks", guest
    yield f"/users/{reader.username}/bookmarks", guest
    yield f"/users/{reader.username}/pseuds", guest
    yield f"/users/{author.username}", guest
    yield f"/users/{author.username}/works", guest
    yield f"/users/{author.username}/skins", archive["author"]
    yield "/skins", archive["author"]
    yield f"/users/{author.username}/inbox", archive["author"]
    yield f"/users/{author.username}/stats", archive["author"]
    yield f"/users/{reader.username}/readings", archive["reader"]
    for draft in Work.objects.filter(posted=False):
        yield f"/works/{draft.pk}/edit", archive["author"]
        yield f"/works/{draft.pk}/preview", archive["author"]
    for skin_id in author.skins.values_list("pk", flat=True):
        yield f"/skins/{skin_id}", archive["author"]


def test_nothing_that_could_run_reaches_a_page(corpus_archive, author, reader):
    checked = 0
    for url, client in _pages(corpus_archive, author, reader):
        response = client.get(url)
        assert response.status_code == 200, url
        assert dangers(response.content) == [], url
        checked += 1
    assert checked > 5 * len(BATCHES)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _feed_html(document: bytes) -> Iterator[str]:
    """The HTML inside an Atom document that a feed reader would render."""
    tree = etree.fromstring(document)
    for node in tree.iter("{http://www.w3.org/2005/Atom}content", "{*}summary", "{*}title"):
        if node.get("type") in ("html", "text/html"):
            yield node.text or ""
        elif node.get("type") == "xhtml":
            yield etree.tostring(node, encoding="unicode")


def test_feeds_books_and_the_api_carry_nothing_that_could_run(corpus_archive, author):
    guest = Client()
    works = corpus_archive["works"]
    feeds = ["/opds/new", f"/opds/users/{author.username}", "/opds/search?q=alert"]
    tag = works[0].tags.filter(kind="freeform").first()
    feeds.append(f"/tags/{tag.pk}/feed.atom")
    for url in feeds:
        response = guest.get(url, HTTP_ACCEPT="application/atom+xml")
        assert response.status_code == 200, url
        for fragment in _feed_html(response.content):
            assert dangers(fragment) == [], url
    api_fields: list[str] = []
    for work in works[:: max(1, len(works) // 6)]:
        page = BeautifulSoup(guest.get(f"/works/{work.pk}").content, "html.parser")
        links = {str(a["href"]) for a in page.select("li.download a[href]")}
        html_link = next(link for link in links if ".html" in link)
        book = guest.get(html_link)
        assert dangers(_body(book)) == [], html_link
        epub_link = next(link for link in links if ".epub" in link)
        archive = zipfile.ZipFile(io.BytesIO(_body(guest.get(epub_link))))
        for name in archive.namelist():
            if name.endswith((".xhtml", ".html", ".htm")):
                assert dangers(archive.read(name)) == [], (epub_link, name)
        answer = guest.get(f"/api/v1/works/{work.pk}")
        assert answer["Content-Type"].startswith("application/json")
        assert answer["X-Content-Type-Options"] == "nosniff"
        fields = list(_html_fields(json.loads(answer.content)))
        api_fields += fields
        for value in fields:
            assert dangers(value) == [], (work.pk, value[:80])
    assert sum("javascript:" in field for field in api_fields) >= 3  # the corpus is in them


# The API's fields that hold HTML (its schema says so); the rest are plain text for the client
# to escape, as a title is.
API_HTML = {"summary", "notes", "end_notes", "body", "description"}


def _html_fields(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in API_HTML and isinstance(item, str):
                yield item
            else:
                yield from _html_fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from _html_fields(item)


# -- Layer 3: in a browser, with the page's CSP out of the way (SQLite: one run is enough) -----

HOVER_EVERYTHING = """() => {
  for (const element of document.querySelectorAll("body *")) {
    for (const kind of ["mouseover", "mouseenter", "focus", "animationstart", "toggle"]) {
      element.dispatchEvent(new Event(kind, { bubbles: true }));
    }
  }
}"""
RECORDER = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__xss.push(name + "(" + args.join(",") + ")"); };
}
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the browser layer runs on SQLite")
def test_no_vector_runs_in_a_browser(browser, live_server, author, reader, corpus_archive):
    site = Site(browser, live_server.url)
    try:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        site.contexts.append(context)
        context.add_init_script(RECORDER)
        site.log_in(context, reader)
        page = context.new_page()
        dialogs: list[str] = []

        def dismiss(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        # Every work in full with its comments, and every listing: what a reader opens.
        urls = [
            url
            for url, client in _pages(corpus_archive, author, reader)
            if client is not corpus_archive["author"]
            and "/chapters/" not in url
            and "/navigate" not in url
        ]
        for url in urls:
            page.goto(url)
            # Hover, focus and animate everything once, so handlers that wait for them would run.
            page.evaluate(HOVER_EVERYTHING)
            ran = page.evaluate("() => window.__xss")
            assert ran == [] and dialogs == [], (url, ran, dialogs)
    finally:
        site.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the browser layer runs on SQLite")
def test_the_browser_detector_catches_a_vector_that_got_through(browser, live_server, author):
    """The control: text written straight to the row, past the sanitiser, does run and is seen."""

    work = make_work(author, title="Unsanitised")
    Chapter.objects.filter(work=work).update(
        body="<p><img src=x onerror=alert(7)><b onmouseover=alert(8)>b</b></p>"
    )
    site = Site(browser, live_server.url)
    try:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        site.contexts.append(context)
        context.add_init_script(RECORDER)
        page = context.new_page()
        page.goto(f"/works/{work.pk}")
        page.wait_for_function("() => window.__xss.length > 0")
        page.evaluate(HOVER_EVERYTHING)
        assert page.evaluate("() => window.__xss") == ["alert(7)", "alert(8)"]
        assert dangers(page.content())
    finally:
        site.close()
