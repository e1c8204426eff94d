"""The full-text engine: query language, tokenizer, and the contract both text backends keep.

Every test that touches the database runs unchanged on SQLite (FTS5) and, with DATABASE_URL,
on PostgreSQL (tsvector): the behaviour is the contract, not the engine.
"""

from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifestream.testing import make_work
from people.models import Pseud
from search import text
from search.indexing import schedule_reindex
from search.text.documents import WorkDocument
from search.text.query import And, Filter, Not, Or, Term, parse, positive_terms
from search.text.tokens import tokens
from tags.models import Tag
from works.models import Work
from works.services import ChapterData, add_chapter, delete_work, post_draft

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")

HOSTILE = [
    "",
    " ",
    '"',
    '"""',
    '"unbalanced quote',
    "-",
    "- -",
    "--",
    '-"',
    "OR",
    "OR OR",
    "cloud OR",
    "OR cloud",
    "AND",
    "NOT",
    "NOT NOT",
    "NEAR(cloud tifa, 2)",
    "cloud NEAR tifa",
    "^cloud",
    "cloud^",
    "*",
    "**",
    "c*",
    "*cloud",
    ":",
    "title:",
    'title:"',
    "title:(",
    "fandom:",
    "words>",
    "words>abc",
    "kudos:1-",
    "((((((((((((((((((((((((((((((((((((((((cloud",
    ")))))))",
    "(",
    "()",
    "{title}: cloud",
    "title : cloud",
    "col:cloud",
    "rowid:1",
    "'; DROP TABLE works_work; --",
    "' OR 1=1 --",
    "!cloud & tifa | zack <-> aerith",
    "cloud:* & !tifa",
    "\\",
    "\x00",
    "\ue000",
    "\ue000 cloud \ue000",
    "空を見上げ",
    "クラウド・ストライフ",
    "🌟✨💫",
    "cloud " * 2000,
    "x" * 10_000,
    '"' * 10_000,
    "-" * 10_000,
    "(" * 10_000,
]


def search(query: str) -> set[int]:
    return set(text.matching_work_ids(parse(query).text).tolist())


def ids(*works: Work) -> set[int]:
    return {work.pk for work in works}


def index(*works: Work) -> None:
    text.index_works([work.pk for work in works])


# --- tokenizer ----------------------------------------------------------------------------------


def test_tokens_fold_case_diacritics_and_width():
    assert tokens("Café ÜBER Straße ｃｌｏｕｄ") == ["cafe", "uber", "strasse", "cloud"]


def test_tokens_split_cjk_characters_and_keep_marks_of_other_scripts():
    assert tokens("空を見上げ") == ["空", "を", "見", "上", "げ"]
    assert tokens("हिन्दी") == ["हिन्दी"]


def test_tokens_drop_absurdly_long_runs():
    assert tokens("a " + "x" * 500 + " b") == ["a", "b"]


# --- query language -----------------------------------------------------------------------------


def test_words_are_anded():
    assert parse("cloud tifa").text == And((Term(("cloud",)), Term(("tifa",))))


def test_phrase_and_exclusions():
    assert parse('"the planet" -sephiroth -"black materia"').text == And(
        (
            Term(("the", "planet")),
            Not(Term(("sephiroth",))),
            Not(Term(("black", "materia"))),
        )
    )


def test_or_binds_tighter_than_and():
    assert parse("cloud OR tifa zack").text == And(
        (Or((Term(("cloud",)), Term(("tifa",)))), Term(("zack",)))
    )


def test_parentheses_group():
    assert parse("(cloud tifa) OR zack").text == Or(
        (And((Term(("cloud",)), Term(("tifa",)))), Term(("zack",)))
    )


def test_prefix_needs_two_characters():
    assert parse("reac*").text == Term(("reac",), prefix=True)
    assert parse("r*").text == Term(("r",))


def test_field_operators():
    parsed = parse('title:cloud summary:"the planet" notes:x creators:bob author:ann tag:angst*')
    assert parsed.text == And(
        (
            Term(("cloud",), field="title"),
            Term(("the", "planet"), field="summary"),
            Term(("x",), field="notes"),
            Term(("bob",), field="creators"),
            Term(("ann",), field="creators"),
            Term(("angst",), prefix=True, field="tags"),
        )
    )


def test_field_applies_to_a_group():
    assert parse("title:(cloud OR tifa)").text == Or(
        (Term(("cloud",), field="title"), Term(("tifa",), field="title"))
    )


def test_parser_returns_numeric_boolean_and_tag_filters():
    parsed = parse(
        "cloud words>1000 words<500 words:100-200 kudos>=50 hits:>10 comments>1 bookmarks>2"
        " chapters>3 complete:true restricted:F single_chapter:true expected_number_of_chapters:1"
        ' otp:true fandom:"Final Fantasy VII" character:Cloud -relationship:"Cloud/Tifa"'
        " freeform:Angst rating:Explicit language:en"
    )
    assert parsed.text == Term(("cloud",))
    assert parsed.filters == (
        Filter("words", "gt", 1000),
        Filter("words", "lt", 500),
        Filter("words", "range", (100, 200)),
        Filter("kudos", "gte", 50),
        Filter("hits", "gt", 10),
        Filter("comments", "gt", 1),
        Filter("bookmarks", "gt", 2),
        Filter("chapters", "gt", 3),
        Filter("complete", "eq", True),
        Filter("restricted", "eq", False),
        Filter("single_chapter", "eq", True),
        Filter("expected_number_of_chapters", "eq", 1),
        Filter("otp", "eq", True),
        Filter("fandom", "eq", "Final Fantasy VII"),
        Filter("character", "eq", "Cloud"),
        Filter("relationship", "eq", "Cloud/Tifa", exclude=True),
        Filter("freeform", "eq", "Angst"),
        Filter("rating", "eq", "Explicit"),
        Filter("language", "eq", "en"),
    )


def test_malformed_filters_are_dropped():
    assert parse("words>many complete:maybe fandom:").is_empty


def test_engine_syntax_is_just_words():
    assert parse("cloud NEAR tifa ^zack").text == And(
        (Term(("cloud",)), Term(("near",)), Term(("tifa",)), Term(("zack",)))
    )


def test_positive_terms_skip_negated_ones():
    assert positive_terms(parse("cloud -tifa (zack -aerith)").text) == [
        Term(("cloud",)),
        Term(("zack",)),
    ]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_parses(query):
    parse(query)


@given(st.text())
def test_any_text_parses(query):
    parsed = parse(query)
    assert parsed.text is None or isinstance(parsed.text, Term | And | Or | Not)


# --- the contract, on the database in use ------------------------------------------------------


@pytest.fixture
def library(author):
    """Four posted works and a draft, indexed."""
    works = {
        "reactor": make_work(
            author,
            title="Mako Dreams",
            summary="A story of the planet.",
            body="<p>The reactor hummed under the city of Midgar. Tifa poured a drink.</p>",
            characters=["Tifa Lockhart"],
        ),
        "flowers": make_work(
            author,
            title="Flower Girl",
            summary="Aerith sells flowers.",
            body="<p>Aerith sold flowers in the church. The planet was dying.</p>",
            characters=["Aerith Gainsborough"],
        ),
        "sword": make_work(
            author,
            title="The Buster Sword",
            notes="Thanks to my beta reader.",
            body="<p>Zack gave Cloud the sword. Sephiroth watched from the flames.</p>",
            freeforms=["Angst"],
        ),
        "clouds": make_work(
            author,
            title="Clouds over Nibelheim",
            body="<p>Cloud remembered the reactor at Nibelheim and the black materia.</p>",
        ),
        "draft": make_work(
            author, draft=True, title="Secret Draft", body="<p>Unfinished reactor scene.</p>"
        ),
    }
    index(*works.values())
    return works


def test_all_words_must_match(library):
    assert search("reactor") == ids(library["reactor"], library["clouds"])
    assert search("reactor tifa") == ids(library["reactor"])
    assert search("reactor aerith") == set()


def test_words_match_across_fields_and_chapters(author):
    work = make_work(author, title="Lifestream", body="<p>First part.</p>", chapters=2)
    index(work)
    # "lifestream" is in the title, "chapter" only in the second chapter's text.
    assert search("lifestream chapter") == ids(work)


def test_exact_phrase(library):
    assert search('"the planet"') == ids(library["reactor"], library["flowers"])
    assert search('"planet the"') == set()
    assert search('"black materia"') == ids(library["clouds"])


def test_exclusion(library):
    assert search("reactor -tifa") == ids(library["clouds"])
    assert search('reactor -"black materia"') == ids(library["reactor"])
    assert search("NOT tifa reactor") == ids(library["clouds"])


def test_exclusion_alone_means_every_other_work(library):
    everything = ids(*(work for key, work in library.items() if key != "draft"))
    assert search("-reactor") == everything - ids(library["reactor"], library["clouds"])


def test_or(library):
    assert search("tifa OR aerith") == ids(library["reactor"], library["flowers"])
    assert search("(tifa OR aerith) church") == ids(library["flowers"])
    assert search("zack OR -reactor") == search("-reactor")


def test_prefix(library):
    assert search("reac*") == ids(library["reactor"], library["clouds"])
    assert search("nibel*") == ids(library["clouds"])
    assert search('"buster sw"*') == ids(library["sword"])


def test_field_operators_restrict_the_match(library, author):
    assert search("planet") == ids(library["reactor"], library["flowers"])
    assert search("summary:planet") == ids(library["reactor"])
    assert search("title:sword") == ids(library["sword"])
    assert search("sword") == ids(library["sword"])
    assert search("title:reactor") == set()
    assert search("notes:beta") == ids(library["sword"])
    assert search("title:beta") == set()
    assert search('title:"buster sword"') == ids(library["sword"])
    assert search("tag:angst") == ids(library["sword"])
    assert search('tag:"tifa lockhart"') == ids(library["reactor"])
    assert search("tag:tifa OR title:flower") == ids(library["reactor"], library["flowers"])
    assert search("creators:cloud_author") == ids(*list(library.values())[:4])
    assert search("title:clo*") == ids(library["clouds"])


def test_creator_pseud_and_login_match(author):
    pseud = Pseud.objects.create(user=author, name="Strife Writer")
    work = make_work(author, pseuds=[pseud], title="Plain Title")
    index(work)
    assert search("strife writer") == ids(work)
    assert search('creators:"strife writer"') == ids(work)
    assert search("creators:cloud_author") == ids(work)
    assert search("creators:plain") == set()


def test_synonym_matches_by_its_canonical_name(author):
    work = make_work(author, characters=["Tifa L."])
    canonical = Tag.objects.create(kind="character", name="Tifa Lockhart", canonical=True)
    Tag.objects.filter(name="Tifa L.").update(merger=canonical)
    index(work)
    assert search('"tifa lockhart"') == ids(work)
    assert search('tag:"tifa lockhart"') == ids(work)


def test_draft_works_and_draft_chapters_never_match(author, library):
    assert search("unfinished") == set()
    work = library["reactor"]
    add_chapter(work, ChapterData(body="<p>A hidden epilogue about chocobos.</p>"), post=False)
    index(work)
    assert search("chocobos") == set()
    assert search("reactor tifa") == ids(work)


def test_posting_a_draft_makes_it_searchable(library):
    draft = library["draft"]
    post_draft(draft)
    index(draft)
    assert search("unfinished") == ids(draft)


def test_restricted_works_are_indexed(author):
    work = make_work(author, restricted=True, body="<p>Members only moogle.</p>")
    index(work)
    assert search("moogle") == ids(work)


def test_removed_and_deleted_works_leave_the_index(library):
    text.remove_works([library["reactor"].pk])
    assert search("tifa") == set()
    work_id = library["flowers"].pk
    delete_work(library["flowers"])
    text.index_works([work_id])
    assert search("aerith") == set()


def test_reindexing_replaces_the_old_text(author):
    work = make_work(author, body="<p>Old words here.</p>")
    index(work)
    work.chapters.update(body="<p>New words here.</p>")
    index(work)
    assert search("old") == set()
    assert search("new") == ids(work)


def test_schedule_reindex_runs_at_commit(author, django_capture_on_commit_callbacks):
    work = make_work(author, body="<p>Posted with a hook.</p>")
    with django_capture_on_commit_callbacks(execute=True):
        schedule_reindex(work.pk)
        assert search("hook") == set()
    assert search("hook") == ids(work)


def test_title_match_ranks_above_body_match(author):
    in_body = make_work(author, title="Nothing Much", body="<p>The chocobo ran away.</p>")
    in_title = make_work(author, title="Chocobo Races", body="<p>They ran.</p>")
    index(in_body, in_title)
    ranked = text.ranked(parse("chocobo").text)
    assert [work_id for work_id, _ in ranked] == [in_title.pk, in_body.pk]
    assert ranked[0][1] > ranked[1][1]


def test_tag_match_ranks_above_body_match(author):
    in_body = make_work(author, title="One", body="<p>A moogle appeared.</p>")
    in_tags = make_work(author, title="Two", body="<p>Nothing.</p>", freeforms=["Moogle"])
    index(in_body, in_tags)
    ranked = text.ranked(parse("moogle").text)
    assert [work_id for work_id, _ in ranked] == [in_tags.pk, in_body.pk]


def test_ranked_keeps_to_candidates_and_pages(library):
    query = parse("the").text
    everything = text.ranked(query, limit=100)
    assert len(everything) == 4
    allowed = np.array([library["sword"].pk, library["flowers"].pk, 999_999], dtype=np.int64)
    assert {work_id for work_id, _ in text.ranked(query, allowed)} == ids(
        library["sword"], library["flowers"]
    )
    assert text.ranked(query, [], limit=10) == []
    pages = text.ranked(query, limit=2) + text.ranked(query, limit=2, offset=2)
    assert pages == everything


def test_ranked_exclusion_only_and_empty_query(library):
    assert {work_id for work_id, _ in text.ranked(parse("-reactor").text)} == search("-reactor")
    assert len(text.ranked(None, limit=100)) == 4


def test_snippet_is_escaped_and_marked(author):
    work = make_work(
        author,
        body="<p>Before &lt;script&gt;alert('the reactor')&lt;/script&gt; &amp; after.</p>",
    )
    index(work)
    query = parse("reactor").text
    snippet = text.snippets(query, [work.pk])[work.pk]
    assert "<script>" not in snippet.html
    assert "&lt;script&gt;" in snippet.html
    assert "<mark>reactor</mark>" in snippet.html
    assert snippet.html.count("<mark>") == 1


def test_snippet_comes_from_the_best_chapter(author):
    work = make_work(author, body="<p>Cloud alone.</p>", chapters=3)
    chapter = add_chapter(work, ChapterData(body="<p>Cloud and Tifa at the bar.</p>"), post=True)
    index(work)
    snippet = text.snippets(parse("cloud tifa").text, [work.pk])[work.pk]
    assert (snippet.chapter_id, snippet.chapter_position) == (chapter.pk, 4)
    assert snippet.html == "<mark>Cloud</mark> and <mark>Tifa</mark> at the bar."


def test_snippet_marks_phrases_and_prefixes_with_context(author):
    words = " ".join(f"w{number}" for number in range(100))
    work = make_work(author, body=f"<p>{words} the black materia glowed {words}</p>")
    index(work)
    snippet = text.snippets(parse('"black materia" glow*').text, [work.pk])[work.pk]
    assert "<mark>black materia</mark> <mark>glowed</mark>" in snippet.html
    assert snippet.html.startswith("…") and snippet.html.endswith("…")


def test_no_snippet_for_drafts_or_meta_only_matches(library):
    snippets = text.snippets(parse("unfinished OR mako").text, ids(*library.values()))
    assert snippets == {}


def test_cjk_search(author):
    work = make_work(author, title="空", body="<p>彼は空を見上げた。星が綺麗だった。</p>")
    other = make_work(author, title="別", body="<p>見上げる空がない。</p>")
    index(work, other)
    assert search("空を見上げ") == ids(work)
    assert search("見上げ") == ids(work, other)
    assert search('"星が"') == ids(work)
    snippet = text.snippets(parse("空を見上げ").text, [work.pk])[work.pk]
    assert "<mark>空を見上げ</mark>" in snippet.html


def test_case_and_diacritics_do_not_matter(author):
    work = make_work(author, body="<p>The CAFÉ on Straße Street.</p>")
    index(work)
    assert search("cafe") == ids(work)
    assert search("Café strasse") == ids(work)


def test_phrases_do_not_cross_tags_or_chapters(author):
    work = make_work(
        author, body="<p>It ends with mako</p>", chapters=2, freeforms=["Angst", "Fluff"]
    )
    add_chapter(work, ChapterData(body="<p>energy begins here</p>"), post=True)
    index(work)
    assert search('"angst fluff"') == set()
    assert search('"mako energy"') == set()
    assert search("mako energy") == ids(work)


def test_phrase_deep_in_a_long_work(author):
    filler = " ".join(f"the word{number % 700} and the" for number in range(3000))
    work = make_work(author, body=f"<p>{filler} the planet cried {filler}</p>")
    index(work)
    assert search('"the planet cried"') == ids(work)
    assert search('"planet the cried"') == set()


def test_operator_words_are_searched_as_words(author):
    work = make_work(author, body="<p>Cloud and Tifa were not near the reactor, or so.</p>")
    index(work)
    assert search("cloud NEAR reactor") == ids(work)
    assert search("cloud AND tifa") == ids(work)
    assert search('"were not near"') == ids(work)


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(library, query):
    parsed = parse(query)
    assert isinstance(text.matching_work_ids(parsed.text), np.ndarray)
    assert isinstance(text.ranked(parsed.text, limit=5), list)
    assert isinstance(text.snippets(parsed.text, ids(*library.values())), dict)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text())
def test_any_text_searches_without_error(library, query):
    parsed = parse(query)
    found = text.matching_work_ids(parsed.text)
    assert found.dtype == np.int64
    assert isinstance(text.ranked(parsed.text, limit=5), list)
    assert isinstance(text.snippets(parsed.text, found.tolist()), dict)


def test_rebuild_command_indexes_posted_works_only(library):
    text.remove_works(ids(*library.values()))
    stale = 987_654
    text.get_backend().replace([WorkDocument(work_id=stale, title="ghost")], [])
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue().startswith("Indexed 4 works in ")
    assert search("reactor") == ids(library["reactor"], library["clouds"])
    assert search("ghost") == set()
    assert set(text.get_backend().indexed_ids().tolist()) == ids(
        *(work for key, work in library.items() if key != "draft")
    )


def test_the_database_has_a_real_text_backend(db):
    # Guard against a vendor silently falling back to the null backend in CI.
    assert text.get_backend().vendor in {"sqlite", "postgresql"}
