"""Related works and who sees them: a child names its parent ("inspired by", a remix, a
translation); the parent's creators approve or hide it under their work. A restricted or draft
child never shows to those who can't read it, and a parent they can't read is a placeholder
without its title or creators. Also: the refusals (circular, itself), the parent's notice, and
`/users/LOGIN/related_works`."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from feedback.models import Notification, NotificationKind
from lifestream.core.errors import InvalidInput
from lifestream.testing import make_user, make_work
from works.models import RelatedStatus, RelatedWork, Work
from works.related import ParentData, add_parent, answer_link
from works.services import post_draft

pytestmark = pytest.mark.django_db

VIEWERS = ("guest", "stranger", "child_creator", "parent_creator")


@pytest.fixture
def family(db):
    parent_creator = make_user("origin_writer")
    child_creator = make_user("remix_writer")
    parent = make_work(parent_creator, title="The Original")
    children = {
        "public": make_work(child_creator, title="Open Remix"),
        "restricted": make_work(child_creator, title="Members Remix", restricted=True),
        "draft": make_work(child_creator, title="Draft Remix", draft=True),
    }
    links = {}
    for state, child in children.items():
        links[state] = add_parent(child_creator, child, ParentData(reference=str(parent.pk)))
        answer_link(parent_creator, links[state].pk, approve=True)
    users = {
        "guest": None,
        "stranger": make_user("related_stranger"),
        "child_creator": child_creator,
        "parent_creator": parent_creator,
    }
    return {"parent": parent, "children": children, "links": links, "users": users}


def _client(world, viewer: str) -> Client:
    client = Client()
    if world["users"][viewer] is not None:
        client.force_login(world["users"][viewer])
    return client


def _page(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_children_under_the_parent_are_only_those_the_viewer_may_list(family, viewer):
    page = _page(_client(family, viewer), f"/works/{family['parent'].pk}")
    children = page.select_one("div#children")
    assert children is not None
    text = children.get_text(" ", strip=True)
    assert "Open Remix" in text
    assert ("Members Remix" in text) is (viewer != "guest")
    assert "Draft Remix" not in text


def test_a_pending_or_hidden_child_is_not_listed_under_the_parent(family):
    stranger = _client(family, "stranger")
    answer_link(family["users"]["parent_creator"], family["links"]["public"].pk, approve=False)
    page = _page(stranger, f"/works/{family['parent'].pk}")
    assert "Open Remix" not in page.get_text()
    assert RelatedWork.objects.get(pk=family["links"]["public"].pk).status == RelatedStatus.HIDDEN
    # The child still names its parent: that is the child's creators' to say.
    child = _page(stranger, f"/works/{family['children']['public'].pk}")
    associations = child.select_one("ul.associations")
    assert associations is not None and "The Original" in associations.get_text()


@pytest.mark.parametrize("parent_state", ["restricted", "draft"])
def test_a_parent_the_viewer_cannot_read_is_a_placeholder(db, parent_state):
    writer = make_user("closed_origin")
    parent = make_work(
        writer,
        title="Secret Original",
        restricted=parent_state == "restricted",
    )
    child = make_work(writer, title="Open Child")
    add_parent(writer, child, ParentData(reference=str(parent.pk)))
    if parent_state == "draft":
        # A work posted, linked, then taken back to unposted state by its creator.
        Work.objects.filter(pk=parent.pk).update(posted=False)
    page = _page(Client(), f"/works/{child.pk}")
    associations = page.select_one("ul.associations")
    assert associations is not None
    text = associations.get_text(" ", strip=True)
    assert "Secret Original" not in text and "closed_origin" not in associations.decode()
    expected = "[Restricted Work]" if parent_state == "restricted" else "[Unposted Work]"
    assert expected in text


def test_circular_and_self_links_are_refused(db):
    writer = make_user("loop_writer")
    first = make_work(writer, title="First")
    second = make_work(writer, title="Second")
    with pytest.raises(InvalidInput) as error:
        add_parent(writer, first, ParentData(reference=str(first.pk)))
    assert {e.code for e in error.value.errors} == {"circular"}
    add_parent(writer, second, ParentData(reference=str(first.pk)))
    with pytest.raises(InvalidInput) as error:
        add_parent(writer, first, ParentData(reference=str(second.pk)))
    assert {e.code for e in error.value.errors} == {"circular"}
    assert not first.parent_links.exists()


def test_the_parent_s_creator_hears_once_and_only_when_the_child_is_out(db):
    origin = make_user("heard_origin")
    remixer = make_user("heard_remixer")
    parent = make_work(origin, title="Heard Original")
    child = make_work(remixer, title="Heard Remix", draft=True)
    add_parent(remixer, child, ParentData(reference=str(parent.pk), kind="remix"))
    notices = Notification.objects.filter(user=origin, kind=NotificationKind.RELATED)
    assert not notices.exists()
    post_draft(child)
    assert notices.count() == 1


@pytest.mark.parametrize("viewer", ("guest", "stranger", "parent_creator"))
def test_the_related_works_page_shows_what_the_viewer_may_see(
    family, viewer, django_assert_max_num_queries
):
    client = _client(family, viewer)
    url = f"/users/{family['users']['parent_creator'].username}/related_works"
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert "Open Remix" in text
    assert ("Members Remix" in text) is (viewer != "guest")
    assert "Draft Remix" not in text


# The routes that change a link, on the site and in the API, for every viewer and child state:
# only the parent's creators answer (approve/hide), only the child's creators remove; to anyone
# else the link does not exist (404), and a guest is asked to log in (or, in the API, for a token).
CHANGES = ("site answer", "site remove", "api answer", "api delete")
ALLOWED = {"site answer": "parent_creator", "api answer": "parent_creator"}
ALLOWED |= {"site remove": "child_creator", "api delete": "child_creator"}


def _change(world, viewer: str, route: str, link_id: int):
    from people.services import create_api_token

    client = _client(world, viewer)
    if route == "site answer":
        return client.post(f"/related_works/{link_id}/answer", {"answer": "hide"})
    if route == "site remove":
        return client.post(f"/related_works/{link_id}/remove")
    if world["users"][viewer] is not None:
        _, key = create_api_token(world["users"][viewer], "matrix")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    if route == "api answer":
        return client.patch(
            f"/api/v1/related_works/{link_id}",
            {"status": "hidden"},
            content_type="application/json",
        )
    return client.delete(f"/api/v1/related_works/{link_id}")


@pytest.mark.parametrize("route", CHANGES)
@pytest.mark.parametrize("state", ["public", "restricted", "draft"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_right_creators_change_a_link(family, viewer, state, route):
    link = family["links"][state]
    response = _change(family, viewer, route, link.pk)
    remaining = RelatedWork.objects.filter(pk=link.pk).first()
    if viewer == "guest":
        if route.startswith("site"):
            assert response.status_code == 302
            assert response["Location"].startswith("/users/login")
        else:
            assert response.status_code == 401
        assert remaining is not None and remaining.status == RelatedStatus.APPROVED
    elif ALLOWED[route] == viewer:
        assert response.status_code in {200, 204, 302}, response.content
        if route.endswith("answer"):
            assert remaining is not None and remaining.status == RelatedStatus.HIDDEN
        else:
            assert remaining is None
    else:
        assert response.status_code == 404
        assert remaining is not None and remaining.status == RelatedStatus.APPROVED
        # Nothing in the answer names the child (a draft's title is its creator's alone).
        assert family["children"][state].title not in response.content.decode()
