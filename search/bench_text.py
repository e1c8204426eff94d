"""Full-text search benchmark: N synthetic works in the text index, p50/p95/p99 of queries from
the commonest words to rare ones, beside the raw FTS5 query for the same words (the peer).

    .venv/bin/python -m search.bench_text --works 20000
    .venv/bin/python -m search.bench_text --works 20000 \\
        --database-url postgres://postgres@127.0.0.1:5432/lifestream_bench   # a scratch database

Without --database-url it builds a fresh SQLite database in a temporary directory. The works go
straight into the text index (documents, not rows of works_work): this measures the engine. The
text is prose-like: a Zipf-distributed vocabulary (exponent 1.05) led by English function words,
about 2,000 words a work in one to four chapters.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

FUNCTION_WORDS = [
    "the",
    "and",
    "to",
    "of",
    "a",
    "i",
    "he",
    "was",
    "in",
    "it",
    "you",
    "that",
    "her",
    "his",
    "she",
    "said",
    "had",
    "not",
    "with",
    "on",
    "at",
    "for",
    "as",
    "but",
    "they",
    "be",
    "my",
    "him",
    "is",
    "me",
    "all",
    "so",
    "what",
    "we",
    "there",
    "were",
    "one",
    "up",
    "out",
    "them",
    "from",
    "this",
    "have",
    "would",
    "no",
    "could",
    "if",
    "an",
    "been",
    "then",
    "back",
    "like",
    "when",
    "do",
    "by",
    "into",
    "did",
    "or",
    "just",
    "now",
    "about",
    "your",
    "down",
    "over",
]
SYLLABLES = [
    "ka",
    "ri",
    "to",
    "na",
    "mi",
    "lo",
    "se",
    "ta",
    "ne",
    "ru",
    "shi",
    "ma",
    "de",
    "va",
    "lin",
    "dor",
    "el",
    "an",
    "thi",
    "mar",
    "gal",
    "ro",
    "ve",
    "sa",
    "qu",
    "ion",
    "bel",
    "cor",
    "fen",
    "hal",
    "jor",
    "kel",
    "mor",
    "nix",
    "pra",
    "sol",
    "tur",
    "vex",
    "wyn",
    "zar",
    "ael",
    "bri",
    "cla",
    "dru",
    "fae",
    "gri",
]
TAGS = ["Angst", "Fluff", "Hurt/Comfort", "Slow Burn", "Alternate Universe", "Canon Divergence"]


def vocabulary(size: int, rng: np.random.Generator) -> np.ndarray:
    words = list(dict.fromkeys(FUNCTION_WORDS))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES, size=int(rng.integers(1, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return np.array(words, dtype=object)


def make_documents(count: int, start_id: int, vocab: np.ndarray, rng: np.random.Generator):
    from search.text.documents import WorkDocument

    ranks = np.arange(1, len(vocab) + 1, dtype=np.float64)
    weights = 1.0 / ranks**1.05
    weights /= weights.sum()
    documents = []
    for offset in range(count):
        length = int(rng.integers(1500, 2500))
        words = vocab[rng.choice(len(vocab), size=length, p=weights)]
        cuts = sorted(rng.choice(np.arange(1, length), size=int(rng.integers(0, 4)), replace=False))
        chapters = [" ".join(part) for part in np.split(words, cuts)]
        title_words = vocab[rng.integers(100, 5000, size=int(rng.integers(1, 4)))]
        documents.append(
            WorkDocument(
                work_id=start_id + offset,
                title=" ".join(title_words).title(),
                summary=" ".join(vocab[rng.choice(len(vocab), size=30, p=weights)]),
                notes=["", ""],
                creators=[f"author{int(rng.integers(0, count // 5 + 1))}"],
                tags=list(rng.choice(TAGS, size=2, replace=False)),
                body=chapters,
            )
        )
    return documents


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    return at(0.5) * 1000, at(0.95) * 1000, at(0.99) * 1000


def timed(run: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--vocabulary", type=int, default=50_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--instances", type=int, default=15, help="different words per case")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each instance")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    scratch = tempfile.mkdtemp(prefix="lifestream-bench-")
    os.environ["LIFESTREAM_DATA_DIR"] = scratch
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifestream.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from search import text
    from search.text.query import parse

    call_command("migrate", verbosity=0)
    backend = text.get_backend()
    rng = np.random.default_rng(args.seed)
    vocab = vocabulary(args.vocabulary, rng)

    started = time.perf_counter()
    with transaction.atomic():
        backend.clear()
    build_seconds = 0.0
    batch = 1000
    for start in range(0, args.works, batch):
        documents = make_documents(min(batch, args.works - start), start + 1, vocab, rng)
        begin = time.perf_counter()
        with transaction.atomic():
            backend.replace(documents, [])
        build_seconds += time.perf_counter() - begin
    begin = time.perf_counter()
    backend.optimize()
    build_seconds += time.perf_counter() - begin
    total_seconds = time.perf_counter() - started

    def word(low: int, high: int) -> str:
        return str(vocab[int(rng.integers(low, high))])

    n = args.instances
    cases: list[tuple[str, list[str], list[str]]] = []  # (name, our queries, FTS5 syntax)

    def case(name: str, ours: list[str], raw: list[str] | None = None) -> None:
        cases.append((name, ours, raw if raw is not None else ours))

    case("commonest word (the)", ["the"] * n)
    common = [f"{word(0, 30)} {word(0, 30)}" for _ in range(n)]
    case("two common words", common)
    phrases = [f'"{word(0, 30)} {word(0, 30)}"' for _ in range(n)]
    case("common phrase", phrases)
    mid = [word(300, 3000) for _ in range(n)]
    case("mid-frequency word", mid)
    rare = [word(20_000, len(vocab)) for _ in range(n)]
    case("rare word", rare)
    pairs = [f"{word(300, 3000)} {word(300, 3000)}" for _ in range(n)]
    case("two mid words", pairs)
    ors = [(word(300, 3000), word(300, 3000)) for _ in range(n)]
    case("mid OR mid", [f"{a} OR {b}" for a, b in ors])
    excl = [(word(0, 30), word(100, 1000)) for _ in range(n)]
    case("common -mid", [f"{a} -{b}" for a, b in excl], [f"{a} NOT {b}" for a, b in excl])
    mids = [word(300, 3000) for _ in range(n)]
    prefixes = [w[: max(4, len(w) - 2)] + "*" for w in mids]
    case("prefix (4+ letters)", prefixes)
    titles = [word(100, 5000) for _ in range(n)]
    case("title:word", [f"title:{t}" for t in titles], [f"title : {t}" for t in titles])

    print(f"# Full-text search, {backend.vendor}, {args.works:,} works")
    print(
        f"index build: {build_seconds:.1f} s in the engine ({args.works / build_seconds:,.0f} "
        f"works/s), {total_seconds:.1f} s with text generation"
    )
    size = _size(connection, backend.vendor)
    if size:
        print(f"index size: {size / 1e6:,.0f} MB")
    print()
    header = "| case | matches | ranked top 20 p50/p95/p99 ms | all ids p50/p99 ms |"
    header += " page (ids + rank) p99 ms |"
    if backend.vendor == "sqlite":
        header += " raw FTS5 p50/p95/p99 ms |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))

    def top(query: str) -> object:
        return text.ranked(parse(query).text, limit=20)

    def all_ids(query: str) -> object:
        return text.matching_work_ids(parse(query).text)

    def page(query: str) -> object:
        """What the search page does: every match (for the filters), then the first page."""
        tree = parse(query).text
        return text.ranked(tree, text.matching_work_ids(tree), limit=20)

    for name, ours, raw in cases:
        ranked_times: list[float] = []
        ids_times: list[float] = []
        page_times: list[float] = []
        raw_times: list[float] = []
        matches: list[int] = []
        for query, raw_query in zip(ours, raw, strict=True):
            ranked_times += timed(partial(top, query), args.repeat)
            ids_times += timed(partial(all_ids, query), args.repeat)
            page_times += timed(partial(page, query), args.repeat)
            matches.append(len(text.matching_work_ids(parse(query).text)))
            if backend.vendor == "sqlite":
                raw_times += timed(partial(_raw_fts5, connection, raw_query), args.repeat)
        r50, r95, r99 = percentiles(ranked_times)
        i50, _, i99 = percentiles(ids_times)
        _, _, p99 = percentiles(page_times)
        row = (
            f"| {name} | {statistics.median(matches):,.0f} | {r50:.1f} / {r95:.1f} / {r99:.1f} |"
            f" {i50:.1f} / {i99:.1f} | {p99:.1f} |"
        )
        if raw_times:
            w50, w95, w99 = percentiles(raw_times)
            row += f" {w50:.1f} / {w95:.1f} / {w99:.1f} |"
        print(row)
    connection.close()
    shutil.rmtree(scratch, ignore_errors=True)


def _raw_fts5(connection: Any, query: str) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rank LIMIT 20",
            [query],
        )
        return cursor.fetchall()


def _size(connection: Any, vendor: str) -> int:
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('search_pg_work')"
                " + pg_total_relation_size('search_pg_passage')"
            )
            return int(cursor.fetchone()[0])
        if vendor == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA page_size")
            return pages * int(cursor.fetchone()[0])
    return 0


if __name__ == "__main__":
    main()
