"""SQLite FTS5: one row per work in `search_fts` (rowid = work id), one column per field.

Columns hold the tokens of `search.text.tokens` joined by spaces, with BOUNDARY between entries
(tags, names, chapter parts) so that phrases never run from one into the next. The tokenizer
declared in the migration (unicode61, diacritics removed, marks and private-use characters as
token characters) splits that text exactly where it was joined. `search_fts_work` lists the indexed
works, for queries that only exclude ("-sephiroth": every work without it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from django.db import connection

from search.text.documents import WorkDocument
from search.text.query import And, Node, Not, Or, Term
from search.text.tokens import BOUNDARY, tokens

from .base import FIELD_WEIGHTS, FIELDS, IdArray, TextBackend

_BATCH = 500
_COLUMNS = (*FIELDS, "body")
_BM25 = "bm25(search_fts, {})".format(", ".join(str(FIELD_WEIGHTS[name]) for name in _COLUMNS))


def _joined(entries: Sequence[str]) -> str:
    parts = [" ".join(found) for found in map(tokens, entries) if found]
    return f" {BOUNDARY} ".join(parts)


def columns(document: WorkDocument) -> tuple[str, ...]:
    """The column values of `document`, in `_COLUMNS` order."""
    return (
        _joined([document.title]),
        _joined([document.summary]),
        _joined(document.notes),
        _joined(document.creators),
        _joined(document.tags),
        _joined(document.body),
    )


# --- compiling a query ------------------------------------------------------------------------


def _term(term: Term) -> str:
    # Tokens are letters, digits and marks only, so quoting them is all the escaping FTS5 needs;
    # nothing the user typed can become an FTS5 operator.
    phrase = '"' + " ".join(term.tokens) + '"' + (" *" if term.prefix else "")
    return f"{{{term.field}}} : {phrase}" if term.field else phrase


def _join(operator: str, expressions: list[str]) -> str:
    if len(expressions) == 1:
        return expressions[0]
    return f" {operator} ".join(f"({expression})" for expression in expressions)


def compile_match(node: Node) -> tuple[str, bool]:
    """An FTS5 MATCH expression E and whether the query means "not E".

    FTS5's NOT is binary ("a NOT b") and there is no "everything", so negations are pushed up:
    an AND of positives and negatives is "(p1 AND p2) NOT (n1 OR n2)"; an OR with a negative
    child becomes the complement of an AND (De Morgan); what is left negative at the top is
    answered as "every indexed work except the matches of E"."""
    if isinstance(node, Term):
        return _term(node), False
    if isinstance(node, Not):
        expression, negated = compile_match(node.child)
        return expression, not negated
    compiled = [compile_match(child) for child in node.children]
    positives = [expression for expression, negated in compiled if not negated]
    negatives = [expression for expression, negated in compiled if negated]
    if isinstance(node, And):
        if not positives:
            return _join("OR", negatives), True
        if not negatives:
            return _join("AND", positives), False
        return f"({_join('AND', positives)}) NOT ({_join('OR', negatives)})", False
    assert isinstance(node, Or)
    if not negatives:
        return _join("OR", positives), False
    if not positives:
        return _join("AND", negatives), True
    return f"({_join('AND', negatives)}) NOT ({_join('OR', positives)})", True


def _chunks(values: Sequence[int], size: int = _BATCH) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _ids(rows: list[tuple[int, ...]]) -> IdArray:
    found = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    found.sort()
    return found


class Fts5Backend(TextBackend):
    vendor = "sqlite"

    def replace(self, documents: Sequence[WorkDocument], remove_ids: Sequence[int]) -> None:
        stale = [document.work_id for document in documents] + list(remove_ids)
        with connection.cursor() as cursor:
            for chunk in _chunks(stale):
                # Only placeholders go into the statement; the ids are parameters.
                marks = ", ".join(["%s"] * len(chunk))
                delete_rows = f"DELETE FROM search_fts WHERE rowid IN ({marks})"  # noqa: S608  # placeholders only
                delete_ids = f"DELETE FROM search_fts_work WHERE work_id IN ({marks})"  # noqa: S608  # placeholders only
                cursor.execute(delete_rows, list(chunk))
                cursor.execute(delete_ids, list(chunk))
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, summary, notes, creators, tags, body)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(document.work_id, *columns(document)) for document in documents],
            )
            cursor.executemany(
                "INSERT INTO search_fts_work (work_id) VALUES (%s)",
                [(document.work_id,) for document in documents],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")
            cursor.execute("DELETE FROM search_fts_work")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")

    def indexed_ids(self) -> IdArray:
        with connection.cursor() as cursor:
            cursor.execute("SELECT work_id FROM search_fts_work")
            return _ids(cursor.fetchall())

    def matching_ids(self, node: Node | None) -> IdArray:
        if node is None:
            return self.indexed_ids()
        expression, negated = compile_match(node)
        with connection.cursor() as cursor:
            if negated:
                cursor.execute(
                    "SELECT work_id FROM search_fts_work WHERE work_id NOT IN"
                    " (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",
                    [expression],
                )
            else:
                cursor.execute(
                    "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression]
                )
            return _ids(cursor.fetchall())

    def ranked(
        self, node: Node | None, candidates: IdArray | None, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        params: list[Any] = []
        if node is None:
            sql = "SELECT work_id, 0.0 FROM search_fts_work WHERE 1"
            order = "work_id DESC"
            id_column = "work_id"
        else:
            expression, negated = compile_match(node)
            params.append(expression)
            if negated:
                sql = (
                    "SELECT work_id, 0.0 FROM search_fts_work WHERE work_id NOT IN"
                    " (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
                )
                order = "work_id DESC"
                id_column = "work_id"
            else:
                sql = (
                    f"SELECT rowid, -{_BM25} AS score FROM search_fts"  # noqa: S608  # constants
                    " WHERE search_fts MATCH %s"
                )
                order = "score DESC, rowid DESC"
                id_column = "rowid"
        if candidates is not None:
            # The unary + keeps SQLite from handing the id list to FTS5 as rowid constraints,
            # which would run the whole MATCH once per candidate; filtered as rows stream out.
            sql += f" AND +{id_column} IN (SELECT value FROM json_each(%s))"  # noqa: S608  # a column name constant
            params.append(json.dumps(np.asarray(candidates, dtype=np.int64).tolist()))
        sql += f" ORDER BY {order} LIMIT %s OFFSET %s"
        params += [max(0, int(limit)), max(0, int(offset))]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(work_id), float(score)) for work_id, score in cursor.fetchall()]
