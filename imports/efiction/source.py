"""eFiction 3.x's tables as the import reads them, from a loaded dump (`mariadb.DumpServer`).

The schema is eFiction 3.5's (3.0 to 3.4 differ only in columns the import does not need);
a column a dump lacks reads as None. Authors, stories and chapters are required; any other
table may be missing, and the report says what could not be brought over because of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Protocol

REQUIRED = ("authors", "stories", "chapters")
OPTIONAL = (
    "categories",
    "characters",
    "ratings",
    "classtypes",
    "classes",
    "series",
    "inseries",
    "reviews",
    "favorites",
    "coauthors",
    "challenges",
    "settings",
)
COLUMNS = {
    "authors": ["uid", "penname", "realname", "email", "website", "bio", "date"],
    "stories": [
        "sid",
        "title",
        "summary",
        "storynotes",
        "catid",
        "classes",
        "charid",
        "rid",
        "date",
        "updated",
        "uid",
        "coauthors",
        "validated",
        "completed",
        "count",
    ],
    "chapters": [
        "chapid",
        "title",
        "inorder",
        "notes",
        "storytext",
        "endnotes",
        "validated",
        "sid",
        "uid",
    ],
    "categories": ["catid", "parentcatid", "category", "description", "displayorder"],
    "characters": ["charid", "catid", "charname"],
    "ratings": ["rid", "rating", "ratingwarning"],
    "classtypes": ["classtype_id", "classtype_name", "classtype_title"],
    "classes": ["class_id", "class_type", "class_name"],
    "series": ["seriesid", "title", "summary", "uid", "isopen"],
    "inseries": ["seriesid", "sid", "subseriesid", "confirmed", "inorder"],
    "reviews": [
        "reviewid",
        "item",
        "chapid",
        "reviewer",
        "uid",
        "review",
        "date",
        "rating",
        "respond",
        "type",
    ],
    "favorites": ["uid", "item", "type", "comments"],
    "coauthors": ["sid", "uid"],
    "challenges": ["chalid", "uid", "title", "summary"],
    "settings": ["sitekey", "sitename", "url", "store", "storiespath", "version", "language"],
}


class SourceRefused(Exception):
    """The dump is not an eFiction 3.x archive the import can read."""


class Server(Protocol):
    def tables(self) -> set[str]: ...
    def columns(self, table: str) -> list[str]: ...
    def count(self, table: str) -> int: ...
    def rows(
        self, table: str, columns: list[str], order_by: list[str] | None = None
    ) -> Iterator[dict]: ...


def ids(value: object) -> list[int]:
    """eFiction's comma-separated id lists ('3,10,16'), with blanks and junk left out."""
    found: list[int] = []
    for part in str(value or "").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit() and int(part) > 0 and int(part) not in found:
            found.append(int(part))
    return found


def when(value: object) -> dt.datetime | None:
    """A MySQL DATETIME ('2006-02-09 22:21:35', read as UTC); '0000-00-00…' is none."""
    text = str(value or "")
    try:
        moment = dt.datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        try:
            moment = dt.datetime.strptime(text[:10], "%Y-%m-%d")
        except ValueError:
            return None
    return moment.replace(tzinfo=dt.UTC)


def text(value: object) -> str:
    return "" if value is None else str(value)


def flag(value: object) -> bool:
    return str(value or "").strip() not in ("", "0")


@dataclass
class Story:
    row: dict
    chapters: list[dict] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)

    @property
    def sid(self) -> int:
        return int(self.row["sid"])


class Archive:
    """What the dump holds, table by table, behind `prefix` ('fanfiction_' by default)."""

    def __init__(self, server: Server, prefix: str = "fanfiction_") -> None:
        self.server = server
        self.prefix = prefix
        present = server.tables()
        self.present = {name for name in (*REQUIRED, *OPTIONAL) if prefix + name in present}
        missing = [prefix + name for name in REQUIRED if name not in self.present]
        if missing:
            others = sorted(present)[:8]
            raise SourceRefused(
                f"This dump has no table {', '.join(missing)}: it is not an eFiction 3.x archive "
                f"with the prefix “{prefix}”"
                + (f" (its tables: {', '.join(others)}…)." if others else " (it has no tables).")
                + " Give the right one with --prefix."
            )
        self.missing = [prefix + name for name in OPTIONAL if name not in self.present]
        rows = list(self.table("settings"))
        settings = rows[0] if rows else {}
        self.settings = settings
        self.version = text(settings.get("version")).strip()
        if self.version and not self.version.startswith("3."):
            raise SourceRefused(
                f"This dump is from eFiction {self.version}; import_efiction reads the archives "
                "of eFiction 3.x (3.0 to 3.5). Upgrade the archive with eFiction's own upgrade "
                "scripts first, then dump it again."
            )
        self.site_key = text(settings.get("sitekey")) or "efiction"
        self.site_name = text(settings.get("sitename"))
        self.store = text(settings.get("store")) or "mysql"

    def table(self, name: str, order_by: list[str] | None = None) -> Iterator[dict]:
        if name not in self.present:
            return iter(())
        return self.server.rows(self.prefix + name, COLUMNS[name], order_by)

    def count(self, name: str) -> int:
        return self.server.count(self.prefix + name) if name in self.present else 0

    def by_id(self, name: str, key: str) -> dict[int, dict]:
        return {int(row[key]): row for row in self.table(name) if row[key] is not None}

    def coauthors(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for row in self.table("coauthors", ["sid", "uid"]):
            found.setdefault(int(row["sid"]), []).append(int(row["uid"]))
        return found

    def stories(self) -> Iterator[Story]:
        """Every story with its chapters (in order) and its reviews (oldest first), read as
        three sorted streams merged by story id: no story's rows are held longer than it."""
        chapters = groupby(self.table("chapters", ["sid", "inorder", "chapid"]), _sid)
        reviews = groupby(
            (r for r in self.table("reviews", ["item", "date", "reviewid"]) if _is_story(r)),
            lambda row: int(row["item"] or 0),
        )
        next_chapters = next(chapters, None)
        next_reviews = next(reviews, None)
        for row in self.table("stories", ["sid"]):
            story = Story(row)
            while next_chapters is not None and next_chapters[0] < story.sid:
                next_chapters = next(chapters, None)
            if next_chapters is not None and next_chapters[0] == story.sid:
                story.chapters = list(next_chapters[1])
                next_chapters = next(chapters, None)
            while next_reviews is not None and next_reviews[0] < story.sid:
                next_reviews = next(reviews, None)
            if next_reviews is not None and next_reviews[0] == story.sid:
                story.reviews = list(next_reviews[1])
                next_reviews = next(reviews, None)
            yield story


def _sid(row: dict) -> int:
    return int(row["sid"] or 0)


def _is_story(row: dict) -> bool:
    return text(row["type"]).upper() in ("ST", "")
