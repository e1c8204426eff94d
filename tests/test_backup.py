"""`manage.py backup` and `manage.py restore`: a backup taken while works are being written,
restored into an empty data dir, gives a whole archive — every work with all its chapters, the
secret key, the uploaded media — on the database the suite runs on (SQLite, or PostgreSQL with
scratch databases of its own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from scratch_databases import scratch_names, server_address

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import itertools, pathlib
from lifestream.testing import make_user, make_work
author = make_user("backup_writer")
for n in itertools.count(1):
    make_work(author, title=f"Written during the backup {{n}}", chapters=2)
    pathlib.Path({progress!r}).write_text(str(n))
    if pathlib.Path({stop!r}).exists():
        break
"""

CHECK = """
import json
from people.models import User
from works.models import Work
works = list(Work.objects.order_by("pk"))
print(json.dumps({
    "works": len(works),
    # Each work's count agrees with its chapters; the writer adds a work's second chapter
    # after the work, so only the newest may have one chapter yet.
    "whole": all(w.chapter_count == w.chapters.count() > 0 for w in works)
    and all(w.chapters.count() == 2 for w in works[:-1]),
    "users": sorted(User.objects.values_list("username", flat=True)),
}))
"""


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """Two database addresses, the archive's and the empty one to restore into: files in the
    data dirs on SQLite (empty strings), scratch databases on the suite's PostgreSQL server."""
    if connection.vendor != "postgresql":
        yield "", ""
        return
    with scratch_names(2) as names:
        server = server_address()
        yield f"{server}/{names[0]}", f"{server}/{names[1]}"


def _env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {**os.environ, "LIFESTREAM_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # the suite's own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _state(env: dict[str, str]) -> dict:
    done = _manage(env, "shell", "--no-imports", "-c", CHECK)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_backup_taken_during_writes_restores_whole_into_an_empty_data_dir(tmp_path, databases):
    source_url, target_url = databases
    source = _env(tmp_path / "source", source_url)
    target = _env(tmp_path / "target", target_url)
    assert _manage(source, "migrate", "--noinput", "--verbosity", "0").returncode == 0
    (tmp_path / "source" / "media" / "skins").mkdir(parents=True)
    (tmp_path / "source" / "media" / "skins" / "header.png").write_bytes(b"\x89PNG uploaded")
    progress, stop = tmp_path / "progress", tmp_path / "stop"
    writer = subprocess.Popen(  # the suite's own interpreter and manage.py
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            WRITER.format(progress=str(progress), stop=str(stop)),
        ],
        cwd=ROOT,
        env=source,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (progress.exists() and int(progress.read_text() or 0) >= 3):
            assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
            assert time.monotonic() < deadline, "the writer never got going"
            time.sleep(0.1)
        backup_file = tmp_path / "backups" / "archive.tar.gz"
        taken = _manage(source, "backup", "--output", str(backup_file))
        assert taken.returncode == 0, taken.stderr
        assert "Backed up the" in taken.stdout
        written_before_the_end = int(progress.read_text())
    finally:
        stop.touch()
        writer.wait(timeout=120)
    assert writer.returncode == 0
    written = int(progress.read_text())
    assert written > written_before_the_end or written >= 3
    assert oct(backup_file.stat().st_mode & 0o777) == oct(0o600)

    restored = _manage(target, "restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    state = _state(target)
    # The copy is of one moment: at least the works written before it began, each whole.
    assert 3 <= state["works"] <= written
    assert state["whole"] is True
    assert "backup_writer" in state["users"]
    key = "secret_key"
    source_key = (tmp_path / "source" / key).read_text()
    assert (tmp_path / "target" / key).read_text() == source_key
    assert (tmp_path / "target" / "media" / "skins" / "header.png").read_bytes() == (
        b"\x89PNG uploaded"
    )

    # Restoring over an archive that has accounts or works is refused, and changes nothing.
    again = _manage(target, "restore", str(backup_file))
    assert again.returncode != 0
    assert "already has accounts or works" in again.stderr
    assert "--force" in again.stderr
    assert _state(target) == state


def test_what_is_not_a_backup_is_refused_plainly(tmp_path, databases):
    _, target_url = databases
    target = _env(tmp_path / "target", target_url)
    missing = _manage(target, "restore", str(tmp_path / "nowhere.tar.gz"))
    assert missing.returncode != 0
    assert "Nothing was restored: there is no backup at" in missing.stderr
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"this is not a tar file at all")
    refused = _manage(target, "restore", str(broken))
    assert refused.returncode != 0
    assert "is not a Lifestream backup" in refused.stderr
