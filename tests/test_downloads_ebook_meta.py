"""Calibre's `ebook-meta` reads every e-book format's metadata as the work has it.

Each format is downloaded through its real URL, as a reader's browser would, and read back by
Calibre: what a library (Calibre's, an e-reader's) shows for a downloaded work is what was
posted. EPUB is written by Lifestream; AZW3, MOBI and PDF are Calibre's conversions of it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from downloads.formats import CONVERTED
from lifestream.testing import make_user
from people.services import add_pseud
from works.models import Work
from works.services import ChapterData, WorkData, add_chapter, create_work

# Lifestream's EPUB and every format Calibre makes from it; HTML and text are not e-books.
EBOOK_FORMATS = ["epub", *CONVERTED]


def ebook_meta() -> str:
    found = shutil.which("ebook-meta")
    if not found:
        if os.environ.get("LIFESTREAM_REQUIRE_CALIBRE"):
            pytest.fail("Calibre is required here (apt-get install calibre)")
        pytest.skip("Calibre not installed (Debian: apt-get install calibre)")
    return found


def read_metadata(path: Path) -> dict[str, str]:
    """ebook-meta's report ("Title               : ...") as a dict."""
    result = subprocess.run(
        [ebook_meta(), str(path)],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    fields: dict[str, str] = {}
    for line in result.stdout.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip():
            fields[name.strip()] = value.strip()
    return fields


@pytest.fixture
def work(db) -> Work:
    writer = make_user("aerith_writes")
    flower_girl = add_pseud(writer, "Flower Girl")
    data = WorkData(
        title="Under the Plate & “Beyond” <1>",
        pseuds=[writer.default_pseud, flower_girl],
        summary=(
            "<p>Cloud remembers a city that was <em>never</em> his.</p>"
            "<p>Tifa &amp; Barret don't.</p>"
        ),
        notes="<p>Written for the winter exchange.</p>",
        rating="Teen And Up Audiences",
        warnings=["No Archive Warnings Apply"],
        categories=["M/M"],
        fandoms=["Final Fantasy VII"],
        relationships=["Cloud Strife/Sephiroth", "Cloud Strife & Tifa Lockhart"],
        characters=["Cloud Strife", "Tifa Lockhart"],
        freeforms=["Angst", "Hurt/Comfort", "Ça va ? Très bien"],
        language="fr",
        expected_chapters=2,
        published_on=dt.date(2024, 1, 15),
    )
    posted = create_work(
        writer, data, ChapterData(title="Le Réacteur", body="<p>Le réacteur.</p>"), post=True
    )
    add_chapter(posted, ChapterData(title="Secteur 7", body="<p>La pluie.</p>"), post=True)
    posted.refresh_from_db()
    return posted


@pytest.mark.parametrize("extension", EBOOK_FORMATS)
def test_ebook_meta_reads_each_format(client, work, extension, settings, tmp_path):
    ebook_meta()
    settings.DATA_DIR = tmp_path
    response = client.get(f"/downloads/{work.pk}/Under_the_Plate.{extension}")
    assert response.status_code == 200
    path = tmp_path / f"Under_the_Plate.{extension}"
    path.write_bytes(b"".join(response.streaming_content))

    meta = read_metadata(path)
    assert meta["Title"] == "Under the Plate & “Beyond” <1>"
    assert meta["Author(s)"] == "aerith_writes & Flower Girl (aerith_writes)"
    assert meta["Tags"].split(", ") == [
        "Teen And Up Audiences",
        "No Archive Warnings Apply",
        "M/M",
        "Final Fantasy VII",
        "Cloud Strife & Tifa Lockhart",
        "Cloud Strife/Sephiroth",
        "Cloud Strife",
        "Tifa Lockhart",
        "Angst",
        "Hurt/Comfort",
        "Ça va ? Très bien",
    ]
    assert meta["Languages"] == "fra"
    assert meta["Published"].startswith("2024-01-15")
    # The summary as text, both paragraphs (ebook-meta prints them on one line).
    assert " ".join(meta["Comments"].split()) == (
        "Cloud remembers a city that was never his. Tifa & Barret don't."
    )
