"""Background jobs of sign-ups: the invite queue's daily invitations."""

from __future__ import annotations

from django_tasks import task

from .services import send_queued_invitations


@task()
def hand_out_invitations() -> None:
    """Send the invitations the queue has room for; queued again for when there is more room
    while people wait. Running it twice sends no more than the day's number."""
    send_queued_invitations()
