"""The benchmark archive generator writes what the services would have written."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Max, Min, Q, Sum

from bench.generator import SHORT_TEXT_WORDS
from lifestream.core.text import count_words
from people.models import Pseud, User
from tags.models import FIXED_TAGS, Tag, TagKind, TagParent
from works.models import Chapter, Creatorship, Work

WORKS = 300
SEED = 20240601
WorkTag = Work.tags.through


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_archive", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def archive(db):
    return generate("--works", str(WORKS), "--seed", str(SEED), "--chapters-text", "full")


def test_makes_the_works_asked_for_and_reports_them(archive):
    assert Work.objects.count() == WORKS
    assert f"Works:      {WORKS:,}" in archive
    assert "Done in" in archive


def test_chapters_are_numbered_from_one_without_gaps(archive):
    works = Work.objects.annotate(
        chapters_total=Count("chapters"),
        first=Min("chapters__position"),
        last=Max("chapters__position"),
    )
    for work in works:
        assert work.chapters_total >= 1
        assert (work.first, work.last) == (1, work.chapters_total)


def test_word_and_chapter_counts_are_the_posted_chapters_sums(archive):
    # As the services keep them: the posted chapters of a posted work, all chapters of a draft.
    posted = Work.objects.filter(posted=True).annotate(
        words=Sum("chapters__word_count", filter=Q(chapters__posted=True)),
        counted=Count("chapters", filter=Q(chapters__posted=True)),
    )
    for work in posted:
        assert work.word_count == work.words
        assert work.chapter_count == work.counted
    drafts = Work.objects.filter(posted=False).annotate(
        words=Sum("chapters__word_count"), counted=Count("chapters")
    )
    for work in drafts:
        assert work.word_count == work.words
        assert work.chapter_count == work.counted
    assert not Chapter.objects.filter(work__posted=False, posted=True).exists()
    assert not Work.objects.filter(expected_chapters__lt=F("chapter_count")).exists()


def test_word_counts_are_realistic(archive):
    counts = sorted(Work.objects.values_list("word_count", flat=True))
    median = counts[len(counts) // 2]
    assert 1_000 < median < 8_000
    assert counts[-1] <= 200_000
    single = Work.objects.filter(chapter_count=1).count()
    assert single > WORKS / 2
    assert Work.objects.aggregate(most=Max("chapter_count"))["most"] <= 30


def test_full_text_has_exactly_the_counted_words(archive):
    for chapter in Chapter.objects.order_by("id")[:40]:
        assert count_words(chapter.body) == chapter.word_count
        assert chapter.body.startswith("<p>")


def test_short_text_keeps_the_opening_and_the_real_word_count(db):
    generate("--works", "60", "--seed", "3", "--chapters-text", "short")
    chapters = list(Chapter.objects.all())
    assert any(chapter.word_count > SHORT_TEXT_WORDS for chapter in chapters)
    for chapter in chapters:
        assert count_words(chapter.body) == min(chapter.word_count, SHORT_TEXT_WORDS)


def test_every_work_has_one_rating_a_warning_a_fandom_and_a_creator(archive):
    works = Work.objects.annotate(
        ratings=Count("tags", filter=Q(tags__kind=TagKind.RATING), distinct=True),
        warnings=Count("tags", filter=Q(tags__kind=TagKind.WARNING), distinct=True),
        fandoms=Count("tags", filter=Q(tags__kind=TagKind.FANDOM), distinct=True),
        creators=Count("creatorships", distinct=True),
    )
    for work in works:
        assert work.ratings == 1
        assert work.warnings >= 1
        assert 1 <= work.fandoms <= 3
        assert work.creators >= 1
    assert not WorkTag.objects.filter(tag__kind=TagKind.MEDIA).exists()
    assert Work.objects.filter(language="en").count() > WORKS * 0.75


def test_user_kinds_are_spread(archive):
    for kind in (TagKind.RELATIONSHIP, TagKind.CHARACTER, TagKind.FREEFORM):
        assert WorkTag.objects.filter(tag__kind=kind).exists(), kind
    per_work = Work.objects.annotate(
        characters=Count("tags", filter=Q(tags__kind=TagKind.CHARACTER)),
        freeforms=Count("tags", filter=Q(tags__kind=TagKind.FREEFORM)),
    )
    assert max(work.characters for work in per_work) <= 9  # eight plus a stray unwrangled one
    assert max(work.freeforms for work in per_work) <= 17


def test_synonyms_point_at_canonical_tags_of_their_kind(archive):
    synonyms = Tag.objects.filter(merger__isnull=False).select_related("merger")
    assert synonyms.exists()
    for tag in synonyms:
        merger = tag.merger
        assert merger is not None
        assert not tag.canonical
        assert merger.canonical
        assert merger.merger_id is None
        assert merger.kind == tag.kind
    share = synonyms.count() / Tag.objects.exclude(pk__in=[t[0] for t in FIXED_TAGS]).count()
    assert 0.08 < share < 0.25
    # Authors use them: some works are tagged with a synonym.
    assert WorkTag.objects.filter(tag__merger__isnull=False).exists()


def test_parent_links_join_canonical_tags_sensibly(archive):
    links = TagParent.objects.select_related("child", "parent")
    metatag_links = [link for link in links if link.child.kind == link.parent.kind]
    assert metatag_links
    allowed: dict[str, set[str]] = {
        TagKind.CHARACTER: {TagKind.CHARACTER, TagKind.FANDOM},
        TagKind.RELATIONSHIP: {TagKind.RELATIONSHIP, TagKind.FANDOM},
        TagKind.FREEFORM: {TagKind.FREEFORM, TagKind.FANDOM},
        TagKind.FANDOM: {TagKind.FANDOM, TagKind.MEDIA},
    }
    for link in links:
        assert link.child.canonical and link.parent.canonical
        assert link.parent.kind in allowed[link.child.kind]
    # Canonical characters and relationships belong to a fandom.
    for kind in (TagKind.CHARACTER, TagKind.RELATIONSHIP):
        orphans = Tag.objects.filter(kind=kind, canonical=True).exclude(
            parent_links__parent__kind=TagKind.FANDOM
        )
        assert not orphans.exists()
    # A tag has at most one metatag, so the metatag graph is a forest without loops.
    counts = (
        TagParent.objects.filter(parent__kind=F("child__kind"))
        .values("child")
        .annotate(n=Count("id"))
    )
    assert all(row["n"] == 1 for row in counts)


def test_unwrangled_tags_are_neither_canonical_nor_synonyms(archive):
    unwrangled = Tag.objects.filter(canonical=False, merger__isnull=True)
    assert unwrangled.exists()
    assert not TagParent.objects.filter(
        Q(child__canonical=False) | Q(parent__canonical=False)
    ).exists()
    assert not Tag.objects.filter(unwrangleable=True, canonical=True).exists()


def test_fixed_tags_keep_their_ids(archive):
    for tag_id, kind, name, _ in FIXED_TAGS:
        tag = Tag.objects.get(pk=tag_id)
        assert (tag.kind, tag.name, tag.canonical) == (kind, name, True)
    assert not Tag.objects.filter(kind__in=[TagKind.RATING, TagKind.WARNING, TagKind.CATEGORY])[
        len(FIXED_TAGS) :
    ].exists()


def test_drafts_and_restricted_works_are_a_small_share(archive):
    drafts = Work.objects.filter(posted=False).count()
    restricted = Work.objects.filter(restricted=True).count()
    assert drafts <= WORKS * 0.05
    assert WORKS * 0.01 <= restricted <= WORKS * 0.12


def test_dates_are_ordered(archive):
    for work in Work.objects.all():
        assert work.revised_at.date() >= work.published_on
        assert work.created_at <= work.revised_at
    assert not Chapter.objects.filter(position=1).exclude(published_on=F("work__published_on"))
    oldest = Work.objects.aggregate(first=Min("published_on"))["first"]
    newest = Work.objects.aggregate(last=Max("published_on"))["last"]
    assert (newest - oldest).days > 365 * 5


def test_people_have_a_default_pseud_and_credit_their_own_works(archive):
    users = User.objects.annotate(defaults=Count("pseuds", filter=Q(pseuds__is_default=True)))
    assert users.count() >= 5
    assert all(user.defaults == 1 for user in users)
    assert not Pseud.objects.filter(is_default=True).exclude(name=F("user__username")).exists()
    assert Creatorship.objects.filter(position=0).count() == WORKS


def test_the_works_listing_renders(archive, client):
    response = client.get("/works")
    assert response.status_code == 200


def test_refuses_an_archive_with_works_unless_appending(archive):
    with pytest.raises(CommandError, match="already has works"):
        generate("--works", "5")
    generate("--works", "20", "--seed", "2", "--append")
    assert Work.objects.count() == WORKS + 20
    names = Tag.objects.values_list("name", flat=True)
    assert len({name.lower() for name in names}) == len(names)
