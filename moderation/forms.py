"""The moderators' and admins' forms: every action asks for a reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lifestream.core.forms import ServiceErrorsForm

from .models import ANSWER_MAX, NOTE_MAX, REPORT_TEXT_MAX, ReportReason, ReportState
from .services import REASON_MAX, SUSPENSION_DAYS_MAX


class ReasonForm(ServiceErrorsForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Kept in the audit log."),
        error_messages={"required": _("Give a reason: it goes in the audit log.")},
    )


class UserActionForm(ReasonForm):
    ACTIONS = (
        ("warn", _("Warn (a message in their inbox: the reason, as written)")),
        ("suspend", _("Suspend for a number of days")),
        ("ban", _("Ban (they can no longer log in)")),
        ("lift", _("Lift the suspension or ban")),
    )
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS, widget=forms.RadioSelect)
    days = forms.IntegerField(
        label=_("Days (for a suspension)"),
        min_value=1,
        max_value=SUSPENSION_DAYS_MAX,
        required=False,
    )
    hide_works = forms.BooleanField(label=_("With a ban: hide all their works too"), required=False)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == "suspend" and not cleaned.get("days"):
            self.add_error("days", _("Say for how many days."))
        return cleaned


class RolesForm(ReasonForm):
    wrangler = forms.BooleanField(label=_("Tag wrangler"), required=False)
    moderator = forms.BooleanField(label=_("Moderator"), required=False)
    admin = forms.BooleanField(label=_("Admin"), required=False)


class FindUserForm(forms.Form):
    name = forms.CharField(label=_("User name"), max_length=40, required=False)


class ReportForm(ServiceErrorsForm):
    reason = forms.ChoiceField(
        label=_("What is wrong"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Tell the moderators more"),
        max_length=REPORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Tell the moderators what is wrong.")},
    )
    email = forms.EmailField(
        label=_("Your email address (for the answer)"), required=False, max_length=254
    )

    def __init__(self, *args: object, guest: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Django's form arguments
        if guest:
            self.fields["email"].required = True
        else:
            del self.fields["email"]


class ReportStateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=ReportState.choices)
    reason = forms.CharField(label=_("Why (for the audit log)"), required=False, max_length=500)


class ReportNoteForm(ServiceErrorsForm):
    note = forms.CharField(
        label=_("Note for the other moderators"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportAnswerForm(ServiceErrorsForm):
    answer = forms.CharField(
        label=_("Answer to the reporter"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Sent as written. Say what was done; say nothing private about the reported user."
        ),
    )
