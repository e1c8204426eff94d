"""Benchmark: a gift exchange's matching, the assignment algorithm against a greedy pass.

    .venv/bin/python -m bench.matching            # --signups 2000 --seed 2026

Needs no archive. A seeded exchange is generated: fandoms of Zipf-distributed popularity, each
with its own Zipf-popular characters; every participant makes 3 requests and 3 offers (a
fandom and 1-3 characters each; offers from the fandoms they asked for about half the time,
"any" characters now and then), some naming a character by a synonym or asking for a fandom's
metatag, which the tag tree resolves as the archive's wrangling would. The rules are a
Yuletide-like exchange: an offer matches a request when it has the fandom and at least one of
the characters.

It times the potential matches (every giver × recipient pair at once, and, as their peer,
`match_pair` in plain Python over a sample of recipients, scaled to the whole exchange), the
assignment (`assign`) and the greedy matcher (`assign_greedily`) on the same potential
matches, and counts how many participants receive a giver whose offers fit on every required
kind. Figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import numpy as np

from archive_collections.matching import (
    ANY,
    Assignments,
    KindRule,
    Prompt,
    Rules,
    Signup,
    TagTree,
    assign,
    assign_greedily,
    match_pair,
    potential_matches,
)
from bench.filters import write_section

BEGIN, END = "<!-- matching:begin -->", "<!-- matching:end -->"

RULES = Rules(
    kinds={
        "fandom": KindRule(1, 1, 1, 1, match=1, weight=1.0),
        "character": KindRule(1, 3, 1, 3, match=1, any_allowed=True, weight=1.0),
    },
    requests_min=3,
    requests_max=3,
    offers_min=3,
    offers_max=3,
    requests_to_match=1,
)

# Two exchanges: (name, fandoms, Zipf exponent of their popularity). A multi-fandom exchange of
# popular fandoms, and a rare-fandom one (Yuletide-like: many fandoms, a flat tail).
EXCHANGES = (
    ("popular fandoms", 400, 1.05),
    ("rare fandoms", 1500, 0.5),
)
CHARACTER_BASE = 100_000  # character c of fandom f is CHARACTER_BASE + f * 100 + c
SYNONYM_BASE = 1_000_000  # a synonym of tag t is SYNONYM_BASE + t


def zipf_weights(count: int, exponent: float) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


def exchange(
    signups: int, seed: int, fandom_count: int, exponent: float
) -> tuple[list[Signup], TagTree]:
    """Seeded sign-ups and their tag tree. Fandom ids run from 1, their metatags (a tenth as
    many) after them."""
    rng = random.Random(seed)
    fandoms = list(range(1, fandom_count + 1))
    fandom_weights = zipf_weights(fandom_count, exponent)
    metatags = max(1, fandom_count // 10)
    cast = {f: rng.randint(4, 30) for f in fandoms}
    metatag = {f: fandom_count + 1 + rng.randrange(metatags) for f in fandoms if rng.random() < 0.3}
    synonym_of: dict[int, int] = {}
    parents = {f: [m] for f, m in metatag.items()}

    def characters(fandom: int, count: int) -> set[int]:
        pool = [CHARACTER_BASE + fandom * 100 + c for c in range(cast[fandom])]
        chosen: set[int] = set()
        weights = zipf_weights(len(pool), 1.2)
        while len(chosen) < min(count, len(pool)):
            chosen.add(rng.choices(pool, weights)[0])
        return chosen

    def named(tag: int) -> int:
        # a tenth of the tags are typed as a synonym the wranglers merged into the canonical
        if rng.random() < 0.1:
            synonym_of[SYNONYM_BASE + tag] = tag
            return SYNONYM_BASE + tag
        return tag

    people = []
    for person in range(1, signups + 1):
        liked = rng.choices(fandoms, fandom_weights, k=3)
        requests: list[Prompt] = []
        for fandom in liked:
            asked = fandom
            if fandom in metatag and rng.random() < 0.1:
                asked = metatag[fandom]  # "anything in this franchise"
                requests.append({"fandom": {asked}, "character": ANY})
                continue
            wanted = characters(fandom, rng.randint(1, 3))
            requests.append({"fandom": {named(fandom)}, "character": {named(c) for c in wanted}})
        offers: list[Prompt] = []
        for fandom in (
            liked[i] if rng.random() < 0.5 else rng.choices(fandoms, fandom_weights)[0]
            for i in range(3)
        ):
            if rng.random() < 0.1:
                offers.append({"fandom": {named(fandom)}, "character": ANY})
            else:
                offered = characters(fandom, rng.randint(1, 3))
                offers.append({"fandom": {named(fandom)}, "character": {named(c) for c in offered}})
        people.append(Signup(person, tuple(requests), tuple(offers)))
    return people, TagTree(synonym_of, parents)


T = TypeVar("T")


def timed(function: Callable[[], T], runs: int) -> tuple[T, float]:
    """The result and the median time in seconds of `runs` calls."""
    samples = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return result, samples[len(samples) // 2]  # type: ignore[return-value]


def pair_by_pair(recipients: list[Signup], givers: list[Signup], tree: TagTree) -> int:
    """The peer of `potential_matches`: `match_pair` for each pair, in plain Python."""
    return sum(
        match_pair(RULES, giver, recipient, tree).fits
        for recipient in recipients
        for giver in givers
    )


def describe(result: Assignments, total: int) -> str:
    share = 100 * result.fitting / total
    return (
        f"{result.fitting:,} / {total:,} ({share:.1f} %) | {len(result.unmatched):,} "
        f"| {result.total_score:,.0f} | {result.mutual:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signups", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each step")
    parser.add_argument("--sample", type=int, default=20, help="recipients for the Python peer")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    machine = f"{platform.machine()}, Python {platform.python_version()}"
    times: list[str] = []
    quality: list[str] = []
    exchanges: list[str] = []
    for number, (name, fandom_count, exponent) in enumerate(EXCHANGES):
        signups, tree = exchange(args.signups, args.seed, fandom_count, exponent)
        n = len(signups)
        potential, potential_time = timed(
            partial(potential_matches, RULES, signups, tree), args.runs
        )
        optimal, optimal_time = timed(partial(assign, potential), args.runs)
        plain, plain_time = timed(partial(assign, potential, avoid_mutual=False), args.runs)
        greedy, greedy_time = timed(partial(assign_greedily, potential), args.runs)
        pairs = int(potential.fits.sum())
        options = int(np.median(potential.fits.sum(axis=0)))
        exchanges.append(
            f"  - {name}: {fandom_count:,} fandoms, Zipf exponent {exponent}; "
            f"{pairs:,} fitting giver × recipient pairs ({100 * pairs / (n * (n - 1)):.2f} %), "
            f"a median of {options:,} fitting givers a recipient, "
            f"{len(potential.stranded):,} recipients nobody can write for."
        )
        if number == 0:
            sample = signups[: args.sample]
            _, python_time = timed(partial(pair_by_pair, sample, signups, tree), 1)
            python_whole = python_time * n / len(sample)
            times.append(
                f"| {name} | {potential_time:.2f} s | {python_whole:.0f} s "
                f"| {optimal_time:.2f} s | {plain_time:.2f} s | {greedy_time:.3f} s |"
            )
        else:
            times.append(
                f"| {name} | {potential_time:.2f} s | – "
                f"| {optimal_time:.2f} s | {plain_time:.2f} s | {greedy_time:.3f} s |"
            )
        quality += [
            f"| {name} | assignment algorithm | {describe(optimal, n)} |",
            f"| {name} | assignment algorithm, mutual pairs kept | {describe(plain, n)} |",
            f"| {name} | greedy | {describe(greedy, n)} |",
        ]
        print(name, "done", flush=True)

    section = "\n".join(
        [
            BEGIN,
            f"## Gift exchange matching ({args.signups:,} sign-ups, 3 requests and 3 offers each)",
            "",
            f"- Machine: {machine}, 2 cores shared with other jobs during the run.",
            f"- Exchanges generated with seed {args.seed} (`bench/matching.py`): fandoms of "
            "Zipf popularity with Zipf-popular characters, a tenth of the tags typed as "
            "synonyms, some requests for a metatag with any characters, some offers of any "
            "characters; an offer matches a request with the fandom and one of its characters.",
            *exchanges,
            f"- Median of {args.runs} runs. Potential matches: every pair at once "
            "(`potential_matches`); its peer is `match_pair`, pair by pair in plain Python, "
            f"over {args.sample} recipients × every giver, scaled to the whole exchange. "
            "Assignment: `assign` (`linear_sum_assignment`, then breaking up pairs who would "
            "write for each other), without that step, and the greedy peer "
            "(`assign_greedily`: fewest fitting givers first, each taking the best free one).",
            "- Rerun: `.venv/bin/python -m bench.matching`.",
            "",
            "| exchange | potential matches | peer: pair by pair | assign | assign, mutual kept "
            "| peer: greedy |",
            "|---|---:|---:|---:|---:|---:|",
            *times,
            "",
            "| exchange | matcher | recipients with a fitting giver | without | total score "
            "| mutual pairs |",
            "|---|---|---|---:|---:|---:|",
            *quality,
            END,
        ]
    )
    print(section)
    if not args.no_write:
        write_section(section, BEGIN, END)


if __name__ == "__main__":
    main()
