"""Leaving kudos: one per registered user and one per guest (by a hash of their address) per
work, never on one's own work, never by someone the work's creators blocked."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from access.visibility import creator_user_ids, is_creator
from lifestream.core.actors import Actor
from lifestream.core.errors import FieldError, InvalidInput
from lifestream.core.ratelimit import check_rate
from people.models import User
from people.queries import is_blocked_by_any
from works.models import Work

from ..models import Kudos, NotificationKind
from ..notify import notify
from ..queries.kudos import has_left_kudos
from ..stats import adjust_stats

ALREADY_LEFT = _("You have already left kudos here. :)")


def _refuse(code: str, message: str) -> InvalidInput:
    return InvalidInput([FieldError("kudos", code, message)])


@transaction.atomic
def leave_kudos(actor: Actor, work: Work) -> Kudos:
    """Kudos from `actor` on `work`, which the caller fetched for that reader (so the actor
    may read it). Counts it and tells the creators (their digest batches kudos
    daily). A second kudos is refused kindly; so are a creator's own and a blocked user's."""
    if not work.posted:
        raise _refuse("not_posted", gettext("Kudos can only be left on posted works."))
    user = actor.user
    if is_creator(user, work):
        raise _refuse("own_work", gettext("You can't leave kudos on your own work."))
    creators = creator_user_ids(work)
    if is_blocked_by_any(user, creators):
        raise _refuse(
            "blocked", gettext("Sorry, you have been blocked by one of this work's creators.")
        )
    giver = user if isinstance(user, User) else None
    guest_key = "" if giver is not None else actor.guest_key
    if has_left_kudos(work, giver, guest_key):
        raise _refuse("already_left", str(ALREADY_LEFT))
    check_rate("kudos", actor, field="kudos", noun="kudos")
    try:
        with transaction.atomic():  # a double click racing this one loses kindly
            kudos = Kudos.objects.create(work=work, user=giver, guest_key=guest_key)
    except IntegrityError:
        raise _refuse("already_left", str(ALREADY_LEFT)) from None
    adjust_stats(work.pk, kudos_count=1)
    notify(
        creators,
        NotificationKind.KUDOS,
        work=work,
        actor=giver,
    )
    return kudos
