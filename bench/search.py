"""Benchmark: the search page's query, end to end, against the raw FTS5 query (SQLite).

Run against a full-text archive with its text index built:

    LIFESTREAM_DATA_DIR=var/bench-text .venv/bin/python manage.py generate_archive \\
        --works 100000 --chapters-text full
    LIFESTREAM_DATA_DIR=var/bench-text .venv/bin/python manage.py rebuild_search_index
    LIFESTREAM_DATA_DIR=var/bench-text .venv/bin/python -m bench.search

"Site" is `search.listing.query.search` for a logged-out reader sorted by relevance: parse, match,
filter-index intersection, ranking (or, for words in most works, newest first), the page's
works and their snippets. The peer is FTS5's own `MATCH … ORDER BY rank LIMIT 20` for the same
words. Words are picked by how many works contain them, from a sample of the archive's text.
Figures go to bench/RESULTS.md between this module's markers.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import re
from collections import Counter
from collections.abc import Iterator

import django

from bench.filters import percentiles, timed, write_section

BEGIN, END = "<!-- search:begin -->", "<!-- search:end -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifestream.settings")
    django.setup()

    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.http import QueryDict
    from django.utils.http import urlencode

    from lifestream.core.text import html_to_text
    from search.filters.index import get_index
    from search.listing.form import read_request
    from search.listing.query import search
    from works.models import Chapter, Work

    if connection.vendor != "sqlite":
        raise SystemExit("This benchmark compares with raw FTS5: run it on SQLite.")
    works = Work.objects.filter(posted=True).count()
    get_index().rebuild()
    rng = random.Random(11)

    # Document frequencies from a sample of chapters.
    sample = list(
        Chapter.objects.filter(posted=True, position=1).values_list("work_id", "body")[:3000]
    )
    frequency: Counter[str] = Counter()
    for _, body in sample:
        frequency.update(set(re.findall(r"[a-z]{3,}", html_to_text(body).lower())))
    ranked_words = [word for word, _ in frequency.most_common()]
    if len(ranked_words) < 200:
        raise SystemExit("Not enough text: generate the archive with --chapters-text full.")
    commonest = ranked_words[0]
    common = ranked_words[1:20]
    middle = ranked_words[len(ranked_words) // 10 : len(ranked_words) // 10 + 50]
    rare = [w for w, n in frequency.items() if n == 2][:50] or ranked_words[-50:]
    cases = {
        f"commonest word ({commonest})": [commonest],
        "two common words": [f"{a} {b}" for a, b in itertools.pairwise(common)],
        "common phrase": [f'"{a} {b}"' for a, b in zip(common[::2], common[1::2], strict=False)],
        "mid-frequency word": middle,
        "rare word": rare,
        "mid OR mid": [f"{a} OR {b}" for a, b in zip(middle[::2], middle[1::2], strict=False)],
    }
    guest = AnonymousUser()
    lines = [
        BEGIN,
        "## Search page end to end (site vs raw FTS5)",
        "",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}, SQLite.",
        f"- Corpus: {works:,} posted works with full chapter text (`generate_archive"
        " --chapters-text full`), text index from `rebuild_search_index`.",
        f"- {args.runs} runs per case; milliseconds. Site = the whole `search()` call a guest's"
        " relevance search makes (match, visibility, ranking or newest-first for words in most"
        " works, the page's works, snippets); raw FTS5 = `MATCH … ORDER BY rank LIMIT 20`.",
        "- Rerun: `LIFESTREAM_DATA_DIR=… .venv/bin/python -m bench.search`.",
        "",
        "| case | matches | site p50 | p95 | p99 | raw FTS5 p50 | p95 | p99 | site / FTS5 (p99) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, queries in cases.items():
        picks = [rng.choice(queries) for _ in range(args.runs)]
        cursor = iter(picks)

        def site(cursor: Iterator[str] = cursor) -> None:
            query = next(cursor)
            request = read_request(QueryDict(urlencode({"work_search[query]": query})))
            results = search(guest, request, with_facets=False)
            list(results.page.object_list)

        site_samples = timed(site, args.runs)
        raw_cursor = iter(picks)

        def raw(raw_cursor: Iterator[str] = raw_cursor) -> None:
            with connection.cursor() as sql:
                sql.execute(
                    "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rank LIMIT 20",
                    [next(raw_cursor)],
                )
                sql.fetchall()

        raw_samples = timed(raw, args.runs)
        matches = search(
            guest,
            read_request(QueryDict(urlencode({"work_search[query]": picks[0]}))),
            with_facets=False,
        ).page.paginator.count
        s50, s95, s99 = percentiles(site_samples)
        r50, r95, r99 = percentiles(raw_samples)
        lines.append(
            f"| {name} | {matches:,} | {s50:.1f} | {s95:.1f} | {s99:.1f} | {r50:.1f} |"
            f" {r95:.1f} | {r99:.1f} | {s99 / r99:.2f} |"
        )
    lines.append(END)
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(section, BEGIN, END)


if __name__ == "__main__":
    main()
