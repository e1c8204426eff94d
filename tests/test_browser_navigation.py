"""Getting around in a real Chromium, by keyboard alone: the header's search box and its
Fandoms menu; and on a phone-sized screen, the Filters link is on the first screen of /works."""

from __future__ import annotations

import re

import pytest
import test_browser

from lifestream.testing import make_user, make_work
from search.text import index_works
from tags.models import Tag
from tags.services import WrangleData, wrangle_tag

# The browser and live-site fixtures of test_browser.py.
browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JavaScript `predicate` (of `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"never focused an element where {predicate}")


def test_search_from_the_header_and_browse_a_medium_by_keyboard(site) -> None:
    from playwright.sync_api import expect

    author = make_user("keyboard_author")
    work = make_work(author, title="The Lighthouse Keeper", fandoms=["Starlane Couriers (TV)"])
    make_work(author, title="Another Story", fandoms=["Starlane Couriers (TV)"])
    index_works([work.pk])
    wrangle_tag(
        Tag.objects.get(name="Starlane Couriers (TV)"),
        WrangleData(canonical=True, parents=["TV Shows"]),
    )

    page = site.new_page()
    page.goto("/")
    _tab_to(page, "el.id === 'site_search'")
    page.keyboard.type("Lighthouse")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/works/search\?work_search%5Bquery%5D=Lighthouse$"))
    expect(page.locator("#main h3.heading").first).to_have_text("1 Found")
    expect(page.locator("ol.work.index")).to_contain_text("The Lighthouse Keeper")

    # The Fandoms menu: a disclosure, opened with Enter, its links next in the Tab order.
    fandoms = page.locator("#header li.dropdown.fandoms details")
    expect(fandoms).not_to_have_attribute("open", "")
    expect(page.get_by_role("link", name="TV Shows")).to_be_hidden()
    _tab_to(page, "el.tagName === 'SUMMARY' && el.textContent.trim() === 'Fandoms'")
    page.keyboard.press("Enter")
    expect(fandoms).to_have_attribute("open", "")
    expect(page.locator("#header").get_by_role("link", name="TV Shows")).to_be_visible()
    _tab_to(page, "el.textContent.trim() === 'TV Shows'", limit=15)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/media/TV%20Shows/fandoms$"))
    expect(page.locator("h2.heading")).to_have_text("TV Shows Fandoms")
    entry = page.locator("#letter-S li", has_text="Starlane Couriers (TV)")
    expect(entry).to_contain_text("(2)")

    # Escape closes an open menu and leaves the focus on its summary.
    _tab_to(page, "el.tagName === 'SUMMARY' && el.textContent.trim() === 'Browse'")
    page.keyboard.press("Enter")
    browse = page.locator("#header li.dropdown.browse details")
    expect(browse).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(browse).not_to_have_attribute("open", "")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Browse"


def test_on_a_phone_the_filters_are_one_tap_away(site) -> None:
    from playwright.sync_api import expect

    author = make_user("phone_author")
    for n in range(22):
        make_work(author, title=f"Pocket Story {n}")

    page = site.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/works")
    expect(page.locator("ol.work.index > li")).to_have_count(20)
    jump = page.locator("#go_to_filters")
    expect(jump).to_be_visible()
    box = jump.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box
    # The filter form itself is further down, after the results.
    form = page.locator("form#work-filters")
    form_box = form.bounding_box()
    assert form_box is not None and form_box["y"] > 844
    jump.click()
    expect(page).to_have_url(re.compile(r"/works#work-filters$"))
    expect(form).to_be_in_viewport()
    # On a wide screen the sidebar is beside the results, and the link is not needed.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/works")
    expect(jump).to_be_hidden()
