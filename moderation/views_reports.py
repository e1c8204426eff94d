"""Reports: the form every reader and guest reaches from a "Report" link, and the moderators'
queue and report pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lifestream.core.actors import actor_of
from lifestream.core.errors import InvalidInput, NotFound
from lifestream.core.pagination import paginate
from people.models import User

from . import reports
from .forms import ReportAnswerForm, ReportForm, ReportNoteForm, ReportStateForm
from .models import Report, ReportState, ReportTarget
from .views import moderators_only

QUEUE_PER_PAGE = 50


def report_new(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", "")
    key = request.GET.get("id", "")
    if kind not in ReportTarget.values or not key:
        raise Http404(_("There is nothing to report there."))
    try:
        target = reports.find_target(request.user, kind, key)
    except NotFound as error:
        raise Http404(str(error)) from error
    guest = not request.user.is_authenticated
    form = ReportForm(request.POST or None, guest=guest)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reports.file_report(
                actor_of(request), target, data["reason"], data["text"], email=data.get("email", "")
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            return render(request, "moderation/report_sent.html", {"target": target})
    return render(request, "moderation/report_new.html", {"form": form, "target": target})


@moderators_only
def queue(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    rows = Report.objects.select_related("reporter").order_by("-created_at", "-id")
    if state == "open":
        rows = rows.filter(state__in=[ReportState.NEW, ReportState.IN_PROGRESS])
    elif state in ReportState.values:
        rows = rows.filter(state=state)
    page = paginate(request, rows, QUEUE_PER_PAGE)
    context = {"page": page, "state": state, "states": ReportState.choices}
    return render(request, "moderation/reports.html", context)


def target_url(report: Report) -> str:
    """Where the moderators see what was reported (it may be gone since)."""
    if report.target_type == ReportTarget.WORK:
        return reverse("moderation:work", args=[report.target_id])
    if report.target_type == ReportTarget.CHAPTER:
        return reverse("works:chapter_redirect", args=[report.target_id])
    if report.target_type == ReportTarget.COMMENT:
        return reverse("moderation:comment_delete", args=[report.target_id])
    if report.target_type == ReportTarget.BOOKMARK:
        return reverse("moderation:bookmark_delete", args=[report.target_id])
    user = User.objects.filter(pk=report.target_id).first()
    return reverse("moderation:user", args=[user.username]) if user else ""


@moderators_only
def report_show(request: HttpRequest, report_id: int) -> HttpResponse:
    report = Report.objects.select_related("reporter").filter(pk=report_id).first()
    if report is None:
        raise Http404(_("No such report."))
    actor: User = request.user  # type: ignore[assignment]  # moderators_only: logged in
    action = request.POST.get("form", "")
    state_form = ReportStateForm(
        request.POST if action == "state" else None, initial={"state": report.state}
    )
    note_form = ReportNoteForm(request.POST if action == "note" else None)
    answer_form = ReportAnswerForm(request.POST if action == "answer" else None)
    try:
        if action == "state" and state_form.is_valid():
            data = state_form.cleaned_data
            reports.set_state(actor, report.pk, data["state"], data["reason"])
            messages.success(request, _("The report's state is saved."))
            return redirect("moderation:report", report.pk)
        if action == "note" and note_form.is_valid():
            reports.add_note(actor, report.pk, note_form.cleaned_data["note"])
            return redirect("moderation:report", report.pk)
        if action == "answer" and answer_form.is_valid():
            reports.answer_report(actor, report.pk, answer_form.cleaned_data["answer"])
            messages.success(request, _("The answer is on its way to the reporter."))
            return redirect("moderation:report", report.pk)
    except InvalidInput as error:
        (note_form if action == "note" else answer_form).add_service_errors(error)
    context = {
        "report": report,
        "notes": list(report.notes.all()),
        "target_url": target_url(report),
        "state_form": state_form,
        "note_form": note_form,
        "answer_form": answer_form,
    }
    return render(request, "moderation/report.html", context)
