"""Works, their chapters and who created them. Workflows: services.py; reads: queries.py."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Pseud, User
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
# AO3's limits on a work's co-creators and on its gift recipients.
CREATORS_MAX = 75
GIFTS_MAX = 75
SKIN_TITLE_MAX = 100
SKIN_DESCRIPTION_MAX = 1_000
GIFT_NAME_MAX = 100


def _waiting(posted: bool, scheduled_for: dt.datetime | None) -> bool:
    return not posted and scheduled_for is not None and scheduled_for > timezone.now()


class CommentPermission(models.TextChoices):
    EVERYONE = "everyone", _("Registered users and guests can comment")
    REGISTERED = "registered", _("Only registered users can comment")
    NO_ONE = "no_one", _("No one can comment")


class Skin(models.Model):
    """A work skin (AO3's name): a stylesheet a creator writes for the look of their works —
    text messages, letters, chat logs. Kept as sanitised on the way in (`lifestream.core.css`),
    scoped under `#workskin`. A skin is its author's; an admin may make it public, offered to
    every creator."""

    title = models.CharField(max_length=SKIN_TITLE_MAX)
    description = models.TextField(blank=True)
    css = models.TextField(blank=True)
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skins")
    public = models.BooleanField(default=False)
    # A work skin styles the works wearing it (under #workskin); a site skin, chosen in a
    # reader's reading settings, styles every page they see.
    kind = models.CharField(
        max_length=4, choices=[("work", _("Work skin")), ("site", _("Site skin"))], default="work"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "title"], name="one_skin_title_per_author")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("works:skin", args=[self.pk])


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
    # Shown as by "Anonymous" to everyone but its creators (`access.visibility.shows_creators`):
    # what the creators chose (`anonymous_by_choice`), or because the work is in an anonymous
    # collection not yet revealed. Kept by the services from the two below.
    anonymous = models.BooleanField("post anonymously", default=False)
    anonymous_by_choice = models.BooleanField("post anonymously", default=False)
    # Kept by `archive_collections.services` from the work's collection items: in an anonymous
    # collection, in an unrevealed one (a "Mystery Work", `access.visibility`), not yet revealed.
    in_anonymous_collection = models.BooleanField(default=False, editable=False)
    in_unrevealed_collection = models.BooleanField(default=False, editable=False)
    # The moment its unrevealed collections reveal it (a challenge's works reveal date; kept by
    # `challenges.services`), null while any has none: from then on the visibility rules treat
    # it as revealed, whether or not the reveal task has run yet.
    unrevealed_until = models.DateTimeField(null=True, blank=True, editable=False)
    skin = models.ForeignKey(
        Skin, on_delete=models.SET_NULL, null=True, blank=True, related_name="works"
    )
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
    # Hidden by a moderator (`moderation.services.hide_work`): as absent as a draft for
    # everyone but its creators and the moderators (`access.visibility`); the creators see why.
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_reason = models.TextField(blank=True, default="", editable=False)

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


class CreditedManager(models.Manager["Creatorship"]):
    """Accepted creatorships only. It is the default manager, so `work.creatorships`, every
    prefetch and every `Creatorship.objects` query (bylines, listings, the indexes, who may
    edit) leave a pending invitation out: an invitee is nobody's creator until they accept."""

    def get_queryset(self) -> models.QuerySet[Creatorship]:
        return super().get_queryset().filter(approved=True)


class Creatorship(models.Model):
    """A pseud credited on a work. A co-creator invited by another creator is `approved=False`
    until they accept (AO3's consent rule); only `Creatorship.invitations` sees those rows."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="creatorships")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="creatorships")
    position = models.PositiveSmallIntegerField(default=0)
    approved = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    # Every row, pending invitations included: for the invitation pages and services only.
    invitations = models.Manager()
    objects = CreditedManager()

    class Meta:
        default_manager_name = "objects"
        base_manager_name = "invitations"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["work", "pseud"], name="one_creatorship_per_pseud"),
        ]

    def __str__(self) -> str:
        return f"{self.pseud} on {self.work_id}"


class Gift(models.Model):
    """A work given to a pseud on the archive, or to a name without an account. A refused gift
    stays (so it can't be given again unasked) but shows nowhere."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="gifts")
    pseud = models.ForeignKey(
        Pseud, on_delete=models.CASCADE, null=True, blank=True, related_name="gifts"
    )
    recipient_name = models.CharField(max_length=GIFT_NAME_MAX, blank=True)
    rejected = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["work", "pseud"],
                condition=models.Q(pseud__isnull=False),
                name="one_gift_per_pseud",
            ),
            models.UniqueConstraint(
                fields=["work", "recipient_name"],
                condition=models.Q(pseud__isnull=True),
                name="one_gift_per_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_id} for {self.recipient}"

    @property
    def recipient(self) -> str:
        return self.pseud.byline if self.pseud is not None else self.recipient_name


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
    # AO3's per-chapter creators: a subset of the work's; empty means all of them.
    pseuds = models.ManyToManyField(Pseud, blank=True, related_name="credited_chapters")

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
    INSPIRATION = "inspiration", _("Inspired by")
    REMIX = "remix", _("A remix of")
    TRANSLATION = "translation", _("A translation of")


class RelatedStatus(models.TextChoices):
    """The parent's creators decide whether the child shows under their work (AO3's
    `reciprocal`); the child always names its parent."""

    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    HIDDEN = "hidden", _("Hidden")


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


# AO3's limits for series.
SERIES_TITLE_MAX = 240
SERIES_SUMMARY_MAX = 1250
SERIES_NOTES_MAX = 5000
SERIES_PER_WORK_MAX = 50


class Series(models.Model):
    """Works read in an order. A work may be in several series; a series' creators are the
    pseuds whose works joined it (and whoever made it), and any of them may edit it."""

    title = models.CharField(max_length=SERIES_TITLE_MAX)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    complete = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    pseuds = models.ManyToManyField(Pseud, through="SeriesCreatorship", related_name="series")
    works = models.ManyToManyField(Work, through="SeriesPart", related_name="series")

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("works:series", args=[self.pk])


class SeriesCreatorship(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="creatorships")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="series_creatorships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "pseud"], name="one_series_creatorship_per_pseud"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pseud} on series {self.series_id}"


class SeriesPart(models.Model):
    """A work's place in a series: AO3's "Part N of TITLE". Positions are 1, 2, 3… among the
    series' parts; the services keep them dense when parts come, go or move."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="parts")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="series_parts")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "work"], name="one_part_per_work"),
        ]

    def __str__(self) -> str:
        return f"part {self.position} of series {self.series_id}"


# --- autosave -----------------------------------------------------------------------------------
# What a creator typed into a posting or chapter form, kept every few seconds until they save the
# form. It is never the work's text: readers never see it, and a posted work or chapter keeps
# its visible text until the creator restores this into the form and saves.

AUTOSAVE_MAX_CHARS = (
    CHAPTER_BODY_MAX
    + TITLE_MAX
    + 2 * CHAPTER_TITLE_MAX
    + 4 * SUMMARY_MAX
    + (6 * NOTES_MAX)
    + 20_000
)  # the tag fields and the choices
NEW_WORK_AUTOSAVES_MAX = 10


class AutosaveForm(models.TextChoices):
    WORK_NEW = "work_new", "new work"
    WORK_EDIT = "work_edit", "work"
    CHAPTER_NEW = "chapter_new", "new chapter"
    CHAPTER_EDIT = "chapter_edit", "chapter"


class Autosave(models.Model):
    """One per creator and form: a new work's form may have several (each gets an id the
    page keeps), any other form one per work or chapter."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="autosaves")
    form = models.CharField(max_length=12, choices=AutosaveForm.choices)
    work = models.ForeignKey(Work, null=True, on_delete=models.CASCADE, related_name="autosaves")
    chapter = models.ForeignKey(
        Chapter, null=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    # Field name -> the text typed (a list for checkboxes), exactly as the form sent it.
    fields = models.JSONField(default=dict)
    # Counts the saves, so a second window's save is noticed instead of overwritten.
    version = models.PositiveIntegerField(default=1)
    # A new work's form is named by a token of its own; once its fields made a draft, a row
    # with that token and the draft (and no fields) says so, so a save whose answer was lost
    # edits that draft again instead of making a second one.
    token = models.CharField(max_length=43, blank=True, default="", db_index=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "form", "work"],
                condition=models.Q(work__isnull=False, chapter__isnull=True),
                name="one_autosave_per_work_form",
            ),
            models.UniqueConstraint(
                fields=["user", "chapter"],
                condition=models.Q(chapter__isnull=False),
                name="one_autosave_per_chapter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} autosave of {self.user_id}"
