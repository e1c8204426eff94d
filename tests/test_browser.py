"""End-to-end tests in a real Chromium (Playwright, sync API) against pytest-django's live server.

Chromium comes from $LIFESTREAM_CHROMIUM, else `chromium` or `chromium-browser` on the PATH. Without
one these tests are skipped, unless LIFESTREAM_REQUIRE_BROWSER=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from django.conf import settings
from django.test import Client

from lifestream.testing import PASSWORD, make_user, make_work
from people.models import User

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# live_server makes these tests transactional: the server thread sees only committed rows, and
# each test ends with a flush (conftest's _fixed_tags puts the seeded ratings, warnings and
# categories back before the next one).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def chromium_executable() -> str | None:
    configured = os.environ.get("LIFESTREAM_CHROMIUM")
    if configured:
        return configured if os.path.exists(configured) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("LIFESTREAM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (LIFESTREAM_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    if executable is None:
        configured = os.environ.get("LIFESTREAM_CHROMIUM")
        _unavailable(
            f"Chromium not installed: LIFESTREAM_CHROMIUM={configured} does not exist"
            if configured
            else "Chromium not installed: set LIFESTREAM_CHROMIUM or put chromium on the PATH "
            "(Debian: apt-get install chromium)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright not installed: pip install -r requirements-dev.txt")
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests
    # make between page actions are still plain synchronous calls.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Site:
    """Opens browser contexts (separate cookie jars: separate people) on the live server."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []

    def new_page(self, user: User | None = None) -> Page:
        context = self.browser.new_context(base_url=self.base_url)
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        if user is not None:
            self.log_in(context, user)
        return context.new_page()

    def log_in(self, context: BrowserContext, user: User) -> None:
        """Hand the browser a session cookie; signing up through the form is test A's job."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.base_url, "httpOnly": True}]
        )

    def close(self) -> None:
        for context in self.contexts:
            # Closing a page fires its pagehide handlers (the reading place is sent then): no
            # request may reach the live server while the test database is being flushed.
            from playwright.sync_api import Error as PlaywrightError

            for page in context.pages:
                # A page that has crashed or is mid-navigation sends nothing anyway.
                with contextlib.suppress(PlaywrightError):
                    page.evaluate(
                        "() => { navigator.sendBeacon = () => true;"
                        " window.fetch = () => Promise.resolve(new Response()); }"
                    )
            context.close()


@pytest.fixture
def site(browser: Browser, live_server: Any) -> Iterator[Site]:
    opened = Site(browser, live_server.url)
    yield opened
    opened.close()


def work_id_of(page: Page) -> int:
    match = re.search(r"/works/(\d+)", page.url)
    assert match, f"not on a work page: {page.url}"
    return int(match.group(1))


def fill_html(page: Page, selector: str, markup: str) -> None:
    """Type a chapter's text as HTML: the rich-text editor's "HTML" switch shows the textarea
    the form sends, then the text goes in as typed there."""
    from playwright.sync_api import expect

    box = page.locator(f".rich-text[data-textarea='{selector.removeprefix('#')}']")
    switch = box.get_by_role("button", name="HTML", exact=True)
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    page.fill(selector, markup)


# --- A: sign up, post a work, add a chapter, read it back -----------------------------------

# The work's own preface (title, byline, summary, notes), not the afterword with its end notes.
WORK_PREFACE = "#workskin > div.preface:not(.afterword)"
CHAPTER_1_PARAS = (
    "The reactor hummed under the city, a sound Cloud felt in his teeth.",
    "Sephiroth was waiting at the top of the stairs, as if he had never left.",
)
CHAPTER_2_PARAS = (
    "Midgar's plate blotted out the sky; down here noon looked like dusk.",
    "Cloud counted the steps back to the bar and did not look behind him.",
)


def test_sign_up_post_a_work_add_a_chapter_and_read_it(site: Site) -> None:
    from playwright.sync_api import expect

    login = "zack_fair"
    page = site.new_page()

    # Sign up.
    page.goto("/signup")
    page.fill("#id_username", login)
    page.fill("#id_email", "zack@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.check("#id_terms")
    page.get_by_role("button", name="Create Account").click()
    expect(page.locator("#header")).to_contain_text(f"Hi, {login}!")
    # Confirm the address with the link the archive mailed (posting waits for it).
    from django.core import mail

    (link,) = re.findall(r"https?://\S+/users/confirm/\S+", str(mail.outbox[-1].body))
    page.goto("/" + link.split("/", 3)[3])
    expect(page.locator(".flash")).to_contain_text("your email address is confirmed")

    # Post a work.
    page.get_by_role("link", name="Post New").click()
    expect(page).to_have_url(re.compile(r"/works/new$"))
    page.select_option("#id_rating", label="General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.fill("#id_fandoms", "Final Fantasy VII")
    page.get_by_label("Gen", exact=True).check()
    page.fill("#id_relationships", "Cloud Strife/Sephiroth")
    page.fill("#id_characters", "Cloud Strife, Sephiroth")
    page.fill("#id_title", "The Weight of the Planet")
    page.fill("#id_summary", "Cloud goes back to Nibelheim.")
    page.fill("#id_notes", "Author's Beginning Note: set after the game.")
    page.fill("#id_end_notes", "Author's Ending Note: please review!")
    page.fill("#id_chapter_title", "The Reactor")
    fill_html(page, "#id_chapter_body", "\n".join(f"<p>{para}</p>" for para in CHAPTER_1_PARAS))
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Work was successfully posted.")
    work_id = work_id_of(page)

    # Add chapter 2.
    page.get_by_role("link", name="Add Chapter").click()
    expect(page).to_have_url(re.compile(rf"/works/{work_id}/chapters/new$"))
    page.fill("#id_title", "The Bar")
    page.fill("#id_notes", "Chapter Two Beginning Note: a quieter one.")
    fill_html(page, "#id_body", "\n\n".join(f"<p>{para}</p>" for para in CHAPTER_2_PARAS))
    page.fill("#id_end_notes", "Chapter Two End Note: thanks for reading.")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Chapter was successfully posted.")

    # A logged-out reader, in a browser context of their own.
    reader = site.new_page()
    reader.goto(f"/works/{work_id}")
    expect(reader.locator("h2.title")).to_contain_text("The Weight of the Planet")
    byline = reader.locator("h3.byline a[rel=author]")
    expect(byline).to_have_text(login)
    expect(byline).to_have_attribute("href", f"/users/{login}/pseuds/{login}")
    relationship = reader.locator("dd.relationship.tags a.tag")
    expect(relationship).to_have_text("Cloud Strife/Sephiroth")
    href = relationship.get_attribute("href")
    assert href in {
        "/tags/Cloud%20Strife*s*Sephiroth/works",
        "/tags/Cloud Strife*s*Sephiroth/works",
    }
    expect(reader.locator("dd.fandom.tags a.tag")).to_have_text("Final Fantasy VII")
    expect(reader.locator("dd.character.tags a.tag")).to_have_text(["Cloud Strife", "Sephiroth"])
    expect(reader.locator("dd.rating.tags")).to_have_text("General Audiences")
    expect(reader.locator("dd.chapters")).to_have_text("2/?")

    # Chapter 1 by itself: the work's notes at the top, its end notes held for the last chapter.
    work_preface = reader.locator(WORK_PREFACE)
    expect(work_preface.locator(".notes blockquote.userstuff")).to_have_text(
        "Author's Beginning Note: set after the game."
    )
    expect(work_preface.locator(".summary blockquote.userstuff")).to_have_text(
        "Cloud goes back to Nibelheim."
    )
    expect(reader.locator("#chapters h3.title")).to_contain_text("Chapter 1: The Reactor")
    expect(reader.locator("#chapters div.userstuff p")).to_have_text(list(CHAPTER_1_PARAS))
    expect(reader.locator("#chapters")).not_to_contain_text(CHAPTER_2_PARAS[0])
    expect(reader.locator("#work_endnotes")).to_have_count(0)

    # Chapter 2.
    reader.get_by_role("link", name="Next Chapter →").first.click()
    expect(reader).to_have_url(re.compile(rf"/works/{work_id}/chapters/\d+$"))
    expect(reader.locator("#chapters h3.title")).to_contain_text("Chapter 2: The Bar")
    expect(reader.locator("#chapters div.userstuff p")).to_have_text(list(CHAPTER_2_PARAS))
    expect(
        reader.locator("#chapters .chapter.preface .notes:not(.end) blockquote.userstuff")
    ).to_have_text("Chapter Two Beginning Note: a quieter one.")
    expect(reader.locator("#chapter_2_endnotes blockquote.userstuff")).to_have_text(
        "Chapter Two End Note: thanks for reading."
    )
    expect(reader.locator("#work_endnotes blockquote.userstuff")).to_have_text(
        "Author's Ending Note: please review!"
    )
    expect(reader.get_by_role("link", name="← Previous Chapter").first).to_be_visible()

    # The entire work.
    reader.get_by_role("link", name="Entire Work").click()
    expect(reader).to_have_url(re.compile(r"view_full_work=true"))
    expect(reader.locator("#chapters h3.title")).to_have_text(
        [re.compile(r"Chapter 1: The Reactor"), re.compile(r"Chapter 2: The Bar")]
    )
    expect(reader.locator("#chapters div.userstuff p")).to_have_text(
        [*CHAPTER_1_PARAS, *CHAPTER_2_PARAS]
    )
    expect(reader.locator(f"{WORK_PREFACE} .notes blockquote.userstuff")).to_have_text(
        "Author's Beginning Note: set after the game."
    )
    expect(reader.locator("#chapter_2_endnotes blockquote.userstuff")).to_have_text(
        "Chapter Two End Note: thanks for reading."
    )
    expect(reader.locator("#work_endnotes blockquote.userstuff")).to_have_text(
        "Author's Ending Note: please review!"
    )
    # The work's end notes come after the last chapter.
    order = reader.evaluate(
        """() => {
            const last = document.querySelector('#chapter_2_endnotes');
            const end = document.querySelector('#work_endnotes');
            return !!(last.compareDocumentPosition(end) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    assert order, "#work_endnotes should follow the last chapter"
    expect(reader.locator("#header")).to_contain_text("Log In")


# --- B: a failed post keeps what was typed ---------------------------------------------------


def test_failed_post_keeps_the_text(site: Site) -> None:
    from playwright.sync_api import expect

    page = site.new_page(make_user("aerith_author"))
    body = "\n\n".join(
        f"<p>Paragraph {n}: the flowers in the church grew where nothing else would — “even "
        f"here,” she said, & laughed. Ünïcödé, 七番街, tabs\tand  double  spaces.</p>"
        for n in range(1, 61)
    )
    assert len(body) > 8000
    page.goto("/works/new")
    page.fill("#id_title", "Flowers in the Slums")
    fill_html(page, "#id_chapter_body", body)
    page.get_by_role("button", name="Post", exact=True).click()

    errors = page.locator("#error")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text(re.compile("fandom", re.IGNORECASE))
    expect(page.locator("#field-fandoms .error-message")).to_contain_text(
        re.compile("fandom", re.IGNORECASE)
    )
    expect(page.locator("#id_title")).to_have_value("Flowers in the Slums")
    assert page.locator("#id_chapter_body").input_value() == body


# --- C: tag autocomplete ---------------------------------------------------------------------


def test_tag_autocomplete_suggests_and_fills(site: Site) -> None:
    from playwright.sync_api import expect

    author = make_user("cloud_author")
    make_work(author, characters=["Aerith Gainsborough"])
    page = site.new_page(make_user("tifa_reader"))
    page.goto("/works/new")

    characters = page.locator("#id_characters")
    characters.click()
    characters.press_sequentially("Aer")
    suggestion = page.locator("#field-characters ul.autocomplete").get_by_role(
        "option", name="Aerith Gainsborough"
    )
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(characters).to_have_value("Aerith Gainsborough, ")
    expect(page.locator("#field-characters ul.autocomplete")).to_be_hidden()


# --- D: the adult content notice -------------------------------------------------------------


def test_adult_notice_asks_once_per_visit(site: Site) -> None:
    from playwright.sync_api import expect

    author = make_user("cloud_author")
    first = make_work(author, title="After the Fall", rating="Mature", body="<p>First text.</p>")
    second = make_work(author, title="Before the Rise", rating="Mature", body="<p>Second.</p>")

    page = site.new_page()
    page.goto(f"/works/{first.pk}")
    notice = page.get_by_text("This work could have adult content")
    expect(notice).to_be_visible()
    expect(page.locator("#chapters")).to_have_count(0)
    page.get_by_role("link", name="Yes, Continue").click()
    expect(page.locator("#chapters .userstuff")).to_contain_text("First text.")

    page.goto(f"/works/{second.pk}")
    expect(page.locator("#chapters .userstuff")).to_contain_text("Second.")
    expect(page.get_by_text("This work could have adult content")).to_have_count(0)
    page.goto(f"/works/{first.pk}")
    expect(page.locator("#chapters .userstuff")).to_contain_text("First text.")


# --- E: filtering a listing and searching inside stories ----------------------------------------


def test_filter_sidebar_and_search(site: Site) -> None:
    from playwright.sync_api import expect

    from tags.models import Tag
    from tags.services import WrangleData, wrangle_tag

    author = make_user("cloud_author")
    make_work(author, title="Reactor Nights", fandoms=["Final Fantasy VII"], body="<p>Mako.</p>")
    make_work(
        author, title="Keyblade Days", fandoms=["Kingdom Hearts"], body="<p>A paopu fruit.</p>"
    )
    for name in ("Final Fantasy VII", "Kingdom Hearts"):
        wrangle_tag(Tag.objects.get(name=name), WrangleData(canonical=True))

    page = site.new_page()
    page.goto("/works")
    expect(page.locator("h2.heading").first).to_have_text("2 Works")
    fandoms = page.locator("#include_fandom_tags")
    expect(fandoms).to_contain_text("Kingdom Hearts (1)")
    fandoms.get_by_text("Kingdom Hearts (1)").click()
    page.get_by_role("button", name="Sort and Filter").click()
    expect(page.locator("h2.heading").first).to_have_text("1 Work")
    expect(page.locator("ol.work.index")).to_contain_text("Keyblade Days")
    expect(page.locator("ol.work.index")).not_to_contain_text("Reactor Nights")

    page.goto("/works/search")
    page.locator("#work_search_query").fill("paopu")
    # The search page's own button (the header's search box has one too).
    page.locator("#work-search-form").get_by_role("button", name="Search").click()
    expect(page.locator("h3.heading").first).to_have_text("1 Found")
    expect(page.locator("blockquote.snippet mark")).to_have_text("paopu")
