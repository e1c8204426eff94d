"""What the moderation desk lists."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from people.models import AuditEntry, User

from .models import Report, ReportState

DESK_ROWS = 20


def recent_signups() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("-date_joined", "-id")[:DESK_ROWS]


def restricted_users() -> QuerySet[User]:
    """Users suspended now or banned."""
    return User.objects.filter(
        Q(banned_at__isnull=False) | Q(suspended_until__gt=timezone.now())
    ).order_by("-banned_at", "-suspended_until", "username")


def audit_log() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.order_by("-created_at", "-id")


def staff() -> QuerySet[User]:
    """Everyone with a role, superusers included."""
    return User.objects.filter(
        Q(is_tag_wrangler=True)
        | Q(is_moderator=True)
        | Q(is_archive_admin=True)
        | Q(is_superuser=True)
    ).order_by("username")


def find_user(name: str) -> User | None:
    return User.objects.filter(username__iexact=name).first()


def open_reports() -> QuerySet[Report]:
    """The queue: new and in-progress reports, oldest first (the longest waiting)."""
    return (
        Report.objects.filter(state__in=[ReportState.NEW, ReportState.IN_PROGRESS])
        .select_related("reporter")
        .order_by("created_at", "id")[:DESK_ROWS]
    )
