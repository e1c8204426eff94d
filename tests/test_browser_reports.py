"""A report walked in a real Chromium: a guest reports a work, a moderator finds it in the
desk's queue, hides the work, answers, and marks the report actioned; the guest's answer
arrives by email and the work is gone for them. Uses test_browser.py's set-up."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from test_browser import Site, browser, site  # noqa: F401  # the fixtures these tests use

from lifestream.testing import make_user, make_work
from moderation.models import Report, ReportState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_from_a_guest_to_the_moderators_action_and_the_answer(site: Site) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    author = make_user("copy_author")
    moderator = make_user("desk_moderator", is_moderator=True)
    work = make_work(author, title="Borrowed Plumes")

    guest = site.new_page()
    guest.goto(f"/works/{work.pk}")
    guest.get_by_role("link", name="Report this work").click()
    expect(guest).to_have_url(re.compile(rf"/reports/new\?type=work&id={work.pk}$"))
    guest.get_by_label("Copyright or plagiarism").check()
    guest.get_by_label("Tell the moderators more").fill("Copied word for word from my story.")
    guest.get_by_label("Your email address (for the answer)").fill("writer@example.org")
    guest.get_by_role("button", name="Send Report").click()
    expect(guest.locator("h2")).to_have_text("Report sent")
    report = Report.objects.get()

    desk = site.new_page(moderator)
    desk.goto("/")
    desk.locator("details.user-menu summary").click()
    desk.get_by_role("link", name="Moderation Desk").click()
    queue = desk.locator("section.report-queue")
    expect(queue).to_contain_text("Borrowed Plumes")
    queue.get_by_role("link", name=re.compile("Borrowed Plumes")).click()
    expect(desk.locator(".report-text")).to_contain_text("Copied word for word")
    expect(desk.locator("dl.meta")).to_contain_text("writer@example.org")

    # The action: the reported work is hidden, with a reason.
    desk.locator("dl.meta").get_by_role("link", name="Borrowed Plumes").click()
    desk.get_by_label("Reason").fill("Plagiarism, confirmed with the original.")
    desk.get_by_role("button", name="Hide this work").click()
    expect(desk.locator(".flash")).to_contain_text("audit log")

    # The answer, and the report closed.
    desk.goto(f"/admin/moderation/reports/{report.pk}")
    desk.get_by_label("Answer to the reporter").fill("We have hidden the work. Thank you.")
    desk.get_by_role("button", name="Send Answer").click()
    expect(desk.locator(".flash")).to_contain_text("on its way")
    desk.get_by_label("State", exact=True).select_option("actioned")
    desk.get_by_role("button", name="Save State").click()
    expect(desk.locator("dd.state")).to_have_text("Actioned")

    report.refresh_from_db()
    assert report.state == ReportState.ACTIONED
    answer = [message for message in mail.outbox if message.to == ["writer@example.org"]]
    assert len(answer) == 1
    assert "We have hidden the work. Thank you." in answer[0].body
    assert "copy_author" not in answer[0].body
    assert guest.goto(f"/works/{work.pk}").status == 404
