"""Site news in a real Chromium: the banner's "×" hides it at once (by script, without a page
load) and it stays hidden on the next page; a guest without script dismisses it with the form."""

from __future__ import annotations

import pytest
from test_browser import Site, browser, site  # noqa: F401  # the fixtures these tests use

from lifestream.testing import make_user
from news.models import BannerDismissal
from news.services import set_banner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_dismisses_the_banner_and_a_new_one_shows(site: Site) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    admin = make_user("banner_admin", is_archive_admin=True)
    reader = make_user("banner_reader")
    set_banner(admin, "<p>Maintenance on <strong>Sunday</strong>.</p>", "alert", True)
    page = site.new_page(reader)
    page.goto("/works")
    banner = page.locator("#admin_banner")
    expect(banner).to_contain_text("Maintenance on Sunday")
    with page.expect_response(lambda response: "/admin_banners/dismiss" in response.url):
        page.get_by_role("button", name="Hide this banner").click()
    expect(banner).to_have_count(0)
    assert page.url.endswith("/works")  # no page load
    page.goto("/")
    expect(page.locator("#admin_banner")).to_have_count(0)
    assert BannerDismissal.objects.filter(user=reader).exists()
    set_banner(admin, "<p>Maintenance moved to Monday.</p>", "alert", True)
    page.goto("/")
    expect(page.locator("#admin_banner")).to_contain_text("Monday")


def test_a_guest_without_script_dismisses_the_banner_with_the_form(site: Site) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    admin = make_user("banner_admin2", is_archive_admin=True)
    set_banner(admin, "<p>Welcome, readers.</p>", "", True)
    context = site.browser.new_context(base_url=site.base_url, java_script_enabled=False)
    site.contexts.append(context)
    page = context.new_page()
    page.goto("/admin_posts")
    page.get_by_role("button", name="Hide this banner").click()
    page.wait_for_url("**/admin_posts")
    expect(page.locator("#admin_banner")).to_have_count(0)
    page.goto("/works")
    expect(page.locator("#admin_banner")).to_have_count(0)
