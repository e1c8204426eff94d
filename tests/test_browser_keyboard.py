"""Keyboard only, in a real Chromium: a reader who never touches a mouse finds a work through
the header's search box, opens its Download menu and reaches a format, leaves kudos, and
writes and posts a comment. Every step is Tab, typing, Enter or Space; a step that cannot be
reached within a page's worth of Tab presses fails. Uses test_browser.py's set-up."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_browser import Site, browser, site  # noqa: F401  # the fixtures these tests use

from feedback.models import Comment, Kudos
from lifestream.testing import make_user, make_work
from search import text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# More than any of these pages needs (the header, skip links, the work's navigation), few enough
# that a focus trap or an unreachable control fails quickly.
MAX_TABS = 80


def tab_to(page: Any, selector: str, *, backwards: bool = False) -> int:
    """Press Tab until the focused element matches `selector`; how many presses it took."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return presses
    focused = page.evaluate("document.activeElement?.outerHTML.slice(0, 200)")
    raise AssertionError(f"{selector} not reached in {MAX_TABS} Tab presses (at {focused})")


@pytest.fixture
def story(db: Any) -> Any:
    work = make_work(
        make_user("key_author"),
        title="The Lighthouse Keeper",
        summary="A keeper and a storm.",
        body="<p>The lamp turned all night over the water.</p>",
    )
    make_work(make_user("key_other"), title="Something Else Entirely")
    text.index_works([work.pk])
    return work


def test_find_a_work_through_the_header_search(site: Site, story: Any) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    page = site.new_page()
    page.goto("/")
    tab_to(page, "#site_search")
    page.keyboard.type("lighthouse")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/works/search\?"))
    expect(page.locator("h3.heading").first).to_contain_text("1 Found")
    tab_to(page, f"a[href='/works/{story.pk}']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/works/{story.pk}$"))
    expect(page.locator("h2.title")).to_contain_text("The Lighthouse Keeper")


def test_open_the_download_menu_and_reach_a_format(site: Site, story: Any) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    page = site.new_page()
    page.goto(f"/works/{story.pk}")
    formats = page.locator("li.download ul.expandable")
    expect(formats).to_be_hidden()
    tab_to(page, "li.download summary")
    page.keyboard.press("Enter")
    expect(formats).to_be_visible()
    # The next Tab goes into the menu, to its first format.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.startswith(f"/downloads/{story.pk}/"), focused
    # Escape closes it and gives the focus back to its summary.
    page.keyboard.press("Escape")
    expect(formats).to_be_hidden()
    expect(page.locator("li.download summary")).to_be_focused()


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_leave_kudos_by_keyboard(site: Site, story: Any, key: str) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    page = site.new_page(make_user("key_reader"))
    page.goto(f"/works/{story.pk}")
    tab_to(page, "#kudo_submit")
    page.keyboard.press(key)
    expect(page.locator("#kudos p.kudos")).to_contain_text("key_reader")
    assert Kudos.objects.filter(work=story).count() == 1


def test_write_and_post_a_comment_by_keyboard(site: Site, story: Any) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    page = site.new_page(make_user("key_reader"))
    page.goto(f"/works/{story.pk}")
    tab_to(page, "textarea#id_body")
    page.keyboard.type("The storm chapter was wonderful.")
    tab_to(page, "#comment_form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Comment created!")
    comment = Comment.objects.get(work=story)
    assert "The storm chapter was wonderful." in comment.body
    expect(page.locator(f"li#comment_{comment.pk} blockquote.userstuff")).to_contain_text(
        "The storm chapter was wonderful."
    )
