"""Series in a real Chromium: a writer adds a new work to their series from the posting form,
at a position, and a reader follows the series' previous and next links."""

from __future__ import annotations

import re

import pytest
import test_browser

from lifestream.testing import make_user, make_work
from works.models import SeriesPart
from works.series import add_work_to_series

# The browser and live-site fixtures of test_browser.py.
browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_a_work_to_a_series_from_the_posting_form_and_follow_it(
    site: test_browser.Site,
) -> None:
    from playwright.sync_api import expect

    author = make_user("series_author")
    first = make_work(author, title="Before")
    last = make_work(author, title="After")
    saga = add_work_to_series(author, first, new_title="The Saga").series
    add_work_to_series(author, last, series=saga)

    page = site.new_page(author)
    page.goto("/works/new")
    page.select_option("#id_rating", label="General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.fill("#id_fandoms", "Final Fantasy VII")
    page.fill("#id_title", "Between")
    test_browser.fill_html(page, "#id_chapter_body", "<p>The middle of it all.</p>")
    page.select_option("#id_series", label="The Saga")
    # Past the end first: the form comes back with the text kept and a clear message.
    page.fill("#id_series_position", "7")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#field-series_position .error-message")).to_contain_text("between 1 and 3")
    expect(page.locator("#id_title")).to_have_value("Between")
    page.fill("#id_series_position", "2")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Work was successfully posted.")
    middle = test_browser.work_id_of(page)
    assert list(saga.parts.values_list("work_id", flat=True)) == [first.pk, middle, last.pk]
    assert SeriesPart.objects.filter(work_id=middle, position=2).exists()

    reader = site.new_page()
    reader.goto(f"/works/{first.pk}")
    meta = reader.locator("dd.series span.series")
    expect(meta.locator("span.position")).to_have_text("Part 1 of The Saga")
    meta.locator("a.next").click()
    expect(reader).to_have_url(re.compile(rf"/works/{middle}$"))
    expect(reader.locator("dd.series span.position")).to_have_text("Part 2 of The Saga")
    reader.locator("#series a.next").click()
    expect(reader).to_have_url(re.compile(rf"/works/{last.pk}$"))
    reader.locator("dd.series a.previous").click()
    expect(reader).to_have_url(re.compile(rf"/works/{middle}$"))
    reader.locator("dd.series span.position a").click()
    expect(reader.locator("div.series-show h2.heading")).to_have_text("The Saga")
    expect(reader.locator("ul.series.work.index li.work.blurb h4 a:not([rel])")).to_have_text(
        ["Before", "Between", "After"]
    )
