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


class LegacyKind(models.TextChoices):
    """What an id of an archive brought over (`manage.py import_efiction`) named there."""

    ARCHIVE = "archive", _("Archive")
    AUTHOR = "author", _("Author")
    STORY = "story", _("Story")
    CATEGORY = "category", _("Category")
    SERIES = "series", _("Series")
    FAVOURITE = "favourite", _("Favourite")


class LegacyRecord(models.Model):
    """One thing of an imported archive and what it became here: an author's user, a story's
    work, a category's fandom tag, a series. The import skips what has a record (a second run
    changes nothing, an interrupted one goes on), and the old addresses (`viewstory.php?sid=N`
    and the like) redirect through it."""

    kind = models.CharField(max_length=12, choices=LegacyKind.choices)
    legacy_id = models.CharField(max_length=80)
    target_id = models.PositiveBigIntegerField()
    # Authors: when the email inviting them to claim their account went out.
    claim_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "legacy_id"], name="one_record_per_legacy_id")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.legacy_id} → {self.target_id}"
