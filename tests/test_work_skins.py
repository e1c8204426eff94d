"""Work skins: a creator's CSS for the look of their works, sanitised on the way in with
tinycss2 (hostile stylesheets below), chosen on the posting form, worn on the work page under
`#workskin`, hidden by the reader's "Hide Creator's Style"; private skins are their author's."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from lifestream.core.css import CSS_MAX, sanitise_css
from lifestream.core.errors import InvalidInput
from lifestream.testing import make_admin, make_user, make_work
from tests.test_posting import form_data
from works.models import Creatorship, Skin, Work
from works.skins import SkinData, create_skin

TEXT_MESSAGES = """
/* A phone's text messages, as fic writers make them */
.phone { border: 2px solid #333; border-radius: 1.5em; max-width: 20em; padding: .5em 1em;
         margin: 1em auto; background: linear-gradient(#fafafa, #eee); }
.phone p.sent { text-align: right; color: white; background-color: rgb(0, 122, 255);
                border-radius: 1em; padding: .3em .8em; margin-left: 3em; }
.phone p.received::before { content: "Cloud: "; font-weight: bold; }
@media (max-width: 40em) { .phone { max-width: none; } }
#workskin h2 { font-family: "Courier New", Courier, monospace !important; }
"""


def test_a_typical_skin_keeps_its_rules_scoped_under_workskin():
    clean = sanitise_css(TEXT_MESSAGES)
    assert clean.dropped == []
    assert "#workskin .phone { border: 2px solid #333;" in clean.css
    assert '#workskin .phone p.received::before { content: "Cloud: "; font-weight: bold; }' in (
        clean.css
    )
    assert "@media (max-width: 40em) {\n#workskin .phone { max-width: none; }\n}" in clean.css
    assert '#workskin h2 { font-family: "Courier New", Courier, monospace !important; }' in (
        clean.css
    )
    assert "background: linear-gradient(#fafafa, #eee);" in clean.css


HOSTILE = [
    ("p { background: url(https://tracker.example/pixel.png) }", "url"),
    ("p { background-image: URL( 'javascript:alert(1)' ) }", "url"),
    ("p { background: \\75 rl(https://tracker.example/) }", "url"),
    ("p { background: u\\72 l(https://tracker.example/) }", "url"),
    ("p { width: expression(alert(document.cookie)) }", "expression"),
    ("p { width: expr\\65 ssion(alert(1)) }", "expression"),
    ("p { behavior: url(evil.htc) }", "behavior"),
    ("p { \\62 ehavior: url(evil.htc) }", "behavior"),
    ("p { -moz-binding: url(evil.xml#x) }", "binding"),
    ("@import url(https://evil.example/more.css); p { color: red }", "@import"),
    ("@import 'more.css'; p { color: red }", "more.css"),
    ("@font-face { font-family: x; src: url(https://evil.example/f.woff) }", "font-face"),
    ("@namespace svg url(http://www.w3.org/2000/svg); p { color: red }", "namespace"),
    ('p::after { content: "</style><script>alert(1)</script>" }', "script"),
    ("p { color: red } </style><script>alert(1)</script>", "script"),
    ('p { font-family: "\\3c /style>" }', "style"),
    ("p { position: fixed; top: 0; left: 0; width: 100%; height: 100% }", "fixed"),
    ("p { position: FIXED }", "FIXED"),
    ("p { cursor: url(evil.cur), auto }", "url"),
    ("p { background: image-set('a.png' 1x) }", "image-set"),
    ("p { background: element(#header) }", "element"),
    ("p { color: var(--x) } :root { --x: url(y) }", "var"),
    ("p { content: attr(data-secret) }", "attr"),
    ("p { list-style: url(data:image/png;base64,AAAA) }", "data:"),
    ("p { color: red; } } body { display: none }", "body { display"),
    ("p{color:red} @media screen { @import url(x); }", "@import"),
    ("@media (min-width: 1px) and (url(x)) { p { color: red } }", "url"),
    ("p { color: red;; ;background: url(x) }", "url"),
    ("p:has(a[href^='javascript:']) { color: red }", "javascript"),
    ("@charset 'utf-8'; p { color: red }", "charset"),
    ("p { filter: url(#x) }", "filter"),
]


@pytest.mark.parametrize(("css", "gone"), HOSTILE)
def test_hostile_css_is_dropped_and_said_so(css, gone):
    clean = sanitise_css(css)
    assert gone.lower() not in clean.css.lower()
    for word in ("url(", "expression", "behavior", "binding", "@import", "<", "\\", "javascript"):
        assert word not in clean.css.lower()
    assert clean.dropped, f"nothing reported for {css!r}"


def test_comments_are_left_out_whatever_they_hold():
    clean = sanitise_css("p { width: 10px } /* </style><script> */ q { color: red }")
    assert clean.css == "#workskin p { width: 10px; }\n#workskin q { color: red; }"


def test_every_selector_is_scoped_and_no_rule_reaches_the_page():
    clean = sanitise_css("body { display: none } html, :root, * { color: red } .a > .b { x: 1 }")
    for line in clean.css.splitlines():
        for selector in line.split("{")[0].split(","):
            assert selector.strip().startswith("#workskin")


def test_a_stylesheet_over_the_limit_is_refused_whole():
    clean = sanitise_css("p { color: red }" + " " * CSS_MAX)
    assert clean.css == "" and "over" in clean.dropped[0]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *"p{}():;,.#@ \\'\"<>/*!-_0123456789abcdeflmnorstuxy",
                *("url(", "expression(", "@import", "</style>", "position:fixed", "\\75 ", "\n"),
            ]
        ),
        max_size=120,
    ).map("".join)
)
def test_whatever_comes_in_nothing_dangerous_comes_out(css):
    out = sanitise_css(css).css.lower()
    for word in ("url(", "expression", "@import", "<", "\\", "position: fixed", "binding"):
        assert word not in out
    for line in out.splitlines():
        if line and not line.startswith(("@media", "}")):
            assert line.startswith("#workskin")


# --- pages ----------------------------------------------------------------------------------


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_create_a_skin_and_its_page_shows_the_clean_css(author):
    client = _login(author)
    response = client.post(
        "/skins/new", {"title": "Text messages", "description": "Phones.", "css": TEXT_MESSAGES}
    )
    skin = Skin.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/skins/{skin.pk}"
    page = client.get(f"/skins/{skin.pk}").content.decode()
    assert "#workskin .phone" in page and "Private" in page
    assert f"/skins/{skin.pk}" in client.get(f"/users/{author.username}/skins").content.decode()


def test_a_refused_stylesheet_comes_back_with_the_reasons_and_nothing_is_saved(author):
    client = _login(author)
    css = "p { color: red }\np { background: url(https://tracker.example/x.png) }"
    response = client.post("/skins/new", {"title": "Tracker", "css": css})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The value of “background” is not allowed (line 2)." in page
    # The creator's text is back in the form, as typed.
    textarea = BeautifulSoup(page, "html.parser").select_one("textarea[name=css]")
    assert textarea is not None and "tracker.example" in textarea.get_text()
    assert not Skin.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "css": "p { color: red }"}, "Please enter a title for the skin."),
        ({"title": "x" * 101, "css": ""}, "Skin title must be at most 100 characters"),
        ({"title": "Mine", "css": "", "description": "d" * 1001}, "Description must be at most"),
    ],
)
def test_bad_skin_fields_are_named(author, data, message):
    response = _login(author).post("/skins/new", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Skin.objects.exists()


def test_one_title_per_author(author):
    create_skin(author, SkinData(title="Letters", css=""))
    with pytest.raises(InvalidInput) as raised:
        create_skin(author, SkinData(title="  letters ", css=""))
    assert raised.value.errors[0].code == "taken"
    create_skin(make_user("another_writer"), SkinData(title="Letters", css=""))


VIEWERS = ("guest", "stranger", "author", "admin")


@pytest.mark.parametrize("public", [False, True])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_who_sees_a_skin(author, viewer, public):
    skin = create_skin(author, SkinData(title="Letters", css="p { color: red }"))
    Skin.objects.filter(pk=skin.pk).update(public=public)
    users = {"guest": None, "stranger": make_user("skin_stranger"), "author": author}
    users["admin"] = make_admin("skin_admin")
    client = Client() if users[viewer] is None else _login(users[viewer])
    sees = public or viewer == "author"
    assert client.get(f"/skins/{skin.pk}").status_code == (200 if sees else 404)
    for url in ("/skins", f"/users/{author.username}/skins"):
        listed = f'id="skin_{skin.pk}"' in client.get(url).content.decode()
        assert listed is (sees and (url != "/skins" or public)), url
    # Only the author edits or deletes, whoever else may read it.
    for url in (f"/skins/{skin.pk}/edit", f"/skins/{skin.pk}/confirm_delete"):
        status = client.get(url).status_code
        if viewer == "guest":
            assert status == 302
        else:
            assert status == (200 if viewer == "author" else 403 if sees else 404)


def test_only_the_author_edits_and_deletes(author):
    skin = create_skin(author, SkinData(title="Letters", css="p { color: red }"))
    Skin.objects.filter(pk=skin.pk).update(public=True)
    stranger = _login(make_user("skin_stranger"))
    assert stranger.post(f"/skins/{skin.pk}/edit", {"title": "Mine", "css": ""}).status_code == 403
    assert stranger.post(f"/skins/{skin.pk}/confirm_delete").status_code == 403
    client = _login(author)
    client.post(f"/skins/{skin.pk}/edit", {"title": "Letters", "css": ".a { color: blue }"})
    assert Skin.objects.get().css == "#workskin .a { color: blue; }"
    client.post(f"/skins/{skin.pk}/confirm_delete")
    assert not Skin.objects.exists()


# --- works wearing skins --------------------------------------------------------------------


def _style(page: str) -> str:
    found = BeautifulSoup(page, "html.parser").select_one("style#work-skin-css")
    return found.get_text() if found is not None else ""


def test_a_work_wears_its_skin_and_a_reader_can_hide_it(author):
    skin = create_skin(author, SkinData(title="Text messages", css=TEXT_MESSAGES))
    client = _login(author)
    form = client.get("/works/new").content.decode()
    assert (
        "Select Work Skin" in form and f'<option value="{skin.pk}">Text messages</option>' in form
    )
    client.post("/works/new", form_data(author, skin=str(skin.pk)))
    work = Work.objects.get()
    assert work.skin_id == skin.pk
    reader = Client()
    page = reader.get(f"/works/{work.pk}").content.decode()
    assert "#workskin .phone" in _style(page)
    assert "Hide Creator&#x27;s Style" in page or "Hide Creator's Style" in page
    hidden = reader.get(f"/works/{work.pk}?style=disable").content.decode()
    assert _style(hidden) == "" and "Show Creator" in hidden
    # A work without a skin has no style element and no switch.
    plain = make_work(author, title="Plain")
    page = reader.get(f"/works/{plain.pk}").content.decode()
    assert _style(page) == "" and "Creator&#x27;s Style" not in page


def test_a_work_may_wear_only_its_creators_own_or_a_public_skin(author):
    other = make_user("skin_maker")
    private = create_skin(other, SkinData(title="Theirs", css="p { color: red }"))
    public = create_skin(other, SkinData(title="Shared", css="p { color: blue }"))
    Skin.objects.filter(pk=public.pk).update(public=True)
    client = _login(author)
    form = client.get("/works/new").content.decode()
    assert "Shared" in form and "Theirs" not in form
    response = client.post("/works/new", form_data(author, skin=str(private.pk)))
    assert response.status_code == 200 and not Work.objects.exists()
    page = response.content.decode()
    assert "Select a valid choice" in page or "Choose one of your skins" in page
    assert "The Promised Land" in page  # the form came back with what was typed
    client.post("/works/new", form_data(author, skin=str(public.pk)))
    assert Work.objects.get().skin_id == public.pk


def test_a_co_creators_edit_keeps_the_skin_the_work_wears(author):
    skin = create_skin(author, SkinData(title="Letters", css=".letter { font-style: italic }"))
    client = _login(author)
    client.post("/works/new", form_data(author, skin=str(skin.pk)))
    work = Work.objects.get()
    cowriter = make_user("skin_cowriter")
    Creatorship.objects.create(work=work, pseud=cowriter.default_pseud, position=1)
    other = _login(cowriter)
    edit = other.get(f"/works/{work.pk}/edit").content.decode()
    assert f'<option value="{skin.pk}" selected>Letters</option>' in edit
    data = form_data(cowriter, skin=str(skin.pk), title="Renamed")
    data.pop("action")
    data["pseuds"] = [cowriter.default_pseud.pk]
    response = other.post(f"/works/{work.pk}/edit", data)
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.title == "Renamed" and work.skin_id == skin.pk


def test_deleting_a_skin_leaves_its_works_in_the_archive_look(author):
    skin = create_skin(author, SkinData(title="Letters", css=".letter { font-style: italic }"))
    work = make_work(author, title="Worn")
    Work.objects.filter(pk=work.pk).update(skin=skin)
    _login(author).post(f"/skins/{skin.pk}/confirm_delete")
    work.refresh_from_db()
    assert work.skin_id is None
    assert Client().get(f"/works/{work.pk}").status_code == 200


def test_a_skinned_work_page_costs_one_query_more(author, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plain = make_work(author, title="Plain")
    worn = make_work(author, title="Worn")
    skin = create_skin(author, SkinData(title="Letters", css=".letter { font-style: italic }"))
    Work.objects.filter(pk=worn.pk).update(skin=skin)
    counts = []
    for work in (plain, worn):
        client = Client()
        client.get(f"/works/{work.pk}")
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/works/{work.pk}")
        counts.append(len(queries))
    assert counts[1] == counts[0] + 1


# --- site skins -----------------------------------------------------------------------------


def _site_style(client: Client, url: str = "/works") -> str:
    found = BeautifulSoup(client.get(url).content, "html.parser").select_one("style#site-skin-css")
    return found.get_text() if found is not None else ""


def test_a_site_skin_styles_every_page_for_whoever_chooses_it(author, reader):
    css = "body { background-color: #fdf6e3 } #header { border-bottom: 4px solid #b58900 }"
    skin = create_skin(author, SkinData(title="Solar", css=css, kind="site"))
    assert skin.css.startswith("body { background-color: #fdf6e3; }")  # not under #workskin
    client = _login(author)
    form = client.get("/settings/reading").content.decode()
    assert f'<option value="{skin.pk}">Solar</option>' in form
    client.post(
        "/settings/reading",
        {
            "theme": "auto",
            "font": "serif",
            "size": "100",
            "spacing": "normal",
            "width": "medium",
            "site_skin": str(skin.pk),
        },
    )
    for url in ("/works", "/", "/settings/reading"):
        assert "#fdf6e3" in _site_style(client, url)
    # A private site skin is its author's alone: a forged cookie shows nothing to others.
    other = _login(reader)
    assert "Solar" not in other.get("/settings/reading").content.decode()
    other.cookies["reading"] = f"site_skin={skin.pk}"
    assert _site_style(other) == ""
    guest = Client()
    guest.cookies["reading"] = f"site_skin={skin.pk}"
    assert _site_style(guest) == ""
    # Made public by an admin, anyone may choose it, guests too.
    Skin.objects.filter(pk=skin.pk).update(public=True)
    assert "#fdf6e3" in _site_style(guest)


def test_a_site_skin_is_sanitised_like_a_work_skin(author):
    with pytest.raises(InvalidInput) as raised:
        create_skin(author, SkinData(title="Bad", css="body { background: url(x) }", kind="site"))
    assert raised.value.errors[0].code == "css_not_allowed"
    with pytest.raises(InvalidInput) as raised:
        create_skin(author, SkinData(title="Odd", css="", kind="theme"))
    assert raised.value.errors[0].field == "kind"


def test_a_site_skin_is_not_a_work_skin(author):
    site_skin = create_skin(author, SkinData(title="Solar", css="p { color: red }", kind="site"))
    client = _login(author)
    assert "Solar" not in client.get("/works/new").content.decode()
    response = client.post("/works/new", form_data(author, skin=str(site_skin.pk)))
    assert response.status_code == 200 and not Work.objects.exists()


def test_the_skin_form_makes_either_kind(author):
    client = _login(author)
    client.post("/skins/new", {"title": "Solar", "kind": "site", "css": "body { color: #111 }"})
    skin = Skin.objects.get()
    assert skin.kind == "site" and skin.css == "body { color: #111; }"
    assert "Site skin" in client.get(f"/skins/{skin.pk}").content.decode()
