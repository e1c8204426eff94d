"""`manage.py create_api_token USERNAME [--name NAME]`: print a new API token's secret."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from people.models import User
from people.services import create_api_token


class Command(BaseCommand):
    help = (
        "Create an API token for a user and print its secret. Only the secret is printed, so "
        "scripts can capture it; it is shown this once and only its hash is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user name (login) the token acts for.")
        parser.add_argument(
            "--name", default="API token", help="A label to tell the token apart from others."
        )

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        # Log-ins are case-insensitive, as on the site.
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"There is no user called “{username}”.")
        if not user.is_active:
            raise CommandError(
                f"The account “{user.username}” is deactivated; its tokens would not work."
            )
        _, key = create_api_token(user, name)
        self.stdout.write(key)
