"""The sample archive's series: one of three parts, one complete, and one with a restricted
part (a guest sees the others numbered without a gap), each bookmarked by another author.
Made through the services, from the sample works already posted."""

from __future__ import annotations

from feedback.services.bookmarks import BookmarkData, create_series_bookmark
from people.models import User
from works.models import Series, Work
from works.series import SeriesData, add_work_to_series, update_series

SERIES = (
    (
        "Letters Never Sent",
        "<p>Three stories told in the margins of the same correspondence.</p>",
        False,
    ),
    ("The Long Winter", "<p>Everything that happened before the thaw, in order.</p>", True),
    ("Night Shift", "<p>Small hours, read in order. One part is for members only.</p>", False),
)


def _posted_by(user: User, *, restricted: bool | None = None) -> list[Work]:
    works = Work.objects.filter(posted=True, pseuds__user=user).distinct()
    if restricted is not None:
        works = works.filter(restricted=restricted)
    return list(works.order_by("published_on", "id"))


def _make(user: User, works: list[Work], title: str, summary: str, complete: bool) -> Series:
    series = add_work_to_series(user, works[0], new_title=title).series
    for work in works[1:]:
        add_work_to_series(user, work, series=series)
    update_series(user, series, SeriesData(title=title, summary=summary, complete=complete))
    return series


def add_sample_series(users: dict[str, User]) -> int:
    """Returns how many series were made."""
    made = 0
    used: set[int] = set()
    restricted = Work.objects.filter(posted=True, restricted=True).order_by("id").first()
    by_count = sorted(users.values(), key=lambda u: -len(_posted_by(u, restricted=False)))
    plans: list[tuple[User, list[Work]]] = []
    if by_count:
        plans.append((by_count[0], _posted_by(by_count[0], restricted=False)[:3]))
    if len(by_count) > 1:
        plans.append((by_count[1], _posted_by(by_count[1], restricted=False)[:2]))
    if restricted is not None:
        owner = restricted.creator_pseuds[0].user
        others = [w for w in _posted_by(owner, restricted=False) if w.pk not in used][-2:]
        plans.append((owner, [others[0], restricted, *others[1:]] if others else [restricted]))
    for (title, summary, complete), (user, works) in zip(SERIES, plans, strict=False):
        works = [w for w in works if w.pk not in used]
        if not works:
            continue
        used.update(w.pk for w in works)
        series = _make(user, works, title, summary, complete)
        made += 1
        readers = [reader for reader in users.values() if reader != user]
        if readers:
            reader = readers[made % len(readers)]
            notes = "<p>Read these in order, all of them.</p>"
            create_series_bookmark(reader, series, BookmarkData(notes=notes, rec=made == 1))
    return made
