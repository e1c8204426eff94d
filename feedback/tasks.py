"""Background jobs of the feedback app. Each takes ids and does one job."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from people.models import User

from .models import Notification


@task()
def send_digest(user_id: int) -> None:
    """Email `user_id` everything waiting for their digest, in one message."""
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return
        pending = list(
            Notification.objects.filter(user=user, emailed_at__isnull=True)
            .select_related("work", "chapter", "comment", "actor")
            .order_by("created_at", "id")
        )
        User.objects.filter(pk=user_id).update(digest_due_at=None, last_digest_at=now)
        if not pending:
            return
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
        context = {"user": user, "notices": pending, "site_url": settings.SITE_URL}
        subject = render_to_string("feedback/email/digest_subject.txt", context).strip()
        body = render_to_string("feedback/email/digest.txt", context)
        # Sent after commit: a failed send leaves the notices marked, never a second copy.
        transaction.on_commit(
            lambda: send_mail(subject, body, None, [user.email], fail_silently=False)
        )
