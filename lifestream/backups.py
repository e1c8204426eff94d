"""A whole archive in one file, taken while the site runs, and put back on an empty machine.

A backup is a gzipped tar holding:

- `manifest.json`: the format, when it was taken, the database engine, each app's newest
  applied migration, and the Lifestream version;
- `database.sqlite3` (SQLite's online backup API: a consistent copy while writers go on, as WAL
  lets readers and one writer work together) or `database.pgdump` (`pg_dump --format=custom`,
  one consistent snapshot of a running PostgreSQL);
- `media/`: what users uploaded (the data dir's `media`);
- `secret_key`: the data dir's key, which signs sessions and the links in sent emails. A backup
  is therefore as private as the server itself.

What any server rebuilds is left out: the downloads cache, the filter index (built at start),
collected static files. Restoring asks for an empty archive (no accounts and no works) unless
told `force`, and refuses a backup of the other engine: moving between SQLite and PostgreSQL is
`dumpdata`/`loaddata`'s work, not a restore's.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA = "media"
KEY_FILE = "secret_key"


class BackupError(Exception):
    """A backup or restore that cannot go on, with the reason in plain words."""


@dataclass(frozen=True)
class Manifest:
    format: int
    created_at: str
    engine: str
    migrations: dict[str, str]
    version: str

    @classmethod
    def read(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            manifest = cls(
                format=int(raw["format"]),
                created_at=str(raw["created_at"]),
                engine=str(raw["engine"]),
                migrations={str(k): str(v) for k, v in dict(raw["migrations"]).items()},
                version=str(raw.get("version", "")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"the backup's {MANIFEST} cannot be read ({error})") from None
        if manifest.format != FORMAT:
            raise BackupError(
                f"the backup is of format {manifest.format}; this Lifestream reads format {FORMAT}"
            )
        if manifest.engine not in {"sqlite", "postgresql"}:
            raise BackupError(f"the backup names an unknown database engine: {manifest.engine}")
        return manifest


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups are made of SQLite and PostgreSQL archives, not {vendor}")
    return vendor


def _newest_migrations() -> dict[str, str]:
    newest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        newest[app] = max(newest.get(app, ""), name)
    return dict(sorted(newest.items()))


def _version() -> str:
    try:
        return metadata.version("lifestream")
    except metadata.PackageNotFoundError:
        return ""


def _pg_environment() -> dict[str, str]:
    """The libpq variables that point `pg_dump` and `pg_restore` at the archive's database."""
    database = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools)")
    done = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True)  # noqa: S603  # fixed arguments
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.returncode}")


def _copy_sqlite(target: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    destination = sqlite3.connect(target)
    try:
        # In one step: the copy is of one moment, however many writers come meanwhile.
        source.backup(destination)
    finally:
        destination.close()


def backup(output: Path) -> Manifest:
    """Write the whole archive to `output` (a `.tar.gz`), while the site goes on running.
    The file appears whole or not at all."""
    engine = _engine()
    manifest = Manifest(
        format=FORMAT,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        engine=engine,
        migrations=_newest_migrations(),
        version=_version(),
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lifestream-backup-", dir=output.parent) as scratch:
        work = Path(scratch)
        if engine == "sqlite":
            database = work / SQLITE_FILE
            _copy_sqlite(database)
        else:
            database = work / PG_FILE
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(database)]
            )
        partial = work / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest.__dict__, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now(dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(database, arcname=database.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname=MEDIA)
            key = Path(settings.DATA_DIR) / KEY_FILE
            if key.is_file():
                tar.add(key, arcname=KEY_FILE)
        os.replace(partial, output)
    output.chmod(0o600)
    return manifest


def _is_empty() -> bool:
    from people.models import User
    from works.models import Work

    tables = connection.introspection.table_names()
    if User._meta.db_table not in tables:
        return True
    return not User.objects.exists() and not Work.objects.exists()


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts:
            raise BackupError(f"the backup holds a path outside the archive: {member.name}")
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"the backup holds something that is not a file: {member.name}")
        members.append(member)
    return members


def restore(archive: Path, *, force: bool = False) -> Manifest:
    """Put the archive backed up in `archive` in place of this one's database, media and key,
    then bring its tables to this version (`migrate`). The site must be stopped meanwhile."""
    if not archive.is_file():
        raise BackupError(f"there is no backup at {archive}")
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115  # closed by the `with` below
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive} is not a Lifestream backup ({error})") from None
    with tar, tempfile.TemporaryDirectory(prefix="lifestream-restore-") as scratch:
        try:
            members = _safe_members(tar)
            names = {member.name for member in members}
            if MANIFEST not in names:
                raise BackupError(f"{archive} has no {MANIFEST}: it is not a Lifestream backup")
            handle = tar.extractfile(MANIFEST)
            assert handle is not None
            manifest = Manifest.read(handle.read())
            engine = _engine()
            if manifest.engine != engine:
                raise BackupError(
                    f"the backup is of a {manifest.engine} archive and this one runs on {engine}"
                )
            database_name = SQLITE_FILE if engine == "sqlite" else PG_FILE
            if database_name not in names:
                raise BackupError(f"the backup has no {database_name}")
            if not force and not _is_empty():
                raise BackupError(
                    "this archive already has accounts or works; restore into an empty one, "
                    "or pass --force to replace everything in it"
                )
            tar.extractall(scratch, members=members, filter="data")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{archive} cannot be read whole ({error})") from None
        unpacked = Path(scratch)
        if engine == "sqlite":
            _replace_sqlite(unpacked / SQLITE_FILE)
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--dbname",
                    _pg_environment().get("PGDATABASE", ""),
                    str(unpacked / PG_FILE),
                ]
            )
        if (unpacked / MEDIA).is_dir():
            shutil.copytree(unpacked / MEDIA, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
        if (unpacked / KEY_FILE).is_file():
            key = Path(settings.DATA_DIR) / KEY_FILE
            shutil.copyfile(unpacked / KEY_FILE, key)
            key.chmod(0o600)
    call_command("migrate", interactive=False, verbosity=0)
    return manifest


def _replace_sqlite(copy: Path) -> None:
    try:
        check = sqlite3.connect(copy)
        try:
            (result,) = check.execute("PRAGMA integrity_check").fetchone()
        finally:
            check.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"the backup's database is damaged ({error})") from None
    if result != "ok":
        raise BackupError(f"the backup's database is damaged ({result})")
    name = str(connection.settings_dict["NAME"])
    connection.close()
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("an in-memory database cannot be restored into")
    target = Path(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (Path(f"{name}-wal"), Path(f"{name}-shm")):
        leftover.unlink(missing_ok=True)
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, staged)
    os.replace(staged, target)
