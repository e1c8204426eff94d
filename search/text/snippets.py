"""Highlighted excerpts of chapter text for search results, the same on every backend.

Built in Python from the chapters' plain text (html_to_text of the sanitised HTML) with the
tokenizer of the index, so a snippet highlights exactly what matched. Everything in it is escaped
text except the <mark> elements added here: stored text is never trusted as HTML.
"""

from __future__ import annotations

import bisect
import html
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from lifestream.core.text import html_to_text
from works.models import Chapter

from .query import Node, Term, positive_terms
from .tokens import fold, token_spans

WINDOW_TOKENS = 32
_BEFORE = 8  # tokens of context before the first match in the window
_MAX_CANDIDATES = 400
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    chapter_id: int
    chapter_position: int
    html: SafeString


def _occurrences(words: list[str], term: Term, limit: int = 2000) -> list[int]:
    """Token indexes where `term` starts in `words`."""
    first, size = term.tokens[0], len(term.tokens)
    last = size - 1
    found: list[int] = []
    for index in range(len(words) - size + 1):
        word = words[index]
        if size == 1 and term.prefix:
            if not word.startswith(first):
                continue
        elif word != first:
            continue
        if all(
            words[index + offset].startswith(expected)
            if term.prefix and offset == last
            else words[index + offset] == expected
            for offset, expected in enumerate(term.tokens[1:], start=1)
        ):
            found.append(index)
            if len(found) >= limit:
                break
    return found


def _excerpt(text: str, terms: list[Term]) -> str | None:
    spans = list(token_spans(text))
    words = [token for _, _, token in spans]
    matches: list[tuple[int, int, int]] = []  # (first token, last token, term number)
    for number, term in enumerate(terms):
        for index in _occurrences(words, term):
            matches.append((index, index + len(term.tokens) - 1, number))
    if not matches:
        return None
    matches.sort()
    starts = [first for first, _, _ in matches]

    best: tuple[int, int, int] | None = None  # (distinct terms, matches, -window start)
    for first, _, _ in matches[:_MAX_CANDIDATES]:
        window_start = max(0, first - _BEFORE)
        low = bisect.bisect_left(starts, window_start)
        high = bisect.bisect_left(starts, window_start + WINDOW_TOKENS)
        inside = [match for match in matches[low:high] if match[1] < window_start + WINDOW_TOKENS]
        score = (len({number for _, _, number in inside}), len(inside), -window_start)
        if best is None or score > best:
            best = score
    assert best is not None
    window_start = -best[2]
    window_end = min(len(spans), window_start + WINDOW_TOKENS)

    marked: list[tuple[int, int]] = []
    low = bisect.bisect_left(starts, window_start)
    for first, last, _ in matches[low:]:
        if first >= window_end:
            break
        if last < window_end:
            start, end = spans[first][0], spans[last][1]
            if marked and start <= marked[-1][1]:
                marked[-1] = (marked[-1][0], max(end, marked[-1][1]))
            else:
                marked.append((start, end))

    # From the start or to the end of the text, show all of it (the closing full stop).
    begin = spans[window_start][0] if window_start > 0 else 0
    finish = spans[window_end - 1][1] if window_end < len(spans) else len(text)
    pieces: list[str] = ["…"] if window_start > 0 else []
    cursor = begin
    for start, end in marked:
        pieces.append(_escape(text[cursor:start]))
        pieces.append(f"<mark>{_escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(_escape(text[cursor:finish]))
    if window_end < len(spans):
        pieces.append("…")
    return "".join(pieces).strip()


# Long chapters are read in overlapping pieces: the excerpt comes from the first piece where the
# query could match, so a 100,000-word chapter costs about what a short one does.
_PIECE_CHARS = 4000
_PIECE_OVERLAP = 400


def _excerpt_from_chapter(text: str, terms: list[Term]) -> str | None:
    if len(text) <= _PIECE_CHARS:
        return _excerpt(text, terms)
    for start in range(0, len(text), _PIECE_CHARS - _PIECE_OVERLAP):
        piece = text[start : start + _PIECE_CHARS]
        if not _quick_score(fold(piece), terms):
            continue
        excerpt = _excerpt(piece, terms)
        if excerpt is not None:
            return "…" + excerpt if start and not excerpt.startswith("…") else excerpt
    return None


def _escape(text: str) -> str:
    return html.escape(_SPACE.sub(" ", text))


def _quick_score(folded: str, terms: list[Term]) -> int:
    """How many of the terms could be in a text, from substrings: cheap, to pick chapters."""
    return sum(all(token in folded for token in term.tokens) for term in terms)


def snippets(node: Node | None, work_ids: Iterable[int]) -> dict[int, Snippet]:
    """For each of `work_ids` whose posted chapters contain a word of the query, an excerpt of the
    chapter where the query matches best, matches in <mark>. Works that matched only in their
    title, summary, notes, creators or tags have no snippet."""
    terms = [term for term in positive_terms(node) if term.field is None]
    ids = sorted(set(work_ids))
    if not terms or not ids:
        return {}
    chapters = (
        Chapter.objects.filter(work_id__in=ids, work__posted=True, posted=True)
        .order_by("work_id", "position")
        .values_list("id", "work_id", "position", "body")
    )
    by_work: dict[int, list[tuple[int, int, int, str]]] = defaultdict(list)
    for chapter_id, work_id, position, body in chapters:
        text = html_to_text(body)
        score = _quick_score(fold(text), terms)
        if score:
            by_work[work_id].append((score, -position, chapter_id, text))
    result: dict[int, Snippet] = {}
    for work_id, candidates in by_work.items():
        candidates.sort(reverse=True)
        for _, negative_position, chapter_id, text in candidates[:3]:
            excerpt = _excerpt_from_chapter(text, terms)
            if excerpt is not None:
                # Escaped piece by piece above; the only markup is our own <mark>.
                result[work_id] = Snippet(chapter_id, -negative_position, mark_safe(excerpt))
                break
    return result
