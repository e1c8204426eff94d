"""Downloads: EPUB (checked by W3C epubcheck), HTML and plain text; caching; who may download."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from access.getters import get_work_for_download
from downloads.book import make_book
from downloads.builds import build_once
from downloads.formats import CONVERTED
from downloads.xhtml import to_xhtml
from lifestream.testing import make_work
from people.services import create_api_token
from works.models import Chapter
from works.services import ChapterData, add_chapter, update_chapter

# Markup a work may hold that HTML5/EPUB 3 no longer allows, or that a book can't carry.
AWKWARD_BODY = """
<p align="center">Centred &amp; <b>bold</b><br>next line</p>
<center>An old centre tag</center>
<p><big>big</big> <strike>struck</strike> <tt>typewriter</tt> <acronym title="a">ACR</acronym></p>
<li>a list item with no list</li><li>and another</li>
<table border="1" width="50%"><tr><td width="20">cell</td><td>two</td></tr></table>
<p><img src="https://images.example/pic.png" alt="a picture" border="0"> and
<a href="/works/1">a link into the archive</a>, <a href="#nowhere">a dead anchor</a>,
<a href="mailto:someone@example.org">mail</a>.</p>
<ol type="disc"><li>bad type</li></ol>
<details><summary>Spoiler</summary><p>Hidden.</p></details>
<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>
<audio src="https://audio.example/podfic.mp3" controls></audio>
<p lang="fr">Une phrase en français.</p>
"""


def epubcheck(path: Path) -> subprocess.CompletedProcess:
    found = shutil.which("epubcheck") or os.environ.get("LIFESTREAM_EPUBCHECK")
    if not found:
        if os.environ.get("LIFESTREAM_REQUIRE_EPUBCHECK"):
            pytest.fail("epubcheck is required here (apt-get install epubcheck)")
        pytest.skip("epubcheck not installed (Debian: apt-get install epubcheck)")
    jar = Path(found).resolve()
    command = ["java", "-jar", str(jar)] if jar.suffix == ".jar" else [str(jar)]
    return subprocess.run(
        [*command, "--failonwarnings", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def rich_work(author):
    work = make_work(
        author,
        title="Lifestream: Reunion — “Part One”",
        summary="<p>Cloud remembers <em>something</em>.</p>",
        notes="<p>Beginning notes.</p>",
        end_notes="<p>Please review!</p>",
        fandoms=["Final Fantasy VII"],
        relationships=["Cloud Strife/Sephiroth"],
        characters=["Cloud Strife", "Tifa Lockhart"],
        freeforms=["Angst", "Hurt/Comfort"],
        body=AWKWARD_BODY,
        expected_chapters=3,
    )
    add_chapter(
        work,
        ChapterData(
            title="Nibelheim",
            body="<p>Five years ago.</p>",
            summary="<p>A flashback.</p>",
            notes="<p>Chapter notes.</p>",
            end_notes="<p>Chapter end notes.</p>",
        ),
        post=True,
    )
    add_chapter(work, ChapterData(title="Unposted", body="<p>Secret draft text.</p>"), post=False)
    work.refresh_from_db()
    return work


# What a browser sends when a reader clicks a link; download tools and e-reader apps don't.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _get(client: Client, work, extension: str, **headers):
    return client.get(f"/downloads/{work.pk}/Lifestream.{extension}", **headers)


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_epub_passes_epubcheck(client, rich_work, tmp_path):
    response = _get(client, rich_work, "epub")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/epub+zip"
    assert 'filename="Lifestream_Reunion_Part_One.epub"' in response["Content-Disposition"]
    path = tmp_path / "book.epub"
    path.write_bytes(_content(response))
    result = epubcheck(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors or warnings detected" in result.stdout + result.stderr


def test_one_shot_in_another_script_passes_epubcheck(client, author, tmp_path):
    work = make_work(
        author, title="夢の中", language="ja", body="<p>「夢を見た」と彼は言った。</p>"
    )
    path = tmp_path / "one.epub"
    path.write_bytes(_content(_get(client, work, "epub")))
    result = epubcheck(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_epub_holds_the_whole_work(client, rich_work):
    archive = zipfile.ZipFile(io.BytesIO(_content(_get(client, rich_work, "epub"))))
    names = archive.namelist()
    assert names[0] == "mimetype"
    assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    package = archive.read("EPUB/package.opf").decode()
    assert "<dc:title>Lifestream: Reunion — “Part One”</dc:title>" in package
    assert "<dc:creator>cloud_author</dc:creator>" in package
    assert "<dc:language>en</dc:language>" in package
    assert "<dc:subject>Cloud Strife/Sephiroth</dc:subject>" in package
    title = archive.read("EPUB/title.xhtml").decode()
    for expected in (
        "Final Fantasy VII",
        "Tifa Lockhart",
        "Hurt/Comfort",
        "General Audiences",
        "Beginning notes.",
        "Chapters: 2/3",
        f"/works/{rich_work.pk}",
    ):
        assert expected in title
    chapters = [n for n in names if n.startswith("EPUB/chapter-")]
    assert len(chapters) == 2  # the unposted chapter stays out
    second = archive.read(chapters[1]).decode()
    assert "Chapter 2: Nibelheim" in second
    assert "Chapter notes." in second and "Chapter end notes." in second
    assert "Please review!" in archive.read("EPUB/afterword.xhtml").decode()
    nav = archive.read("EPUB/nav.xhtml").decode()
    assert "Chapter 1" in nav and "Chapter 2: Nibelheim" in nav
    everything = b"".join(archive.read(n) for n in names).decode()
    assert "Secret draft text" not in everything


def test_html_download_is_one_page(client, rich_work):
    response = _get(client, rich_work, "html")
    assert response.status_code == 200
    body = _content(response).decode()
    assert "<style>" in body and "<link" not in body and "<script" not in body
    assert "Five years ago." in body and "Please review!" in body
    assert "Secret draft text" not in body


def test_text_download(client, rich_work):
    body = _content(_get(client, rich_work, "txt")).decode()
    assert body.startswith("Lifestream: Reunion — “Part One”\nby cloud_author\n")
    assert "Relationship: Cloud Strife/Sephiroth" in body
    assert "Chapter 2: Nibelheim" in body and "Five years ago." in body
    assert "End Notes:\n\nPlease review!" in body
    assert "<p>" not in body


def test_unknown_format_is_404(client, rich_work):
    assert _get(client, rich_work, "exe").status_code == 404
    assert client.get(f"/downloads/{rich_work.pk}/noextension").status_code == 404


def test_work_page_links_each_format(client, rich_work):
    page = client.get(f"/works/{rich_work.pk}").content.decode()
    for extension in ("epub", "html", "txt"):
        assert (
            f"/downloads/{rich_work.pk}/Lifestream_Reunion_Part_One.{extension}?updated_at=" in page
        )


def test_built_files_are_cached_until_the_work_changes(
    client, rich_work, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    first = _content(_get(client, rich_work, "epub"))
    folder = tmp_path / "downloads" / str(rich_work.pk)
    built = list(folder.glob("*.epub"))
    assert len(built) == 1
    stamp = built[0].stat().st_mtime_ns
    assert _content(_get(client, rich_work, "epub")) == first
    assert built[0].stat().st_mtime_ns == stamp  # served from the cache, not rebuilt
    chapter = Chapter.objects.get(work=rich_work, position=2)
    # The change feed drops the changed work's files once the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        update_chapter(chapter, ChapterData(title="Nibelheim", body="<p>Rewritten.</p>"))
    changed = _content(_get(client, rich_work, "epub"))
    assert changed != first
    rebuilt = list(folder.glob("*.epub"))
    assert len(rebuilt) == 1 and rebuilt[0] != built[0]  # the old version is gone


def test_book_skips_unposted_chapters(rich_work, author):
    work, chapters = get_work_for_download(author, rich_work.pk)
    book = make_book(work, chapters)
    assert [part.heading for part in book.parts] == ["Chapter 1", "Chapter 2: Nibelheim"]


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("<p>a<br>b</p>", "<p>a<br/>b</p>"),
        ('<p align="right">r</p>', '<p class="align-right">r</p>'),
        ("<center>c</center>", '<div class="center">c</div>'),
        ("<li>x</li><p>y</p>", "<ul><li>x</li></ul><p>y</p>"),
        ("<td>cell</td>", "cell"),
        ('<a href="#x">t</a>', "<a>t</a>"),
        ('<a href="javascript:alert(1)">t</a>', "<a>t</a>"),
        ('<a href="/works/2">t</a>', '<a href="https://archive.example/works/2">t</a>'),
        ('<img src="https://i.example/a.png" alt="cat">', "[cat]"),
        ("<p>x &lt; y &amp; “z”</p>", "<p>x &lt; y &amp; “z”</p>"),
        ('<p lang="fr">oui</p>', '<p lang="fr" xml:lang="fr">oui</p>'),
        ("<p>open <b>bold", "<p>open <b>bold</b></p>"),
        ("</div>stray", "stray"),
    ],
)
def test_stored_html_becomes_book_xhtml(stored, expected):
    assert to_xhtml(stored, base_url="https://archive.example") == expected


# --- Calibre's formats ------------------------------------------------------------------------


def _calibre() -> None:
    if not shutil.which("ebook-convert"):
        if os.environ.get("LIFESTREAM_REQUIRE_CALIBRE"):
            pytest.fail("Calibre is required here (apt-get install calibre)")
        pytest.skip("Calibre not installed (Debian: apt-get install calibre)")


# A format's file begins with its signature (MOBI and AZW3: "BOOKMOBI" at byte 60).
SIGNATURES = {"azw3": (60, b"BOOKMOBI"), "mobi": (60, b"BOOKMOBI"), "pdf": (0, b"%PDF")}


@pytest.mark.parametrize("extension", ["azw3", "mobi", "pdf"])
def test_calibre_formats_when_calibre_is_installed(
    client, rich_work, extension, settings, tmp_path
):
    _calibre()
    settings.DATA_DIR = tmp_path
    # Tests run tasks at once: the file is built while the request waits, then served.
    response = _get(client, rich_work, extension)
    assert response.status_code == 200
    content = _content(response)
    offset, signature = SIGNATURES[extension]
    assert content[offset : offset + len(signature)] == signature
    page = client.get(f"/works/{rich_work.pk}").content.decode()
    assert f"Lifestream_Reunion_Part_One.{extension}?updated_at=" in page


@pytest.fixture
def queued_tasks(settings, monkeypatch):
    """Tasks wait in the database for `db_worker`, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes connections left in a transaction; a test's own is one.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_a_browser_is_shown_a_page_until_the_conversion_is_built(
    client, rich_work, settings, tmp_path, queued_tasks
):
    _calibre()
    settings.DATA_DIR = tmp_path
    waiting = _get(client, rich_work, "azw3", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert waiting.status_code == 202
    assert waiting["Retry-After"] == "5"
    assert waiting["Content-Type"].startswith("text/html")
    assert "being made" in waiting.content.decode()
    _run_worker()
    ready = _get(client, rich_work, "azw3", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/vnd.amazon.ebook"
    assert _content(ready)[60:68] == b"BOOKMOBI"


@pytest.mark.parametrize(
    ("extension", "media_type"),
    [("azw3", "application/vnd.amazon.ebook"), ("pdf", "application/pdf")],
)
def test_a_download_tool_is_given_the_file_not_a_page(
    client, rich_work, settings, tmp_path, extension, media_type
):
    _calibre()
    settings.DATA_DIR = tmp_path
    response = _get(client, rich_work, extension, HTTP_ACCEPT="*/*")
    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    offset, signature = SIGNATURES[extension]
    assert _content(response)[offset : offset + len(signature)] == signature


def test_an_api_token_is_a_tool_even_asking_for_html(client, author, rich_work, settings, tmp_path):
    _calibre()
    settings.DATA_DIR = tmp_path
    _, key = create_api_token(author, "e-reader")
    response = _get(
        client, rich_work, "mobi", HTTP_ACCEPT=BROWSER_ACCEPT, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-mobipocket-ebook"
    assert _content(response)[60:68] == b"BOOKMOBI"


def test_without_calibre_its_formats_are_not_offered(client, rich_work, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert _get(client, rich_work, "azw3").status_code == 404
    page = client.get(f"/works/{rich_work.pk}").content.decode()
    assert ".azw3?" not in page and ".epub?" in page


# --- Conversions that are slow, fail or are killed --------------------------------------------
# A stand-in for ebook-convert on the PATH, run as Calibre would be: `ebook-convert SOURCE TARGET`.


def _converter(tmp_path: Path, monkeypatch, script: str) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    program = folder / "ebook-convert"
    program.write_text("#!/bin/sh\n" + script)
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return program


def _leftovers(tmp_path: Path) -> list[str]:
    """What a failed build could leave: scratch folders, half files, a cached non-book."""
    folder = tmp_path / "downloads"
    return sorted(path.name for path in folder.rglob("*") if path.suffix in {".part", ".azw3"})


# Writes half a file where Calibre would write the book, then fails (or is killed) mid-build.
FAILING = {
    "calibre_error": 'printf "half a book" > "$2"; echo "ValueError: no spine" >&2; exit 1\n',
    "killed": 'printf "half a book" > "$2"; kill -9 $$\n',
}


@pytest.mark.parametrize("how", sorted(FAILING))
def test_a_failed_conversion_leaves_no_part_file_and_says_so(
    client, rich_work, settings, tmp_path, monkeypatch, how
):
    settings.DATA_DIR = tmp_path
    _converter(tmp_path, monkeypatch, FAILING[how])
    response = _get(client, rich_work, "azw3", HTTP_ACCEPT="*/*")
    assert response.status_code == 500
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "could not make the AZW3 of this work" in response.content.decode()
    assert _leftovers(tmp_path) == []
    # Asking again answers at once from the recorded failure, without converting again.
    page = _get(client, rich_work, "azw3", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert page.status_code == 500
    assert "This download could not be made" in page.content.decode()
    assert _leftovers(tmp_path) == []


def test_a_conversion_that_hangs_is_stopped_and_cleaned_up(
    client, rich_work, settings, tmp_path, monkeypatch
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr("downloads.formats.CONVERSION_TIMEOUT", 1)
    _converter(tmp_path, monkeypatch, 'printf "half a book" > "$2"; exec sleep 30\n')
    response = _get(client, rich_work, "azw3", HTTP_ACCEPT="*/*")
    assert response.status_code == 500
    assert _leftovers(tmp_path) == []


def test_a_tool_gets_503_with_retry_after_when_the_build_takes_too_long(
    client, rich_work, settings, tmp_path, monkeypatch, queued_tasks
):
    settings.DATA_DIR = tmp_path
    settings.DOWNLOAD_WAIT_SECONDS = 0.5
    _converter(tmp_path, monkeypatch, 'head -c 60 /dev/zero > "$2"; printf BOOKMOBI >> "$2"\n')
    # The build is queued and no worker has taken it yet: the tool waits the bound, then is told
    # when to ask again, with no file and no page.
    started = time.monotonic()
    response = _get(client, rich_work, "azw3", HTTP_ACCEPT="*/*")
    assert time.monotonic() - started >= 0.5
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    # Asking again doesn't queue a second build of the same file.
    assert _get(client, rich_work, "azw3", HTTP_ACCEPT="*/*").status_code == 503
    assert DBTaskResult.objects.count() == 1
    _run_worker()
    ready = _get(client, rich_work, "azw3", HTTP_ACCEPT="*/*")
    assert ready.status_code == 200
    assert _content(ready)[60:68] == b"BOOKMOBI"


def test_two_builds_of_one_file_at_once_convert_it_once(
    rich_work, author, settings, tmp_path, monkeypatch
):
    settings.DATA_DIR = tmp_path
    runs = tmp_path / "runs.log"
    _converter(
        tmp_path,
        monkeypatch,
        f'echo run >> "{runs}"; sleep 1; head -c 60 /dev/zero > "$2"; printf BOOKMOBI >> "$2"\n',
    )
    work, chapters = get_work_for_download(author, rich_work.pk)
    book = make_book(work, chapters)
    fmt = CONVERTED["azw3"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        paths = list(pool.map(lambda _: build_once(book, fmt), range(2)))
    assert paths[0] == paths[1] and paths[0].read_bytes()[60:68] == b"BOOKMOBI"
    assert runs.read_text().count("run") == 1


def test_a_build_cleans_up_after_a_worker_killed_mid_build(
    client, rich_work, settings, tmp_path, monkeypatch
):
    settings.DATA_DIR = tmp_path
    folder = tmp_path / "downloads" / str(rich_work.pk)
    stale = folder / "azw3-killedworker.part"
    stale.mkdir(parents=True)
    (stale / "book.azw3").write_bytes(b"half a book")
    _converter(tmp_path, monkeypatch, 'head -c 60 /dev/zero > "$2"; printf BOOKMOBI >> "$2"\n')
    response = _get(client, rich_work, "azw3", HTTP_ACCEPT="*/*")
    assert response.status_code == 200
    assert not stale.exists()
    assert [path.name for path in folder.rglob("*.part")] == []
