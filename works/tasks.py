"""Background jobs of works: posting what was scheduled, at its moment."""

from __future__ import annotations

from django_tasks import task

from .services import release_chapter, release_due, release_work


@task()
def post_scheduled(work_id: int | None, chapter_id: int | None) -> None:
    """Post the scheduled work or chapter whose moment this task was queued for, then anything
    else overdue (a worker that was down catches up). Posting twice is impossible: a task run
    again, or late, finds it posted and does nothing, so subscribers are told once."""
    if work_id is not None:
        release_work(work_id)
    if chapter_id is not None:
        release_chapter(chapter_id)
    release_due()
