"""Co-creators and gifts in a real Chromium: accepting an invitation, refusing a gift."""

from __future__ import annotations

import dataclasses

import pytest
import test_browser

from lifestream.testing import make_user, make_work
from works import services
from works.models import Creatorship, Gift

# The browser and live-site fixtures of test_browser.py.
browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accepting_a_co_creator_invitation(site: test_browser.Site) -> None:
    from playwright.sync_api import expect

    author = make_user("browser_author")
    friend = make_user("browser_friend")
    work = make_work(author, title="Written Together")
    data = dataclasses.replace(services.work_data_from(work), co_creators=["browser_friend"])
    services.update_work(author, work, data)

    page = site.new_page(friend)
    page.goto(f"/works/{work.pk}")
    expect(page.locator("h3.byline a[rel=author]")).to_have_count(1)
    page.goto("/users/browser_friend/inbox")
    page.get_by_role("link", name="accept or decline").click()
    expect(page.locator("li.creatorship")).to_contain_text("Written Together")
    page.get_by_role("button", name="Accept").click()
    expect(page.locator(".flash.success")).to_contain_text("co-creator of")
    page.goto(f"/works/{work.pk}")
    expect(page.locator("h3.byline a[rel=author]")).to_have_text(
        ["browser_author", "browser_friend"]
    )
    assert Creatorship.objects.filter(work=work, pseud__user=friend).exists()
    page.goto(f"/works/{work.pk}/edit")
    expect(page.get_by_role("button", name="Remove Me As Co-Creator")).to_be_visible()


def test_refusing_a_gift(site: test_browser.Site) -> None:
    from playwright.sync_api import expect

    author = make_user("browser_author")
    friend = make_user("browser_friend")
    work = make_work(author, title="A Present", gifts=["browser_friend"])

    page = site.new_page(friend)
    page.goto(f"/works/{work.pk}")
    expect(page.locator("div.preface ul.associations")).to_have_text("For browser_friend.")
    page.goto("/users/browser_friend/gifts")
    expect(page.locator(f"#work_{work.pk}")).to_be_visible()
    page.get_by_role("button", name="Refuse Gift").click()
    expect(page.locator(f"#work_{work.pk}")).to_have_count(0)
    assert Gift.objects.get(work=work).rejected
    page.goto(f"/works/{work.pk}")
    expect(page.locator("div.preface ul.associations")).to_have_count(0)


def test_giving_a_gift_and_inviting_from_the_posting_form(site: test_browser.Site) -> None:
    from playwright.sync_api import expect

    author = make_user("browser_author")
    make_user("browser_friend")
    work = make_work(author, title="Edited In The Browser")
    page = site.new_page(author)
    page.goto(f"/works/{work.pk}/edit")
    page.get_by_label("Add co-creators").fill("browser_author")
    page.get_by_label("Gift this work to").fill("browser_friend, Aerith")
    page.get_by_role("button", name="Update").click()
    expect(page.locator("body")).to_contain_text("You can't invite yourself as a co-creator.")
    # Nothing typed is lost, and nothing was saved.
    expect(page.get_by_label("Gift this work to")).to_have_value("browser_friend, Aerith")
    assert not Gift.objects.exists()
    page.get_by_label("Add co-creators").fill("browser_friend")
    page.get_by_role("button", name="Update").click()
    expect(page.locator("div.preface ul.associations")).to_have_text("For browser_friend, Aerith.")
    expect(page.locator("h3.byline a[rel=author]")).to_have_count(1)
