"""Continue reading, in a real Chromium: a reader scrolls halfway into a long chapter and
leaves; the home page offers the work at that chapter, and following it brings the reader back
to the place they left."""

from __future__ import annotations

import time

import pytest
import test_browser

from feedback.models import Reading
from lifestream.testing import make_user, make_work

# The browser and live-site fixtures of test_browser.py.
browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "".join(f"<p>Paragraph {n}: the road went on through the wastes.</p>" for n in range(400))


def _position(reader) -> int | None:
    reading = Reading.objects.filter(user=reader).first()
    return reading.position if reading else None


def test_leave_halfway_and_come_back_to_the_place(site: test_browser.Site) -> None:
    from playwright.sync_api import expect

    author = make_user("browser_author")
    reader = make_user("browser_reader")
    work = make_work(author, title="The Long Road", chapters=2, body=LONG)
    chapter = work.chapters.order_by("position").first()
    assert chapter is not None

    page = site.new_page(reader)
    page.set_viewport_size({"width": 1000, "height": 700})
    page.goto(f"/works/{work.pk}/chapters/{chapter.pk}")
    box = page.locator("#chapters").bounding_box()
    assert box is not None
    page.mouse.wheel(0, box["y"] + box["height"] / 2)
    # The page sends the place a few seconds after scrolling, and again on leaving.
    deadline = time.monotonic() + 15
    while _position(reader) is None and time.monotonic() < deadline:
        time.sleep(0.3)
    page.goto("/")
    saved = _position(reader)
    assert saved is not None and 350 <= saved <= 650, saved

    link = page.locator("#continue-reading li a")
    expect(link).to_have_text("The Long Road")
    link.click()
    page.wait_for_load_state("load")
    page.wait_for_function("window.scrollY > 0")
    box = page.locator("#chapters").bounding_box()
    assert box is not None
    # The line a third of the way down the window is back where the reader left it.
    read = (700 / 3 - box["y"]) / box["height"] * 1000
    assert abs(read - saved) < 60, (read, saved)
