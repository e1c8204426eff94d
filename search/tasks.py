"""Background jobs of search: indexing the many works one wrangling or rename touched."""

from __future__ import annotations

from django_tasks import task

from .indexing import works_of_pseud, works_tagged
from .text import index_works


@task()
def reindex_tagged_works(tag_ids: list[int]) -> None:
    """Reindex the works carrying any of these tags, as they are when the task runs."""
    index_works(works_tagged(tag_ids))


@task()
def reindex_pseud_works(pseud_id: int) -> None:
    """Reindex the works credited to this pseud, as they are when the task runs."""
    index_works(works_of_pseud(pseud_id))
