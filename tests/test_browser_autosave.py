"""Autosave in a real Chromium: type into the posting or chapter form, wait for "Saved at",
lose the window, and find the text again; with the server out of reach, the browser's own copy
brings it back."""

from __future__ import annotations

import re

import pytest
import test_browser

from lifestream.testing import make_user, make_work
from works.models import Autosave, Work

# The browser and live-site fixtures of test_browser.py.
browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The forms autosave every 5 seconds.
SAVE_WAIT_MS = 15_000


def test_a_new_work_survives_a_closed_browser(site: test_browser.Site) -> None:
    from playwright.sync_api import expect

    author = make_user("autosave_author")
    page = site.new_page(author)
    page.goto("/works/new")
    page.fill("#id_title", "Nibelheim, Again")
    page.fill("#id_fandoms", "Final Fantasy VII")
    page.fill("#id_summary", "Cloud goes home.")
    test_browser.fill_html(page, "#id_chapter_body", "<p>The well in the square was dry.</p>")
    status = page.locator(".autosave-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"), timeout=SAVE_WAIT_MS)
    # The form now edits that one autosave: its address says which.
    row = Autosave.objects.get(user=author)
    expect(page).to_have_url(re.compile(rf"/works/new\?autosave={row.pk}$"))
    test_browser.fill_html(
        page, "#id_chapter_body", "<p>The well in the square was dry. Tifa waited.</p>"
    )
    expect(status).to_have_text(re.compile(r"^Saved at"), timeout=SAVE_WAIT_MS)
    page.wait_for_function(
        "() => document.querySelector('input[name=autosave_version]').value === '2'",
        timeout=SAVE_WAIT_MS,
    )
    assert Autosave.objects.filter(user=author).count() == 1
    assert not Work.objects.exists()  # never posted, not even a draft

    # The browser goes away: a new one (no cookies, no local copy) logs in again.
    page.context.close()
    again = site.new_page(author)
    again.goto("/works/new")
    offer = again.locator(".autosave-offer")
    expect(offer).to_contain_text("an unsaved new work (“Nibelheim, Again”)")
    offer.get_by_role("link", name="Restore it").click()
    expect(again.locator("#id_chapter_body")).to_have_value(
        "<p>The well in the square was dry. Tifa waited.</p>"
    )
    expect(again.locator("#id_title")).to_have_value("Nibelheim, Again")
    expect(again.locator("#id_fandoms")).to_have_value("Final Fantasy VII")
    expect(again.locator("#id_summary")).to_have_value("Cloud goes home.")

    # Posting it for real drops the autosave.
    again.select_option("#id_rating", label="General Audiences")
    again.get_by_label("No Archive Warnings Apply").check()
    again.get_by_role("button", name="Post", exact=True).click()
    expect(again.locator(".flash")).to_contain_text("Work was successfully posted.")
    assert not Autosave.objects.exists()


def test_a_posted_chapter_keeps_its_text_while_the_edit_is_autosaved(
    site: test_browser.Site,
) -> None:
    from playwright.sync_api import expect

    author = make_user("autosave_editor")
    work = make_work(author, body="<p>What readers read.</p>")
    chapter = work.chapters.get()
    page = site.new_page(author)
    page.goto(f"/works/{work.pk}/chapters/{chapter.pk}/edit")
    test_browser.fill_html(page, "#id_body", "<p>A rewrite, half done.</p>")
    page.fill("#id_notes", "Rewriting this.")
    expect(page.locator(".autosave-status")).to_have_text(
        re.compile(r"^Saved at"), timeout=SAVE_WAIT_MS
    )
    # Another tab of the same browser: the server's autosave is offered, and the browser's own
    # copy, being the same text, is not offered twice.
    tab = page.context.new_page()
    tab.goto(f"/works/{work.pk}/chapters/{chapter.pk}/edit")
    expect(tab.locator(".autosave-offer")).to_contain_text("isn't saved to this chapter")
    expect(tab.locator(".autosave-local")).to_be_hidden()
    page.context.close()

    reader = site.new_page()
    reader.goto(f"/works/{work.pk}")
    expect(reader.locator("#chapters")).to_contain_text("What readers read.")
    expect(reader.locator("#chapters")).not_to_contain_text("A rewrite")

    again = site.new_page(author)
    again.goto(f"/works/{work.pk}/chapters/{chapter.pk}/edit")
    expect(again.locator("#id_body")).to_have_value("<p>What readers read.</p>")
    again.locator(".autosave-offer").get_by_role("link", name="Restore it").click()
    expect(again.locator("#id_body")).to_have_value("<p>A rewrite, half done.</p>")
    expect(again.locator("#id_notes")).to_have_value("Rewriting this.")


def test_the_browser_copy_survives_when_the_server_cannot_be_reached(
    site: test_browser.Site,
) -> None:
    from playwright.sync_api import expect

    author = make_user("autosave_offline")
    work = make_work(author)
    page = site.new_page(author)
    context = page.context
    context.route("**/works/autosave", lambda route: route.abort())
    page.goto(f"/works/{work.pk}/chapters/new")
    page.fill("#id_title", "Offline")
    test_browser.fill_html(page, "#id_body", "<p>Typed on a train.</p>")
    expect(page.locator(".autosave-status")).to_contain_text(
        "can't be reached", timeout=SAVE_WAIT_MS
    )
    assert not Autosave.objects.exists()
    page.close()  # the tab is gone; the browser (and its storage) stays

    again = context.new_page()
    again.goto(f"/works/{work.pk}/chapters/new")
    expect(again.locator("#id_body")).to_have_value("")
    local = again.locator(".autosave-local")
    expect(local).to_contain_text("This browser kept a copy of your text")
    local.get_by_role("button", name="Restore it").click()
    expect(again.locator("#id_body")).to_have_value("<p>Typed on a train.</p>")
    expect(again.locator("#id_title")).to_have_value("Offline")
    expect(local).to_be_hidden()


def test_a_new_work_becomes_one_draft_and_posting_it_posts_that_one(
    site: test_browser.Site,
) -> None:
    from playwright.sync_api import expect

    author = make_user("autosave_drafter")
    page = site.new_page(author)
    page.goto("/works/new")
    page.select_option("#id_rating", label="General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.fill("#id_fandoms", "Final Fantasy VII")
    page.fill("#id_title", "A Draft on Its Own")
    test_browser.fill_html(page, "#id_chapter_body", "<p>First lines.</p>")
    status = page.locator(".autosave-status")
    expect(page).to_have_url(re.compile(r"/works/\d+/edit$"), timeout=SAVE_WAIT_MS)
    expect(status).to_have_text(re.compile(r"^Saved at"))
    work = Work.objects.get()
    assert not work.posted
    expect(page).to_have_url(re.compile(rf"/works/{work.pk}/edit$"))

    test_browser.fill_html(page, "#id_chapter_body", "<p>First lines, and then more.</p>")
    page.wait_for_function(
        "() => document.querySelector('.autosave-status').textContent.startsWith('Saved at')"
        " && window.location.pathname.endsWith('/edit')",
        timeout=SAVE_WAIT_MS,
    )
    page.wait_for_timeout(6_000)  # one more round: the body is saved into the same draft
    assert Work.objects.count() == 1
    assert "and then more" in Work.objects.get().chapters.get().body

    # The window crashes; the draft has the text.
    page.context.close()
    again = site.new_page(author)
    again.goto(f"/works/{work.pk}/edit")
    expect(again.locator("#id_chapter_body")).to_have_value("<p>First lines, and then more.</p>")
    again.get_by_role("button", name="Post", exact=True).click()
    expect(again.locator(".flash")).to_contain_text("Work was successfully")
    expect(again).to_have_url(re.compile(rf"/works/{work.pk}$"))
    assert Work.objects.count() == 1 and Work.objects.get().posted


def test_the_text_comes_back_after_a_post_that_never_arrived(site: test_browser.Site) -> None:
    from playwright.sync_api import Route, expect

    author = make_user("autosave_unlucky")
    page = site.new_page(author)
    page.goto("/works/new")
    page.fill("#id_title", "Lost in Transit")
    test_browser.fill_html(page, "#id_chapter_body", "<p>Every word of it.</p>")
    expect(page.locator(".autosave-status")).to_have_text(
        re.compile(r"^Saved at"), timeout=SAVE_WAIT_MS
    )

    def fail_posts(route: Route) -> None:
        if route.request.method == "POST":
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r"/works/new(\?.*)?$"), fail_posts)
    with page.expect_event("requestfailed"):
        page.get_by_role("button", name="Post", exact=True).click()
    assert not Work.objects.exists()

    again = site.new_page(author)
    again.goto("/works/new")
    again.locator(".autosave-offer").get_by_role("link", name="Restore it").click()
    expect(again.locator("#id_chapter_body")).to_have_value("<p>Every word of it.</p>")
    expect(again.locator("#id_title")).to_have_value("Lost in Transit")
