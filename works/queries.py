"""Reads of works and chapters. Every read that could leak takes the viewer."""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from access.getters import visible_works, with_blurb_data, with_blurbs_for
from access.visibility import attributed_credits, listable_chapters_q, released_q
from people.models import Pseud, User
from tags import queries as tag_queries
from tags.models import Tag

from .models import Chapter, Creatorship, Gift, Skin, Work

if TYPE_CHECKING:
    from access.visibility import Viewer


def listing(works: QuerySet[Work], viewer: Viewer | None = None) -> QuerySet[Work]:
    """`works` ready for blurbs; shown to `viewer`, with their series and gifts too."""
    return with_blurb_data(works) if viewer is None else with_blurbs_for(viewer, works)


def credited_work_ids(**creator: Any) -> QuerySet[Creatorship, Any]:
    """The ids of works crediting the pseuds picked by `creator` (`pseud__user=…`, `pseud=…`),
    through accepted creatorships only: a join on `pseuds` would count pending invitations."""
    return Creatorship.objects.filter(**creator).values("work_id")


def works_by_user(viewer: Viewer, user: User) -> QuerySet[Work]:
    """The works listed on `user`'s pages: anonymous ones never are, not even to their
    creator (who finds them under "Posted anonymously" on their dashboard)."""
    credits = attributed_credits(pseud__user=user).values("work_id")
    return visible_works(viewer).filter(pk__in=credits)


def works_by_pseud(viewer: Viewer, pseud: Pseud) -> QuerySet[Work]:
    return visible_works(viewer).filter(pk__in=attributed_credits(pseud=pseud).values("work_id"))


def anonymous_works_of(user: User) -> QuerySet[Work]:
    """`user`'s own posted anonymous works, for their eyes only (their dashboard)."""
    return (
        Work.objects.filter(anonymous=True, pk__in=credited_work_ids(pseud__user=user))
        .filter(released_q())
        .order_by("-revised_at", "-id")
    )


def works_tagged(viewer: Viewer, tag: Tag) -> QuerySet[Work]:
    """Works in the listing of `tag`: tagged with it, a synonym, a subtag or a subtag's synonym."""
    family = tag_queries.family_ids(tag)
    if len(family) == 1:
        return visible_works(viewer).filter(tags=tag)
    on_family = Work.tags.through.objects.filter(work=OuterRef("pk"), tag_id__in=family)
    return visible_works(viewer).filter(Exists(on_family))


def unwrangled_tags(kind: str, fandom: Tag | None = None) -> QuerySet[Tag]:
    """The unwrangled bin: tags of `kind` that are neither canonical, synonyms nor marked
    unwrangleable, used on at least one posted work (in `fandom`'s family, if given), with
    how many posted works use each. Tags used only on drafts (or on works a moderator hid) are
    not wrangled yet."""
    works = Work.objects.filter(posted=True, hidden_at__isnull=True)
    if fandom is not None:
        works = works.filter(
            Exists(
                Work.tags.through.objects.filter(
                    work=OuterRef("pk"), tag_id__in=tag_queries.family_ids(fandom)
                )
            )
        )
    return (
        Tag.objects.filter(kind=kind, canonical=False, merger__isnull=True, unwrangleable=False)
        .filter(works__in=works)
        .annotate(uses=Count("works", distinct=True))
        .order_by(Lower("name"))
    )


def drafts_of(user: User) -> QuerySet[Work]:
    """A user's own drafts; only ever shown to that user."""
    return with_blurb_data(
        Work.objects.filter(posted=False, pk__in=credited_work_ids(pseud__user=user)).order_by(
            "-updated_at"
        )
    )


def chapters_for_reader(viewer: Viewer, work: Work) -> list[Chapter]:
    return list(work.chapters.filter(listable_chapters_q(viewer, work)).order_by("position"))


def chapter_index(viewer: Viewer, works: list[Work]) -> dict[int, list[Chapter]]:
    """The chapters each work lists for `viewer`, for any number of works in one query and
    without the chapter texts (an index needs titles, not bodies)."""
    if not works:
        return {}
    visible = functools.reduce(
        operator.or_, (Q(work=work) & listable_chapters_q(viewer, work) for work in works)
    )
    index: dict[int, list[Chapter]] = {work.pk: [] for work in works}
    chapters = (
        Chapter.objects.filter(visible)
        .only(
            "id",
            "work_id",
            "position",
            "title",
            "word_count",
            "posted",
            "scheduled_for",
            "published_on",
        )
        .order_by("work_id", "position")
    )
    for chapter in chapters:
        index[chapter.work_id].append(chapter)
    return index


# --- co-creators and gifts ---------------------------------------------------------------------


def invitations_of(user: User) -> QuerySet[Creatorship]:
    """`user`'s pending co-creator invitations, newest first; only ever shown to `user` (the
    invitation itself tells them the work's title, as AO3's "Co-Creator Requests" page does)."""
    return (
        Creatorship.invitations.filter(approved=False, pseud__user=user)
        .select_related("pseud__user", "work")
        .order_by("-created_at", "-id")
    )


def skin_css(work: Work) -> str:
    """The stylesheet of the skin `work` wears (sanitised when saved), for its page."""
    if work.skin_id is None:
        return ""
    css = Skin.objects.filter(pk=work.skin_id).values_list("css", flat=True).first()
    return css or ""


def gifts_to(viewer: Viewer, user: User) -> QuerySet[Work]:
    """Works gifted to any of `user`'s pseuds and not refused, that `viewer` may find (a draft,
    a restricted work for a guest, a muted creator's work never shows)."""
    gifted = Gift.objects.filter(pseud__user=user, rejected=False).values("work_id")
    return with_blurbs_for(viewer, visible_works(viewer).filter(pk__in=gifted))


def gift_ids_for(user: User, works: list[Work]) -> dict[int, int]:
    """For `user`'s own gifts page: the gift (to refuse) of each listed work, in one query."""
    rows = Gift.objects.filter(
        pseud__user=user, rejected=False, work_id__in=[work.pk for work in works]
    ).values_list("work_id", "pk")
    return dict(rows)


def gifts_of(works: list[Work]) -> dict[int, list[Gift]]:
    """The recipients each work shows ("for …"): its gifts not refused, in the order given,
    for any number of works in one query. A work is only passed here once the viewer may read
    it, and a recipient's name is public on the work as on AO3."""
    found: dict[int, list[Gift]] = {work.pk: [] for work in works}
    if not works:
        return found
    gifts = (
        Gift.objects.filter(work_id__in=list(found), rejected=False)
        .select_related("pseud__user")
        .order_by("work_id", "id")
    )
    for gift in gifts:
        found[gift.work_id].append(gift)
    return found


def gift_recipients(work: Work) -> list[str]:
    """What the edit form's "Gift this work to" shows: the recipients as they'd be typed."""
    return [gift.recipient for gift in gifts_of([work])[work.pk]]


def chapter_bylines(work: Work, chapters: list[Chapter]) -> None:
    """Give each chapter crediting only some of `work`'s creators (AO3's per-chapter creators)
    its own byline, `chapter.byline_pseuds`, in the work's byline order; one query for any
    number of chapters. Pseuds no longer credited on the work are left out."""
    order = {pseud.pk: pseud for pseud in work.creator_pseuds}
    credited: dict[int, set[int]] = {}
    rows = Chapter.pseuds.through.objects.filter(chapter__in=chapters).values_list(
        "chapter_id", "pseud_id"
    )
    for chapter_id, pseud_id in rows:
        if pseud_id in order:
            credited.setdefault(chapter_id, set()).add(pseud_id)
    for chapter in chapters:
        ids = credited.get(chapter.pk, set())
        shown = [pseud for pk, pseud in order.items() if pk in ids]
        chapter.byline_pseuds = shown if ids and ids != set(order) else []  # type: ignore[attr-defined]  # for the templates
