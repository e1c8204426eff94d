"""The account, feedback and import pages in French and Japanese: each page speaks the reader's
language (Accept-Language), costs no more queries than in English, and keeps the AO3 markup
clients read in English; emails speak their recipient's language, whoever's request sends them;
form errors come back translated with what was typed."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from feedback.models import Comment, Notification, NotificationKind
from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.subscriptions import subscribe
from lifestream.testing import make_user, make_work
from people.models import User

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}
JAPANESE = {"HTTP_ACCEPT_LANGUAGE": "ja"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _queries(client, url: str, headers: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        _text(client.get(url, **headers))
    return len(captured.captured_queries)


@pytest.fixture
def busy_reader(author, reader):
    """A reader with a subscription, a bookmark, an unread kudos notice and a comment notice."""
    work = make_work(author, title="Lifestream")
    subscribe(reader, creator=author)
    create_bookmark(reader, work, BookmarkData(notes="Rain.", tags=["Favourite"], rec=True))
    mine = make_work(reader, title="Nibelheim")
    Notification.objects.create(user=reader, kind=NotificationKind.KUDOS, work=mine, actor=author)
    comment = Comment.objects.create(
        work=mine, user=author, pseud=author.default_pseud, body="<p>Lovely.</p>"
    )
    Notification.objects.create(
        user=reader, kind=NotificationKind.COMMENT, work=mine, comment=comment
    )
    return reader


# (path under the reader's pages, English, French, Japanese): one string of ours on each page.
OWN_PAGES = [
    ("", "Recent works", "Œuvres récentes", "最近の作品"),
    ("/bookmarks", "Bookmarked by", "Marque-page de", "ブックマークしたユーザー："),
    ("/inbox", "My Inbox", "Ma boîte de réception", "受信箱"),
    ("/subscriptions", "My Subscriptions", "Mes abonnements", "購読"),
    ("/stats", "Word Count:", "Nombre de mots :", "文字数："),
    ("/preferences", "Keep my reading history", "Conserver mon historique", "閲覧履歴を残す"),
    ("/readings", "Full History", "Historique complet", "すべての履歴"),
    (
        "/works/drafts",
        "You have no drafts.",
        "Vous n'avez aucun brouillon.",
        "下書きはありません。",
    ),
    ("/blocked/users", "Blocking a user stops them", "Bloquer une personne", "ブロックすると"),
]


@pytest.mark.parametrize(("path", "english", "french", "japanese"), OWN_PAGES)
def test_own_pages_speak_the_readers_language(client, busy_reader, path, english, french, japanese):
    client.force_login(busy_reader)
    url = f"/users/{busy_reader.username}{path}"
    in_english = _text(client.get(url, **ENGLISH))
    assert english in in_english
    assert french not in in_english
    assert french in _text(client.get(url, **FRENCH))
    assert japanese in _text(client.get(url, **JAPANESE))


@pytest.mark.parametrize("path", [path for path, *_ in OWN_PAGES])
def test_translated_pages_cost_no_more_queries(client, busy_reader, path):
    client.force_login(busy_reader)
    url = f"/users/{busy_reader.username}{path}"
    _text(client.get(url, **ENGLISH))  # warm what is read once per process
    english = _queries(client, url, ENGLISH)
    assert _queries(client, url, FRENCH) == english
    assert _queries(client, url, JAPANESE) == english


def test_the_inbox_sentences_are_translated_around_user_content(client, busy_reader, author):
    client.force_login(busy_reader)
    french = _text(client.get(f"/users/{busy_reader.username}/inbox", **FRENCH))
    assert re.search(
        r"cloud_author a laissé des kudos sur <a href=\"/works/\d+\">Nibelheim</a>", french
    )
    assert re.search(r"cloud_author a commenté <a href=\"/works/\d+\">Nibelheim</a>", french)
    assert "Tout marquer comme lu" in french
    # The filter menu too; its values stay the ones the URL carries.
    assert '<option value="comments">Commentaires</option>' in french
    japanese = _text(client.get(f"/users/{busy_reader.username}/inbox", **JAPANESE))
    assert re.search(
        r"cloud_author さんが <a href=\"/works/\d+\">Nibelheim</a> にKudosを送りました", japanese
    )


def test_bookmark_blurbs_keep_the_markup_clients_read(client, busy_reader):
    french = _text(client.get(f"/users/{busy_reader.username}/bookmarks", **FRENCH))
    # Classes, ids and the work's stats labels are AO3's, in English, whatever the language.
    assert re.search(r'<li id="bookmark_\d+" class="bookmark blurb group', french)
    assert '<dt class="words">Words:</dt>' in french
    # Dates in AO3's format, English month names included.
    assert re.search(r'<p class="datetime">\d\d [A-Z][a-z]{2} \d{4}</p>', french)
    assert '<h6 class="landmark heading">Tags du marque-page :</h6>' in french
    assert '<span class="rec" title="Recommandation">Recommandation</span>' in french
    # User content is never translated.
    assert ">Favourite</a>" in french and "Rain." in french


def test_log_in_sign_up_and_import_pages(client, author):
    assert "Mot de passe oublié ?" in _text(client.get("/users/login", **FRENCH))
    assert "パスワードをお忘れですか？" in _text(client.get("/users/login", **JAPANESE))
    signup = _text(client.get("/signup", **FRENCH))
    assert "J&#x27;ai au moins 13 ans" in signup and "Créer le compte" in signup
    assert "アカウントを作成" in _text(client.get("/signup", **JAPANESE))
    client.force_login(author)
    assert "Importer en brouillon" in _text(client.get("/works/import", **FRENCH))
    assert "下書きとしてインポート" in _text(client.get("/works/import", **JAPANESE))


def test_work_page_comments_and_kudos_are_translated(client, author, reader):
    work = make_work(author, title="Lifestream")
    client.force_login(reader)
    french = _text(client.get(f"/works/{work.pk}", **FRENCH))
    assert "Publier un commentaire" in french and "Pas encore de commentaires." in french
    client.post(f"/works/{work.pk}/kudos", **FRENCH)
    french = _text(client.get(f"/works/{work.pk}", **FRENCH))
    assert re.search(
        r"Des kudos ont été laissés sur cette œuvre par <a [^>]*>tifa_reader</a> !", french
    )
    japanese = _text(client.get(f"/works/{work.pk}", **JAPANESE))
    assert "がこの作品にKudosを送りました！" in japanese


# --- form errors ------------------------------------------------------------------------------


def test_sign_up_errors_are_french_and_keep_what_was_typed(client, db):
    make_user("taken_name")
    response = client.post(
        "/signup",
        {
            "username": "Taken_Name",
            "email": "keep@example.org",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
        **FRENCH,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce nom d&#x27;utilisateur·ice est déjà pris." in html
    assert "Vous devez accepter les conditions d&#x27;utilisation pour vous inscrire." in html
    assert 'value="keep@example.org"' in html


def test_comment_errors_are_japanese_and_keep_the_text(client, author, reader):
    work = make_work(author)
    client.force_login(reader)
    response = client.post(f"/works/{work.pk}/comments", {"body": "x" * 10_001}, **JAPANESE)
    html = response.content.decode()
    assert "コメントは最大10,000文字です。このコメントは10,001文字あります。" in html
    assert "x" * 10_001 in html


def test_block_refusals_and_messages_are_french(client, author, reader):
    client.force_login(reader)
    page = f"/users/{reader.username}/blocked/users"
    refused = client.get(f"{page}/confirm_block?blocked_id=nobody_here", **FRENCH).content.decode()
    assert "Il n&#x27;y a personne du nom de « nobody_here »." in refused
    response = client.post(page, {"blocked_id": author.username}, follow=True, **FRENCH)
    assert "Vous avez bloqué cloud_author." in response.content.decode()
    confirm = _text(client.get(f"{page}/confirm_unblock?blocked_id={author.username}", **FRENCH))
    assert "Oui, débloquer cette personne" in confirm


# --- emails in the recipient's language -------------------------------------------------------


def test_a_comment_notice_reaches_a_french_author_in_french(
    client, author, reader, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=author.pk).update(language="fr")
    work = make_work(author, title="Lifestream")
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/works/{work.pk}/comments", {"body": "Loved it"}, **ENGLISH)
    assert response.status_code == 302
    # The commenter browses in English and is answered in English...
    assert translation.get_language() in {"en", "en-us"}
    page = _text(client.get(response["Location"], **ENGLISH))
    assert "Comment created!" in page
    # ...while the author's email is in French, subject and both bodies.
    (message,) = mail.outbox
    assert message.to == [author.email]
    assert message.subject == "[Lifestream] 1 nouvelle notification"
    assert "Bonjour cloud_author," in message.body
    assert "tifa_reader a commenté « Lifestream » :" in message.body
    assert "Choisir ce que vous recevez par e-mail" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    assert '<html lang="fr">' in html
    assert "<strong>tifa_reader</strong> a commenté" in html


def test_a_new_chapter_reaches_a_japanese_subscriber_in_japanese(
    author, reader, django_capture_on_commit_callbacks
):
    from works.services import ChapterData, add_chapter

    User.objects.filter(pk=reader.pk).update(language="ja")
    reader.refresh_from_db()
    work = make_work(author, title="Lifestream")
    subscribe(reader, work=work)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        add_chapter(work, ChapterData(body="<p>More.</p>"), post=True)
    (message,) = mail.outbox
    assert message.subject == "[Lifestream] Lifestream に新しい章"
    assert "tifa_reader さん、こんにちは。" in message.body
    assert "購読中の新着" in message.body


def test_without_a_preference_emails_use_the_archive_language(
    client, author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author, title="Lifestream")
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/works/{work.pk}/comments", {"body": "Loved it"}, **FRENCH)
    (message,) = mail.outbox
    assert message.subject == "[Lifestream] 1 new notification"
    assert "Hi cloud_author," in message.body


def test_password_reset_email_follows_the_account_not_the_request(client, author):
    User.objects.filter(pk=author.pk).update(language="ja")
    response = client.post("/account/password/reset", {"email": author.email}, **FRENCH)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "のパスワードを再設定してください" in message.subject
    assert "cloud_author さん" in message.body
    assert "心当たりがない場合は" in message.body
    # The page after it is the asker's, in French.
    assert "Consultez vos e-mails" in _text(client.get(response["Location"], **FRENCH))


def test_password_reset_email_in_english_by_default(client, author):
    client.post("/account/password/reset", {"email": author.email}, **JAPANESE)
    (message,) = mail.outbox
    assert message.subject.startswith("Reset your password on ")
    assert "Hello cloud_author," in message.body


def test_an_anonymous_creators_reply_is_named_in_the_readers_language(client, author, reader):
    work = make_work(author, title="Unsigned Letter", anonymous=True)
    asked = Comment.objects.create(work=work, user=reader, pseud=reader.default_pseud, body="Who?")
    answer = Comment.objects.create(
        work=work, user=author, pseud=author.default_pseud, body="Me.", parent=asked
    )
    Notification.objects.create(user=reader, kind=NotificationKind.REPLY, work=work, comment=answer)
    client.force_login(reader)
    french = _text(client.get(f"/users/{reader.username}/inbox", **FRENCH))
    assert "Créateur·ice anonyme a répondu à votre commentaire sur" in french
    assert "cloud_author" not in french
    assert answer.author_name == "Anonymous Creator"  # what the API says, in every language
