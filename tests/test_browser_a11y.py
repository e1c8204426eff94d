"""The work page and the posting form from the keyboard, in a real Chromium: the Download menu is
a closed disclosure that opens by click or key, and tag suggestions are an ARIA combobox. Uses
the browser and live-server set-up of test_browser.py."""

from __future__ import annotations

import re

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
