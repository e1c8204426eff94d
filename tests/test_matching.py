"""A gift exchange's matching engine (`archive_collections.matching`): which givers fit which
recipients, as AO3 judges a request and an offer, and assignments that give the most
recipients a fitting giver, checked against hand-made exchanges and brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_collections import matching
from archive_collections.matching import (
    ALL,
    ANY,
    Assignment,
    KindRule,
    Rules,
    Signup,
    TagTree,
    assign,
    assign_greedily,
    check_assignments,
    check_signup,
    match_pair,
    pinch_hitters,
    potential_matches,
    swap_recipients,
)

# Fandoms 1-99, characters 100-199.
FANDOM_ONLY = Rules(
    kinds={
        "fandom": KindRule(1, 1, 1, 2, match=1, any_allowed=True),
        "character": KindRule(0, 3, 0, 3, match=0),
    },
    requests_max=3,
    offers_max=3,
)


def signup(person, requests=(), offers=()):
    return Signup(person, tuple(requests), tuple(offers))


def fandom(*ids, characters=()):
    return {"fandom": set(ids), "character": set(characters)}


def fitting(result):
    return {(a.giver, a.recipient) for a in result.assignments if a.fits}


def test_greedy_strands_a_recipient_the_optimum_matches():
    # A can be written for by X (sharing a character) or Y; B only by X or W; C only by W.
    # The greedy pass serves C first (fewest options), then gives A its best giver, X, and
    # has nobody left for B; the assignment algorithm gives A to Y and B to X.
    a, b, c, x, y, w = 1, 2, 3, 4, 5, 6
    signups = [
        signup(a, [fandom(1, characters=[100])], [fandom(7)]),
        signup(b, [fandom(2)], [fandom(8)]),
        signup(c, [fandom(3)], [fandom(9)]),
        signup(x, [fandom(7)], [fandom(1, 2, characters=[100])]),
        signup(y, [fandom(8)], [fandom(1)]),
        signup(w, [fandom(9)], [fandom(2, 3)]),
    ]
    potential = potential_matches(FANDOM_ONLY, signups)
    assert potential.givers_for(a) == [(x, 2.0), (y, 1.0)]  # X shares the character too
    assert potential.givers_for(c) == [(w, 1.0)]
    assert FANDOM_ONLY.required_kinds == ("fandom",)
    greedy = assign_greedily(potential)
    optimal = assign(potential)

    assert greedy.unmatched == (b,)
    assert greedy.fitting == 5
    assert optimal.unmatched == ()
    assert fitting(optimal) == {(y, a), (x, b), (w, c), (a, x), (b, y), (c, w)}
    assert optimal.stranded == ()


def test_the_optimum_prefers_the_better_scoring_of_equally_complete_assignments():
    # Both givers fit both recipients; one way round shares two characters, the other none.
    r1, r2, g1, g2 = 1, 2, 3, 4
    signups = [
        signup(r1, [fandom(1, characters=[100, 101])], [fandom(5)]),
        signup(r2, [fandom(1)], [fandom(6)]),
        signup(g1, [fandom(6)], [fandom(1, characters=[100, 101])]),
        signup(g2, [fandom(5)], [fandom(1)]),
    ]
    potential = potential_matches(FANDOM_ONLY, signups)
    result = assign(potential)
    assert fitting(result) == {(g1, r1), (g2, r2), (r2, g1), (r1, g2)}
    assert result.total_score == pytest.approx(3 + 1 + 1 + 1)


def test_any_on_either_side_matches_the_kind():
    requests_any = signup(1, [{"fandom": ANY}], [fandom(1)])
    offers_any = signup(2, [fandom(5)], [{"fandom": ANY}])
    specific = signup(3, [fandom(1, characters=[100])], [fandom(6)])
    signups = [requests_any, offers_any, specific]
    potential = potential_matches(FANDOM_ONLY, signups)

    assert match_pair(FANDOM_ONLY, specific, requests_any).fits  # ANY is requested
    assert match_pair(FANDOM_ONLY, offers_any, specific).fits  # ANY is offered
    assert not match_pair(FANDOM_ONLY, requests_any, offers_any).fits  # 1 offered, 5 asked
    # "any" fits but adds nothing to the quality
    assert match_pair(FANDOM_ONLY, specific, requests_any).score == 0
    assert potential.fits[potential.index(2), potential.index(3)]
    assert potential.fits[potential.index(3), potential.index(1)]
    assert not potential.fits[potential.index(1), potential.index(2)]


def test_synonyms_count_as_their_canonical_tag():
    tree = TagTree(synonym_of={11: 10, 12: 11})  # 12 -> 11 -> 10
    wants_synonym = signup(1, [fandom(12)], [fandom(3)])
    offers_canonical = signup(2, [fandom(3)], [fandom(10)])
    assert match_pair(FANDOM_ONLY, offers_canonical, wants_synonym, tree).fits
    assert not match_pair(FANDOM_ONLY, offers_canonical, wants_synonym).fits
    potential = potential_matches(FANDOM_ONLY, [wants_synonym, offers_canonical], tree)
    assert potential.fits[1, 0]
    assert potential.score[1, 0] == pytest.approx(1.0)


def test_a_request_for_a_metatag_takes_its_subtags_but_not_the_reverse():
    marvel, mcu, comics = 20, 21, 22
    tree = TagTree(parents={mcu: [marvel], comics: [marvel]})
    wants_marvel = signup(1, [fandom(marvel)], [fandom(mcu)])
    wants_mcu = signup(2, [fandom(mcu)], [fandom(comics)])
    offers_marvel = signup(3, [fandom(comics)], [fandom(marvel)])
    signups = [wants_marvel, wants_mcu, offers_marvel]

    assert match_pair(FANDOM_ONLY, wants_mcu, wants_marvel, tree).fits  # comics is Marvel
    assert not match_pair(FANDOM_ONLY, offers_marvel, wants_mcu, tree).fits  # Marvel isn't MCU
    potential = potential_matches(FANDOM_ONLY, signups, tree)
    index = potential.index
    assert potential.fits[index(2), index(1)]
    assert not potential.fits[index(3), index(2)]
    assert potential.fits[index(1), index(2)]  # MCU offered, MCU asked


def test_parents_are_followed_through_synonyms_and_cycles():
    tree = TagTree(synonym_of={31: 30}, parents={30: [40], 40: [41], 41: [40]})
    assert tree.covers(31) == frozenset({30, 40, 41})
    assert tree.covers(41) == frozenset({40, 41})
    assert tree.canonical(31) == 30


def test_match_counts_all_and_requests_without_tags():
    rules = Rules(kinds={"character": KindRule(0, 3, 0, 3, match=2)})
    wants_three = signup(1, [{"character": {100, 101, 102}}])
    wants_one = signup(2, [{"character": {100}}])
    wants_none = signup(3, [{}])
    two_of_them = signup(4, offers=[{"character": {100, 101}}])
    nothing = signup(5, offers=[{"character": {150}}])

    assert match_pair(rules, two_of_them, wants_three).fits  # 2 of 3, 2 needed
    assert match_pair(rules, two_of_them, wants_one).fits  # every requested tag covered
    assert match_pair(rules, nothing, wants_none).fits  # asked for none: anything fits
    assert not match_pair(rules, nothing, wants_one).fits

    every = Rules(kinds={"character": KindRule(0, 3, 0, 3, match=ALL)})
    assert not match_pair(every, two_of_them, wants_three).fits
    assert match_pair(every, two_of_them, wants_one).fits


def test_requests_to_match_counts_the_recipients_requests():
    recipient = signup(1, [fandom(1), fandom(2), fandom(3)])
    one = signup(2, offers=[fandom(1)])
    two = signup(3, offers=[fandom(1), fandom(2, 9)])
    two_needed = Rules(kinds=FANDOM_ONLY.kinds, requests_max=3, offers_max=3, requests_to_match=2)
    every = Rules(kinds=FANDOM_ONLY.kinds, requests_max=3, offers_max=3, requests_to_match=ALL)

    assert match_pair(FANDOM_ONLY, one, recipient).fits
    assert not match_pair(two_needed, one, recipient).fits
    pair = match_pair(two_needed, two, recipient)
    assert pair.fits
    assert pair.requests_matched == 2
    assert pair.score == pytest.approx(1 + 1)  # the best pair's fandom, one more request
    assert not match_pair(every, two, recipient).fits


def test_nobody_writes_for_themselves():
    # Each offers exactly what they request: the only fitting giver is themselves.
    signups = [signup(p, [fandom(p)], [fandom(p)]) for p in (1, 2, 3)]
    potential = potential_matches(FANDOM_ONLY, signups)
    assert not potential.fits.any()
    assert potential.stranded == (1, 2, 3)

    result = assign(potential, fill_unmatched=True)
    assert all(a.giver != a.recipient and not a.fits for a in result.assignments)
    assert sorted(a.recipient for a in result.assignments) == [1, 2, 3]
    assert sorted(a.giver for a in result.assignments) == [1, 2, 3]


def test_the_stranded_are_reported_and_filled_only_when_asked():
    signups = [
        signup(1, [fandom(1)], [fandom(2)]),
        signup(2, [fandom(2)], [fandom(1)]),
        signup(3, [fandom(50)], [fandom(1, 2)]),  # nobody offers fandom 50
    ]
    potential = potential_matches(FANDOM_ONLY, signups)
    assert potential.stranded == (3,)

    strict = assign(potential)
    assert strict.stranded == (3,)
    assert strict.unmatched == (3,)
    assert 3 not in {a.recipient for a in strict.assignments}
    assert len(strict.idle_givers) == 1
    assert all(a.fits for a in strict.assignments)

    filled = assign(potential, fill_unmatched=True)
    (for_three,) = [a for a in filled.assignments if a.recipient == 3]
    assert not for_three.fits
    assert for_three.giver != 3
    assert filled.unmatched == (3,)
    assert filled.idle_givers == ()
    assert filled.fitting == 2


def test_mutual_pairs_are_broken_up_when_everyone_keeps_a_fitting_giver():
    # Everyone offers and requests the same fandom: any derangement fits everyone.
    signups = [signup(p, [fandom(1)], [fandom(1)]) for p in range(1, 5)]
    potential = potential_matches(FANDOM_ONLY, signups)
    result = assign(potential)
    assert result.fitting == 4
    assert result.mutual == 0


def test_a_single_participant_is_stranded():
    potential = potential_matches(FANDOM_ONLY, [signup(1, [fandom(1)], [fandom(1)])])
    result = assign(potential, fill_unmatched=True)
    assert result.assignments == ()
    assert result.unmatched == (1,)
    assert result.idle_givers == (1,)


def test_a_participant_signs_up_once():
    with pytest.raises(ValueError, match="more than one sign-up"):
        potential_matches(FANDOM_ONLY, [signup(1), signup(1)])


def test_check_signup_names_what_breaks_the_rules():
    rules = Rules(
        kinds={
            "fandom": KindRule(1, 1, 1, 2, match=1, any_allowed=False),
            "character": KindRule(0, 2, 0, 2, any_allowed=True),
        },
        requests_min=1,
        requests_max=2,
        offers_min=1,
        offers_max=1,
    )
    good = signup(1, [fandom(1, characters=[100])], [{"fandom": {2}, "character": ANY}])
    assert check_signup(rules, good) == []

    bad = signup(
        2,
        [{"fandom": ANY}, fandom(1, 2), fandom()],
        [],
    )
    codes = {(p.code, p.side, p.index, p.kind) for p in check_signup(rules, bad)}
    assert codes == {
        ("too_many_requests", "requests", None, None),
        ("any_not_allowed", "requests", 0, "fandom"),
        ("too_many_tags", "requests", 1, "fandom"),
        ("too_few_tags", "requests", 2, "fandom"),
        ("too_few_offers", "offers", None, None),
    }


def test_check_assignments_names_each_mistake():
    people = [1, 2, 3, 4]
    assert check_assignments(people, [(1, 2), (2, 3), (3, 4), (4, 1)]) == []

    problems = check_assignments(people, [(1, 1), (2, 3), (2, 3), (2, 4), (3, 9), (None, 2)])
    found = {(p.code, p.participant, p.other) for p in problems}
    assert found == {
        ("self", 1, None),
        ("duplicate", 2, 3),
        ("not_signed_up", 9, None),
        ("gives_twice", 2, None),
        ("gives_none", 4, None),
        ("receives_none", 2, None),
    }

    twice = check_assignments(people, [(1, 2), (2, 1), (3, 1), (4, 3), (None, 4)])
    assert {(p.code, p.participant) for p in twice} == {("receives_twice", 1), ("receives_none", 4)}


def test_check_assignments_warns_of_a_giver_who_does_not_fit():
    signups = [
        signup(1, [fandom(1)], [fandom(2)]),
        signup(2, [fandom(2)], [fandom(1)]),
        signup(3, [fandom(1)], [fandom(9)]),
    ]
    potential = potential_matches(FANDOM_ONLY, signups)
    problems = check_assignments([1, 2, 3], [(1, 2), (2, 3), (3, 1)], potential)
    assert {(p.code, p.participant, p.other) for p in problems} == {("does_not_fit", 3, 1)}


def test_swap_exchanges_two_givers_recipients_and_says_whether_they_fit():
    signups = [
        signup(1, [fandom(1)], [fandom(2)]),
        signup(2, [fandom(2)], [fandom(3)]),
        signup(3, [fandom(3)], [fandom(1)]),
        signup(4, [fandom(2)], [fandom(2)]),
    ]
    potential = potential_matches(FANDOM_ONLY, signups)
    current = (
        Assignment(1, 3, False),
        Assignment(2, 4, False),
        Assignment(3, 1, True, 1.0),
        Assignment(4, 2, True, 1.0),
    )
    swapped = swap_recipients(current, 1, 2, potential)
    assert [(a.giver, a.recipient, a.fits, a.score) for a in swapped] == [
        (1, 4, True, 1.0),
        (2, 3, True, 1.0),
        (3, 1, True, 1.0),
        (4, 2, True, 1.0),
    ]
    back = swap_recipients(swapped, 2, 1, potential)
    assert [(a.giver, a.recipient, a.fits) for a in back] == [
        (1, 3, False),
        (2, 4, False),
        (3, 1, True),
        (4, 2, True),
    ]


def test_swap_refuses_a_self_assignment_and_unknown_givers():
    signups = [signup(p, [fandom(1)], [fandom(1)]) for p in (1, 2, 3, 4)]
    potential = potential_matches(FANDOM_ONLY, signups)
    current = (Assignment(1, 2), Assignment(2, 3), Assignment(3, 4), Assignment(4, 1))
    with pytest.raises(ValueError, match="themselves"):
        swap_recipients(current, 1, 2, potential)  # 2 would write for 2
    with pytest.raises(ValueError, match="assignment"):
        swap_recipients(current, 1, 7, potential)
    swapped = swap_recipients(current, 1, 3, potential)
    assert [(a.giver, a.recipient) for a in swapped] == [(1, 4), (2, 3), (3, 2), (4, 1)]


def test_pinch_hitters_are_ranked_by_fit_then_quality_then_load():
    recipient = signup(1, [fandom(1, characters=[100, 101]), fandom(2)])
    volunteers = [
        signup(1, offers=[fandom(1)]),  # the recipient themselves
        signup(2, offers=[fandom(1, characters=[100, 101])]),  # the defaulter
        signup(3, offers=[fandom(1)]),
        signup(4, offers=[fandom(1, characters=[100]), fandom(2)]),
        signup(5, offers=[fandom(1, characters=[100, 101])]),  # at their limit
        signup(6, offers=[fandom(1)]),
        signup(7, offers=[fandom(8)]),  # offers nothing that fits
    ]
    load = {3: 1, 5: 2, 6: 0}
    ranked = pinch_hitters(FANDOM_ONLY, recipient, volunteers, load=load, exclude={2})
    assert [p.participant for p in ranked] == [4, 6, 3]
    assert ranked[0].requests_matched == 2
    assert ranked[0].score == pytest.approx(2 + 1)  # fandom and a character, one more request

    everyone = pinch_hitters(
        FANDOM_ONLY, recipient, volunteers, load=load, exclude={2}, only_fitting=False
    )
    assert [p.participant for p in everyone] == [4, 6, 3, 7]
    assert not everyone[-1].fits


def test_blocks_give_the_same_answer_as_one_pass(monkeypatch):
    rng = np.random.default_rng(7)
    signups = [
        signup(
            p,
            [fandom(int(rng.integers(1, 6)), characters=[int(rng.integers(100, 104))])],
            [fandom(int(rng.integers(1, 6)), characters=[int(rng.integers(100, 104))])],
        )
        for p in range(30)
    ]
    whole = potential_matches(FANDOM_ONLY, signups)
    monkeypatch.setattr(matching, "BLOCK", 4)
    blocked = potential_matches(FANDOM_ONLY, signups)
    assert (whole.fits == blocked.fits).all()
    assert np.allclose(whole.score, blocked.score)


# -- properties -------------------------------------------------------------------------------

tag_choice = st.one_of(
    st.just(ANY), st.frozensets(st.integers(0, 5), max_size=3).map(lambda s: set(s))
)
prompt = st.fixed_dictionaries({"fandom": tag_choice, "character": tag_choice})
rule_strategy = st.builds(
    lambda fandom_match, character_match, to_match, weight: Rules(
        kinds={
            "fandom": KindRule(0, 3, 0, 3, match=fandom_match),
            "character": KindRule(0, 3, 0, 3, match=character_match, weight=weight),
        },
        requests_max=3,
        offers_max=3,
        requests_to_match=to_match,
    ),
    st.sampled_from([0, 1, 2, ALL]),
    st.sampled_from([0, 1, ALL]),
    st.sampled_from([0, 1, 2, ALL]),
    st.sampled_from([0.5, 1.0, 2.0]),
)


@st.composite
def exchanges(draw, max_people=7):
    n = draw(st.integers(2, max_people))
    # Either everyone makes the same number of requests and of offers (as most challenges
    # require, and computed by a faster path) or each their own.
    same = draw(st.booleans())
    requests = st.lists(prompt, min_size=(k := draw(st.integers(1, 3))), max_size=k)
    offers = st.lists(prompt, min_size=(m := draw(st.integers(1, 3))), max_size=m)
    if not same:
        requests = offers = st.lists(prompt, max_size=3)
    signups = [
        Signup(person, tuple(draw(requests)), tuple(draw(offers)))
        for person in draw(st.permutations(range(100, 100 + n)))
    ]
    tree = TagTree(synonym_of={5: 4}, parents={3: [2], 2: [1]})
    return draw(rule_strategy), signups, tree


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(exchanges())
def test_all_pairs_at_once_agree_with_each_pair_alone(exchange):
    rules, signups, tree = exchange
    potential = potential_matches(rules, signups, tree)
    for g, giver in enumerate(signups):
        for r, recipient in enumerate(signups):
            pair = match_pair(rules, giver, recipient, tree)
            assert potential.fits[g, r] == pair.fits
            assert potential.requests_matched[g, r] == pair.requests_matched
            expected = pair.score if pair.fits else 0
            assert potential.score[g, r] == pytest.approx(expected, abs=1e-4)


@FAST
@given(exchanges(), st.booleans())
def test_assignments_are_a_derangement_and_beat_greedy(exchange, avoid_mutual):
    rules, signups, tree = exchange
    potential = potential_matches(rules, signups, tree)
    people = sorted(s.participant for s in signups)
    filled = assign(potential, fill_unmatched=True, avoid_mutual=avoid_mutual)
    assert sorted(a.giver for a in filled.assignments) == people
    assert sorted(a.recipient for a in filled.assignments) == people
    assert all(a.giver != a.recipient for a in filled.assignments)
    for a in filled.assignments:
        assert a.fits == potential.fits[potential.index(a.giver), potential.index(a.recipient)]

    strict = assign(potential, avoid_mutual=avoid_mutual)
    assert all(a.fits for a in strict.assignments)
    assert len({a.giver for a in strict.assignments}) == len(strict.assignments)
    assert len({a.recipient for a in strict.assignments}) == len(strict.assignments)
    assert strict.fitting == filled.fitting
    assert set(strict.stranded) <= set(strict.unmatched)

    greedy = assign_greedily(potential, fill_unmatched=True)
    assert sorted(a.recipient for a in greedy.assignments) == people
    assert all(a.giver != a.recipient for a in greedy.assignments)
    assert filled.fitting >= greedy.fitting
    assert check_assignments(people, [(a.giver, a.recipient) for a in filled.assignments]) == []


@settings(max_examples=60, deadline=None)
@given(exchanges(max_people=6))
def test_the_matched_count_is_the_best_any_derangement_reaches(exchange):
    rules, signups, tree = exchange
    potential = potential_matches(rules, signups, tree)
    n = len(signups)
    best = max(
        sum(bool(potential.fits[g, r]) for g, r in enumerate(order))
        for order in itertools.permutations(range(n))
        if all(g != r for g, r in enumerate(order))
    )
    assert assign(potential).fitting == best
    assert assign(potential, avoid_mutual=False).fitting == best


def test_a_rerun_keeps_the_pairs_a_moderator_settled_and_never_makes_forbidden_ones():
    # Everyone fits everyone but themselves.
    signups = [signup(p, [fandom(1)], [fandom(1)]) for p in range(1, 6)]
    potential = potential_matches(FANDOM_ONLY, signups)
    result = assign(potential, keep=[(1, 2), (2, 1)], forbid=[(3, 4), (5, 3)])
    # 3 can write only for 5 (not themselves, not 4), so 5 for 4 (not 3) and 4 for 3; the
    # kept pairs stay, though they write for each other.
    assert {(a.giver, a.recipient) for a in result.assignments} == {
        (1, 2),
        (2, 1),
        (3, 5),
        (5, 4),
        (4, 3),
    }
    assert result.fitting == 5


def test_a_kept_pair_that_does_not_fit_stays_flagged():
    signups = [
        signup(1, [fandom(1)], [fandom(2)]),
        signup(2, [fandom(2)], [fandom(1)]),
        signup(3, [fandom(1)], [fandom(9)]),
    ]
    potential = potential_matches(FANDOM_ONLY, signups)
    result = assign(potential, keep=[(3, 1)])
    kept = [a for a in result.assignments if a.giver == 3]
    assert kept == [Assignment(3, 1, fits=False)]
    assert (1, 2) in fitting(result)


def test_forbidden_pairs_that_leave_no_way_round_are_refused_only_when_filling():
    signups = [signup(p, [fandom(1)], [fandom(1)]) for p in (1, 2)]
    potential = potential_matches(FANDOM_ONLY, signups)
    with pytest.raises(ValueError, match="forbid"):
        assign(potential, fill_unmatched=True, forbid=[(1, 2)])
    partial = assign(potential, forbid=[(1, 2)])
    assert [(a.giver, a.recipient) for a in partial.assignments] == [(2, 1)]
    assert partial.unmatched == (2,)


@pytest.mark.parametrize(
    ("keep", "message"),
    [([(1, 1)], "themselves"), ([(1, 2), (1, 3)], "twice"), ([(1, 9)], "not signed up")],
)
def test_kept_pairs_must_make_sense(keep, message):
    signups = [signup(p, [fandom(1)], [fandom(1)]) for p in (1, 2, 3)]
    potential = potential_matches(FANDOM_ONLY, signups)
    with pytest.raises(ValueError, match=message):
        assign(potential, keep=keep)


@FAST
@given(exchanges(), st.data())
def test_kept_pairs_stay_and_forbidden_pairs_never_appear(exchange, data):
    rules, signups, tree = exchange
    potential = potential_matches(rules, signups, tree)
    people = [s.participant for s in signups]
    pairs = [(g, r) for g in people for r in people if g != r]
    forbid = data.draw(st.lists(st.sampled_from(pairs), max_size=len(pairs) // 2, unique=True))
    allowed = [p for p in pairs if p not in forbid]
    keep = data.draw(st.lists(st.sampled_from(allowed), max_size=1)) if allowed else []
    result = assign(potential, keep=keep, forbid=forbid)
    made = [(a.giver, a.recipient) for a in result.assignments]
    assert set(keep) <= set(made)
    assert not set(made) & set(forbid)
    assert len({g for g, _ in made}) == len(made) == len({r for _, r in made})
    assert all(a.fits for a in result.assignments if (a.giver, a.recipient) not in keep)
