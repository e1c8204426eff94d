"""Reports: a reader's (or a guest's) word to the moderators about a work, a chapter, a
comment, a bookmark or a user, and the moderators' notes on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

REPORT_TEXT_MAX = 5000
NOTE_MAX = 5000
ANSWER_MAX = 5000


class ReportReason(models.TextChoices):
    HARASSMENT = "harassment", _("Harassment")
    SPAM = "spam", _("Spam")
    COPYRIGHT = "copyright", _("Copyright or plagiarism")
    RATING = "rating", _("Wrong rating or warnings")
    OTHER = "other", _("Other")


class ReportState(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    ACTIONED = "actioned", _("Actioned")
    DISMISSED = "dismissed", _("Dismissed")


class ReportTarget(models.TextChoices):
    WORK = "work", _("Work")
    CHAPTER = "chapter", _("Chapter")
    COMMENT = "comment", _("Comment")
    BOOKMARK = "bookmark", _("Bookmark")
    USER = "user", _("User")


class Report(models.Model):
    """What is reported is named by kind and id (it may be deleted since); `target_label` is
    what the reporter saw of it (a title, a name), kept for the desk."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_made",
    )
    # A guest's address, for the answer; seen by moderators only.
    guest_email = models.EmailField(blank=True, default="")
    target_type = models.CharField(max_length=10, choices=ReportTarget.choices)
    target_id = models.BigIntegerField()
    target_label = models.CharField(max_length=200)
    # The work a work, chapter or comment report is about, for the moderators' links.
    work_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=12, choices=ReportReason.choices)
    text = models.TextField(max_length=REPORT_TEXT_MAX)
    state = models.CharField(
        max_length=12, choices=ReportState.choices, default=ReportState.NEW, db_index=True
    )
    answer = models.TextField(blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.target_type} {self.target_id}"


class ReportNote(models.Model):
    """A moderator's note on a report, for the other moderators only."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=40)
    text = models.TextField(max_length=NOTE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on report {self.report_id}"
