"""The sample archive's co-created work and gifts, made through the services as a user would:
an invitation that is accepted, one still waiting in an inbox, gifts to a sample author and to
someone without an account. Made after the readers' feedback, so a co-creator is picked among
those who left none on the work (nobody gives kudos to their own work)."""

from __future__ import annotations

import dataclasses

from django.utils import timezone

from feedback.models import Bookmark, Comment, Kudos, Notification, Subscription
from people.models import User
from works import credits, services
from works.models import Creatorship, Work

# (title, its author, the recipients: sample logins or plain names)
GIFTED = (
    ("What the Orchard Keeps", "moogle_quill", ["inkwell_otter", "my sister June"]),
    ("The Bell Under the Water", "inkwell_otter", ["lanternfish"]),
)


def _answered(work: Work) -> set[int]:
    """The users who left kudos, comments, bookmarks or a subscription on `work`."""
    ids: set[int] = set()
    for model in (Kudos, Comment, Bookmark, Subscription):
        ids |= set(
            model.objects.filter(work=work, user__isnull=False).values_list("user_id", flat=True)
        )
    return ids


def add_sample_credits(users: dict[str, User]) -> dict[str, int]:
    """A co-created work and a few gifts between the sample authors; returns what was made."""
    # The first posted work with two sample authors who left it no feedback.
    for work in Work.objects.filter(posted=True).order_by("pk"):
        author = work.creator_pseuds[0].user
        answered = _answered(work) | {author.pk}
        others = [user for user in users.values() if user.pk not in answered]
        if len(others) >= 2:
            break
    else:
        return {}
    accepting, pending = others[0], others[1]
    data = dataclasses.replace(
        services.work_data_from(work), co_creators=[accepting.username, pending.username]
    )
    services.update_work(author, work, data)
    invitation = Creatorship.invitations.get(work=work, pseud__user=accepting)
    credits.accept_invitation(accepting, invitation.pk)
    gifts = 0
    for title, giver, recipients in GIFTED:
        work = Work.objects.get(title=title)
        data = dataclasses.replace(services.work_data_from(work), gifts=recipients)
        services.update_work(users[giver], work, data)
        gifts += len(recipients)
    # As with the feedback's notices: there to look at, not mailed to the sample addresses.
    Notification.objects.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    return {"co-created work": 1, "gifts": gifts}


# A secret gift, as fandom exchanges give them: posted anonymously. Any posted work outside
# the series and related works will do if that one is in one.
ANONYMOUS_WORK = "The Bell Under the Water"


def add_sample_anonymous_work() -> int:
    """Make one sample work anonymous (after the series are made: a series is all anonymous
    or not at all)."""
    candidates = Work.objects.filter(
        posted=True, series_parts__isnull=True, parent_links__isnull=True, child_links__isnull=True
    )
    work = candidates.filter(title=ANONYMOUS_WORK).first() or candidates.order_by("pk").first()
    if work is None:
        return 0
    author = work.creator_pseuds[0].user
    services.update_work(
        author, work, dataclasses.replace(services.work_data_from(work), anonymous=True)
    )
    return 1
