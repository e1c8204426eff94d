"""The search box's query language, parsed into a small tree that both text backends compile.

    cloud tifa              both words (AND)
    "the planet's cry"      an exact phrase
    -sephiroth  -"jenova"   without the word or phrase (also NOT sephiroth)
    cloud OR tifa           either (OR binds tighter than AND: `a b OR c` is a AND (b OR c))
    (cloud OR tifa) zack    parentheses group
    reac*                   words starting with "reac" (two characters at least)
    title:cloud  summary:"…"  notes:…  creators:…  tag:…   the word or phrase in that field only
    words>1000  kudos<50  hits:100-200  complete:true  fandom:"Final Fantasy VII"   filters

Filters are not text: the parser hands them back as `Filter(field, op, value, exclude)` for the
filter layer to apply to the whole result (wherever they stand in the query, they AND with it).

Every input parses, whatever it is: unbalanced quotes and parentheses close at the end, a lone
`-`, `OR OR` or an operator without a value are dropped, and the user's text reaches a backend only
as tokens of `search.text.tokens`, never as engine syntax. Very long queries keep their first
MAX_TERMS terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tokens import MAX_TOKEN_CHARS, is_cjk, tokens

MAX_TERMS = 64
# Longer phrases keep their first words. PostgreSQL matches phrases inside overlapping passages
# of the text; the overlap is this long, so both backends find the same phrases.
MAX_PHRASE_TOKENS = 32
MAX_DEPTH = 16
MIN_PREFIX_CHARS = 2

# Field operators that restrict a word or phrase to one part of the work.
TEXT_FIELDS = {
    "title": "title",
    "summary": "summary",
    "notes": "notes",
    "note": "notes",
    "creators": "creators",
    "creator": "creators",
    "author": "creators",
    "authors": "creators",
    "tag": "tags",
    "tags": "tags",
}
NUMERIC_FIELDS = {
    "words": "words",
    "word_count": "words",
    "wordcount": "words",
    "kudos": "kudos",
    "kudos_count": "kudos",
    "hits": "hits",
    "comments": "comments",
    "comments_count": "comments",
    "bookmarks": "bookmarks",
    "bookmarks_count": "bookmarks",
    "chapters": "chapters",
    "chapter_count": "chapters",
    "expected_number_of_chapters": "expected_number_of_chapters",
    "expected_chapters": "expected_number_of_chapters",
}
BOOLEAN_FIELDS = {
    "complete": "complete",
    "restricted": "restricted",
    "single_chapter": "single_chapter",
    "otp": "otp",
    "crossover": "crossover",
}
TAG_FIELDS = {
    "fandom": "fandom",
    "fandoms": "fandom",
    "character": "character",
    "characters": "character",
    "relationship": "relationship",
    "relationships": "relationship",
    "freeform": "freeform",
    "freeforms": "freeform",
    "rating": "rating",
    "ratings": "rating",
    "warning": "warning",
    "warnings": "warning",
    "category": "category",
    "categories": "category",
    "language": "language",
}
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


# --- the tree -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word (one token) or phrase (several), `prefix` on the last token, in `field` or anywhere.
    Fields are "title", "summary", "notes", "creators", "tags"."""

    tokens: tuple[str, ...]
    prefix: bool = False
    field: str | None = None


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | And | Or | Not


@dataclass(frozen=True)
class Filter:
    """A non-text operator. `op` is "eq", "gt", "gte", "lt", "lte" or "range" (value a (low,
    high) pair) for numbers, "eq" for booleans (value True/False) and tag names (value the name
    as typed). `exclude` is set by a leading `-`."""

    field: str
    op: str
    value: int | bool | str | tuple[int, int]
    exclude: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    text: Node | None
    filters: tuple[Filter, ...]

    @property
    def is_empty(self) -> bool:
        return self.text is None and not self.filters


def positive_terms(node: Node | None) -> list[Term]:
    """The terms a match can contain (those not under a NOT), for ranking and highlighting."""
    found: list[Term] = []

    def walk(current: Node | None, negated: bool) -> None:
        if current is None:
            return
        if isinstance(current, Term):
            if not negated:
                found.append(current)
        elif isinstance(current, Not):
            walk(current.child, not negated)
        else:
            for child in current.children:
                walk(child, negated)

    walk(node, False)
    return found


# --- lexing ---------------------------------------------------------------------------------------


@dataclass
class _Tok:
    kind: str  # "(", ")", "or", "neg", "term", "field", "filter"
    text: str = ""
    quoted: bool = False
    prefix: bool = False
    field: str = ""
    filter: Filter | None = None


_OPERATOR_RE = re.compile(r"^([A-Za-z_]+)(>=|<=|:|>|<|=)(.*)$", re.DOTALL)
_NUMBER_RE = re.compile(r"^\d[\d,_]*$")
_RANGE_RE = re.compile(r"^(\d[\d,_]*)\s*-\s*(\d[\d,_]*)$")
_COMPARISON_RE = re.compile(r"^(>=|<=|>|<|=)?\s*(\d[\d,_]*)$")
_OPS = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "=": "eq", None: "eq"}
_STOP = frozenset(' \t\n\r\f\v()"')


def _number(text: str) -> int | None:
    digits = text.replace(",", "").replace("_", "")
    if not digits.isdecimal() or len(digits) > 12:
        return None
    return int(digits)


def _numeric_filter(field: str, op: str, value: str) -> Filter | None:
    value = value.strip()
    if op == ":":
        ranged = _RANGE_RE.match(value)
        if ranged:
            low, high = _number(ranged.group(1)), _number(ranged.group(2))
            if low is None or high is None:
                return None
            return Filter(field, "range", (min(low, high), max(low, high)))
        compared = _COMPARISON_RE.match(value)
        if not compared:
            return None
        op, value = compared.group(1) or "=", compared.group(2)
    number = _number(value)
    if number is None:
        return None
    return Filter(field, _OPS[op], number)


def _value_filter(name: str, op: str, value: str) -> Filter | None:
    """A filter from `name`, its operator and value, or None if it is not a well-formed one."""
    if name in NUMERIC_FIELDS:
        return _numeric_filter(NUMERIC_FIELDS[name], op, value)
    if op not in {":", "="}:
        return None
    value = " ".join(value.split())
    if not value:
        return None
    if name in BOOLEAN_FIELDS:
        lowered = value.lower()
        if lowered in _TRUE:
            return Filter(BOOLEAN_FIELDS[name], "eq", True)
        if lowered in _FALSE:
            return Filter(BOOLEAN_FIELDS[name], "eq", False)
        return None
    return Filter(TAG_FIELDS[name], "eq", value[:150])


def _read_quoted(query: str, start: int) -> tuple[str, bool, int]:
    """The text of a quote opening at `start` (closed by the end if unbalanced), whether a `*`
    follows it, and the index after it."""
    end = query.find('"', start + 1)
    if end < 0:
        return query[start + 1 :], False, len(query)
    position = end + 1
    prefix = position < len(query) and query[position] == "*"
    return query[start + 1 : end], prefix, position + (1 if prefix else 0)


def _lex(query: str) -> list[_Tok]:
    result: list[_Tok] = []
    position, length = 0, len(query)
    while position < length:
        char = query[position]
        if char.isspace():
            position += 1
        elif char in "()":
            result.append(_Tok(char))
            position += 1
        elif char == '"':
            text, prefix, position = _read_quoted(query, position)
            result.append(_Tok("term", text, quoted=True, prefix=prefix))
        elif char == "-" and position + 1 < length and not query[position + 1].isspace():
            result.append(_Tok("neg"))
            position += 1
        else:
            end = position
            while end < length and query[end] not in _STOP:
                end += 1
            word = query[position:end]
            position = end
            position = _word_token(word, query, position, result)
    return result


def _word_token(word: str, query: str, position: int, result: list[_Tok]) -> int:
    """Append the token for a bare word (an operator keyword, a field operator or a term) and
    return where lexing goes on."""
    if word in {"OR", "||", "|"}:
        result.append(_Tok("or"))
        return position
    if word in {"AND", "&&", "&", "-"}:
        return position
    if word == "NOT":
        result.append(_Tok("neg"))
        return position
    operator = _OPERATOR_RE.match(word)
    if operator:
        name, op, value = operator.group(1).lower(), operator.group(2), operator.group(3)
        known = name in TEXT_FIELDS or name in NUMERIC_FIELDS or name in BOOLEAN_FIELDS
        known = known or name in TAG_FIELDS
        if known:
            quoted = False
            prefix = False
            if not value and position < len(query) and query[position] == '"':
                value, prefix, position = _read_quoted(query, position)
                quoted = True
            if name in TEXT_FIELDS and op == ":":
                field = TEXT_FIELDS[name]
                if not value and not quoted and position < len(query) and query[position] == "(":
                    result.append(_Tok("field", field=field))
                elif value:
                    bare_prefix = not quoted and value.endswith("*")
                    result.append(
                        _Tok(
                            "term",
                            value.rstrip("*") if bare_prefix else value,
                            quoted=quoted,
                            prefix=prefix or bare_prefix,
                            field=field,
                        )
                    )
                return position
            if name not in TEXT_FIELDS:
                found = _value_filter(name, op, value)
                if found is not None:
                    result.append(_Tok("filter", filter=found))
                return position
    prefix = word.endswith("*")
    result.append(_Tok("term", word.rstrip("*") if prefix else word, prefix=prefix))
    return position


# --- parsing --------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, lexed: list[_Tok]) -> None:
        self.toks = lexed
        self.position = 0
        self.terms = 0
        self.filters: list[Filter] = []

    def peek(self) -> _Tok | None:
        return self.toks[self.position] if self.position < len(self.toks) else None

    def sequence(self, depth: int, field: str | None) -> Node | None:
        """Terms until a closing parenthesis (consumed by the caller) or the end: AND."""
        children: list[Node] = []
        while (tok := self.peek()) is not None:
            if tok.kind == ")":
                if depth > 0:
                    break
                self.position += 1  # an unopened ")" at the top is noise
                continue
            if tok.kind == "or":
                self.position += 1  # an OR with nothing on its left
                continue
            node = self.disjunction(depth, field)
            if node is not None:
                children.append(node)
        return _and(children)

    def disjunction(self, depth: int, field: str | None) -> Node | None:
        children: list[Node] = []
        node = self.unary(depth, field)
        if node is not None:
            children.append(node)
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.position += 1
            following = self.peek()
            if following is None or following.kind in {")", "or"}:
                continue
            node = self.unary(depth, field)
            if node is not None:
                children.append(node)
        return _or(children)

    def unary(self, depth: int, field: str | None) -> Node | None:
        negated = False
        while (tok := self.peek()) is not None and tok.kind == "neg":
            negated = not negated
            self.position += 1
        tok = self.peek()
        if tok is None or tok.kind in {")", "or"}:
            return None
        self.position += 1
        node: Node | None
        if tok.kind == "(" or tok.kind == "field":
            if tok.kind == "field":
                self.position += 1  # its "(" (the lexer only makes a field token before one)
                field = tok.field
            if depth >= MAX_DEPTH:
                node = self.sequence_flat(field)
            else:
                node = self.sequence(depth + 1, field)
            closing = self.peek()
            if closing is not None and closing.kind == ")":
                self.position += 1
        elif tok.kind == "filter":
            assert tok.filter is not None  # the lexer sets it with the kind
            if len(self.filters) < MAX_TERMS:
                self.filters.append(
                    Filter(tok.filter.field, tok.filter.op, tok.filter.value, exclude=negated)
                )
            return None
        else:
            node = self.term(tok, field)
        if node is None:
            return None
        return Not(node) if negated else node

    def sequence_flat(self, field: str | None) -> Node | None:
        """Past MAX_DEPTH, nested parentheses are read as plain terms."""
        children: list[Node] = []
        depth = 0
        while (tok := self.peek()) is not None:
            if tok.kind == ")":
                if depth == 0:
                    break
                depth -= 1
            elif tok.kind == "(":
                depth += 1
            elif tok.kind == "term":
                node = self.term(tok, field)
                if node is not None:
                    children.append(node)
            self.position += 1
        return _and(children)

    def term(self, tok: _Tok, field: str | None) -> Term | None:
        if self.terms >= MAX_TERMS:
            return None
        found = tokens(tok.text)[:MAX_PHRASE_TOKENS]
        if not found:
            return None
        last = found[-1]
        prefix = tok.prefix and len(last) >= MIN_PREFIX_CHARS and not is_cjk(last)
        prefix = prefix and len(last) < MAX_TOKEN_CHARS
        self.terms += 1
        return Term(tuple(found), prefix=prefix, field=tok.field or field)


def _and(children: list[Node]) -> Node | None:
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, And) else (child,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def _or(children: list[Node]) -> Node | None:
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, Or) else (child,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def parse(query: str) -> ParsedQuery:
    """Parse what a user typed into the search box. Never raises."""
    parser = _Parser(_lex(query or ""))
    text = parser.sequence(0, None)
    return ParsedQuery(text=_simplify(text), filters=tuple(parser.filters))


def _simplify(node: Node | None) -> Node | None:
    """Double negations cancel."""
    if node is None or isinstance(node, Term):
        return node
    if isinstance(node, Not):
        inner = _simplify(node.child)
        if isinstance(inner, Not):
            return inner.child
        return None if inner is None else Not(inner)
    children = [child for child in map(_simplify, node.children) if child is not None]
    return _and(children) if isinstance(node, And) else _or(children)
