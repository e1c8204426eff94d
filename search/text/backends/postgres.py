"""PostgreSQL: tsvectors built here from the tokens of `search.text.tokens` (never by PostgreSQL's
text parser or a dictionary, so matching is the same as on SQLite), with GIN indexes.

A tsvector keeps at most 256 positions of a lexeme and none past 16,383, so one vector per work
could not answer phrases in long texts. The work is stored in two tables:

- `search_pg_work(work_id, meta, words)`: `meta` holds the title, summary, notes, creator names
  and tags with positions, each token twice: plain, and prefixed with its field ("_t:cloud") for
  field operators. `words` holds every lexeme of the work once, with a few positions standing for
  its frequency in each field class (weights A title, B creators and tags, C summary and notes,
  D chapters): it answers words and prefixes and gives `ts_rank` its figures.
- `search_pg_passage(work_id, seq, body)`: the chapters in passages of PASSAGE_TOKENS tokens that
  overlap by MAX_PHRASE_TOKENS - 1, so a phrase of up to MAX_PHRASE_TOKENS words (the parser's
  limit) lies whole in some passage, wherever it is in the work.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from django.db import connection

from search.text.documents import WorkDocument
from search.text.query import MAX_PHRASE_TOKENS, And, Node, Not, Term, positive_terms
from search.text.tokens import tokens

from .base import IdArray, TextBackend

logger = logging.getLogger(__name__)

PASSAGE_TOKENS = 2000
_OVERLAP = MAX_PHRASE_TOKENS - 1
_MAX_POSITION = 16383
_MAX_POSITIONS = 256
# A tsvector is at most 1 MB; stay well inside it.
_MAX_VECTOR_BYTES = 900_000
FIELD_CODES = {"title": "_t:", "summary": "_s:", "notes": "_n:", "creators": "_c:", "tags": "_g:"}
# Positions kept in `words` per lexeme and weight class, standing for term frequency.
_CLASS_CAPS = (4, 4, 4, 8)  # A, B, C, D
_RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A
_PASSAGE_EXISTS = (
    "EXISTS (SELECT 1 FROM search_pg_passage p WHERE p.work_id = w.work_id"
    " AND p.body @@ %s::tsquery)"
)


# --- building vectors -------------------------------------------------------------------------


def _literal(positions: dict[str, list[int]]) -> str:
    # Lexemes are letters, digits and marks (and our "_x:" field prefixes): no quote or
    # backslash to escape.
    return " ".join(
        f"'{lexeme}':{','.join(map(str, found[:_MAX_POSITIONS]))}"
        for lexeme, found in positions.items()
    )


def body_tokens(document: WorkDocument) -> list[list[str]]:
    return [tokens(part) for part in document.body]


def meta_vector(document: WorkDocument) -> str:
    positions: dict[str, list[int]] = defaultdict(list)
    position = 1
    fields = (
        ("title", [document.title]),
        ("summary", [document.summary]),
        ("notes", document.notes),
        ("creators", document.creators),
        ("tags", document.tags),
    )
    for field, entries in fields:
        code = FIELD_CODES[field]
        for entry in entries:
            for token in tokens(entry):
                if position > _MAX_POSITION:
                    break
                positions[token].append(position)
                positions[code + token].append(position)
                position += 1
            position += 1  # a gap: no phrase across two entries
    return _literal(positions)


# "1,2,…,n": the positions of a lexeme found n times in the chapters only (weight D, unlabelled).
_BODY_POSITIONS = [",".join(str(n) for n in range(1, count + 1)) for count in range(257)]


def words_vector(document: WorkDocument, body: list[list[str]] | None = None) -> str:
    body = body_tokens(document) if body is None else body
    labelled = (
        Counter(tokens(document.title)),
        Counter(token for entry in document.creators + document.tags for token in tokens(entry)),
        Counter(token for entry in [document.summary, *document.notes] for token in tokens(entry)),
    )
    in_body: Counter[str] = Counter()
    for part in body:
        in_body.update(part)
    in_meta = set().union(*labelled)

    def build(caps: Sequence[int]) -> str:
        entries = [
            f"'{lexeme}':{_BODY_POSITIONS[min(count, caps[3])]}"
            for lexeme, count in in_body.items()
            if lexeme not in in_meta
        ]
        for lexeme in in_meta:
            found: list[str] = []
            for counts, label, cap in zip((*labelled, in_body), "ABCD", caps, strict=True):
                suffix = "" if label == "D" else label
                for _ in range(min(counts.get(lexeme, 0), cap)):
                    found.append(f"{len(found) + 1}{suffix}")
            entries.append(f"'{lexeme}':{','.join(found)}")
        return " ".join(entries)

    vector = build(_CLASS_CAPS)
    if len(vector) > _MAX_VECTOR_BYTES // 4 and len(vector.encode()) > _MAX_VECTOR_BYTES:
        vector = build((1, 1, 1, 1))
    if len(vector) > _MAX_VECTOR_BYTES // 4 and len(vector.encode()) > _MAX_VECTOR_BYTES:
        # Millions of distinct words: keep the most frequent that fit. Only such a work's rarest
        # words go unfound on PostgreSQL; logged so the case is seen.
        logger.warning(
            "search: work %s has too many distinct words for a tsvector", document.work_id
        )
        total = in_body + labelled[0] + labelled[1] + labelled[2]
        kept, size = [], 0
        for lexeme, _ in total.most_common():
            size += len(lexeme.encode()) + 8
            if size > _MAX_VECTOR_BYTES // 2:
                break
            kept.append(f"'{lexeme}'")
        vector = " ".join(kept)
    return vector


def passage_vectors(document: WorkDocument, body: list[list[str]] | None = None) -> list[str]:
    """The chapters' tokens in overlapping passages, with a position gap between chapter parts."""
    body = body_tokens(document) if body is None else body
    stream: list[str | None] = []
    for found in body:
        if found:
            if stream:
                stream.append(None)
            stream.extend(found)
    vectors: list[str] = []
    start = 0
    while start < len(stream):
        positions: dict[str, list[int]] = defaultdict(list)
        for offset, token in enumerate(stream[start : start + PASSAGE_TOKENS], start=1):
            if token is not None:
                positions[token].append(offset)
        if positions:
            vectors.append(_literal(positions))
        if start + PASSAGE_TOKENS >= len(stream):
            break
        start += PASSAGE_TOKENS - _OVERLAP
    return vectors


# --- compiling a query ------------------------------------------------------------------------


def _lexeme(token: str, prefix: bool = False, code: str = "") -> str:
    return f"'{code}{token}'" + (":*" if prefix else "")


def _phrase(term: Term, code: str = "") -> str:
    last = len(term.tokens) - 1
    return " <-> ".join(
        _lexeme(token, term.prefix and index == last, code)
        for index, token in enumerate(term.tokens)
    )


def _is_word(node: Node) -> bool:
    """Answerable from `words` alone: unrestricted single words and their combinations."""
    if isinstance(node, Term):
        return node.field is None and len(node.tokens) == 1
    if isinstance(node, Not):
        return _is_word(node.child)
    return all(map(_is_word, node.children))


def _words_query(node: Node) -> str:
    if isinstance(node, Term):
        return _lexeme(node.tokens[0], node.prefix)
    if isinstance(node, Not):
        return f"!({_words_query(node.child)})"
    operator = " & " if isinstance(node, And) else " | "
    return "(" + operator.join(map(_words_query, node.children)) + ")"


def compile_where(node: Node) -> tuple[str, list[str]]:
    """A WHERE condition on `search_pg_work w` for `node`, and its parameters."""
    if _is_word(node):
        return "w.words @@ %s::tsquery", [_words_query(node)]
    if isinstance(node, Term):
        if node.field:
            return "w.meta @@ %s::tsquery", [_phrase(node, FIELD_CODES[node.field])]
        phrase = _phrase(node)
        return f"(w.meta @@ %s::tsquery OR {_PASSAGE_EXISTS})", [phrase, phrase]
    if isinstance(node, Not):
        inner, inner_params = compile_where(node.child)
        return f"NOT ({inner})", inner_params
    words = [child for child in node.children if _is_word(child)]
    others = [child for child in node.children if not _is_word(child)]
    parts: list[str] = []
    params: list[str] = []
    if words:
        combined = words[0] if len(words) == 1 else type(node)(tuple(words))
        parts.append("w.words @@ %s::tsquery")
        params.append(_words_query(combined))
    for child in others:
        sql, child_params = compile_where(child)
        parts.append(f"({sql})")
        params += child_params
    return (" AND " if isinstance(node, And) else " OR ").join(parts), params


def rank_query(node: Node | None) -> str:
    """Any of the words a match may contain, for ts_rank over `words`."""
    lexemes = dict.fromkeys(
        _lexeme(token, term.prefix and index == len(term.tokens) - 1)
        for term in positive_terms(node)
        for index, token in enumerate(term.tokens)
    )
    return " | ".join(lexemes)


def _ids(rows: list[tuple[int, ...]]) -> IdArray:
    found = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    found.sort()
    return found


def _chunks(values: Sequence[int], size: int = 1000) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


class PostgresBackend(TextBackend):
    vendor = "postgresql"

    def replace(self, documents: Sequence[WorkDocument], remove_ids: Sequence[int]) -> None:
        stale = [document.work_id for document in documents] + list(remove_ids)
        with connection.cursor() as cursor:
            for chunk in _chunks(stale):
                cursor.execute("DELETE FROM search_pg_passage WHERE work_id = ANY(%s)", [chunk])
                cursor.execute("DELETE FROM search_pg_work WHERE work_id = ANY(%s)", [chunk])
            if not documents:
                return
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            rows, passages = [], []
            for document in documents:
                body = body_tokens(document)
                rows.append((document.work_id, meta_vector(document), words_vector(document, body)))
                passages += [
                    (document.work_id, seq, vector)
                    for seq, vector in enumerate(passage_vectors(document, body))
                ]
            with raw.copy("COPY search_pg_work (work_id, meta, words) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            with raw.copy("COPY search_pg_passage (work_id, seq, body) FROM STDIN") as copy:
                for passage in passages:
                    copy.write_row(passage)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_pg_passage")
            cursor.execute("DELETE FROM search_pg_work")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            # Merge the GIN pending lists a bulk load leaves (entries there are rechecked
            # against the table on every query), then refresh the planner's statistics.
            for index in ("search_pg_work_meta", "search_pg_work_words", "search_pg_passage_body"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute("ANALYZE search_pg_work")
            cursor.execute("ANALYZE search_pg_passage")

    def indexed_ids(self) -> IdArray:
        with connection.cursor() as cursor:
            cursor.execute("SELECT work_id FROM search_pg_work")
            return _ids(cursor.fetchall())

    def matching_ids(self, node: Node | None) -> IdArray:
        if node is None:
            return self.indexed_ids()
        where, params = compile_where(node)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT w.work_id FROM search_pg_work w WHERE {where}", params)  # noqa: S608  # compiled, values are parameters
            return _ids(cursor.fetchall())

    def ranked(
        self, node: Node | None, candidates: IdArray | None, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        params: list[Any] = []
        ranking = rank_query(node)
        if ranking:
            score = f"ts_rank('{_RANK_WEIGHTS}', w.words, %s::tsquery)"
            params.append(ranking)
        else:
            score = "0.0"
        conditions = ["TRUE"]
        if node is not None:
            where, where_params = compile_where(node)
            conditions.append(f"({where})")
            params += where_params
        if candidates is not None:
            conditions.append("w.work_id = ANY(%s)")
            params.append(np.asarray(candidates, dtype=np.int64).tolist())
        params += [max(0, int(limit)), max(0, int(offset))]
        sql = (
            f"SELECT w.work_id, {score} AS score FROM search_pg_work w"  # noqa: S608  # compiled
            f" WHERE {' AND '.join(conditions)}"
            " ORDER BY score DESC, w.work_id DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(work_id), float(score)) for work_id, score in cursor.fetchall()]
