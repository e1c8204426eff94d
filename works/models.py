"""Works, their chapters and who created them. Workflows: services.py; reads: queries.py."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse
from django.utils import timezone

from people.models import Pseud
from tags.models import ADULT_RATING_IDS, Tag, TagKind

from .languages import LANGUAGE_CHOICES

# AO3's limits are the baseline (DESIGN.md, "Bad input").
TITLE_MAX = 255
SUMMARY_MAX = 1250
NOTES_MAX = 5000
CHAPTER_BODY_MAX = 510_000
CHAPTER_TITLE_MAX = 255
USER_TAGS_MAX = 75
EXPECTED_CHAPTERS_MAX = 10_000
CHAPTERS_PER_WORK_MAX = 1_000


def _waiting(posted: bool, scheduled_for: dt.datetime | None) -> bool:
    return not posted and scheduled_for is not None and scheduled_for > timezone.now()


class CommentPermission(models.TextChoices):
    EVERYONE = "everyone", "Registered users and guests can comment"
    REGISTERED = "registered", "Only registered users can comment"
    NO_ONE = "no_one", "No one can comment"


class Work(models.Model):
    title = models.CharField(max_length=TITLE_MAX)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    end_notes = models.TextField(blank=True)
    language = models.CharField(max_length=12, choices=LANGUAGE_CHOICES, default="en")
    restricted = models.BooleanField(
        "only show to registered users",
        default=False,
    )
    posted = models.BooleanField(default=False, help_text="False while the work is a draft.")
    expected_chapters = models.PositiveIntegerField(null=True, blank=True)
    # Kept by services from the posted chapters, so listings never add up chapters per row.
    word_count = models.PositiveIntegerField(default=0)
    chapter_count = models.PositiveIntegerField(default=0)
    published_on = models.DateField(default=timezone.localdate)
    backdated = models.BooleanField(default=False)
    # Set on an unposted work that goes out by itself at this moment (`access.visibility`
    # compares with the clock; `works.tasks.release_scheduled` posts it and tells subscribers).
    scheduled_for = models.DateTimeField(null=True, blank=True, db_index=True)
    comment_permission = models.CharField(
        "who can comment",
        max_length=10,
        choices=CommentPermission.choices,
        default=CommentPermission.EVERYONE,
    )
    moderated_comments = models.BooleanField(
        "enable comment moderation",
        default=False,
        help_text="New comments are held until you approve them.",
    )
    revised_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    pseuds = models.ManyToManyField(Pseud, through="Creatorship", related_name="works")
    tags = models.ManyToManyField(Tag, related_name="works", blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["posted", "restricted", "-revised_at", "-id"], name="work_listing"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("works:work", args=[self.pk])

    @property
    def is_scheduled(self) -> bool:
        """Waiting for its release time (still in the future)."""
        return _waiting(self.posted, self.scheduled_for)

    @property
    def is_complete(self) -> bool:
        return self.expected_chapters is not None and self.chapter_count >= self.expected_chapters

    @property
    def chapters_display(self) -> str:
        """AO3's "N/M" with "?" for an unknown total."""
        expected = "?" if self.expected_chapters is None else str(self.expected_chapters)
        return f"{self.chapter_count}/{expected}"

    @property
    def revised_on(self) -> dt.date:
        return timezone.localdate(self.revised_at)

    @property
    def creator_pseuds(self) -> list[Pseud]:
        """Pseuds in byline order, from the prefetched creatorships when present."""
        return [creatorship.pseud for creatorship in self.creatorships.all()]

    # Tag helpers read from the prefetched `tags` when present (listing queries prefetch them).
    def tags_of(self, kind: str) -> list[Tag]:
        return [tag for tag in self.tags.all() if tag.kind == kind]

    @property
    def rating(self) -> Tag | None:
        ratings = self.tags_of(TagKind.RATING)
        return ratings[0] if ratings else None

    @property
    def is_adult(self) -> bool:
        rating = self.rating
        return rating is not None and rating.pk in ADULT_RATING_IDS


class Creatorship(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="creatorships")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="creatorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["work", "pseud"], name="one_creatorship_per_pseud"),
        ]

    def __str__(self) -> str:
        return f"{self.pseud} on {self.work_id}"


class Chapter(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=CHAPTER_TITLE_MAX, blank=True)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    end_notes = models.TextField(blank=True)
    body = models.TextField()
    posted = models.BooleanField(default=False)
    # As on a work: an unposted chapter that goes out by itself at this moment.
    scheduled_for = models.DateTimeField(null=True, blank=True, db_index=True)
    word_count = models.PositiveIntegerField(default=0)
    published_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["work", "position"], name="chapter_position_unique"),
        ]

    def __str__(self) -> str:
        return self.title or f"Chapter {self.position}"

    def get_absolute_url(self) -> str:
        return reverse("works:chapter", args=[self.work_id, self.pk])

    @property
    def is_scheduled(self) -> bool:
        """Waiting for its release time (still in the future)."""
        return _waiting(self.posted, self.scheduled_for)


RELATED_TITLE_MAX = 255
RELATED_AUTHOR_MAX = 255
RELATED_URL_MAX = 2000
# How many works one work may name as its inspirations.
PARENTS_PER_WORK_MAX = 20


class RelatedKind(models.TextChoices):
    INSPIRATION = "inspiration", "Inspired by"
    REMIX = "remix", "A remix of"
    TRANSLATION = "translation", "A translation of"


class RelatedStatus(models.TextChoices):
    """The parent's creators decide whether the child shows under their work (AO3's
    `reciprocal`); the child always names its parent."""

    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    HIDDEN = "hidden", "Hidden"


class RelatedWork(models.Model):
    """`work` (the child) was inspired by, remixes or translates `parent` (a work here) or an
    external work (its URL, title and author)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="child_links"
    )
    external_url = models.URLField(max_length=RELATED_URL_MAX, blank=True)
    external_title = models.CharField(max_length=RELATED_TITLE_MAX, blank=True)
    external_author = models.CharField(max_length=RELATED_AUTHOR_MAX, blank=True)
    kind = models.CharField(
        max_length=12, choices=RelatedKind.choices, default=RelatedKind.INSPIRATION
    )
    # A translation's language (the child's, by default).
    language = models.CharField(max_length=12, choices=LANGUAGE_CHOICES, blank=True)
    status = models.CharField(
        max_length=10, choices=RelatedStatus.choices, default=RelatedStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["work", "parent"],
                condition=models.Q(parent__isnull=False),
                name="one_link_per_parent",
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False, external_url="")
                | models.Q(parent__isnull=True) & ~models.Q(external_url=""),
                name="a_parent_here_or_elsewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_id} {self.kind} {self.parent_id or self.external_url}"

    @property
    def is_external(self) -> bool:
        return self.parent_id is None
