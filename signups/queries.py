"""Reads of the sign-up settings, invitations and the queue."""

from __future__ import annotations

from django.db.models import QuerySet

from people.models import User

from .models import Invitation, InviteRequest, PendingAccount, SiteSettings, TermsAcceptance


def site_settings() -> SiteSettings:
    settings, _created = SiteSettings.objects.get_or_create(pk=1)
    return settings


def usable_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 40:
        return None
    return Invitation.objects.filter(token=token, redeemed_at__isnull=True).first()


def own_invitations(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(issuer=user).select_related("redeemed_by").order_by("pk")


def queue_position(email: str) -> int | None:
    """Where `email` waits in the invite queue (1: next), or None if it isn't waiting."""
    waiting = InviteRequest.objects.filter(invitation__isnull=True)
    request = waiting.filter(email__iexact=email).first()
    if request is None:
        return None
    ahead = waiting.filter(created_at__lt=request.created_at).count()
    ahead += waiting.filter(created_at=request.created_at, pk__lt=request.pk).count()
    return ahead + 1


def queue_length() -> int:
    return InviteRequest.objects.filter(invitation__isnull=True).count()


def pending_of(user: object) -> PendingAccount | None:
    if not isinstance(user, User):
        return None
    return PendingAccount.objects.filter(user=user).first()


def awaiting_approval() -> QuerySet[PendingAccount]:
    return (
        PendingAccount.objects.filter(needs_approval=True)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def accepted_version(user: User) -> int:
    latest = (
        TermsAcceptance.objects.filter(user=user).order_by("-version").values_list("version")
    ).first()
    return latest[0] if latest else 0


def terms_due(user: User) -> bool:
    """True if the archive has terms `user` has not accepted in their current version."""
    version = site_settings().terms_version
    return version > 0 and accepted_version(user) < version


def admin_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("issuer", "redeemed_by").order_by("-pk")
