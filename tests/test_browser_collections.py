"""Collections in a real Chromium: a creator posts a work to a moderated collection from the
posting form, the work waits, and the collection's moderator approves it on the items page,
after which the collection lists it and the work page names the collection."""

from __future__ import annotations

import re

import pytest
from test_browser import Site, browser, fill_html, site, work_id_of  # noqa: F401  # the fixtures these tests use

from archive_collections import services
from archive_collections.services import CollectionData
from lifestream.testing import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_moderator_approves_a_work_posted_to_a_moderated_collection(site: Site) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    moderator = make_user("fest_mod")
    creator = make_user("fest_writer")
    services.create_collection(
        moderator, CollectionData(name="Lantern_Fest", title="Lantern Fest", moderated=True)
    )
    page = site.new_page(creator)
    page.goto("/works/new")
    page.select_option("#id_rating", label="General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.fill("#id_fandoms", "Final Fantasy VII")
    page.fill("#id_title", "Paper Lanterns")
    page.fill("#id_collections", "Lantern_Fest")
    fill_html(page, "#id_chapter_body", "<p>The lanterns rose over the river.</p>")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Work was successfully posted.")
    work_id = work_id_of(page)
    # Waiting: the collection does not list it yet, and the work page names no collection.
    expect(page.locator("dd.collections")).to_have_count(0)
    page.goto("/collections/Lantern_Fest/works")
    expect(page.locator("#main")).not_to_contain_text("Paper Lanterns")

    mod_page = site.new_page(moderator)
    mod_page.goto("/collections/Lantern_Fest")
    mod_page.get_by_role("link", name="Manage Items").click()
    expect(mod_page).to_have_url(re.compile(r"/collections/Lantern_Fest/items$"))
    row = mod_page.locator("li.collection.item", has_text="Paper Lanterns")
    expect(row.locator("dd.collection-approval")).to_have_text("Pending")
    row.get_by_role("button", name="Approve").click()
    expect(mod_page.locator(".flash")).to_contain_text("The item was approved.")
    expect(row.locator("dd.collection-approval")).to_have_text("Approved")

    page.goto("/collections/Lantern_Fest/works")
    expect(page.locator(f"li#work_{work_id}")).to_contain_text("Paper Lanterns")
    page.goto(f"/works/{work_id}")
    expect(page.locator("dd.collections")).to_have_text("Lantern Fest")
