"""Comments in a real Chromium: a threaded reply, and a moderated comment approved by the
creator. Uses the browser and live-server set-up of test_browser.py."""

from __future__ import annotations

import re

import pytest
from test_browser import Site, browser, site  # noqa: F401  # the fixtures these tests use

from feedback.models import Comment, CommentStatus
from lifestream.testing import make_user, make_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_posts_a_comment_and_a_threaded_reply(site: Site) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    author = make_user("aerith_author")
    reader = make_user("barret_reader")
    work = make_work(author, title="Sector Seven")

    page = site.new_page(reader)
    page.goto(f"/works/{work.pk}")
    page.fill("#id_body", "The plate scene broke me.")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Comment created!")
    top = Comment.objects.get()
    expect(page.locator(f"li#comment_{top.pk} blockquote.userstuff")).to_have_text(
        "The plate scene broke me."
    )

    # The creator answers from the comment's Reply link.
    creator = site.new_page(author)
    creator.goto(f"/works/{work.pk}")
    creator.locator(f"li#comment_{top.pk} ul.actions").get_by_role("link", name="Reply").click()
    expect(creator).to_have_url(re.compile(rf"/comments/{top.pk}/reply$"))
    creator.fill("#id_body", "Thank you for reading!")
    creator.get_by_role("button", name="Reply", exact=True).click()
    reply = Comment.objects.get(parent=top)
    assert (reply.thread_id, reply.depth) == (top.pk, 1)

    # The reader sees the reply nested under their comment on the work page.
    page.goto(f"/works/{work.pk}")
    nested = page.locator(
        f"#comments_placeholder li#comment_{top.pk} > ol.thread > li#comment_{reply.pk}"
    )
    expect(nested.locator("h4.byline")).to_contain_text("aerith_author")
    expect(nested.locator("blockquote.userstuff")).to_have_text("Thank you for reading!")


def test_moderated_comment_is_held_then_approved(site: Site) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    author = make_user("tseng_author")
    reader = make_user("elena_reader")
    work = make_work(author, title="Turks on Holiday", moderated_comments=True)

    page = site.new_page(reader)
    page.goto(f"/works/{work.pk}")
    page.fill("#id_body", "Please write more of Elena.")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("once the work's creator approves it")
    held = Comment.objects.get()
    assert held.status == CommentStatus.PENDING

    # Not shown to other readers yet.
    guest = site.new_page()
    guest.goto(f"/works/{work.pk}")
    expect(guest.locator("#comments_placeholder")).not_to_contain_text("Please write more")

    # The creator finds it among the unreviewed comments and approves it.
    creator = site.new_page(author)
    creator.goto(f"/works/{work.pk}")
    creator.get_by_role("link", name="1 unreviewed comment").click()
    expect(creator).to_have_url(re.compile(rf"/works/{work.pk}/comments/unreviewed$"))
    creator.locator(f"li#comment_{held.pk}").get_by_role("button", name="Approve").click()
    expect(creator.locator(".flash")).to_contain_text("Comment approved.")

    guest.goto(f"/works/{work.pk}")
    expect(guest.locator(f"li#comment_{held.pk} blockquote.userstuff")).to_have_text(
        "Please write more of Elena."
    )
