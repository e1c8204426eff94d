"""A read replica (`DATABASE_REPLICA_URL`, lifestream/core/replica.py): reads go to it, a
visitor who wrote reads from the primary for a few seconds, the filter index and listings stay
whole, and a replica that stops answering leaves every read to the primary.

The replica here is a copy of the primary taken before a work was added to the primary alone,
which is what a replica a moment behind looks like: a work only the primary has shows which
database a read went to. The archive runs in a `manage.py shell` of its own with both
databases configured (SQLite files, or scratch PostgreSQL databases on the suite's server)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from scratch_databases import admin_execute, scratch_names, server_address

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
from lifestream.testing import make_user, make_work
author = make_user("replica_author")
print(make_work(author, title="Before the copy").pk)
"""

AFTER_THE_COPY = """
from people.models import User
from lifestream.testing import make_work
print(make_work(User.objects.get(username="replica_author"), title="After the copy").pk)
"""

CHECK = """
import json
from django.test import Client
from lifestream.core import replica
from works.models import Work

before, after = {before}, {after}
out = {{}}
out["replica_has_the_new_work"] = Work.objects.filter(pk=after).exists()
with replica.primary():
    out["primary_has_the_new_work"] = Work.objects.filter(pk=after).exists()
guest = Client(HTTP_HOST="localhost")
out["new_work_page_for_a_guest"] = guest.get(f"/works/{{after}}").status_code
listing = guest.get("/works").content.decode()
out["listing_has_the_new_work"] = "After the copy" in listing
out["listing_has_the_old_work"] = "Before the copy" in listing
kudos = guest.post(f"/works/{{before}}/kudos")
out["kudos_answer"] = kudos.status_code
pin = kudos.cookies.get("lifestream_primary")
out["pinned_for"] = pin["max-age"] if pin else None
out["new_work_page_after_writing"] = guest.get(f"/works/{{after}}").status_code
other = Client(HTTP_HOST="localhost")
out["new_work_page_for_another_guest"] = other.get(f"/works/{{after}}").status_code
print(json.dumps(out))
"""

BROKEN = """
import json
from django.test import Client
from works.models import Work
print(json.dumps({{
    "found": Work.objects.filter(pk={after}).exists(),
    "page": Client(HTTP_HOST="localhost").get("/works/{after}").status_code,
}}))
"""


@pytest.fixture
def addresses(tmp_path) -> Iterator[tuple[str, str, str]]:
    """(primary, replica, engine): SQLite files, or scratch databases on the suite's server."""
    if connection.vendor != "postgresql":
        yield (
            f"sqlite:///{tmp_path / 'primary.sqlite3'}",
            f"sqlite:///{tmp_path / 'replica.sqlite3'}",
            "sqlite",
        )
        return
    with scratch_names(2, create=1) as names:
        server = server_address()
        yield f"{server}/{names[0]}", f"{server}/{names[1]}", "postgresql"


def _manage(tmp_path: Path, primary: str, replica: str, *args: str) -> str:
    env = {**os.environ, "LIFESTREAM_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": primary}
    env.pop("DATABASE_REPLICA_URL", None)
    if replica:
        env["DATABASE_REPLICA_URL"] = replica
    done = subprocess.run(  # the suite's own interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _copy(primary: str, replica: str, engine: str) -> None:
    if engine == "sqlite":
        source = sqlite3.connect(primary.removeprefix("sqlite:///"))
        target = sqlite3.connect(replica.removeprefix("sqlite:///"))
        source.backup(target)
        source.close()
        target.close()
        return
    source_name, replica_name = primary.rsplit("/", 1)[1], replica.rsplit("/", 1)[1]
    admin_execute(f'CREATE DATABASE "{replica_name}" TEMPLATE "{source_name}"')


def test_reads_go_to_the_replica_and_a_writer_reads_its_own_writes(tmp_path, addresses):
    primary, replica, engine = addresses
    shell = ("shell", "--no-imports", "-c")
    _manage(tmp_path, primary, "", "migrate", "--noinput", "--verbosity", "0")
    _manage(tmp_path, primary, "", "createcachetable")
    before = int(_manage(tmp_path, primary, "", *shell, SETUP))
    _copy(primary, replica, engine)
    after = int(_manage(tmp_path, primary, "", *shell, AFTER_THE_COPY))

    seen = json.loads(
        _manage(tmp_path, primary, replica, *shell, CHECK.format(before=before, after=after))
    )
    assert seen["replica_has_the_new_work"] is False  # an ordinary read went to the replica
    assert seen["primary_has_the_new_work"] is True
    assert seen["new_work_page_for_a_guest"] == 404  # not there yet, for whoever reads it
    # The filter index reads the primary, and the listing fetches what the replica lacks.
    assert seen["listing_has_the_new_work"] is True
    assert seen["listing_has_the_old_work"] is True
    assert seen["kudos_answer"] == 302
    assert seen["pinned_for"] == 5
    # Having written, the guest reads from the primary; another guest still from the replica.
    assert seen["new_work_page_after_writing"] == 200
    assert seen["new_work_page_for_another_guest"] == 404

    # A replica that stops answering with an archive leaves every read to the primary.
    if engine == "sqlite":
        Path(replica.removeprefix("sqlite:///")).write_bytes(b"")
    else:
        admin_execute(f'DROP DATABASE "{replica.rsplit("/", 1)[1]}" WITH (FORCE)')
    broken = json.loads(_manage(tmp_path, primary, replica, *shell, BROKEN.format(after=after)))
    assert broken == {"found": True, "page": 200}
