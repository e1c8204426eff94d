"""Kudos in a real Chromium: the htmx button updates the button and the list without a page
load, a second click says so kindly, and the page's script counts one hit.

Chromium comes from $LIFESTREAM_CHROMIUM, else `chromium` or `chromium-browser` on the PATH;
without one these tests are skipped (a failure with LIFESTREAM_REQUIRE_BROWSER=1), as in
test_browser.py.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.test import Client

from feedback.models import HitCount, Kudos
from lifestream.testing import make_user, make_work

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
TIMEOUT_MS = 10_000


def _chromium() -> str | None:
    configured = os.environ.get("LIFESTREAM_CHROMIUM")
    if configured:
        return configured if os.path.exists(configured) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = _chromium()
    required = os.environ.get("LIFESTREAM_REQUIRE_BROWSER") == "1"
    if executable is None:
        if required:
            pytest.fail("Chromium not installed", pytrace=False)
        pytest.skip("Chromium not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("Playwright not installed", pytrace=False)
        pytest.skip("Playwright not installed")
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


def _page_for(browser: Browser, base_url: str, user: Any) -> Page:
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )
    return context.new_page()


def test_kudos_button_updates_in_place_and_a_second_click_is_kind(
    browser: Browser, live_server: Any
) -> None:
    from playwright.sync_api import expect

    author = make_user("aerith_author")
    reader = make_user("barret_reader")
    work = make_work(author, title="The Church Garden")
    page = _page_for(browser, live_server.url, reader)
    try:
        page.goto(f"/works/{work.pk}")
        # htmx is loaded (deferred), and the page hasn't been given any kudos yet.
        page.wait_for_function("() => window.htmx !== undefined")
        expect(page.locator("p.kudos")).to_have_count(0)
        # A marker on the window survives only if the page is not reloaded.
        page.evaluate("() => { window.stillHere = true; }")

        page.locator("#kudo_submit").click()
        expect(page.locator("#kudos_message")).to_have_text("Thank you for leaving kudos!")
        expect(page.locator("#kudos p.kudos")).to_have_text(
            "barret_reader left kudos on this work!"
        )
        assert page.evaluate("() => window.stillHere") is True
        assert Kudos.objects.filter(work=work, user=reader).count() == 1

        page.locator("#kudo_submit").click()
        expect(page.locator("#kudos_message")).to_have_text("You have already left kudos here. :)")
        assert page.evaluate("() => window.stillHere") is True
        assert Kudos.objects.filter(work=work).count() == 1

        # The page's script counted one hit for this reader.
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not HitCount.objects.filter(work=work).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sum(HitCount.objects.filter(work=work).values_list("count", flat=True)) == 1
    finally:
        page.context.close()
