"""A synthetic eFiction 3.5 archive for the import's tests and benchmark: a mysqldump as
eFiction's MySQL would write it (latin1 tables, `SET NAMES`, MySQL's string escapes, multi-row
INSERTs) and, for an archive storing chapters as files, its stories/UID/CHAPID.txt folder.

The tables follow eFiction 3.5's schema (the columns its install scripts create); every
name and sentence is made up here. The shape is fixed by `Shape`, the content by the seed, so
tests can count exactly what the import must bring over (`Expected`)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TABLES = {
    "authors": """`uid` int(11) NOT NULL AUTO_INCREMENT, `penname` varchar(200) NOT NULL DEFAULT '',
  `realname` varchar(200) NOT NULL DEFAULT '', `email` varchar(200) NOT NULL DEFAULT '',
  `website` varchar(200) NOT NULL DEFAULT '', `bio` text, `image` varchar(200) NOT NULL DEFAULT '',
  `date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00', `admincreated` char(1) NOT NULL DEFAULT '0',
  `password` varchar(40) NOT NULL DEFAULT '0', PRIMARY KEY (`uid`), KEY `penname` (`penname`)""",
    "categories": """`catid` int(11) NOT NULL AUTO_INCREMENT, `parentcatid` int(11) NOT NULL DEFAULT '-1',
  `category` varchar(60) NOT NULL DEFAULT '', `description` text NOT NULL,
  `image` varchar(100) NOT NULL DEFAULT '', `locked` char(1) NOT NULL DEFAULT '0',
  `leveldown` tinyint(4) NOT NULL DEFAULT '0', `displayorder` int(11) NOT NULL DEFAULT '0',
  `numitems` int(11) NOT NULL DEFAULT '0', PRIMARY KEY (`catid`)""",
    "challenges": """`chalid` int(11) NOT NULL AUTO_INCREMENT, `challenger` varchar(200) NOT NULL DEFAULT '',
  `uid` int(11) NOT NULL DEFAULT '0', `title` varchar(250) NOT NULL DEFAULT '',
  `catid` varchar(200) NOT NULL DEFAULT '', `characters` varchar(200) NOT NULL DEFAULT '',
  `summary` text NOT NULL, PRIMARY KEY (`chalid`)""",
    "chapters": """`chapid` int(11) NOT NULL AUTO_INCREMENT, `title` varchar(250) NOT NULL DEFAULT '',
  `inorder` int(11) NOT NULL DEFAULT '0', `notes` text NOT NULL, `storytext` mediumtext,
  `endnotes` text, `validated` char(1) NOT NULL DEFAULT '0', `wordcount` int(11) NOT NULL DEFAULT '0',
  `rating` tinyint(4) NOT NULL DEFAULT '0', `reviews` smallint(6) NOT NULL DEFAULT '0',
  `sid` int(11) NOT NULL DEFAULT '0', `uid` int(11) NOT NULL DEFAULT '0',
  `count` int(11) NOT NULL DEFAULT '0', PRIMARY KEY (`chapid`), KEY `sid` (`sid`)""",
    "characters": """`charid` int(11) NOT NULL AUTO_INCREMENT, `catid` int(11) NOT NULL DEFAULT '0',
  `charname` varchar(60) NOT NULL DEFAULT '', `bio` text NOT NULL,
  `image` varchar(200) NOT NULL DEFAULT '', PRIMARY KEY (`charid`)""",
    "classes": """`class_id` int(11) NOT NULL AUTO_INCREMENT, `class_type` int(11) NOT NULL DEFAULT '0',
  `class_name` varchar(100) NOT NULL DEFAULT '', PRIMARY KEY (`class_id`)""",
    "classtypes": """`classtype_id` int(11) NOT NULL AUTO_INCREMENT,
  `classtype_name` varchar(50) NOT NULL DEFAULT '', `classtype_title` varchar(50) NOT NULL DEFAULT '',
  PRIMARY KEY (`classtype_id`)""",
    "coauthors": """`sid` int(11) NOT NULL DEFAULT '0', `uid` int(11) NOT NULL DEFAULT '0',
  PRIMARY KEY (`sid`,`uid`)""",
    "favorites": """`uid` int(11) NOT NULL DEFAULT '0', `item` int(11) NOT NULL DEFAULT '0',
  `type` char(2) NOT NULL DEFAULT '', `comments` text NOT NULL,
  UNIQUE KEY `byuid` (`uid`,`type`,`item`)""",
    "inseries": """`seriesid` int(11) NOT NULL DEFAULT '0', `sid` int(11) NOT NULL DEFAULT '0',
  `subseriesid` int(11) NOT NULL DEFAULT '0', `confirmed` int(11) NOT NULL DEFAULT '0',
  `inorder` int(11) NOT NULL DEFAULT '0', PRIMARY KEY (`sid`,`seriesid`,`subseriesid`)""",
    "ratings": """`rid` int(11) NOT NULL AUTO_INCREMENT, `rating` varchar(60) NOT NULL DEFAULT '',
  `ratingwarning` char(1) NOT NULL DEFAULT '0', `warningtext` text NOT NULL, PRIMARY KEY (`rid`)""",
    "reviews": """`reviewid` int(11) NOT NULL AUTO_INCREMENT, `item` int(11) NOT NULL DEFAULT '0',
  `chapid` int(11) NOT NULL DEFAULT '0', `reviewer` varchar(60) NOT NULL DEFAULT '0',
  `uid` int(11) NOT NULL DEFAULT '0', `review` text NOT NULL,
  `date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00', `rating` int(11) NOT NULL DEFAULT '0',
  `respond` char(1) NOT NULL DEFAULT '0', `type` varchar(2) NOT NULL DEFAULT 'ST',
  PRIMARY KEY (`reviewid`), KEY `avgrating` (`type`,`item`,`rating`)""",
    "series": """`seriesid` int(11) NOT NULL AUTO_INCREMENT, `title` varchar(200) NOT NULL DEFAULT '',
  `summary` text, `uid` int(11) NOT NULL DEFAULT '0', `isopen` tinyint(4) NOT NULL DEFAULT '0',
  `catid` varchar(200) NOT NULL DEFAULT '0', `classes` varchar(200) DEFAULT NULL,
  `rating` tinyint(4) NOT NULL DEFAULT '0', `warnings` varchar(250) NOT NULL DEFAULT '',
  `genres` varchar(250) NOT NULL DEFAULT '', `characters` varchar(250) NOT NULL DEFAULT '',
  `reviews` smallint(6) NOT NULL DEFAULT '0', `challenges` varchar(200) NOT NULL DEFAULT '',
  `numstories` int(11) NOT NULL DEFAULT '0', PRIMARY KEY (`seriesid`)""",
    "settings": """`sitekey` varchar(50) NOT NULL DEFAULT '1', `sitename` varchar(200) NOT NULL DEFAULT '',
  `url` varchar(200) NOT NULL DEFAULT '', `tableprefix` varchar(50) NOT NULL DEFAULT '',
  `language` varchar(10) NOT NULL DEFAULT 'en', `storiespath` varchar(20) NOT NULL DEFAULT 'stories',
  `store` varchar(5) NOT NULL DEFAULT 'files', `version` varchar(10) NOT NULL DEFAULT '3.3',
  PRIMARY KEY (`sitekey`)""",
    "stories": """`sid` int(11) NOT NULL AUTO_INCREMENT, `title` varchar(200) NOT NULL DEFAULT '',
  `summary` text, `storynotes` text, `catid` varchar(100) NOT NULL DEFAULT '0',
  `classes` varchar(200) DEFAULT NULL, `charid` varchar(250) NOT NULL DEFAULT '0',
  `rid` varchar(25) NOT NULL DEFAULT '0',
  `date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `updated` datetime NOT NULL DEFAULT '0000-00-00 00:00:00', `uid` int(11) NOT NULL DEFAULT '0',
  `coauthors` varchar(200) DEFAULT NULL, `featured` char(1) NOT NULL DEFAULT '0',
  `validated` char(1) NOT NULL DEFAULT '0', `completed` char(1) NOT NULL DEFAULT '0',
  `rr` char(1) NOT NULL DEFAULT '0', `wordcount` int(11) NOT NULL DEFAULT '0',
  `rating` tinyint(4) NOT NULL DEFAULT '0', `reviews` smallint(6) NOT NULL DEFAULT '0',
  `count` int(11) NOT NULL DEFAULT '0', `challenges` varchar(200) NOT NULL DEFAULT '0',
  PRIMARY KEY (`sid`), KEY `uid` (`uid`)""",
}

WORDS = (
    "tide harbour lantern cliff gull rope sail salt morning letter window quiet storm road "
    "ember hollow orchard river bridge stone winter kettle candle map compass ferry shore"
).split()
GENRES = ("Adventure", "Angst", "Drama", "Friendship", "Humor", "Hurt/Comfort", "Romance")
WARNINGS = ("Character Death", "Violence", "Adult Themes")
RATINGS = ("All Ages", "Teen", "Mature", "Adult", "Moonlit")  # the last maps to nothing
FANDOMS = (("Sea Stories", ("The Lighthouse", "Harbour Town")), ("Mountain Tales", ("The Pass",)))
CHARACTERS = ("Mara Quill", "Tobias Wren", "Old Fen", "Zoë Brûlé", "Captain Ash", "Other")


def escape(value: object) -> str:
    """A value as mysqldump writes it."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    out = str(value)
    for char, escaped in (
        ("\\", "\\\\"),
        ("'", "\\'"),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\x00", "\\0"),
        ("\x1a", "\\Z"),
    ):
        out = out.replace(char, escaped)
    return f"'{out}'"


@dataclass
class Shape:
    stories: int = 240
    reviews_per_story: int = 3
    seed: int = 7
    store: str = "files"  # or "mysql": chapters in the database
    encoding: str = "utf8"  # the dump's SET NAMES: utf8 or latin1
    version: str = "3.5.3"
    prefix: str = "fanfiction_"
    leave_out: tuple[str, ...] = ()  # tables to leave out of the dump
    missing_file: bool = True  # one chapter's file is absent
    short_text: bool = False  # a few words a chapter (the benchmark's speed)


@dataclass
class Expected:
    """What the import must bring over from the archive written."""

    authors: int = 0
    stories: int = 0
    drafts: int = 0
    chapters: int = 0
    comments: int = 0  # reviews with text plus the authors' responses
    replies: int = 0
    guest_comments: int = 0
    bookmarks: int = 0
    author_subscriptions: int = 0
    series_subscriptions: int = 0
    series: int = 0
    series_parts: int = 0
    cocreators: int = 0
    challenges: int = 0
    missing_chapter: tuple[int, int] | None = None  # (sid, chapid) whose file is missing
    broken_html_sid: int = 0
    latin1_sid: int = 0
    mojibake_sid: int = 0
    category_ids: dict[str, int] = field(default_factory=dict)


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _inserts(table: str, columns: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    head = f"INSERT INTO `{table}` ({', '.join(f'`{c}`' for c in columns)}) VALUES\n"
    batch: list[str] = []
    for row in rows:
        batch.append("(" + ",".join(escape(v) for v in row) + ")")
        if len(batch) >= 200:
            yield head + ",\n".join(batch) + ";\n"
            batch = []
    if batch:
        yield head + ",\n".join(batch) + ";\n"


def write_archive(folder: Path, shape: Shape | None = None) -> tuple[Path, Path, Expected]:
    """Write `folder`/efiction.sql and `folder`/stories; returns their paths and the counts."""
    shape = shape or Shape()
    rng = random.Random(shape.seed)
    expected = Expected()
    stories_dir = folder / "stories"
    stories_dir.mkdir(parents=True, exist_ok=True)
    tables: dict[str, tuple[list[str], list[list[Any]]]] = {}

    def table(name: str, columns: str, rows: list[list[Any]]) -> None:
        tables[name] = (columns.split(), rows)

    authors = max(6, shape.stories // 8)
    author_rows = []
    for uid in range(1, authors + 1):
        penname = f"Writer {uid}"
        email = f"writer{uid}@example.org"
        if uid == 2:
            penname = "Zoë Café"
        if uid == 3:
            email = "not an address"
        if uid == 4:
            penname = "ab"
        author_rows.append(
            [
                uid,
                penname,
                penname,
                email,
                "",
                f"<p>{_sentence(rng, 8)}</p>",
                "",
                f"2005-0{1 + uid % 9}-1{uid % 9} 10:00:00",
                "0",
                "5f4dcc3b5aa765d61d8327deb882cf99",
            ]
        )
    table(
        "authors",
        "uid penname realname email website bio image date admincreated password",
        author_rows,
    )
    expected.authors = authors

    categories = []
    catid = 0
    leaves: list[int] = []
    for name, children in FANDOMS:
        catid += 1
        parent = catid
        categories.append([catid, -1, name, "", "", "0", 0, catid, 0])
        expected.category_ids[name] = catid
        for child in children:
            catid += 1
            categories.append([catid, parent, child, "", "", "0", 1, catid, 0])
            expected.category_ids[child] = catid
            leaves.append(catid)
    catid += 1
    categories.append([catid, -1, "Threesomes, Moresomes", "", "", "0", 0, catid, 0])
    leaves.append(catid)
    table(
        "categories",
        "catid parentcatid category description image locked leveldown displayorder numitems",
        categories,
    )
    table(
        "characters",
        "charid catid charname bio image",
        [
            [i, leaves[i % len(leaves)] if i < 5 else -1, name, "", ""]
            for i, name in enumerate(CHARACTERS, start=1)
        ],
    )
    table(
        "ratings",
        "rid rating ratingwarning warningtext",
        [[i, name, "0", ""] for i, name in enumerate(RATINGS, start=1)],
    )
    table(
        "classtypes",
        "classtype_id classtype_name classtype_title",
        [[1, "genres", "Genres"], [2, "warnings", "Warnings"]],
    )
    classes = [[i, 1, name] for i, name in enumerate(GENRES, start=1)]
    classes += [[len(GENRES) + i, 2, name] for i, name in enumerate(WARNINGS, start=1)]
    table("classes", "class_id class_type class_name", classes)

    stories: list[list[Any]] = []
    chapters: list[list[Any]] = []
    reviews: list[list[Any]] = []
    coauthors: list[list[Any]] = []
    chapid = reviewid = 0
    story_chapters: dict[int, list[int]] = {}
    for sid in range(1, shape.stories + 1):
        uid = 1 + (sid * 7) % authors
        validated = "0" if sid % 17 == 0 else "1"
        count = 2 if sid == 2 else 1 + (sid % 3)
        title = f"{_sentence(rng, 3)[:-1]} {sid}"
        summary = _sentence(rng, 12)
        if sid == 3:
            title, expected.latin1_sid = "Crème brûlée à la mer", sid
        if sid == 5:
            title, expected.mojibake_sid = "CafÃ© by the sea", sid
        classes_of = ",".join(str(c) for c in rng.sample(range(1, len(classes) + 1), 2))
        stories.append(
            [
                sid,
                title,
                summary,
                "Thanks to my beta." if sid % 4 == 0 else None,
                str(leaves[sid % len(leaves)]),
                classes_of,
                ",".join(str(c) for c in rng.sample(range(1, len(CHARACTERS) + 1), 2)),
                str(1 + sid % len(RATINGS)),
                f"200{sid % 9}-03-0{1 + sid % 8} 12:00:00",
                f"201{sid % 9}-05-0{1 + sid % 8} 12:00:00",
                uid,
                "1" if sid % 11 == 0 else "0",
                "0",
                validated,
                "1" if sid % 2 else "0",
                "0",
                0,
                0,
                0,
                sid * 3,
                "0",
            ]
        )
        if sid % 11 == 0:
            co = 1 + uid % authors
            if co != uid:
                coauthors.append([sid, co])
                expected.cocreators += 1
        story_chapters[sid] = []
        for position in range(1, count + 1):
            chapid += 1
            words = 6 if shape.short_text else 60 + rng.randint(0, 200)
            body = "\n\n".join(_sentence(rng, words // 3 or 2) for _ in range(3))
            if sid == 4 and position == 1:
                body = '<p>Unclosed <b>bold <script>alert(1)</script><div onclick="x()">Tide'
                expected.broken_html_sid = sid
            if sid == 3:
                body = "Le phare brûlait. Élodie rêvait à la fenêtre, « déjà » loin."
            stored = body if shape.store == "mysql" else None
            chapters.append(
                [
                    chapid,
                    f"Chapter {position}",
                    position,
                    "",
                    stored,
                    "The end notes." if position == count else None,
                    "1",
                    0,
                    0,
                    0,
                    sid,
                    uid,
                    0,
                ]
            )
            story_chapters[sid].append(chapid)
            if shape.store == "files":
                missing = shape.missing_file and sid == 2 and position == 2
                if missing:
                    expected.missing_chapter = (sid, chapid)
                else:
                    path = stories_dir / str(uid) / f"{chapid}.txt"
                    path.parent.mkdir(exist_ok=True)
                    # Files were written by PHP in the archive's charset: latin1 here.
                    path.write_bytes(
                        body.encode("cp1252", errors="replace")
                        if sid == 3
                        else body.encode("utf-8")
                    )
            if not (shape.store == "files" and shape.missing_file and sid == 2 and position == 2):
                if validated == "1":
                    expected.chapters += 1
                else:
                    expected.chapters += 1
        if validated == "1":
            expected.stories += 1
        else:
            expected.stories += 1
            expected.drafts += 1
        for n in range(shape.reviews_per_story):
            reviewid += 1
            guest = n % 3 == 1
            reviewer_uid = 0 if guest else 1 + (sid + n) % authors
            reviewer = "A passing reader" if guest else f"Writer {reviewer_uid}"
            text = f"{_sentence(rng, 10)} <br />Loved it!"
            respond = "0"
            if n % 4 == 0:
                text += "<br><br><i>Author's Response: Thank you so much!</i>"
                respond = "1"
                expected.replies += 1
                expected.comments += 1
            if n == 2 and sid % 5 == 0:
                text, respond = "", "0"  # a rating without words
            else:
                expected.comments += 1
                if guest:
                    expected.guest_comments += 1
            chapter = story_chapters[sid][n % len(story_chapters[sid])]
            if expected.missing_chapter and chapter == expected.missing_chapter[1]:
                chapter = story_chapters[sid][0]
            reviews.append(
                [
                    reviewid,
                    sid,
                    chapter,
                    reviewer,
                    reviewer_uid,
                    text,
                    f"2012-0{1 + n % 9}-1{n % 9} 0{n % 10}:00:00",
                    4,
                    respond,
                    "ST",
                ]
            )
    # A review of a series: Lifestream has no series comments; it is reported, not imported.
    reviewid += 1
    reviews.append(
        [reviewid, 1, 0, "Writer 1", 1, "A lovely series.", "2013-01-01 00:00:00", 0, "0", "SE"]
    )
    table(
        "stories",
        "sid title summary storynotes catid classes charid rid date updated uid "
        "coauthors featured validated completed rr wordcount rating reviews count challenges",
        stories,
    )
    table(
        "chapters",
        "chapid title inorder notes storytext endnotes validated wordcount rating "
        "reviews sid uid count",
        chapters,
    )
    table("reviews", "reviewid item chapid reviewer uid review date rating respond type", reviews)
    table("coauthors", "sid uid", coauthors)

    series: list[list[Any]] = []
    inseries: list[list[Any]] = []
    seriesid = 0
    posted = [s[0] for s in stories if s[13] == "1"]
    for start in range(0, min(len(posted), shape.stories // 2), 6):
        seriesid += 1
        members = posted[start : start + 3]
        owner = 1 + (members[0] * 7) % authors
        series.append(
            [
                seriesid,
                f"Saga {seriesid}",
                _sentence(rng, 6),
                owner,
                1,
                "1",
                "",
                0,
                "",
                "",
                "",
                0,
                "",
                len(members),
            ]
        )
        for order, sid in enumerate(reversed(members), start=1):
            inseries.append([seriesid, sid, 0, 1, order])
        expected.series += 1
        expected.series_parts += len(members)
    table(
        "series",
        "seriesid title summary uid isopen catid classes rating warnings genres "
        "characters reviews challenges numstories",
        series,
    )
    table("inseries", "seriesid sid subseriesid confirmed inorder", inseries)

    favorites: list[list[Any]] = []
    for uid in range(1, authors + 1):
        for sid in rng.sample(posted, min(3, len(posted))):
            favorites.append([uid, sid, "ST", "A comfort read." if sid % 2 else ""])
            expected.bookmarks += 1
        other = 1 + uid % authors
        if other != uid:
            favorites.append([uid, other, "AU", ""])
            expected.author_subscriptions += 1
        if series and uid % 2 == 0:
            target = series[uid % len(series)]
            members = [row[1] for row in inseries if row[0] == target[0]]
            creators = {target[3]} | {1 + (sid * 7) % authors for sid in members}
            creators |= {co for sid, co in coauthors if sid in members}
            if uid not in creators:
                favorites.append([uid, target[0], "SE", ""])
                expected.series_subscriptions += 1
    table("favorites", "uid item type comments", favorites)
    table(
        "challenges",
        "chalid challenger uid title catid characters summary",
        [
            [1, "Writer 1", 1, "Winter Fest", "1", "", "Write about snow."],
            [2, "Writer 2", 2, "Letters", "", "", "Epistolary stories."],
        ],
    )
    expected.challenges = 2
    table(
        "settings",
        "sitekey sitename url tableprefix language storiespath store version",
        [
            [
                "S3aK3y",
                "Harbour Lights Archive",
                "http://harbour.example",
                "",
                "en",
                "stories",
                shape.store,
                shape.version,
            ]
        ],
    )

    dump = folder / "efiction.sql"
    names = "latin1" if shape.encoding == "latin1" else "utf8"
    with dump.open(
        "w",
        encoding="cp1252" if shape.encoding == "latin1" else "utf-8",
        errors="replace",
        newline="\n",
    ) as out:
        out.write("-- MySQL dump 10.13  Distrib 5.0.51a, for debian-linux-gnu (i486)\n")
        out.write(f"/*!40101 SET NAMES {names} */;\n")
        out.write(
            "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n"
        )
        out.write("/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n\n")
        for name, ddl in TABLES.items():
            if name in shape.leave_out:
                continue
            full = shape.prefix + name
            out.write(f"DROP TABLE IF EXISTS `{full}`;\n")
            out.write(
                f"CREATE TABLE `{full}` (\n  {ddl}\n) ENGINE=MyISAM DEFAULT CHARSET=latin1;\n"
            )
            columns, rows = tables[name]
            out.write(
                f"LOCK TABLES `{full}` WRITE;\n/*!40000 ALTER TABLE `{full}` DISABLE KEYS */;\n"
            )
            for statement in _inserts(full, columns, rows):
                out.write(statement)
            out.write(f"/*!40000 ALTER TABLE `{full}` ENABLE KEYS */;\nUNLOCK TABLES;\n\n")
        out.write("/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n")
    return dump, stories_dir, expected
