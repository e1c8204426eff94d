"""Filtering and sorting listings with AO3's parameters, facet counts, and the search page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lifestream.testing import make_user, make_work
from search.filters.index import get_index
from tags.models import Tag
from tags.services import WrangleData, wrangle_tag
from works.services import ChapterData, add_chapter


def titles(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(
        r'<h4 class="heading">\s*<a href="/works/\d+">([^<]+)</a>', response.content.decode()
    )


def tag_id(name: str) -> int:
    return Tag.objects.get(name=name).pk


@pytest.fixture
def shelf(author):
    """Five works across two fandoms, with a synonym and a restricted work."""
    works = {
        "Nibelheim": make_work(
            author,
            title="Nibelheim",
            fandoms=["FFVII"],
            characters=["Cloud", "Tifa"],
            freeforms=["Angst"],
            rating="Mature",
            body="<p>" + "word " * 1500 + "</p>",
        ),
        "Midgar": make_work(
            author,
            title="Midgar",
            fandoms=["FFVII"],
            characters=["Cloud"],
            freeforms=["angst fic"],
            complete=True,
        ),
        "Crossing": make_work(
            author,
            title="Crossing",
            fandoms=["FFVII", "Kingdom Hearts"],
            characters=["Sora"],
            freeforms=["Fluff"],
            language="fr",
        ),
        "Secret": make_work(
            author,
            title="Secret",
            fandoms=["FFVII"],
            characters=["Tifa"],
            restricted=True,
        ),
        "Destiny": make_work(
            author,
            title="Destiny",
            fandoms=["Kingdom Hearts"],
            characters=["Sora"],
            published_on=dt.date(2020, 5, 1),
        ),
    }
    wrangle_tag(Tag.objects.get(name="Angst"), WrangleData(canonical=True))
    wrangle_tag(Tag.objects.get(name="angst fic"), WrangleData(synonym_of="Angst"))
    for name in ("FFVII", "Kingdom Hearts", "Cloud", "Tifa", "Sora", "Fluff"):
        wrangle_tag(Tag.objects.get(name=name), WrangleData(canonical=True))
    return works


def test_sidebar_markup_and_counts(client, shelf):
    page = client.get("/works").content.decode()
    assert '<form id="work-filters"' in page
    assert '<dd id="include_fandom_tags" class="expandable">' in page
    assert (
        f'name="include_work_search[fandom_ids][]" id="include_fandom_tags_{tag_id("FFVII")}"'
        in page
    )
    # Guests don't see (or count) the restricted work.
    assert "<span>FFVII (3)</span>" in page
    assert "<span>Kingdom Hearts (2)</span>" in page
    # A synonym counts for its canonical tag, once per work.
    assert "<span>Angst (2)</span>" in page
    assert "angst fic (" not in page
    assert 'value="Sort and Filter"' in page


def test_counts_include_restricted_works_for_members(client, shelf, reader):
    client.force_login(reader)
    assert "<span>FFVII (4)</span>" in client.get("/works").content.decode()


def test_include_is_and(client, shelf):
    url = (
        f"/works?include_work_search[fandom_ids][]={tag_id('FFVII')}"
        f"&include_work_search[character_ids][]={tag_id('Cloud')}"
    )
    assert sorted(titles(client.get(url))) == ["Midgar", "Nibelheim"]
    both = (
        f"/works?include_work_search[fandom_ids][]={tag_id('FFVII')}"
        f"&include_work_search[fandom_ids][]={tag_id('Kingdom Hearts')}"
    )
    assert titles(client.get(both)) == ["Crossing"]


def test_exclude_removes(client, shelf):
    url = f"/works?exclude_work_search[fandom_ids][]={tag_id('Kingdom Hearts')}"
    assert sorted(titles(client.get(url))) == ["Midgar", "Nibelheim"]


def test_canonical_tag_includes_its_synonyms(client, shelf):
    url = f"/works?include_work_search[freeform_ids][]={tag_id('Angst')}"
    assert sorted(titles(client.get(url))) == ["Midgar", "Nibelheim"]
    by_name = "/works?work_search[other_tag_names]=angst"
    assert sorted(titles(client.get(by_name))) == ["Midgar", "Nibelheim"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("work_search[complete]=T", ["Midgar"]),
        ("work_search[crossover]=T", ["Crossing"]),
        ("work_search[crossover]=F", ["Destiny", "Midgar", "Nibelheim"]),
        ("work_search[single_chapter]=1", ["Crossing", "Destiny", "Midgar", "Nibelheim"]),
        ("work_search[words_from]=1000", ["Nibelheim"]),
        ("work_search[words_to]=10", ["Crossing", "Destiny", "Midgar"]),
        ("work_search[word_count]=>1000", ["Nibelheim"]),
        ("work_search[language_id]=fr", ["Crossing"]),
        ("work_search[date_to]=2021-01-01", ["Destiny"]),
        ("work_search[fandom_names]=Kingdom Hearts", ["Crossing", "Destiny"]),
        ("work_search[excluded_tag_names]=FFVII", ["Destiny"]),
        ("work_search[other_tag_names]=No Such Tag", []),
        ("include_work_search[rating_ids][]=12", ["Nibelheim"]),
        ("exclude_work_search[rating_ids][]=12", ["Crossing", "Destiny", "Midgar"]),
        ("work_search[rating_ids]=12", ["Nibelheim"]),
    ],
)
def test_filters(client, shelf, query, expected):
    assert sorted(titles(client.get(f"/works?{query}"))) == expected


def test_sorting(client, shelf):
    by_title = titles(client.get("/works?work_search[sort_column]=title_to_sort_on"))
    assert by_title == ["Crossing", "Destiny", "Midgar", "Nibelheim"]
    backwards = "/works?work_search[sort_column]=title_to_sort_on&work_search[sort_direction]=desc"
    assert titles(client.get(backwards)) == list(reversed(by_title))
    by_words = titles(client.get("/works?work_search[sort_column]=word_count"))
    assert by_words[0] == "Nibelheim"
    # Newest update first by default; the backdated work is last.
    assert titles(client.get("/works"))[-1] == "Destiny"


def test_tag_listing_filters_within_the_tag(client, shelf):
    url = f"/tags/FFVII/works?include_work_search[character_ids][]={tag_id('Tifa')}"
    page = client.get(url).content.decode()
    assert "1 Work in" in page
    assert titles(client.get(url)) == ["Nibelheim"]


def test_user_and_pseud_listings_filter(client, shelf, author):
    other = make_user("someone_else")
    make_work(other, title="Not Mine", fandoms=["FFVII"])
    url = f"/users/{author.username}/works?work_search[fandom_names]=FFVII"
    assert "Not Mine" not in titles(client.get(url))
    pseud = f"/users/{author.username}/pseuds/{author.username}/works?work_search[complete]=T"
    assert titles(client.get(pseud)) == ["Midgar"]


def test_listing_is_fresh_after_a_post(client, shelf, author):
    assert "Brand New" not in titles(client.get("/works"))
    make_work(author, title="Brand New", fandoms=["FFVII"])
    assert titles(client.get("/works"))[0] == "Brand New"
    assert "<span>FFVII (4)</span>" in client.get("/works").content.decode()


def test_a_work_that_becomes_restricted_or_a_draft_vanishes_at_once(client, shelf, author):
    from works.services import delete_work, update_work, work_data_from

    work = shelf["Midgar"]
    client.get("/works")
    data = work_data_from(work)
    data.restricted = True
    update_work(author, work, data)
    assert "Midgar" not in titles(client.get("/works"))
    delete_work(shelf["Crossing"])
    assert "Crossing" not in titles(client.get("/works"))
    assert "<span>Kingdom Hearts (1)</span>" in client.get("/works").content.decode()


def test_deep_pages(client, author):
    for number in range(45):
        make_work(author, title=f"Work {number:02d}")
    assert len(titles(client.get("/works?page=3"))) == 5
    assert "41 - 45 of 45 Works" in client.get("/works?page=3").content.decode()


def test_filtered_listing_query_count_is_constant(client, shelf, author):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/works?include_work_search[fandom_ids][]={tag_id('FFVII')}&work_search[complete]=F"

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    few = count()
    for _ in range(8):
        make_work(author, fandoms=["FFVII"], characters=["Cloud", "Tifa"])
    assert count() == few


def test_index_stays_exact_when_the_database_is_rolled_back(author, client):
    """The index notices a change log that went backwards and rebuilds."""
    make_work(author, title="Kept")
    index = get_index()
    index.ensure_current()
    index.last_change += 1000  # as if a change had been applied and then rolled back
    assert titles(client.get("/works")) == ["Kept"]


def test_search_page_finds_chapter_text(client, author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        work = make_work(author, title="The Bell", body="<p>The lighthouse keeper sang.</p>")
        add_chapter(work, ChapterData(body="<p>A quiet harbour at dawn.</p>"), post=True)
        make_work(author, title="Other", body="<p>Nothing here.</p>")
    page = client.get("/works/search?work_search[query]=harbour").content.decode()
    assert "1 Found" in page
    assert "The Bell" in page
    assert "<mark>harbour</mark>" in page
    assert "Found in <a" in page and "Chapter 2</a>" in page
    none = client.get('/works/search?work_search[query]="harbour keeper"').content.decode()
    assert "0 Found" in none


def test_search_combines_text_and_filters(client, author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_work(author, title="Long", fandoms=["Zeta"], body="<p>" + "storm " * 1200 + "</p>")
        make_work(author, title="Short", fandoms=["Zeta"], body="<p>storm</p>")
    page = client.get("/works/search?work_search[query]=storm words>1000").content.decode()
    assert "1 Found" in page
    assert "Long" in page
    fandom = client.get('/works/search?work_search[query]=storm fandom:"Zeta"').content.decode()
    assert "2 Found" in fandom


def test_search_never_shows_restricted_works_to_guests(
    client, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_work(author, title="Locked", restricted=True, body="<p>moonlight</p>")
    assert "0 Found" in client.get("/works/search?work_search[query]=moonlight").content.decode()
    client.force_login(make_user("member"))
    assert "1 Found" in client.get("/works/search?work_search[query]=moonlight").content.decode()


def test_search_form_without_a_query(client, db):
    page = client.get("/works/search").content.decode()
    assert 'id="work-search-form"' in page
    assert "Found" not in page


@pytest.mark.parametrize(
    "query",
    [
        "work_search[word_count]=lots",
        "work_search[revised_at]=yesterday-ish",
        "work_search[query]=" + "(" * 500,
        "work_search[query]=" + "x" * 5000,
        "include_work_search[fandom_ids][]=99999999999999999999999",
        "work_search[sort_column]=evil;DROP",
        "page=-5",
        "work_search[date_from]=2020-99-99",
    ],
)
def test_hostile_parameters_never_break_a_listing(client, shelf, query):
    assert client.get(f"/works?{query}").status_code == 200
    assert client.get(f"/works/search?{query}").status_code == 200


def test_api_facets_and_filters(client, shelf):
    data = client.get(
        f"/api/v1/works?include_work_search[fandom_ids][]={tag_id('Kingdom Hearts')}"
    ).json()
    assert data["count"] == 2
    fandoms = {facet["name"]: facet["count"] for facet in data["facets"]["fandom"]}
    assert fandoms == {"Kingdom Hearts": 2, "FFVII": 1}
    query = client.get("/api/v1/works?work_search[complete]=T").json()
    assert [w["title"] for w in query["results"]] == ["Midgar"]


def test_old_change_log_rows_are_pruned(db):
    import datetime as dt

    from django.utils import timezone

    from lifestream.models import PRUNE_EVERY, ChangeLog, log_work_change

    old = ChangeLog.objects.create(kind="work", object_id=1)
    ChangeLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    for _ in range(PRUNE_EVERY + 1):
        log_work_change(2)
    assert not ChangeLog.objects.filter(pk=old.pk).exists()
    assert ChangeLog.objects.count() >= PRUNE_EVERY - 1


def test_words_in_most_works_list_newest_first(client, author, monkeypatch):
    from search.listing import query as work_search
    from search.text import index_works

    monkeypatch.setattr(work_search, "COMMON_MATCHES", 2)
    older = make_work(author, title="Older", body="<p>the the the</p>")
    newer = make_work(author, title="Newer", body="<p>the</p>")
    index_works([older.pk, newer.pk])
    page = client.get("/works/search?work_search[query]=the").content.decode()
    assert "listed newest first" in page
    assert page.index("Newer") < page.index("Older")


def test_index_notices_rows_written_around_the_change_log(client, author):
    """Bulk-loaded works (the generator writes no change log) that vanish again are noticed."""
    from search.filters.index import get_index

    index = get_index()
    index.rebuild()
    index.built_max_id += 5  # as if five works had been bulk-loaded and rolled back
    index.last_change = 0
    make_work(author, title="Only One")
    index.last_change = 0
    assert titles(client.get("/works")) == ["Only One"]
