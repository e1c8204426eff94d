"""The visibility matrix for series: every viewer × every state of a part (public, restricted,
draft, deleted) × every series route: the series page, a user's and a pseud's series, the work
page's "Part N of" with previous/next, the API's list, detail and work answer, the edit pages.

A hidden part never shows, never counts (works, words, dates) and leaves no gap in numbering.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from shared_world import module_world

from lifestream.testing import make_admin, make_user, make_work
from people.services import create_api_token
from works import series as series_services
from works.services import delete_work

VIEWERS = ("guest", "stranger", "wrangler", "creator", "admin")
STATES = ("public", "restricted", "draft", "deleted")
# Each part's text has its own number of words, so a sum tells which parts were counted.
WORDS = {"first": 2, "restricted": 30, "draft": 400, "deleted": 5000, "last": 7}


def _body(count: int) -> str:
    return "<p>" + " ".join(["word"] * count) + "</p>"


def _build_world():
    creator = make_user("saga_creator")
    users = {
        "guest": None,
        "stranger": make_user("saga_stranger"),
        "wrangler": make_user("saga_wrangler", is_tag_wrangler=True),
        "creator": creator,
        "admin": make_admin("saga_admin"),
    }
    works = {
        "first": make_work(creator, title="Saga First", body=_body(WORDS["first"])),
        "restricted": make_work(
            creator, title="Saga Restricted", restricted=True, body=_body(WORDS["restricted"])
        ),
        "draft": make_work(creator, title="Saga Draft", draft=True, body=_body(WORDS["draft"])),
        "deleted": make_work(creator, title="Saga Deleted", body=_body(WORDS["deleted"])),
        "last": make_work(creator, title="Saga Last", body=_body(WORDS["last"])),
    }
    saga = series_services.add_work_to_series(creator, works["first"], new_title="Saga").series
    for key in ("restricted", "draft", "deleted", "last"):
        series_services.add_work_to_series(creator, works[key], series=saga)
    # A series whose only part is in one state, for each state but deleted (that one is gone).
    only = {}
    for state in ("public", "restricted", "draft"):
        work = make_work(
            creator,
            title=f"Only {state}",
            restricted=state == "restricted",
            draft=state == "draft",
        )
        only[state] = series_services.add_work_to_series(
            creator, work, new_title=f"Only {state} saga"
        ).series
    gone = make_work(creator, title="Only deleted")
    gone_series = series_services.add_work_to_series(creator, gone, new_title="Gone saga").series
    only["deleted"] = gone_series
    delete_work(gone)
    deleted_id = works["deleted"].pk
    delete_work(works["deleted"])
    return {"users": users, "works": works, "saga": saga, "only": only, "deleted_id": deleted_id}


# Built once for the module; each test runs in a savepoint of its own (tests/shared_world.py).
world, _world_rows = module_world(_build_world)


def _client(world, viewer) -> Client:
    client = Client()
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    return client


def _api(world, viewer) -> Client:
    client = Client()
    user = world["users"][viewer]
    if user is not None:
        _, key = create_api_token(user, "matrix")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def seen_parts(viewer: str) -> list[str]:
    """The saga's parts a viewer sees, in order."""
    if viewer == "guest":
        return ["first", "last"]
    return ["first", "restricted", "last"]


def only_series(viewer: str, state: str) -> str:
    """What a viewer gets on a series whose only part is in `state`."""
    if state == "deleted":
        return "missing"  # the last part gone, the series went with it
    if state == "draft":
        return "read" if viewer == "creator" else "missing"
    if state == "restricted" and viewer == "guest":
        return "login"
    return "read"


def only_listed(viewer: str, state: str) -> bool:
    return only_series(viewer, state) == "read" and state != "draft"


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_series_page_shows_and_counts_only_visible_parts(world, viewer):
    saga, works = world["saga"], world["works"]
    html = _client(world, viewer).get(f"/series/{saga.pk}").content.decode()
    parts = seen_parts(viewer)
    ids = [int(n) for n in re.findall(r'<li id="work_(\d+)" class="work blurb group', html)]
    assert ids == [works[key].pk for key in parts]
    assert f'<dd class="works">{len(parts)}</dd>' in html
    assert f'<dd class="words">{sum(WORDS[key] for key in parts)}</dd>' in html
    for hidden in {"restricted", "draft"} - set(parts):
        assert f"Saga {hidden.capitalize()}" not in html
    assert "Saga Deleted" not in html and "Saga Draft" not in html


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_series_of_one_part_follows_that_part(world, viewer, state):
    series = world["only"][state]
    client, api = _client(world, viewer), _api(world, viewer)
    response = client.get(f"/series/{series.pk}")
    expected = only_series(viewer, state)
    if expected == "read":
        assert response.status_code == 200
        assert f"Only {state} saga" in response.content.decode()
    elif expected == "login":
        assert response.status_code == 302 and "/users/login" in response["Location"]
    else:
        assert response.status_code == 404
    api_status = {"read": 200, "login": 401, "missing": 404}[expected]
    assert api.get(f"/api/v1/series/{series.pk}").status_code == api_status

    creator = world["users"]["creator"]
    listed = only_listed(viewer, state)
    for path in (
        f"/users/{creator.username}/series",
        f"/users/{creator.username}/pseuds/{creator.default_pseud.name}/series",
    ):
        page = client.get(path).content.decode()
        assert (f'id="series_{series.pk}"' in page) is listed, path
    results = api.get("/api/v1/series").json()["results"]
    assert (series.pk in {r["id"] for r in results}) is listed
    by_user = api.get("/api/v1/series", {"user": creator.username}).json()["results"]
    assert (series.pk in {r["id"] for r in by_user}) is listed

    # The OPDS catalogue: the series' feed follows the page (an e-reader app is asked for its
    # token where a browser is sent to log in), and its index lists what listings list.
    opds_status = {"read": 200, "login": 401, "missing": 404}[expected]
    assert client.get(f"/opds/series/{series.pk}").status_code == opds_status
    index = client.get("/opds/series").content.decode()
    assert (f"/opds/series/{series.pk}<" in index or f'/opds/series/{series.pk}"' in index) is (
        listed
    )


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_opds_series_feed_holds_and_counts_only_visible_parts(world, viewer):
    saga, works = world["saga"], world["works"]
    client = _client(world, viewer)
    body = client.get(f"/opds/series/{saga.pk}").content.decode()
    parts = seen_parts(viewer)
    titles = re.findall(r"<entry><title>([^<]+)</title>", body)
    assert titles == ["Saga (the whole series)", *(works[key].title for key in parts)]
    assert f"Works: {len(parts)} · Words: {sum(WORDS[key] for key in parts)}" in body
    for key in set(WORDS) - set(parts):
        assert f"Saga {key.capitalize()}" not in body
    index = client.get("/opds/series").content.decode()
    entry = index[index.index("<title>Saga</title>") :]
    assert f"{len(parts)} works · {sum(WORDS[key] for key in parts)} words" in entry[:400]
    # Each work's entry elsewhere says which part it is, without a gap.
    new = client.get("/opds/new").content.decode()
    last = new[new.index("<title>Saga Last</title>") :]
    last = last[: last.index("</entry>")]
    assert f'title="Part {len(parts)} of Saga"' in last


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_user_page_counts_only_visible_parts(world, viewer, django_assert_max_num_queries):
    creator, saga = world["users"]["creator"], world["saga"]
    client = _client(world, viewer)
    with django_assert_max_num_queries(14):
        html = client.get(f"/users/{creator.username}/series").content.decode()
    blurb = html[html.index(f'id="series_{saga.pk}"') :]
    blurb = blurb[: blurb.index("</li>")]
    parts = seen_parts(viewer)
    assert f'<dd class="works">{len(parts)}</dd>' in blurb
    assert f'<dd class="words">{sum(WORDS[key] for key in parts)}</dd>' in blurb
    listed = _api(world, viewer).get("/api/v1/series").json()["results"]
    entry = next(r for r in listed if r["id"] == saga.pk)
    assert entry["works"] == len(parts)
    assert entry["word_count"] == sum(WORDS[key] for key in parts)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_part_n_and_previous_next_leave_no_gap(world, viewer):
    saga, works = world["saga"], world["works"]
    parts = seen_parts(viewer)
    client, api = _client(world, viewer), _api(world, viewer)
    for number, key in enumerate(parts, start=1):
        html = client.get(f"/works/{works[key].pk}").content.decode()
        assert (
            f'<span class="position">Part {number} of <a href="/series/{saga.pk}">Saga</a></span>'
        ) in html
        previous = parts[number - 2] if number > 1 else None
        following = parts[number] if number < len(parts) else None
        links = re.findall(r'<a class="(previous|next)" href="/works/(\d+)"', html)
        expected = []
        if previous:
            expected.append(("previous", str(works[previous].pk)))
        if following:
            expected.append(("next", str(works[following].pk)))
        # The meta and the end of the work show the same navigation.
        assert links == expected * 2
        answer = api.get(f"/api/v1/works/{works[key].pk}").json()["series"]
        assert answer == [
            {
                "id": saga.pk,
                "title": "Saga",
                "url": f"/series/{saga.pk}",
                "position": number,
                "previous_work_id": works[previous].pk if previous else None,
                "next_work_id": works[following].pk if following else None,
            }
        ]
    detail = api.get(f"/api/v1/series/{saga.pk}").json()
    assert [p["work_id"] for p in detail["parts"]] == [works[key].pk for key in parts]
    assert [p["position"] for p in detail["parts"]] == list(range(1, len(parts) + 1))
    assert detail["works"] == len(parts)


def test_the_creator_s_own_draft_counts_itself_among_the_visible_parts(world):
    saga, works = world["saga"], world["works"]
    html = _client(world, "creator").get(f"/works/{works['draft'].pk}").content.decode()
    assert f'Part 3 of <a href="/series/{saga.pk}">Saga</a>' in html
    assert f'<a class="previous" href="/works/{works["restricted"].pk}">' in html
    assert f'<a class="next" href="/works/{works["last"].pk}">' in html


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_edit_and_delete_pages_are_the_creators(world, viewer):
    client = _client(world, viewer)
    for state in ("public", "draft"):
        series = world["only"][state]
        for path in (f"/series/{series.pk}/edit", f"/series/{series.pk}/confirm_delete"):
            response = client.get(path)
            if viewer == "creator":
                assert response.status_code == 200
            elif viewer == "guest":
                assert response.status_code == 302
            else:
                assert response.status_code == (403 if state == "public" else 404)
        patch = _api(world, viewer).patch(
            f"/api/v1/series/{series.pk}",
            data='{"title": "Taken"}',
            content_type="application/json",
        )
        if viewer == "creator":
            assert patch.status_code == 200
        elif viewer == "guest":
            assert patch.status_code == 401
        else:
            assert patch.status_code == (403 if state == "public" else 404)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_subscribing_to_a_series_follows_what_the_viewer_may_read(world, viewer, state):
    """Subscribe (site and API) to a series whose only part is in `state`: a reader who may
    read it subscribes; its creator can't (their own); a series they can't see is not found."""
    from feedback.models import Subscription

    series = world["only"][state]
    user = world["users"][viewer]
    site = _client(world, viewer).post(
        f"/users/{user.username if user else 'nobody'}/subscriptions", {"series_id": series.pk}
    )
    api = _api(world, viewer).post(
        "/api/v1/subscriptions", {"series_id": series.pk}, content_type="application/json"
    )
    expected = only_series(viewer, state)
    if viewer == "guest":
        assert site.status_code == 302 and "/users/login" in site["Location"]
        assert api.status_code == 401
    elif viewer == "creator" and expected == "read":
        assert api.status_code == 422 and api.json()["errors"][0]["code"] == "own_series"
    elif expected == "read":
        assert site.status_code == 302 and api.status_code in {200, 201}
        assert Subscription.objects.filter(user=user, series=series).exists()
    else:
        assert site.status_code == 404 and api.status_code == 404
        assert f"Only {state} saga" not in site.content.decode() + api.content.decode()
        assert not Subscription.objects.filter(series_id=series.pk).exists()
