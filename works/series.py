"""Writes to series: making one, a work joining, moving in or leaving it, and its own fields.

Each function is atomic and checks everything first. Positions in a series stay 1..N: a work
joining at a position shifts the later parts down, one leaving closes the gap, and the last
part leaving deletes the series (as AO3). A work joining or leaving a series, and an edit of a
series its works show, is a change of each work concerned (its page, downloads and indexes)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from access.visibility import is_creator, is_series_creator
from lifestream.core.changes import WorkChanged, WorkSerialized, announce
from lifestream.core.errors import ErrorList, FieldError, Forbidden, InvalidInput
from lifestream.core.text import format_to_html, one_line
from people.models import Pseud, User

from .models import (
    SERIES_NOTES_MAX,
    SERIES_PER_WORK_MAX,
    SERIES_SUMMARY_MAX,
    SERIES_TITLE_MAX,
    Creatorship,
    Series,
    SeriesCreatorship,
    SeriesPart,
    Work,
)


@dataclass
class SeriesData:
    """A series' own fields as a form or the API received them, before cleaning."""

    title: str = ""
    summary: str = ""
    notes: str = ""
    complete: bool = False


def series_data_from(series: Series) -> SeriesData:
    return SeriesData(
        title=series.title, summary=series.summary, notes=series.notes, complete=series.complete
    )


def clean_series_title(title: str, errors: ErrorList, field: str = "title") -> str:
    title = one_line(title or "")
    if not title:
        errors.add(field, "required", _("Please enter a title for the series."))
    errors.check_length(field, _("Series title"), title, SERIES_TITLE_MAX)
    return title


def _clean(data: SeriesData, errors: ErrorList) -> SeriesData:
    title = clean_series_title(data.title, errors)
    errors.check_length("summary", _("Series summary"), data.summary, SERIES_SUMMARY_MAX)
    errors.check_length("notes", _("Series notes"), data.notes, SERIES_NOTES_MAX)
    return SeriesData(
        title=title,
        summary=format_to_html(data.summary, "html"),
        notes=format_to_html(data.notes, "html"),
        complete=bool(data.complete),
    )


def _announce_parts(series: Series) -> None:
    for work_id in series.parts.values_list("work_id", flat=True):
        announce(WorkChanged(work_id))


def _lock(series: Series) -> None:
    """Lock the series' row, so two works joining at once get distinct positions."""
    Series.objects.select_for_update().filter(pk=series.pk).values_list("pk", flat=True).first()


def _renumber(series: Series, ordered_part_ids: list[int]) -> None:
    for position, part_id in enumerate(ordered_part_ids, start=1):
        SeriesPart.objects.filter(pk=part_id).exclude(position=position).update(position=position)


def _part_ids(series: Series) -> list[int]:
    return list(series.parts.order_by("position", "id").values_list("pk", flat=True))


def _position_error(field: str, count: int) -> FieldError:
    return FieldError(
        field,
        "out_of_range",
        _("The position in the series must be between 1 and %(count)s.")
        % {"count": number_format(count, force_grouping=True)},
    )


def _add_creators(series: Series, pseuds: list[Pseud]) -> None:
    for pseud in pseuds:
        SeriesCreatorship.objects.get_or_create(series=series, pseud=pseud)


@transaction.atomic
def create_series(user: User, data: SeriesData, pseuds: list[Pseud]) -> Series:
    """A new, empty series credited to `pseuds` (the user's own). It shows to readers once a
    work they may list is in it."""
    errors = ErrorList()
    clean = _clean(data, errors)
    if not pseuds:
        errors.add("pseuds", "required", _("Choose at least one of your pseuds as the creator."))
    elif any(pseud.user_id != user.pk for pseud in pseuds):
        errors.add("pseuds", "not_yours", _("You can only make a series under your own pseuds."))
    errors.raise_if_any()
    series = Series.objects.create(
        title=clean.title, summary=clean.summary, notes=clean.notes, complete=clean.complete
    )
    _add_creators(series, list(dict.fromkeys(pseuds)))
    return series


def anonymity_conflict(work: Work, anonymous: bool, series: Series | None = None) -> Series | None:
    """A series (`series`, or any `work` is in) holding works that are not `anonymous` as
    `work` would be. A series holds anonymous works or credited ones, never both: its other
    parts' bylines would tell who wrote the anonymous ones."""
    candidates = (
        [series]
        if series is not None
        else [part.series for part in work.series_parts.select_related("series")]
    )
    for candidate in candidates:
        others = candidate.parts.exclude(work=work)
        if others.exclude(work__anonymous=anonymous).exists():
            return candidate
    return None


def anonymity_message(series: Series) -> str:
    return _(
        "“%(title)s” holds both anonymous and credited works then, and the credited ones "
        "would tell who wrote the anonymous ones: a series is all anonymous or not at all."
    ) % {"title": series.title}


def _check_work_creator(user: User, work: Work) -> None:
    if not is_creator(user, work):
        raise Forbidden(_("Only a work's creators can put it in a series."))


@transaction.atomic
def add_work_to_series(
    user: User,
    work: Work,
    *,
    series: Series | None = None,
    new_title: str = "",
    position: int | None = None,
    field: str = "series",
) -> SeriesPart:
    """Put `work` into `series` (one the user is a creator of) or into a new series called
    `new_title`, at `position` (1 is first; none, or one past the last, appends). The work's
    creators become creators of the series. Errors are named `field` and `field`_position."""
    _check_work_creator(user, work)
    errors = ErrorList()
    title = ""
    if series is None:
        title = clean_series_title(new_title, errors, field)
    elif not is_series_creator(user, series):
        errors.add(
            field,
            "not_series_creator",
            _("You can only add works to series you are a creator of."),
        )
    elif series.parts.filter(work=work).exists():
        errors.add(
            field,
            "already_in_series",
            _("This work is already in “%(title)s”.") % {"title": series.title},
        )
    elif anonymity_conflict(work, work.anonymous, series) is not None:
        errors.add(field, "series_anonymity", anonymity_message(series))
    if work.series_parts.count() >= SERIES_PER_WORK_MAX:
        errors.add(
            field,
            "too_many_series",
            _("A work can be in at most %(limit)d series.") % {"limit": SERIES_PER_WORK_MAX},
        )
    errors.raise_if_any()
    if series is None:
        series = Series.objects.create(title=title)
    _lock(series)
    count = series.parts.count()
    if position is None:
        position = count + 1
    if not 1 <= position <= count + 1:
        raise InvalidInput([_position_error(f"{field}_position", count + 1)])
    series.parts.filter(position__gte=position).update(position=F("position") + 1)
    part = SeriesPart.objects.create(series=series, work=work, position=position)
    creators = [c.pseud for c in Creatorship.objects.filter(work=work).select_related("pseud")]
    _add_creators(series, creators)
    series.save(update_fields=["updated_at"])
    announce(WorkSerialized(work.pk, series.pk))
    return part


def _check_series_creator(user: User, series: Series) -> None:
    if not is_series_creator(user, series):
        raise Forbidden(_("Only the series' creators can change it."))


@transaction.atomic
def move_work_in_series(user: User, series: Series, work: Work, position: int) -> None:
    """Move `work` to `position` (1..N) in `series`, the other parts closing up around it."""
    _check_series_creator(user, series)
    _lock(series)
    ids = _part_ids(series)
    part = series.parts.filter(work=work).first()
    if part is None:
        raise InvalidInput(
            [FieldError("work", "not_in_series", _("That work is not in the series."))]
        )
    if not 1 <= position <= len(ids):
        raise InvalidInput([_position_error("position", len(ids))])
    ids.remove(part.pk)
    ids.insert(position - 1, part.pk)
    _renumber(series, ids)
    series.save(update_fields=["updated_at"])
    _announce_parts(series)


@transaction.atomic
def reorder_series(user: User, series: Series, work_ids: list[int]) -> None:
    """Put the series' works in the order given, which must name each of them once."""
    _check_series_creator(user, series)
    _lock(series)
    parts = {part.work_id: part.pk for part in series.parts.all()}
    if len(work_ids) != len(parts) or set(work_ids) != set(parts):
        raise InvalidInput(
            [FieldError("works", "mismatch", _("The new order must list every work once."))]
        )
    _renumber(series, [parts[work_id] for work_id in work_ids])
    series.save(update_fields=["updated_at"])
    _announce_parts(series)


@transaction.atomic
def remove_work_from_series(user: User, series: Series, work: Work) -> bool:
    """Take `work` out of `series` (its creators or the series' may). Returns whether the
    series is gone: the last part leaving deletes it."""
    if not (is_creator(user, work) or is_series_creator(user, series)):
        raise Forbidden(_("Only the work's or the series' creators can take it out."))
    _lock(series)
    deleted, _by_model = series.parts.filter(work=work).delete()
    if not deleted:
        raise InvalidInput(
            [FieldError("work", "not_in_series", _("That work is not in the series."))]
        )
    announce(WorkChanged(work.pk))
    return _close_up(series)


def _close_up(series: Series) -> bool:
    ids = _part_ids(series)
    if not ids:
        series.delete()
        return True
    _renumber(series, ids)
    series.save(update_fields=["updated_at"])
    return False


def forget_deleted_work(work: Work) -> None:
    """Before `work` is deleted: its series close up, and those it was the last of go."""
    series_ids = list(work.series_parts.values_list("series_id", flat=True))
    SeriesPart.objects.filter(work=work).delete()
    for series in Series.objects.filter(pk__in=series_ids):
        _close_up(series)


@transaction.atomic
def update_series(user: User, series: Series, data: SeriesData) -> Series:
    """Change a series' title, summary, notes and "complete"."""
    _check_series_creator(user, series)
    errors = ErrorList()
    clean = _clean(data, errors)
    errors.raise_if_any()
    series.title = clean.title
    series.summary = clean.summary
    series.notes = clean.notes
    series.complete = clean.complete
    series.save()
    _announce_parts(series)
    return series


@transaction.atomic
def delete_series(user: User, series: Series) -> None:
    """Delete a series; its works stay, out of it."""
    _check_series_creator(user, series)
    _announce_parts(series)
    series.delete()


@transaction.atomic
def change_work_series(
    user: User,
    work: Work,
    *,
    series: Series | None = None,
    new_title: str = "",
    position: int | None = None,
    remove_ids: list[int] | tuple[int, ...] = (),
) -> None:
    """What the posting and edit forms ask: leave the series in `remove_ids`, then join
    `series` or a new one titled `new_title` (neither: join nothing)."""
    _check_work_creator(user, work)
    for part in list(work.series_parts.filter(series_id__in=remove_ids).select_related("series")):
        remove_work_from_series(user, part.series, work)
    if series is not None or new_title.strip():
        add_work_to_series(user, work, series=series, new_title=new_title, position=position)
