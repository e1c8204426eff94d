"""A private MariaDB server that reads a mysqldump the way MySQL wrote it.

eFiction archives leave `mysqldump` output: MySQL's string escapes, `SET NAMES`, latin1 tables,
`/*!40101 … */` conditional comments, multi-row INSERTs. Rather than parse that text ourselves,
the dump is loaded into a throwaway MariaDB server (Debian's `mariadb-server`) started on a
socket in a temporary folder, with no network port, no grant tables and no binary log, and the
rows are read back as JSON (one `JSON_ARRAY` per row, in UTF-8), streamed from the `mariadb`
client. The server and its folder go when the import ends."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

DATABASE = "efiction"
START_TIMEOUT = 60.0


class MariaDBMissing(RuntimeError):
    """The server or the client is not installed."""


class DumpRefused(RuntimeError):
    """MariaDB could not load the dump (not SQL, or cut short)."""


def find_programs() -> tuple[str, str] | None:
    """The server and the client programs, or None when MariaDB is not installed."""
    server = shutil.which("mariadbd") or shutil.which("mysqld")
    if server is None:
        for candidate in ("/usr/sbin/mariadbd", "/usr/sbin/mysqld"):
            if os.access(candidate, os.X_OK):
                server = candidate
                break
    client = shutil.which("mariadb") or shutil.which("mysql")
    if server is None or client is None:
        return None
    return server, client


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class DumpServer:
    """`with DumpServer() as server: server.load(path); server.rows(...)`."""

    def __init__(self) -> None:
        programs = find_programs()
        if programs is None:
            raise MariaDBMissing(
                "MariaDB is needed to read the dump: install Debian's mariadb-server "
                "(apt-get install mariadb-server); the import starts its own private server."
            )
        self.server_program, self.client_program = programs
        self.folder = Path(tempfile.mkdtemp(prefix="lifestream-efiction-"))
        self.socket = self.folder / "mariadb.sock"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> DumpServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        data = self.folder / "data"
        data.mkdir()
        command = [
            self.server_program,
            "--no-defaults",
            f"--datadir={data}",
            f"--socket={self.socket}",
            f"--pid-file={self.folder / 'mariadb.pid'}",
            f"--log-error={self.folder / 'error.log'}",
            "--skip-networking",
            "--skip-grant-tables",
            "--skip-log-bin",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_general_ci",
            # Old MySQL's forgiving mode, the one eFiction's dumps were written under: a
            # '0000-00-00' date or an over-long value loads (with a warning) instead of
            # stopping the load.
            "--sql-mode=",
            "--innodb-buffer-pool-size=256M",
            "--max-allowed-packet=1G",
            # The rows are streamed while the import writes each story: the server must wait
            # for a slow reader instead of dropping it after a minute (MariaDB's default),
            # which would end the stream early.
            "--net-write-timeout=31536000",
            "--net-read-timeout=31536000",
        ]
        if os.geteuid() == 0:
            # MariaDB refuses to run as root unless told to.
            command.append("--user=root")
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments, the server found on the PATH
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise MariaDBMissing(f"MariaDB did not start: {self._log_tail()}")
            if self.socket.exists() and self._ping():
                break
            time.sleep(0.1)
        else:
            self.stop()
            raise MariaDBMissing("MariaDB did not start within a minute.")
        self.execute(f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4")

    def _log_tail(self) -> str:
        try:
            lines = (self.folder / "error.log").read_text(errors="replace").splitlines()
        except OSError:
            return "no error log"
        return " ".join(line for line in lines[-5:] if "[ERROR]" in line) or "see its log"

    def _client(self, *extra: str, database: bool = True) -> list[str]:
        command = [
            self.client_program,
            "--no-defaults",
            f"--socket={self.socket}",
            "--user=root",
            "--default-character-set=utf8mb4",
            "--batch",
            "--skip-column-names",
            "--raw",
            "--quick",
            *extra,
        ]
        if database:
            command.append(DATABASE)
        return command

    def _ping(self) -> bool:
        done = subprocess.run(  # noqa: S603
            self._client("--execute=SELECT 1", database=False),
            capture_output=True,
            check=False,
        )
        return done.returncode == 0

    def execute(self, sql: str) -> str:
        done = subprocess.run(  # noqa: S603
            self._client(f"--execute={sql}", database=sql.startswith("CREATE DATABASE") is False),
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            raise DumpRefused(done.stderr.decode("utf-8", "replace").strip())
        return done.stdout.decode("utf-8", "replace")

    def load(self, dump: Path, charset: str = "utf8mb4") -> None:
        """Load the dump. `charset` is what its text is in when it says nothing (`SET NAMES`
        in the dump wins); `--force` goes on past a bad statement, which is reported."""
        with dump.open("rb") as stream:
            done = subprocess.run(  # noqa: S603
                [
                    *self._client(f"--default-character-set={charset}", "--force"),
                ],
                stdin=stream,
                capture_output=True,
                check=False,
            )
        self.load_errors = [
            line
            for line in done.stderr.decode("utf-8", "replace").splitlines()
            if line.startswith("ERROR")
        ]
        if not self.tables():
            raise DumpRefused(
                "MariaDB could not read this file as a MySQL dump: "
                + (self.load_errors[0] if self.load_errors else "no table in it")
            )

    def tables(self) -> set[str]:
        return {line for line in self.execute("SHOW TABLES").splitlines() if line}

    def columns(self, table: str) -> list[str]:
        out = self.execute(f"SHOW COLUMNS FROM {_quote(table)}")
        return [line.split("\t", 1)[0] for line in out.splitlines() if line]

    def count(self, table: str) -> int:
        # Names are quoted by _quote; nothing else is spliced into the SQL.
        return int(self.execute(f"SELECT COUNT(*) FROM {_quote(table)}").strip() or 0)  # noqa: S608

    def rows(
        self, table: str, columns: list[str], order_by: list[str] | None = None
    ) -> Iterator[dict]:
        """Every row of `table` as a dict of `columns` (those the table lacks are None),
        streamed in `order_by` order. Text comes back as str, numbers as numbers, dates as
        'YYYY-MM-DD HH:MM:SS' strings."""
        present = set(self.columns(table))
        chosen = [column for column in columns if column in present]
        if not chosen:
            return
        select = ", ".join(_quote(column) for column in chosen)
        sql = f"SELECT JSON_ARRAY({select}) FROM {_quote(table)}"  # noqa: S608 - quoted names
        order = [column for column in order_by or [] if column in present]
        if order:
            sql += " ORDER BY " + ", ".join(_quote(column) for column in order)
        process = subprocess.Popen(  # noqa: S603
            self._client(f"--execute={sql}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None and process.stderr is not None
        finished = False
        try:
            for line in process.stdout:
                values = json.loads(line)
                row = dict.fromkeys(columns)
                row.update(zip(chosen, values, strict=True))
                yield row
            finished = True
        finally:
            process.stdout.close()
            if not finished:
                process.kill()
            error = process.stderr.read().decode("utf-8", "replace").strip()
            process.stderr.close()
            code = process.wait()
        if code != 0:
            # Never a silently shortened table: a stream that broke off is an error.
            raise DumpRefused(f"reading {table} from MariaDB failed: {error or code}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)
