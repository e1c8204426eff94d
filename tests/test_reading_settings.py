"""Reading settings for everyone: a guest's in a cookie, a logged-in reader's in their account
too; every page is drawn in them (theme, face, size, spacing, width), and "hide creators' work
skins" keeps skins off every work unless the reader shows one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifestream.testing import make_user, make_work
from people.models import User
from people.reading import COOKIE, ReadingSettings
from works.models import Work
from works.skins import SkinData, create_skin

pytestmark = pytest.mark.django_db

CHOSEN = {
    "theme": "dark",
    "font": "dyslexic",
    "size": "125",
    "spacing": "relaxed",
    "width": "wide",
    "hide_style": "on",
}


def _html(client: Client, url: str = "/", referer: str = "") -> Any:
    response = client.get(url, headers={"Referer": referer} if referer else None)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_defaults_follow_the_device(db):
    root = _html(Client()).html
    assert root["data-theme"] == "auto" and root["data-font"] == "serif"
    assert "--reading-scale: 1;" in root["style"] and "--measure: 42rem;" in root["style"]


def test_a_guest_saves_settings_in_a_cookie_and_goes_back(author):
    work = make_work(author, title="Night Train")
    client = Client()
    form = _html(client, f"/settings/reading?next=/works/{work.pk}")
    assert form.select_one("input[name=theme][value=contrast]") is not None
    response = client.post("/settings/reading", {**CHOSEN, "next": f"/works/{work.pk}"})
    assert response.status_code == 302 and response["Location"] == f"/works/{work.pk}"
    cookie = response.cookies[COOKIE]
    assert cookie["samesite"] == "Lax" and int(cookie["max-age"]) > 300 * 24 * 3600
    root = _html(client, f"/works/{work.pk}").html
    assert root["data-theme"] == "dark" and root["data-font"] == "dyslexic"
    assert "--reading-scale: 1.25;" in root["style"]
    assert "--reading-leading: 2;" in root["style"] and "--measure: 54rem;" in root["style"]


def test_a_reader_s_settings_follow_them_to_another_device(reader):
    phone = Client()
    phone.force_login(reader)
    phone.post("/settings/reading", CHOSEN)
    assert User.objects.get(pk=reader.pk).reading_settings["theme"] == "dark"
    laptop = Client()  # no cookie here
    laptop.force_login(reader)
    assert _html(laptop).html["data-theme"] == "dark"
    laptop.post("/settings/reading", {"reset": "1"})
    assert User.objects.get(pk=reader.pk).reading_settings == {}
    assert _html(laptop).html["data-theme"] == "auto"


@pytest.mark.parametrize(
    "cookie",
    [
        "theme=<script>&font=serif",
        "size=9999&width=100vw;background:url(x)",
        "theme=dark\x00&size=" + "1" * 5000,
        "%ZZ%%&&==",
    ],
)
def test_a_tampered_cookie_reads_as_defaults(db, cookie):
    client = Client()
    client.cookies[COOKIE] = cookie
    root = _html(client).html
    assert root["data-theme"] == "auto" and root["data-font"] == "serif"
    assert root["style"] == ReadingSettings().css_variables
    assert "url(" not in root["style"] and "<" not in str(root.attrs)


def test_a_bad_choice_comes_back_with_a_message_and_changes_nothing(db):
    client = Client()
    response = client.post("/settings/reading", {**CHOSEN, "size": "999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert COOKIE not in response.cookies


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_it_never_sends_the_reader_off_the_archive(db, target):
    response = Client().post("/settings/reading", {**CHOSEN, "next": target})
    assert response["Location"] == "/settings/reading"


def test_hiding_creators_styles_keeps_skins_off_unless_shown(author):
    skin = create_skin(author, SkinData(title="Letters", css=".letter { font-style: italic }"))
    work = make_work(author, title="Worn")
    Work.objects.filter(pk=work.pk).update(skin=skin)
    client = Client()
    assert _html(client, f"/works/{work.pk}").select_one("style#work-skin-css") is not None
    client.post("/settings/reading", CHOSEN)
    page = _html(client, f"/works/{work.pk}")
    assert page.select_one("style#work-skin-css") is None
    link = page.select_one("li.style a")
    assert link is not None and link.get_text() == "Show Creator's Style"
    assert link["href"] == f"/works/{work.pk}?style=enable"
    shown = _html(client, f"/works/{work.pk}?style=enable")
    assert shown.select_one("style#work-skin-css") is not None


def test_the_dyslexia_friendly_face_is_shipped_with_its_licence():
    static = Path(__file__).resolve().parent.parent / "lifestream" / "static" / "lifestream"
    css = (static / "css" / "reading.css").read_text()
    for name in ("opendyslexic-latin-400-normal.woff2", "opendyslexic-latin-700-normal.woff2"):
        assert name in css and (static / "fonts" / name).stat().st_size > 10_000
    assert "SIL Open Font License" in (static / "fonts" / "OpenDyslexic-LICENSE.txt").read_text()


def test_every_page_links_the_settings_which_lead_back(db):
    link = _html(Client(), "/works?page=2").select_one("#footer a[href^='/settings/reading']")
    assert link is not None and link["href"] == "/settings/reading"
    client = Client()
    form = _html(client, "/settings/reading", referer="http://testserver/works?page=2")
    back = "#reading-settings-form input[name=next]"
    assert form.select_one(back)["value"] == "/works?page=2"
    elsewhere = _html(client, "/settings/reading", referer="https://evil.example/x")
    assert elsewhere.select_one(back)["value"] == ""


def test_settings_cost_no_query(author):
    make_work(author)
    counts = []
    for settings in ("", ReadingSettings(theme="sepia", size="150").to_cookie()):
        client = Client()
        if settings:
            client.cookies[COOKIE] = settings
        client.get("/works")
        with CaptureQueriesContext(connection) as queries:
            client.get("/works")
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert make_user("no_settings_yet").reading_settings == {}
