"""Every page type passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, in every reading
theme, at desktop and phone width, in Debian's Chromium; and no page scrolls sideways on a
phone. axe-core comes from npm (`make test` installs it, pinned in package-lock.json)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import test_browser
from django.db import connection

from archive_collections.services import CollectionData, add_work, create_collection
from challenges import services as challenge_services
from challenges.services import ChallengeData, KindSettings, PromptData, SignupData
from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.comments import post_comment
from feedback.services.kudos import leave_kudos
from feedback.services.subscriptions import subscribe
from lifestream.core.actors import Actor
from lifestream.testing import make_user, make_work
from moderation.services import warn_user
from news.services import PostData, create_post, set_banner
from works.series import add_work_to_series
from works.skins import SkinData, create_skin

# The browser and live-site fixtures of test_browser.py.
browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
THEMES = ["light", "sepia", "dark", "contrast", "auto-dark"]
# Layout is checked at both widths in the light and high-contrast themes (the latter sets its own
# borders and sizes); the other themes change only colours, so one width each covers them; the
# system-dark theme is the dark theme's colours behind a media query, so a few pages prove it.
WIDTHS = {
    "light": [1280, 360],
    "contrast": [1280, 360],
    "sepia": [360],
    "dark": [1280],
    "auto-dark": [360],
}
AUTO_DARK_PAGES = 6


def axe_source() -> str:
    # The pages are the same whatever the database: the PostgreSQL run of the suite leaves
    # this test to the SQLite one, which keeps CI within its time.
    if connection.vendor != "sqlite":
        pytest.skip("the accessibility test runs with the SQLite suite")
    if not AXE.exists():
        if os.environ.get("LIFESTREAM_REQUIRE_AXE"):
            pytest.fail("axe-core is required here (make test-tools, with npm)")
        pytest.skip("axe-core not installed (make test-tools needs npm)")
    return AXE.read_text()


def _world() -> dict[str, Any]:
    author = make_user("axe_author")
    reader = make_user("axe_reader")
    moderator = make_user("axe_moderator", is_archive_admin=True)
    single = make_work(
        author,
        title="The Reactor",
        summary="<p>Cloud remembers <em>something</em>.</p>",
        notes="<p>Beginning notes.</p>",
        end_notes="<p>Please review!</p>",
        relationships=["Cloud Strife/Tifa Lockhart"],
        characters=["Cloud Strife", "Tifa Lockhart"],
        freeforms=["Angst", "Slow Burn"],
        gifts=["axe_reader"],
    )
    multi = make_work(author, title="The Long Road", chapters=3, freeforms=["Road Trip"])
    series = add_work_to_series(author, single, new_title="Midgar Stories").series
    add_work_to_series(author, multi, series=series)
    skin = create_skin(author, SkinData(title="Letters", css=".letter { font-style: italic }"))
    leave_kudos(Actor(reader), single)
    comment = post_comment(reader, single, "<p>This made me cry.</p>")
    warn_user(moderator, reader.pk, "Please keep it civil.")
    post_comment(author, single, "<p>Thank you!</p>", parent=comment)
    bookmark = create_bookmark(
        reader, single, BookmarkData(notes="<p>Read this.</p>", tags=["Favourite"], rec=True)
    )
    subscribe(reader, creator=author)
    make_work(author, title="A New One")  # the subscription's news, in the reader's inbox
    first = multi.chapters.order_by("position").first()
    assert first is not None
    news = create_post(
        moderator, PostData("Archive Update", "<p>New features.</p>", tags=["Updates"])
    )
    post_comment(reader, news, "<p>Thanks for the news!</p>")
    fest = create_collection(
        author,
        CollectionData(
            name="midgar_fest",
            title="Midgar Fest",
            intro="<p>Stories of the plate.</p>",
            rules="<p>Be kind.</p>",
            moderated=True,
        ),
    )
    add_work(author, fest, single)
    # A gift exchange with two sign-ups, matched (the moderators' pages have rows to show).
    swap = create_collection(author, CollectionData(name="midgar_swap", title="Midgar Swap"))
    exchange = challenge_services.save_challenge(
        author,
        swap,
        ChallengeData(
            kinds={
                "fandom": KindSettings(
                    request_min=1, request_max=1, offer_min=1, offer_max=1, match=1
                )
            }
        ),
    )
    for participant in (reader, moderator):
        challenge_services.save_signup(
            participant,
            exchange,
            SignupData(
                requests=[PromptData(tags={"fandom": "Final Fantasy VII"}, description="Cosy.")],
                offers=[PromptData(tags={"fandom": "Final Fantasy VII"})],
            ),
        )
    challenge_services.run_matching(author, exchange)
    # The site banner, shown on every page below.
    set_banner(moderator, "<p>Maintenance on <strong>Sunday</strong>.</p>", "alert", True)
    return {
        "news": news,
        "author": author,
        "reader": reader,
        "moderator": moderator,
        "comment": comment,
        "single": single,
        "multi": multi,
        "series": series,
        "skin": skin,
        "chapter": first,
        "bookmark": bookmark,
    }


def _pages(world: dict[str, Any]) -> list[tuple[str, str]]:
    """(who, address) of every page type; who is "guest", "reader" or "author"."""
    author, reader = world["author"].username, world["reader"].username
    single, multi, chapter = world["single"].pk, world["multi"].pk, world["chapter"].pk
    return [
        ("guest", "/"),
        ("reader", "/"),
        ("guest", "/works"),
        (
            "guest",
            "/works?work_search[sort_column]=kudos_count&include_work_search[freeform_ids][]=1",
        ),
        ("guest", "/tags/Angst/works"),
        ("guest", "/tags/Angst"),
        # The four search forms, empty and answered.
        ("guest", "/works/search"),
        ("guest", "/works/search?work_search[query]=Cloud"),
        ("guest", "/tags/search"),
        ("guest", "/tags/search?tag_search[name]=Cloud"),
        ("guest", "/bookmarks/search"),
        ("reader", "/bookmarks/search?bookmark_search[bookmark_notes]=read&bookmark_search[rec]=1"),
        ("guest", "/bookmarks/search?bookmark_search[date]=soon"),  # told it can't be read
        ("guest", "/people/search"),
        ("guest", "/people/search?people_search[name]=axe"),
        ("guest", "/people/search?people_search[fandom]=Final%20Fantasy%20VII"),
        ("guest", f"/works/{single}"),
        ("reader", f"/works/{single}"),
        ("author", f"/works/{single}"),
        ("guest", f"/works/{multi}"),
        ("guest", f"/works/{multi}?view_full_work=true"),
        ("guest", f"/works/{multi}/chapters/{chapter}"),
        ("guest", f"/works/{multi}/navigate"),
        ("guest", f"/series/{world['series'].pk}"),
        ("guest", "/bookmarks"),
        ("guest", f"/bookmarks/{world['bookmark'].pk}"),
        ("guest", f"/works/{single}/bookmarks"),
        ("guest", f"/users/{reader}/bookmarks"),
        ("guest", f"/users/{author}"),
        ("guest", f"/users/{author}/works"),
        ("guest", f"/users/{author}/pseuds"),
        ("reader", f"/users/{reader}/gifts"),
        ("reader", f"/users/{reader}/inbox"),
        ("reader", f"/users/{reader}/readings"),
        ("reader", f"/users/{reader}/subscriptions"),
        ("author", f"/users/{author}/stats"),
        ("author", f"/users/{author}/works/drafts"),
        ("author", "/works/new"),
        ("author", f"/works/{single}/edit"),
        ("author", f"/works/{multi}/chapters/new"),
        ("reader", f"/works/{single}/bookmarks/new"),
        ("author", "/skins/new"),
        ("author", f"/skins/{world['skin'].pk}"),
        ("guest", "/settings/reading"),
        ("reader", f"/users/{reader}/preferences"),
        ("reader", f"/users/{reader}/two_factor"),
        ("reader", f"/users/{reader}/sessions"),
        ("reader", f"/users/{reader}/export"),
        ("author", f"/users/{author}/delete"),
        ("guest", "/users/login"),
        ("guest", "/signup"),
        # Errors: not found, and refused (someone else's bookmark to edit).
        ("guest", "/works/999999"),
        ("author", f"/bookmarks/{world['bookmark'].pk}/edit"),
        # OPDS feeds opened in a browser.
        ("guest", "/opds"),
        ("guest", "/opds/new"),
        ("reader", "/opds/fandoms"),
        ("moderator", "/admin/moderation"),
        ("moderator", f"/admin/moderation/users/{reader}"),
        ("moderator", f"/admin/moderation/works/{single}"),
        ("moderator", f"/admin/moderation/comments/{world['comment'].pk}/delete"),
        ("moderator", "/admin/moderation/log"),
        ("moderator", f"/admin/roles?name={reader}"),
        # Site news and the banner's page.
        ("guest", "/admin_posts"),
        ("reader", f"/admin_posts/{world['news'].pk}"),
        ("moderator", f"/admin_posts/{world['news'].pk}/edit"),
        ("moderator", "/admin/banner"),
        # Collections: the list, a profile, its works, and the moderators' items page.
        ("guest", "/collections"),
        ("guest", "/collections/midgar_fest"),
        ("guest", "/collections/midgar_fest/works"),
        ("author", "/collections/midgar_fest/items"),
        ("author", "/collections/new"),
        # A gift exchange: its settings, sign-ups, matching and assignments.
        ("author", "/collections/midgar_swap/challenge"),
        ("reader", "/collections/midgar_swap/signups"),
        ("author", "/collections/midgar_swap/signups"),
        ("author", "/collections/midgar_swap/matching"),
        ("author", "/collections/midgar_swap/assignments"),
        # Joining the archive.
        ("guest", "/tos"),
        ("guest", "/invite_requests"),
        ("reader", f"/users/{reader}/invitations"),
    ]


def _run_axe(page: Any, source: str) -> list[str]:
    # axe is put in every page the context opens by an init script (the browser runs it before
    # the page's own, outside the site's Content-Security-Policy, which refuses any inline
    # script tag), so it is parsed with the page rather than sent over for each one; a page
    # opened without it is given it from outside.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(source + "\n;undefined")
    found = page.evaluate(
        """async (rules) => {
          const result = await axe.run(document, {runOnly: {type: "tag", values: rules}});
          return result.violations.map((v) =>
            `${v.id} (${v.impact}): ${v.help} — ` +
            v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
        }""",
        RULES,
    )
    return list(found)


@pytest.mark.parametrize("theme", THEMES)
def test_every_page_type_passes_axe_and_fits_a_phone(site: test_browser.Site, theme: str) -> None:
    source = axe_source()
    world = _world()
    cookie = "theme=" + ("auto" if theme == "auto-dark" else theme)
    pages = {}
    for who in ("guest", "reader", "author", "moderator"):
        page = site.new_page(None if who == "guest" else world[who])
        page.context.add_init_script(source)
        page.context.add_cookies([{"name": "reading", "value": cookie, "url": site.base_url}])
        if theme == "auto-dark":
            page.emulate_media(color_scheme="dark")
        pages[who] = page
    problems = []
    everything = _pages(world)
    for who, url in everything[:AUTO_DARK_PAGES] if theme == "auto-dark" else everything:
        page = pages[who]
        for width in WIDTHS[theme]:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(url)
            assert response is not None
            expected = {"/works/999999": 404, f"/bookmarks/{world['bookmark'].pk}/edit": 403}.get(
                url, 200
            )
            assert response.status == expected, f"{url} as {who}: {response.status}"
            problems += [f"{url} as {who} at {width}px: {v}" for v in _run_axe(page, source)]
            if width < 400 and page.evaluate(
                "document.documentElement.scrollWidth > window.innerWidth + 1"
            ):
                problems.append(f"{url} as {who} at {width}px: the page scrolls sideways")
    assert problems == [], "\n".join(problems)
