"""Finding people (`/people/search`, AO3's name and fandom): pseuds whose name or login
matches, or who created works in a fandom, with the counts a blurb shows. Every count and
match reads the works and bookmarks the viewer may list (`access.visibility`): a draft, a
restricted work for a guest, an anonymous work and a private bookmark never make anyone
found, nor add to a count; the users the viewer muted are left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.http import QueryDict
from django.utils.translation import gettext as _

from access.getters import findable_tag
from access.visibility import (
    attributed_credits,
    listable_bookmarks_q,
    listable_works_q,
    muted_user_ids,
)
from feedback.models import Bookmark
from people.models import PSEUD_MAX, Pseud
from tags import queries as tag_queries
from tags.models import Tag, TagKind
from works.models import Work

if TYPE_CHECKING:
    from access.visibility import Viewer

NAME_MAX = PSEUD_MAX * 2


@dataclass
class PeopleSearch:
    """`people_search[name]` and `people_search[fandom]`, as typed."""

    name: str = ""
    fandom: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def asked(self) -> bool:
        return bool(self.name or self.fandom)

    @property
    def params(self) -> dict[str, str]:
        return {"name": self.name, "fandom": self.fandom}


def read_people_search(query: QueryDict) -> PeopleSearch:
    def text(name: str) -> str:
        return " ".join(query.get(f"people_search[{name}]", "").split())

    wanted = PeopleSearch(name=text("name"), fandom=text("fandom"))
    if len(wanted.name) > NAME_MAX:
        wanted.errors.append(
            _("A name is at most %(count)s characters; this one has %(length)s.")
            % {"count": NAME_MAX, "length": len(wanted.name)}
        )
    return wanted


def _counted(rows: QuerySet, column: str) -> Coalesce:
    """One row's count, from rows already narrowed to it (`OuterRef`), as an annotation."""
    counts = rows.order_by().values(column).annotate(total=Count("pk", distinct=True))
    return Coalesce(
        Subquery(counts.values("total")[:1], output_field=IntegerField()),
        Value(0),
    )


def find_pseuds(viewer: Viewer, wanted: PeopleSearch) -> QuerySet[Pseud]:
    """The pseuds `wanted` names, A to Z, each with `works_count` (in the fandom, when one is
    asked) and `bookmarks_count`. An unknown fandom (or one the viewer may not know of) adds
    an error and finds no one."""
    if wanted.errors:
        return Pseud.objects.none()
    pseuds = Pseud.objects.select_related("user").filter(user__is_active=True)
    muted = muted_user_ids(viewer)
    if muted:
        pseuds = pseuds.exclude(user_id__in=muted)
    if wanted.name:
        pseuds = pseuds.filter(
            Q(name__icontains=wanted.name) | Q(user__username__icontains=wanted.name)
        )
    credits = attributed_credits(pseud_id=OuterRef("pk")).filter(listable_works_q(viewer, "work__"))
    if wanted.fandom:
        fandom = _fandom(viewer, wanted.fandom)
        if fandom is None:
            wanted.errors.append(_("No fandom is called “%(name)s”.") % {"name": wanted.fandom})
            return Pseud.objects.none()
        in_fandom = Work.tags.through.objects.filter(
            work_id=OuterRef("work_id"), tag_id__in=tag_queries.family_ids(fandom)
        )
        credits = credits.filter(Exists(in_fandom))
        pseuds = pseuds.filter(Exists(credits))
    bookmarks = Bookmark.objects.filter(listable_bookmarks_q(viewer), pseud_id=OuterRef("pk"))
    return pseuds.annotate(
        works_count=_counted(credits, "pseud_id"),
        bookmarks_count=_counted(bookmarks, "pseud_id"),
    ).order_by(Lower("name"), Lower("user__username"), "pk")


def _fandom(viewer: Viewer, name: str) -> Tag | None:
    tag = findable_tag(viewer, name)
    if tag is None:
        return None
    if tag.merger is not None:
        tag = tag.merger
    return tag if tag.kind == TagKind.FANDOM else None
