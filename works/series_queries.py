"""Reads of series. Every read takes the viewer: a series shows only the parts the viewer may
list, numbered among themselves, so a draft or restricted part leaves no gap that tells."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Sum

from access.getters import with_blurbs_for
from access.visibility import attributed_series_credits, listable_series_parts_q, listable_series_q
from people.models import Pseud, User

from .models import Series, SeriesCreatorship, SeriesPart, Work

if TYPE_CHECKING:
    from access.visibility import Viewer


def visible_works_of_series(viewer: Viewer, series: Series) -> list[Work]:
    """The works of `series` that `viewer` may list, in series order, ready for blurbs."""
    parts = SeriesPart.objects.filter(listable_series_parts_q(viewer), series=series)
    works = with_blurbs_for(viewer, Work.objects.filter(series_parts__in=parts)).annotate(
        series_position=Min("series_parts__position", filter=Q(series_parts__series=series))
    )
    return list(works.order_by("series_position", "id"))


@dataclass
class SeriesStats:
    words: int
    works: int


def stats_of(works: list[Work]) -> SeriesStats:
    return SeriesStats(words=sum(work.word_count for work in works), works=len(works))


@dataclass
class SeriesPlace:
    """Where one work stands in one series, as its viewer sees the series."""

    series: Series
    number: int
    previous: Work | None
    next: Work | None


def places_of_work(viewer: Viewer, work: Work) -> list[SeriesPlace]:
    """Each series `work` is in (in the order it joined them, as its blurbs list them),
    with its number among the parts `viewer` may list (the work itself counts: its reader sees
    it) and the neighbouring visible works. One query: the parts of its series, its own among
    them."""
    parts = (
        SeriesPart.objects.filter(series_id__in=work.series_parts.values("series_id"))
        .filter(listable_series_parts_q(viewer) | Q(work=work))
        .select_related("series", "work")
        .only("series__id", "series__title", "work__id", "work__title", "position", "series_id")
        .order_by("series_id", "position", "id")
    )
    by_series: dict[int, list[SeriesPart]] = defaultdict(list)
    for part in parts:
        by_series[part.series_id].append(part)
    places = []
    for listed in by_series.values():
        index = next(i for i, part in enumerate(listed) if part.work_id == work.pk)
        places.append(
            (
                listed[index].pk,
                SeriesPlace(
                    series=listed[index].series,
                    number=index + 1,
                    previous=listed[index - 1].work if index > 0 else None,
                    next=listed[index + 1].work if index + 1 < len(listed) else None,
                ),
            )
        )
    return [place for _, place in sorted(places, key=lambda item: item[0])]


def with_series_blurb_data(viewer: Viewer, series: QuerySet[Series]) -> QuerySet[Series]:
    """`series` with what a series blurb shows, counted over the parts `viewer` may list (the
    works, their words, the last update), whether it is anonymous, and its creators: a fixed
    number of queries for any number of series. It does not filter: the caller has."""
    parts = listable_series_parts_q(viewer, prefix="parts__")
    return series.annotate(
        listed_works=Count("parts", filter=parts, distinct=True),
        listed_words=Sum("parts__work__word_count", filter=parts),
        listed_updated=Max("parts__work__revised_at", filter=parts),
        is_anonymous=Exists(SeriesPart.objects.filter(series=OuterRef("pk"), work__anonymous=True)),
    ).prefetch_related(
        Prefetch(
            "creatorships",
            queryset=SeriesCreatorship.objects.select_related("pseud__user"),
        )
    )


def _series_listing(viewer: Viewer, series: QuerySet[Series]) -> QuerySet[Series]:
    return with_series_blurb_data(viewer, series.filter(listable_series_q(viewer))).order_by(
        "-updated_at", "-id"
    )


def series_by_user(viewer: Viewer, user: User) -> QuerySet[Series]:
    """A user's series that `viewer` may list, with the counts of the parts they may list."""
    mine = attributed_series_credits(pseud__user=user).values("series_id")
    return _series_listing(viewer, Series.objects.filter(pk__in=mine))


def series_by_pseud(viewer: Viewer, pseud: Pseud) -> QuerySet[Series]:
    mine = attributed_series_credits(pseud=pseud).values("series_id")
    return _series_listing(viewer, Series.objects.filter(pk__in=mine))


def listable_series(viewer: Viewer) -> QuerySet[Series]:
    """Every series `viewer` may list (the API's list)."""
    return _series_listing(viewer, Series.objects.all())


def series_choices(user: User) -> QuerySet[Series]:
    """The series `user` may add works to: those they are a creator of."""
    mine = SeriesCreatorship.objects.filter(pseud__user=user).values("series_id")
    return Series.objects.filter(pk__in=mine).order_by("title", "id")


def series_parts_of_work(work: Work) -> list[SeriesPart]:
    """The series `work` is in, for its edit form (its creator's view: every series)."""
    return list(work.series_parts.select_related("series").order_by("series__title", "series_id"))


@dataclass
class SeriesDates:
    begun: object
    updated: object


def dates_of(series: Series, works: list[Work]) -> SeriesDates:
    """AO3's "Series Begun" and "Series Updated", from the works the viewer sees (a hidden
    part's date would tell of it); a creator's series of drafts falls back on its own dates."""
    if not works:
        return SeriesDates(begun=series.created_at.date(), updated=series.updated_at.date())
    return SeriesDates(
        begun=min(work.published_on for work in works),
        updated=max(work.revised_at for work in works).date(),
    )
