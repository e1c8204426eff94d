"""Readers' answers for the sample archive: kudos, comment threads, bookmarks and subscriptions,
made through the same services as the site, so a new archive shows what they look like."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from feedback.models import Notification
from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.comments import approve_comment, post_comment
from feedback.services.kudos import leave_kudos
from feedback.services.subscriptions import subscribe
from lifestream.core.actors import Actor
from people.models import User
from works.models import Work

# (reader's words, the author's answer or "") for the hand-written works' comment threads.
THREADS = (
    (
        "<p>The last scene wrecked me in the best way. I had to put my phone down for a "
        "minute.</p>",
        "<p>Thank you so much! That scene took me three weekends, so this means a lot.</p>",
    ),
    (
        "<p>I love how the quiet details carry everything — the ledger, the frost on the "
        "glass.</p>",
        "<p>I'm so glad those landed. The ledger was the first thing I wrote.</p>",
    ),
    ("<p>Is there going to be more? I'd read a hundred chapters of this.</p>", ""),
    (
        "<p>Came back to reread this before bed and it's still my favourite.</p>",
        "<p>Rereads are the best compliment. Sleep well!</p>",
    ),
)
BOOKMARK_NOTES = (
    "<p>Comfort read. Perfect for a rainy evening.</p>",
    "<p>The pacing in the middle chapters is <em>so</em> good.</p>",
    "<p>Rec'd to everyone in my group chat.</p>",
    "",
)
BOOKMARK_TAGS: tuple[list[str], ...] = (
    ["comfort read"],
    ["favourites", "reread"],
    ["to recommend"],
    [],
)
GUEST_ADDRESSES = ("192.0.2.10", "192.0.2.11", "192.0.2.12", "198.51.100.7")


def add_sample_feedback(users: dict[str, User], seed: int) -> dict[str, int]:
    """Kudos, comments, bookmarks and subscriptions between the sample authors."""
    rng = random.Random(seed)
    # Sample accounts are a few months old, so no new-account rate limit applies to them.
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(
        date_joined=timezone.now() - dt.timedelta(days=90)
    )
    for user in users.values():
        user.refresh_from_db(fields=["date_joined"])
    posted = list(
        Work.objects.filter(posted=True).prefetch_related("creatorships__pseud").order_by("pk")
    )
    counts = {"kudos": 0, "comments": 0, "bookmarks": 0, "subscriptions": 0}

    def creator_of(work: Work) -> User:
        return users[work.creatorships.all()[0].pseud.user.username]

    for position, work in enumerate(posted):
        creator = creator_of(work)
        for reader in users.values():
            if reader != creator and rng.random() < 0.6:
                leave_kudos(Actor(reader), work)
                counts["kudos"] += 1
        # Guests (by address) on the first works only: they have a lower kudos rate limit.
        if not work.restricted and position < 20:
            for address in rng.sample(GUEST_ADDRESSES, rng.randint(0, 3)):
                leave_kudos(Actor.guest(address), work)
                counts["kudos"] += 1

    # The sample's comments are the archive's own (the same words on several works): written
    # for the readers, not sent by them, so the spam check that people's comments pass
    # doesn't hold them.
    hand_written = [work for work in posted if work.chapter_count > 1][:6]
    for index, work in enumerate(hand_written):
        creator = creator_of(work)
        readers = [user for user in users.values() if user != creator]
        for number, (words, answer) in enumerate(THREADS[: 2 + index % 3]):
            reader = readers[(index + number) % len(readers)]
            comment = post_comment(reader, work, words)
            counts["comments"] += 1
            if answer:
                post_comment(creator, work, answer, parent=comment)
                counts["comments"] += 1
        if index == 0:
            # One moderated work, with a comment its creator has approved.
            Work.objects.filter(pk=work.pk).update(moderated_comments=True)
            work.refresh_from_db()
            reader = readers[-1]
            held = post_comment(
                reader,
                work,
                "<p>Moderated works hold comments until the author approves them.</p>",
            )
            approve_comment(creator, held)
            counts["comments"] += 1

    for number, reader in enumerate(users.values()):
        others = [work for work in posted if creator_of(work) != reader]
        for pick, work in enumerate(rng.sample(others, min(4, len(others)))):
            create_bookmark(
                reader,
                work,
                BookmarkData(
                    notes=BOOKMARK_NOTES[pick % len(BOOKMARK_NOTES)],
                    tags=list(BOOKMARK_TAGS[pick % len(BOOKMARK_TAGS)]),
                    private=pick == 3,
                    rec=pick == 0,
                ),
            )
            counts["bookmarks"] += 1
        followed = list(users.values())[(number + 1) % len(users)]
        subscribe(reader, creator=followed)
        in_progress = [work for work in others if not work.is_complete]
        if in_progress:
            subscribe(reader, work=in_progress[0])
        counts["subscriptions"] += 1 + bool(in_progress)
    # The sample's inbox notices are there to look at; they are not mailed to the sample
    # addresses (which don't exist).
    Notification.objects.update(emailed_at=timezone.now())
    return counts
