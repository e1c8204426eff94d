"""The whole loop, through the pages as a reader and a creator use them: find a work, leave
kudos and a comment, bookmark it privately, subscribe, get one email when a chapter is posted;
the creator sees it in the inbox and stats; a blocked reader can't reach the creator; a muted
creator's works leave the muter's listings with the counts right."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from feedback.models import Bookmark, Comment, Kudos
from lifestream.testing import PASSWORD, make_user, make_work
from search import text
from tags.models import Tag


def _logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_reader_answers_and_the_creator_hears(author, reader, django_capture_on_commit_callbacks):
    work = make_work(
        author,
        title="The Reactor Hums",
        body="<p>Midgar glowed green below the plate.</p>",
        fandoms=["Final Fantasy VII"],
        expected_chapters=2,
    )
    text.index_works([work.pk])
    reading = _logged_in(reader)

    # Find it by a word of its text.
    found = reading.get("/works/search?work_search[query]=Midgar").content.decode()
    assert "The Reactor Hums" in found

    # Kudos, a comment, a private bookmark and a subscription, each from the work's pages.
    assert reading.post(f"/works/{work.pk}/kudos").status_code in {200, 302}
    response = reading.post(f"/works/{work.pk}/comments", {"body": "<p>I loved the ending!</p>"})
    assert response.status_code in {200, 302}
    response = reading.post(
        f"/works/{work.pk}/bookmarks/new",
        {
            "pseud": reader.default_pseud.pk,
            "notes": "<p>for later</p>",
            "tags": "comfort",
            "private": "on",
        },
    )
    assert response.status_code in {200, 302}
    response = reading.post(f"/users/{reader.username}/subscriptions", {"work_id": work.pk})
    assert response.status_code in {200, 302}
    assert Kudos.objects.filter(work=work, user=reader).exists()
    assert Comment.objects.filter(work=work, user=reader, status="published").exists()
    assert Bookmark.objects.get(work=work, user=reader).private

    # The private bookmark is the reader's alone; the work's public count doesn't include it.
    assert "for later" not in Client().get(f"/works/{work.pk}/bookmarks").content.decode()
    assert "for later" in reading.get(f"/users/{reader.username}/bookmarks").content.decode()

    # The creator posts a chapter: the subscriber gets one email with a link to it.
    mail.outbox.clear()
    writing = _logged_in(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = writing.post(
            f"/works/{work.pk}/chapters/new",
            {"title": "Sector 7", "body": "<p>The pillar fell.</p>", "body_format": "html"},
        )
    assert response.status_code == 302
    to_reader = [message for message in mail.outbox if message.to == [reader.email]]
    assert len(to_reader) == 1
    chapter = work.chapters.get(title="Sector 7")
    assert f"/works/{work.pk}/chapters/{chapter.pk}" in to_reader[0].body

    # The creator's inbox has the kudos and the comment; the stats page has the numbers.
    inbox = writing.get(f"/users/{author.username}/inbox").content.decode()
    assert "I loved the ending!" in inbox
    assert "kudos" in inbox.lower()
    stats = writing.get(f"/users/{author.username}/stats").content.decode()
    assert "The Reactor Hums" in stats
    # Someone else can't see either.
    assert _logged_in(reader).get(f"/users/{author.username}/inbox").status_code == 404
    assert _logged_in(reader).get(f"/users/{author.username}/stats").status_code == 404


def test_a_blocked_reader_cannot_reach_the_blocker(author, reader):
    work = make_work(author, title="Blocked From Here")
    writing = _logged_in(author)
    response = writing.post(
        f"/users/{author.username}/blocked/users", {"blocked_id": reader.username}
    )
    assert response.status_code in {200, 302}
    reading = _logged_in(reader)
    reading.post(f"/works/{work.pk}/kudos")
    reading.post(f"/works/{work.pk}/comments", {"body": "<p>hello?</p>"})
    assert not Kudos.objects.filter(work=work).exists()
    assert not Comment.objects.filter(work=work).exists()
    # Reading is still allowed: blocking stops contact, not reading.
    assert reading.get(f"/works/{work.pk}").status_code == 200


def test_a_muted_creators_works_vanish_with_the_counts_right(author, reader):
    loud = make_user("loud_creator")
    for n in range(3):
        make_work(author, title=f"Kept {n}", fandoms=["Shared Fandom"])
    for n in range(2):
        make_work(loud, title=f"Muted {n}", fandoms=["Shared Fandom"])
    Tag.objects.filter(name="Shared Fandom").update(canonical=True)
    reading = _logged_in(reader)
    before = reading.get("/tags/Shared Fandom/works").content.decode()
    assert ">5 Works in <" in before.replace("\n", "")
    reading.post(f"/users/{reader.username}/muted/users", {"muted_id": loud.username})
    after = reading.get("/tags/Shared Fandom/works").content.decode()
    assert ">3 Works in <" in after.replace("\n", "")
    assert "Muted 0" not in after and "Kept 0" in after
    assert "Shared Fandom (3)" in reading.get("/works").content.decode()
    # Everyone else still sees all five.
    assert ">5 Works in <" in Client().get("/tags/Shared Fandom/works").content.decode()
