"""Gift exchanges in a real Chromium: a participant signs up from the sign-ups page (a bad
sign-up kept and explained, then fixed), and a moderator runs the matching, reviews the
proposed assignments, swaps two and sends them."""

from __future__ import annotations

import pytest
from test_browser import Site, browser, site  # noqa: F401  # the fixtures these tests use

from archive_collections import services as collection_services
from archive_collections.services import CollectionData
from challenges import services
from challenges.models import Assignment
from challenges.services import ChallengeData, KindSettings, PromptData, SignupData
from lifestream.testing import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _exchange(moderator):
    collection = collection_services.create_collection(
        moderator, CollectionData(name="Frost_Swap", title="Frost Swap", unrevealed=True)
    )
    return services.save_challenge(
        moderator,
        collection,
        ChallengeData(
            kinds={
                "fandom": KindSettings(
                    request_min=1, request_max=1, offer_min=1, offer_max=2, match=1
                )
            }
        ),
    )


def test_a_participant_signs_up(site: Site) -> None:  # noqa: F811  # the fixture imported above
    from playwright.sync_api import expect

    _exchange(make_user("frost_mod"))
    page = site.new_page(make_user("snowflake"))
    page.goto("/collections/Frost_Swap/signups")
    page.get_by_label("Request 1: Details").fill("Something cosy")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#field-requests_0_fandom .error-message")).to_contain_text(
        "Please name more tags of this kind."
    )
    expect(page.get_by_label("Request 1: Details")).to_have_value("Something cosy")
    page.get_by_label("Request 1: Fandom").fill("Frozen")
    page.get_by_label("Offer 1: Fandom").fill("Frozen, Narnia")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".flash")).to_contain_text("Your sign-up was saved.")
    expect(page.get_by_label("Offer 1: Fandom")).to_have_value("Frozen, Narnia")
    expect(page.get_by_role("button", name="Update sign-up")).to_be_visible()


def test_a_moderator_reviews_swaps_and_sends_assignments(site: Site) -> None:  # noqa: F811
    from playwright.sync_api import expect

    moderator = make_user("frost_mod")
    challenge = _exchange(moderator)
    for name in ("icicle", "sleet", "hail", "rime"):
        services.save_signup(
            make_user(name),
            challenge,
            SignupData(
                requests=[PromptData(tags={"fandom": "Frozen"})],
                offers=[PromptData(tags={"fandom": "Frozen"})],
            ),
        )
    page = site.new_page(moderator)
    page.goto("/collections/Frost_Swap/challenge")
    page.get_by_role("link", name="Matching").click()
    page.get_by_role("button", name="Run matching").click()
    expect(page.locator(".flash")).to_contain_text("4 assignments proposed")
    expect(page.locator("#main")).to_contain_text("4 of 4 recipients")
    rows = page.locator("table.assignments tbody tr")
    expect(rows).to_have_count(4)
    first = Assignment.objects.order_by("id").first()
    assert first is not None
    before = first.recipient_id
    row = page.locator(f"#assignment_{first.pk}")
    row.get_by_role("button", name="Swap").click()
    expect(page.locator(".flash")).to_be_visible()
    first.refresh_from_db()
    if first.recipient_id != before:
        expect(page.locator(f"#assignment_{first.pk}")).to_have_class("fits kept")
    page.get_by_role("button", name="Send assignments").click()
    expect(page.locator(".flash")).to_contain_text("4 assignments were sent.")
    expect(page.locator("table.assignments tbody tr.sent")).to_have_count(4)
