"""Reading a work: the work page, single chapters, the whole work and the chapter index.

The work page composes the readers' side (bookmark, Mark for Later and subscribe state, the
reading history, kudos, the comments) here, from the feedback queries and services: its
templates only format what this hands them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from access.getters import (
    MysteryWork,
    get_chapter_for_reader,
    get_work_for_editor,
    get_work_for_reader,
    listed_collections,
)
from access.visibility import is_creator, mystery_collections
from feedback.queries.bookmarks import own_bookmark_id
from feedback.services.readings import record_visit
from feedback.views.comments import comment_section_context
from feedback.views.kudos import kudos_context, mark_context
from feedback.views.subscriptions import subscribe_context
from people.reading import settings_of_request

from .. import queries, related
from ..models import Chapter, Work
from ..series_queries import places_of_work


def _needs_adult_notice(request: HttpRequest, work: Work) -> bool:
    """Mature and Explicit works ask first, unless the reader said yes already (this visit,
    or once and for all in their preferences)."""
    if not work.is_adult or is_creator(request.user, work):
        return False
    if request.GET.get("view_adult") == "true":
        request.session["view_adult"] = True
        return False
    if request.session.get("view_adult"):
        return False
    return not getattr(request.user, "view_adult", False)


def _reader_context(request: HttpRequest, work: Work, chapters: list[Chapter]) -> dict:
    numbers = {chapter.pk: number for number, chapter in enumerate(chapters, start=1)}
    for chapter in chapters:
        chapter.number = numbers[chapter.pk]  # type: ignore[attr-defined]  # for the templates
    # Related works: the parents the preface names, the approved children listed after.
    family = related.related_for(request.user, work)
    return {
        "work": work,
        "chapters": chapters,
        "is_creator": is_creator(request.user, work),
        "multi": len(chapters) > 1,
        "parents": family.parents,
        "children": family.children,
    }


def _feedback_context(
    request: HttpRequest,
    work: Work,
    current: Chapter | None,
    chapters: list[Chapter],
    comments_on: Chapter | None,
) -> dict:
    """The readers' side of a posted work's page. Opening it is a visit for the history, at
    the chapter shown (or the only one). The comments are those on `comments_on`, or on the
    whole work when it is None."""
    viewer = request.user
    context: dict = {
        "bookmark_id": own_bookmark_id(viewer, work),
        "mark": mark_context(request, work) if viewer.is_authenticated else None,
        "subscribe": subscribe_context(request, work=work),
    }
    visited = current or (chapters[0] if len(chapters) == 1 else None)
    if record_visit(viewer, work, visited) and visited is not None:
        context["tracked_chapter"] = visited  # the page tells how far into it they read
    context["kudos"] = kudos_context(request, work)
    context["comments"] = comment_section_context(
        request, work, comments_on, chapters, posting_on=current
    )
    return context


def _render_work(
    request: HttpRequest,
    work: Work,
    chapter: Chapter | None,
    *,
    template: str = "works/show.html",
    whole: bool = False,
) -> HttpResponse:
    chapters = queries.chapters_for_reader(request.user, work)
    context = _reader_context(request, work, chapters)
    if _needs_adult_notice(request, work):
        query = request.GET.copy()
        query["view_adult"] = "true"
        context["continue_url"] = f"{request.path}?{urlencode(query)}"
        return render(request, "works/adult.html", context)
    asked = request.GET.get("view_full_work")
    # "Show the whole work by default" (a preference) opens the work, not a chapter asked for.
    prefers_full = chapter is None and getattr(request.user, "view_full_works", False)
    full = whole or asked == "true" or (prefers_full and asked != "false") or len(chapters) <= 1
    if full:
        shown = chapters
        current = None
    else:
        current = next((c for c in chapters if chapter and c.pk == chapter.pk), chapters[0])
        shown = [current]
        index = chapters.index(current)
        context["previous_chapter"] = chapters[index - 1] if index > 0 else None
        context["next_chapter"] = chapters[index + 1] if index + 1 < len(chapters) else None
    context.update({"shown": shown, "current": current, "full": full})
    context["series_places"] = places_of_work(request.user, work)
    if work.skin_id is not None:
        # The creator's work skin, unless the reader hid the creator's style: on this page
        # (AO3's switch) or everywhere (their reading settings, which `?style=enable` overrides).
        style = request.GET.get("style")
        hide_all = settings_of_request(request).hide_style
        context["style_disabled"] = style == "disable" or (hide_all and style != "enable")
        if not context["style_disabled"]:
            context["work_skin_css"] = queries.skin_css(work)
    context["gifts"] = queries.gifts_of([work])[work.pk]
    context["collections"] = listed_collections(work)
    # A creator who asked search engines not to list their works (AO3's preference). An
    # anonymous work is never listed, so that the tag can't tell whose preference it is.
    context["noindex"] = work.anonymous or any(
        p.user.hide_from_search_engines for p in work.creator_pseuds
    )
    if context["multi"] and len(work.creator_pseuds) > 1:
        # Only a co-created work can have chapters by some of its creators.
        queries.chapter_bylines(work, shown)
    if work.posted:
        # The work's address with `show_comments=true` (AO3's address for a work's comments,
        # where its comment count leads) shows every comment on the work, under its first
        # chapter if it is read chapter by chapter; a chapter's address, that chapter's.
        comments_on = current
        if chapter is None and request.GET.get("show_comments") == "true":
            comments_on = None
        context.update(_feedback_context(request, work, current, chapters, comments_on))
    return render(request, template, context)


def _mystery(request: HttpRequest, work: Work) -> HttpResponse:
    """What a work in an unrevealed collection shows those who may not see it yet: that it
    exists and where, nothing more (`access.visibility.is_mystery`)."""
    context = {"work_id": work.pk, "collections": mystery_collections(work)}
    return render(request, "works/mystery.html", context)


def work_show(request: HttpRequest, work_id: int) -> HttpResponse:
    try:
        work = get_work_for_reader(request.user, work_id)
    except MysteryWork as mystery:
        return _mystery(request, mystery.work)
    return _render_work(request, work, None)


def chapter_show(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    try:
        chapter = get_chapter_for_reader(request.user, chapter_id)
    except MysteryWork as mystery:
        return _mystery(request, mystery.work)
    if chapter.work_id != work_id:
        return redirect(chapter)
    return _render_work(request, chapter.work, chapter)


def chapter_redirect(request: HttpRequest, chapter_id: int) -> HttpResponse:
    chapter = get_chapter_for_reader(request.user, chapter_id)
    return redirect(chapter)


def navigate(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_reader(request.user, work_id)
    chapters = queries.chapters_for_reader(request.user, work)
    return render(request, "works/navigate.html", _reader_context(request, work, chapters))


@login_required
def preview(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editor(request.user, work_id)
    if work.posted:
        return redirect(work)
    return _render_work(request, work, None, template="works/preview.html", whole=True)
