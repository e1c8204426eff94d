"""Django's `flush`, able to empty the append-only audit log too.

The audit log's triggers (people/0011) refuse every DELETE unless `people_auditlog_unlock`
holds a row. Emptying the whole database is the one time its entries may go: this puts the
row there inside the same transaction as the flush and takes it out again, so no other
connection ever sees the log unlocked."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections, transaction

UNLOCK_TABLE = "people_auditlog_unlock"


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        connection = connections[database]
        if UNLOCK_TABLE not in connection.introspection.table_names():
            super().handle(**options)
            return
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {UNLOCK_TABLE} (id) VALUES (1)")  # noqa: S608  # a constant name
            super().handle(**options)
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {UNLOCK_TABLE}")  # noqa: S608  # a constant name
