"""Collections: a named gathering of works and bookmarks (a fandom event, a theme, a
challenge), run by its owners and moderators. Workflows: services.py; reads: queries.py; who
sees what: `access.visibility` (unrevealed and anonymous collections, pending items).

A work's own flags follow its items (`works.models.Work.anonymous`,
`Work.in_unrevealed_collection`), kept by `archive_collections.services`, so every listing,
byline and index reads one column rather than joining collections."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import Bookmark
from people.models import Pseud, User
from works.models import Work

NAME_MAX = 255
TITLE_MAX = 255
TEXT_MAX = 65_000
URL_MAX = 2_000
# AO3's rule for a collection's name (its address): letters, digits and underscores.
NAME_PATTERN = r"^[A-Za-z0-9_]+$"
name_validator = RegexValidator(
    NAME_PATTERN,
    _("A collection's name may use only letters, digits and underscores (no spaces)."),
    code="invalid_name",
)


class Collection(models.Model):
    name = models.CharField(max_length=NAME_MAX, unique=True, validators=[name_validator])
    title = models.CharField(max_length=TITLE_MAX)
    header_image_url = models.URLField(max_length=URL_MAX, blank=True)
    # Sanitised on the way in (`lifestream.core.text.sanitize_html`).
    description = models.TextField(blank=True)
    intro = models.TextField(blank=True)
    faq = models.TextField(blank=True)
    rules = models.TextField(blank=True)
    # Open: accepts new items (a closed one takes them from its moderators only).
    open = models.BooleanField(default=True)
    # Moderated: an item waits for a moderator's approval before the collection lists it.
    moderated = models.BooleanField(default=False)
    # Unrevealed: its works are "Mystery Work" to all but their creators and the moderators.
    unrevealed = models.BooleanField(default=False)
    # Anonymous: its works are by "Anonymous" until revealed.
    anonymous = models.BooleanField(default=False)
    # One level of subcollections: a subcollection has no children.
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="collection_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collections:show", args=[self.name])


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MODERATOR = "moderator", _("Moderator")
    MEMBER = "member", _("Member")
    INVITED = "invited", _("Invited")
    APPLIED = "applied", _("Applied")


# Roles that run the collection: owners manage participants, both approve items.
MANAGING_ROLES = (Role.OWNER, Role.MODERATOR)


class CollectionParticipant(models.Model):
    """A user's place in a collection, under one of their pseuds (as credits are)."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="collection_roles")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="collection_roles")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["collection_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "user"], name="one_participant_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.pseud} in {self.collection_id} ({self.role})"


class Approval(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CollectionItem(models.Model):
    """A work or a bookmark (exactly one) in a collection. Two sides consent: the item's
    owner (`user_approval`: the creator of the work, the bookmarker) and the collection
    (`collection_approval`: its moderators; at once in a collection that is not moderated).
    The collection lists an item only when both have approved."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="collection_items"
    )
    bookmark = models.ForeignKey(
        Bookmark,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="collection_items",
    )
    user_approval = models.CharField(
        max_length=10, choices=Approval.choices, default=Approval.PENDING
    )
    collection_approval = models.CharField(
        max_length=10, choices=Approval.choices, default=Approval.PENDING
    )
    # Copied from the collection when the item is added; the reveal clears them.
    unrevealed = models.BooleanField(default=False)
    anonymous = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work__isnull=False, bookmark__isnull=True)
                | Q(work__isnull=True, bookmark__isnull=False),
                name="collection_item_has_one_target",
            ),
            models.UniqueConstraint(fields=["collection", "work"], name="one_item_per_work"),
            models.UniqueConstraint(
                fields=["collection", "bookmark"], name="one_item_per_bookmark"
            ),
        ]
        indexes = [
            models.Index(
                fields=["collection", "user_approval", "collection_approval"],
                name="collection_item_approved",
            ),
        ]

    def __str__(self) -> str:
        target = f"work {self.work_id}" if self.work_id else f"bookmark {self.bookmark_id}"
        return f"{target} in {self.collection_id}"

    @property
    def approved(self) -> bool:
        return (
            self.user_approval == Approval.APPROVED
            and self.collection_approval == Approval.APPROVED
        )


def approved_q(prefix: str = "") -> Q:
    """Items both sides approved: the ones a collection lists."""
    return Q(
        **{
            f"{prefix}user_approval": Approval.APPROVED,
            f"{prefix}collection_approval": Approval.APPROVED,
        }
    )
