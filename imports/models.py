"""What an import leaves behind besides the draft: the tags it suggested, until the author
accepts or dismisses each one on the draft's edit page."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tags.models import Tag, TagKind
from works.models import Work

# The fandom an imported draft carries until its creator names one.
PLACEHOLDER_FANDOM = "Unknown Fandom"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class ImportSuggestion(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="import_suggestions")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=TagKind.choices)
    count = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Set by `imports.queries.pending_suggestions` for the edit page; never stored.
    replaces: str

    class Meta:
        ordering = ["work", "kind", "-count", "id"]
        constraints = [
            models.UniqueConstraint(fields=["work", "tag"], name="import_suggestion_once")
        ]

    def __str__(self) -> str:
        return f"{self.tag} for work {self.work_id} ({self.status})"
