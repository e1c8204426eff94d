"""Gift exchanges and prompt memes through their pages: a whole exchange from set-up to
reveal (sign-ups, matching, sending, fills, defaults and pinch hits, the reveal at its time,
one notice per recipient), and a prompt meme (prompts, claims, fills, the prompter told)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from test_posting import form_data
from test_visibility_scheduled import Clock

from access.visibility import visible_notices_q
from archive_collections.models import Collection
from challenges import services
from challenges.models import Assignment, AssignmentStatus, Challenge, PromptFill, Signup
from challenges.tasks import reveal_challenge
from feedback.models import Notification, NotificationKind
from lifestream.testing import make_user
from works.models import Gift, Work

FANDOMS = ["Star Trek", "Stargate", "Discworld", "Good Omens"]
MOMENT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _visible_notices(user, kind):
    return Notification.objects.filter(visible_notices_q(user), user=user, kind=kind)


def _exchange_settings(**extra):
    now = timezone.now()
    data = {
        "kind": "gift_exchange",
        "signups_close_at": (now + dt.timedelta(days=1)).strftime(MOMENT),
        "requests_min": 1,
        "requests_max": 1,
        "offers_min": 1,
        "offers_max": 1,
        "fandom_request_min": 1,
        "fandom_request_max": 1,
        "fandom_offer_min": 1,
        "fandom_offer_max": 2,
        "fandom_match": 1,
        "freeform_request_max": 3,
        "freeform_offer_max": 3,
        "assignments_due_at": (now + dt.timedelta(days=5)).strftime(MOMENT),
        "works_reveal_at": (now + dt.timedelta(days=7)).strftime(MOMENT),
        "creators_reveal_at": (now + dt.timedelta(days=8)).strftime(MOMENT),
        "prompt_text": "<p>Write <script>x</script>something kind.</p>",
    }
    data.update(extra)
    return data


def test_a_whole_gift_exchange_from_sign_up_to_reveal(
    db, clock, django_capture_on_commit_callbacks
):
    mod = make_user("modmin")
    owner = _client(mod)
    response = owner.post(
        "/collections/new",
        {
            "name": "Yuletide",
            "title": "Yuletide",
            "open": "on",
            "unrevealed": "on",
            "anonymous": "on",
        },
    )
    assert response.status_code == 302
    # Bad settings come back with the moderator's input and a clear message.
    bad = owner.post("/collections/Yuletide/challenge", _exchange_settings(requests_min=3))
    assert bad.status_code == 422
    assert "The most must be at least the least." in bad.content.decode()
    assert owner.post("/collections/Yuletide/challenge", _exchange_settings()).status_code == 302
    challenge = Challenge.objects.get(collection__name="Yuletide")
    assert "<script>" not in challenge.prompt_text
    assert "Sign-ups" in Client().get("/collections/Yuletide/challenge").content.decode()

    # Twelve participants sign up: each requests one fandom and offers the next one round.
    people = [make_user(f"elf{i:02d}") for i in range(12)]
    for i, person in enumerate(people):
        client = _client(person)
        page = client.get("/collections/Yuletide/signups")
        assert page.status_code == 200 and "Request 1" in page.content.decode()
        if i == 0:
            refused = client.post("/collections/Yuletide/signups", {"requests_0_freeform": "Fluff"})
            assert refused.status_code == 422
            body = refused.content.decode()
            assert "Please name more tags of this kind." in body and 'value="Fluff"' in body
        response = client.post(
            "/collections/Yuletide/signups",
            {
                "requests_0_fandom": FANDOMS[i % 4],
                "requests_0_freeform": "Fluff",
                "requests_0_description": "<p>Happy endings</p>",
                "offers_0_fandom": f"{FANDOMS[(i + 1) % 4]}, {FANDOMS[(i + 2) % 4]}",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert Signup.objects.filter(challenge=challenge).count() == 12
    # A participant edits theirs (still open) and does not see the others'.
    own = _client(people[0]).get("/collections/Yuletide/signups").content.decode()
    assert "Update sign-up" in own and "elf05" not in own
    summary = owner.get("/collections/Yuletide/signups").content.decode()
    assert "12 sign-ups" in summary and "Star Trek" in summary
    assert "Request — Fandom: Star Trek; Additional Tags: Fluff" in summary
    assert _client(people[0]).get("/collections/Yuletide/matching").status_code == 403

    # Matching: everyone gives one and receives one, every pair fitting.
    clock.advance(dt.timedelta(days=2))  # sign-ups closed
    late = _client(people[1]).post(
        "/collections/Yuletide/signups", {"requests_0_fandom": "Stargate"}
    )
    assert late.status_code == 403
    assert owner.post("/collections/Yuletide/matching", {"action": "run"}).status_code == 302
    proposed = list(Assignment.objects.filter(challenge=challenge))
    assert len(proposed) == 12
    assert all(a.fits for a in proposed)
    assert {a.giver_id for a in proposed} == {p.pk for p in people}
    assert {a.recipient.user_id for a in proposed} == {p.pk for p in people}
    assert all(a.giver_id != a.recipient.user_id for a in proposed)
    matching_page = owner.get("/collections/Yuletide/matching").content.decode()
    assert "12 of 12 recipients" in matching_page
    # A swap (two that stay fitting: same requested fandom), then a re-run keeps it.
    first, second = sorted(proposed, key=lambda a: a.recipient_id)[0], None
    for other in proposed:
        if (
            other.pk != first.pk
            and other.recipient.prompts.get(side="request").tags
            == first.recipient.prompts.get(side="request").tags
            and other.giver_id != first.recipient.user_id
            and first.giver_id != other.recipient.user_id
        ):
            second = other
            break
    assert second is not None
    owner.post(
        "/collections/Yuletide/matching",
        {"action": "swap", "assignment_id": first.pk, "other_id": second.pk},
    )
    swapped = Assignment.objects.get(pk=first.pk)
    assert swapped.recipient_id == second.recipient_id and swapped.kept
    owner.post("/collections/Yuletide/matching", {"action": "run"})
    assert Assignment.objects.get(pk=first.pk).recipient_id == second.recipient_id
    assert Assignment.objects.filter(challenge=challenge).count() == 12
    # A pair ruled out is never made again; the matching still covers everyone.
    loose = Assignment.objects.filter(challenge=challenge, kept=False).first()
    assert loose is not None
    pair = (loose.giver_id, loose.recipient_id)
    owner.post("/collections/Yuletide/matching", {"action": "forbid", "assignment_id": loose.pk})
    rows = Assignment.objects.filter(challenge=challenge)
    assert rows.count() == 12 and pair not in {(a.giver_id, a.recipient_id) for a in rows}
    # Not yet sent: participants see nothing.
    assert (
        "No assignments yet."
        in _client(people[0]).get("/collections/Yuletide/assignments").content.decode()
    )

    # Sending: each giver finds their assignment in their inbox and mail.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post("/collections/Yuletide/matching", {"action": "send"})
    assert response.status_code == 302
    assert len(mail.outbox) == 12
    for person in people:
        assert _visible_notices(person, NotificationKind.CHALLENGE).count() == 1
    assert owner.post("/collections/Yuletide/matching", {"action": "run"}).status_code == 422

    # A participant's page shows what they give (their recipient's request), not who gives
    # to them.
    mine = Assignment.objects.get(challenge=challenge, giver=people[0])
    own_page = _client(people[0]).get("/collections/Yuletide/assignments").content.decode()
    assert mine.recipient.pseud.byline in own_page and "Happy endings" in own_page
    giver_of_0 = Assignment.objects.get(challenge=challenge, recipient__user=people[0]).giver
    assert giver_of_0.username not in own_page

    # Ten fills are posted through the posting form, each a gift to its recipient.
    assignments = list(Assignment.objects.filter(challenge=challenge).order_by("id"))
    fillers, defaulters = assignments[:10], assignments[10:]
    for a in fillers:
        client = _client(a.giver)
        form = client.get(f"/works/new?fulfils=assignment:{a.pk}").content.decode()
        assert f'value="assignment:{a.pk}" selected' in form
        response = client.post(
            "/works/new",
            form_data(
                a.giver,
                title=f"Gift for {a.recipient.user.username}",
                collections="Yuletide",
                fulfils=f"assignment:{a.pk}",
            ),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    for a in fillers:
        a.refresh_from_db()
        assert a.status == AssignmentStatus.COMPLETED and a.work is not None
        assert Gift.objects.filter(work=a.work, pseud=a.recipient.pseud).exists()
        assert a.work.in_unrevealed_collection and a.work.anonymous

    # Two givers default; two volunteers pinch hit.
    hitters = [make_user("pinch1"), make_user("pinch2")]
    for hitter in hitters:
        assert (
            _client(hitter)
            .post("/collections/Yuletide/signups", {"action": "volunteer"})
            .status_code
            == 302
        )
    _client(defaulters[0].giver).post(
        "/collections/Yuletide/assignments",
        {"action": "default", "assignment_id": defaulters[0].pk},
    )
    owner.post(
        "/collections/Yuletide/assignments",
        {"action": "default", "assignment_id": defaulters[1].pk},
    )
    review = owner.get("/collections/Yuletide/assignments").content.decode()
    assert review.count('class="defaulted"') == 2 and "pinch1" in review
    for hitter, defaulted in zip(hitters, defaulters, strict=True):
        owner.post(
            "/collections/Yuletide/assignments",
            {"action": "pinch_hit", "assignment_id": defaulted.pk, "login": hitter.username},
        )
        covering = Assignment.objects.get(challenge=challenge, giver=hitter)
        assert covering.pinch_hit and covering.status == AssignmentStatus.SENT
        response = _client(hitter).post(
            "/works/new",
            form_data(
                hitter,
                title="Pinch hit",
                collections="Yuletide",
                fulfils=f"assignment:{covering.pk}",
            ),
        )
        assert response.status_code == 302

    # Before the reveal nothing tells who got what, or who wrote it.
    recipient = fillers[0].recipient.user
    gift_work = fillers[0].work
    assert gift_work is not None
    gifts_page = Client().get(f"/users/{recipient.username}/gifts").content.decode()
    assert gift_work.title not in gifts_page
    assert _visible_notices(recipient, NotificationKind.GIFT).count() == 0
    listing = Client().get("/collections/Yuletide/works").content.decode()
    assert gift_work.title not in listing
    creator_page = Client().get(f"/users/{fillers[0].giver.username}/works").content.decode()
    assert gift_work.title not in creator_page

    # The reveal at its moment: works first, then creators; each recipient told once.
    clock.advance(dt.timedelta(days=5, hours=1))  # past the works reveal date
    # Out at its moment, before any task has run (as a scheduled work is): listed, counted,
    # on the gifts page, its notice in the recipient's inbox.
    gift_work.refresh_from_db()
    assert gift_work.in_unrevealed_collection
    assert gift_work.title in Client().get("/collections/Yuletide/works").content.decode()
    assert gift_work.title in Client().get(f"/users/{recipient.username}/gifts").content.decode()
    assert gift_work.title in Client().get(f"/works/{gift_work.pk}").content.decode()
    assert _visible_notices(recipient, NotificationKind.GIFT).count() == 1
    reveal_challenge.call(challenge.pk)
    reveal_challenge.call(challenge.pk)  # a second run changes nothing
    gift_work.refresh_from_db()
    assert not gift_work.in_unrevealed_collection and gift_work.anonymous
    assert gift_work.title in Client().get("/collections/Yuletide/works").content.decode()
    for a in Assignment.objects.filter(challenge=challenge, status=AssignmentStatus.COMPLETED):
        assert _visible_notices(a.recipient.user, NotificationKind.GIFT).count() == 1
    clock.advance(dt.timedelta(days=1))
    assert services.reveal_due() == 1
    assert services.reveal_due() == 0
    gift_work.refresh_from_db()
    assert not gift_work.anonymous
    assert Collection.objects.get(name="Yuletide").unrevealed is False
    assert Work.objects.filter(in_unrevealed_collection=True).count() == 0


def test_a_prompt_meme(db, clock):
    mod, prompter, filler, reader = (
        make_user(n) for n in ("memelord", "asker", "writer", "lurker")
    )
    owner = _client(mod)
    owner.post(
        "/collections/new",
        {"name": "Kink_Meme", "title": "Kink Meme", "open": "on", "unrevealed": "on"},
    )
    owner.post(
        "/collections/Kink_Meme/challenge",
        {
            "kind": "prompt_meme",
            "requests_min": 0,
            "requests_max": 1,
            "offers_min": 0,
            "offers_max": 1,
        },
    )
    challenge = Challenge.objects.get(collection__name="Kink_Meme")
    asker = _client(prompter)
    bad = asker.post("/collections/Kink_Meme/prompts", {"title": "", "description": "kept text"})
    assert bad.status_code == 422 and "kept text" in bad.content.decode()
    asker.post(
        "/collections/Kink_Meme/prompts",
        {
            "title": "Soulmates AU",
            "tags": "Soulmates, Fluff",
            "description": "<p>Please!</p>",
            "anonymous": "on",
        },
    )
    asker.post("/collections/Kink_Meme/prompts", {"title": "Coffee shop", "tags": "Coffee Shop AU"})
    prompt = challenge.prompts.get(title="Soulmates AU")
    listing = Client().get("/collections/Kink_Meme/prompts").content.decode()
    assert "Soulmates AU" in listing and "Coffee shop" in listing
    assert "Soulmates AU</a> by Anonymous" in listing and "Coffee shop</a> by asker" in listing
    assert (
        "Coffee shop"
        not in Client().get("/collections/Kink_Meme/prompts?tag=Soulmates").content.decode()
    )

    writer = _client(filler)
    assert (
        writer.post(f"/collections/Kink_Meme/prompts/{prompt.pk}", {"action": "claim"}).status_code
        == 302
    )
    page = Client().get(f"/collections/Kink_Meme/prompts/{prompt.pk}").content.decode()
    assert "1 claim" in page and "writer" in page and "asker" not in page
    response = writer.post(
        "/works/new",
        form_data(
            filler, title="Bound by Fate", collections="Kink_Meme", fulfils=f"prompt:{prompt.pk}"
        ),
    )
    assert response.status_code == 302
    fill = PromptFill.objects.get(prompt=prompt)
    # The collection is unrevealed: the fill is not listed, nor counted, nor told yet.
    page = Client().get(f"/collections/Kink_Meme/prompts/{prompt.pk}").content.decode()
    assert "Bound by Fate" not in page
    assert (
        "Soulmates AU" in Client().get("/collections/Kink_Meme/prompts?unfilled=1").content.decode()
    )
    assert _visible_notices(prompter, NotificationKind.CHALLENGE).count() == 0
    owner.post("/collections/Kink_Meme/items", {"action": "reveal"})
    page = Client().get(f"/collections/Kink_Meme/prompts/{prompt.pk}").content.decode()
    assert "Bound by Fate" in page
    assert (
        "Soulmates AU"
        not in Client().get("/collections/Kink_Meme/prompts?unfilled=1").content.decode()
    )
    assert _visible_notices(prompter, NotificationKind.CHALLENGE).count() == 1
    assert fill.notified_at is not None
    # A second fill by another writer: many fills per prompt.
    _client(reader).post(f"/collections/Kink_Meme/prompts/{prompt.pk}", {"action": "claim"})
    _client(reader).post(
        "/works/new",
        form_data(
            reader, title="Red String", collections="Kink_Meme", fulfils=f"prompt:{prompt.pk}"
        ),
    )
    assert prompt.fills.count() == 2
    assert _visible_notices(prompter, NotificationKind.CHALLENGE).count() == 2


def test_the_api_runs_an_exchange_and_a_meme(db):
    from test_api import Api, errors, new_work, token_for

    from archive_collections import services as collection_services
    from archive_collections.services import CollectionData
    from challenges.services import ChallengeData, KindSettings

    mod = make_user("apimod")
    exchange = collection_services.create_collection(
        mod, CollectionData(name="Api_Swap", title="Api Swap")
    )
    services.save_challenge(
        mod,
        exchange,
        ChallengeData(
            kinds={"fandom": KindSettings(request_min=1, request_max=1, offer_min=1, offer_max=1)}
        ),
    )
    mod_api = Api(token_for(mod))
    people = [make_user(f"api{i}") for i in range(3)]
    apis = [Api(token_for(p)) for p in people]
    bad = apis[0].send(
        "post", "/collections/Api_Swap/signup", {"requests": [{"tags": {}}], "offers": []}
    )
    assert bad.status_code == 422
    assert ("requests.0.fandom", "too_few_tags") in errors(bad) and (
        "offers",
        "too_few_offers",
    ) in errors(bad)
    for api in apis:
        made = api.send(
            "post",
            "/collections/Api_Swap/signup",
            {
                "requests": [{"tags": {"fandom": ["Dune"]}}],
                "offers": [{"tags": {"fandom": "Dune"}}],
            },
        )
        assert made.status_code == 201, made.json()
    changed = apis[0].send(
        "patch",
        "/collections/Api_Swap/signup",
        {"requests": [{"tags": {"fandom": ["Dune"]}, "description": "Sandworms"}]},
    )
    assert (
        changed.status_code == 200 and changed.json()["requests"][0]["description"] == "Sandworms"
    )
    assert apis[0].get("/collections/Api_Swap/signup").json()["offers"][0]["tags"] == {
        "fandom": ["Dune"]
    }
    assert apis[0].send("post", "/collections/Api_Swap/matching").status_code == 403
    proposed = mod_api.send("post", "/collections/Api_Swap/matching").json()
    assert len(proposed) == 3 and all(a["fits"] for a in proposed)
    assert apis[0].get("/collections/Api_Swap/assignments").json() == []  # not sent yet
    assert mod_api.send("post", "/collections/Api_Swap/assignments/send").json() == {"sent": 3}
    own = apis[0].get("/collections/Api_Swap/assignments").json()
    assert len(own) == 1 and own[0]["giver"] is None
    work = apis[0].send("post", "/works", new_work(title="Api gift")).json()
    filled = apis[0].send("post", f"/works/{work['id']}/fills", {"assignment_id": own[0]["id"]})
    assert filled.status_code == 201
    assert Assignment.objects.get(pk=own[0]["id"]).status == AssignmentStatus.COMPLETED
    assert apis[1].send("post", f"/works/{work['id']}/fills", {}).status_code == 403  # not theirs
    assert errors(apis[0].send("post", f"/works/{work['id']}/fills", {})) == [
        ("assignment_id", "one_of")
    ]

    meme = collection_services.create_collection(
        mod, CollectionData(name="Api_Meme", title="Api Meme")
    )
    services.save_challenge(mod, meme, ChallengeData(kind="prompt_meme"))
    posted = apis[0].send(
        "post",
        "/collections/Api_Meme/prompts",
        {"title": "Dragons", "tags": ["Dragons"], "anonymous": True},
    )
    assert posted.status_code == 201
    prompt_id = posted.json()["id"]
    assert (
        apis[1].send("post", f"/collections/Api_Meme/prompts/{prompt_id}/claim").status_code == 201
    )
    listed = Api().get("/collections/Api_Meme/prompts", unfilled="true").json()
    assert listed["count"] == 1 and listed["results"][0]["by"] == "Anonymous"
    assert listed["results"][0]["claims"] == 1
    assert (
        apis[1].send("delete", f"/collections/Api_Meme/prompts/{prompt_id}/claim").status_code
        == 204
    )
    assert (
        apis[1].send("delete", f"/collections/Api_Meme/prompts/{prompt_id}/claim").status_code
        == 404
    )


def test_challenge_pages_cost_the_same_for_more_participants(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from archive_collections import services as collection_services
    from archive_collections.services import CollectionData
    from challenges.services import (
        ChallengeData,
        KindSettings,
        PromptData,
        PromptMemeData,
        SignupData,
    )

    mod = make_user("countmod")
    swap = collection_services.create_collection(
        mod, CollectionData(name="Count_Swap", title="Count Swap")
    )
    challenge = services.save_challenge(
        mod,
        swap,
        ChallengeData(
            kinds={"fandom": KindSettings(request_min=1, request_max=1, offer_min=1, offer_max=1)}
        ),
    )
    meme = collection_services.create_collection(
        mod, CollectionData(name="Count_Meme", title="Count Meme")
    )
    meme_challenge = services.save_challenge(mod, meme, ChallengeData(kind="prompt_meme"))
    first = make_user("counter0")
    pages = {
        mod: [
            "/collections/Count_Swap/signups",
            "/collections/Count_Swap/matching",
            "/collections/Count_Swap/assignments",
        ],
        first: ["/collections/Count_Swap/assignments", "/collections/Count_Swap/signups"],
        None: ["/collections/Count_Meme/prompts", "/collections/Count_Meme/prompts?unfilled=1"],
    }
    costs: dict[str, list[int]] = {}
    people = [first]
    for size in (3, 6):
        while len(people) < size:
            people.append(make_user(f"counter{len(people)}"))
        for person in people:
            services.save_signup(
                person,
                challenge,
                SignupData(
                    requests=[PromptData(tags={"fandom": "Count"})],
                    offers=[PromptData(tags={"fandom": "Count"})],
                ),
            )
            if not meme_challenge.prompts.filter(user=person).exists():
                prompt = services.create_prompt(
                    person, meme_challenge, PromptMemeData(title=f"P {person.pk}", tags="Counting")
                )
                services.claim_prompt(mod, prompt)
        challenge.assignments.all().delete()
        challenge.assignments_sent_at = None
        challenge.save()
        services.run_matching(mod, challenge)
        services.send_assignments(mod, challenge)
        for user, urls in pages.items():
            client = _client(user) if user else Client()
            for url in urls:
                client.get(url)
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                costs.setdefault(f"{user} {url}", []).append(len(queries))
    assert all(small == large for small, large in costs.values()), costs
