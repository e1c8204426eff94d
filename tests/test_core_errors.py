"""The services' errors become answers in one place for the site, and their field names (the
API's) land on the site's form fields."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path as route

from lifestream import urls as site_urls
from lifestream.core.actors import Actor, actor_of
from lifestream.core.errors import FieldError, Forbidden, InvalidInput, LoginRequired, NotFound
from lifestream.core.forms import form_field_name
from lifestream.testing import make_user
from works.forms import ChapterForm, WorkForm


def _raising(request: HttpRequest, kind: str) -> HttpResponse:
    raise {
        "missing": NotFound("No such thing."),
        "denied": Forbidden("Not yours."),
        "login": LoginRequired(),
    }[kind]


# This module is the URLconf of the tests below: a view raising the services' errors, then
# the archive's own URLs (the login page among them).
urlpatterns = [route("_raise/<str:kind>", _raising), *site_urls.urlpatterns]
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.mark.parametrize(("kind", "status"), [("missing", 404), ("denied", 403)])
def test_not_found_and_forbidden_are_the_sites_error_pages(db, settings, kind, status):
    settings.ROOT_URLCONF = __name__
    page = Client(raise_request_exception=False).get(f"/_raise/{kind}")
    assert page.status_code == status
    assert page["Content-Type"].startswith("text/html")


def test_login_required_sends_the_visitor_to_log_in_and_back(db, settings):
    settings.ROOT_URLCONF = __name__
    response = Client().get("/_raise/login?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/users/login?next=/_raise/login%3Fpage%3D2"


def test_api_field_names_land_on_the_forms_fields(db):
    assert form_field_name("chapters.0.body") == "chapter_body"
    assert form_field_name("published") == "published_on"
    assert form_field_name("title") == "title"
    form = WorkForm({}, user=make_user("form_author"), with_chapter=True)
    form.is_valid()
    form.add_service_errors(
        InvalidInput(
            [
                FieldError("chapters.0.body", "required", "Write something."),
                FieldError("published", "future_date", "Not in the future."),
                FieldError("chapters.3.body", "required", "Not a field of this form."),
            ]
        )
    )
    assert "Write something." in form.errors["chapter_body"]
    assert "Not in the future." in form.errors["published_on"]
    assert "Not a field of this form." in form.non_field_errors()
    chapter_form = ChapterForm({})
    chapter_form.is_valid()
    chapter_form.add_service_errors(InvalidInput([FieldError("published", "too_early", "Early.")]))
    assert "Early." in chapter_form.errors["published_on"]


def test_a_guest_is_known_by_a_key_from_their_address_a_user_by_id(db):
    visit = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")
    visit.user = AnonymousUser()
    guest = actor_of(visit)
    assert guest.is_guest and guest == Actor.guest("203.0.113.5")
    assert guest.guest_key != Actor.guest("203.0.113.6").guest_key
    assert "203.0.113.5" not in guest.counted_as
    reader = make_user("keyed_reader")
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")
    request.user = reader
    assert actor_of(request) == Actor(reader)
    assert actor_of(request).counted_as == f"user:{reader.pk}"
