"""The series forms: a series' own fields, and AO3's "Add to series" fieldset of the posting and
edit forms. They only parse; the rules live in works.series."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lifestream.core.forms import ServiceErrorsForm
from people.models import User

from .models import Series, SeriesPart
from .series import SeriesData
from .series_queries import series_choices


class SeriesForm(ServiceErrorsForm):
    title = forms.CharField(label=_("Series Title"), strip=False, required=False)
    summary = forms.CharField(
        label=_("Series Description"),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    notes = forms.CharField(
        label=_("Notes"), strip=False, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    complete = forms.BooleanField(label=_("Is this series complete?"), required=False)

    def series_data(self) -> SeriesData:
        data = self.cleaned_data
        return SeriesData(
            title=data.get("title") or "",
            summary=data.get("summary") or "",
            notes=data.get("notes") or "",
            complete=bool(data.get("complete")),
        )


class SeriesChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class AddToSeriesForm(ServiceErrorsForm):
    """AO3's "Add to series" fieldset: one of your series or a new series' title, and (past
    AO3) a position. On the edit form, the work's current series can be left."""

    series = SeriesChoiceField(
        queryset=Series.objects.none(),
        label=_("Choose one of your existing series:"),
        required=False,
        empty_label="",
    )
    series_title = forms.CharField(label=_("Or create a new series:"), strip=False, required=False)
    series_position = forms.IntegerField(
        label=_("Part number in the series"),
        required=False,
        help_text=_("Leave blank to add it as the last part."),
        widget=forms.NumberInput(attrs={"min": 1, "class": "number"}),
    )
    remove_series = forms.MultipleChoiceField(
        label=_("Remove from series"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        current: list[SeriesPart] | tuple[SeriesPart, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice = cast(SeriesChoiceField, self.fields["series"])
        choice.queryset = series_choices(user)
        self.current = list(current)
        remove = cast(forms.MultipleChoiceField, self.fields["remove_series"])
        remove.choices = [
            (
                str(part.series_id),
                _("Part %(number)s of %(title)s")
                % {"number": part.position, "title": part.series.title},
            )
            for part in self.current
        ]
        if not self.current:
            del self.fields["remove_series"]

    @property
    def joins(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("series") or (data.get("series_title") or "").strip())

    def removed_ids(self) -> list[int]:
        return [int(value) for value in self.cleaned_data.get("remove_series") or []]
