""" "Download my data": a task makes one zip of everything of the account (works as EPUB and
HTML, comments written and received, bookmarks private ones included, history, kudos,
subscriptions, profile and preferences), the owner is emailed, only they can download it, and
it expires. The zip holds only what the account may see."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client
from django.utils import timezone

from downloads import account_export
from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.comments import post_comment
from feedback.services.kudos import leave_kudos
from feedback.services.readings import record_visit
from feedback.services.subscriptions import subscribe
from lifestream.core.actors import Actor
from lifestream.core.errors import InvalidInput
from lifestream.testing import make_work
from people.models import DataExport
from works import services as work_services
from works.models import Work


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(author, reader, stranger):
    posted = make_work(author, title="Reactor Nights", chapters=2)
    draft = make_work(author, title="Unfinished Sky", draft=True)
    theirs = make_work(reader, title="Seventh Heaven")
    # A co-creator's draft that the author is only invited to: not theirs to see.
    invited = make_work(stranger, title="Secret Draft Of Another", draft=True)
    data = dataclasses.replace(work_services.work_data_from(invited), co_creators=[author.username])
    work_services.update_work(stranger, invited, data)
    # A work the author commented on and bookmarked, which its creator later unposted.
    gone = make_work(stranger, title="Vanished Later")
    post_comment(author, theirs, "<p>Loved the bar scene.</p>")
    post_comment(author, gone, "<p>Comment on a work that goes.</p>")
    post_comment(reader, posted, "<p>Cloud is so sad here.</p>")
    post_comment(
        AnonymousUser(),
        posted,
        "<p>A guest was here.</p>",
        guest_name="Zack",
        guest_email="zack.secret@example.org",
    )
    create_bookmark(author, theirs, BookmarkData(notes="<p>My private note</p>", private=True))
    create_bookmark(author, gone, BookmarkData(notes="<p>bookmark of a vanished work</p>"))
    # Someone else's private bookmark of the author's work: never in the author's export.
    create_bookmark(reader, posted, BookmarkData(notes="<p>Reader's own secret</p>", private=True))
    leave_kudos(Actor(author), theirs)
    record_visit(author, theirs)
    subscribe(author, creator=reader)
    Work.objects.filter(pk=gone.pk).update(posted=False)
    return {"posted": posted, "draft": draft, "theirs": theirs, "invited": invited, "gone": gone}


def _zip(user) -> zipfile.ZipFile:
    export = account_export.request_export(user)
    # The task, as the worker runs it.
    account_export.build(export.pk)
    path = account_export.downloadable(user, export.pk)
    assert path is not None
    return zipfile.ZipFile(path)


def test_the_zip_is_complete(author, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = account_export.request_export(author)
    export.refresh_from_db()
    assert export.finished_at is not None and export.expires_at is not None
    path = account_export.downloadable(author, export.pk)
    assert path is not None
    archive = zipfile.ZipFile(path)
    names = set(archive.namelist())
    posted, draft = world["posted"], world["draft"]
    assert f"works/{posted.pk}_Reactor_Nights.epub" in names
    assert f"works/{posted.pk}_Reactor_Nights.html" in names
    assert f"works/drafts/{draft.pk}_Unfinished_Sky.html" in names
    epub = zipfile.ZipFile(io.BytesIO(archive.read(f"works/{posted.pk}_Reactor_Nights.epub")))
    assert "mimetype" in epub.namelist()
    html = archive.read(f"works/{posted.pk}_Reactor_Nights.html").decode()
    assert "Chapter 2 text." in html
    for name in [
        "profile.json",
        "works.json",
        "comments.json",
        "bookmarks.json",
        "history.json",
        "kudos.json",
        "subscriptions.json",
    ]:
        assert name in names
    profile = json.loads(archive.read("profile.json"))
    assert profile["login"] == author.username and profile["email"] == author.email
    assert profile["preferences"]["history_enabled"] is True
    assert [p["name"] for p in profile["pseuds"]] == [author.username]
    comments = json.loads(archive.read("comments.json"))
    assert {c["body"] for c in comments["written"]} >= {"<p>Loved the bar scene.</p>"}
    assert {c["body"] for c in comments["on_my_works"]} == {
        "<p>Cloud is so sad here.</p>",
        "<p>A guest was here.</p>",
    }
    bookmarks = json.loads(archive.read("bookmarks.json"))
    private = [b for b in bookmarks if b["private"]]
    assert private and private[0]["notes"] == "<p>My private note</p>"
    assert private[0]["work"]["title"] == "Seventh Heaven"
    history = json.loads(archive.read("history.json"))
    assert history[0]["work"]["title"] == "Seventh Heaven" and history[0]["visits"] == 1
    kudos = json.loads(archive.read("kudos.json"))
    assert kudos[0]["work"]["title"] == "Seventh Heaven"
    subscriptions = json.loads(archive.read("subscriptions.json"))
    assert subscriptions[0]["creator"] == "tifa_reader"
    # The owner is told by email, with the page to download it from.
    assert mail.outbox[-1].to == [author.email]
    assert f"/users/{author.username}/export" in mail.outbox[-1].body


def test_the_zip_holds_only_what_the_account_may_see(author, world):
    archive = _zip(author)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    text = everything.decode("utf-8", "replace")
    # Another user's private bookmark of their work, a guest's email, a draft they are only
    # invited to, and a work that is no longer posted (named nowhere, though their own
    # comment and bookmark on it are kept).
    assert "Reader's own secret" not in text
    assert "zack.secret@example.org" not in text
    assert "Secret Draft Of Another" not in text
    assert "Vanished Later" not in text
    assert "bookmark of a vanished work" in text
    assert "Comment on a work that goes." in text
    assert not [n for n in archive.namelist() if str(world["invited"].pk) + "_" in n]


def test_only_the_owner_downloads_it_and_it_expires(
    client, author, reader, world, django_capture_on_commit_callbacks
):
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/users/{author.username}/export")
    assert response.status_code == 302
    export = DataExport.objects.get(user=author)
    page = client.get(f"/users/{author.username}/export").content.decode()
    assert f"/users/{author.username}/export/{export.pk}/download" in page
    url = f"/users/{author.username}/export/{export.pk}/download"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    other = Client()
    other.force_login(reader)
    assert other.get(url).status_code == 404
    assert other.get(f"/users/{reader.username}/export/{export.pk}/download").status_code == 404
    assert Client().get(url).status_code == 302  # a guest is asked to log in
    # Expired: gone, file and all.
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert client.get(url).status_code == 404
    client.get(f"/users/{author.username}/export")
    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert not list((account_export.export_dir()).iterdir())


def test_one_export_an_hour(author, db):
    account_export.request_export(author)
    with pytest.raises(InvalidInput) as error:
        account_export.request_export(author)
    assert error.value.errors[0].code == "too_soon"


def test_the_export_page_is_the_owners(client, author, reader):
    client.force_login(reader)
    assert client.get(f"/users/{author.username}/export").status_code == 404
    assert client.post(f"/users/{author.username}/export").status_code == 404
    assert not DataExport.objects.exists()


def test_the_ready_export_is_told_in_the_inbox_too(
    author, reader, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from feedback.models import Notification, NotificationKind
    from people.services import create_api_token

    author.email = ""  # no address: the inbox is then the only way to hear of it
    author.save(update_fields=["email"])
    client = Client()
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/users/{author.username}/export")
    notice = Notification.objects.get(user=author)
    assert notice.kind == NotificationKind.DATA_EXPORT and notice.emailed_at is not None
    assert not mail.outbox  # nothing to email it to, and never in a digest
    with django_assert_max_num_queries(8):
        inbox = client.get(f"/users/{author.username}/inbox").content.decode()
    assert "Your data is ready to download from" in inbox
    assert f'<a href="/users/{author.username}/export">your export page</a>' in inbox
    _, key = create_api_token(author, "inbox")
    listed = Client().get("/api/v1/inbox", headers={"Authorization": f"Bearer {key}"}).json()
    assert [n["kind"] for n in listed["results"]] == ["export"]
    # Another account's inbox has none of it.
    assert not Notification.objects.filter(user=reader).exists()
