"""How long moving an eFiction archive takes: a synthetic eFiction 3.5 archive (the tests'
generator, tests/efiction_fixture.py) of N stories and M reviews imported into a fresh
archive with `manage.py import_efiction`, timed whole (MariaDB's start and load included).

    .venv/bin/python -m bench.efiction --stories 20000 --reviews 200000

Figures go to bench/RESULTS.md."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.filters import write_section

BEGIN, END = "<!-- efiction:begin -->", "<!-- efiction:end -->"
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of SQLite.")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from efiction_fixture import Shape, write_archive

    work = Path(tempfile.mkdtemp(prefix="lifestream-bench-efiction-"))
    try:
        started = time.monotonic()
        dump, stories, expected = write_archive(
            work / "archive",
            Shape(
                stories=args.stories,
                reviews_per_story=max(1, args.reviews // args.stories),
                short_text=True,
                missing_file=False,
            ),
        )
        written = time.monotonic() - started
        env = {**os.environ, "LIFESTREAM_DATA_DIR": str(work / "data")}
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        started = time.monotonic()
        done = subprocess.run(
            [
                python,
                "manage.py",
                "import_efiction",
                "--dump",
                str(dump),
                "--stories",
                str(stories),
                "--no-claim-emails",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.monotonic() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(done.stdout)
    found = re.search(r"stories → works: ([\d,]+)", done.stdout)
    imported = int(found.group(1).replace(",", "")) if found else 0
    comments = re.search(r"reviews → comments: ([\d,]+)", done.stdout)
    database = "PostgreSQL" if args.database_url else "SQLite"
    section = "\n".join(
        [
            BEGIN,
            "## Moving an eFiction archive",
            "",
            f"`python -m bench.efiction --stories {args.stories} --reviews {args.reviews}` on "
            f"{database}, 2 shared cores: a synthetic eFiction 3.5 dump ({expected.stories:,} "
            f"stories, {expected.chapters:,} chapters, {expected.comments:,} reviews and "
            "replies with text, favourites, series, co-authors; chapters in files) imported "
            "whole by `manage.py import_efiction`, MariaDB's start and load included "
            f"(writing the synthetic dump took {written:.0f} s more).",
            "",
            "| stories imported | comments | total time | stories per second |",
            "|---:|---:|---:|---:|",
            f"| {imported:,} | {comments.group(1) if comments else '?'} | "
            f"{seconds / 60:.1f} min | {imported / seconds:.1f} |",
            "",
            END,
        ]
    )
    write_section(section, BEGIN, END)
    print(section)


if __name__ == "__main__":
    main()
