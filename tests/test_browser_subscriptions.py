"""The subscribe button in a real Chromium: htmx swaps the button in place (no page load)."""

from __future__ import annotations

import pytest
import test_browser

from feedback.models import Subscription
from lifestream.testing import make_user, make_work

# The browser and live-site fixtures of test_browser.py.
browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribe_and_unsubscribe_in_place(site: test_browser.Site) -> None:
    from playwright.sync_api import expect

    author = make_user("browser_author")
    reader = make_user("browser_reader")
    work = make_work(author, title="Lifestream")
    page = site.new_page(reader)
    page.goto(f"/works/{work.pk}")
    # A marker that a full page load would wipe.
    page.evaluate("window.stillHere = true")
    button = page.locator("li.subscribe button")
    expect(button).to_have_text("Subscribe")
    button.click()
    expect(button).to_have_text("Unsubscribe")
    assert page.evaluate("window.stillHere") is True
    assert Subscription.objects.filter(user=reader, work=work).exists()
    button.click()
    expect(button).to_have_text("Subscribe")
    assert page.evaluate("window.stillHere") is True
    assert not Subscription.objects.exists()
