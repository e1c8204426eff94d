"""The text index's tables, which depend on the database: an FTS5 table on SQLite, tsvector
tables with GIN indexes on PostgreSQL (search/text/backends/)."""

from django.db import migrations

SQLITE = [
    # unicode61 with diacritics removed; marks (M*) and private-use characters (Co) count as token
    # characters, so the pre-tokenized text of search.text.tokens splits exactly where it was joined.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, summary, notes, creators, tags, body,
        tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
        detail = full
    )""",
    "CREATE TABLE search_fts_work (work_id INTEGER PRIMARY KEY)",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_fts_work", "DROP TABLE IF EXISTS search_fts"]

POSTGRESQL = [
    """CREATE TABLE search_pg_work (
        work_id bigint PRIMARY KEY,
        meta tsvector NOT NULL,
        words tsvector NOT NULL
    )""",
    "CREATE INDEX search_pg_work_meta ON search_pg_work USING gin (meta)",
    "CREATE INDEX search_pg_work_words ON search_pg_work USING gin (words)",
    """CREATE TABLE search_pg_passage (
        work_id bigint NOT NULL,
        seq integer NOT NULL,
        body tsvector NOT NULL,
        PRIMARY KEY (work_id, seq)
    )""",
    "CREATE INDEX search_pg_passage_body ON search_pg_passage USING gin (body)",
]
POSTGRESQL_REVERSE = [
    "DROP TABLE IF EXISTS search_pg_passage",
    "DROP TABLE IF EXISTS search_pg_work",
]

STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE), "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}


def _run(schema_editor, reverse):
    forward, backward = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    for statement in backward if reverse else forward:
        schema_editor.execute(statement)


def create(apps, schema_editor):
    _run(schema_editor, reverse=False)


def drop(apps, schema_editor):
    _run(schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create, drop, elidable=False)]
