"""Challenges run in a collection: a gift exchange (sign-ups, matching, assignments, fills, the
reveal) or a prompt meme (prompts, claims, fills). Workflows: services.py; the matching itself:
`archive_collections.matching`; who sees what: `access.visibility` (unrevealed fills)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive_collections.models import Collection
from people.models import Pseud, User
from tags.models import Tag
from works.models import Work

TEXT_MAX = 10_000
TITLE_MAX = 255
URL_MAX = 2_000
# The tag kinds a sign-up names (the matching's KINDS).
KINDS = ("fandom", "character", "relationship", "freeform")


class ChallengeKind(models.TextChoices):
    GIFT_EXCHANGE = "gift_exchange", _("Gift exchange")
    PROMPT_MEME = "prompt_meme", _("Prompt meme")


class Challenge(models.Model):
    """A collection's challenge (one per collection), set up by its moderators.

    `tag_rules` holds, per tag kind, how many tags a request and an offer name, whether "any"
    may stand for them, how many must match, and the allowed tag ids ([] for any tag):
    ``{"fandom": {"request_min": 1, "request_max": 1, "offer_min": 1, "offer_max": 2,
    "match": 1, "any_allowed": false, "allowed": []}, ...}``."""

    collection = models.OneToOneField(
        Collection, on_delete=models.CASCADE, related_name="challenge"
    )
    kind = models.CharField(max_length=20, choices=ChallengeKind.choices)
    signups_open_at = models.DateTimeField(null=True, blank=True)
    signups_close_at = models.DateTimeField(null=True, blank=True)
    requests_min = models.PositiveSmallIntegerField(default=1)
    requests_max = models.PositiveSmallIntegerField(default=1)
    offers_min = models.PositiveSmallIntegerField(default=1)
    offers_max = models.PositiveSmallIntegerField(default=1)
    tag_rules = models.JSONField(default=dict, blank=True)
    prompt_text = models.TextField(blank=True)
    prompt_url = models.URLField(max_length=URL_MAX, blank=True)
    assignments_due_at = models.DateTimeField(null=True, blank=True)
    works_reveal_at = models.DateTimeField(null=True, blank=True)
    creators_reveal_at = models.DateTimeField(null=True, blank=True)
    # Pairs (giver sign-up id, recipient sign-up id) the moderators ruled out.
    forbidden_pairs = models.JSONField(default=list, blank=True)
    # Bookkeeping: when the assignments went out, when each reveal was done.
    assignments_sent_at = models.DateTimeField(null=True, blank=True)
    works_revealed_at = models.DateTimeField(null=True, blank=True)
    creators_revealed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.collection_id}"

    @property
    def is_exchange(self) -> bool:
        return self.kind == ChallengeKind.GIFT_EXCHANGE

    def signups_open(self, now: object = None) -> bool:
        moment = now or timezone.now()
        if self.signups_open_at and moment < self.signups_open_at:  # type: ignore[operator]
            return False
        return not (self.signups_close_at and moment >= self.signups_close_at)  # type: ignore[operator]


class Signup(models.Model):
    """One participant's sign-up to a gift exchange, under one of their pseuds. Its requests
    and offers are `SignupPrompt`s."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="challenge_signups")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="challenge_signups")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["challenge_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="one_signup_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.pseud} in {self.challenge_id}"


class Side(models.TextChoices):
    REQUEST = "request", _("Request")
    OFFER = "offer", _("Offer")


class SignupPrompt(models.Model):
    """A request or an offer: per tag kind, tag ids or "any" (`tags`:
    ``{"fandom": [3], "character": "any"}``), and free text."""

    signup = models.ForeignKey(Signup, on_delete=models.CASCADE, related_name="prompts")
    side = models.CharField(max_length=10, choices=Side.choices)
    position = models.PositiveSmallIntegerField(default=0)
    tags = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["signup_id", "side", "position", "id"]

    def __str__(self) -> str:
        return f"{self.side} {self.position} of {self.signup_id}"


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SENT = "sent", _("Sent")
    DEFAULTED = "defaulted", _("Defaulted")
    COMPLETED = "completed", _("Completed")


class Assignment(models.Model):
    """Who writes for whom. A proposed assignment is the moderators' until they send it; a
    giver who defaults leaves the recipient to a pinch hitter (a new assignment,
    `pinch_hit`)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="assignments")
    giver = models.ForeignKey(User, on_delete=models.CASCADE, related_name="gift_assignments")
    giver_pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Signup, on_delete=models.CASCADE, related_name="received")
    status = models.CharField(
        max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PROPOSED
    )
    fits = models.BooleanField(default=True)
    score = models.FloatField(default=0.0)
    # Settled by a moderator: re-running the matching keeps it.
    kept = models.BooleanField(default=False)
    pinch_hit = models.BooleanField(default=False)
    work = models.ForeignKey(
        Work, on_delete=models.SET_NULL, null=True, blank=True, related_name="fulfils"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    defaulted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["challenge_id", "id"]

    def __str__(self) -> str:
        return f"{self.giver_id} for {self.recipient_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == AssignmentStatus.SENT


class PinchHitter(models.Model):
    """A volunteer ready to cover for a giver who defaults."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="pinch_hitters")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["challenge_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="one_volunteer_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.pseud} for {self.challenge_id}"


class Prompt(models.Model):
    """A prompt meme's prompt: tags and text, by a pseud or anonymous."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="prompts")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="challenge_prompts")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="+")
    anonymous = models.BooleanField(default=False)
    title = models.CharField(max_length=TITLE_MAX)
    # Sanitised on the way in.
    description = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Claim(models.Model):
    """Someone means to fill a prompt."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="prompt_claims")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["prompt_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["prompt", "user"], name="one_claim_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.pseud} claims {self.prompt_id}"


class PromptFill(models.Model):
    """A work posted to the collection for a prompt. `notified_at`: when the prompter was told
    (at once, or at the reveal for a fill in an unrevealed collection)."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="fills")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="prompt_fills")
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["prompt_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["prompt", "work"], name="one_fill_per_work"),
        ]

    def __str__(self) -> str:
        return f"{self.work_id} fills {self.prompt_id}"
