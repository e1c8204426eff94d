"""Bringing an eFiction archive over: its authors, stories, reviews, series and favourites
written through the archive's own services, each story in its own transaction.

Every thing brought over leaves a `LegacyRecord` naming what it became, so a second run skips
all of it and a run cut short goes on where it stopped; no half-imported story is ever visible
(a story, its chapters, co-creators and reviews commit together or not at all)."""

from __future__ import annotations

import contextlib
import itertools
import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from feedback.services.bookmarks import AlreadyBookmarked, BookmarkData, create_bookmark
from feedback.services.comments import ImportedComment, import_comments
from feedback.services.subscriptions import subscribe
from lifestream.core.changes import WorkChanged, announce
from lifestream.core.errors import FieldError, InvalidInput
from lifestream.core.text import format_to_html, one_line
from people.models import LOGIN_MAX, PSEUD_DESCRIPTION_MAX, PSEUD_MAX, Pseud, User
from people.services import create_user
from tags.models import Tag, TagKind, tags_named
from tags.services import ensure_fixed_tags
from works import services as work_services
from works.models import (
    CHAPTER_TITLE_MAX,
    NOTES_MAX,
    SERIES_SUMMARY_MAX,
    SERIES_TITLE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    Chapter,
    Creatorship,
    Series,
    SeriesCreatorship,
    SeriesPart,
    Work,
)
from works.services import ChapterData, WorkData

from ..models import PLACEHOLDER_FANDOM, LegacyKind, LegacyRecord
from . import tagmap
from .source import Archive, Story, flag, ids, text, when
from .tagmap import NO_WARNING_CHOSEN, NOT_RATED, OriginalTag

# Severity order of AO3's ratings: a story with several eFiction ratings gets the strictest.
# Stories written per transaction: whole stories only, few enough that an interrupted run
# redoes little.
STORIES_PER_COMMIT = 25
RATING_ORDER = ("Not Rated", "General Audiences", "Teen And Up Audiences", "Mature", "Explicit")
_BLOCK_MARKUP = re.compile(r"<\s*(p|br|div|blockquote|h[1-6]|ul|ol|table|hr)\b", re.IGNORECASE)
# eFiction keeps the author's answer to a review inside the review, after this label.
_RESPONSE = re.compile(
    r"(?:\s*<br\s*/?>)*\s*<i>\s*Author(?:'|&#0?39;|’)?s\s+Response\s*:?\s*(?P<reply>.*?)</i>\s*$",
    re.IGNORECASE | re.DOTALL,
)
_MOJIBAKE = re.compile("[ÃÂâ][\u0080-\u00bf\u2010-\u203a\u0152-\u0178\u02c6\u02dc]")


def _refused(field_name: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([FieldError(field_name, code, message)])


@dataclass
class Options:
    stories_dir: Path | None = None
    tag_map: Path | None = None
    send_claims: bool = True


@dataclass
class Report:
    """What a run did: counts of what was imported, and each thing skipped with why."""

    imported: Counter = field(default_factory=Counter)
    already: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, what: str, legacy_id: object, why: str) -> None:
        self.skipped.append((what, str(legacy_id), why))

    def skipped_counts(self) -> Counter:
        return Counter(what for what, _, _ in self.skipped)


def fix_text(value: object, report: Report | None = None) -> str:
    """eFiction text as it was meant: UTF-8 typed into a latin1 table comes back as "Ã©" for
    "é"; such text is decoded once more. Text that is not of that shape is left alone."""
    value = text(value)
    if not _MOJIBAKE.search(value):
        return value
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = value.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if report is not None:
            report.imported["texts repaired (UTF-8 read as latin1)"] += 1
        return fixed
    return value


def split_review(review: str) -> tuple[str, str]:
    """(the reader's review, the author's response or "")."""
    found = _RESPONSE.search(review)
    if found is None:
        return review, ""
    return review[: found.start()], found.group("reply").strip()


def login_for(penname: str, uid: int, taken: set[str]) -> str:
    """A free login made of the pen name's letters (AO3's rules: letters, digits and
    underscores, starting and ending with a letter or digit)."""
    folded = unicodedata.normalize("NFKD", penname).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9]+", "_", folded).strip("_")[:LOGIN_MAX].rstrip("_")
    if len(base) < 3:
        base = f"author_{uid}"
    candidate, number = base, 2
    while candidate.casefold() in taken:
        suffix = f"_{number}"
        candidate = base[: LOGIN_MAX - len(suffix)].rstrip("_") + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


def pseud_for(penname: str, fallback: str) -> str:
    name = " ".join(re.sub(r"[^\w \-]+", " ", penname).split())[:PSEUD_MAX].strip()
    return name if re.search(r"\w", name) else fallback


def _date(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    day = moment.date()
    today = timezone.localdate()
    if day > today:
        return today
    return max(day, work_services.EARLIEST_DATE)


class Importer:
    def __init__(self, archive: Archive, options: Options, report: Report) -> None:
        self.archive = archive
        self.options = options
        self.report = report
        self.tags = tagmap.catalogue(archive)
        if options.tag_map is not None:
            tagmap.apply_map(self.tags, tagmap.read_map(options.tag_map))
        self.targets: dict[tuple[str, int], tuple[str, str]] = {}
        self.users: dict[int, User] = {}
        self.pseuds: dict[int, Pseud] = {}
        self.works: dict[int, int] = {}

    # --- the run -------------------------------------------------------------------------

    def run(self, progress: Callable[[str, int], None] | None = None) -> Report:
        self._check_archive()
        self._resolve_tag_names()
        self._authors()
        self._categories()
        coauthors = self.archive.coauthors()
        stories = iter(self.archive.stories())
        done = 0
        while batch := list(itertools.islice(stories, STORIES_PER_COMMIT)):
            # Whole stories only are committed, a few at a time (each one in a savepoint of its
            # own, so a story refused is rolled back alone); an interrupted run loses at most
            # the batch it was in, which the next run imports again.
            with transaction.atomic():
                for story in batch:
                    self._story(story, coauthors.get(story.sid, []))
            for _ in batch:
                done += 1
                if progress is not None and done % 500 == 0:
                    progress("stories", done)
        self._series()
        self._favourites()
        if not self.report.already["stories"]:
            self._series_reviews()
        self._challenges()
        if self.options.send_claims:
            from .claims import send_claims

            self.report.imported["claim emails sent"] += send_claims()
        return self.report

    def _check_archive(self) -> None:
        # Works need AO3's ratings and warnings (seeded by a migration; put back if gone).
        ensure_fixed_tags()
        archive = self.archive
        for table in archive.missing:
            self.report.notes.append(f"table {table} is missing: nothing of it was imported")
        record = LegacyRecord.objects.filter(kind=LegacyKind.ARCHIVE).first()
        key = archive.site_key
        if record is not None and record.legacy_id != key:
            raise _refused(
                "dump",
                "another_archive",
                f"This Lifestream already holds the eFiction archive “{record.legacy_id}”; "
                f"this dump is of “{key}”. Its old addresses would collide: import it into "
                "an archive of its own.",
            )
        if record is None:
            LegacyRecord.objects.create(kind=LegacyKind.ARCHIVE, legacy_id=key, target_id=0)
        if archive.store == "files" and self.options.stories_dir is None:
            self.report.notes.append(
                "the archive keeps its chapters in files (settings.store is “files”) and no "
                "--stories folder was given: chapters are read from the database, where they "
                "are usually empty"
            )

    # --- tags ----------------------------------------------------------------------------

    def _resolve_tag_names(self) -> None:
        """Each original tag's Lifestream (kind, name). Tag names are unique across kinds: a
        name already used by another kind here or in the archive gets the kind after it."""
        used: dict[str, str] = {}
        for key, tag in self.tags.items():
            kind, name = tag.target()
            if not name or kind in (TagKind.RATING, TagKind.WARNING, TagKind.CATEGORY):
                self.targets[key] = (kind, name)
                continue
            existing = used.get(name.casefold())
            if existing is None:
                found = tags_named(name).first()
                existing = found.kind if found is not None else None
            if existing is not None and existing != kind:
                name = tagmap.clean_tag_name(f"{name} ({TagKind(kind).label})")
            used[name.casefold()] = kind
            self.targets[key] = (kind, name)

    def _categories(self) -> None:
        """Fandom tags for the categories, the category tree kept as parent fandoms (metatags),
        and a record of each for the old category addresses."""
        from tags.models import TagParent

        done = set(
            LegacyRecord.objects.filter(kind=LegacyKind.CATEGORY).values_list(
                "legacy_id", flat=True
            )
        )
        categories = {k[1]: t for k, t in self.tags.items() if k[0] == tagmap.CATEGORY}
        parents = {
            int(row["catid"]): int(row["parentcatid"] or -1)
            for row in self.archive.table("categories")
        }
        with transaction.atomic():
            made: dict[int, Tag] = {}
            for catid in categories:
                kind, name = self.targets[(tagmap.CATEGORY, catid)]
                if kind != TagKind.FANDOM or not name:
                    continue
                tag = tags_named(name).first() or Tag.objects.create(kind=kind, name=name)
                if tag.kind != kind:
                    continue
                made[catid] = tag
                if str(catid) not in done:
                    LegacyRecord.objects.create(
                        kind=LegacyKind.CATEGORY, legacy_id=str(catid), target_id=tag.pk
                    )
                    self.report.imported["categories → fandoms"] += 1
            for catid, tag in made.items():
                parent = made.get(parents.get(catid, -1))
                if parent is not None and parent.pk != tag.pk:
                    TagParent.objects.get_or_create(child=tag, parent=parent)

    def _story_tags(self, row: dict) -> dict[str, list[str]]:
        chosen: dict[str, list[str]] = defaultdict(list)
        keys = [(tagmap.CATEGORY, i) for i in ids(row["catid"])]
        keys += [(tagmap.CHARACTER, i) for i in ids(row["charid"])]
        keys += [(tagmap.RATING, i) for i in ids(row["rid"])]
        classes = {
            k[1]: k
            for k in self.tags
            if k[0] not in (tagmap.CATEGORY, tagmap.CHARACTER, tagmap.RATING)
        }
        keys += [classes[i] for i in ids(row["classes"]) if i in classes]
        for key in keys:
            target = self.targets.get(key)
            if target is not None and target[1] and target[1] not in chosen[target[0]]:
                chosen[target[0]].append(target[1])
        return chosen

    # --- authors -------------------------------------------------------------------------

    def _authors(self) -> None:
        records = dict(
            LegacyRecord.objects.filter(kind=LegacyKind.AUTHOR).values_list(
                "legacy_id", "target_id"
            )
        )
        taken = set(User.objects.annotate(login=Lower("username")).values_list("login", flat=True))
        batch: list[dict] = []
        for row in self.archive.table("authors", ["uid"]):
            uid = int(row["uid"] or 0)
            if uid <= 0:
                continue
            if str(uid) in records:
                self.report.already["authors"] += 1
                continue
            batch.append(row)
            if len(batch) >= 200:
                self._author_batch(batch, taken)
                batch = []
        if batch:
            self._author_batch(batch, taken)
        records = dict(
            LegacyRecord.objects.filter(kind=LegacyKind.AUTHOR).values_list(
                "legacy_id", "target_id"
            )
        )
        users = User.objects.in_bulk(list(records.values()))
        pseuds = {
            p.user_id: p for p in Pseud.objects.filter(user__in=users.values(), is_default=True)
        }
        for legacy_id, user_id in records.items():
            user = users.get(user_id)
            if user is not None and user_id in pseuds:
                self.users[int(legacy_id)] = user
                self.pseuds[int(legacy_id)] = pseuds[user_id]

    @transaction.atomic
    def _author_batch(self, rows: list[dict], taken: set[str]) -> None:
        for row in rows:
            uid = int(row["uid"])
            penname = one_line(fix_text(row["penname"], self.report)) or f"author {uid}"
            email = text(row["email"]).strip()
            try:
                validate_email(email)
            except ValidationError:
                if email:
                    self.report.notes.append(
                        f"author {uid} ({penname}): “{email}” is not an email address; they "
                        "get no claim email (an admin can set their address)"
                    )
                email = ""
            login = login_for(penname, uid, taken)
            # No password: an eFiction password (an MD5 hash) is never kept; the author sets
            # a new one from their claim email.
            user = create_user(login, email, None)
            joined = when(row["date"])
            if joined is not None:
                User.objects.filter(pk=user.pk).update(date_joined=joined)
            bio = format_to_html(fix_text(row["bio"], self.report), "html")
            if len(bio) > PSEUD_DESCRIPTION_MAX:
                bio = format_to_html(
                    one_line(text(row["bio"]))[: PSEUD_DESCRIPTION_MAX - 20] + "…", "text"
                )
            Pseud.objects.filter(user=user, is_default=True).update(
                name=pseud_for(penname, login), description=bio[:PSEUD_DESCRIPTION_MAX]
            )
            LegacyRecord.objects.create(
                kind=LegacyKind.AUTHOR, legacy_id=str(uid), target_id=user.pk
            )
            self.report.imported["authors → users"] += 1

    # --- stories -------------------------------------------------------------------------

    def _chapter_text(self, story: Story, chapter: dict) -> tuple[str | None, str]:
        """The chapter's text and "" — or None and why it could not be read."""
        stored = text(chapter["storytext"])
        folder = self.options.stories_dir
        if self.archive.store == "files" and folder is not None:
            path = (
                folder
                / str(int(chapter["uid"] or story.row["uid"] or 0))
                / f"{chapter['chapid']}.txt"
            )
            try:
                data = path.read_bytes()
            except OSError:
                if stored.strip():
                    return fix_text(stored, self.report), ""
                return None, f"its file {path.relative_to(folder)} is missing"
            try:
                return fix_text(data.decode("utf-8"), self.report), ""
            except UnicodeDecodeError:
                self.report.imported["chapter files read as Windows-1252"] += 1
                return data.decode("cp1252", errors="replace"), ""
        return fix_text(stored, self.report), ""

    def _story(self, story: Story, coauthor_ids: list[int]) -> None:
        row = story.row
        sid = story.sid
        record = LegacyRecord.objects.filter(kind=LegacyKind.STORY, legacy_id=str(sid)).first()
        if record is not None:
            self.works[sid] = record.target_id
            self.report.already["stories"] += 1
            return
        uid = int(row["uid"] or 0)
        owner = self.users.get(uid)
        if owner is None:
            self.report.skip("story", sid, f"its author (uid {uid}) is not in the authors table")
            return
        chapters = sorted(story.chapters, key=lambda c: (int(c["inorder"] or 0), int(c["chapid"])))
        texts: list[tuple[dict, str]] = []
        for chapter in chapters:
            body, why = self._chapter_text(story, chapter)
            if body is None:
                self.report.skip("chapter", chapter["chapid"], f"of story {sid}: {why}")
            elif not body.strip():
                self.report.skip("chapter", chapter["chapid"], f"of story {sid}: it has no text")
            else:
                texts.append((chapter, body))
        if not texts:
            self.report.skip("story", sid, "none of its chapters could be read")
            return
        data = self._work_data(row, owner)
        chapter_data = [
            ChapterData(
                body=body,
                body_format="html" if _BLOCK_MARKUP.search(body) else "text",
                title=one_line(fix_text(chapter["title"]))[:CHAPTER_TITLE_MAX],
                notes=fix_text(chapter["notes"])[:NOTES_MAX],
                end_notes=fix_text(chapter["endnotes"])[:NOTES_MAX],
            )
            for chapter, body in texts
        ]
        posted = flag(row["validated"])
        try:
            with transaction.atomic():
                work = work_services.create_work(
                    owner, data, chapter_data[0], post=posted, more_chapters=chapter_data[1:]
                )
                self._after_work(work, story, texts, coauthor_ids)
        except InvalidInput as error:
            reasons = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
            self.report.skip("story", sid, reasons)
            return
        self.works[sid] = work.pk
        self.report.imported["stories → works"] += 1
        self.report.imported["chapters"] += len(texts)
        if not posted:
            self.report.imported["unvalidated stories → drafts"] += 1

    def _work_data(self, row: dict, owner: User) -> WorkData:
        tags = self._story_tags(row)
        ratings = [name for name in tags.get(TagKind.RATING, []) if name in RATING_ORDER]
        rating = max(ratings, key=RATING_ORDER.index) if ratings else NOT_RATED
        warnings = tags.get(TagKind.WARNING, []) or [NO_WARNING_CHOSEN]
        if len(warnings) > 1 and NO_WARNING_CHOSEN in warnings:
            warnings.remove(NO_WARNING_CHOSEN)
        summary = fix_text(row["summary"], self.report)
        notes = fix_text(row["storynotes"], self.report)
        if len(summary) > SUMMARY_MAX:
            # Nothing is cut: a summary too long for AO3's limit opens the notes.
            notes = f"{summary}\n\n{notes}".strip()
            summary = one_line(re.sub(r"<[^>]+>", " ", summary))[: SUMMARY_MAX - 1] + "…"
        title = one_line(fix_text(row["title"], self.report))[:TITLE_MAX] or "Untitled"
        published = _date(when(row["date"]))
        return WorkData(
            title=title,
            pseuds=[self.pseuds[int(row["uid"])]],
            summary=summary,
            notes=notes[:NOTES_MAX],
            rating=rating,
            warnings=warnings,
            categories=tags.get(TagKind.CATEGORY, []),
            fandoms=tags.get(TagKind.FANDOM, []) or [PLACEHOLDER_FANDOM],
            relationships=tags.get(TagKind.RELATIONSHIP, []),
            characters=tags.get(TagKind.CHARACTER, []),
            freeforms=tags.get(TagKind.FREEFORM, []),
            complete=flag(row["completed"]),
            published_on=published if published != timezone.localdate() else None,
        )

    def _after_work(
        self, work: Work, story: Story, texts: list[tuple[dict, str]], coauthor_ids: list[int]
    ) -> None:
        row = story.row
        owner_uid = int(row["uid"])
        # Co-authors were credited on the old archive already: accepted co-creators here.
        position = 1
        for uid in coauthor_ids:
            pseud = self.pseuds.get(uid)
            if pseud is None or uid == owner_uid:
                continue
            Creatorship.invitations.get_or_create(
                work=work, pseud=pseud, defaults={"position": position, "approved": True}
            )
            position += 1
            self.report.imported["co-authors → co-creators"] += 1
        created = when(row["date"])
        updated = when(row["updated"]) or created
        if updated is not None and len(texts) > 1:
            Chapter.objects.filter(work=work, position__gt=1).update(published_on=_date(updated))
        if created is not None:
            revised = max(created, updated or created)
            Work.objects.filter(pk=work.pk).update(
                created_at=created, revised_at=min(revised, timezone.now())
            )
        chapters = {
            int(chapter["chapid"]): position for position, (chapter, _) in enumerate(texts, start=1)
        }
        by_position = {c.position: c for c in work.chapters.all()}
        owner_pseud = self.pseuds[owner_uid]
        threads: list[ImportedComment] = []
        for review in sorted(story.reviews, key=lambda r: (text(r["date"]), int(r["reviewid"]))):
            body, answer = split_review(fix_text(review["review"], self.report))
            moment = when(review["date"]) or created or timezone.now()
            reviewer = int(review["uid"] or 0)
            pseud = self.pseuds.get(reviewer) if reviewer > 0 else None
            name = one_line(fix_text(review["reviewer"])) or "Guest"
            on_chapter = chapters.get(int(review["chapid"] or 0))
            thread = ImportedComment(
                body=format_to_html(body, "html" if _BLOCK_MARKUP.search(body) else "text"),
                created_at=moment,
                chapter=by_position.get(on_chapter) if on_chapter else None,
                pseud=pseud,
                guest_name="" if pseud is not None else name,
            )
            if answer:
                thread.replies.append(
                    ImportedComment(
                        body=format_to_html(
                            answer, "html" if _BLOCK_MARKUP.search(answer) else "text"
                        ),
                        created_at=moment + dt.timedelta(seconds=1),
                        pseud=owner_pseud,
                    )
                )
            threads.append(thread)
        written = import_comments(work, threads)
        replies = sum(len(t.replies) for t in threads)
        self.report.imported["reviews → comments"] += written
        left = len(threads) + replies - written
        if left:
            self.report.imported["reviews with no text (ratings only), left out"] += left
        LegacyRecord.objects.create(
            kind=LegacyKind.STORY, legacy_id=str(story.sid), target_id=work.pk
        )
        # create_work announced the work; its consumers read it once this transaction commits,
        # co-creators and comments included.

    # --- series --------------------------------------------------------------------------

    def _series(self) -> None:
        done = set(
            LegacyRecord.objects.filter(kind=LegacyKind.SERIES).values_list("legacy_id", flat=True)
        )
        parts: dict[int, list[dict]] = defaultdict(list)
        for row in self.archive.table("inseries", ["seriesid", "inorder"]):
            parts[int(row["seriesid"])].append(row)
        for row in self.archive.table("series", ["seriesid"]):
            seriesid = int(row["seriesid"])
            if str(seriesid) in done:
                self.report.already["series"] += 1
                continue
            owner = self.pseuds.get(int(row["uid"] or 0))
            work_ids: list[int] = []
            for part in parts.get(seriesid, []):
                if int(part["subseriesid"] or 0):
                    self.report.skip(
                        "series part",
                        f"{seriesid}/{part['subseriesid']}",
                        "a series inside a series: Lifestream's series hold works only",
                    )
                    continue
                work_id = self.works.get(int(part["sid"] or 0))
                if work_id is None:
                    self.report.skip(
                        "series part", f"{seriesid}/{part['sid']}", "its story was not imported"
                    )
                elif work_id not in work_ids:
                    work_ids.append(work_id)
            if owner is None and not work_ids:
                self.report.skip("series", seriesid, "no owner and no imported story")
                continue
            self._one_series(seriesid, row, owner, work_ids)

    @transaction.atomic
    def _one_series(
        self, seriesid: int, row: dict, owner: Pseud | None, work_ids: list[int]
    ) -> None:
        summary = format_to_html(fix_text(row["summary"], self.report), "html")
        series = Series.objects.create(
            title=one_line(fix_text(row["title"], self.report))[:SERIES_TITLE_MAX] or "Untitled",
            summary=summary[:SERIES_SUMMARY_MAX] if len(summary) <= SERIES_SUMMARY_MAX else "",
            notes=summary if len(summary) > SERIES_SUMMARY_MAX else "",
        )
        creators: list[int] = [owner.pk] if owner is not None else []
        for position, work_id in enumerate(work_ids, start=1):
            SeriesPart.objects.create(series=series, work_id=work_id, position=position)
            for pseud_id in Creatorship.objects.filter(work_id=work_id).values_list(
                "pseud_id", flat=True
            ):
                if pseud_id not in creators:
                    creators.append(pseud_id)
        SeriesCreatorship.objects.bulk_create(
            SeriesCreatorship(series=series, pseud_id=pseud_id) for pseud_id in creators
        )
        for work_id in work_ids:
            announce(WorkChanged(work_id))
        LegacyRecord.objects.create(
            kind=LegacyKind.SERIES, legacy_id=str(seriesid), target_id=series.pk
        )
        self.report.imported["series"] += 1
        self.report.imported["series parts"] += len(work_ids)

    # --- favourites ----------------------------------------------------------------------

    def _favourites(self) -> None:
        done = set(
            LegacyRecord.objects.filter(kind=LegacyKind.FAVOURITE).values_list(
                "legacy_id", flat=True
            )
        )
        series = {
            int(legacy): target
            for legacy, target in LegacyRecord.objects.filter(kind=LegacyKind.SERIES).values_list(
                "legacy_id", "target_id"
            )
        }
        batch: list[dict] = []
        for row in self.archive.table("favorites"):
            key = f"{int(row['uid'] or 0)}:{text(row['type']).upper()}:{int(row['item'] or 0)}"
            if key in done:
                self.report.already["favourites"] += 1
                continue
            done.add(key)
            batch.append(row)
            if len(batch) >= 500:
                self._favourite_batch(batch, series)
                batch = []
        if batch:
            self._favourite_batch(batch, series)

    @transaction.atomic
    def _favourite_batch(self, rows: list[dict], series_ids: dict[int, int]) -> None:
        for row in rows:
            uid, item, kind = int(row["uid"] or 0), int(row["item"] or 0), text(row["type"]).upper()
            key = f"{uid}:{kind}:{item}"
            user = self.users.get(uid)
            if user is None:
                self.report.skip("favourite", key, f"no imported author has uid {uid}")
                continue
            try:
                with transaction.atomic():
                    self._favourite(user, kind, item, fix_text(row["comments"]), series_ids, key)
            except InvalidInput as error:
                self.report.skip("favourite", key, error.errors[0].message)
                continue
            LegacyRecord.objects.create(kind=LegacyKind.FAVOURITE, legacy_id=key, target_id=0)

    def _favourite(
        self, user: User, kind: str, item: int, notes: str, series_ids: dict[int, int], key: str
    ) -> None:
        if kind == "ST":
            work_id = self.works.get(item)
            if work_id is None:
                raise _refused("item", "not_imported", f"story {item} was not imported")
            work = Work.objects.get(pk=work_id)
            with contextlib.suppress(AlreadyBookmarked):
                create_bookmark(user, work, BookmarkData(notes=format_to_html(notes, "text")))
            self.report.imported["favourite stories → bookmarks"] += 1
        elif kind == "AU":
            creator = self.users.get(item)
            if creator is None:
                raise _refused("item", "not_imported", f"author {item} was not imported")
            subscribe(user, creator=creator)
            self.report.imported["favourite authors → subscriptions"] += 1
        elif kind == "SE":
            series_id = series_ids.get(item)
            if series_id is None:
                raise _refused("item", "not_imported", f"series {item} was not imported")
            subscribe(user, series=Series.objects.get(pk=series_id))
            self.report.imported["favourite series → subscriptions"] += 1
        else:
            raise _refused("type", "unknown", f"unknown kind of favourite “{kind}”")

    # --- challenges ----------------------------------------------------------------------

    def _series_reviews(self) -> None:
        for row in self.archive.table("reviews", ["reviewid"]):
            if text(row["type"]).upper() == "SE":
                self.report.skip(
                    "review", row["reviewid"], "a review of a series: series take no comments"
                )

    def _challenges(self) -> None:
        """Challenges become collections (with their responses as the collection's works)
        once Lifestream has collections; until then each is listed as skipped, so the report
        accounts for it and a later run, with collections, can bring them over."""
        for row in self.archive.table("challenges", ["chalid"]):
            self.report.skip("challenge", row["chalid"], "skipped: collections not available yet")


def dry_run(archive: Archive, options: Options, report: Report) -> list[OriginalTag]:
    """What a run would bring over, writing nothing to the archive: the counts of every table,
    the chapters whose files are missing, and the tag map."""
    tags = tagmap.catalogue(archive)
    if options.tag_map is not None and options.tag_map.exists():
        tagmap.apply_map(tags, tagmap.read_map(options.tag_map))
    for table in archive.missing:
        report.notes.append(f"table {table} is missing: nothing of it would be imported")
    for name in ("authors", "stories", "chapters", "series", "reviews", "favorites", "coauthors"):
        report.imported[f"{name} in the dump"] = archive.count(name)
    importer = Importer.__new__(Importer)
    importer.archive, importer.options, importer.report = archive, replace(options), report
    if archive.store == "files" and options.stories_dir is not None:
        for story in archive.stories():
            for chapter in story.chapters:
                body, why = importer._chapter_text(story, chapter)
                if body is None:
                    report.skip("chapter", chapter["chapid"], f"of story {story.sid}: {why}")
    for row in archive.table("challenges", ["chalid"]):
        report.skip("challenge", row["chalid"], "skipped: collections not available yet")
    return list(tags.values())
