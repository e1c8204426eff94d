"""Authors of an imported archive claim their accounts: each gets an email with a link where
they choose a password (their eFiction password, an MD5 hash, was never kept). The link
stops working once a password is set, and after CLAIM_DAYS."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from lifestream.core.text import one_line
from people.models import User

from ..models import LegacyKind, LegacyRecord

CLAIM_SALT = "lifestream.imports.claim"
CLAIM_DAYS = 90


def _stamp(user: User) -> str:
    # Changes as soon as the account has a password: a used link is dead.
    return salted_hmac(CLAIM_SALT, user.password).hexdigest()[:20]


def claim_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "stamp": _stamp(user)}, salt=CLAIM_SALT)


def user_for_claim(token: str) -> User | None:
    """The account a claim link is for, if the link is good, recent and not used yet."""
    try:
        claim = signing.loads(token, salt=CLAIM_SALT, max_age=CLAIM_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=claim.get("user"), is_active=True).first()
    if user is None or user.has_usable_password() or claim.get("stamp") != _stamp(user):
        return None
    return user


def send_claims() -> int:
    """Mail every imported author with an address who has not been invited yet; returns how
    many were sent."""
    pending = LegacyRecord.objects.filter(kind=LegacyKind.AUTHOR, claim_sent_at__isnull=True)
    users = User.objects.in_bulk([record.target_id for record in pending])
    sent = 0
    for record in pending:
        user = users.get(record.target_id)
        if user is None or not user.email or user.has_usable_password():
            continue
        url = f"{settings.SITE_URL}{reverse('imports:claim', args=[claim_token(user)])}"
        context = {"user": user, "url": url, "days": CLAIM_DAYS, "site_url": settings.SITE_URL}
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = one_line(render_to_string("imports/claim_subject.txt", context))
            body = render_to_string("imports/claim_email.txt", context)
        send_mail(subject, body, None, [user.email])
        LegacyRecord.objects.filter(pk=record.pk).update(claim_sent_at=timezone.now())
        sent += 1
    return sent
