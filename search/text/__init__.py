"""The text search engine's interface. Callers parse with `search.text.query.parse`, then:

    from search import text
    parsed = parse(request_text)                 # parsed.text: the tree, parsed.filters: filters
    ids = text.matching_work_ids(parsed.text)    # every matching work id, a sorted int64 array
    page = text.ranked(parsed.text, candidates, limit=20, offset=0)   # [(work id, score)]
    excerpts = text.snippets(parsed.text, [work_id for work_id, _ in page])

The index holds every posted work, restricted ones included: `candidates` is where the caller
applies visibility and filters from the database (access.visibility), so a lagging index never
shows anyone a work they may not see. Writes: `index_works`, `remove_works`, `rebuild`; services
announce their changes (`lifestream.core.changes`) and `search.indexing` reindexes what changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from django.db import connection, transaction

from works.models import Work

from .backends.base import IdArray, NullBackend, TextBackend, id_array
from .documents import build_documents
from .query import Node
from .snippets import Snippet
from .snippets import snippets as _snippets

__all__ = [
    "Snippet",
    "TextBackend",
    "get_backend",
    "index_works",
    "matching_work_ids",
    "ranked",
    "rebuild",
    "remove_works",
    "snippets",
]

BATCH_SIZE = 500
_backends: dict[str, TextBackend] = {}


def get_backend() -> TextBackend:
    """The backend for the database in use, one instance per vendor."""
    vendor = connection.vendor
    backend = _backends.get(vendor)
    if backend is None:
        if vendor == "sqlite":
            from .backends.fts5 import Fts5Backend

            backend = Fts5Backend()
        elif vendor == "postgresql":
            from .backends.postgres import PostgresBackend

            backend = PostgresBackend()
        else:
            backend = NullBackend()
        _backends[vendor] = backend
    return backend


def index_works(work_ids: Iterable[int]) -> None:
    """Bring these works up to date in the index: posted works are (re)indexed with their posted
    chapters; drafts and works that no longer exist are removed."""
    ids = sorted(set(work_ids))
    backend = get_backend()
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        with transaction.atomic():
            documents = build_documents(batch)
            missing = [work_id for work_id in batch if work_id not in documents]
            backend.replace(list(documents.values()), missing)


def remove_works(work_ids: Iterable[int]) -> None:
    """Drop these works from the index."""
    ids = sorted(set(work_ids))
    if ids:
        with transaction.atomic():
            get_backend().replace([], ids)


def rebuild(*, batch_size: int = BATCH_SIZE, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the index from the database, batch by batch, and return the number of works
    indexed. Searches keep working meanwhile: each batch replaces its works in one transaction,
    and works no longer posted are removed at the end."""
    backend = get_backend()
    done = 0
    last_id = 0
    seen: list[IdArray] = []
    while True:
        batch = list(
            Work.objects.filter(posted=True, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            break
        last_id = batch[-1]
        with transaction.atomic():
            documents = build_documents(batch)
            backend.replace(list(documents.values()), [])
        seen.append(np.fromiter(documents, dtype=np.int64, count=len(documents)))
        done += len(documents)
        if progress is not None:
            progress(done)
    indexed = backend.indexed_ids()
    kept = np.concatenate(seen) if seen else np.empty(0, dtype=np.int64)
    # Indexed but not seen: deleted or unposted since, or posted after the scan passed them
    # (their own reindex may already have run). index_works decides each from the database.
    gone = np.setdiff1d(indexed, kept)
    if len(gone):
        index_works(gone.tolist())
    backend.optimize()
    return done


def matching_work_ids(query: Node | None) -> IdArray:
    """The ids of every indexed work matching `query` (a parsed tree), sorted. None matches
    every indexed work. Visibility is not applied here."""
    return get_backend().matching_ids(query)


def ranked(
    query: Node | None,
    candidates: IdArray | Sequence[int] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[tuple[int, float]]:
    """(work id, score) of the works matching `query`, best first (higher scores are better;
    title, creator and tag matches count more than matches in the chapters). With
    `candidates`, only those works are ranked: pass the ids the viewer may see that pass the
    filters."""
    if candidates is not None:
        candidates = id_array(candidates)
        if not len(candidates):
            return []
    return get_backend().ranked(query, candidates, limit, offset)


def snippets(query: Node | None, work_ids: Iterable[int]) -> dict[int, Snippet]:
    """Highlighted excerpts from the chapter of each work where `query` matches best."""
    return _snippets(query, work_ids)


def timed_rebuild(progress: Callable[[int], None] | None = None) -> tuple[int, float]:
    start = time.perf_counter()
    count = rebuild(progress=progress)
    return count, time.perf_counter() - start
