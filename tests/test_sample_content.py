"""`create_sample_content`: fills an empty archive once, through the services, and never twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client

from lifestream.sample_text import AUTHORS, SAMPLE_PASSWORD, generated_works
from lifestream.testing import make_admin, make_user
from people.models import Pseud, User
from tags.models import Tag
from works.models import Chapter, Work


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_sample_content", *args, stdout=out)
    return out.getvalue()


def test_fills_an_empty_archive(db, settings):
    settings.DEMO = True
    output = run()

    posted = Work.objects.filter(posted=True)
    assert posted.count() > 20
    assert posted.filter(restricted=False).count() > 20  # the public listing has a second page
    assert Work.objects.filter(posted=False).count() == 1
    assert posted.filter(restricted=True).exists()
    assert posted.filter(tags__name="Mature").exists()
    for rating in ("General Audiences", "Teen And Up Audiences", "Not Rated"):
        assert posted.filter(tags__name=rating).exists()
    assert posted.filter(chapter_count__gte=3).exists()
    assert posted.filter(expected_chapters__isnull=True).exists()
    assert posted.filter(language="fr").exists()
    assert posted.filter(backdated=True, published_on__year=2024).exists()
    assert posted.filter(published_on__lt=dt.date.today() - dt.timedelta(days=180)).exists()

    # Every work has its chapters, and the kept counts match them.
    for work in Work.objects.annotate(
        posted_chapters=Count("chapters", filter=Q(chapters__posted=True)),
        all_chapters=Count("chapters"),
    ):
        assert work.all_chapters >= 1
        # Posted works count their posted chapters; drafts all of theirs (posted together).
        expected = work.posted_chapters if work.posted else work.all_chapters
        assert work.chapter_count == expected
        assert work.word_count > 0
    assert Chapter.objects.filter(work__posted=True, posted=False, scheduled_for=None).count() == 0
    # One chapter waits for its moment, a few days ahead.
    scheduled = Chapter.objects.get(work__posted=True, posted=False)
    assert scheduled.is_scheduled and scheduled.title == "Landfall"
    assert "<blockquote>" in " ".join(Chapter.objects.values_list("body", flat=True))

    logins = [author.login for author in AUTHORS]
    assert set(User.objects.values_list("username", flat=True)) == set(logins)
    assert User.objects.filter(is_sample=True).count() == len(logins)
    assert authenticate(username=logins[0], password=SAMPLE_PASSWORD) is not None
    assert Pseud.objects.filter(is_default=False).exists()
    assert Tag.objects.filter(name="Nell Carraway/Odile Fenn", kind="relationship").exists()
    assert SAMPLE_PASSWORD in output

    # Readers have answered: kudos (some from guests), threads with the author's replies, an
    # approved comment on a moderated work, bookmarks (one private each) and subscriptions,
    # with the works' numbers kept right and nothing waiting to be mailed.
    from feedback.models import Bookmark, Comment, Kudos, Notification, Subscription, WorkStats

    assert Kudos.objects.filter(user__isnull=True).exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(work__moderated_comments=True, status="published").exists()
    assert (
        Bookmark.objects.filter(private=True).exists()
        and Bookmark.objects.filter(rec=True).exists()
    )
    assert Subscription.objects.filter(creator__isnull=False).exists()
    for stats in WorkStats.objects.all():
        assert stats.kudos_count == Kudos.objects.filter(work_id=stats.work_id).count()
        assert (
            stats.bookmarks_count
            == Bookmark.objects.filter(work_id=stats.work_id, private=False).count()
        )
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert "kudos" in output

    # A co-created work (one co-creator accepted, one invitation still waiting) and gifts.
    from works.models import Creatorship, Gift

    co_created = next(w for w in Work.objects.all() if len(w.creator_pseuds) == 2)
    assert Creatorship.invitations.filter(work=co_created, approved=False).count() == 1
    assert Gift.objects.filter(pseud__isnull=True, recipient_name="my sister June").exists()
    assert Gift.objects.filter(pseud__user__username="lanternfish").exists()
    # A translation, listed under its original.
    from works.models import RelatedStatus, RelatedWork

    translation = RelatedWork.objects.get(kind="translation")
    assert translation.work.language == "fr" and translation.language == "fr"
    assert translation.parent is not None and translation.status == RelatedStatus.APPROVED
    # A few series: one of three parts, one complete, one with a restricted part.
    from works.models import Series

    sizes = {series.title: series.parts.count() for series in Series.objects.all()}
    assert sizes["Letters Never Sent"] == 3
    assert Series.objects.get(title="The Long Winter").complete
    night = Series.objects.get(title="Night Shift")
    assert night.parts.filter(work__restricted=True).exists()
    assert night.parts.filter(work__restricted=False).exists()
    # Each series bookmarked by another author.
    assert {b.series_id for b in Bookmark.objects.filter(series__isnull=False)} == {
        series.pk for series in Series.objects.all()
    }
    # A fest with a few works and a bookmark, and its moderated subcollection with one work
    # approved and one waiting.
    fest = Client().get("/collections/Small_Hours_Fest/works").content.decode()
    assert "5 Works in" in fest  # its own four and its subcollection's approved one
    assert "1 Bookmark" in Client().get("/collections/Small_Hours_Fest/bookmarks").content.decode()
    drabbles = Client().get("/collections/Small_Hours_Drabbles/works").content.decode()
    assert "1 Work in" in drabbles
    # A gift exchange run to its end (every assignment filled with a gift, revealed) and an
    # open prompt meme with a claim and a fill.
    from challenges.models import Assignment, Prompt

    done = Assignment.objects.filter(challenge__collection__name="Lantern_Exchange")
    assert done.count() == 4 and all(a.status == "completed" for a in done)
    assert all(Gift.objects.filter(work=a.work, pseud=a.recipient.pseud).exists() for a in done)
    exchange = Client().get("/collections/Lantern_Exchange/works").content.decode()
    assert "4 Works in" in exchange
    prompts = Client().get("/collections/Midnight_Prompts/prompts").content.decode()
    assert "Snowed in at the station" in prompts and "by Anonymous" in prompts
    assert Prompt.objects.filter(fills__isnull=False).count() == 1
    # A work posted anonymously (a secret gift), by "Anonymous" on its page.
    anonymous = Work.objects.get(anonymous=True)
    page = Client().get(f"/works/{anonymous.pk}").content.decode()
    assert anonymous.creator_pseuds[0].user.username not in page
    # Every fandom is browsed under its media category.
    from lifestream.sample_text import CANONS

    for canon in CANONS:
        fandom = Tag.objects.get(name=canon.fandom)
        assert fandom.canonical
        assert list(fandom.parents.values_list("name", flat=True)) == [canon.media]
    media = Client().get("/media/TV Shows/fandoms").content.decode()
    assert "Starlane Couriers (TV)</a>" in media


def test_a_second_run_leaves_the_archive_alone(db):
    run()
    counts = (Work.objects.count(), Chapter.objects.count(), User.objects.count())

    output = run()

    assert output.strip() == "Archive already has content; leaving it as it is."
    assert (Work.objects.count(), Chapter.objects.count(), User.objects.count()) == counts


def test_an_archive_with_an_account_is_left_alone(db):
    make_user("early_reader")

    run()

    assert not Work.objects.exists()
    assert User.objects.count() == 1


def test_a_superuser_alone_does_not_count_as_content(db):
    make_admin()

    run()

    assert Work.objects.filter(posted=True).count() > 20


def test_quiet_prints_nothing(db):
    assert run("--quiet") == ""
    assert Work.objects.exists()
    assert run("--quiet") == ""


def test_generated_works_are_deterministic():
    assert generated_works(8, seed=3) == generated_works(8, seed=3)
    assert generated_works(8, seed=3) != generated_works(8, seed=4)


def test_the_sample_has_a_work_skin_and_a_public_site_skin(db, settings):
    from works.models import Skin, Work

    run()
    worn = Work.objects.get(title="Dead Reckoning")
    assert worn.skin is not None and worn.skin.css.startswith("#workskin .userstuff > p")
    site = Skin.objects.get(kind="site")
    assert site.public and site.title == "Book Pages"
