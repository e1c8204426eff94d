"""Two-factor authentication in a real Chromium: a wrangler made to set it up scans (reads) the
key, confirms with a code and sees the recovery codes once; then logs in with the password and
a code, and once more with a recovery code."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
import test_browser
from test_accessibility import _run_axe, axe_source

from lifestream.testing import PASSWORD, make_user

# The browser and live-site fixtures of test_browser.py.
browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_set_up_two_factor_then_log_in_with_a_code_and_with_a_recovery_code(
    site: test_browser.Site, settings
) -> None:
    from playwright.sync_api import expect

    settings.TWO_FACTOR_ENFORCED = True
    wrangler = make_user("browser_wrangler", is_tag_wrangler=True)
    page = site.new_page(wrangler)
    page.goto("/works")
    # Sent to set it up before anything else.
    expect(page).to_have_url(re.compile(r"/users/browser_wrangler/two_factor$"))
    page.get_by_role("button", name="Set up two-factor authentication").click()
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text()
    # The setup page, QR code and all, passes axe and fits a phone.
    page.set_viewport_size({"width": 360, "height": 800})
    assert _run_axe(page, axe_source()) == []
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from your app").fill(totp.at(time.time() - 30))
    page.get_by_role("button", name="Turn on").click()
    codes = page.locator("#recovery-codes li code").all_inner_texts()
    assert len(codes) == 10
    page.goto("/works")
    expect(page).to_have_url(re.compile(r"/works$"))

    for code in (totp.now(), codes[0]):
        page = site.new_page()
        page.goto("/users/login")
        page.fill("#id_username", wrangler.username)
        page.fill("#id_password", PASSWORD)
        page.locator("#id_password").press("Enter")
        expect(page).to_have_url(re.compile(r"/users/login/two_factor$"))
        page.fill("#id_code", "000000")
        page.locator("#id_code").press("Enter")
        expect(page.get_by_role("alert").first).to_contain_text("That code is not right")
        page.fill("#id_code", code)
        page.locator("#id_code").press("Enter")
        expect(page).not_to_have_url(re.compile(r"/users/login"))
        page.goto(f"/users/{wrangler.username}/sessions")
        expect(page.locator("table.sessions")).to_contain_text("this session")
