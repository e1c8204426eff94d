"""Scheduling a chapter in a real Chromium: the creator picks a date and time in their own time
zone; readers see nothing of it until that moment, then the chapter is simply there."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import test_browser
from django.utils import timezone

from lifestream.testing import make_user, make_work
from works.models import Chapter

# The browser and live-site fixtures of test_browser.py.
browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_schedule_a_chapter_and_readers_get_it_at_its_moment(site: test_browser.Site) -> None:
    from playwright.sync_api import expect

    author = make_user("browser_author", time_zone="Europe/Paris")
    reader = make_user("browser_reader")
    work = make_work(author, title="Lifestream")
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    moment = (
        (timezone.now() + dt.timedelta(days=1)).astimezone(paris).replace(second=0, microsecond=0)
    )

    page = site.new_page(author)
    page.goto(f"/works/{work.pk}/chapters/new")
    expect(page.locator("#field-scheduled_for")).to_contain_text("Europe/Paris")
    page.fill("#id_title", "The Crater")
    test_browser.fill_html(page, "#id_body", "<p>The lifestream rose like a tide.</p>")
    page.fill("#id_scheduled_for", moment.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Post").click()
    shown = f"{moment:%Y-%m-%d %H:%M} (Europe/Paris)"
    expect(page.locator("div.flash-messages")).to_contain_text(f"Chapter scheduled for {shown}")
    expect(page.locator("p.notice.scheduled")).to_contain_text(shown)
    chapter = Chapter.objects.get(work=work, position=2)
    assert chapter.scheduled_for == moment and not chapter.posted
    page.goto(f"/works/{work.pk}/navigate")
    expect(page.locator("ol.chapter.index")).to_contain_text(f"(Scheduled for {shown})")

    readers_page = site.new_page(reader)
    response = readers_page.goto(f"/works/{work.pk}/chapters/{chapter.pk}")
    assert response is not None and response.status == 404
    readers_page.goto(f"/works/{work.pk}?view_full_work=true")
    expect(readers_page.locator("#chapters")).not_to_contain_text("lifestream rose")

    # The moment passes (no task has run): the reader has the chapter at once.
    Chapter.objects.filter(pk=chapter.pk).update(
        scheduled_for=timezone.now() - dt.timedelta(seconds=1)
    )
    readers_page.goto(f"/works/{work.pk}?view_full_work=true")
    expect(readers_page.locator("#chapters")).to_contain_text("The lifestream rose like a tide.")
    readers_page.goto(f"/works/{work.pk}/chapters/{chapter.pk}")
    expect(readers_page.locator("h3.title")).to_contain_text("The Crater")
