"""Tag suggestions for an imported story, from the archive's own wrangled tags.

The text is tokenised once into the phrases a name could be; only tags with exactly such a name
are fetched, through the index on lower(name) (a few queries however large the tag table is),
then counted in the text as whole, case-sensitive words. Synonyms count for their canonical
tag, so "Cloud/Seph" becomes "Cloud Strife/Sephiroth" once a wrangler has said so. Only
canonical tags and synonyms are considered, and only those the importing user could find: a tag
typed only on someone else's draft is never named.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.db.models.functions import Lower
from django.utils.translation import gettext, ngettext

from access.getters import findable_tags
from people.models import User
from tags.models import Tag, TagKind, TagParent

SUGGESTED_KINDS = (TagKind.FANDOM, TagKind.RELATIONSHIP, TagKind.CHARACTER)
MAX_PER_KIND = 15
_LOOKUP_CHUNK = 500
_PHRASE_WORDS = 4
# Small words that may sit inside a name: "Lord of the Rings", "Aerith & Tifa", "Cloud x Tifa".
_JOINS = frozenset({"of", "the", "and", "&", "x", "/", "-", "de", "van", "von", "la", "le", "no"})
_RUN_BREAK = re.compile(r"[^\w\s'’.\-/&]+|\n")
_NAME_TRIM = ".,;:!?'’‘\"“”()[]*_-"
_NAME = r"[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2}"
# "Cloud/Seph", "Cloud x Sephiroth", "Aerith & Tifa": two names joined by a pairing mark.
PAIRING = re.compile(rf"(?<![\w/])({_NAME})[ \t]*(/|[ \t][xX×][ \t]|&)[ \t]*({_NAME})(?![\w/])")


@dataclass
class Suggestion:
    tag: Tag
    kind: str
    count: int
    reason: str


def _wrangled(tag: Tag) -> bool:
    return tag.canonical or tag.merger_id is not None


def _token(raw: str) -> str:
    token = raw.strip(_NAME_TRIM)
    return token[:-2] if token.endswith(("'s", "’s")) else token  # "Cloud's" names Cloud


def count_phrases(text: str) -> Counter[str]:
    """Every run of one to four words that starts with a capital, with how often it occurs:
    the names a tag could have. The text is tokenised once; punctuation other than a name's own
    (apostrophes, hyphens, initials' full stops, a pairing's / and &) ends a run, and so does
    a lowercase word that is not one of a name's small joining words."""
    phrases: Counter[str] = Counter()
    for run in _RUN_BREAK.split(text):
        tokens = [token for token in map(_token, run.split()) if token]
        for index, token in enumerate(tokens):
            if not token[0].isupper():
                continue
            if "/" in token:  # "Cloud/Seph" names both of them too
                phrases.update(piece for piece in token.split("/") if piece[:1].isupper())
            for length in range(1, _PHRASE_WORDS + 1):
                if index + length > len(tokens):
                    break
                last = tokens[index + length - 1]
                if length > 1 and not (last[0].isupper() or last[0].isdigit() or last in _JOINS):
                    break  # names go on in capitals ("Final Fantasy VII"), not in prose
                phrases[" ".join(tokens[index : index + length])] += 1
    return phrases


def _by_lower_name(names: list[str]) -> list[Tag]:
    """Tags named (case-insensitively) any of `names`, through the index on lower(name) alone:
    kinds and wrangling are checked on the few rows found, so the index is the only plan."""
    found: list[Tag] = []
    for start in range(0, len(names), _LOOKUP_CHUNK):
        chunk = names[start : start + _LOOKUP_CHUNK]
        found += Tag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=chunk)
    mergers = {tag.merger_id for tag in found if tag.merger_id}
    canonical = Tag.objects.in_bulk(mergers) if mergers else {}
    for tag in found:
        if tag.merger_id:
            tag.merger = canonical.get(tag.merger_id)
    return [tag for tag in found if tag.kind in SUGGESTED_KINDS and _wrangled(tag)]


class _Tally:
    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self.tags: dict[int, Tag] = {}
        self.reasons: dict[int, list[str]] = {}

    def add(self, tag: Tag, count: int, reason: str) -> None:
        target = tag.merger if tag.merger_id and tag.merger else tag
        if count <= 0 or not target.canonical:
            return
        self.counts[target.pk] += count
        self.tags[target.pk] = target
        self.reasons.setdefault(target.pk, []).append(reason)

    def ids(self, kind: str) -> set[int]:
        return {pk for pk, tag in self.tags.items() if tag.kind == kind}


def _times(count: int) -> str:
    return ngettext("once", "%(count)d times", count) % {"count": count}


def suggest_tags(user: User, text: str) -> list[Suggestion]:
    """Fandoms, characters and relationships the text names, most mentioned first."""
    tally = _Tally()
    phrases = count_phrases(text)
    for tag in _by_lower_name(sorted({phrase.lower() for phrase in phrases})):
        count = phrases[tag.name]
        if count:
            tally.add(
                tag,
                count,
                gettext("“%(name)s” appears %(times)s")
                % {"name": tag.name, "times": _times(count)},
            )

    # Pairings written in the text, matched to relationship tags by name or synonym.
    pairings: Counter[str] = Counter()
    for left, mark, right in PAIRING.findall(text):
        joiner = " & " if mark.strip() == "&" else "/"
        pairings[f"{left.strip()}{joiner}{right.strip()}".lower()] += 1
    if pairings:
        relationships = _by_lower_name(list(pairings)[:_LOOKUP_CHUNK])
        for tag in (tag for tag in relationships if tag.kind == TagKind.RELATIONSHIP):
            count = pairings[tag.name.lower()]
            already = phrases[tag.name]
            if count > already:
                tally.add(
                    tag,
                    count - already,
                    gettext("the pairing “%(name)s” is written %(times)s")
                    % {"name": tag.name, "times": _times(count)},
                )

    # The fandoms of the characters and relationships found, when the text never names them.
    named = tally.ids(TagKind.CHARACTER) | tally.ids(TagKind.RELATIONSHIP)
    if named:
        for link in TagParent.objects.filter(
            child_id__in=named, parent__kind=TagKind.FANDOM, parent__canonical=True
        ).select_related("parent", "child"):
            count = tally.counts[link.child_id]
            tally.add(link.parent, count, gettext("fandom of %(name)s") % {"name": link.child.name})

    # A character's first name alone, when no other character of those fandoms shares it.
    fandoms = tally.ids(TagKind.FANDOM)
    if fandoms:
        characters = [
            link.child
            for link in TagParent.objects.filter(
                parent_id__in=fandoms, child__kind=TagKind.CHARACTER, child__canonical=True
            ).select_related("child")
        ]
        first_names: dict[str, list[Tag]] = {}
        for character in characters:
            parts = character.name.split()
            if len(parts) > 1 and len(parts[0]) >= 3:
                first_names.setdefault(parts[0], []).append(character)
        for first, owners in first_names.items():
            distinct = {owner.pk: owner for owner in owners}
            if len(distinct) != 1:
                continue
            character = next(iter(distinct.values()))
            extra = phrases[first] - phrases[character.name]
            if extra > 0:
                tally.add(
                    character,
                    extra,
                    gettext("“%(name)s” appears %(times)s")
                    % {"name": first, "times": _times(extra)},
                )

    if not tally.tags:
        return []
    visible = set(
        findable_tags(user, Tag.objects.filter(pk__in=tally.tags)).values_list("pk", flat=True)
    )
    suggestions: list[Suggestion] = []
    for kind in SUGGESTED_KINDS:
        ranked = sorted(
            (pk for pk in tally.ids(kind) if pk in visible),
            key=lambda pk: (-tally.counts[pk], tally.tags[pk].name),
        )[:MAX_PER_KIND]
        for pk in ranked:
            reason = "; ".join(dict.fromkeys(tally.reasons[pk]))
            suggestions.append(Suggestion(tally.tags[pk], kind, tally.counts[pk], reason[:255]))
    return suggestions
