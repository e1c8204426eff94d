"""Empty PostgreSQL databases of a test's own on the suite's server, for archives run in a
subprocess (backups restored, a replica a moment behind), dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def server_address() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"


def admin_execute(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_address()}/postgres", autocommit=True) as admin:
        admin.execute(statement)


@contextmanager
def scratch_names(count: int, *, create: int | None = None) -> Iterator[list[str]]:
    """`count` fresh database names on the suite's server, the first `create` of them (all, by
    default) created empty; every one of them is dropped afterwards, if it exists."""
    names = [f"lifestream_scratch_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    for name in names[: count if create is None else create]:
        admin_execute(f'CREATE DATABASE "{name}"')
    try:
        yield names
    finally:
        for name in names:
            admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
