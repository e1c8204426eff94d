"""Posting and editing forms. They only parse what was typed; the rules (limits, required tags,
dates) live in works.services and come back as field errors, so the form and the API agree."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lifestream.core.errors import InvalidInput
from lifestream.core.forms import ServiceErrorsForm
from lifestream.core.ids import require_id
from people.models import Pseud, User
from tags.models import FIXED_TAGS, TagKind
from tags.services import split_tag_names

from .credits import split_names
from .languages import LANGUAGE_CHOICES
from .models import CommentPermission, Skin
from .related import ParentData
from .services import ChapterData, WorkData
from .skins_queries import skin_choices


def _names(kind: str) -> list[tuple[str, str]]:
    return [(name, name) for _id, tag_kind, name, _kind in FIXED_TAGS if tag_kind == kind]


def _textarea(rows: int, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


BODY_FORMAT_CHOICES = [("html", _("Rich text (HTML)")), ("text", _("Plain text"))]
TAG_HELP = _("Separate tags with commas.")


class PseudChoiceField(forms.ModelMultipleChoiceField):
    """The author's pseuds by id; a number no row could have is an invalid choice, not a
    query the database driver chokes on."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            try:
                require_id(pk)
            except (TypeError, ValueError):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                ) from None
        return super()._check_values(value)  # type: ignore[misc]  # Django's hook, not in stubs


class TagField(forms.CharField):
    """Comma-separated tag names, with the archive's autocomplete in the browser."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", TAG_HELP)
        attrs = {"data-autocomplete": kind, "autocomplete": "off", "class": "tag-input"}
        super().__init__(widget=forms.TextInput(attrs=attrs), **kwargs)


class ScheduleField(forms.DateTimeField):
    """A date and time typed in the user's own time zone (`<input type=datetime-local>`),
    cleaned to an aware moment; shown back in that zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Schedule for"))
        kwargs.setdefault(
            "error_messages", {"invalid": "Enter the date and time as YYYY-MM-DD HH:MM."}
        )
        super().__init__(**kwargs)
        self.zone: dt.tzinfo = dt.UTC

    def use_zone(self, zone: zoneinfo.ZoneInfo) -> None:
        self.zone = zone
        self.help_text = (
            f"Post it by itself at this date and time ({zone.key}, your time zone in My "
            "Preferences). Until then only you can see it. A time in the past backdates it; "
            "leave blank to post now."
        )

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(self.zone):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value, self.zone).replace(tzinfo=None)
        return super().prepare_value(value)


def _mark_required(form: forms.Form) -> None:
    """Fields the services refuse to save without: an asterisk in the template, and
    aria-required on the inputs that take it (a group of checkboxes says so in its name)."""
    for name in getattr(form, "marked_required", ()):
        field = form.fields.get(name)
        if field is not None and not isinstance(field.widget, forms.CheckboxSelectMultiple):
            field.widget.attrs["aria-required"] = "true"


def _schedule_in_zone(form: forms.Form, user: User) -> None:
    field = form.fields.get("scheduled_for")
    if isinstance(field, ScheduleField):
        field.use_zone(user.zone)


class WorkForm(ServiceErrorsForm):
    # What a work can't be saved without (works.services), marked with AO3's asterisk.
    marked_required = frozenset(
        {"rating", "warnings", "fandoms", "title", "pseuds", "chapter_body"}
    )
    title = forms.CharField(strip=False, required=False)
    pseuds = PseudChoiceField(
        queryset=Pseud.objects.none(),
        label=_("Creator/Pseud(s)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rating = forms.ChoiceField(
        choices=[("", _("Choose a rating")), *_names(TagKind.RATING)], required=False
    )
    warnings = forms.MultipleChoiceField(
        label=_("Archive Warnings"),
        choices=_names(TagKind.WARNING),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        choices=_names(TagKind.CATEGORY), required=False, widget=forms.CheckboxSelectMultiple
    )
    fandoms = TagField(TagKind.FANDOM, label=_("Fandoms"))
    relationships = TagField(TagKind.RELATIONSHIP, label=_("Relationships"))
    characters = TagField(TagKind.CHARACTER, label=_("Characters"))
    freeforms = TagField(TagKind.FREEFORM, label=_("Additional Tags"))
    summary = forms.CharField(strip=False, required=False, widget=_textarea(5))
    notes = forms.CharField(
        label=_("Beginning notes"), strip=False, required=False, widget=_textarea(5)
    )
    end_notes = forms.CharField(
        label=_("End notes"), strip=False, required=False, widget=_textarea(5)
    )
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, initial="en")
    restricted = forms.BooleanField(
        label=_("Only show your work to registered users"), required=False
    )
    anonymous = forms.BooleanField(
        label=_("Post anonymously"),
        required=False,
        help_text=(
            _(
                'Everyone but you and your co-creators sees "Anonymous" as the creator; the work '
                "is left off your pages and out of searches by creator."
            )
        ),
    )
    comment_permission = forms.ChoiceField(
        label=_("Who can comment on this work"),
        choices=CommentPermission.choices,
        initial=CommentPermission.EVERYONE,
        # Left out (an older form, a script), a work keeps taking comments from everyone.
        required=False,
        widget=forms.RadioSelect,
    )
    moderated_comments = forms.BooleanField(
        label=_("Enable comment moderation"),
        required=False,
        help_text=_("New comments are held until you approve them."),
    )
    expected_chapters = forms.IntegerField(
        label=_("Expected number of chapters"),
        required=False,
        help_text=_("Leave blank if you don't know yet."),
        widget=forms.NumberInput(attrs={"min": 1, "class": "number"}),
    )
    complete = forms.BooleanField(label=_("This work is complete"), required=False)
    co_creators = forms.CharField(
        label=_("Add co-creators"),
        required=False,
        help_text=_(
            "Pseuds, as “pseud” or “pseud (login)”, separated by commas. Each is invited "
            "and credited once they accept."
        ),
    )
    collections = forms.CharField(
        label=_("Post to Collections"),
        required=False,
        help_text=_(
            "Collection names (their addresses), separated by commas. A moderated collection "
            "lists the work once its moderators approve it."
        ),
    )
    gifts = forms.CharField(
        label=_("Gift this work to"),
        required=False,
        help_text=_("Pseuds on the archive or anyone's name, separated by commas."),
    )
    published_on = forms.DateField(
        label=_("Publication date"),
        required=False,
        help_text=_("Leave blank for today. Set an earlier date to backdate the work."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD."},
    )
    scheduled_for = ScheduleField()
    skin = forms.TypedChoiceField(
        label=_("Select Work Skin"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("A stylesheet of yours or a public one, for this work's look (Work Skins)."),
    )

    def __init__(self, *args: Any, user: User, with_chapter: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _schedule_in_zone(self, user)
        _mark_required(self)
        pseuds = cast(PseudChoiceField, self.fields["pseuds"])  # declared above
        pseuds.queryset = user.pseuds.all()
        skin = cast(forms.TypedChoiceField, self.fields["skin"])  # declared above
        choices = [(s.pk, s.title) for s in skin_choices(user).only("id", "title")]
        current = self.initial.get("skin")
        if current and current not in {pk for pk, _ in choices}:
            # A co-creator's own skin the work wears: kept unless changed.
            worn = Skin.objects.filter(pk=current).values_list("title", flat=True).first()
            if worn is not None:
                choices.append((current, worn))
        skin.choices = [("", "Default (the archive's look)"), *choices]
        if not with_chapter:
            for name in list(self.fields):
                if name.startswith("chapter_") or name == "body_format":
                    del self.fields[name]

    chapter_title = forms.CharField(label=_("Chapter title"), strip=False, required=False)
    chapter_summary = forms.CharField(
        label=_("Chapter summary"), strip=False, required=False, widget=_textarea(3)
    )
    chapter_notes = forms.CharField(
        label=_("Chapter beginning notes"), strip=False, required=False, widget=_textarea(3)
    )
    chapter_end_notes = forms.CharField(
        label=_("Chapter end notes"), strip=False, required=False, widget=_textarea(3)
    )
    chapter_body_format = forms.ChoiceField(
        label=_("Text format"),
        choices=BODY_FORMAT_CHOICES,
        initial="html",
        widget=forms.RadioSelect,
    )
    chapter_body = forms.CharField(
        label=_("Work text"), strip=False, required=False, widget=_textarea(20, **{"class": "body"})
    )

    def work_data(self) -> WorkData:
        data = self.cleaned_data
        return WorkData(
            title=data.get("title") or "",
            pseuds=list(data.get("pseuds") or []),
            summary=data.get("summary") or "",
            notes=data.get("notes") or "",
            end_notes=data.get("end_notes") or "",
            rating=data.get("rating") or "",
            warnings=list(data.get("warnings") or []),
            categories=list(data.get("categories") or []),
            fandoms=split_tag_names(data.get("fandoms") or ""),
            relationships=split_tag_names(data.get("relationships") or ""),
            characters=split_tag_names(data.get("characters") or ""),
            freeforms=split_tag_names(data.get("freeforms") or ""),
            language=data.get("language") or "en",
            restricted=bool(data.get("restricted")),
            anonymous=bool(data.get("anonymous")),
            comment_permission=data.get("comment_permission") or CommentPermission.EVERYONE,
            moderated_comments=bool(data.get("moderated_comments")),
            expected_chapters=data.get("expected_chapters"),
            complete=bool(data.get("complete")),
            published_on=data.get("published_on"),
            co_creators=split_names(data.get("co_creators") or ""),
            gifts=split_names(data.get("gifts") or ""),
            scheduled_for=data.get("scheduled_for"),
            skin_id=data.get("skin"),
        )

    def chapter_data(self) -> ChapterData:
        data = self.cleaned_data
        return ChapterData(
            body=data.get("chapter_body") or "",
            title=data.get("chapter_title") or "",
            summary=data.get("chapter_summary") or "",
            notes=data.get("chapter_notes") or "",
            end_notes=data.get("chapter_end_notes") or "",
            body_format=data.get("chapter_body_format") or "html",
        )

    @staticmethod
    def chapter_initial_from(data: ChapterData) -> dict[str, Any]:
        return {
            "chapter_title": data.title,
            "chapter_summary": data.summary,
            "chapter_notes": data.notes,
            "chapter_end_notes": data.end_notes,
            "chapter_body": data.body,
            "chapter_body_format": "html",
        }

    @staticmethod
    def initial_from(data: WorkData) -> dict[str, Any]:
        return {
            "title": data.title,
            "pseuds": data.pseuds,
            "summary": data.summary,
            "notes": data.notes,
            "end_notes": data.end_notes,
            "rating": data.rating,
            "warnings": data.warnings,
            "categories": data.categories,
            "fandoms": ", ".join(data.fandoms),
            "relationships": ", ".join(data.relationships),
            "characters": ", ".join(data.characters),
            "freeforms": ", ".join(data.freeforms),
            "language": data.language,
            "restricted": data.restricted,
            "anonymous": data.anonymous,
            "comment_permission": data.comment_permission,
            "moderated_comments": data.moderated_comments,
            "expected_chapters": data.expected_chapters,
            "complete": data.complete,
            "published_on": data.published_on,
            "gifts": ", ".join(data.gifts or []),
            "scheduled_for": data.scheduled_for,
            "skin": data.skin_id,
        }


class ChapterForm(ServiceErrorsForm):
    marked_required = frozenset({"body"})
    title = forms.CharField(label=_("Chapter title"), strip=False, required=False)
    # AO3's per-chapter creators, on a work with several: none ticked credits all of them.
    pseuds = PseudChoiceField(
        queryset=Pseud.objects.none(),
        label=_("Chapter creators"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to credit every creator of the work."),
    )

    published_on = forms.DateField(
        label=_("Chapter publication date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD."},
    )
    summary = forms.CharField(strip=False, required=False, widget=_textarea(3))
    notes = forms.CharField(
        label=_("Beginning notes"), strip=False, required=False, widget=_textarea(4)
    )
    end_notes = forms.CharField(
        label=_("End notes"), strip=False, required=False, widget=_textarea(4)
    )
    body_format = forms.ChoiceField(
        label=_("Text format"),
        choices=BODY_FORMAT_CHOICES,
        initial="html",
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Chapter text"),
        strip=False,
        required=False,
        widget=_textarea(20, **{"class": "body"}),
    )
    scheduled_for = ScheduleField()

    def __init__(
        self,
        *args: Any,
        user: User | None = None,
        creators: list[Pseud] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _mark_required(self)
        if user is not None:
            _schedule_in_zone(self, user)
        pseuds = cast(PseudChoiceField, self.fields["pseuds"])  # declared above
        if creators is None or len(creators) < 2:
            del self.fields["pseuds"]
        else:
            pseuds.queryset = Pseud.objects.filter(pk__in=[p.pk for p in creators])

    def chapter_data(self) -> ChapterData:
        data = self.cleaned_data
        return ChapterData(
            body=data.get("body") or "",
            title=data.get("title") or "",
            summary=data.get("summary") or "",
            notes=data.get("notes") or "",
            end_notes=data.get("end_notes") or "",
            body_format=data.get("body_format") or "html",
            published_on=data.get("published_on"),
            pseuds=list(data["pseuds"]) if "pseuds" in self.fields else None,
            scheduled_for=data.get("scheduled_for"),
        )


class ParentForm(ServiceErrorsForm):
    """ "Inspired by" on the posting and edit forms (prefix `parent`): a work here by address
    or number, or another site's work by address, title and author."""

    reference = forms.CharField(
        label=_("Inspired by"),
        required=False,
        max_length=2000,
        help_text=_("The address of a work (or its number on this archive)."),
    )
    title = forms.CharField(
        label=_("Its title (if it is elsewhere)"), required=False, max_length=255
    )
    author = forms.CharField(
        label=_("Its author (if it is elsewhere)"), required=False, max_length=255
    )
    kind = forms.ChoiceField(
        label=_("This work is"),
        choices=[
            ("inspiration", "inspired by it"),
            ("remix", "a remix of it"),
            ("translation", "a translation of it"),
        ],
        initial="inspiration",
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Translated into"),
        choices=[("", "the work's language"), *LANGUAGE_CHOICES],
        required=False,
    )

    def add_service_errors(self, error: InvalidInput) -> None:
        # The services name these `inspired_by` (the reference) and `inspired_by.FIELD`.
        for field_error in error.errors:
            name = field_error.field.removeprefix("inspired_by").removeprefix(".") or "reference"
            self.add_error(name if name in self.fields else None, field_error.message)

    def parent_data(self) -> ParentData | None:
        data = self.cleaned_data
        if not (data.get("reference") or "").strip():
            return None
        return ParentData(
            reference=data["reference"],
            title=data.get("title") or "",
            author=data.get("author") or "",
            kind=data.get("kind") or "inspiration",
            language=data.get("language") or "",
        )


class ReorderForm(forms.Form):
    """Chapter positions typed as numbers, one field per chapter (`position_<id>`)."""

    def __init__(self, *args: Any, chapters: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chapters = chapters
        for chapter in chapters:
            self.fields[f"position_{chapter.pk}"] = forms.IntegerField(
                min_value=1,
                max_value=len(chapters),
                initial=chapter.position,
                label=chapter.title or gettext("Chapter %(number)s") % {"number": chapter.position},
                widget=forms.NumberInput(attrs={"class": "number"}),
            )

    def ordered_ids(self) -> list[int]:
        # Ties keep the old order, so typing the same number twice still gives a full order.
        keyed = sorted(
            self.chapters,
            key=lambda c: (self.cleaned_data[f"position_{c.pk}"], c.position),
        )
        return [chapter.pk for chapter in keyed]
