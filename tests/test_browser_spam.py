"""The guests' proof of work in a real Chromium under the archive's Content-Security-Policy:
the vendored ALTCHA widget loads from the archive's own files, solves its challenge in a
worker while the guest writes, and the comment posts at once, with no violation reported;
with JavaScript off the guest is told why their comment waits, and their text is kept. Uses
the browser and live-server set-up of test_browser.py."""

from __future__ import annotations

import re

import pytest
import test_browser
from test_accessibility import _run_axe, axe_source

from feedback.models import Comment, CommentStatus
from feedback.services.comments import post_comment
from feedback.services.spam import Screening
from lifestream.core.actors import Actor
from lifestream.testing import make_admin, make_user, make_work

browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def checks(spam_checks):
    spam_checks.SPAM_MIN_SECONDS = 0
    spam_checks.SPAM_POW_COST = 50
    return spam_checks


def test_a_guest_solves_the_proof_of_work_and_posts(site, checks) -> None:
    from playwright.sync_api import expect

    work = make_work(make_user("pow_author"), title="Proof of Work")
    page = site.new_page()
    page.context.add_init_script(WATCH)
    page.goto(f"/works/{work.pk}")
    assert page.evaluate("!!customElements.get('altcha-widget')")
    page.fill("#id_guest_name", "Wanderer")
    page.fill("#id_guest_email", "wanderer@example.com")
    page.fill("#id_body", "Solved in my browser.")
    # Focusing the form starts the work; the widget then puts its payload in the form.
    expect(page.locator("input[name=altcha]")).to_have_count(1, timeout=15_000)
    expect(page.locator("input[name=altcha]")).to_have_value(re.compile(".+"), timeout=20_000)
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Comment created!")
    comment = Comment.objects.get()
    assert (comment.status, comment.spam_reasons) == (CommentStatus.PUBLISHED, "")
    assert page.evaluate("window.__violations") == []


def test_without_javascript_the_guest_is_told_and_keeps_their_text(site, checks, browser) -> None:
    from playwright.sync_api import expect

    work = make_work(make_user("nojs_author"), title="No Script")
    context = browser.new_context(java_script_enabled=False, base_url=site.base_url)
    page = context.new_page()
    page.goto(f"/works/{work.pk}")
    expect(page.locator("noscript").first).to_be_attached()
    page.fill("#id_guest_name", "Careful")
    page.fill("#id_guest_email", "careful@example.com")
    page.fill("#id_body", "Written with scripts off.")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".notice.held")).to_contain_text("Your comment is held for review")
    expect(page.locator("#kept_comment")).to_have_value("Written with scripts off.")
    comment = Comment.objects.get()
    assert (comment.status, comment.spam_reasons) == (CommentStatus.HELD, "no_proof")
    context.close()


def test_spam_pages_pass_axe_and_fit_a_phone(site, checks) -> None:
    from playwright.sync_api import expect

    source = axe_source()
    author = make_user("axe_spam_author")
    moderator = make_admin("axe_spam_moderator")
    work = make_work(author, title="Held Pages")
    held = post_comment(
        Actor.guest("192.0.2.9"),
        work,
        "Held for the axe.",
        guest_name="Guest",
        guest_email="g@example.com",
        screening=Screening(honeypot="x"),
    )
    assert held.status == CommentStatus.HELD
    pages = [
        (None, f"/works/{work.pk}"),  # the guest's form, with the widget
        (author, f"/works/{work.pk}"),  # the link to the held comments
        (author, f"/works/{work.pk}/comments/held"),
        (moderator, "/comments/held"),
    ]
    problems = []
    for user, url in pages:
        page = site.new_page(user)
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            problems += [f"{url} at {width}px: {v}" for v in _run_axe(page, source)]
            if width < 400 and page.evaluate(
                "document.documentElement.scrollWidth > window.innerWidth + 1"
            ):
                problems.append(f"{url} at {width}px: the page scrolls sideways")
        page.context.close()
    # The answer a held guest gets, with their text.
    page = site.new_page()
    page.goto(f"/works/{work.pk}")
    page.fill("#id_guest_name", "Guest")
    page.fill("#id_guest_email", "guest@example.com")
    page.fill("#id_body", "Held again.")
    page.fill("#comment_homepage", "bots fill this")
    expect(page.locator("input[name=altcha]")).to_have_value(re.compile(".+"), timeout=20_000)
    page.get_by_role("button", name="Comment", exact=True).click()
    page.locator("#kept_comment").wait_for()
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        problems += [f"held answer at {width}px: {v}" for v in _run_axe(page, source)]
    assert problems == [], "\n".join(problems)
