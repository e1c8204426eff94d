"""Series: joining, moving, leaving, editing; the series page, the user and pseud pages, the
work page's "Part N of" and the posting form's "Add to series"."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lifestream.core.errors import Forbidden, InvalidInput
from lifestream.testing import make_work
from works import series as series_services
from works.models import Series, SeriesCreatorship, SeriesPart
from works.series import SeriesData
from works.services import delete_work


def _positions(series: Series) -> list[tuple[str, int]]:
    return [(part.work.title, part.position) for part in series.parts.select_related("work")]


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def three(author):
    works = [make_work(author, title=f"Part {n}") for n in (1, 2, 3)]
    first = series_services.add_work_to_series(author, works[0], new_title="  The   Saga ")
    series = first.series
    for work in works[1:]:
        series_services.add_work_to_series(author, work, series=series)
    return series, works


def test_a_new_series_takes_the_title_and_the_work_s_creators(author, three):
    series, _ = three
    assert series.title == "The Saga"
    assert _positions(series) == [("Part 1", 1), ("Part 2", 2), ("Part 3", 3)]
    assert list(
        SeriesCreatorship.objects.filter(series=series).values_list("pseud", flat=True)
    ) == [author.default_pseud.pk]


def test_joining_at_a_position_shifts_the_later_parts(author, three):
    series, _ = three
    new = make_work(author, title="Prequel")
    series_services.add_work_to_series(author, new, series=series, position=1)
    assert _positions(series) == [("Prequel", 1), ("Part 1", 2), ("Part 2", 3), ("Part 3", 4)]


@pytest.mark.parametrize("position", [0, 5, -1])
def test_a_position_out_of_range_is_refused_and_nothing_is_saved(author, three, position):
    series, _ = three
    new = make_work(author, title="Lost")
    with pytest.raises(InvalidInput) as caught:
        series_services.add_work_to_series(author, new, series=series, position=position)
    assert [(e.field, e.code) for e in caught.value.errors] == [("series_position", "out_of_range")]
    assert "between 1 and 4" in caught.value.errors[0].message
    assert not SeriesPart.objects.filter(work=new).exists()


def test_a_new_series_with_a_bad_position_is_not_left_behind(author):
    work = make_work(author)
    with pytest.raises(InvalidInput):
        series_services.add_work_to_series(author, work, new_title="Orphan", position=3)
    assert not Series.objects.filter(title="Orphan").exists()


def test_only_creators_of_the_series_may_add_to_it(author, stranger, three):
    series, _ = three
    theirs = make_work(stranger)
    with pytest.raises(InvalidInput) as caught:
        series_services.add_work_to_series(stranger, theirs, series=series)
    assert caught.value.errors[0].code == "not_series_creator"
    with pytest.raises(Forbidden):
        series_services.add_work_to_series(stranger, make_work(author), new_title="Mine now")
    with pytest.raises(Forbidden):
        series_services.update_series(stranger, series, SeriesData(title="Taken"))


def test_a_work_joins_a_series_once_and_at_most_the_limit(author, three, monkeypatch):
    series, works = three
    with pytest.raises(InvalidInput) as caught:
        series_services.add_work_to_series(author, works[0], series=series)
    assert caught.value.errors[0].code == "already_in_series"
    monkeypatch.setattr(series_services, "SERIES_PER_WORK_MAX", 2)
    series_services.add_work_to_series(author, works[0], new_title="Second")
    with pytest.raises(InvalidInput) as caught:
        series_services.add_work_to_series(author, works[0], new_title="Third")
    assert caught.value.errors[0].code == "too_many_series"
    assert not Series.objects.filter(title="Third").exists()


def test_moving_and_reordering_keep_positions_dense(author, three):
    series, works = three
    series_services.move_work_in_series(author, series, works[2], 1)
    assert _positions(series) == [("Part 3", 1), ("Part 1", 2), ("Part 2", 3)]
    series_services.reorder_series(author, series, [w.pk for w in works])
    assert _positions(series) == [("Part 1", 1), ("Part 2", 2), ("Part 3", 3)]
    with pytest.raises(InvalidInput):
        series_services.move_work_in_series(author, series, works[0], 4)
    with pytest.raises(InvalidInput):
        series_services.reorder_series(author, series, [works[0].pk])


def test_leaving_closes_the_gap_and_the_last_part_leaving_deletes_the_series(author, three):
    series, works = three
    assert series_services.remove_work_from_series(author, series, works[1]) is False
    assert _positions(series) == [("Part 1", 1), ("Part 3", 2)]
    delete_work(works[0])
    assert _positions(series) == [("Part 3", 1)]
    assert series_services.remove_work_from_series(author, series, works[2]) is True
    assert not Series.objects.filter(pk=series.pk).exists()


def test_editing_sanitises_the_summary_and_notes(author, three):
    series, _ = three
    series_services.update_series(
        author,
        series,
        SeriesData(
            title="Saga",
            summary='<p onclick="x()">Hi</p><script>alert(1)</script>',
            notes="<b>n</b>",
            complete=True,
        ),
    )
    series.refresh_from_db()
    assert "script" not in series.summary and "onclick" not in series.summary
    assert "Hi" in series.summary and series.complete
    with pytest.raises(InvalidInput) as caught:
        series_services.update_series(author, series, SeriesData(title=" ", summary="x" * 1251))
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("title", "required"),
        ("summary", "too_long"),
    }


def test_the_series_page_has_ao3_s_markup(author, three):
    series, works = three
    series_services.update_series(
        author, series, SeriesData(title="The Saga", summary="About it", notes="Thanks")
    )
    html = _client().get(f"/series/{series.pk}").content.decode()
    assert '<div id="main" class="series-show region"' in html
    assert '<h2 class="heading">The Saga</h2>' in html
    assert '<dl class="series meta group">' in html
    assert f'rel="author" href="/users/{author.username}/pseuds/' in html
    assert "Series Begun:" in html and "Series Updated:" in html
    assert '<blockquote class="userstuff">About it</blockquote>' in html
    assert '<dd class="works">3</dd>' in html
    assert '<dd class="complete">No</dd>' in html
    assert '<ul class="series work index group" role="presentation">' in html
    order = [int(n) for n in re.findall(r'<li id="work_(\d+)" class="work blurb group', html)]
    assert order == [w.pk for w in works]
    assert "Edit Series" not in html


def test_the_work_page_shows_part_n_with_previous_and_next(author, three):
    series, works = three
    html = _client().get(f"/works/{works[1].pk}").content.decode()
    assert '<dt class="series">Series:</dt>' in html
    assert (
        f'<a class="previous" href="/works/{works[0].pk}">← Previous Work</a> '
        f'<span class="position">Part 2 of <a href="/series/{series.pk}">The Saga</a></span> '
        f'<a class="next" href="/works/{works[2].pk}">Next Work →</a>'
    ) in html
    assert '<div id="series" class="series module"' in html


def test_the_user_and_pseud_series_pages_list_blurbs(author, three, django_assert_max_num_queries):
    series, _ = three
    for _ in range(3):
        series_services.add_work_to_series(author, make_work(author), new_title="Another")
    client = _client()
    with django_assert_max_num_queries(12):
        html = client.get(f"/users/{author.username}/series").content.decode()
    assert html.count('class="series blurb group"') == 4
    assert f'<li id="series_{series.pk}" class="series blurb group"' in html
    assert "4 Series by" in html
    pseud = author.default_pseud
    html = client.get(f"/users/{author.username}/pseuds/{pseud.name}/series").content.decode()
    assert html.count('class="series blurb group"') == 4
    assert _client().get(f"/users/{author.username}/pseuds/nobody/series").status_code == 404


def test_the_posting_form_adds_the_work_to_a_series(author, three):
    series, _ = three
    client = _client(author)
    form = {
        "title": "Joined",
        "pseuds": [author.default_pseud.pk],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Final Fantasy VII",
        "language": "en",
        "chapter_body": "<p>Text</p>",
        "chapter_body_format": "html",
        "action": "post",
        "series": series.pk,
        "series_position": "9",
    }
    response = client.post("/works/new", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "between 1 and 4" in html
    assert 'value="Joined"' in html  # the user's text comes back
    assert not SeriesPart.objects.filter(work__title="Joined").exists()
    form["series_position"] = "2"
    response = client.post("/works/new", form)
    assert response.status_code == 302
    assert _positions(series)[1] == ("Joined", 2)


def test_the_edit_form_removes_the_work_from_a_series(author, three):
    series, works = three
    client = _client(author)
    page = client.get(f"/works/{works[0].pk}/edit").content.decode()
    assert "Part 1 of The Saga" in page
    assert 'name="remove_series"' in page
    form = {
        "title": "Part 1",
        "pseuds": [author.default_pseud.pk],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Final Fantasy VII",
        "language": "en",
        "chapter_body": "<p>Text</p>",
        "chapter_body_format": "html",
        "action": "update",
        "remove_series": [str(series.pk)],
    }
    response = client.post(f"/works/{works[0].pk}/edit", form)
    assert response.status_code == 302, response.content.decode()
    assert _positions(series) == [("Part 2", 1), ("Part 3", 2)]


def test_the_series_edit_and_delete_pages(author, stranger, three):
    series, works = three
    assert _client(stranger).get(f"/series/{series.pk}/edit").status_code == 403
    client = _client(author)
    assert "Edit Series" in client.get(f"/series/{series.pk}").content.decode()
    response = client.post(
        f"/series/{series.pk}/edit", {"title": "", "summary": "Kept text", "complete": "on"}
    )
    assert response.status_code == 200
    assert "Kept text" in response.content.decode()
    response = client.post(f"/series/{series.pk}/edit", {"title": "Renamed", "complete": "on"})
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.title == "Renamed" and series.complete
    assert _client(stranger).post(f"/series/{series.pk}/confirm_delete").status_code == 403
    assert client.post(f"/series/{series.pk}/confirm_delete").status_code == 302
    assert not Series.objects.filter(pk=series.pk).exists()
    assert all(type(w).objects.filter(pk=w.pk).exists() for w in works)
