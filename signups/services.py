"""Writes of sign-up control: the settings, invitations, the invite queue, registering an
account (with its invitation, its email to confirm and the terms it accepts), confirming,
approving and accepting the terms again when they change. No HTTP here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lifestream.core.errors import FieldError, InvalidInput, NotFound
from lifestream.core.text import one_line
from people import services as people_services
from people.models import User

from . import queries
from .models import (
    Invitation,
    InviteRequest,
    PendingAccount,
    Registration,
    SiteSettings,
    TermsAcceptance,
)

INVITATIONS_ISSUED_MAX = 1000
TERMS_MAX = 100_000
CONFIRMATION_SALT = "lifestream.signups.confirm"
CONFIRMATION_DAYS = 7
DAY = dt.timedelta(days=1)


def _refused(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([FieldError(field, code, message)])


def _email(email: str) -> str:
    email = User.objects.normalize_email(one_line(email).strip())
    try:
        validate_email(email)
    except ValidationError:
        raise _refused("email", "invalid", gettext("Enter a valid email address.")) from None
    return email


def _mail(subject_template: str, body_template: str, context: dict, to: str, language: str) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {**context, "site_url": settings.SITE_URL}
        subject = one_line(render_to_string(subject_template, context))
        body = render_to_string(body_template, context)
    send_mail(subject, body, None, [to])


def _mail_later(*args: object) -> None:
    transaction.on_commit(partial(_mail, *args))  # type: ignore[arg-type]


# -- Settings ---------------------------------------------------------------------------------


@dataclass
class SettingsData:
    registration: str = Registration.OPEN
    invitations_per_user: int = 3
    queue_per_day: int = 10
    terms: str = ""
    content_policy: str = ""


@transaction.atomic
def update_settings(data: SettingsData) -> SiteSettings:
    """Save the archive's sign-up settings. Changed terms or content policy get a new version,
    which every member accepts again before going on."""
    errors = []
    if data.registration not in Registration.values:
        errors.append(FieldError("registration", "invalid", gettext("Choose how people sign up.")))
    for name, value, top in (
        ("invitations_per_user", data.invitations_per_user, 100),
        ("queue_per_day", data.queue_per_day, 10_000),
    ):
        if not 0 <= value <= top:
            errors.append(
                FieldError(
                    name,
                    "out_of_range",
                    gettext("Give a number from 0 to %(top)s.") % {"top": f"{top:,}"},
                )
            )
    for name, text in (("terms", data.terms), ("content_policy", data.content_policy)):
        if len(text) > TERMS_MAX:
            errors.append(
                FieldError(
                    name,
                    "too_long",
                    gettext("This text can be at most %(count)s characters.")
                    % {"count": f"{TERMS_MAX:,}"},
                )
            )
    if errors:
        raise InvalidInput(errors)
    site = SiteSettings.objects.select_for_update().get(pk=queries.site_settings().pk)
    terms, policy = data.terms.strip(), data.content_policy.strip()
    if (terms, policy) != (site.terms, site.content_policy):
        site.terms_version += 1
        site.terms_changed_at = timezone.now()
    site.registration = data.registration
    site.invitations_per_user = data.invitations_per_user
    site.queue_per_day = data.queue_per_day
    site.terms, site.content_policy = terms, policy
    site.save()
    return site


# -- Invitations ------------------------------------------------------------------------------


def issue_invitations(issuer: User | None, count: int) -> list[Invitation]:
    """`count` new codes for `issuer` to hand out (None: codes an admin hands out)."""
    if not 1 <= count <= INVITATIONS_ISSUED_MAX:
        raise _refused(
            "count",
            "out_of_range",
            gettext("Issue from 1 to %(top)s invitations at a time.")
            % {"top": f"{INVITATIONS_ISSUED_MAX:,}"},
        )
    return Invitation.objects.bulk_create([Invitation(issuer=issuer) for _ in range(count)])


def give_member_invitations(user: User) -> None:
    """A member has at least the archive's number of invitations (the ones they have used
    count); an admin may have given them more."""
    allowance = queries.site_settings().invitations_per_user
    missing = allowance - Invitation.objects.filter(issuer=user).count()
    if missing > 0:
        issue_invitations(user, missing)


def _invitation_mail(invitation: Invitation, inviter: str) -> tuple:
    url = f"{settings.SITE_URL}{reverse('signups:signup_invited', args=[invitation.token])}"
    return (
        "signups/invitation_subject.txt",
        "signups/invitation_email.txt",
        {"url": url, "inviter": inviter},
        invitation.email,
        settings.LANGUAGE_CODE,
    )


@transaction.atomic
def send_invitation(user: User, invitation_id: int, email: str) -> Invitation:
    """Send one of `user`'s unused invitations to `email` (not while they are suspended)."""
    if user.is_suspended:
        raise _refused(
            "invitation", "suspended", gettext("A suspended account can't send invitations.")
        )
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id, issuer=user, redeemed_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise NotFound(gettext("No such invitation."))
    email = _email(email)
    invitation.email, invitation.sent_at = email, timezone.now()
    invitation.save(update_fields=["email", "sent_at"])
    _mail_later(*_invitation_mail(invitation, user.username))
    return invitation


# -- The invite queue -------------------------------------------------------------------------


@transaction.atomic
def join_queue(email: str) -> int:
    """Put `email` in the invite queue; its position (1: next). Joining twice keeps the first
    place. Whether the address already has an account is not said (nor stored elsewhere)."""
    if queries.site_settings().registration != Registration.QUEUE:
        raise _refused(
            "email", "queue_closed", gettext("The archive is not taking invite requests.")
        )
    email = _email(email)
    if not InviteRequest.objects.filter(email__iexact=email).exists():
        InviteRequest.objects.create(email=email)
        _queue_hand_out()
    position = queries.queue_position(email)
    if position is None:  # already sent an invitation
        raise _refused(
            "email",
            "already_invited",
            gettext("An invitation was already sent to this address: look for it in your mail."),
        )
    return position


def send_queued_invitations(now: dt.datetime | None = None) -> int:
    """Send invitations to the oldest requests in the queue: at most the archive's number a day
    (counted over the last 24 hours, so running this often, or twice, sends no more). Returns
    how many went out."""
    now = now or timezone.now()
    site = queries.site_settings()
    with transaction.atomic():
        waiting = list(
            InviteRequest.objects.select_for_update()
            .filter(invitation__isnull=True)
            .order_by("created_at", "pk")[: site.queue_per_day]
        )
        sent_today = InviteRequest.objects.filter(
            invitation__sent_at__gt=now - DAY, invitation__isnull=False
        ).count()
        room = max(0, site.queue_per_day - sent_today)
        for request in waiting[:room]:
            invitation = Invitation.objects.create(email=request.email, sent_at=now)
            request.invitation = invitation
            request.save(update_fields=["invitation"])
            _mail_later(*_invitation_mail(invitation, ""))
        handed = min(room, len(waiting))
    later = _next_room(now)
    if later > now and queries.queue_length():
        _queue_hand_out(later)  # the next one goes out when the day's room comes back
    return handed


def _next_room(now: dt.datetime) -> dt.datetime:
    """When the next invitation may go out: a day after the oldest of the last day's."""
    oldest = (
        Invitation.objects.filter(request__isnull=False, sent_at__gt=now - DAY)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return (oldest + DAY) if oldest else now


def _queue_hand_out(at: dt.datetime | None = None) -> None:
    transaction.on_commit(partial(_enqueue_hand_out, at))


def _enqueue_hand_out(at: dt.datetime | None) -> None:
    from .tasks import hand_out_invitations  # tasks import this module

    if at is None:
        hand_out_invitations.enqueue()
    elif hand_out_invitations.get_backend().supports_defer:
        # A backend that can't wait (tests, `immediate`) gets nothing: the next joiner, the
        # command or the worker's next run hands them out.
        hand_out_invitations.using(run_after=at).enqueue()


# -- Signing up -------------------------------------------------------------------------------


def signup_refusal(mode: str, invitation: Invitation | None) -> str | None:
    """Why nobody may sign up now (with this invitation or without), or None."""
    if mode == Registration.CLOSED:
        return gettext("The archive is not taking new accounts at the moment.")
    if mode in (Registration.INVITATION, Registration.QUEUE) and invitation is None:
        return gettext("You need an invitation to create an account on this archive.")
    return None


@transaction.atomic
def register(
    username: str, email: str, password: str, *, invitation_token: str = ""
) -> tuple[User, PendingAccount]:
    """Create an account the way the archive's settings say: with an unused invitation where
    one is needed (used up here), waiting for approval where accounts are approved, and always
    waiting for its email's confirmation. The terms in force are accepted as of now."""
    site = queries.site_settings()
    invitation = None
    if invitation_token:
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token=invitation_token, redeemed_at__isnull=True)
            .first()
        )
    refusal = signup_refusal(site.registration, invitation)
    if refusal is None and invitation_token and invitation is None:
        refusal = gettext("This invitation has already been used or does not exist.")
    if refusal:
        raise _refused("invitation", "signup_refused", refusal)
    user = people_services.create_user(username, email, password)
    pending = PendingAccount.objects.create(
        user=user, needs_approval=site.registration == Registration.APPROVAL
    )
    if invitation is not None:
        invitation.redeemed_by, invitation.redeemed_at = user, timezone.now()
        invitation.save(update_fields=["redeemed_by", "redeemed_at"])
    if site.terms_version:
        TermsAcceptance.objects.create(user=user, version=site.terms_version)
    send_confirmation(user)
    return user, pending


def confirmation_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)


def send_confirmation(user: User) -> None:
    url = reverse("signups:confirm", args=[confirmation_token(user)])
    _mail_later(
        "signups/confirm_subject.txt",
        "signups/confirm_email.txt",
        {"user": user, "url": f"{settings.SITE_URL}{url}", "days": CONFIRMATION_DAYS},
        user.email,
        user.language,
    )


@transaction.atomic
def confirm_email(token: str) -> User:
    """The account whose email the link in its confirmation mail confirms."""
    try:
        claim = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_DAYS * DAY)
    except signing.BadSignature:
        raise _refused(
            "token",
            "bad_confirmation",
            gettext("This confirmation link is not valid or has expired. Log in to get a new one."),
        ) from None
    user = User.objects.filter(pk=claim.get("user"), email=claim.get("email")).first()
    if user is None:
        raise _refused(
            "token", "bad_confirmation", gettext("This confirmation link is for another address.")
        )
    pending = PendingAccount.objects.select_for_update().filter(user=user).first()
    if pending is not None:
        if pending.needs_approval:
            PendingAccount.objects.filter(pk=pending.pk).update(needs_confirmation=False)
        else:
            pending.delete()
    return user


def contribution_refusal(user: object) -> str | None:
    """Why `user` may not post or comment yet (their email isn't confirmed), or None."""
    pending = queries.pending_of(user)
    if pending is not None and pending.needs_confirmation:
        return gettext(
            "Please confirm your email address first: follow the link in the email we sent "
            "you. (You can ask for a new one on your preferences page.)"
        )
    return None


def check_may_contribute(user: object, field: str = "account") -> None:
    refusal = contribution_refusal(user)
    if refusal:
        raise _refused(field, "email_unconfirmed", refusal)


# -- Approval ---------------------------------------------------------------------------------


@transaction.atomic
def approve(pending_id: int) -> User:
    pending = PendingAccount.objects.select_for_update().filter(pk=pending_id).first()
    if pending is None or not pending.needs_approval:
        raise NotFound(gettext("No such account is waiting."))
    user = pending.user
    if pending.needs_confirmation:
        PendingAccount.objects.filter(pk=pending.pk).update(needs_approval=False)
    else:
        pending.delete()
    _mail_later(
        "signups/approved_subject.txt",
        "signups/approved_email.txt",
        {"user": user, "url": f"{settings.SITE_URL}{reverse('login')}"},
        user.email,
        user.language,
    )
    return user


@transaction.atomic
def reject(pending_id: int) -> str:
    """Refuse an account waiting for approval: it never could log in, so it goes entirely."""
    pending = PendingAccount.objects.select_for_update().filter(pk=pending_id).first()
    if pending is None or not pending.needs_approval:
        raise NotFound(gettext("No such account is waiting."))
    user = pending.user
    name = user.username
    _mail_later(
        "signups/rejected_subject.txt",
        "signups/rejected_email.txt",
        {"user": user},
        user.email,
        user.language,
    )
    user.delete()
    return name


# -- Terms ------------------------------------------------------------------------------------


def accept_terms(user: User) -> int:
    version = queries.site_settings().terms_version
    if version:
        TermsAcceptance.objects.get_or_create(user=user, version=version)
    return version
