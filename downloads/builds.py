"""The formats built in a task (Calibre's): building each version once, and waiting for a build
within a bound.

The files in a work's cache folder are the state every process shares: `VERSION.EXT` is a
finished file, a `EXT-*.part` folder a build under way, `VERSION.EXT.failed` a build of that
version that failed (with the reason), and `.EXT.lock` is held while a build of that format runs,
so two workers never convert the same work at once."""

from __future__ import annotations

import fcntl
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .book import Book
from .formats import ConversionFailed, Format, built_file, cached_file, scratch_prefix

# After this a failed version may be tried again (Calibre may have been busy or restarted).
RETRY_FAILED_AFTER = 600
# How often a waiting request looks for the finished file.
POLL_SECONDS = 0.25


class BuildFailed(Exception):
    """The last build of this version of the work in this format failed."""


def _failure_marker(book: Book, fmt: Format) -> Path:
    path = cached_file(book, fmt)
    return path.with_name(f"{path.name}.failed")


def failure(book: Book, fmt: Format) -> str | None:
    """Why the last build of this version failed, if it did recently enough to not retry."""
    marker = _failure_marker(book, fmt)
    try:
        if time.time() - marker.stat().st_mtime < RETRY_FAILED_AFTER:
            return marker.read_text(encoding="utf-8") or "the conversion failed"
    except FileNotFoundError:
        pass
    return None


@contextmanager
def _build_lock(folder: Path, fmt: Format) -> Iterator[None]:
    # flock is released by the kernel if the holder dies, so a killed worker never wedges it.
    with (folder / f".{fmt.extension}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_once(book: Book, fmt: Format) -> Path:
    """Build and cache `book` in `fmt` unless it is cached, one build per work and format at a
    time across processes. Raises BuildFailed (and records why) if the conversion fails."""
    path = cached_file(book, fmt)
    if path.exists():
        return path
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    with _build_lock(folder, fmt):
        # Scratch folders of this format are only ever made under the lock: any left now are
        # from a worker that was killed mid-build.
        for stale in folder.glob(f"{scratch_prefix(fmt)}*.part"):
            shutil.rmtree(stale, ignore_errors=True)
        if path.exists():  # built by whoever held the lock before
            return path
        marker = _failure_marker(book, fmt)
        try:
            built = built_file(book, fmt)
        except ConversionFailed as error:
            marker.write_text(str(error), encoding="utf-8")
            raise BuildFailed(str(error)) from error
        marker.unlink(missing_ok=True)
        for old in folder.glob(f"*.{fmt.extension}.failed"):
            old.unlink(missing_ok=True)
        return built


def wait_for_build(book: Book, fmt: Format, seconds: float) -> Path | None:
    """The file once the queued build of `book` has finished, or None if it hasn't within
    `seconds`. Only the file system is looked at, so the wait holds no database transaction or
    lock. Raises BuildFailed."""
    path = cached_file(book, fmt)
    deadline = time.monotonic() + seconds
    while True:
        if path.exists():
            return path
        reason = failure(book, fmt)
        if reason is not None:
            raise BuildFailed(reason)
        if time.monotonic() >= deadline:
            return None
        time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0)))
