"""The one tokenizer of the search index, shared by both backends, the query parser and the
snippets.

Both engines are given text that is already tokenized here, so that SQLite and PostgreSQL index
and match exactly the same tokens whatever their own parsers, Unicode tables or dictionaries would
do: FTS5 receives the tokens joined by spaces, PostgreSQL receives tsvector and tsquery literals
built from them (its text parser and configurations are never involved).

A token is a run of letters, digits and combining marks, folded: compatibility-decomposed, the
Latin/Greek/Cyrillic diacritics removed ("café" and "cafe" match), case-folded ("Straße" and
"STRASSE" match). Scripts written without spaces (Han, kana, Thai) are indexed one character a
token; a query word in those scripts becomes a phrase of its characters, so "空を見上げ" finds the
text "…空を見上げた…" on both engines. No stemming, no stop words: every word counts, as typed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

# Longer runs (base64 blobs, keyboard mashing) are not words anyone searches for; PostgreSQL also
# refuses lexemes past 2 KB. Dropped on both sides, so both engines agree.
MAX_TOKEN_CHARS = 60

# Written without spaces between words: each character is a token (as lifestream.core.text counts
# words for these scripts).
_CJK = (
    "\u0e00-\u0e7f"  # Thai
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\U00020000-\U0002fa1f"  # Han, supplementary planes
)
_CJK_RE = re.compile(f"[{_CJK}]")
# The combining diacritics of Latin, Greek and Cyrillic letters, removed after decomposition
# (the marks of Indic, Arabic or Hebrew script are part of their words and stay).
_DIACRITICS_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _mark_ranges() -> str:
    """A character class body for the combining marks (Unicode category M*) of the Basic
    Multilingual Plane, which Python's `\\w` leaves out although they belong inside words
    (Devanagari vowel signs, for example). Astral-plane marks (Brahmi, musical notation) are left
    out on purpose: a class with characters past U+FFFF makes `re` test ranges one by one,
    several times slower on every text; those marks separate tokens instead, the same way on
    both backends."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(
        re.escape(chr(start)) if start == end else f"{re.escape(chr(start))}-{re.escape(chr(end))}"
        for start, end in ranges
    )


_MARKS = _mark_ranges()
# Letters, digits and marks; `\w` also has the underscore, which `tokens` turns into a space
# first (one class is much faster than an alternation). Private-use characters are not token
# characters, which keeps U+E000 free as the boundary marker below.
_WORD_RE = re.compile(f"[\\w{_MARKS}]+")
# Runs of token characters in the original text, CJK characters one by one: for mapping tokens
# back to the text a snippet shows.
_RAW_RE = re.compile(f"[{_CJK}]|(?:(?![{_CJK}])[^\\W_]|[{_MARKS}])+")

# Put between fields, tags and chapter parts so that no phrase matches across them. FTS5 indexes
# it as a token (its tokenizer counts private-use characters as token characters); no query can
# produce it, since the tokenizer above never does.
BOUNDARY = "\ue000"


def fold(text: str) -> str:
    """Text as the index sees it: decomposed, without Latin-script diacritics, case-folded."""
    text = unicodedata.normalize("NFKD", text)
    text = _DIACRITICS_RE.sub("", text)
    return unicodedata.normalize("NFC", text).casefold()


def tokens(text: str) -> list[str]:
    """The tokens of `text`, in order."""
    if not text:
        return []
    found = _WORD_RE.findall(_CJK_RE.sub(r" \g<0> ", fold(text).replace("_", " ")))
    if found and max(map(len, found)) > MAX_TOKEN_CHARS:
        found = [token for token in found if len(token) <= MAX_TOKEN_CHARS]
    return found


def is_cjk(token: str) -> bool:
    return len(token) == 1 and _CJK_RE.match(token) is not None


@functools.lru_cache(maxsize=65536)
def _tokens_of_run(run: str) -> tuple[str, ...]:
    return tuple(tokens(run))


def token_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, token) for each token of `text`, with offsets into `text` itself. A run that
    folds into several tokens ("½" is "1", "2") gives each of them the run's span."""
    for match in _RAW_RE.finditer(text):
        for token in _tokens_of_run(match.group()):
            yield match.start(), match.end(), token
