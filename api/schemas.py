"""What the API reads and writes. Input schemas check types (and cap list sizes); the services
check everything else (lengths, required fields, tag names), so the site and the API agree."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    SerializerFunctionWrapHandler,
    model_serializer,
)
from pydantic_core import PydanticCustomError

from access.visibility import is_released, public_byline_pseuds
from feedback.queries.stats import numbers_of
from lifestream.core.ids import ID_MAX
from people.models import PSEUDS_PER_USER_MAX, Pseud, User
from tags.models import FIXED_TAGS, TagKind
from works.models import (
    CHAPTERS_PER_WORK_MAX,
    CREATORS_MAX,
    GIFTS_MAX,
    PARENTS_PER_WORK_MAX,
    USER_TAGS_MAX,
    Chapter,
    Gift,
    Work,
)

# --- input ------------------------------------------------------------------------------------


def _storable(value: str) -> str:
    # Neither database can store these, and they would otherwise fail as a 500 on save.
    if "\x00" in value:
        raise PydanticCustomError("null_character", "Text can't contain the NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError(
            "invalid_unicode", "Text must be valid Unicode; this has an unpaired surrogate."
        ) from None
    return value


_ISO_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")


def _iso_date(value: object) -> object:
    # Only YYYY-MM-DD: pydantic alone would also take Unix timestamps and week dates.
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise PydanticCustomError("invalid_date", "Write dates as YYYY-MM-DD, e.g. 2024-05-17.")
    return value


def _iso_datetime(value: object) -> object:
    # An ISO 8601 moment; one written without an offset is UTC.
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "invalid_datetime",
                "Write moments in ISO 8601, e.g. 2027-05-17T09:30:00+02:00 (UTC without an "
                "offset).",
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return value


Text = Annotated[str, AfterValidator(_storable)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime)]


class Input(Schema):
    # Strict: a JSON API gets JSON types ("5" is not a number, 1 is not true); unknown fields
    # are refused so a misspelt one is reported instead of silently ignored.
    model_config = ConfigDict(strict=True, extra="forbid")


class _ChapterFields(Input):
    title: Text = ""
    summary: Text = ""
    notes: Text = ""
    end_notes: Text = ""
    body_format: Literal["html", "text"] = Field(
        "html", description="How `body` is written: sanitised HTML, or plain text."
    )


class ChapterText(_ChapterFields):
    """A chapter posted together with a new work."""

    body: Text


CHAPTER_PSEUDS = Field(
    None,
    max_length=CREATORS_MAX,
    description="The chapter's own creators (AO3's per-chapter creators): some of the work's "
    "creators' pseuds, as “pseud” or “pseud (login)”; empty or left out, the whole work's.",
)


class NewChapter(ChapterText):
    """A chapter added to an existing work."""

    pseuds: list[Text] | None = CHAPTER_PSEUDS

    draft: bool = Field(False, description="Keep the chapter as a draft, unposted.")
    scheduled_for: IsoDateTime | None = Field(
        None,
        description="Post it by itself at this moment (ISO 8601; without an offset, UTC), at most "
        "a year ahead; until then only its creators see it. A moment in the past backdates it.",
    )


class ChapterChanges(_ChapterFields):
    """A partial update: only the fields sent change. `draft: false` posts a draft chapter."""

    pseuds: list[Text] | None = CHAPTER_PSEUDS

    body: Text = ""
    draft: bool = False
    scheduled_for: IsoDateTime | None = Field(
        None,
        description="Post it by itself at this moment (ISO 8601; without an offset, UTC), at most "
        "a year ahead; until then only its creators see it. A moment in the past backdates it.",
    )


# Lists are capped at what a valid work could hold, so a hostile request can't make the
# services check (and report on) millions of entries; the services still apply the real limits.
# A row id in a path: a number past any row is refused (422), not sent to the database driver.
ObjectId = Annotated[int, Path(..., ge=1, le=ID_MAX)]

FixedTagNames = Annotated[list[Text], Field(max_length=len(FIXED_TAGS))]
UserTagNames = Annotated[list[Text], Field(max_length=USER_TAGS_MAX)]


class OrphanRequest(Input):
    """Orphaning a work: permanent, so the client must say it means it."""

    keep_pseud: bool = Field(
        False, description="Leave a copy of your pseud's name on (credited to orphan_account)."
    )
    confirm: bool = Field(False, description="Must be true: orphaning cannot be undone.")


class WorkChanges(Input):
    """A work's fields. In a PATCH only the fields sent change; `draft: false` posts a draft.

    The defaults are those of a new work; null is refused wherever it is not listed."""

    title: Text = ""
    pseuds: list[Text] = Field(
        default_factory=list,
        max_length=PSEUDS_PER_USER_MAX,
        description="Names of your own pseuds; your default pseud when left out.",
    )
    summary: Text = ""
    notes: Text = ""
    end_notes: Text = ""
    rating: Text = Field("", description="An AO3 rating name, e.g. “General Audiences”.")
    warnings: FixedTagNames = []
    categories: FixedTagNames = []
    fandoms: UserTagNames = []
    relationships: UserTagNames = []
    characters: UserTagNames = []
    freeforms: UserTagNames = []
    language: Text = Field("en", description="A language code, e.g. “en”.")
    restricted: bool = Field(False, description="Only show the work to registered users.")
    anonymous: bool = Field(
        False,
        description='Post anonymously: by "Anonymous" everywhere, off your pages and out of '
        "searches by creator; you still manage it.",
    )
    comment_permission: Literal["everyone", "registered", "no_one"] = Field(
        "everyone",
        description="Who can comment: everyone (guests too), registered users, or no one.",
    )
    moderated_comments: bool = Field(
        False, description="Hold comments (except the creators' own) until a creator approves."
    )
    expected_chapters: int | None = None
    complete: bool = False
    published: IsoDate | None = Field(None, description="Backdate the work (YYYY-MM-DD).")
    co_creators: list[Text] = Field(
        default_factory=list,
        max_length=CREATORS_MAX + 1,
        description="Pseuds to invite as co-creators (“pseud” or “pseud (login)”); each is "
        "credited once they accept. Invitations only add: a PATCH never removes a creator.",
    )
    gifts: list[Text] = Field(
        default_factory=list,
        max_length=GIFTS_MAX + 1,
        description="Gift recipients: pseuds on the archive or anyone's name. In a PATCH the "
        "list replaces the work's gifts (refused ones stay refused).",
    )
    draft: bool = False
    scheduled_for: IsoDateTime | None = Field(
        None,
        description="Post it by itself at this moment (ISO 8601; without an offset, UTC), at most "
        "a year ahead; until then only its creators see it. A moment in the past backdates it.",
    )


class ParentIn(Input):
    """A work this one descends from: `work` is the id or address of a work here, or another
    site's address (then `title`, and `author` if known)."""

    work: Text = Field(..., description="A work's id or address here, or an external address.")
    title: Text = ""
    author: Text = ""
    kind: Literal["inspiration", "remix", "translation"] = "inspiration"
    language: Text = Field("", description="A translation's language (the work's, if left out).")


class NewWork(WorkChanges):
    """A new work with its chapters, posted (or saved as a draft) in one step."""

    chapters: list[ChapterText] = Field(..., min_length=1, max_length=CHAPTERS_PER_WORK_MAX)
    inspired_by: list[ParentIn] = Field(
        default_factory=list,
        max_length=PARENTS_PER_WORK_MAX,
        description="Works this one was inspired by, remixes or translates.",
    )


# --- output -----------------------------------------------------------------------------------


class ErrorOut(Schema):
    field: str | None
    code: str
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorOut]


class PseudOut(Schema):
    id: int
    name: str
    is_default: bool


class MeOut(Schema):
    id: int
    username: str
    pseuds: list[PseudOut]

    @classmethod
    def of(cls, user: User, pseuds: list[Pseud]) -> MeOut:
        return cls(
            id=user.pk,
            username=user.username,
            pseuds=[PseudOut(id=p.pk, name=p.name, is_default=p.is_default) for p in pseuds],
        )


class CreatorOut(Schema):
    pseud: str
    user: str


class GiftOut(Schema):
    """A gift recipient: a pseud on the archive (`user` set) or a name without an account."""

    recipient: str
    pseud: str | None
    user: str | None

    @classmethod
    def of(cls, gift: Gift) -> GiftOut:
        if gift.pseud is None:
            return cls(recipient=gift.recipient_name, pseud=None, user=None)
        return cls(recipient=gift.recipient, pseud=gift.pseud.name, user=gift.pseud.user.username)


class ChapterEntryOut(Schema):
    """A chapter in a work's index."""

    id: int
    position: int
    title: str
    url: str
    word_count: int
    draft: bool
    published: dt.date
    scheduled_for: dt.datetime | None = Field(
        None, description="While scheduled (seen by its creators only): when it goes out."
    )

    @classmethod
    def entry_fields(cls, chapter: Chapter) -> dict[str, Any]:
        return {
            "id": chapter.pk,
            "position": chapter.position,
            "title": chapter.title,
            "url": chapter.get_absolute_url(),
            "word_count": chapter.word_count,
            "draft": not is_released(chapter),
            "published": chapter.published_on,
            "scheduled_for": chapter.scheduled_for if chapter.is_scheduled else None,
        }

    @classmethod
    def of(cls, chapter: Chapter) -> ChapterEntryOut:
        return cls(**cls.entry_fields(chapter))


class ChapterOut(ChapterEntryOut):
    """A chapter with its text. `summary`, `notes`, `end_notes` and `body` are HTML."""

    work_id: int
    creators: list[CreatorOut] = Field(
        default_factory=list,
        description="Who wrote this chapter: its own creators if it names some, else the "
        "work's; empty for an anonymous work.",
    )
    summary: str
    notes: str
    end_notes: str
    body: str

    @classmethod
    def of(cls, chapter: Chapter) -> ChapterOut:
        work = chapter.work
        credited = public_byline_pseuds(work)
        own = {pseud.pk for pseud in chapter.pseuds.all()}
        shown = [pseud for pseud in credited if pseud.pk in own] or credited
        return cls(
            **cls.entry_fields(chapter),
            work_id=chapter.work_id,
            creators=[CreatorOut(pseud=p.name, user=p.user.username) for p in shown],
            summary=chapter.summary,
            notes=chapter.notes,
            end_notes=chapter.end_notes,
            body=chapter.body,
        )


class WorkStatsOut(Schema):
    """A work's public numbers (bookmarks: public ones only)."""

    hits: int
    kudos: int
    comments: int
    bookmarks: int


class WorkSeriesOut(Schema):
    """A work's place in a series, counted among the parts the viewer may see."""

    id: int
    title: str
    url: str
    position: int
    previous_work_id: int | None
    next_work_id: int | None


class WorkOut(Schema):
    """A work. `summary`, `notes` and `end_notes` are HTML; tags are given by name."""

    id: int
    url: str
    title: str
    creators: list[CreatorOut] = Field(
        description="Accepted creators, in byline order; empty for an anonymous work."
    )
    anonymous: bool = Field(
        False, description='Posted anonymously: shown as by "Anonymous", creators not given.'
    )
    gifts: list[GiftOut] = Field(description="Who the work is for (refused gifts left out).")
    summary: str
    notes: str
    end_notes: str
    rating: str | None
    warnings: list[str]
    categories: list[str]
    fandoms: list[str]
    relationships: list[str]
    characters: list[str]
    freeforms: list[str]
    language: str
    restricted: bool
    comment_permission: str
    moderated_comments: bool
    draft: bool
    scheduled_for: dt.datetime | None = Field(
        None, description="While scheduled (seen by its creators only): when it goes out."
    )
    complete: bool
    expected_chapters: int | None
    chapter_count: int
    word_count: int
    published: dt.date
    updated: dt.datetime
    chapters: list[ChapterEntryOut] = Field(
        description="The chapters the viewer may read, in order (creators also see drafts)."
    )
    inspired_by: list[ParentOut] | None = Field(
        None, description="On one work's answer: the works it descends from."
    )
    children: list[ChildOut] | None = Field(
        None, description="On one work's answer: the approved works inspired by it."
    )
    stats: WorkStatsOut
    series: list[WorkSeriesOut] = Field(
        default_factory=list,
        description="The series the work is in (on one work; empty in lists).",
    )
    hidden: bool = Field(
        False,
        description="`true` on a work the moderators have hidden, which only its creators "
        "and the moderators are given; absent on every other work.",
    )
    hidden_reason: str = Field(
        "",
        description="With `hidden` only: the moderators' reason, as the creators read it on "
        "the work's page.",
    )

    @model_serializer(mode="wrap")
    # No return annotation: pydantic then documents the fields as declared (an annotated
    # serializer would make the OpenAPI schema of a work that annotation).
    def _leave_out_hidden_unless_hidden(self, handler: SerializerFunctionWrapHandler):
        # The two fields are there for the few who are given a hidden work, and absent
        # (not false) for everyone else, so a reader's answer looks as it always has.
        data = handler(self)
        if isinstance(data, dict) and not data.get("hidden"):
            data.pop("hidden", None)
            data.pop("hidden_reason", None)
        return data

    @classmethod
    def of(cls, work: Work, chapters: list[Chapter], gifts: list[Gift]) -> WorkOut:
        """`work` must come with its tags and creators prefetched (works.queries does that);
        `gifts` from `works.queries.gifts_of`."""

        def names(kind: str) -> list[str]:
            return [tag.name for tag in work.tags_of(kind)]

        rating = work.rating
        numbers = numbers_of(work)  # free: works.queries loaded the stats and hit shards
        return cls(
            id=work.pk,
            url=work.get_absolute_url(),
            title=work.title,
            creators=[
                CreatorOut(pseud=pseud.name, user=pseud.user.username)
                for pseud in public_byline_pseuds(work)
            ],
            anonymous=work.anonymous,
            gifts=[GiftOut.of(gift) for gift in gifts],
            summary=work.summary,
            notes=work.notes,
            end_notes=work.end_notes,
            rating=rating.name if rating else None,
            warnings=names(TagKind.WARNING),
            categories=names(TagKind.CATEGORY),
            fandoms=names(TagKind.FANDOM),
            relationships=names(TagKind.RELATIONSHIP),
            characters=names(TagKind.CHARACTER),
            freeforms=names(TagKind.FREEFORM),
            language=work.language,
            restricted=work.restricted,
            comment_permission=work.comment_permission,
            moderated_comments=work.moderated_comments,
            draft=not is_released(work),
            scheduled_for=work.scheduled_for if work.is_scheduled else None,
            complete=work.is_complete,
            expected_chapters=work.expected_chapters,
            chapter_count=work.chapter_count,
            word_count=work.word_count,
            published=work.published_on,
            updated=work.revised_at,
            chapters=[ChapterEntryOut.of(chapter) for chapter in chapters],
            stats=WorkStatsOut(
                hits=numbers.hits,
                kudos=numbers.kudos,
                comments=numbers.comments,
                bookmarks=numbers.bookmarks,
            ),
            inspired_by=None,
            children=None,
            # Only its creators and the moderators are ever given a hidden work.
            hidden=work.hidden_at is not None,
            hidden_reason=work.hidden_reason if work.hidden_at is not None else "",
        )


class FacetOut(Schema):
    id: int
    name: str
    count: int


class ParentOut(Schema):
    """A parent as the viewer may see it. One they can't (a restricted work for a guest, a work
    not posted) has `hidden: true` and no title, address or author."""

    id: int
    kind: str
    language: str | None
    hidden: bool
    work_id: int | None
    title: str | None
    url: str | None
    author: str | None


class ChildOut(Schema):
    """An approved child listed under a work (only those the viewer may list)."""

    id: int
    kind: str
    language: str | None
    work_id: int
    title: str
    url: str


class RelatedAnswer(Input):
    status: Literal["approved", "hidden"]


class LinkOut(Schema):
    id: int
    work_id: int
    parent_work_id: int | None
    kind: str
    status: str


class WorkPage(Schema):
    """One page of works. `next` and `previous` are paths, or null. `facets` gives, for each
    tag kind, the canonical tags most common among all the results, with exact counts."""

    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[WorkOut]
    facets: dict[str, list[FacetOut]]
