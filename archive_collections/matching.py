"""A gift exchange's matching: who can write for whom, then who writes for whom.

Pure and database-free: the challenge's rules and its sign-ups come in as the dataclasses below
(tag ids, participant ids), and answers go out the same way, so the exchange's services load the
rows, call these functions and save what they return.

Potential matches follow the Archive of Our Own's rules for a request and an offer, per tag
kind:

- "any" on either side matches the kind;
- a request that names no tag of the kind matches any offer;
- a request whose tags the offer all covers matches (however many the rules ask for);
- otherwise at least `match` of the requested tags must be covered (`ALL`: every one).

An offered tag covers a requested tag when both are the same canonical tag (synonyms count as
their canonical tag), or when the requested tag is a metatag or parent fandom of the offered one
(a request for a metatag is happy with any of its subtags, as the metatag's listing includes
them; a request for a subtag is not satisfied by its metatag). A giver fits a recipient when
their offers match at least `requests_to_match` of the recipient's requests.

Assignments are then chosen by an assignment algorithm (SciPy's `linear_sum_assignment`, a
Jonker-Volgenant solver) on a giver × recipient matrix whose weights make one more recipient
with a fitting giver worth more than any gain in quality, so the number of recipients who get a
fitting giver is the maximum possible, and among such assignments the total quality is the
largest. A greedy matcher is kept beside it as the benchmark's peer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeAlias

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix

KINDS: Final = ("fandom", "character", "relationship", "freeform")
# "Every requested tag must match" (AO3's ALL), for `KindRule.match` and `Rules.requests_to_match`.
ALL: Final = -1


class _Any:
    """The "any" a participant can choose instead of naming tags of a kind."""

    _instance: _Any | None = None

    def __new__(cls) -> _Any:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ANY"

    def __reduce__(self) -> str:
        return "ANY"


ANY: Final = _Any()

TagChoice: TypeAlias = Collection[int] | _Any
# One request or offer: for each tag kind, the tag ids named, or ANY. A kind left out names none.
Prompt: TypeAlias = Mapping[str, TagChoice]


@dataclass(frozen=True)
class KindRule:
    """What a challenge asks of one tag kind.

    `request_min`..`request_max` and `offer_min`..`offer_max` are how many tags of the kind a
    request or an offer names; `any_allowed` lets it choose "any" instead; `match` is how many
    of a request's tags an offer must cover for a potential match (0: the kind is not
    required, `ALL`: every one); `weight` is what each covered tag adds to a match's quality.
    """

    request_min: int = 0
    request_max: int = 0
    offer_min: int = 0
    offer_max: int = 0
    match: int = 0
    any_allowed: bool = False
    weight: float = 1.0


@dataclass(frozen=True)
class Rules:
    """A gift exchange's sign-up and matching rules.

    `requests_to_match` is how many of a recipient's requests a giver's offers must match
    (`ALL`: every one; never more than the recipient made). `request_weight` is what each
    matched request beyond the first adds to a match's quality.
    """

    kinds: Mapping[str, KindRule] = field(default_factory=dict)
    requests_min: int = 1
    requests_max: int = 1
    offers_min: int = 1
    offers_max: int = 1
    requests_to_match: int = 1
    request_weight: float = 1.0

    def kind(self, kind: str) -> KindRule:
        return self.kinds.get(kind, _NO_RULE)

    @property
    def required_kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind in KINDS if self.kind(kind).match != 0)


_NO_RULE: Final = KindRule()


@dataclass(frozen=True)
class Signup:
    """One participant's sign-up: what they would like to receive and what they can give."""

    participant: int
    requests: Sequence[Prompt] = ()
    offers: Sequence[Prompt] = ()


class TagTree:
    """How tags relate for matching: `synonym_of` maps a tag to the canonical tag it is a
    synonym of, `parents` a tag to its metatags and parent fandoms. Tags in neither are their
    own canonical tag with no parents. Cycles in either mapping are tolerated."""

    def __init__(
        self,
        synonym_of: Mapping[int, int] | None = None,
        parents: Mapping[int, Iterable[int]] | None = None,
    ) -> None:
        self.synonym_of = dict(synonym_of or {})
        self.parents = {tag: tuple(ids) for tag, ids in (parents or {}).items()}
        self._covers: dict[int, frozenset[int]] = {}

    def canonical(self, tag: int) -> int:
        seen = {tag}
        while (merged := self.synonym_of.get(tag)) is not None and merged not in seen:
            seen.add(merged)
            tag = merged
        return tag

    def covers(self, tag: int) -> frozenset[int]:
        """The canonical tags an offer of `tag` satisfies: its own and every ancestor's."""
        if (cached := self._covers.get(tag)) is not None:
            return cached
        found: set[int] = set()
        pending = [tag]
        while pending:
            current = pending.pop()
            for step in (current, self.canonical(current)):
                if step in found:
                    continue
                found.add(step)
                pending.extend(self.parents.get(step, ()))
        result = frozenset(self.canonical(t) for t in found)
        self._covers[tag] = result
        return result


_PLAIN: Final = TagTree()


# -- checking a sign-up against the rules ------------------------------------------------------


@dataclass(frozen=True)
class SignupProblem:
    """Something in a sign-up the rules don't allow. `code` is one of `too_few_requests`,
    `too_many_requests`, `too_few_offers`, `too_many_offers`, `too_few_tags`, `too_many_tags`,
    `any_not_allowed`; `side` is "requests" or "offers"; `index` and `kind` say which prompt
    and tag kind (None for a count of prompts)."""

    code: str
    side: str
    index: int | None = None
    kind: str | None = None


def check_signup(rules: Rules, signup: Signup) -> list[SignupProblem]:
    """What in `signup` breaks the challenge's rules (empty when nothing does)."""
    problems: list[SignupProblem] = []
    sides = (
        ("requests", signup.requests, rules.requests_min, rules.requests_max),
        ("offers", signup.offers, rules.offers_min, rules.offers_max),
    )
    for side, prompts, low, high in sides:
        if len(prompts) < low:
            problems.append(SignupProblem(f"too_few_{side}", side))
        elif len(prompts) > high:
            problems.append(SignupProblem(f"too_many_{side}", side))
        for index, prompt in enumerate(prompts):
            for kind in KINDS:
                rule = rules.kind(kind)
                tags = prompt.get(kind, ())
                least, most = (
                    (rule.request_min, rule.request_max)
                    if side == "requests"
                    else (rule.offer_min, rule.offer_max)
                )
                if isinstance(tags, _Any):
                    if not rule.any_allowed:
                        problems.append(SignupProblem("any_not_allowed", side, index, kind))
                elif len(set(tags)) < least:
                    problems.append(SignupProblem("too_few_tags", side, index, kind))
                elif len(set(tags)) > most:
                    problems.append(SignupProblem("too_many_tags", side, index, kind))
    return problems


# -- potential matches ------------------------------------------------------------------------


@dataclass(frozen=True)
class PairMatch:
    """How well a giver's offers fit a recipient's requests.

    `fits`: at least `requests_to_match` requests are matched. `requests_matched`: how many of
    the recipient's requests some offer matches. `score`: the quality, the weighted count of
    covered tags of the best matching request/offer pair, plus `request_weight` for each
    further matched request (0 when nothing matches). `request` and `offer` are the indexes of
    that best pair (None when no pair matches)."""

    giver: int
    recipient: int
    fits: bool
    requests_matched: int
    score: float
    request: int | None = None
    offer: int | None = None


def _requested(prompt: Prompt, kind: str, tree: TagTree) -> frozenset[int] | _Any:
    tags = prompt.get(kind, ())
    if isinstance(tags, _Any):
        return ANY
    return frozenset(tree.canonical(tag) for tag in tags)


def _offered(prompt: Prompt, kind: str, tree: TagTree) -> frozenset[int] | _Any:
    tags = prompt.get(kind, ())
    if isinstance(tags, _Any):
        return ANY
    return frozenset().union(*(tree.covers(tag) for tag in tags))


def _kind_satisfied(rule: KindRule, requested: frozenset[int], covered: int) -> bool:
    if rule.match == 0 or not requested or covered == len(requested):
        return True
    return rule.match != ALL and covered >= rule.match


def prompt_match(
    rules: Rules, request: Prompt, offer: Prompt, tree: TagTree | None = None
) -> float | None:
    """The weighted count of the request's tags the offer covers, or None when the offer
    doesn't match the request on every required kind."""
    tree = tree or _PLAIN
    score = 0.0
    for kind in KINDS:
        rule = rules.kind(kind)
        requested, offered = _requested(request, kind, tree), _offered(offer, kind, tree)
        if isinstance(requested, _Any) or isinstance(offered, _Any):
            continue
        covered = len(requested & offered)
        if not _kind_satisfied(rule, requested, covered):
            return None
        score += rule.weight * covered
    return score


def _requests_needed(rules: Rules, recipient: Signup) -> int:
    wanted = len(recipient.requests)
    return wanted if rules.requests_to_match == ALL else min(rules.requests_to_match, wanted)


def match_pair(
    rules: Rules, giver: Signup, recipient: Signup, tree: TagTree | None = None
) -> PairMatch:
    """How well `giver`'s offers fit `recipient`'s requests (one pair, in plain Python; the
    whole exchange at once is `potential_matches`). A participant never fits themselves."""
    best: tuple[float, int, int] | None = None
    matched = 0
    for r, request in enumerate(recipient.requests):
        request_best: tuple[float, int] | None = None
        for o, offer in enumerate(giver.offers):
            score = prompt_match(rules, request, offer, tree)
            if score is not None and (request_best is None or score > request_best[0]):
                request_best = (score, o)
        if request_best is not None:
            matched += 1
            if best is None or request_best[0] > best[0]:
                best = (request_best[0], r, request_best[1])
    fits = giver.participant != recipient.participant and matched >= _requests_needed(
        rules, recipient
    )
    score = 0.0 if best is None else best[0] + rules.request_weight * (matched - 1)
    return PairMatch(
        giver=giver.participant,
        recipient=recipient.participant,
        fits=fits,
        requests_matched=matched,
        score=score,
        request=None if best is None else best[1],
        offer=None if best is None else best[2],
    )


@dataclass(frozen=True, eq=False)
class PotentialMatches:
    """Every giver × recipient pair of an exchange. Row and column `i` are
    `participants[i]`; `fits[g, r]` says whether giver `g`'s offers fit recipient `r`'s
    requests, `requests_matched[g, r]` and `score[g, r]` are as in `PairMatch` (the score 0
    where a pair doesn't fit). The diagonal never fits."""

    participants: tuple[int, ...]
    fits: np.ndarray
    score: np.ndarray
    requests_matched: np.ndarray
    _positions: dict[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_positions", {p: i for i, p in enumerate(self.participants)})

    def index(self, participant: int) -> int:
        """The row and column of `participant` (KeyError for someone not signed up)."""
        return self._positions[participant]

    def givers_for(self, recipient: int) -> list[tuple[int, float]]:
        """The participants whose offers fit `recipient`, best first, with their scores."""
        column = self.index(recipient)
        rows = np.flatnonzero(self.fits[:, column])
        order = sorted(rows, key=lambda g: (-self.score[g, column], g))
        return [(self.participants[g], float(self.score[g, column])) for g in order]

    @property
    def stranded(self) -> tuple[int, ...]:
        """Recipients nobody's offers fit."""
        return tuple(self.participants[r] for r in np.flatnonzero(~self.fits.any(axis=0)).tolist())


# Recipients per block when comparing every request with every offer: bounds the memory to
# about (3 requests × BLOCK) × offers floats per kind.
BLOCK: Final = 256


def _tag_matrix(sets: Sequence[frozenset[int] | _Any], columns: dict[int, int]) -> csr_matrix:
    rows, cols = [], []
    for row, tags in enumerate(sets):
        if isinstance(tags, _Any):
            continue
        for tag in tags:
            if (column := columns.get(tag)) is not None:
                rows.append(row)
                cols.append(column)
    data = np.ones(len(rows), dtype=np.float32)
    return csr_matrix((data, (rows, cols)), shape=(len(sets), max(len(columns), 1)))


def potential_matches(
    rules: Rules, signups: Sequence[Signup], tree: TagTree | None = None
) -> PotentialMatches:
    """Every giver × recipient pair of the exchange, as `match_pair` would judge each, computed
    at once: per tag kind, the requests' and offers' tags are sparse matrices whose product
    counts each request/offer pair's covered tags; recipients go in blocks, so memory stays
    bounded whatever the size of the exchange."""
    tree = tree or _PLAIN
    participants = tuple(signup.participant for signup in signups)
    if len(set(participants)) != len(participants):
        raise ValueError("a participant has more than one sign-up")
    n = len(signups)
    requests = [(i, prompt) for i, s in enumerate(signups) for prompt in s.requests]
    offers = [(i, prompt) for i, s in enumerate(signups) for prompt in s.offers]
    request_owner = np.array([i for i, _ in requests], dtype=np.int64)
    offer_owner = np.array([i for i, _ in offers], dtype=np.int64)

    kinds = []
    for kind in KINDS:
        rule = rules.kind(kind)
        wanted = [_requested(prompt, kind, tree) for _, prompt in requests]
        given = [_offered(prompt, kind, tree) for _, prompt in offers]
        columns: dict[int, int] = {}
        for tags in wanted:
            if not isinstance(tags, _Any):
                for tag in tags:
                    columns.setdefault(tag, len(columns))
        if not columns and rule.match == 0:
            continue  # nothing to count and nothing to check
        # How many covered tags each request needs on this kind: all of them, or `match` if
        # fewer; none for "any" or a request naming no tag (their rows cover nothing).
        sizes = np.array([0 if isinstance(t, _Any) else len(t) for t in wanted])
        needs = sizes if rule.match in (0, ALL) else np.minimum(sizes, rule.match)
        offer_any = np.array([isinstance(t, _Any) for t in given], dtype=bool)
        kinds.append(
            (
                rule,
                _tag_matrix(wanted, columns),
                _tag_matrix(given, columns).T.tocsc(),
                needs.astype(np.float32),
                offer_any,
            )
        )

    fits = np.zeros((n, n), dtype=bool)
    score = np.zeros((n, n), dtype=np.float64)
    matched = np.zeros((n, n), dtype=np.int32)
    needed = np.array([_requests_needed(rules, s) for s in signups], dtype=np.int32)
    givers_with_offers = np.unique(offer_owner)
    offer_starts = np.searchsorted(offer_owner, givers_with_offers)
    offer_counts = np.diff(np.append(offer_starts, len(offers)))
    uniform = int(offer_counts[0]) if len(offers) and (offer_counts == offer_counts[0]).all() else 0
    request_counts = np.bincount(request_owner, minlength=n) if requests else np.zeros(n, int)
    uniform_requests = int(request_counts[0]) if (request_counts == request_counts[0]).all() else 0
    request_starts = np.concatenate(([0], np.cumsum(request_counts)))

    if len(offers) and len(requests):
        for first in range(0, n, BLOCK):
            last = min(first + BLOCK, n)
            low, high = request_starts[first], request_starts[last]
            if low == high:
                continue
            # value = 1 + weighted covered tags where the pair matches, 0 where it doesn't
            ok = np.ones((high - low, len(offers)), dtype=bool)
            value = np.ones((high - low, len(offers)), dtype=np.float32)
            for rule, wanted_m, given_t, needs, offer_any in kinds:
                # "any" rows and columns hold no tags, so they cover nothing and add nothing
                covered = (wanted_m[low:high] @ given_t).toarray()
                if rule.match != 0:
                    ok &= (covered >= needs[low:high, None]) | offer_any[None, :]
                if rule.weight != 1:
                    covered *= rule.weight
                value += covered
            value *= ok
            # best offer of each giver for each request, then per recipient of the block
            if uniform:  # every giver made the same number of offers, in order
                per_giver = value[:, ::uniform]
                for nth in range(1, uniform):
                    per_giver = np.maximum(per_giver, value[:, nth::uniform])
            else:
                per_giver = np.maximum.reduceat(value.T, offer_starts, axis=0).T
            owners = request_owner[low:high] - first
            block_recipients = np.unique(owners)
            starts = np.searchsorted(owners, block_recipients)
            if uniform_requests:
                grouped = per_giver.reshape(-1, uniform_requests, per_giver.shape[1])
                best = grouped.max(axis=1)
                count = (grouped > 0).sum(axis=1, dtype=np.int32)
            else:
                best = np.maximum.reduceat(per_giver, starts, axis=0)
                count = np.add.reduceat((per_giver > 0).astype(np.int32), starts, axis=0)
            recipients = block_recipients + first
            cells = np.ix_(givers_with_offers, recipients)
            matched[cells] = count.T
            score[cells] = np.where(
                count.T > 0, best.T - 1 + rules.request_weight * (count.T - 1), 0
            )
    fits[:, :] = matched >= needed[None, :]
    np.fill_diagonal(fits, False)
    score[~fits] = 0
    return PotentialMatches(participants, fits, score, matched)


# -- assignments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """`giver` writes for `recipient`; `fits` says whether the giver's offers fit the
    recipient's requests (False only where a moderator, or `fill_unmatched`, chose so)."""

    giver: int
    recipient: int
    fits: bool = True
    score: float = 0.0


@dataclass(frozen=True)
class Assignments:
    """The outcome of matching.

    `stranded`: recipients nobody's offers fit at all. `unmatched`: recipients left without a
    fitting giver (the stranded among them); with `fill_unmatched` they have a giver whose
    assignment says `fits=False`, without it they have none. `idle_givers`: participants left
    with nobody to write for (only without `fill_unmatched`)."""

    assignments: tuple[Assignment, ...]
    stranded: tuple[int, ...] = ()
    unmatched: tuple[int, ...] = ()
    idle_givers: tuple[int, ...] = ()

    @property
    def fitting(self) -> int:
        """How many recipients have a giver whose offers fit their requests."""
        return sum(1 for a in self.assignments if a.fits)

    @property
    def total_score(self) -> float:
        return float(sum(a.score for a in self.assignments if a.fits))

    @property
    def mutual(self) -> int:
        """How many pairs write for each other (A for B and B for A)."""
        gives = {a.giver: a.recipient for a in self.assignments}
        return sum(1 for g, r in gives.items() if g < r and gives.get(r) == g)


def _result(
    potential: PotentialMatches,
    pairs: Iterable[tuple[int, int]],
    fill_unmatched: bool,
    fits: np.ndarray | None = None,
    kept: Collection[int] = (),
) -> Assignments:
    people = potential.participants
    fits = potential.fits if fits is None else fits
    assignments = []
    given, received = set(), set()
    for g, r in pairs:
        fit = bool(fits[g, r])
        if not fit and not fill_unmatched and g not in kept:
            continue
        assignments.append(
            Assignment(people[g], people[r], fit, float(potential.score[g, r]) if fit else 0.0)
        )
        given.add(g)
        received.add(r)
    assignments.sort(key=lambda a: potential.index(a.recipient))
    fitting = {potential.index(a.recipient) for a in assignments if a.fits}
    return Assignments(
        assignments=tuple(assignments),
        stranded=potential.stranded,
        unmatched=tuple(people[r] for r in range(len(people)) if r not in fitting),
        idle_givers=tuple(people[g] for g in range(len(people)) if g not in given),
    )


def _break_mutual(
    fits: np.ndarray,
    score: np.ndarray,
    allowed: np.ndarray,
    movable: np.ndarray,
    recipient_of: np.ndarray,
) -> None:
    """Where two participants write for each other, swap one's recipient with another giver's
    when both new pairs fit as well as the old ones did and no new mutual pair appears (as
    AO3's generator tries to), choosing the swap that costs the least quality. Only `movable`
    givers change recipients, and only to `allowed` pairs. In place."""
    n = len(recipient_of)
    c = np.arange(n)
    for a in range(n):
        b = recipient_of[a]
        if b < 0 or recipient_of[b] != a or a > b:
            continue
        if not movable[a]:
            a, b = b, a  # break the pair from the other side
            if not movable[a]:
                continue
        # giver c writing for d becomes a -> d and c -> b; d != b keeps a from writing for
        # its own giver, and b writes for a, so c -> b is never mutual.
        d = np.maximum(recipient_of, 0)
        usable = (recipient_of >= 0) & movable & (c != a) & (c != b) & (d != a) & (d != b)
        usable &= allowed[a, d] & allowed[c, b]
        before_fit = fits[a, b].astype(int) + fits[c, d].astype(int)
        after_fit = fits[a, d].astype(int) + fits[c, b].astype(int)
        usable &= after_fit >= before_fit
        if not usable.any():
            continue
        loss = np.where(usable, score[a, b] + score[c, d] - score[a, d] - score[c, b], np.inf)
        best = int(np.argmin(loss))
        recipient_of[a], recipient_of[best] = recipient_of[best], b


def _pair_indexes(
    potential: PotentialMatches, pairs: Iterable[tuple[int, int]], what: str
) -> list[tuple[int, int]]:
    try:
        found = [(potential.index(g), potential.index(r)) for g, r in pairs]
    except KeyError as error:
        raise ValueError(f"{what}: participant {error.args[0]} has not signed up") from None
    return found


def assign(
    potential: PotentialMatches,
    *,
    fill_unmatched: bool = False,
    avoid_mutual: bool = True,
    keep: Iterable[tuple[int, int]] = (),
    forbid: Iterable[tuple[int, int]] = (),
) -> Assignments:
    """Who writes for whom: every participant gives at most one gift and receives at most one,
    nobody writes for themselves, the number of recipients with a fitting giver is the largest
    possible, and among those assignments the total score is the largest.

    Recipients no giver can fit are reported (`stranded`, `unmatched`). With `fill_unmatched`
    everyone gives and receives exactly one (for two or more participants): the unmatched get
    the left-over givers, flagged `fits=False`. With `avoid_mutual`, pairs writing for each
    other are broken up where that keeps everyone's fit (at some cost in score).

    A moderator re-running the matching can `keep` pairs (giver, recipient) they settled by
    hand, which stay as they are, fitting or not, and `forbid` pairs that must never be made.
    Raises ValueError for a kept pair that writes for themselves or gives or receives twice,
    a participant not signed up, or, with `fill_unmatched`, when the forbidden pairs leave no
    way to give everyone a giver."""
    n = len(potential.participants)
    kept = _pair_indexes(potential, keep, "keep")
    banned = _pair_indexes(potential, forbid, "forbid")
    kept_givers = {g for g, _ in kept}
    kept_recipients = {r for _, r in kept}
    if len(kept_givers) < len(kept) or len(kept_recipients) < len(kept):
        raise ValueError("keep: a participant gives or receives twice")
    if any(g == r for g, r in kept):
        raise ValueError("keep: a participant would write for themselves")
    if n < 2:
        return _result(potential, (), fill_unmatched)
    allowed = ~np.eye(n, dtype=bool)
    for g, r in banned:
        allowed[g, r] = False
    fits = potential.fits & allowed
    score = potential.score
    recipient_of = np.full(n, -1, dtype=np.int64)
    for g, r in kept:
        recipient_of[g] = r
    rows = np.array([g for g in range(n) if g not in kept_givers], dtype=np.int64)
    columns = np.array([r for r in range(n) if r not in kept_recipients], dtype=np.int64)
    if len(rows):
        sub_fits = fits[np.ix_(rows, columns)]
        sub_score = score[np.ix_(rows, columns)]
        # One more fitting pair must outweigh any total of scores: n pairs of at most `top`.
        top = float(sub_score.max())
        weight = np.where(sub_fits, top * n + 1.0 + sub_score, 0.0)
        # Without filling, a pair that doesn't fit is dropped anyway, so a pair that may not
        # be made only has to weigh less than one that may; with filling it must be avoided.
        weight[~allowed[np.ix_(rows, columns)]] = -np.inf if fill_unmatched else -1.0
        try:
            givers, recipients = linear_sum_assignment(weight, maximize=True)
        except ValueError:
            raise ValueError(
                "forbid: no assignment gives everyone a giver without a forbidden pair"
            ) from None
        recipient_of[rows[givers]] = columns[recipients]
    if avoid_mutual:
        movable = np.ones(n, dtype=bool)
        movable[list(kept_givers)] = False
        _break_mutual(fits, score, allowed, movable, recipient_of)
    return _result(potential, enumerate(recipient_of.tolist()), fill_unmatched, fits, kept_givers)


def assign_greedily(potential: PotentialMatches, *, fill_unmatched: bool = False) -> Assignments:
    """The benchmark's peer: recipients in order of how few givers fit them (fewest first, as
    a careful moderator would), each taking the best-scoring fitting giver still free. Fast,
    and it strands recipients whose only givers were taken earlier."""
    n = len(potential.participants)
    if n < 2:
        return _result(potential, (), fill_unmatched)
    fits, score = potential.fits, potential.score
    options = fits.sum(axis=0)
    free = np.ones(n, dtype=bool)
    recipient_of = np.full(n, -1, dtype=np.int64)
    for r in np.argsort(options, kind="stable").tolist():
        candidates = np.flatnonzero(fits[:, r] & free)
        if len(candidates):
            g = int(candidates[np.argmax(score[candidates, r])])
            recipient_of[g] = r
            free[g] = False
    if fill_unmatched:
        _fill_rest(recipient_of)
    return _result(potential, enumerate(recipient_of.tolist()), fill_unmatched)


def _fill_rest(recipient_of: np.ndarray) -> None:
    """Give the left-over givers the left-over recipients, nobody themselves. In place."""
    n = len(recipient_of)
    givers = np.flatnonzero(recipient_of < 0).tolist()
    taken = set(recipient_of[recipient_of >= 0].tolist())
    left = [r for r in range(n) if r not in taken]
    for g, r in zip(givers, left, strict=True):
        recipient_of[g] = r
    for g in givers:
        if recipient_of[g] != g:
            continue
        # swap recipients with any other giver who doesn't then write for themselves
        for other in range(n):
            if other != g and recipient_of[other] != g:
                recipient_of[g], recipient_of[other] = recipient_of[other], g
                break


# -- what a moderator does by hand ------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentProblem:
    """Something wrong in a hand-edited set of assignments. `code` is one of `self`
    (writes for themselves), `duplicate` (the same pair twice), `gives_twice`,
    `receives_twice`, `gives_none`, `receives_none`, `not_signed_up`, or, with potential
    matches given, `does_not_fit` (a warning a moderator may accept)."""

    code: str
    participant: int
    other: int | None = None


def check_assignments(
    participants: Iterable[int],
    assignments: Iterable[tuple[int | None, int | None]],
    potential: PotentialMatches | None = None,
) -> list[AssignmentProblem]:
    """What is wrong with `assignments` (pairs of giver and recipient; None marks the
    placeholder of a participant still without one): every participant should give exactly one
    and receive exactly one, never to themselves. Empty when nothing is."""
    people = list(dict.fromkeys(participants))
    known = set(people)
    problems: list[AssignmentProblem] = []
    gives: dict[int, int] = defaultdict(int)
    receives: dict[int, int] = defaultdict(int)
    seen: set[tuple[int, int]] = set()
    for giver, recipient in assignments:
        for person in (giver, recipient):
            if person is not None and person not in known:
                problems.append(AssignmentProblem("not_signed_up", person))
        if giver is None or recipient is None:
            continue
        if giver == recipient:
            problems.append(AssignmentProblem("self", giver))
        if (giver, recipient) in seen:
            problems.append(AssignmentProblem("duplicate", giver, recipient))
            continue
        seen.add((giver, recipient))
        gives[giver] += 1
        receives[recipient] += 1
        if (
            potential is not None
            and giver != recipient
            and giver in known
            and recipient in known
            and not potential.fits[potential.index(giver), potential.index(recipient)]
        ):
            problems.append(AssignmentProblem("does_not_fit", giver, recipient))
    for person in people:
        if gives[person] > 1:
            problems.append(AssignmentProblem("gives_twice", person))
        elif gives[person] == 0:
            problems.append(AssignmentProblem("gives_none", person))
        if receives[person] > 1:
            problems.append(AssignmentProblem("receives_twice", person))
        elif receives[person] == 0:
            problems.append(AssignmentProblem("receives_none", person))
    return problems


def swap_recipients(
    assignments: Sequence[Assignment],
    giver_a: int,
    giver_b: int,
    potential: PotentialMatches,
) -> tuple[Assignment, ...]:
    """The assignments with the recipients of `giver_a` and `giver_b` exchanged (so the two
    recipients exchange givers too); the two new assignments say whether they fit. Raises
    ValueError for a giver with no assignment, or when the swap would have someone write for
    themselves."""
    by_giver = {a.giver: a for a in assignments}
    if giver_a not in by_giver or giver_b not in by_giver:
        raise ValueError("both givers must have an assignment")
    first, second = by_giver[giver_a], by_giver[giver_b]
    if giver_a == second.recipient or giver_b == first.recipient:
        raise ValueError("the swap would have a participant write for themselves")

    def rebuilt(giver: int, recipient: int) -> Assignment:
        g, r = potential.index(giver), potential.index(recipient)
        fits = bool(potential.fits[g, r])
        return Assignment(giver, recipient, fits, float(potential.score[g, r]) if fits else 0.0)

    swapped = {
        giver_a: rebuilt(giver_a, second.recipient),
        giver_b: rebuilt(giver_b, first.recipient),
    }
    return tuple(swapped.get(a.giver, a) for a in assignments)


@dataclass(frozen=True)
class PinchHitter:
    """A volunteer who could cover a defaulted assignment, and how well they fit."""

    participant: int
    fits: bool
    requests_matched: int
    score: float
    load: int


def pinch_hitters(
    rules: Rules,
    recipient: Signup,
    volunteers: Iterable[Signup],
    tree: TagTree | None = None,
    *,
    load: Mapping[int, int] | None = None,
    max_load: int = 2,
    exclude: Collection[int] = (),
    only_fitting: bool = True,
) -> list[PinchHitter]:
    """Volunteers who could write for `recipient` after their giver defaulted, best first:
    those whose offers fit before those who don't (left out with `only_fitting`), then more
    requests matched, higher score, fewer assignments already held. The recipient, anyone in
    `exclude` (the defaulter) and anyone already holding `max_load` assignments (`load`) are
    left out."""
    load = load or {}
    ranked = []
    for volunteer in volunteers:
        person = volunteer.participant
        held = load.get(person, 0)
        if person == recipient.participant or person in exclude or held >= max_load:
            continue
        pair = match_pair(rules, volunteer, recipient, tree)
        if only_fitting and not pair.fits:
            continue
        ranked.append(PinchHitter(person, pair.fits, pair.requests_matched, pair.score, held))
    ranked.sort(key=lambda p: (not p.fits, -p.requests_matched, -p.score, p.load, p.participant))
    return ranked
