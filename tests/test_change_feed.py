"""The change feed: every write path reaches every copy of what it changed (the filter index's
sort keys and facets, the text index, the downloads cache, subscribers' inboxes) without a
rebuild, because each announces one change and the consumers are registered in one place."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

from feedback.models import Notification
from feedback.services.subscriptions import subscribe
from lifestream.core import changes
from lifestream.core.changes import Change, WorkChanged, WorkPosted
from lifestream.testing import make_user, make_work
from people.services import add_pseud, update_pseud
from search import text
from search.filters.index import get_index
from search.text.query import parse
from tags.models import Tag
from tags.services import WrangleData, wrangle_tag
from works.services import (
    ChapterData,
    add_chapter,
    delete_work,
    reorder_chapters,
    update_chapter,
)


def search_ids(query: str) -> set[int]:
    return set(text.matching_work_ids(parse(query).text).tolist())


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what a write left for after its commit, as a real commit does
    (each test runs inside one transaction that is never committed)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def titles(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(
        r'<h4 class="heading">\s*<a href="/works/\d+">([^<]+)</a>', response.content.decode()
    )


BY_CREATOR = "/works?work_search[sort_column]=authors_to_sort_on"


def test_renaming_a_pseud_resorts_works_by_creator_at_once(author):
    pseud = add_pseud(author, "Aerith")
    make_work(author, title="By Aerith", pseuds=[pseud])
    make_work(make_user("barret"), title="By Barret")
    make_work(make_user("cid"), title="By Cid")
    # An index built from this database alone (earlier tests in this process leave theirs),
    # so that what the rename changes is all the feed has to carry.
    get_index().rebuild()
    client = Client()
    assert titles(client.get(BY_CREATOR)) == ["By Aerith", "By Barret", "By Cid"]

    update_pseud(pseud, "Zack", "")

    assert titles(client.get(BY_CREATOR)) == ["By Barret", "By Cid", "By Aerith"]


def _download(client, work, extension="epub"):
    response = client.get(f"/downloads/{work.pk}/Lifestream.{extension}")
    assert response.status_code == 200
    b"".join(response.streaming_content)


def test_deleting_a_work_drops_its_cached_downloads(author, settings, tmp_path, committed):
    settings.DATA_DIR = tmp_path
    work = make_work(author)
    _download(Client(), work)
    folder = tmp_path / "downloads" / str(work.pk)
    assert list(folder.glob("*.epub"))

    with committed():
        delete_work(work)

    assert not folder.exists()


def test_changing_a_work_drops_the_files_of_its_old_version(author, settings, tmp_path, committed):
    settings.DATA_DIR = tmp_path
    work = make_work(author, chapters=2)
    client = Client()
    _download(client, work, "epub")
    _download(client, work, "txt")
    folder = tmp_path / "downloads" / str(work.pk)
    assert len(list(folder.glob("*.epub")) + list(folder.glob("*.txt"))) == 2

    chapter = work.chapters.get(position=2)
    with committed():
        update_chapter(chapter, ChapterData(body="<p>Rewritten.</p>"))

    # Neither format was asked for since: no file of the old version is kept for either.
    assert not list(folder.glob("*.epub")) and not list(folder.glob("*.txt"))
    _download(client, work, "txt")
    assert len(list(folder.glob("*.txt"))) == 1


def test_renaming_a_pseud_drops_its_works_cached_downloads(author, settings, tmp_path, committed):
    settings.DATA_DIR = tmp_path
    pseud = add_pseud(author, "Aerith")
    work = make_work(author, pseuds=[pseud])
    _download(Client(), work)
    folder = tmp_path / "downloads" / str(work.pk)

    with committed():
        update_pseud(pseud, "Zack", "")

    assert not list(folder.glob("*.epub"))


def test_merging_a_tag_makes_its_synonyms_works_findable_by_the_new_canonical_name(
    author, committed
):
    canonical = Tag.objects.create(kind="freeform", name="Angst", canonical=True)
    Tag.objects.create(kind="freeform", name="Sadness", merger=canonical)
    Tag.objects.create(kind="freeform", name="Hurt No Comfort", canonical=True)
    with committed():
        work = make_work(author, freeforms=["Sadness"])
    assert work.pk in search_ids("Angst")

    with committed():
        wrangle_tag(canonical, WrangleData(synonym_of="Hurt No Comfort"))

    assert work.pk in search_ids('"Hurt No Comfort"')


def test_a_tag_on_many_works_is_reindexed_by_a_task(author, settings, monkeypatch, committed):
    monkeypatch.setattr("search.indexing.INLINE_MAX", 2)
    with committed():
        works = {make_work(author, title=f"Work {n}", freeforms=["Mako"]).pk for n in range(3)}
    # Tasks wait in the database for `db_worker`, as in production.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    with committed():
        wrangle_tag(Tag.objects.get(name="Mako"), WrangleData(name="Lifestream Energy"))

    # The wrangler's request only queued the job.
    assert not works & search_ids('"Lifestream Energy"')
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert works <= search_ids('"Lifestream Energy"')


def test_reordering_chapters_drops_the_cached_downloads(author, settings, tmp_path, committed):
    settings.DATA_DIR = tmp_path
    work = make_work(author, chapters=2)
    _download(Client(), work)
    folder = tmp_path / "downloads" / str(work.pk)

    newest_first = list(work.chapters.order_by("-position").values_list("pk", flat=True))
    with committed():
        reorder_chapters(work, newest_first)

    assert not list(folder.glob("*.epub"))


def test_a_posted_chapter_reaches_its_work_consumers_and_its_subscribers(author, reader, committed):
    work = make_work(author)
    subscribe(reader, work=work)
    with committed():
        add_chapter(work, ChapterData(body="<p>The lifestream glowed.</p>"), post=True)
    assert Notification.objects.filter(user=reader, work=work).count() == 1
    assert work.pk in search_ids("glowed")


def test_a_kind_nobody_consumes_is_refused():
    class Unheard(Change):
        pass

    with pytest.raises(LookupError):
        changes.announce(Unheard())


def test_a_posted_work_is_a_changed_work():
    consumers = changes.consumers_of(WorkPosted)
    assert set(changes.consumers_of(WorkChanged)) < set(consumers)
