"""Works and chapters: the same queries and services as the site, behind JSON."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Status

from access.getters import (
    get_chapter_for_editor,
    get_chapter_for_reader,
    get_work_for_editor,
    get_work_for_reader,
)
from lifestream.core.errors import FieldError, InvalidInput
from people.models import Pseud, User
from people.queries import own_pseuds
from people.services import ensure_default_pseud
from search.listing.form import read_request
from search.listing.query import search
from works import queries, services
from works.models import Work
from works.orphans import orphan_work
from works.services import ChapterData, WorkData

from .auth import OPTIONAL_TOKEN_OPENAPI, BearerToken, OptionalBearerToken, user_of, viewer_of
from .related import add_parent_from, with_related
from .routing import ApiRouter
from .schemas import (
    ChapterChanges,
    ChapterOut,
    ChapterText,
    ErrorsOut,
    FacetOut,
    NewChapter,
    NewWork,
    ObjectId,
    OrphanRequest,
    WorkChanges,
    WorkOut,
    WorkPage,
)
from .series import work_series

if TYPE_CHECKING:
    from access.visibility import Viewer

router = ApiRouter(tags=["works"])

READ: dict[str, Any] = {"auth": OptionalBearerToken(), "openapi_extra": OPTIONAL_TOKEN_OPENAPI}
WRITE: dict[str, Any] = {"auth": BearerToken()}
READ_ERRORS = {(401, 404): ErrorsOut}
WRITE_ERRORS = {(400, 401, 403, 404, 413, 422): ErrorsOut}

# Ids past the database's bigint would overflow the query; they name nothing, so they are 404s
# (errors.py turns every bad path parameter into a 404).
PageNumber = Annotated[int, Query(1, ge=1, description="1 for the newest works.")]


# --- helpers ----------------------------------------------------------------------------------


def _work_data(user: User, data: WorkData, changes: dict[str, Any]) -> WorkData:
    """`data` with the fields the client sent in their place."""
    fields = {
        key: value
        for key, value in changes.items()
        if key not in {"draft", "chapters", "inspired_by"}
    }
    if "published" in fields:
        fields["published_on"] = fields.pop("published")
    if "pseuds" in fields:
        fields["pseuds"] = own_pseuds(user, fields["pseuds"])
    return dataclasses.replace(data, **fields)


def _chapter_data(chapter: ChapterText, work: Work | None = None) -> ChapterData:
    data = services.chapter_data_from(
        chapter,
        body_format=chapter.body_format,
        scheduled_for=getattr(chapter, "scheduled_for", None),
    )
    names = getattr(chapter, "pseuds", None)
    if work is not None and names is not None:
        data = dataclasses.replace(data, pseuds=_chapter_pseuds(work, names))
    return data


def _chapter_pseuds(work: Work, names: list[str]) -> list[Pseud]:
    """The work's creators' pseuds that `names` give ("pseud" or "pseud (login)")."""
    found = []
    for name in names:
        wanted = " ".join(name.split()).casefold()
        matches = [
            pseud
            for pseud in work.creator_pseuds
            if wanted in {pseud.name.casefold(), pseud.byline.casefold()}
        ]
        if len(matches) != 1:
            raise InvalidInput(
                [
                    FieldError(
                        "pseuds",
                        "not_a_creator" if not matches else "ambiguous_pseud",
                        f"“{name[:50]}” is not one of this work's creators."
                        if not matches
                        else f"Several creators are called “{name[:50]}”: add the login.",
                    )
                ]
            )
        found.append(matches[0])
    return found


def _already_posted(what: str) -> InvalidInput:
    return InvalidInput(
        [FieldError("draft", "already_posted", f"A posted {what} can't become a draft again.")]
    )


def _work_out(viewer: Viewer, work: Work) -> WorkOut:
    out = WorkOut.of(
        work, queries.chapter_index(viewer, [work])[work.pk], queries.gifts_of([work])[work.pk]
    )
    out.series = work_series(viewer, work)
    return out


def _reread(user: User, work: Work) -> WorkOut:
    # After a write the prefetched tags and creators are stale: answer with what was stored.
    stored = get_work_for_reader(user, work.pk)
    return with_related(_work_out(user, stored), user, stored)


def _page_path(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


# --- works ------------------------------------------------------------------------------------


@router.get("/works", response={200: WorkPage, **READ_ERRORS, 422: ErrorsOut}, **READ)
def list_works(request: HttpRequest, page: PageNumber = 1) -> WorkPage:
    """Works the viewer may see, newest update first; drafts are never listed.

    Takes the site's search and filter parameters (AO3's names): `work_search[query]`,
    `work_search[fandom_names]`, `work_search[complete]=T`, `work_search[sort_column]`,
    `include_work_search[freeform_ids][]=ID`, `exclude_work_search[rating_ids][]=ID`, …"""
    return work_page(request, page)


def work_page(request: HttpRequest, page: int, *, collection_id: int | None = None) -> WorkPage:
    """A page of the works the viewer may list (in one collection's listing, if given), with
    the site's search and filter parameters read from the query string."""
    viewer = viewer_of(request)
    search_request = read_request(request.GET)
    search_request.page = page
    # Past the last page the answer is an empty page with the true count, not an error.
    results = search(
        viewer, search_request, clamp_page=False, blurbs=False, collection_id=collection_id
    )
    works = list(results.page.object_list)
    count = results.page.paginator.count
    pages = max(1, results.page.paginator.num_pages)
    chapters = queries.chapter_index(viewer, works)
    gifts = queries.gifts_of(works)
    return WorkPage(
        count=count,
        page=page,
        pages=pages,
        next=_page_path(request, page + 1) if page < pages else None,
        previous=_page_path(request, min(page - 1, pages)) if page > 1 else None,
        results=[WorkOut.of(work, chapters[work.pk], gifts[work.pk]) for work in works],
        facets={
            kind: [FacetOut(id=f.tag.pk, name=f.tag.name, count=f.count) for f in facets]
            for kind, facets in results.facets.items()
        },
    )


@router.post("/works", response={201: WorkOut, **WRITE_ERRORS}, **WRITE)
def create_work(request: HttpRequest, payload: NewWork) -> Status:
    """Post a work (or save it as a draft) with all its chapters, or nothing at all."""
    user = user_of(request)
    changes = payload.model_dump(exclude_unset=True)
    first, *more = payload.chapters
    with transaction.atomic():
        pseuds = [] if "pseuds" in changes else [ensure_default_pseud(user)]
        data = _work_data(user, WorkData(pseuds=pseuds), changes)
        # One step for the work and every chapter: all get the work's (possibly backdated)
        # date, and "complete" is judged against the full chapter count.
        work = services.create_work(
            user,
            data,
            _chapter_data(first),
            post=not payload.draft,
            more_chapters=[_chapter_data(chapter) for chapter in more],
        )
        for parent in payload.inspired_by:
            add_parent_from(request, user, work, parent)
    return Status(201, _reread(user, work))


@router.get("/works/{work_id}", response={200: WorkOut, **READ_ERRORS}, **READ)
def get_work(request: HttpRequest, work_id: ObjectId) -> WorkOut:
    """One work, with the works it descends from and the approved works inspired by it. Drafts
    are found by their creators only; restricted works need a token."""
    viewer = viewer_of(request)
    work = get_work_for_reader(viewer, work_id)
    return with_related(_work_out(viewer, work), viewer, work)


@router.patch("/works/{work_id}", response={200: WorkOut, **WRITE_ERRORS}, **WRITE)
def update_work(request: HttpRequest, work_id: ObjectId, payload: WorkChanges) -> WorkOut:
    """Change the fields sent and keep the rest; `draft: false` posts a draft."""
    user = user_of(request)
    work = get_work_for_editor(user, work_id)
    changes = payload.model_dump(exclude_unset=True)
    draft = changes.pop("draft", None)
    if draft and work.posted:
        raise _already_posted("work")
    with transaction.atomic():
        data = _work_data(user, services.work_data_from(work), changes)
        if changes:
            services.update_work(user, work, data)
        if draft is False:
            # Sent with it, a moment schedules the draft; left out, it is posted now.
            services.post_draft(work, scheduled_for=changes.get("scheduled_for"))
    return _reread(user, work)


@router.delete("/works/{work_id}", response={204: None, **WRITE_ERRORS}, **WRITE)
def delete_work(request: HttpRequest, work_id: ObjectId) -> Status:
    """Delete a work with all its chapters."""
    services.delete_work(get_work_for_editor(user_of(request), work_id))
    return Status(204, None)


@router.post("/works/{work_id}/orphan", response={200: WorkOut, **WRITE_ERRORS}, **WRITE)
def orphan(request: HttpRequest, work_id: ObjectId, payload: OrphanRequest) -> WorkOut:
    """Hand a posted work to orphan_account for good; `"confirm": true` is required."""
    user = user_of(request)
    work = get_work_for_editor(user, work_id)
    if not payload.confirm:
        raise InvalidInput(
            [
                FieldError(
                    "confirm",
                    "confirmation_required",
                    'Orphaning cannot be undone: send "confirm": true to go ahead.',
                )
            ]
        )
    orphan_work(user, work, payload.keep_pseud)
    return _reread(user, work)


# --- chapters ---------------------------------------------------------------------------------


@router.post("/works/{work_id}/chapters", response={201: ChapterOut, **WRITE_ERRORS}, **WRITE)
def add_chapter(request: HttpRequest, work_id: ObjectId, payload: NewChapter) -> Status:
    """Add a chapter at the end. On a draft work it stays a draft until the work is posted."""
    work = get_work_for_editor(user_of(request), work_id)
    chapter = services.add_chapter(work, _chapter_data(payload, work), post=not payload.draft)
    return Status(201, ChapterOut.of(chapter))


@router.get("/chapters/{chapter_id}", response={200: ChapterOut, **READ_ERRORS}, **READ)
def get_chapter(request: HttpRequest, chapter_id: ObjectId) -> ChapterOut:
    """One chapter with its text."""
    return ChapterOut.of(get_chapter_for_reader(viewer_of(request), chapter_id))


@router.patch("/chapters/{chapter_id}", response={200: ChapterOut, **WRITE_ERRORS}, **WRITE)
def update_chapter(
    request: HttpRequest, chapter_id: ObjectId, payload: ChapterChanges
) -> ChapterOut:
    """Change the fields sent and keep the rest; `draft: false` posts a draft chapter."""
    chapter = get_chapter_for_editor(user_of(request), chapter_id)
    changes = payload.model_dump(exclude_unset=True)
    draft = changes.pop("draft", None)
    if draft and chapter.posted:
        raise _already_posted("chapter")
    if "body" not in changes:
        # The stored body is HTML already; a format only describes a body sent with it.
        changes.pop("body_format", None)
    if "pseuds" in changes:
        changes["pseuds"] = _chapter_pseuds(chapter.work, changes["pseuds"] or [])
    data = dataclasses.replace(services.stored_chapter_data(chapter), **changes)
    return ChapterOut.of(services.update_chapter(chapter, data, post=draft is False))


@router.delete("/chapters/{chapter_id}", response={204: None, **WRITE_ERRORS}, **WRITE)
def delete_chapter(request: HttpRequest, chapter_id: ObjectId) -> Status:
    """Delete a chapter; a work's only chapter can't be deleted (delete the work instead)."""
    services.delete_chapter(get_chapter_for_editor(user_of(request), chapter_id))
    return Status(204, None)
