"""The interface every text backend implements, and the null backend."""

from __future__ import annotations

import abc
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from search.text.documents import WorkDocument
from search.text.query import Node

IdArray = NDArray[np.int64]

# The parts of a work that field operators name, in FTS5 column order; "body" has no operator.
FIELDS = ("title", "summary", "notes", "creators", "tags")
# How much a match counts, by field: a word in the title says more about a work than the same
# word somewhere in its chapters.
FIELD_WEIGHTS = {
    "title": 10.0,
    "summary": 4.0,
    "notes": 2.0,
    "creators": 6.0,
    "tags": 6.0,
    "body": 1.0,
}


def id_array(values: Sequence[int] | NDArray[np.int64]) -> IdArray:
    """Sorted, unique work ids as int64."""
    return np.unique(np.asarray(values, dtype=np.int64))


class TextBackend(abc.ABC):
    """A full-text index of works. Writes happen in the caller's transaction."""

    vendor: str = ""

    @abc.abstractmethod
    def replace(self, documents: Sequence[WorkDocument], remove_ids: Sequence[int]) -> None:
        """Index `documents` (replacing what each work had) and drop `remove_ids`."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every work from the index."""

    @abc.abstractmethod
    def indexed_ids(self) -> IdArray:
        """The ids of every indexed work, sorted."""

    @abc.abstractmethod
    def matching_ids(self, node: Node | None) -> IdArray:
        """The ids of every work matching `node` (all indexed works for None), sorted."""

    @abc.abstractmethod
    def ranked(
        self, node: Node | None, candidates: IdArray | None, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        """(work id, score) of matches among `candidates` (None: all), best first."""

    def optimize(self) -> None:  # noqa: B027  # optional: most backends have nothing to do
        """Compact the index after a bulk load."""


class NullBackend(TextBackend):
    """For databases without a text engine here: nothing is indexed and nothing matches."""

    vendor = "null"

    def replace(self, documents: Sequence[WorkDocument], remove_ids: Sequence[int]) -> None:
        return None

    def clear(self) -> None:
        return None

    def indexed_ids(self) -> IdArray:
        return np.empty(0, dtype=np.int64)

    def matching_ids(self, node: Node | None) -> IdArray:
        return np.empty(0, dtype=np.int64)

    def ranked(
        self, node: Node | None, candidates: IdArray | None, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        return []
