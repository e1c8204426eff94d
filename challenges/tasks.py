"""Background jobs of challenges: the reveals, at their moments."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def reveal_challenge(challenge_id: int) -> None:
    """Reveal what is due of the challenge this task was queued for, then anything else
    overdue. Revealing twice is impossible: a task run again, or late, finds it done."""
    services.reveal_challenge(challenge_id)
    services.reveal_due()
