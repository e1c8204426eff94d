"""`manage.py send_invitations`: hand out the invite queue's invitations now (as many as the
day's number leaves room for). The worker does this by itself; this is for cron or a timer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from signups.queries import queue_length
from signups.services import send_queued_invitations


class Command(BaseCommand):
    help = "Send the invite queue's invitations the day's number leaves room for."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_queued_invitations()
        self.stdout.write(f"{sent} invitations sent; {queue_length()} still waiting.")
