"""Personas and builders for tests: an author, a reader, a stranger, an admin, and works."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from people.models import User
from people.services import create_user
from works.models import Chapter, Work
from works.services import ChapterData, WorkData, add_chapter, create_work

PASSWORD = "correct horse battery staple"


def make_user(username: str, **extra: Any) -> User:
    return create_user(username, f"{username}@example.org", PASSWORD, **extra)


def make_admin(username: str = "admin") -> User:
    return make_user(username, is_staff=True, is_superuser=True)


def work_data(author: User, **overrides: Any) -> WorkData:
    """A complete, valid WorkData for `author`; override any field."""
    fields: dict[str, Any] = {
        "title": "Lifestream",
        "pseuds": [author.default_pseud],
        "summary": "Cloud remembers something he never lived.",
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["Gen"],
        "fandoms": ["Final Fantasy VII"],
        "relationships": [],
        "characters": ["Cloud Strife"],
        "freeforms": [],
    }
    fields.update(overrides)
    return WorkData(**fields)


def make_work(
    author: User,
    *,
    draft: bool = False,
    body: str = "<p>The reactor hummed under the city.</p>",
    chapters: int = 1,
    published_on: dt.date | None = None,
    **overrides: Any,
) -> Work:
    """A posted (or draft) work by `author` with `chapters` chapters."""
    work = create_work(
        author,
        work_data(author, published_on=published_on, **overrides),
        ChapterData(body=body, title="Chapter One" if chapters > 1 else ""),
        post=not draft,
    )
    for number in range(2, chapters + 1):
        add_chapter(work, ChapterData(body=f"<p>Chapter {number} text.</p>"), post=True)
    work.refresh_from_db()
    return work


def first_chapter(work: Work) -> Chapter:
    # Every work the fixtures make has a chapter.
    return cast(Chapter, work.chapters.order_by("position").first())
