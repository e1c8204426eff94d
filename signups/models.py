"""Who may join the archive and on what terms: the archive's sign-up settings, invitations,
the invite queue, accounts still waiting (for their email's confirmation or an admin's
approval) and each member's acceptance of the terms of service.

An account with no `PendingAccount` row is a full member: accounts made before sign-ups were
controlled, by admins or by the tests are never held back."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import User


class Registration(models.TextChoices):
    OPEN = "open", _("Open: anyone may sign up")
    INVITATION = "invitation", _("By invitation: a code from a member or an admin")
    QUEUE = "queue", _("Invite queue: people join a queue and invitations go out each day")
    APPROVAL = "approval", _("Approval: accounts wait until an admin approves them")
    CLOSED = "closed", _("Closed: nobody may sign up")


class SiteSettings(models.Model):
    """The archive's one row of settings chosen by an admin at /admin/settings."""

    registration = models.CharField(
        max_length=12, choices=Registration.choices, default=Registration.OPEN
    )
    invitations_per_user = models.PositiveSmallIntegerField(default=3)
    queue_per_day = models.PositiveSmallIntegerField(default=10)
    terms = models.TextField(blank=True)
    content_policy = models.TextField(blank=True)
    # Goes up by one each time the terms or the content policy change; 0 while there are none.
    terms_version = models.PositiveIntegerField(default=0)
    terms_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return f"Site settings ({self.registration})"


def new_token() -> str:
    return secrets.token_urlsafe(15)


class Invitation(models.Model):
    """A code that lets one person sign up. `issuer` is the member it was given to (None: an
    admin's or the queue's); `email` where it was sent, if it was."""

    token = models.CharField(max_length=40, unique=True, default=new_token)
    issuer = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invited_by"
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["issuer", "redeemed_at"])]

    def __str__(self) -> str:
        return f"Invitation {self.token}"

    @property
    def redeemed(self) -> bool:
        return self.redeemed_at is not None


class InviteRequest(models.Model):
    """An email waiting in the invite queue; `invitation` once one was sent to it."""

    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="invite_request_email")]
        indexes = [models.Index(fields=["invitation", "created_at"])]

    def __str__(self) -> str:
        return f"Invite request {self.pk}"


class PendingAccount(models.Model):
    """An account made at sign-up that may not yet do everything: its email is not confirmed
    (it may read and write drafts, not post or comment), or an admin has not approved it (it
    can't log in)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="pending")
    needs_confirmation = models.BooleanField(default=True)
    needs_approval = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Pending account {self.user_id}"


class TermsAcceptance(models.Model):
    """A member agreeing to version `version` of the terms of service and content policy."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="terms_acceptances")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="terms_acceptance_once")
        ]

    def __str__(self) -> str:
        return f"Terms v{self.version} accepted by {self.user_id}"
