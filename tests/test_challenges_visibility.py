"""The challenges in the visibility matrix, kept compact: one world, every viewer (guest, a
stranger, the giver, the recipient, another participant, the exchange's moderator) looped
over inside. Before the reveal an assignment's fill tells nobody but its giver and the
moderators who wrote for whom: not the assignments pages, the sign-ups, the matching, a
prompt's fills, the "unfilled" filter, the recipient's gifts page or the giver's pages."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from archive_collections import services as collection_services
from archive_collections.services import CollectionData
from challenges import services
from challenges.models import AssignmentStatus
from challenges.services import ChallengeData, KindSettings, PromptData, PromptMemeData, SignupData
from lifestream.testing import make_user, make_work

FILL_TITLE = "Parcel Under Snow"
MEME_FILL = "Answer in Ink"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _main(body: str) -> str:
    start = body.find('id="main"')
    return body[start:] if start >= 0 else body


def test_an_unrevealed_fill_tells_nobody_who_wrote_for_whom(db):
    mod = make_user("snowmod")
    people = [make_user(name) for name in ("giverling", "giftling", "thirdling")]
    stranger = make_user("outsider")
    exchange = collection_services.create_collection(
        mod, CollectionData(name="Snow_Swap", title="Snow Swap", unrevealed=True, anonymous=True)
    )
    later = timezone.now() + dt.timedelta(days=30)
    challenge = services.save_challenge(
        mod,
        exchange,
        ChallengeData(
            kinds={"fandom": KindSettings(request_min=1, request_max=1, offer_min=1, offer_max=1)},
            works_reveal_at=later,
        ),
    )
    for person in people:
        services.save_signup(
            person,
            challenge,
            SignupData(
                requests=[PromptData(tags={"fandom": "Snowverse"})],
                offers=[PromptData(tags={"fandom": "Snowverse"})],
            ),
        )
    services.run_matching(mod, challenge)
    services.send_assignments(mod, challenge)
    giver = people[0]
    assignment = challenge.assignments.get(giver=giver)
    recipient = assignment.recipient.user
    other = next(p for p in people if p.pk not in (giver.pk, recipient.pk))
    work = make_work(giver, title=FILL_TITLE, fandoms=["Snowverse"])
    services.fulfil_assignment(giver, work, assignment)
    assert challenge.assignments.get(pk=assignment.pk).status == AssignmentStatus.COMPLETED

    meme = collection_services.create_collection(
        mod, CollectionData(name="Ink_Meme", title="Ink Meme", unrevealed=True)
    )
    meme_challenge = services.save_challenge(mod, meme, ChallengeData(kind="prompt_meme"))
    prompt = services.create_prompt(
        recipient, meme_challenge, PromptMemeData(title="Letters", tags="Snowverse")
    )
    services.claim_prompt(giver, prompt)
    services.fill_prompt(giver, make_work(giver, title=MEME_FILL), prompt)

    viewers = {
        "guest": None,
        "stranger": stranger,
        "giver": giver,
        "recipient": recipient,
        "other participant": other,
        "moderator": mod,
    }
    for name, user in viewers.items():
        client = _client(user)
        assignments = client.get("/collections/Snow_Swap/assignments")
        signups = client.get("/collections/Snow_Swap/signups")
        matching = client.get("/collections/Snow_Swap/matching")
        if user is None:
            assert assignments.status_code == signups.status_code == matching.status_code == 302
        else:
            body = _main(assignments.content.decode())
            if name == "moderator":
                assert FILL_TITLE in body and giver.username in body
                assert matching.status_code == 200
            else:
                assert matching.status_code == 403, name
                if name == "giver":
                    assert recipient.username in body and FILL_TITLE in body
                else:
                    assert FILL_TITLE not in body, name
                writes_for = (
                    challenge.assignments.get(giver=user).recipient.user
                    if name != "stranger"
                    else None
                )
                if name == "recipient" and writes_for != giver:
                    # Their own assignment only: never the giver of theirs, nor the fill.
                    assert giver.username not in body, name
                    assert "giver" not in body.split("<thead>")[-1].split("</thead>")[0].lower()
                signup_page = _main(signups.content.decode())
                for person in people:
                    if person.pk != user.pk:
                        assert person.username not in signup_page, (name, person.username)
        # The prompt's fills, the "unfilled" filter, the gifts page, the giver's pages.
        sees = {"giver", "moderator"}
        prompt_page = _main(
            client.get(f"/collections/Ink_Meme/prompts/{prompt.pk}").content.decode()
        )
        assert MEME_FILL not in prompt_page, name
        unfilled = client.get("/collections/Ink_Meme/prompts?unfilled=1").content.decode()
        assert "Letters" in unfilled, name  # an unrevealed fill does not count
        for url in (
            f"/users/{recipient.username}/gifts",
            f"/users/{giver.username}/works",
            f"/users/{giver.username}",
            "/collections/Snow_Swap/works",
            "/works",
        ):
            answer = client.get(url).content.decode()
            if name != "giver":  # their own dashboard lists their own works
                assert FILL_TITLE not in answer, (name, url)
        if name not in sees:
            page = _main(client.get(f"/works/{work.pk}").content.decode())
            assert FILL_TITLE not in page and giver.username not in page, name
            assert recipient.username not in page, name
