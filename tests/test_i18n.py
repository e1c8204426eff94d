"""Interface languages: the picker (a guest's cookie, a user's saved preference), the browser's
Accept-Language, pages rendered in French and Japanese with no English left in their chrome,
AO3's markup unchanged in every language, and catalogues that are complete and compiled.

The AO3 client programs (test_clients_ao3_api.py, test_clients_fanficfare.py) run against
pages in all three languages too: what they read must not change with the language.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from lifestream.testing import PASSWORD, make_user, make_work
from people.models import User
from people.services import create_api_token
from tags.models import tag_to_param

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = ("fr", "ja")

# The header's and footer's English on every page, which a French or Japanese page must not
# show (a guest's and a logged-in user's).
CHROME_GUEST = (
    "Skip to content",
    "All Fandoms",
    ">Browse<",
    "Post New",
    "Search works",
    ">Log In<",
    "Sign Up",
    "Username or email",
    "Forgot password?",
    "Reading settings",
    "Interface language",
    "Change language",
    "a fan-fiction archive run by and for its community",
)
CHROME_USER = (
    "My Dashboard",
    "My Works",
    "My Preferences",
    "Log Out",
    "Change Password",
)
# A few of each language's own words for the same chrome.
CHROME_WORDS = {
    "fr": ("Aller au contenu", "Tous les fandoms", "Parcourir", "Langue de l'interface"),
    "ja": ("本文へ移動", "すべてのファンダム", "見る", "表示言語"),
}


@pytest.fixture(autouse=True)
def _english_afterwards():
    """Requests activate their language in the thread; later tests start from English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, path: str, **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def html_lang(text: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', text)
    assert found is not None
    return found.group(1)


# --- choosing the language ----------------------------------------------------------------------


@pytest.mark.django_db
def test_english_is_the_default_and_pages_say_so():
    text = page(Client(), "/")
    assert html_lang(text) == "en"
    assert "Skip to content" in text
    # The picker: a labelled select with each language in its own name, back to this page.
    assert '<label for="language-choice">Interface language</label>' in text
    assert '<option value="fr" lang="fr">Français</option>' in text
    assert '<option value="ja" lang="ja">日本語</option>' in text
    assert '<option value="en" lang="en" selected>English</option>' in text
    assert '<input type="hidden" name="next" value="/">' in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "language"),
    [("fr-FR,fr;q=0.9,en;q=0.5", "fr"), ("ja,en;q=0.5", "ja"), ("de-DE,de;q=0.9", "en")],
)
def test_a_guest_gets_the_browsers_language(header, language):
    response = Client().get("/works", headers={"accept-language": header})
    assert html_lang(response.content.decode()) == language
    assert response["Content-Language"] == language
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary


@pytest.mark.django_db
def test_the_picker_sets_a_guests_cookie_and_goes_back_to_the_page():
    client = Client(enforce_csrf_checks=True)
    client.get("/works")  # the CSRF cookie, as a browser would have it
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/language",
        {"language": "fr", "next": "/works?page=1", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response["Location"] == "/works?page=1"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    text = page(client, "/works")
    assert html_lang(text) == "fr"
    assert "Tous les fandoms" in text
    assert '<option value="fr" lang="fr" selected>Français</option>' in text
    # The cookie wins over the browser's language.
    assert html_lang(page(client, "/works", **{"accept-language": "ja"})) == "fr"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/x", ""])
def test_the_picker_goes_home_rather_than_off_the_archive(target):
    response = Client().post("/language", {"language": "ja", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_picker_refuses_a_language_it_does_not_offer():
    client = Client()
    response = client.post("/language", {"language": "de", "next": "/works"}, follow=True)
    assert response.redirect_chain == [("/works", 302)]
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert "Please choose one of the languages in the list." in response.content.decode()
    assert Client().get("/language").status_code == 405


@pytest.mark.django_db
def test_a_users_choice_is_saved_and_follows_them_to_another_device(author):
    phone = logged_in(author)
    phone.post("/language", {"language": "ja", "next": "/"})
    author.refresh_from_db()
    assert author.language == "ja"

    laptop = Client()  # no language cookie here
    assert html_lang(page(laptop, "/")) == "en"
    assert laptop.login(username=author.username, password=PASSWORD)
    text = page(laptop, "/", **{"accept-language": "fr"})
    assert html_lang(text) == "ja"
    assert "ダッシュボード" in text
    laptop.get("/users/logout")
    laptop.post("/users/logout")
    assert html_lang(page(laptop, "/")) == "en"
    assert laptop.login(username=author.username, password=PASSWORD)
    assert html_lang(page(laptop, "/")) == "ja"


@pytest.mark.django_db
def test_the_saved_language_wins_over_the_cookie_and_is_a_preference(author):
    author.language = "fr"
    author.save(update_fields=["language"])
    client = logged_in(author)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    assert html_lang(page(client, "/works")) == "fr"
    # The preferences page lists it with the others, and saving it there changes it too.
    preferences = f"/users/{author.username}/preferences"
    text = page(client, preferences)
    assert 'name="language"' in text
    form = {"time_zone": "UTC", "digest_interval": "hourly", "language": "ja"}
    assert client.post(preferences, form).status_code == 302
    author.refresh_from_db()
    assert author.language == "ja"
    assert html_lang(page(client, "/works")) == "ja"


@pytest.mark.django_db
def test_the_language_costs_no_query(author, django_assert_num_queries):
    make_work(author, title="Under the Plate")
    page(logged_in(author), "/works")  # the archive's first listing warms its caches
    counts = {}
    for language in ("en", "fr", "ja"):
        User.objects.filter(pk=author.pk).update(language=language)
        client = logged_in(author)
        with CaptureQueriesContext(connection) as queries:
            page(client, "/works")
        counts[language] = len(queries)
    assert counts["fr"] == counts["ja"] == counts["en"]
    client = logged_in(author)
    with django_assert_num_queries(counts["en"]):
        page(client, "/works")


# --- pages in French and Japanese ---------------------------------------------------------------


@pytest.fixture
def archive(author):
    """A two-chapter work with enough words for a thousands separator."""
    body = "<p>" + " ".join(["word"] * 1500) + "</p>"
    return make_work(
        author,
        title="Under the Plate",
        body=body,
        chapters=2,
        published_on=dt.date(2024, 1, 15),
        freeforms=["Angst"],
    )


def assert_chrome_in(text: str, language: str, *, user: bool = False) -> None:
    assert html_lang(text) == language
    leftovers = [words for words in CHROME_GUEST + (CHROME_USER if user else ()) if words in text]
    assert leftovers == []
    for words in CHROME_WORDS[language]:
        assert words in text


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_guest_pages_in_french_and_japanese(archive, language):
    client = Client(headers={"accept-language": language})
    tag = tag_to_param("Final Fantasy VII")
    expected = {
        "/": {"fr": "Mises à jour récentes", "ja": "最近の更新"},
        "/works": {"fr": "Trier et filtrer", "ja": "並べ替えと絞り込み"},
        f"/works/{archive.pk}": {"fr": "Œuvre entière", "ja": "全文表示"},
        f"/works/{archive.pk}?view_full_work=true": {"fr": "Chapitre 2", "ja": "第2章"},
        f"/works/{archive.pk}/navigate": {"fr": "Table des chapitres", "ja": "章の目次"},
        "/works/search": {"fr": "Tous les champs", "ja": "すべての項目"},
        "/works/search?work_search[query]=word": {
            "fr": "Modifier votre recherche",
            "ja": "検索条件を変更",
        },
        f"/tags/{tag}": {"fr": "Œuvres récentes", "ja": "最近の作品"},
        f"/tags/{tag}/works": {"fr": "Effacer les filtres", "ja": "絞り込みを解除"},
        "/tags": {"fr": "Personnages", "ja": "キャラクター"},
        "/media": {"fr": "Choisissez une catégorie de médias", "ja": "メディアカテゴリーを選んで"},
        "/fandoms": {"fr": "Tous les médias", "ja": "すべてのメディア"},
        "/tags/search": {"fr": "Rechercher des tags", "ja": "タグ検索"},
    }
    for path, words in expected.items():
        text = page(client, path)
        assert_chrome_in(text, language)
        assert words[language] in text, path


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_a_users_pages_in_french_and_japanese(archive, author, language):
    author.language = language
    author.save(update_fields=["language"])
    client = logged_in(author)
    for path in ("/", f"/works/{archive.pk}", "/works"):
        text = page(client, path)
        assert_chrome_in(text, language, user=True)
    own = {"fr": ("Modifier l'œuvre", "Ajouter un chapitre"), "ja": ("作品を編集", "章を追加")}
    text = page(client, f"/works/{archive.pk}")
    for words in own[language]:
        assert words in text
    assert "Edit Work" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_ao3_markup_keeps_ao3s_words_and_formats(archive, language):
    """Dates and counts where clients parse them, the stats labels, the listing headings."""
    client = Client(headers={"accept-language": language})
    words = f"{archive.word_count:,}"
    assert archive.word_count > 1000
    work = page(client, f"/works/{archive.pk}")
    assert '<dt class="published">Published:</dt><dd class="published">2024-01-15</dd>' in work
    assert '<dt class="words">Words:</dt><dd class="words">' + words + "</dd>" in work
    assert (
        '<dt class="chapters">Chapters:</dt><dd class="chapters">' + archive.chapters_display
    ) in work
    assert '<dt class="hits">Hits:</dt>' in work

    listing = page(client, "/works")
    revised = archive.revised_at.strftime("%d %b %Y")  # the C locale's English month
    assert f'<p class="datetime">{revised}</p>' in listing
    assert '<dd class="words">' + words + "</dd>" in listing
    assert re.search(r'<h2 class="heading">1 Work\b', listing)

    found = page(client, "/works/search?work_search[query]=word")
    assert re.search(r'<h3 class="heading">[\d,]+ Found</h3>', found)

    navigate = page(client, f"/works/{archive.pk}/navigate")
    assert f'<span class="datetime">({archive.published_on:%Y-%m-%d})</span>' in navigate


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_restricted_and_adult_notices_keep_the_sentences_clients_look_for(author, language):
    restricted = make_work(author, title="Members Only", restricted=True)
    adult = make_work(author, title="After Dark", rating="Explicit")
    reader = logged_in(make_user("tifa_reader"))
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    listing = page(reader, f"/users/{author.username}/works")
    assert 'alt="(Restricted)"' in listing
    notice = page(reader, f"/works/{adult.pk}")
    assert (
        "This work could have adult content. If you continue, you have agreed that you are "
        "willing to see such content."
    ) in notice
    response = Client(headers={"accept-language": language}).get(f"/works/{restricted.pk}")
    assert response.status_code == 302
    followed = Client(headers={"accept-language": language}).get(
        f"/works/{restricted.pk}", follow=True
    )
    assert (
        "This work is only available to registered users of the Archive."
        in followed.content.decode()
    )


@pytest.mark.django_db
def test_a_404_keeps_error_404_in_its_heading_in_every_language():
    for language in ("fr", "ja"):
        response = Client(headers={"accept-language": language}).get("/works/999999")
        assert response.status_code == 404
        text = response.content.decode()
        assert '<h2 class="heading">Error 404: ' in text
        assert html_lang(text) == language


def test_dates_follow_the_locale_outside_ao3s_markup():
    moment = dt.datetime(2024, 1, 15, 9, 30, tzinfo=dt.UTC)
    template = Template('{{ moment|date:"DATE_FORMAT" }}|{{ moment|ao3_date }}|{{ n|ao3_number }}')
    context = Context({"moment": moment, "n": 1234567})
    rendered = {}
    for language in ("en", "fr", "ja"):
        with translation.override(language):
            rendered[language] = template.render(context)
    assert rendered["en"] == "Jan. 15, 2024|15 Jan 2024|1,234,567"
    assert rendered["fr"] == "15 janvier 2024|15 Jan 2024|1,234,567"
    assert rendered["ja"] == "2024年1月15日|15 Jan 2024|1,234,567"


def test_counts_in_prose_follow_the_locale():
    template = Template("{{ n|intcomma }}")
    with translation.override("fr"):
        assert template.render(Context({"n": 1234})) == "1\xa0234"
    with translation.override("ja"):
        assert template.render(Context({"n": 1234})) == "1,234"


# --- the catalogues -----------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0\- +]*\d*(?:\.\d+)?([sdifrx%])")


def placeholders(text: str) -> set[str]:
    return {f"{name}:{kind}" for name, kind in PLACEHOLDER.findall(text) if kind != "%"}


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert len(po) > 300
    assert not po.metadata_is_fuzzy
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    empty_plurals = [
        entry.msgid for entry in po if entry.msgid_plural and not all(entry.msgstr_plural.values())
    ]
    assert untranslated == fuzzy == empty_plurals == []
    expected_forms = {"fr": 2, "ja": 1}[language]
    assert po.metadata["Plural-Forms"].startswith(f"nplurals={expected_forms};")
    for entry in po:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == expected_forms, entry.msgid


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language):
    for entry in catalogue(language):
        if entry.msgid_plural:
            wanted = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
            for form in entry.msgstr_plural.values():
                # A singular may leave the number out ("chaque seconde"), never add one.
                assert placeholders(form) <= wanted, entry.msgid
            last = entry.msgstr_plural[max(entry.msgstr_plural)]
            assert placeholders(last) == placeholders(entry.msgid_plural), entry.msgid
        else:
            assert placeholders(entry.msgstr) == placeholders(entry.msgid), entry.msgid


def _entries(entries) -> dict[tuple[str, str], object]:
    return {
        (entry.msgctxt or "", entry.msgid): (
            tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        )
        for entry in entries
        if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_the_current_one(language):
    """The committed .mo says what the .po says: `make messages` was run after the last edit."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    compiled = polib.mofile(str(folder / "django.mo"))
    assert _entries(compiled) == _entries(catalogue(language)), (
        f"{folder / 'django.mo'} is stale: run `make messages`"
    )


@pytest.mark.django_db
def test_python_strings_are_translated_through_the_catalogue():
    with translation.override("fr"):
        assert gettext("Work was successfully posted.") == "L'œuvre a bien été publiée."
    with translation.override("ja"):
        from django.utils.translation import ngettext

        assert (
            ngettext("%(count)d tag wrangled.", "%(count)d tags wrangled.", 3) % {"count": 3}
            == "3件のタグを整理しました。"
        )


@pytest.mark.django_db
def test_the_apis_codes_stay_and_its_messages_follow_accept_language(author):
    _, key = create_api_token(author, "tests")
    body = json.dumps({"title": " ", "works": []})
    answers = {}
    for language in ("en", "fr", "ja"):
        response = Client().post(
            "/api/v1/series",
            data=body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}", "accept-language": language},
        )
        assert response.status_code == 422
        (error,) = [e for e in response.json()["errors"] if e["field"] == "title"]
        answers[language] = (error["code"], error["message"])
    assert answers["en"] == ("required", "Please enter a title for the series.")
    assert answers["fr"] == ("required", "Veuillez saisir un titre pour la série.")
    assert answers["ja"] == ("required", "シリーズのタイトルを入力してください。")


def test_the_scripts_sentences_come_in_the_pages_language(author):
    """The autocomplete, autosave and import scripts read their sentences from the page (JSON
    data, not a script), translated like the rest of it."""
    client = logged_in(author)
    for language, expected in (("en", "No suggestions."), ("fr", "Aucune suggestion.")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        User.objects.filter(pk=author.pk).update(language="")
        text = page(client, "/works/new")
        match = re.search(
            r'<script id="interface-messages" type="application/json">(.*?)</script>', text
        )
        assert match, "no interface messages on the page"
        messages = json.loads(match.group(1))
        assert messages["no_suggestions"] == expected
        assert "%(status)s" in messages["not_saved_status"]
        assert 'src="/static/lifestream/js/messages.js"' in text
