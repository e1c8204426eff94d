"""Benchmark: tag-filtered listings with facet counts, the filter index against the ORM.

Run against an archive made by `manage.py generate_archive` (see bench/README.md):

    LIFESTREAM_DATA_DIR=var/bench .venv/bin/python -m bench.filters --runs 200

Cases, each timed for the filter index (what the site runs: match, sort, page, facets, and the
page's 20 works loaded from the database) and, where it makes sense, for the peer measured in
the same run, the straightforward Django ORM query for the same answer:

- a listing filtered by one fandom (Zipf: popular and rare fandoms mixed), with facet counts;
- the same with a second include (a character) and an exclude (a freeform);
- the all-works listing, page 1 and page 4,000 (deep paging).
Figures are printed and written to bench/RESULTS.md (the section between this module's markers).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import django

RESULTS = Path(__file__).with_name("RESULTS.md")
BEGIN, END = "<!-- filters:begin -->", "<!-- filters:end -->"


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    return at(0.5) * 1000, at(0.95) * 1000, at(0.99) * 1000


def write_section(section: str, begin: str, end: str) -> None:
    """Put `section` (which starts with `begin` and ends with `end`) into bench/RESULTS.md,
    in place of the previous run's, or at the end the first time."""
    existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    if begin in existing:
        head, rest = existing.split(begin, 1)
        existing = head + section + rest.split(end, 1)[1]
    else:
        existing = existing.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(existing, encoding="utf-8")


def timed(function: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="timed runs per case")
    parser.add_argument("--orm-runs", type=int, default=20, help="runs of the slow ORM peer")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifestream.settings")
    django.setup()

    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.db.models import Count
    from django.http import QueryDict

    from access.getters import visible_works
    from search.filters.index import get_index
    from search.listing.form import read_request
    from search.listing.query import search
    from tags.models import Tag, TagKind
    from tags.queries import family_ids
    from works.models import Work

    guest = AnonymousUser()
    rng = random.Random(7)
    works = Work.objects.count()
    if not works:
        sys.exit("The archive is empty: run `manage.py generate_archive --works N` first.")

    start = time.perf_counter()
    get_index().rebuild()
    build_seconds = time.perf_counter() - start

    # Fandoms weighted by use, so the popular ones (big result sets) come up as in real traffic.
    fandoms = list(
        Tag.objects.filter(kind=TagKind.FANDOM, canonical=True)
        .annotate(uses=Count("works"))
        .filter(uses__gt=0)
        .order_by("-uses")
        .values_list("pk", "uses")[:2000]
    )
    characters = list(
        Tag.objects.filter(kind=TagKind.CHARACTER, canonical=True)
        .annotate(uses=Count("works"))
        .order_by("-uses")
        .values_list("pk", flat=True)[:200]
    )
    freeforms = list(
        Tag.objects.filter(kind=TagKind.FREEFORM, canonical=True)
        .annotate(uses=Count("works"))
        .order_by("-uses")
        .values_list("pk", flat=True)[:50]
    )
    weights = [uses for _, uses in fandoms]

    def fandom_request() -> tuple[str, int]:
        fandom = rng.choices(fandoms, weights=weights)[0][0]
        return f"include_work_search[fandom_ids][]={fandom}", fandom

    def index_listing(query: str) -> None:
        results = search(guest, read_request(QueryDict(query)))
        list(results.page.object_list)

    def orm_listing(fandom: int, character: int | None = None, freeform: int | None = None) -> None:
        """The straightforward ORM version: joins for the filter, a COUNT, a page, and one
        aggregate per kind for the facets."""
        matching = visible_works(guest).filter(tags__in=family_ids(Tag(pk=fandom)))
        if character:
            matching = matching.filter(tags__in=family_ids(Tag(pk=character)))
        if freeform:
            matching = matching.exclude(tags__in=family_ids(Tag(pk=freeform)))
        matching = matching.distinct()
        matching.count()
        list(matching.order_by("-revised_at", "-id")[:20].prefetch_related("tags", "creatorships"))
        for kind in (TagKind.FANDOM, TagKind.CHARACTER, TagKind.RELATIONSHIP, TagKind.FREEFORM):
            list(
                Tag.objects.filter(kind=kind, canonical=True, works__in=matching)
                .annotate(n=Count("works", distinct=True))
                .order_by("-n")[:10]
            )

    cases: list[tuple[str, list[float], list[float] | None]] = []

    # One fandom.
    plans = [fandom_request() for _ in range(args.runs)]
    cursor = iter(plans)
    index_samples = timed(lambda: index_listing(next(cursor)[0]), args.runs)
    cursor = iter(plans[: args.orm_runs])
    orm_samples = timed(lambda: orm_listing(next(cursor)[1]), args.orm_runs)
    cases.append(("one fandom, facets", index_samples, orm_samples))

    # Fandom + character, minus a freeform.
    combos = [
        (fandom_request(), rng.choice(characters), rng.choice(freeforms)) for _ in range(args.runs)
    ]
    queries = [
        f"{query}&include_work_search[character_ids][]={character}"
        f"&exclude_work_search[freeform_ids][]={freeform}"
        for (query, _), character, freeform in combos
    ]
    cursor_q = iter(queries)
    index_samples = timed(lambda: index_listing(next(cursor_q)), args.runs)
    cursor_c = iter(combos[: args.orm_runs])

    def orm_combo() -> None:
        (_, fandom), character, freeform = next(cursor_c)
        orm_listing(fandom, character, freeform)

    orm_samples = timed(orm_combo, args.orm_runs)
    cases.append(("fandom + character − freeform, facets", index_samples, orm_samples))

    # Deep paging on all works.
    first = timed(lambda: index_listing("page=1"), args.runs)
    last_page = max(1, min(4000, (works // 20)))
    deep = timed(lambda: index_listing(f"page={last_page}"), args.runs)
    cases.append(("all works, page 1", first, None))
    cases.append((f"all works, page {last_page:,}", deep, None))

    lines = [
        BEGIN,
        "## Filtered listings (filter index vs ORM)",
        "",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}, {connection.vendor} database.",
        f"- Corpus: {works:,} works (`manage.py generate_archive`), index built in"
        f" {build_seconds:.1f} s.",
        f"- Runs: {args.runs} per case for the index, {args.orm_runs} for the ORM peer;"
        " times in milliseconds, the whole search call (match, sort, facets, the page's works"
        " from the database), templates not included.",
        "- Rerun: `LIFESTREAM_DATA_DIR=… .venv/bin/python -m bench.filters`.",
        "",
        "| case | index p50 | p95 | p99 | ORM p50 | p95 | p99 | speed-up (p50) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, samples, peer in cases:
        p50, p95, p99 = percentiles(samples)
        if peer:
            o50, o95, o99 = percentiles(peer)
            lines.append(
                f"| {name} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {o50:.1f} | {o95:.1f} |"
                f" {o99:.1f} | {o50 / p50:.0f}x |"
            )
        else:
            lines.append(f"| {name} | {p50:.1f} | {p95:.1f} | {p99:.1f} | – | – | – | – |")
    lines.append(END)
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(section, BEGIN, END)


if __name__ == "__main__":
    main()
