"""The Content-Security-Policy in a real Chromium: every kind of page loads and works (menus,
htmx kudos, tag autocomplete, work skins, the API docs, the admin) with no violation reported,
and a script smuggled into stored text would not run even if it got past the sanitiser."""

from __future__ import annotations

import pytest
import test_browser
from django.test import Client

from lifestream.testing import make_admin, make_user, make_work
from works.models import Chapter
from works.skins import SkinData, create_skin

browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Installed before any page script; reports are kept on the window for the test to read.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def _violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def _watched(site, user=None):
    page = site.new_page(user)
    page.context.add_init_script(WATCH)
    return page


def test_every_kind_of_page_runs_under_the_policy(site) -> None:
    from playwright.sync_api import expect

    author = make_user("csp_author")
    skin = create_skin(
        author, SkinData(title="Letters", css="#workskin p { color: #553311; }", kind="work")
    )
    work = make_work(author, title="Under Policy", chapters=2, fandoms=["Policy Fandom"])
    work.skin = skin
    work.save(update_fields=["skin"])
    reader = make_user("csp_reader")
    admin = make_admin("csp_admin")

    page = _watched(site, reader)
    for path in (
        "/",
        "/works",
        f"/works/{work.pk}",
        f"/works/{work.pk}?view_full_work=true",
        f"/works/{work.pk}/navigate",
        "/works/search?work_search[query]=policy",
        "/tags/Policy Fandom/works",
        "/media",
        "/settings/reading",
        "/api/v1/docs",
    ):
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert _violations(page) == [], path

    # htmx kudos and the header's menus, with the policy on.
    page.goto(f"/works/{work.pk}")
    page.locator("#new_kudo button, #kudo_submit").first.click()
    expect(page.locator("#kudos")).to_contain_text("csp_reader")
    page.locator("details.dropdown > summary").first.click()
    assert _violations(page) == []

    # The posting form's tag autocomplete fetches its suggestions.
    writer = _watched(site, author)
    writer.goto("/works/new")
    writer.locator("#id_fandoms").press_sequentially("Poli")
    expect(writer.locator("[role=option]").first).to_contain_text("Policy Fandom")
    assert _violations(writer) == []
    # The rich-text editor starts, formats and writes into the textarea under the policy too.
    writer.locator("#id_chapter_body_rich").click()
    writer.keyboard.type("Under ")
    writer.get_by_role("button", name="Bold", exact=True).click()
    writer.keyboard.type("policy")
    expect(writer.locator("#id_chapter_body")).to_have_value("<p>Under <b>policy</b></p>")
    writer.get_by_role("button", name="HTML", exact=True).click()
    expect(writer.locator("#id_chapter_body")).to_be_visible()
    assert _violations(writer) == []

    desk = _watched(site, admin)
    desk.goto("/admin/")
    desk.goto("/admin/works/work/")
    desk.wait_for_load_state("networkidle")
    assert _violations(desk) == []


def test_a_script_in_stored_text_does_not_run(site, author) -> None:
    """Were the sanitiser ever to let one through, the policy still stops it."""
    work = make_work(author, title="Smuggled")
    Chapter.objects.filter(work=work).update(
        body="<p>Text.</p><script>window.__ran = true;</script>"
        '<img src="x" onerror="window.__ran = true">'
    )
    page = _watched(site)
    page.goto(f"/works/{work.pk}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__ran === undefined")
    blocked = " ".join(_violations(page))
    assert "script-src" in blocked


def test_headers_on_every_answer(db) -> None:
    client = Client()
    for path in ("/", "/works", "/opds", "/api/v1/works", "/no/such/page"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path
        assert "camera=()" in response["Permissions-Policy"], path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["X-Frame-Options"] == "DENY", path
