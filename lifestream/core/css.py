"""Creator-written CSS (work skins), made safe on the way in with tinycss2.

The stylesheet is parsed, never searched with patterns, and written back from what passed:
every selector is scoped under the skin's element (`#workskin`), every property is on an
allowlist, every value is made only of plain tokens and a few harmless functions (colours,
gradients, `calc`, transforms). Nothing that loads or runs anything survives: no `@import`, no
`url()`, no `expression()`, no `behavior`, no `-moz-binding`, no `position: fixed` over the
page. Every check reads what tinycss2 decoded, so an escape (`\\75 rl(`) is judged as the word
it spells (`url(`); what is written back is tinycss2's serialization of what passed, and a piece
that would need an escape, or would hold a `<` (which could close the `<style>`), is dropped.

Each refusal is reported, so the creator learns what was dropped and why."""

from __future__ import annotations

from dataclasses import dataclass, field

import tinycss2
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from tinycss2 import ast

CSS_MAX = 100_000

# AO3's list, give or take: what a story's layout needs (text messages, letters, chat logs,
# epigraphs, colours), nothing that reaches outside the work.
PROPERTIES = frozenset(
    [
        "background",
        "background-color",
        "background-image",
        "background-position",
        "background-repeat",
        "background-size",
        "border",
        "border-bottom",
        "border-bottom-color",
        "border-bottom-left-radius",
        "border-bottom-right-radius",
        "border-bottom-style",
        "border-bottom-width",
        "border-collapse",
        "border-color",
        "border-left",
        "border-left-color",
        "border-left-style",
        "border-left-width",
        "border-radius",
        "border-right",
        "border-right-color",
        "border-right-style",
        "border-right-width",
        "border-spacing",
        "border-style",
        "border-top",
        "border-top-color",
        "border-top-left-radius",
        "border-top-right-radius",
        "border-top-style",
        "border-top-width",
        "border-width",
        "bottom",
        "box-shadow",
        "box-sizing",
        "caption-side",
        "clear",
        "color",
        "column-count",
        "column-gap",
        "column-rule",
        "column-width",
        "columns",
        "content",
        "cursor",
        "direction",
        "display",
        "empty-cells",
        "flex",
        "flex-basis",
        "flex-direction",
        "flex-flow",
        "flex-grow",
        "flex-shrink",
        "flex-wrap",
        "float",
        "font",
        "font-family",
        "font-size",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "gap",
        "align-items",
        "align-content",
        "align-self",
        "justify-content",
        "justify-items",
        "justify-self",
        "order",
        "grid-template-columns",
        "grid-template-rows",
        "grid-column",
        "grid-row",
        "grid-gap",
        "height",
        "left",
        "letter-spacing",
        "line-height",
        "list-style",
        "list-style-position",
        "list-style-type",
        "margin",
        "margin-bottom",
        "margin-left",
        "margin-right",
        "margin-top",
        "max-height",
        "max-width",
        "min-height",
        "min-width",
        "opacity",
        "outline",
        "outline-color",
        "outline-style",
        "outline-width",
        "overflow",
        "overflow-x",
        "overflow-y",
        "overflow-wrap",
        "padding",
        "padding-bottom",
        "padding-left",
        "padding-right",
        "padding-top",
        "position",
        "quotes",
        "right",
        "table-layout",
        "text-align",
        "text-decoration",
        "text-decoration-color",
        "text-decoration-line",
        "text-decoration-style",
        "text-indent",
        "text-shadow",
        "text-transform",
        "top",
        "transform",
        "transform-origin",
        "unicode-bidi",
        "vertical-align",
        "visibility",
        "white-space",
        "width",
        "word-break",
        "word-spacing",
        "word-wrap",
        "writing-mode",
        "z-index",
        "hyphens",
        "font-kerning",
        "font-variant-caps",
        "text-orientation",
    ]
)
FUNCTIONS = frozenset(
    [
        "rgb",
        "rgba",
        "hsl",
        "hsla",
        "hwb",
        "lab",
        "lch",
        "oklab",
        "oklch",
        "calc",
        "min",
        "max",
        "clamp",
        "linear-gradient",
        "radial-gradient",
        "repeating-linear-gradient",
        "repeating-radial-gradient",
        "conic-gradient",
        "translate",
        "translatex",
        "translatey",
        "rotate",
        "scale",
        "scalex",
        "scaley",
        "skew",
        "skewx",
        "skewy",
        "matrix",
        "repeat",
        "minmax",
        "fit-content",
    ]
)
# Words no value may hold, whatever the property: they run script or load things in some
# browser, or take the work's skin out over the rest of the page.
FORBIDDEN_WORDS = frozenset({"expression", "javascript", "vbscript", "behavior", "binding"})
FORBIDDEN_VALUES = {"position": frozenset({"fixed", "sticky"})}
PSEUDO_CLASSES = frozenset(
    [
        "hover",
        "active",
        "focus",
        "focus-within",
        "focus-visible",
        "first-child",
        "last-child",
        "only-child",
        "first-of-type",
        "last-of-type",
        "only-of-type",
        "nth-child",
        "nth-last-child",
        "nth-of-type",
        "nth-last-of-type",
        "not",
        "is",
        "where",
        "empty",
        "target",
        "checked",
        "link",
        "visited",
        "lang",
        "dir",
    ]
)
PSEUDO_ELEMENTS = frozenset(
    {"before", "after", "first-letter", "first-line", "marker", "selection", "placeholder"}
)
# @media (the skin for phones, for print) is kept with its rules scoped; no other at-rule.
AT_RULES = frozenset({"media"})


@dataclass
class CleanCss:
    css: str
    dropped: list[str] = field(default_factory=list)  # what was left out, and why


def sanitise_css(text: str, scope: str = "#workskin") -> CleanCss:
    """`text` as a stylesheet scoped under `scope`, holding only what passed."""
    result = CleanCss(css="")
    if len(text) > CSS_MAX:
        result.dropped.append(
            _("The stylesheet is over %(limit)s characters; nothing was kept.")
            % {"limit": number_format(CSS_MAX, force_grouping=True)}
        )
        return result
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    result.css = "\n".join(_rules(rules, scope, result.dropped))
    if "<" in result.css or "\\" in result.css:  # a last guard: never reached by valid output
        result.dropped.append(_("The stylesheet could not be made safe; nothing was kept."))
        result.css = ""
    return result


def _rules(rules: list, scope: str, dropped: list[str]) -> list[str]:
    out = []
    for rule in rules:
        if isinstance(rule, ast.ParseError):
            dropped.append(
                _("Unreadable CSS at line %(line)s: %(problem)s.")
                % {"line": rule.source_line, "problem": rule.message}
            )
        elif isinstance(rule, ast.AtRule):
            out += _at_rule(rule, scope, dropped)
        elif isinstance(rule, ast.QualifiedRule):
            written = _qualified_rule(rule, scope, dropped)
            if written:
                out.append(written)
    return out


def _at_rule(rule: ast.AtRule, scope: str, dropped: list[str]) -> list[str]:
    keyword = rule.lower_at_keyword
    if keyword not in AT_RULES or rule.content is None:
        dropped.append(
            _("@%(keyword)s is not allowed (line %(line)s).")
            % {"keyword": rule.at_keyword, "line": rule.source_line}
        )
        return []
    if not _plain_tokens(rule.prelude, functions=frozenset()):
        dropped.append(
            _("The @media condition at line %(line)s is not allowed.") % {"line": rule.source_line}
        )
        return []
    inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
    body = _rules(inner, scope, dropped)
    if not body:
        return []
    condition = " ".join(tinycss2.serialize(rule.prelude).split())
    if not _writable(condition):
        dropped.append(
            _("The @media condition at line %(line)s is not allowed.") % {"line": rule.source_line}
        )
        return []
    return [f"@media {condition} {{\n" + "\n".join(body) + "\n}"]


def _qualified_rule(rule: ast.QualifiedRule, scope: str, dropped: list[str]) -> str:
    selectors = _selectors(rule.prelude, scope)
    if selectors is None:
        selector_text = tinycss2.serialize(rule.prelude).strip()[:80]
        dropped.append(
            _("The selector “%(selector)s” is not allowed (line %(line)s).")
            % {"selector": selector_text, "line": rule.source_line}
        )
        return ""
    declarations = tinycss2.parse_blocks_contents(
        rule.content, skip_comments=True, skip_whitespace=True
    )
    kept = []
    for declaration in declarations:
        if isinstance(declaration, ast.Declaration):
            written = _declaration(declaration, dropped)
            if written:
                kept.append(written)
        elif isinstance(declaration, ast.ParseError):
            dropped.append(
                _("Unreadable CSS at line %(line)s: %(problem)s.")
                % {"line": declaration.source_line, "problem": declaration.message}
            )
        else:
            dropped.append(
                _("Nested rules are not allowed (line %(line)s).")
                % {"line": declaration.source_line}
            )
    if not kept:
        return ""
    return f"{', '.join(selectors)} {{ {' '.join(kept)} }}"


def _selectors(prelude: list, scope: str) -> list[str] | None:
    """Each comma-separated selector, checked and put under `scope`; None if any is refused."""
    groups: list[list] = [[]]
    for token in prelude:
        if isinstance(token, ast.LiteralToken) and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    scoped = []
    for group in groups:
        text = tinycss2.serialize(group).strip()
        if not text or not _writable(text) or not _selector_ok(group):
            return None
        # A skin may style the skin's own element as "#workskin"; everything else goes inside.
        # A site skin (no scope) styles the pages themselves.
        if not scope or text == scope or text.startswith((f"{scope} ", f"{scope}.")):
            scoped.append(" ".join(text.split()))
        else:
            scoped.append(f"{scope} {' '.join(text.split())}")
    return scoped


def _selector_ok(tokens: list) -> bool:
    previous_colon = 0
    for token in tokens:
        if isinstance(token, ast.WhitespaceToken | ast.IdentToken | ast.HashToken):
            previous_colon = 0
            continue
        if isinstance(token, ast.LiteralToken):
            if token.value == ":":
                previous_colon += 1
                if previous_colon > 2:
                    return False
                continue
            if token.value not in {".", ">", "+", "~", "*"}:
                return False
            previous_colon = 0
            continue
        if isinstance(token, ast.SquareBracketsBlock):
            # [attribute], [attribute=value]: names and plain values only.
            if not all(_attribute_token_ok(t) for t in token.content):
                return False
            previous_colon = 0
            continue
        if isinstance(token, ast.FunctionBlock):
            # :not(…), :nth-child(2n+1), :lang(fr): a pseudo-class with plain arguments.
            if previous_colon != 1 or token.lower_name not in PSEUDO_CLASSES:
                return False
            if not _selector_ok(token.arguments) and not _plain_tokens(
                token.arguments, functions=frozenset()
            ):
                return False
            previous_colon = 0
            continue
        if isinstance(token, ast.NumberToken | ast.DimensionToken):
            return False
        return False
    return _pseudos_allowed(tokens)


def _attribute_token_ok(token: ast.Node) -> bool:
    if isinstance(token, ast.IdentToken | ast.WhitespaceToken):
        return True
    if isinstance(token, ast.StringToken):
        return _safe_string(token.value)
    return isinstance(token, ast.LiteralToken) and token.value in {"=", "~", "|", "^", "$", "*"}


def _pseudos_allowed(tokens: list) -> bool:
    for index, token in enumerate(tokens):
        if not (isinstance(token, ast.LiteralToken) and token.value == ":"):
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if isinstance(following, ast.LiteralToken) and following.value == ":":
            continue
        double = (
            index > 0
            and isinstance(tokens[index - 1], ast.LiteralToken)
            and (tokens[index - 1].value == ":")
        )
        if isinstance(following, ast.IdentToken):
            name = following.lower_value
            allowed = PSEUDO_ELEMENTS if double else PSEUDO_CLASSES | PSEUDO_ELEMENTS
            if name not in allowed:
                return False
        elif not isinstance(following, ast.FunctionBlock) or double:
            return False
    return True


def _declaration(declaration: ast.Declaration, dropped: list[str]) -> str:
    name = declaration.lower_name
    line = declaration.source_line
    if name not in PROPERTIES:
        dropped.append(
            _("The property “%(name)s” is not allowed (line %(line)s).")
            % {"name": declaration.name, "line": line}
        )
        return ""
    value = [t for t in declaration.value if not isinstance(t, ast.Comment)]
    if not _plain_tokens(value, functions=FUNCTIONS):
        dropped.append(
            _("The value of “%(name)s” is not allowed (line %(line)s).")
            % {"name": name, "line": line}
        )
        return ""
    words = {t.lower_value for t in walk_tokens(value) if isinstance(t, ast.IdentToken)}
    if words & FORBIDDEN_VALUES.get(name, frozenset()):
        dropped.append(
            _("“%(declaration)s” is not allowed (line %(line)s).")
            % {"declaration": f"{name}: {' '.join(sorted(words))}", "line": line}
        )
        return ""
    text = " ".join(tinycss2.serialize(value).split())
    if not text:
        return ""
    if not _writable(text):
        dropped.append(
            _("The value of “%(name)s” is not allowed (line %(line)s).")
            % {"name": name, "line": line}
        )
        return ""
    important = " !important" if declaration.important else ""
    return f"{name}: {text}{important};"


def walk_tokens(tokens: list):
    """Every token, and every token inside its functions and blocks, in order."""
    for token in tokens:
        yield token
        if isinstance(token, ast.FunctionBlock):
            yield from walk_tokens(token.arguments)
        elif isinstance(token, ast.ParenthesesBlock | ast.SquareBracketsBlock):
            yield from walk_tokens(token.content)


def _plain_tokens(tokens: list, functions: frozenset[str]) -> bool:
    """Only plain tokens (words, numbers, lengths, colours, quoted text) and the allowed
    functions, whose arguments are plain in turn."""
    for token in tokens:
        if isinstance(
            token,
            ast.WhitespaceToken
            | ast.NumberToken
            | ast.PercentageToken
            | ast.DimensionToken
            | ast.HashToken,
        ):
            continue
        if isinstance(token, ast.IdentToken):
            if any(word in token.lower_value for word in FORBIDDEN_WORDS):
                return False
            continue
        if isinstance(token, ast.StringToken):
            if not _safe_string(token.value):
                return False
            continue
        if isinstance(token, ast.LiteralToken):
            if token.value not in {",", "/", "+", "-", "*", ":", "%"}:
                return False
            continue
        if isinstance(token, ast.FunctionBlock):
            if token.lower_name not in functions or not _plain_tokens(token.arguments, functions):
                return False
            continue
        if isinstance(token, ast.ParenthesesBlock):
            # @media (max-width: 40em): a condition in brackets.
            if not _plain_tokens(token.content, functions):
                return False
            continue
        return False  # url(), unicode-range, {}, [], @, bad strings and urls…
    return True


def _safe_string(value: str) -> bool:
    lowered = value.lower()
    return (
        "<" not in value
        and ">" not in value
        and "\\" not in value
        and "\n" not in value
        and not any(word in lowered for word in FORBIDDEN_WORDS)
        and "url(" not in lowered
    )


def _writable(text: str) -> bool:
    """Whether a serialized piece can go into the page as it is: no escape (its meaning was
    checked, not its spelling) and nothing that could end the `<style>` element."""
    return "\\" not in text and "<" not in text
