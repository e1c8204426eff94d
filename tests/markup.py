"""A small HTML reader for tests that check AO3's markup: parse a page with the standard
library and pick elements with simple CSS selectors (`tag.class#id[attr]`, `[attr=value]`,
`[attr^=value]`, descendants separated by spaces, `>` for children)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text for child in self.children)

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def has_attr(self, name: str) -> bool:
        return name in self.attrs

    def descendants(self) -> list[Element]:
        found: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                found.append(child)
                found.extend(child.descendants())
        return found

    def select(self, selector: str) -> list[Element]:
        steps = _parse(selector)
        current: list[Element] = [self]
        for combinator, simple in steps:
            matched: list[Element] = []
            for element in current:
                pool = (
                    [c for c in element.children if isinstance(c, Element)]
                    if combinator == ">"
                    else element.descendants()
                )
                matched.extend(e for e in pool if simple(e) and e not in matched)
            current = matched
        return current

    def select_one(self, selector: str) -> Element:
        """The first element matching `selector`; the test fails if there is none."""
        found = self.select(selector)
        assert found, f"nothing matches {selector!r}"
        return found[0]

    def find(self, tag: str, string: str) -> Element:
        """The first `tag` element whose text is `string`; the test fails if there is none."""
        for element in self.descendants():
            if element.tag == tag and element.text.strip() == string:
                return element
        raise AssertionError(f"no <{tag}> reads {string!r}")


_SIMPLE = re.compile(
    r"(?P<tag>[a-z0-9]+)|\.(?P<cls>[\w-]+)|#(?P<id>[\w-]+)"
    r"|\[(?P<attr>[\w-]+)(?:(?P<op>\^?=)['\"]?(?P<value>[^\]'\"]*)['\"]?)?\]|:first-child"
)


Check = Callable[[Element], bool]


def _first_child(element: Element) -> bool:
    if element.parent is None:
        return False
    siblings = (c for c in element.parent.children if isinstance(c, Element))
    return next(siblings) is element


def _check(match: re.Match[str]) -> Check:
    tag, cls, ident, attr = match.group("tag", "cls", "id", "attr")
    if tag:
        return lambda e: e.tag == tag
    if cls:
        return lambda e: cls in e.classes
    if ident:
        return lambda e: e.attrs.get("id") == ident
    if attr:
        op, value = match.group("op"), match.group("value")
        if op == "=":
            return lambda e: e.attrs.get(attr) == value
        if op == "^=":
            return lambda e: (e.attrs.get(attr) or "").startswith(value)
        return lambda e: attr in e.attrs
    return _first_child


def _compound(text: str) -> Check:
    checks: list[Check] = []
    position = 0
    while position < len(text):
        match = _SIMPLE.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"unsupported selector: {text}")
        position = match.end()
        checks.append(_check(match))
    return lambda element: all(check(element) for check in checks)


def _parse(selector: str) -> list[tuple[str, Check]]:
    tokens = selector.replace(">", " > ").split()
    steps = []
    combinator = " "
    for token in tokens:
        if token == ">":
            combinator = ">"
            continue
        steps.append((combinator, _compound(token)))
        combinator = " "
    return steps


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        element: Element | None = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(content: bytes | str) -> Element:
    builder = _Builder()
    builder.feed(content.decode() if isinstance(content, bytes) else content)
    return builder.root
