"""Benchmark: packaging a 100,000-word work as EPUB, HTML and plain text.

    .venv/bin/python -m bench.downloads

Needs no archive: the book is made in memory from the generator's prose (20 chapters of
5,000 words with notes and awkward markup to rewrite). The peer is the floor any EPUB writer
pays: the same chapter HTML written into a zip as-is, with no rewriting to XHTML and no
metadata. If Calibre's `ebook-convert` is installed it is timed too (HTML to EPUB), as the
converter Lifestream doesn't put on the request path. Figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import random
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import django

from bench.filters import percentiles, timed, write_section

BEGIN, END = "<!-- downloads:begin -->", "<!-- downloads:end -->"
WORDS, CHAPTERS = 100_000, 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifestream.settings")
    django.setup()

    from bench.generator import ProseBank
    from downloads.book import Book, Part
    from downloads.epub import build_epub
    from downloads.formats import FORMATS
    from lifestream.core.text import count_words

    rng = random.Random(7)
    bank = ProseBank(rng, paragraphs=400)
    per_chapter = WORDS // CHAPTERS
    parts = []
    for number in range(1, CHAPTERS + 1):
        paragraphs = []
        words = 0
        while words < per_chapter:
            text = bank.sentence_run(rng.randint(3, 9))
            words += len(text.split())
            paragraphs.append(f'<p align="justify">{text} <em>—</em> &amp; <br>more</p>')
        parts.append(
            Part(
                number=number,
                heading=f"Chapter {number}",
                title="",
                body="\n".join(paragraphs),
                notes="<p>Notes.</p>",
                end_notes="<p>Please review!</p>",
            )
        )
    book = Book(
        work_id=1,
        title="A Long Work",
        url="http://127.0.0.1:8000/works/1",
        language="en",
        language_name="English",
        creators=["bench"],
        tags=[("Fandom", ["Bench Fandom"]), ("Character", ["A", "B"])],
        summary="<p>Long.</p>",
        notes="",
        end_notes="<p>The end.</p>",
        published=dt.date(2024, 1, 1),
        updated=dt.date(2024, 2, 1),
        completed=True,
        modified=dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
        words=WORDS,
        chapters_display=f"{CHAPTERS}/{CHAPTERS}",
        parts=parts,
    )
    counted = sum(count_words(part.body) for part in parts)

    def floor() -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in parts:
                archive.writestr(f"{part.number}.html", part.body)
        return buffer.getvalue()

    rows = [
        ("EPUB (Lifestream's writer)", timed(lambda: build_epub(book), args.runs)),
        ("HTML (one page)", timed(lambda: FORMATS["html"].build(book), args.runs)),
        ("Plain text", timed(lambda: FORMATS["txt"].build(book), args.runs)),
        ("peer: chapter HTML zipped as-is", timed(floor, args.runs)),
    ]
    converter = shutil.which("ebook-convert")
    if converter:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "book.html"
            source.write_bytes(FORMATS["html"].build(book))

            def calibre() -> None:
                subprocess.run(
                    [converter, str(source), str(Path(folder) / "book.epub")],
                    capture_output=True,
                    check=True,
                )

            rows.append(("peer: Calibre ebook-convert HTML→EPUB", timed(calibre, 3)))
    size = len(build_epub(book))

    lines = [
        BEGIN,
        "## Downloads: a 100,000-word work (20 chapters)",
        "",
        f"`python -m bench.downloads`, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}. {counted:,} words counted; "
        f"the EPUB is {size / 1024:,.0f} KiB.",
        "",
        "| build | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    for label, samples in rows:
        p50, p95, p99 = percentiles(samples)
        lines.append(f"| {label} | {p50:.1f} | {p95:.1f} | {p99:.1f} |")
    lines.append(END)
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(section, BEGIN, END)


if __name__ == "__main__":
    main()
