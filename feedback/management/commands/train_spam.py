"""`manage.py train_spam`: rebuild the comment spam classifier from every decision kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from feedback.models import SpamExample, SpamLabel
from feedback.services import spam


class Command(BaseCommand):
    help = (
        "Retrain the comment spam classifier from the creators' and moderators' "
        '"spam" / "not spam" decisions (also done by a task after enough new ones).'
    )

    def handle(self, *args: Any, **options: Any) -> None:
        model = spam.train()
        spam_count = SpamExample.objects.filter(label=SpamLabel.SPAM).count()
        self.stdout.write(
            f"Trained on {model.examples} decisions ({spam_count} spam, "
            f"{model.examples - spam_count} not spam)."
        )
        if not spam.stored_classifier().ready:
            self.stdout.write(
                "Too few of each kind yet: the classifier holds nothing until it has "
                "LIFESTREAM_SPAM_MIN_EXAMPLES of both."
            )
