"""What a digest email says: the pending notices a user may still see, grouped for reading.
Built by the `send_digest` task; kept apart so the task reads as its steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from access.visibility import ANONYMOUS, attributed_credits, visible_notices_q
from lifestream.core.text import html_to_text, sanitize_html
from people.models import User
from works.models import Work

from .models import Notification, NotificationKind
from .notify import EMAIL_PREFERENCE, NOTICE_RELATIONS, kudos_ready_at

SUBSCRIPTION_KINDS = {NotificationKind.NEW_CHAPTER, NotificationKind.NEW_WORK}
COMMENT_KINDS = {NotificationKind.COMMENT, NotificationKind.REPLY}
CREDIT_KINDS = {NotificationKind.COCREATOR, NotificationKind.GIFT}


@dataclass
class KudosLine:
    work: Work
    count: int


@dataclass
class Digest:
    """The notices one email carries, and the pending ones it drops for good (no longer
    wanted by email, or no longer visible to the user)."""

    user: User
    sent: list[Notification] = field(default_factory=list)
    dropped_ids: list[int] = field(default_factory=list)

    @property
    def subscriptions(self) -> list[Notification]:
        return [n for n in self.sent if n.kind in SUBSCRIPTION_KINDS]

    @property
    def comments(self) -> list[Notification]:
        return [n for n in self.sent if n.kind in COMMENT_KINDS]

    @property
    def credits(self) -> list[Notification]:
        return [n for n in self.sent if n.kind in CREDIT_KINDS]

    @property
    def related(self) -> list[Notification]:
        return [n for n in self.sent if n.kind == NotificationKind.RELATED]

    @property
    def kudos(self) -> list[KudosLine]:
        lines: dict[int, KudosLine] = {}
        for notice in self.sent:
            if notice.kind == NotificationKind.KUDOS and notice.work is not None:
                line = lines.setdefault(notice.work.pk, KudosLine(notice.work, 0))
                line.count += 1
        return list(lines.values())


def collect(user: User, now: dt.datetime) -> Digest:
    """The user's pending notices sorted into what goes out now, what waits (kudos before
    their day is up) and what is dropped."""
    wanted = [kind for kind, pref in EMAIL_PREFERENCE.items() if getattr(user, pref)]
    pending = Notification.objects.filter(user=user, emailed_at__isnull=True)
    showable = list(
        pending.filter(visible_notices_q(user), kind__in=wanted)
        .select_related(*NOTICE_RELATIONS)
        .order_by("created_at", "id")
    )
    kudos_at = kudos_ready_at(user.pk)
    kudos_ready = kudos_at is None or kudos_at <= now
    digest = Digest(user)
    digest.sent = [n for n in showable if n.kind != NotificationKind.KUDOS or kudos_ready]
    kept = {n.pk for n in showable}
    # A notice about a work in an unrevealed collection (a gift before its reveal) is neither
    # sent nor dropped: it waits for the reveal, which schedules the digest again.
    digest.dropped_ids = [
        pk
        for pk, waiting in pending.values_list("pk", "work__in_unrevealed_collection")
        if pk not in kept and not waiting
    ]
    _attach_creators(digest.sent)
    return digest


def _attach_creators(notices: list[Notification]) -> None:
    """Each work's creator pseuds, for "by …" lines, in one query."""
    work_ids = {n.work_id for n in notices if n.work_id}
    bylines: dict[int, list[str]] = {}
    # Emails go out of the archive: an anonymous work is by "Anonymous" in them all.
    for creatorship in (
        attributed_credits(work_id__in=work_ids)
        .select_related("pseud__user")
        .order_by("position", "id")
    ):
        bylines.setdefault(creatorship.work_id, []).append(creatorship.pseud.byline)
    for notice in notices:
        if notice.work is not None:
            notice.work.byline = ", ".join(bylines.get(notice.work.pk, [])) or ANONYMOUS  # type: ignore[attr-defined]  # for the email's template


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _comment_context(notice: Notification) -> dict[str, object]:
    comment = notice.comment
    assert comment is not None
    body = sanitize_html(comment.body, allow_classes=False)
    return {
        "notice": notice,
        "author": comment.author_label or gettext("Someone"),
        "text": html_to_text(body).strip(),
        "html": mark_safe(body),  # sanitised on the line above
        "url": _absolute(f"/comments/{comment.pk}"),
        "work_url": _absolute(
            comment.admin_post.get_absolute_url()
            if comment.admin_post is not None
            else reverse("works:work", args=[notice.work_id])
        ),
        "title": comment.target.title,
    }


def _subscription_context(notice: Notification) -> dict[str, object]:
    if notice.chapter is not None:
        url = reverse("works:chapter", args=[notice.work_id, notice.chapter.pk])
    else:
        url = reverse("works:work", args=[notice.work_id])
    return {"notice": notice, "work": notice.work, "chapter": notice.chapter, "url": _absolute(url)}


def _credit_context(user: User, notice: Notification) -> dict[str, object]:
    # An invitation is answered on the co-creator requests page; a gift is read on its work.
    if notice.kind == NotificationKind.COCREATOR:
        url = reverse("feedback:creatorships", args=[user.username])
    else:
        url = reverse("works:work", args=[notice.work_id])
    return {"notice": notice, "work": notice.work, "actor": notice.actor, "url": _absolute(url)}


def render(digest: Digest) -> EmailMultiAlternatives:
    """The email: a plain-text body with an HTML alternative, from the feedback/email/ templates,
    in the recipient's language (their preference, else the archive's), whoever's request or
    task sends it."""
    with translation.override(digest.user.language or settings.LANGUAGE_CODE):
        return _render(digest)


def _render(digest: Digest) -> EmailMultiAlternatives:
    user = digest.user
    context = {
        "user": user,
        "site_url": settings.SITE_URL,
        "subscriptions": [_subscription_context(n) for n in digest.subscriptions],
        "comments": [_comment_context(n) for n in digest.comments],
        "credits": [_credit_context(user, n) for n in digest.credits],
        "related": [
            {
                "work": n.work,
                "url": _absolute(reverse("works:work", args=[n.work_id])),
            }
            for n in digest.related
        ],
        "related_url": _absolute(reverse("works:related_works", args=[user.username])),
        "kudos": [
            {
                "work": line.work,
                "count": line.count,
                "url": _absolute(reverse("works:work", args=[line.work.pk])),
            }
            for line in digest.kudos
        ],
        "count": len(digest.sent),
        "inbox_url": _absolute(reverse("feedback:inbox", args=[user.username])),
        "preferences_url": _absolute(reverse("people:preferences", args=[user.username])),
    }
    subject = " ".join(render_to_string("feedback/email/digest_subject.txt", context).split())
    text = render_to_string("feedback/email/digest.txt", context)
    html = render_to_string("feedback/email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    return message
