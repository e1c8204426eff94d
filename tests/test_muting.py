"""Muting, end to end: a muted user's works vanish for the muter from every listing, search,
count and facet, exactly as if they had never posted; everyone else still sees them; unmuting
brings them back at once; and a muted user's work opened by its address still reads.

The comparison is with the archive as it was before the muted user posted anything: the muter's
pages after muting must equal those pages (titles, headings with their counts, facet counts).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from lifestream.models import log_work_change
from lifestream.testing import make_user, make_work
from people.services import create_api_token, mute_user, unmute_user
from search.filters.index import get_index
from search.indexing import schedule_reindex
from tags.models import Tag
from tags.services import WrangleData, wrangle_tag
from works.models import Creatorship

BODY = "<p>The materia glowed green under the reactor.</p>"

# Pages that list works, with what each shows: (path, kind of page).
PAGES = {
    "home": "/",
    "works": "/works",
    "works page 2": "/works?page=2",
    "tag works": "/tags/FFVII/works",
    "tag works filtered": "/tags/FFVII/works?include_work_search[character_ids][]={cloud}",
    "filtered listing": "/works?include_work_search[fandom_ids][]={kh}",
    "excluding filter": "/works?exclude_work_search[character_ids][]={tifa}",
    "text search": "/works/search?work_search[query]=materia",
    "text search page 2": "/works/search?work_search[query]=materia&page=2",
    "search filters": "/works/search?work_search[fandom_names]=FFVII",
    "search by tag": "/works/search?work_search[query]=materia&work_search[character_names]=Cloud",
    "third party's works": "/users/third_writer/works",
    "third party's pseud works": "/users/third_writer/pseuds/third_writer/works",
    "third party's dashboard": "/users/third_writer",
    "third party's pseud page": "/users/third_writer/pseuds/third_writer",
    "tag page": "/tags/FFVII",
}
API_PAGES = {
    "api works": "/works",
    "api works page 2": "/works?page=2",
    "api search": "/works?work_search[query]=materia",
    "api filters": "/works?work_search[fandom_names]=FFVII",
    "api include": "/works?include_work_search[character_ids][]={cloud}",
}
MUTED_TITLES = ("Muted Solo", "Muted Crossover", "Shared Work", "Muted Restricted")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def snapshot(response: Any) -> dict[str, Any]:
    """What a reader learns from a listing: the titles, the heading with its count, any
    'Works (N)' count, and the filter sidebar's facets with their counts."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    headings = [_text(h) for h in re.findall(r'<h[23] class="heading">(.*?)</h[23]>', html, re.S)]
    return {
        "titles": re.findall(r'<h4 class="heading">\s*<a href="/works/\d+">([^<]+)</a>', html),
        "headings": [h for h in headings if re.search(r"\d", h)],
        "counts": re.findall(r"Works \(([\d,]+)\)", html),
        "facets": re.findall(
            r'id="include_(\w+?)_tags_\d+"[^>]*>.*?<span>([^<]+)</span></label>', html
        ),
    }


def api_snapshot(response: Any) -> dict[str, Any]:
    assert response.status_code == 200
    body = response.json()
    return {
        "count": body["count"],
        "pages": body["pages"],
        "titles": [work["title"] for work in body["results"]],
        "facets": {
            kind: [(facet["name"], facet["count"]) for facet in facets]
            for kind, facets in body["facets"].items()
        },
    }


def _work(author: Any, title: str, **fields: Any) -> Any:
    fields.setdefault("fandoms", ["FFVII"])
    return make_work(author, title=title, body=BODY, **fields)


class Archive:
    """The people and works of these tests, and how each viewer sees them."""

    def __init__(self) -> None:
        self.author = make_user("cloud_author")
        self.third = make_user("third_writer")
        self.muter = make_user("muting_reader")
        self.muted = make_user("muted_writer")
        self.other = make_user("other_reader")
        _work(self.author, "Author One", characters=["Cloud"])
        _work(
            self.author,
            "Author Two",
            fandoms=["FFVII", "Kingdom Hearts"],
            characters=["Tifa", "Sora"],
        )
        _work(self.third, "Third Solo", characters=["Cloud"])
        _work(self.third, "Third Restricted", characters=["Tifa"], restricted=True)
        for name in ("FFVII", "Kingdom Hearts", "Cloud", "Tifa", "Sora"):
            wrangle_tag(Tag.objects.get(name=name), WrangleData(canonical=True))
        self.ids = {
            "cloud": Tag.objects.get(name="Cloud").pk,
            "kh": Tag.objects.get(name="Kingdom Hearts").pk,
            "tifa": Tag.objects.get(name="Tifa").pk,
        }
        self.clients: dict[str, Client] = {"guest": Client()}
        self.keys: dict[str, str] = {}
        for name in ("muter", "other", "muted", "third"):
            client = Client()
            client.force_login(getattr(self, name))
            self.clients[name] = client
            self.keys[name] = create_api_token(getattr(self, name), "test")[1]

    def post_muted_works(self) -> None:
        muted = self.muted
        self.muted_works = [
            _work(muted, "Muted Solo", characters=["Cloud", "Aerith"]),
            _work(muted, "Muted Crossover", fandoms=["Kingdom Hearts"], characters=["Sora"]),
            _work(muted, "Shared Work", characters=["Tifa"]),
            _work(muted, "Muted Restricted", restricted=True),
        ]
        # Written together with a user no one muted: it goes too (it is the muted user's).
        shared = self.muted_works[2]
        Creatorship.objects.create(work=shared, pseud=self.third.default_pseud, position=1)
        log_work_change(shared.pk)
        schedule_reindex(shared.pk)
        wrangle_tag(Tag.objects.get(name="Aerith"), WrangleData(canonical=True))

    def page(self, viewer: str, name: str) -> dict[str, Any]:
        path = PAGES[name].format(**self.ids)
        return snapshot(self.clients[viewer].get(path))

    def api(self, viewer: str, name: str) -> dict[str, Any]:
        path = "/api/v1" + API_PAGES[name].format(**self.ids)
        headers = {"Authorization": f"Bearer {self.keys[viewer]}"} if viewer in self.keys else {}
        return api_snapshot(Client().get(path, headers=headers))

    def everything(self, viewer: str) -> dict[str, Any]:
        pages = {name: self.page(viewer, name) for name in PAGES}
        pages.update({name: self.api(viewer, name) for name in API_PAGES})
        return pages


class _Archive(Archive):
    def __init__(self, capture: Any) -> None:
        self._capture = capture
        with capture(execute=True):
            super().__init__()

    def post_muted_works(self) -> None:
        # The text index is written when the posting commits.
        with self._capture(execute=True):
            super().post_muted_works()


@pytest.fixture
def archive(db, settings, django_capture_on_commit_callbacks):
    # Two works a page, so headings read "1 - 2 of N Works" and pages split.
    settings.WORKS_PER_PAGE = 2
    return _Archive(django_capture_on_commit_callbacks)


def _titles(pages: dict[str, Any]) -> set[str]:
    return {title for page in pages.values() for title in page["titles"]}


def test_muted_users_works_vanish_as_if_never_posted(archive):
    never_posted = archive.everything("muter")
    archive.post_muted_works()
    before_muting = archive.everything("muter")
    assert set(MUTED_TITLES) <= _titles(before_muting)
    # Every page shows some of the muted user's works once they post: no page is compared
    # vacuously below.
    for name, expected in never_posted.items():
        assert before_muting[name] != expected, name

    mute_user(archive.muter, archive.muted)
    muted = archive.everything("muter")
    for name, expected in never_posted.items():
        assert muted[name] == expected, name
    # The comparison is not vacuous: the headings carry the counts.
    assert muted["works"]["headings"] == ["1 - 2 of 4 Works"]
    assert before_muting["works"]["headings"] == ["1 - 2 of 8 Works"]
    assert muted["text search"]["headings"] == ["4 Found"]
    assert muted["api works"]["count"] == 4
    assert ("fandom", "Kingdom Hearts (1)") in muted["works"]["facets"]
    assert ("fandom", "Kingdom Hearts (2)") in before_muting["works"]["facets"]
    assert muted["third party's dashboard"]["counts"] == ["2"]
    assert before_muting["third party's dashboard"]["counts"] == ["3"]


def test_others_still_see_the_muted_users_works(archive):
    archive.post_muted_works()
    other_before = archive.everything("other")
    guest_before = archive.everything("guest")
    mute_user(archive.muter, archive.muted)
    assert archive.everything("other") == other_before
    assert archive.everything("guest") == guest_before
    assert set(MUTED_TITLES) <= _titles(other_before)
    # Guests never see restricted works, muted or not.
    assert _titles(guest_before) >= {"Muted Solo", "Muted Crossover", "Shared Work"}
    assert "Muted Restricted" not in _titles(guest_before)
    # The muted user sees their own works, and isn't told.
    assert set(MUTED_TITLES) <= _titles(archive.everything("muted"))


def test_unmuting_brings_the_works_back_at_once(archive):
    archive.post_muted_works()
    mute_user(archive.muter, archive.muted)
    # Every listing is now computed, and its facets cached, with the mute in place.
    muted = archive.everything("muter")
    assert not set(MUTED_TITLES) & _titles(muted)
    # Nothing in the archive changed when the mute went: a facet cache that forgot who muted
    # whom would serve the muted counts again now.
    unmute_user(archive.muter, archive.muted)
    unmuted = archive.everything("muter")
    get_index()._facet_cache.clear()
    assert unmuted == archive.everything("muter")
    assert ("fandom", "Kingdom Hearts (2)") in unmuted["works"]["facets"]
    assert set(MUTED_TITLES) <= _titles(unmuted)


def test_unmuting_through_the_site(archive):
    archive.post_muted_works()
    client = archive.clients["muter"]
    client.post("/users/muting_reader/muted/users", {"muted_id": "muted_writer"})
    assert "Muted Solo" not in archive.page("muter", "works")["titles"]
    assert archive.page("muter", "text search")["headings"] == ["4 Found"]
    client.post("/users/muting_reader/muted/users/unmute", {"muted_id": "muted_writer"})
    assert archive.page("muter", "text search")["headings"] == ["8 Found"]
    assert ("fandom", "Kingdom Hearts (2)") in archive.page("muter", "works")["facets"]


def test_a_muted_users_work_still_reads_by_its_address(archive):
    archive.post_muted_works()
    mute_user(archive.muter, archive.muted)
    client = archive.clients["muter"]
    for work in archive.muted_works:
        response = client.get(f"/works/{work.pk}?view_adult=true")
        assert response.status_code == 200
        assert work.title in response.content.decode()
        response = Client().get(
            f"/api/v1/works/{work.pk}",
            headers={"Authorization": f"Bearer {archive.keys['muter']}"},
        )
        assert response.status_code == 200
        assert response.json()["title"] == work.title


def test_the_muted_users_own_profile(archive):
    archive.post_muted_works()
    mute_user(archive.muter, archive.muted)
    html = archive.clients["muter"].get("/users/muted_writer").content.decode()
    assert "Muted Solo" not in html
    assert ">Unmute</a>" in html
    assert "hidden from you" in html
    html = archive.clients["other"].get("/users/muted_writer").content.decode()
    assert "Muted Solo" in html and ">Mute</a>" in html


def test_tag_feeds_do_not_depend_on_who_asks(archive):
    # Feeds are what a logged-out reader sees: fetched by feed readers and shared, they must
    # neither carry nor reveal anyone's mutes.
    archive.post_muted_works()
    mute_user(archive.muter, archive.muted)
    tag_id = Tag.objects.get(name="FFVII").pk
    guest = archive.clients["guest"].get(f"/tags/{tag_id}/feed.atom").content.decode()
    muter = archive.clients["muter"].get(f"/tags/{tag_id}/feed.atom").content.decode()
    assert any(title in guest for title in MUTED_TITLES)
    assert re.sub(r"<updated>.*?</updated>", "", muter) == re.sub(
        r"<updated>.*?</updated>", "", guest
    )


def test_search_page_without_a_query_is_untouched(archive):
    archive.post_muted_works()
    mute_user(archive.muter, archive.muted)
    response = archive.clients["muter"].get("/works/search")
    assert response.status_code == 200
    assert "Muted Solo" not in response.content.decode()


def test_muting_one_user_leaves_others(archive):
    archive.post_muted_works()
    mute_user(archive.muter, archive.third)
    titles = _titles(archive.everything("muter"))
    # The shared work has a creator the muter muted: hidden; the muted user's own works stay.
    assert "Shared Work" not in titles
    assert "Third Solo" not in titles
    assert {"Muted Solo", "Muted Crossover", "Author One"} <= titles


def test_muting_through_the_api(archive):
    archive.post_muted_works()
    headers = {"Authorization": f"Bearer {archive.keys['muter']}"}
    client = Client()
    before = archive.api("muter", "api works")
    response = client.post(
        "/api/v1/me/mutes",
        '{"user": "muted_writer"}',
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    assert archive.api("muter", "api works")["count"] == before["count"] - 4
    assert client.delete("/api/v1/me/mutes/muted_writer", headers=headers).status_code == 204
    assert archive.api("muter", "api works") == before
