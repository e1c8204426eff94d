"""The sample archive's challenges: a gift exchange that has run its course (sign-ups,
matching, assignments sent, fills posted as gifts, revealed) and an open prompt meme with a
few prompts, a claim and a fill. Made through the services, from sample works already
posted."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from archive_collections import services as collection_services
from archive_collections.services import CollectionData
from challenges import services
from challenges.services import (
    ChallengeData,
    KindSettings,
    PromptData,
    PromptMemeData,
    SignupData,
)
from feedback.models import Notification
from people.models import User
from works.models import Work

EXCHANGE = CollectionData(
    name="Lantern_Exchange",
    title="Lantern Exchange",
    description="<p>A winter gift exchange: everyone writes one gift and receives one.</p>",
    unrevealed=True,
    anonymous=True,
)
MEME = CollectionData(
    name="Midnight_Prompts",
    title="Midnight Prompts",
    description="<p>An open prompt meme: leave a prompt, claim one, post a fill.</p>",
)
PROMPTS = (
    ("Snowed in at the station", "Snow, Trains", "<p>Two strangers, one waiting room.</p>"),
    ("Letters never sent", "Epistolary", "<p>A box of letters, found decades later.</p>"),
    (
        "The last lighthouse keeper",
        "Lighthouses",
        "<p>Anything, as long as the light stays on.</p>",
    ),
)


def _fill_for(user: User, used: set[int]) -> Work | None:
    """A posted work of `user`'s own (alone, not anonymous, in no series) to stand as a fill."""
    for work in (
        Work.objects.filter(
            posted=True,
            anonymous=False,
            series_parts__isnull=True,
            creatorships__pseud__user=user,
        )
        .exclude(pk__in=used)
        .order_by("id")
    ):
        if len({c.pseud.user_id for c in work.creatorships.all()}) == 1:
            return work
    return None


def add_sample_challenges(users: dict[str, User]) -> int:
    """Returns how many challenges were made."""
    people = list(users.values())
    if len(people) < 4:
        return 0
    owner = people[0]
    now = timezone.now()
    exchange = collection_services.create_collection(owner, EXCHANGE)
    rule = KindSettings(
        request_min=1, request_max=1, offer_min=1, offer_max=2, match=1, any_allowed=True
    )
    data = ChallengeData(
        kinds={"fandom": rule, "freeform": KindSettings(request_max=2, offer_max=2)},
        prompt_text="<p>Write something warm for a cold night.</p>",
    )
    challenge = services.save_challenge(owner, exchange, data)
    participants = people[1:5] if len(people) >= 5 else people[:4]
    for person in participants:
        services.save_signup(
            person,
            challenge,
            SignupData(
                requests=[PromptData(tags={"fandom": "any", "freeform": "Fluff"})],
                offers=[PromptData(tags={"fandom": "any"})],
            ),
        )
    # The exchange has run: its dates are past.
    data.signups_open_at = now - dt.timedelta(days=60)
    data.signups_close_at = now - dt.timedelta(days=45)
    data.assignments_due_at = now - dt.timedelta(days=10)
    data.works_reveal_at = now - dt.timedelta(days=3)
    data.creators_reveal_at = now - dt.timedelta(days=2)
    services.save_challenge(owner, exchange, data)
    services.run_matching(owner, challenge)
    services.send_assignments(owner, challenge, email=False)
    used: set[int] = set()
    for assignment in challenge.assignments.select_related("giver", "recipient__pseud"):
        work = _fill_for(assignment.giver, used)
        if work is not None:
            used.add(work.pk)
            services.fulfil_assignment(assignment.giver, work, assignment)
    services.reveal_challenge(challenge.pk)

    meme = collection_services.create_collection(owner, MEME)
    meme_challenge = services.save_challenge(owner, meme, ChallengeData(kind="prompt_meme"))
    prompts = []
    for number, (title, tags, text) in enumerate(PROMPTS):
        prompts.append(
            services.create_prompt(
                people[number % len(people)],
                meme_challenge,
                PromptMemeData(title=title, tags=tags, description=text, anonymous=number == 1),
            )
        )
    claimer = next(p for p in people if p.pk != prompts[0].user_id)
    services.claim_prompt(claimer, prompts[0])
    filler = next(p for p in people if p.pk != prompts[1].user_id)
    work = _fill_for(filler, used)
    if work is not None:
        services.claim_prompt(filler, prompts[1])
        services.fill_prompt(filler, work, prompts[1])
    # Sample accounts get no email: nothing waits to be mailed.
    Notification.objects.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    return 2
