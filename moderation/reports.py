"""Reports: filed by readers and guests on what they can see, worked through by moderators
(states, notes), and answered in the moderators' own words — in the reporter's inbox, or by
email for a guest. The answer carries only what the moderator wrote and what the reporter
already saw (the title or name they reported), nothing else about the reported account."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from access.getters import get_chapter_for_reader, get_work_for_reader
from feedback.queries.bookmarks import get_bookmark_for_viewer
from feedback.queries.comments import get_comment_for_reader
from lifestream.core.actors import Actor
from lifestream.core.errors import ErrorList, LoginRequired, NotFound
from lifestream.core.ratelimit import check_rate
from lifestream.core.text import one_line
from people.models import AuditAction, User
from people.queries import find_user

from .models import (
    ANSWER_MAX,
    NOTE_MAX,
    REPORT_TEXT_MAX,
    Report,
    ReportNote,
    ReportReason,
    ReportState,
    ReportTarget,
)
from .services import _message, audit, check_moderator


@dataclass(frozen=True)
class Target:
    kind: str
    pk: int
    label: str
    work_id: int | None = None


def find_target(viewer: object, kind: str, key: str) -> Target:
    """What `viewer` asks to report, if they may see it; NotFound otherwise (a report never
    tells that something exists). `key` is an id, or a login for a user."""
    try:
        return _find(viewer, kind, key)
    except (Http404, LoginRequired, ValueError) as error:
        raise NotFound(_("There is nothing to report there.")) from error


def _find(viewer: object, kind: str, key: str) -> Target:
    if kind == ReportTarget.USER:
        user = find_user(key)
        if user is None:
            raise ValueError(key)
        return Target(kind, user.pk, user.username)
    pk = int(key)
    if kind == ReportTarget.WORK:
        work = get_work_for_reader(viewer, pk)  # type: ignore[arg-type]  # a Viewer
        return Target(kind, work.pk, work.title, work.pk)
    if kind == ReportTarget.CHAPTER:
        chapter = get_chapter_for_reader(viewer, pk)  # type: ignore[arg-type]  # a Viewer
        label = _("%(title)s, chapter %(number)s") % {
            "title": chapter.work.title,
            "number": chapter.position,
        }
        return Target(kind, chapter.pk, label, chapter.work_id)
    if kind == ReportTarget.COMMENT:
        comment = get_comment_for_reader(viewer, pk)  # type: ignore[arg-type]  # a Viewer
        if comment.is_deleted:
            raise ValueError(key)
        label = _("A comment on %(title)s") % {"title": comment.target.title}
        return Target(kind, comment.pk, label, comment.work_id)
    if kind == ReportTarget.BOOKMARK:
        bookmark = get_bookmark_for_viewer(viewer, pk)  # type: ignore[arg-type]  # a Viewer
        label = _("A bookmark by %(name)s") % {"name": bookmark.user.username}
        return Target(kind, bookmark.pk, label)
    raise ValueError(kind)


@transaction.atomic
def file_report(actor: Actor, target: Target, reason: str, text: str, *, email: str = "") -> Report:
    """A report from a member, or a guest who leaves an address for the answer."""
    errors = ErrorList()
    if reason not in ReportReason.values:
        errors.add("reason", "invalid_choice", _("Choose a reason from the list."))
    text = (text or "").strip()
    if not text:
        errors.add("text", "required", _("Tell the moderators what is wrong."))
    errors.check_length("text", _("The report"), text, REPORT_TEXT_MAX)
    user = actor.user if actor.user.is_authenticated else None
    email = (email or "").strip()
    if user is None:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email", "invalid", _("Give an email address for the answer."))
    errors.raise_if_any()
    check_rate("report", actor, field="text", noun=_("reports"))
    return Report.objects.create(
        reporter=user,
        guest_email="" if user else email,
        target_type=target.kind,
        target_id=target.pk,
        target_label=one_line(target.label)[:200],
        work_id=target.work_id,
        reason=reason,
        text=text,
    )


def _report(report_id: int) -> Report:
    report = Report.objects.select_related("reporter").filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."))
    return report


def _label(report: Report) -> str:
    return _("Report %(id)s on %(label)s") % {"id": report.pk, "label": report.target_label}


@transaction.atomic
def set_state(actor: User, report_id: int, state: str, reason: str = "") -> Report:
    """Move a report along: new → in progress → actioned or dismissed (logged)."""
    check_moderator(actor)
    report = _report(report_id)
    if state not in ReportState.values:
        errors = ErrorList()
        errors.add("state", "invalid_choice", _("Choose a state from the list."))
        errors.raise_if_any()
    if report.state == state:
        return report
    report.state = state
    report.save(update_fields=["state", "updated_at"])
    why = reason.strip() or str(ReportState(state).label)
    audit(actor, AuditAction.REPORT, "report", report.pk, _label(report), why)
    return report


@transaction.atomic
def add_note(actor: User, report_id: int, text: str) -> ReportNote:
    check_moderator(actor)
    report = _report(report_id)
    errors = ErrorList()
    text = (text or "").strip()
    if not text:
        errors.add("note", "required", _("Write the note."))
    errors.check_length("note", _("The note"), text, NOTE_MAX)
    errors.raise_if_any()
    if report.state == ReportState.NEW:
        report.state = ReportState.IN_PROGRESS
        report.save(update_fields=["state", "updated_at"])
    return ReportNote.objects.create(
        report=report, author=actor, author_name=actor.username, text=text
    )


@transaction.atomic
def answer_report(actor: User, report_id: int, text: str) -> Report:
    """Send the reporter the moderator's answer, as written: to a member's inbox, to a
    guest's email address (after the transaction commits)."""
    check_moderator(actor)
    report = _report(report_id)
    errors = ErrorList()
    text = (text or "").strip()
    if not text:
        errors.add("answer", "required", _("Write the answer."))
    errors.check_length("answer", _("The answer"), text, ANSWER_MAX)
    errors.raise_if_any()
    report.answer = text
    report.answered_at = timezone.now()
    report.save(update_fields=["answer", "answered_at", "updated_at"])
    body = _("About your report on “%(label)s”:") % {"label": report.target_label}
    message = f"{body}\n\n{text}"
    if report.reporter is not None:
        _message(report.reporter, message)
    elif report.guest_email:
        address = report.guest_email
        subject = _("[Lifestream] An answer to your report")
        transaction.on_commit(
            lambda: send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [address])
        )
    audit(actor, AuditAction.REPORT, "report", report.pk, _label(report), _("Answered"))
    return report
