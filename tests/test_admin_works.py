"""Works in the admin: an admin finds a work by title or creator, narrows by state and rating,
and reads it with its chapters; nothing there edits, adds or deletes a work behind the services."""

from __future__ import annotations

import pytest

from lifestream.testing import make_user, make_work
from works.models import Work

CHANGELIST = "/admin/works/work/"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _listed(response) -> set[str]:
    page = response.content.decode()
    return {work.title for work in Work.objects.all() if work.title in page}


def test_changelist_lists_works_with_their_creators(admin_client, author):
    make_work(author, title="Reactor Song", rating="Mature")
    page = admin_client.get(CHANGELIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reactor Song" in html
    assert f'<td class="field-creators">{author.username}</td>' in html
    assert '<td class="field-rating_name">Mature</td>' in html
    assert '<td class="field-state">Posted</td>' in html


def test_changelist_query_count_does_not_grow(
    admin_client, author, reader, django_assert_max_num_queries
):
    for n in range(3):
        make_work(author, title=f"Few {n}", chapters=2)
    with django_assert_max_num_queries(9) as few:
        assert admin_client.get(CHANGELIST).status_code == 200
    for n in range(12):
        make_work(reader if n % 2 else author, title=f"Many {n}", fandoms=[f"Fandom {n}"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(CHANGELIST).status_code == 200


def test_search_by_title_and_by_creator(admin_client, author):
    other = make_user("zack_writer")
    make_work(author, title="Nibelheim Nights")
    make_work(other, title="Gongaga Mornings")
    assert _listed(admin_client.get(CHANGELIST, {"q": "nibelheim"})) == {"Nibelheim Nights"}
    assert _listed(admin_client.get(CHANGELIST, {"q": "zack_writer"})) == {"Gongaga Mornings"}


def test_filter_by_state_and_rating(admin_client, author):
    make_work(author, title="Posted Teen", rating="Teen And Up Audiences")
    make_work(author, title="Posted Explicit", rating="Explicit")
    make_work(author, title="Draft Teen", rating="Teen And Up Audiences", draft=True)
    assert _listed(admin_client.get(CHANGELIST, {"state": "draft"})) == {"Draft Teen"}
    explicit = admin_client.get(CHANGELIST, {"rating": "13"})
    assert _listed(explicit) == {"Posted Explicit"}
    posted_teen = admin_client.get(CHANGELIST, {"rating": "11", "state": "posted"})
    assert _listed(posted_teen) == {"Posted Teen"}


def test_change_page_shows_the_work_and_its_chapters_read_only(admin_client, author):
    work = make_work(author, title="Three Parts", chapters=3, summary="A summary to read.")
    page = admin_client.get(f"{CHANGELIST}{work.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Three Parts" in html and "A summary to read." in html
    assert "Chapter One" in html
    assert html.count("view on site") == 3
    assert 'name="title"' not in html and "<textarea" not in html
    assert 'name="chapters-0-title"' not in html


def test_admin_cannot_edit_add_or_delete_works(admin_client, author):
    work = make_work(author, title="Kept As It Is")
    changed = admin_client.post(
        f"{CHANGELIST}{work.pk}/change/", {"title": "Rewritten", "summary": "Rewritten"}
    )
    assert changed.status_code == 403
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}{work.pk}/delete/", {"post": "yes"}).status_code == 403
    deleted = admin_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [work.pk], "post": "yes"}
    )
    assert deleted.status_code in {200, 302}
    work.refresh_from_db()
    assert work.title == "Kept As It Is"


def test_readers_are_sent_to_the_admin_login(client, reader):
    client.force_login(reader)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
