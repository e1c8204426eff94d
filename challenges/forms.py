"""The challenges' forms. Limits and cleaning are the services'; the forms read the fields
and carry the services' errors back onto them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lifestream.core.errors import InvalidInput
from lifestream.core.forms import ServiceErrorsForm
from tags.models import TagKind

from .models import KINDS, TEXT_MAX, TITLE_MAX, URL_MAX, Challenge, ChallengeKind
from .services import (
    ChallengeData,
    KindSettings,
    PromptData,
    PromptMemeData,
    SignupData,
)

KIND_LABELS = {
    "fandom": TagKind.FANDOM.label,
    "character": TagKind.CHARACTER.label,
    "relationship": TagKind.RELATIONSHIP.label,
    "freeform": TagKind.FREEFORM.label,
}
KIND_FIELDS = {
    "request_min": _("least per request"),
    "request_max": _("most per request"),
    "offer_min": _("least per offer"),
    "offer_max": _("most per offer"),
    "match": _("tags that must match"),
}


def _moment(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class ChallengeForm(ServiceErrorsForm):
    kind = forms.ChoiceField(label=_("Challenge type"), choices=ChallengeKind.choices)
    signups_open_at = _moment(_("Sign-ups open"))
    signups_close_at = _moment(_("Sign-ups close"))
    requests_min = forms.IntegerField(label=_("Requests: at least"), min_value=0, initial=1)
    requests_max = forms.IntegerField(label=_("Requests: at most"), min_value=0, initial=1)
    offers_min = forms.IntegerField(label=_("Offers: at least"), min_value=0, initial=1)
    offers_max = forms.IntegerField(label=_("Offers: at most"), min_value=0, initial=1)
    prompt_text = forms.CharField(
        label=_("Prompt text"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    prompt_url = forms.CharField(label=_("Prompt URL"), required=False, max_length=URL_MAX)
    assignments_due_at = _moment(_("Assignments due"))
    works_reveal_at = _moment(_("Works revealed"))
    creators_reveal_at = _moment(_("Creators revealed"))

    def __init__(self, *args: Any, challenge: Challenge | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if challenge is not None:
            del self.fields["kind"]  # chosen once
        for kind in KINDS:
            for key, label in KIND_FIELDS.items():
                self.fields[f"{kind}_{key}"] = forms.IntegerField(
                    label=f"{KIND_LABELS[kind]}: {label}", min_value=0, initial=0, required=False
                )
            self.fields[f"{kind}_any_allowed"] = forms.BooleanField(
                label=_("%(kind)s: “any” allowed") % {"kind": KIND_LABELS[kind]}, required=False
            )
            self.fields[f"{kind}_allowed"] = forms.CharField(
                label=_("%(kind)s: allowed tags") % {"kind": KIND_LABELS[kind]},
                required=False,
                help_text=_("Comma separated; leave empty to allow any tag."),
            )

    @staticmethod
    def initial_from(data: ChallengeData) -> dict[str, Any]:
        initial = {k: v for k, v in vars(data).items() if k != "kinds"}
        for kind, rule in data.kinds.items():
            for key, value in vars(rule).items():
                initial[f"{kind}_{key}"] = value
        return initial

    def data_for_service(self) -> ChallengeData:
        d = self.cleaned_data
        kinds = {
            kind: KindSettings(
                **{key: d.get(f"{kind}_{key}") or 0 for key in KIND_FIELDS},
                any_allowed=bool(d.get(f"{kind}_any_allowed")),
                allowed=d.get(f"{kind}_allowed") or "",
            )
            for kind in KINDS
        }
        return ChallengeData(
            kind=d.get("kind") or ChallengeKind.GIFT_EXCHANGE,
            signups_open_at=d.get("signups_open_at"),
            signups_close_at=d.get("signups_close_at"),
            requests_min=d.get("requests_min") or 0,
            requests_max=d.get("requests_max") or 0,
            offers_min=d.get("offers_min") or 0,
            offers_max=d.get("offers_max") or 0,
            kinds=kinds,
            prompt_text=d.get("prompt_text") or "",
            prompt_url=d.get("prompt_url") or "",
            assignments_due_at=d.get("assignments_due_at"),
            works_reveal_at=d.get("works_reveal_at"),
            creators_reveal_at=d.get("creators_reveal_at"),
        )


class SignupForm(ServiceErrorsForm):
    """Requests and offers as `requests_0_fandom`, `offers_1_description`…: as many of each
    as the challenge allows, each kind's tags comma separated (or "any")."""

    def __init__(self, *args: Any, challenge: Challenge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sides = []
        for side, label, count in (
            ("requests", _("Request"), challenge.requests_max),
            ("offers", _("Offer"), challenge.offers_max),
        ):
            groups = []
            for index in range(count):
                names = []
                for kind in KINDS:
                    rule = challenge.tag_rules.get(kind, {})
                    most = rule.get("request_max" if side == "requests" else "offer_max", 0)
                    if not most:
                        continue
                    name = f"{side}_{index}_{kind}"
                    help_text = _("Comma separated.")
                    if rule.get("any_allowed"):
                        help_text = _("Comma separated, or “any”.")
                    self.fields[name] = forms.CharField(
                        label=f"{label} {index + 1}: {KIND_LABELS[kind]}",
                        required=False,
                        help_text=help_text,
                    )
                    names.append(name)
                desc = f"{side}_{index}_description"
                self.fields[desc] = forms.CharField(
                    label=f"{label} {index + 1}: " + str(_("Details")),
                    required=False,
                    max_length=TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                names.append(desc)
                groups.append((f"{label} {index + 1}", names))
            self.sides.append((side, groups))

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names])
            for _side, groups in self.sides
            for title, names in groups
        ]

    @staticmethod
    def initial_from(data: SignupData) -> dict[str, str]:
        initial = {}
        for side, prompts in (("requests", data.requests), ("offers", data.offers)):
            for index, prompt in enumerate(prompts):
                for kind, value in prompt.tags.items():
                    initial[f"{side}_{index}_{kind}"] = value
                initial[f"{side}_{index}_description"] = prompt.description
        return initial

    def data_for_service(self) -> SignupData:
        d = self.cleaned_data
        data = SignupData()
        for side, groups in self.sides:
            for index in range(len(groups)):
                tags = {kind: d.get(f"{side}_{index}_{kind}") or "" for kind in KINDS}
                text = d.get(f"{side}_{index}_description") or ""
                if any(v.strip() for v in tags.values()) or text.strip():
                    getattr(data, side).append(PromptData(tags=tags, description=text))
        return data

    def add_service_errors(self, error: InvalidInput) -> None:
        for field_error in error.errors:
            name = field_error.field.replace(".", "_")
            self.add_error(name if name in self.fields else None, field_error.message)


class PromptForm(ServiceErrorsForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Comma separated."))
    description = forms.CharField(
        label=_("Prompt"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    anonymous = forms.BooleanField(label=_("Post anonymously"), required=False)

    def data_for_service(self) -> PromptMemeData:
        return PromptMemeData(**self.cleaned_data)
