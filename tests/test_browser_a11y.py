"""The work page and the posting form from the keyboard, in a real Chromium: the Download menu is
a closed disclosure that opens by click or key, and tag suggestions are an ARIA combobox. Uses
the browser and live-server set-up of test_browser.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_browser import Site, browser, site  # noqa: F401  # the fixtures these tests use

from lifestream.testing import make_user, make_work
from works.models import Work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_menu_is_closed_until_opened(site: Site) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    work = make_work(make_user("cid_author"), title="Highwind")
    page = site.new_page()
    page.goto(f"/works/{work.pk}")
    formats = page.locator("li.download ul.expandable.secondary")
    summary = page.locator("li.download details summary")
    expect(formats).to_be_hidden()
    summary.click()
    expect(formats).to_be_visible()
    expect(formats.locator("a[href^='/downloads/']").first).to_be_visible()
    summary.click()
    expect(formats).to_be_hidden()
    # From the keyboard: focus the summary and press Enter, then Space to close.
    summary.focus()
    page.keyboard.press("Enter")
    expect(formats).to_be_visible()
    page.keyboard.press(" ")
    expect(formats).to_be_hidden()


def test_tag_suggestions_work_from_the_keyboard(site: Site) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    make_work(make_user("cloud_author"), characters=["Aerith Gainsborough"])
    page = site.new_page(make_user("tifa_reader"))
    page.goto("/works/new")
    characters = page.locator("#id_characters")
    expect(characters).to_have_attribute("role", "combobox")
    expect(characters).to_have_attribute("aria-expanded", "false")
    listbox_id = characters.get_attribute("aria-controls")
    listbox = page.locator(f"#{listbox_id}")
    expect(listbox).to_have_attribute("role", "listbox")

    characters.click()
    characters.press_sequentially("Aer")
    option = listbox.get_by_role("option", name="Aerith Gainsborough")
    expect(option).to_be_visible()
    expect(characters).to_have_attribute("aria-expanded", "true")
    status = page.locator("#field-characters [role=status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(re.compile(r"^1 suggestion"))

    characters.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(characters).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    works_before = Work.objects.count()
    url_before = page.url
    characters.press("Enter")
    expect(characters).to_have_value("Aerith Gainsborough, ")
    expect(listbox).to_be_hidden()
    expect(characters).to_have_attribute("aria-expanded", "false")
    # Enter picked the tag: the form stayed, unsent.
    page.wait_for_timeout(300)
    assert page.url == url_before
    assert Work.objects.count() == works_before
    expect(characters).to_be_focused()

    # Escape closes the list and leaves the text alone.
    characters.press_sequentially("Aer")
    expect(option).to_be_visible()
    characters.press("Escape")
    expect(listbox).to_be_hidden()
    expect(characters).to_have_attribute("aria-expanded", "false")
    expect(characters).to_have_value("Aerith Gainsborough, Aer")


def test_adding_a_suggested_tag_keeps_what_was_typed(site: Site) -> None:  # noqa: F811  # the fixture imported above
    from importing import FAN_STORY, wrangled_tags
    from playwright.sync_api import expect

    from imports.services import import_work

    wrangled_tags()
    author = make_user("cloud_author")
    work = import_work(author, FAN_STORY).work
    page = site.new_page(author)
    page.goto(f"/works/{work.pk}/edit")
    page.fill("#id_title", "Mako Dreams, Revised")
    page.fill("#id_relationships", "Cloud Strife & Tifa Lockhart")
    # A new last line in the rich-text editor, unsaved too.
    page.locator("#id_chapter_body_rich").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("A line added before saving.")
    edit_url = page.url

    page.locator("#import-suggestions button[data-tag='Final Fantasy VII']").click()
    expect(page.locator("#id_fandoms")).to_have_value("Final Fantasy VII")  # the placeholder goes
    page.locator("#import-suggestions button[data-tag='Cloud Strife/Sephiroth']").click()
    # The page stayed, with the typed text and both tags in their fields.
    assert page.url == edit_url
    expect(page.locator("#id_title")).to_have_value("Mako Dreams, Revised")
    expect(page.locator("#id_relationships")).to_have_value(
        "Cloud Strife & Tifa Lockhart, Cloud Strife/Sephiroth"
    )
    expect(page.locator("#import-suggestions-status")).to_contain_text("Save the work")
    expect(page.locator("#id_chapter_body_rich")).to_contain_text("A line added before saving.")
    expect(page.locator("#id_chapter_body")).to_have_value(
        re.compile(r"<p>A line added before saving\.</p>$")
    )

    # Saving keeps all of it, and the suggestions taken are no longer offered.
    page.get_by_role("button", name="Save As Draft").click()
    work.refresh_from_db()
    expect(page.locator(".flash")).to_be_visible()
    assert work.title == "Mako Dreams, Revised"
    names = set(work.tags.values_list("name", flat=True))
    assert {"Final Fantasy VII", "Cloud Strife/Sephiroth", "Cloud Strife & Tifa Lockhart"} <= names
    assert "Unknown Fandom" not in names
    assert "A line added before saving." in work.chapters.get().body
    page.goto(f"/works/{work.pk}/edit")
    expect(page.locator("#import-suggestions button[data-tag='Final Fantasy VII']")).to_have_count(
        0
    )
    expect(page.locator("#import-suggestions button[data-tag='Tifa Lockhart']")).to_have_count(1)


def _widest(page: Any) -> str:
    """What sticks out past the right edge, to say which element to fix."""
    return str(
        page.evaluate(
            """() => [...document.querySelectorAll("body *")]
              .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
              .filter((el) => !el.closest("details:not([open]) > :not(summary)"))
              .slice(0, 6).map((el) => el.tagName + "." + el.className + "#" + el.id + " "
                + Math.round(el.getBoundingClientRect().right))"""
        )
    )


def _sideways(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"))


@pytest.mark.parametrize("theme", ["light", "sepia", "dark", "contrast"])
def test_bookmarks_inbox_and_stats_fit_a_phone(site: Site, theme: str) -> None:  # noqa: F811  # the fixture imported above
    """The bookmark pages, the inbox and the statistics never scroll the page sideways at 360
    or 390 px; the statistics table scrolls in its own box instead."""
    from feedback.services.bookmarks import BookmarkData, create_bookmark
    from feedback.services.comments import post_comment
    from feedback.services.subscriptions import subscribe

    author = make_user("narrow_author")
    reader = make_user("narrow_reader_with_a_rather_long_login")
    long_title = "An Extraordinarily Long Title About The Planet And Its Lifestream Remembering"
    work = make_work(author, title=long_title, freeforms=["Hurt/Comfort", "Slow Burn"])
    make_work(author, title="Second", chapters=2)
    bookmark = create_bookmark(
        reader,
        work,
        BookmarkData(notes="<p>Read this " + "again " * 40 + "</p>", tags=["Favourite"], rec=True),
    )
    post_comment(reader, work, "<p>" + "A long comment " * 20 + "</p>")
    subscribe(reader, creator=author)
    make_work(author, title="News For The Inbox")
    pages = {
        "guest": site.new_page(),
        "reader": site.new_page(reader),
        "author": site.new_page(author),
    }
    for page in pages.values():
        page.context.add_cookies(
            [{"name": "reading", "value": f"theme={theme}", "url": site.base_url}]
        )
    addresses = [
        ("guest", "/bookmarks"),
        ("guest", f"/users/{reader.username}/bookmarks"),
        ("guest", f"/bookmarks/{bookmark.pk}"),
        ("guest", f"/works/{work.pk}/bookmarks"),
        ("guest", "/bookmarks/search?bookmark_search%5Bbookmark_notes%5D=again"),
        ("guest", "/people/search?people_search%5Bname%5D=narrow"),
        ("reader", f"/bookmarks/{bookmark.pk}/edit"),
        ("reader", f"/users/{reader.username}/inbox"),
        ("author", f"/users/{author.username}/inbox"),
        ("author", f"/users/{author.username}/stats"),
        ("guest", "/opds/new"),
    ]
    problems = []
    for width in (360, 390):
        for who, address in addresses:
            page = pages[who]
            page.set_viewport_size({"width": width, "height": 800})
            response = page.goto(address)
            assert response is not None and response.status == 200, address
            if _sideways(page):
                problems.append(f"{address} as {who} at {width}px: {_widest(page)}")
    assert problems == [], "\n".join(problems)
    # The table is wider than the phone: it scrolls inside its own box, which the keyboard
    # reaches (tabindex) and a screen reader names (a labelled region).
    stats = pages["author"]
    stats.goto(f"/users/{author.username}/stats")
    box = stats.locator(".table-scroll")
    assert box.evaluate("(el) => el.scrollWidth > el.clientWidth")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    assert not _sideways(stats)
