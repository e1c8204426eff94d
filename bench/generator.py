"""A synthetic archive for benchmarks: up to a million works written straight into the database.

`manage.py generate_archive --works N` calls `generate_archive` here. The rows are what the
services would have written (a posted work's `word_count` and `chapter_count` are its posted
chapters' sums, chapters are numbered 1..n, every work has a creator, a rating, a warning and a
fandom), but they go in with bulk inserts, one transaction per batch, because a million works
through `create_work` would take days.

The shape of the data:

- fandoms are Zipf-distributed (s = 1.1); each has its own characters and relationships
  ("A/B", "A & B"), Zipf-distributed within it, with the fandom as their parent tag; freeform
  tags are Zipf-distributed too;
- about 15% of the tags are synonyms of a canonical tag of the same kind, named like the variants
  authors type ("Cloud/Seph" for "Cloud Strife/Sephiroth"); some canonical tags are metatags of
  2-5 others of their kind, now and then two levels deep; a few tags stay unwrangled and a few
  freeforms are unwrangleable; fandoms sit under media tags;
- word counts are log-normal (median about 3,000 words, a tail to 200,000) over 1-30 chapters,
  most works having one; the text is cut from a pool of paragraphs written by a small sentence
  grammar over a few thousand words drawn with Zipf weights (invented names and words make the
  long tail). With `text="short"` each chapter stores only its first
  `SHORT_TEXT_WORDS` words while its `word_count` keeps the full figure; with `text="full"`
  the stored text has exactly `word_count` words (as `lifestream.core.text.count_words` counts);
- about 1% of the works are drafts, 5% restricted; publication dates spread over 15 years,
  growing towards the present, and work ids follow publication order.

Ids are assigned here (the next free ones), so nothing else may write to the same tables while
the generator runs. On PostgreSQL the id sequences are moved past the new rows first.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import itertools
import math
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from lifestream.models import log_work_change
from people.models import Pseud, User
from tags.models import Tag, TagKind, TagParent
from works.languages import LANGUAGE_NAMES
from works.models import Chapter, Creatorship, Work

SHORT_TEXT_WORDS = 200
# Stored words per chapter stay well under the 510,000-character chapter limit.
MAX_CHAPTER_WORDS = 60_000
MAX_CHAPTERS = 30
MIN_WORK_WORDS, MAX_WORK_WORDS = 60, 200_000
MEDIAN_WORK_WORDS = 3_000
WORD_COUNT_SIGMA = 1.25
YEARS = 15
DRAFT_SHARE = 0.01
RESTRICTED_SHARE = 0.05
SYNONYM_USE = 0.2  # how often an author types a synonym rather than the canonical name
UNWRANGLED_USE = 0.02  # how often a work also has an unwrangled tag of a given kind
SQLITE_CACHE_KIB = 512 * 1024

# --- fixed tags (AO3's ids, seeded by the tags migration) ------------------------------------

NOT_RATED, GENERAL, TEEN, MATURE, EXPLICIT = 9, 10, 11, 12, 13
CHOSE_NOT_TO_WARN, NO_WARNINGS, VIOLENCE, DEATH, NONCON, UNDERAGE = 14, 16, 17, 18, 19, 20
GEN, FM, MM, OTHER, FF, MULTI = 21, 22, 23, 24, 116, 2246
RATING_WEIGHTS = ((GENERAL, 30), (TEEN, 30), (MATURE, 15), (EXPLICIT, 15), (NOT_RATED, 10))
ROMANTIC_CATEGORY_WEIGHTS = ((MM, 45), (FM, 28), (FF, 12), (OTHER, 4), (MULTI, 4), (GEN, 7))
# Most of an archive is in English; the rest is spread over these.
OTHER_LANGUAGES = ("es", "fr", "de", "ru", "zh", "pt-BR", "it", "pl", "ja", "id", "nl", "ko")
ENGLISH_SHARE = 0.9

# --- words ------------------------------------------------------------------------------------
# Everything is plain a-z, so every space-separated token of the generated text is exactly one
# word to `lifestream.core.text.count_words`. Each list is ranked by a seeded shuffle and drawn with
# Zipf weights, and invented names and words make the long tail.
SUBJECTS = ("she", "he", "they", "i", "we", "you")
OBJECTS = ("her", "him", "them", "me", "it", "us", "you")
DETERMINERS = """the the the a her his their my that this every no its our your
one""".split()
PREPOSITIONS = """in on at into through across behind under over toward against with from by
without beside near past around between along""".split()
CONJUNCTIONS = """and but so because while when until before after though as since""".split()
NOUNS = """hand door window room house light night morning day evening voice word eye heart head
shoulder arm finger mouth breath table chair bed wall floor kitchen garden street road city river
sea ship sky sun moon star rain snow wind storm fire water tea coffee cup book letter page name
friend mother father brother sister family home world moment minute hour week year thing question
answer reason idea dream memory thought feeling silence noise sound song story war battle sword
blade horse castle tower forest tree flower field hill mountain valley lake shore island harbour
bridge train car station market shop school class teacher student doctor king queen prince knight
soldier captain crew team plan mission secret truth lie promise gift coat jacket shirt boot glove
ring key lock box bag map phone message screen picture photo paper pen candle lamp mirror clock
bell stair step corner edge shadow bone skin lip cheek neck chest knee stomach throat jaw wrist
palm thumb tear blanket pillow sheet couch desk drawer bottle glass plate bowl spoon fork cake
apple meal dinner party dance game card ball bird cat dog dragon fox bear snake rabbit village
town kingdom empire council temple library office hospital prison camp tent fence gate path trail
cliff cave stone rock spark cloud season holiday hallway balcony roof ceiling curtain cushion
carpet garage alley corridor engine wheel ticket coin note journal diary sketch piano guitar
violin drum bench lantern torch compass anchor sail wave tide pier dock boat cabin cottage orchard
meadow pond stream creek wallet envelope parcel basket sweater hood collar sleeve pocket button
thread needle""".split()
ADJECTIVES = """good bad small big old young new short dark bright cold warm soft hard quiet
loud gentle kind cruel strange familiar empty full heavy slow quick sharp dull tired awake careful
sudden certain wrong true false pale red blue green golden silver black white grey brown wet dry
clean dirty broken whole distant close low high deep narrow wide thin thick rough smooth sweet
bitter sour fresh stale lonely happy sad angry calm nervous brave afraid proud shy honest clever
foolish wild tame ancient modern simple plain fancy strong weak rich poor busy lazy hungry thirsty
sleepy sick healthy dangerous safe secret hidden open tiny huge enormous fragile steady sure hollow
bare crowded silent crimson violet amber tender fierce grim cheerful patient restless careless
hopeful hopeless endless useless terrible wonderful beautiful ugly lovely ordinary
perfect""".split()
ADVERBS = """slowly quickly quietly softly gently suddenly finally carefully nearly barely simply
almost always often sometimes perhaps probably certainly clearly truly together apart forward
instead anyway somehow later soon outside inside upstairs downstairs tonight
tomorrow""".split()
# Regular verbs whose -ed and -ing forms need no doubled consonant.
VERBS = """walk turn look pull push open reach touch watch wait call ask answer laugh smile
breathe whisper listen kiss start finish want need help learn remember wonder notice pause move
lean climb follow return shout murmur sigh stare glance hope love like hate miss wish dream dance
rest trust promise carry hurry worry close enjoy play stay pray fill spill roll fold hand pick
kick lock knock cook clean wash brush dress press guess cross pass join point paint count plant
hunt rush crash flash burn earn warn cover gather offer order suffer shiver flicker linger wander
happen visit decide realize recognize imagine arrive believe change explain complain remain
attend pretend defend depend expect accept insist resist attempt collect protect reflect respect
allow borrow swallow bother consider settle tremble stumble whistle handle struggle taste waste
face trace chase place raise praise cause refuse use destroy annoy clear appear disappear fear
search march stretch fetch vanish fix mix relax sense squeeze curl twist shift lift tilt drift
float flinch""".split()
SPEECH_VERBS = ("said", "said", "said", "asked", "whispered", "murmured", "admitted", "replied")
# Sentence shapes with their weights. Slots: S subject (a pronoun or a name), O object pronoun,
# D determiner, A adjective, N noun, Ns plural noun, V past tense, B base form, I -ing form,
# R adverb, P preposition, C conjunction, Name a character's name.
SENTENCES = (
    ("{S} {V} {D} {N}.", 10),
    ("{S} {V} {D} {A} {N} {P} {D} {N}.", 8),
    ("{D} {A} {N} {V} {P} {D} {N}.", 6),
    ("{S} {R} {V} {D} {N}, {C} {S} {V} {O}.", 5),
    ("{S} {V} {P} {D} {N}, {I} {D} {Ns}.", 5),
    ("It was {D} {A} {N}.", 4),
    ("{S} had never {V} {D} {N} {C} {S} {V} {O}.", 3),
    ("There was {D} {N} {P} {D} {N}.", 4),
    ("{S} could not {B} {D} {N}.", 3),
    ("{S} wanted to {B} {D} {A} {Ns}.", 3),
    ("{D} {N} was {A}, and {D} {N} was {A}.", 3),
    ("{R}, {S} {V}.", 3),
    ("{S} {V} {O} {P} {D} {A} {N}.", 5),
    ("{S} {V} {P} {D} {N} {C} {D} {Ns} {V} {R}.", 4),
    ("{Name} {V} {D} {N} {P} {D} {N}.", 4),
    ("{S} {V}, {A} and {A}, {P} {D} {N}.", 3),
    ("{S} {V} the {N} of {D} {A} {N}.", 3),
    ("{I} {P} {D} {N}, {S} {V} {O}.", 3),
    ("{Name} and {Name} {V} {P} the {N} {R}.", 2),
    ("{S} did not {B} {O}, not {R}.", 2),
)

# Syllables for invented names: characters, places, users and the rare words of the vocabulary.
ONSETS = (*"bcdfghjklmnprstvwz", "br", "st", "th", "sh", "tr", "l", "m", "r", "s")
VOWELS = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "e", "ai", "ea", "y")
CODAS = ("", "", "", "", "", "n", "r", "l", "s", "n", "r", "th")
SURNAME_ENDINGS = """wood ley ford ton well by more son field ridge worth dale brook croft hart
wick lock gate""".split()

# --- tag furniture ----------------------------------------------------------------------------

# Fandom name suffix → the media tag that parents the fandom.
MEDIA_OF_SUFFIX = {
    "TV": "TV Shows",
    "Video Game": "Video Games",
    "Anime": "Anime & Manga",
    "Manga": "Anime & Manga",
    "Novels": "Books & Literature",
    "Movies": "Movies",
    "Comics": "Cartoons & Comics & Graphic Novels",
    "Webcomic": "Cartoons & Comics & Graphic Novels",
    "Band": "Music & Bands",
    "Podcast": "Other Media",
}
SUFFIX_WEIGHTS = (
    ("TV", 22),
    ("Video Game", 15),
    ("Anime", 13),
    ("Manga", 5),
    ("Novels", 16),
    ("Movies", 13),
    ("Comics", 7),
    ("Webcomic", 4),
    ("Band", 3),
    ("Podcast", 2),
)
# The commonest freeforms, in rank order; generated ones follow.
COMMON_FREEFORMS = (
    "Fluff",
    "Angst",
    "Hurt/Comfort",
    "Romance",
    "Humor",
    "Established Relationship",
    "Alternate Universe",
    "Friendship",
    "Happy Ending",
    "Slow Burn",
    "Alternate Universe - Modern Setting",
    "Angst with a Happy Ending",
    "Smut",
    "Fluff and Angst",
    "Canon Compliant",
    "Canon Divergence",
    "Missing Scene",
    "Post-Canon",
    "Pre-Canon",
    "Friends to Lovers",
    "Enemies to Lovers",
    "Mutual Pining",
    "Found Family",
    "Domestic Fluff",
    "First Kiss",
    "Fix-It",
    "Character Study",
    "Introspection",
    "Light Angst",
    "Drabble",
    "Crack Treated Seriously",
    "Soulmates",
    "Time Travel",
    "Getting Together",
    "Alternate Universe - Coffee Shops & Cafés",
    "Alternate Universe - College/University",
    "Minor Character Death",
    "Sharing a Bed",
    "Fake/Pretend Relationship",
    "Team as Family",
    "Nightmares",
    "Grief/Mourning",
    "Banter",
    "Holidays",
    "Tooth-Rotting Fluff",
    "Misunderstandings",
    "Protective Behavior",
    "Hurt No Comfort",
    "Praise Kink",
    "Emotional Hurt/Comfort",
)
FREEFORM_TEMPLATES = (
    "{Adj} {Noun}",
    "{Adj} {Noun}s",
    "{Noun} and {Noun}",
    "Alternate Universe - {Noun} {Noun}",
    "Alternate Universe - {Adj} {Noun}",
    "{Verbing} {Noun}s",
    "Post-{Noun}",
    "{Noun} Fluff",
    "{Adj} Angst",
    "Everyone Is {Adj}",
    "{Noun} as {Noun}",
    "{Noun}-{Noun}",
    "Accidental {Noun}",
    "{Adj} {Noun} Feelings",
)
FANDOM_TEMPLATES = (
    "The {Adj} {Noun}",
    "{Name}",
    "{Noun}s of {Name}",
    "{Adj} {Noun}s",
    "{Name} {Noun}",
    "The {Noun} of {Name}",
    "{Name} and the {Adj} {Noun}",
)
TITLE_TEMPLATES = (
    "{Adj} {Noun}",
    "The {Adj} {Noun}",
    "{Noun}s of {Noun}",
    "{Noun} and {Noun}",
    "What the {Noun} {Verbed}",
    "{Verbing} {Noun}s",
    "A {Noun} for the {Adj}",
    "{Adv}, {Adv}",
    "{Name}",
    "Five Times {Name} {Verbed} (and One Time They Didn't)",
    "All the {Adj} {Noun}s",
    "{Noun}",
    "Before the {Noun}",
    "Notes on {Noun}",
    "The {Noun} Remembers",
)


def zipf_cum_weights(count: int, s: float, q: float = 0.0) -> list[float]:
    """Cumulative Zipf–Mandelbrot weights 1/(rank + q)^s for ranks 1..count, for
    `random.choices(cum_weights=…)` and `bisect`."""
    total = 0.0
    cumulative = []
    for rank in range(1, count + 1):
        total += 1.0 / (rank + q) ** s
        cumulative.append(total)
    return cumulative


def _pick(rng: random.Random, cumulative: Sequence[float]) -> int:
    """An index drawn with the given cumulative weights."""
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


def _acronym(name: str) -> str:
    words = name.replace("/", " ").replace("&", " ").replace("-", " ").split()
    return "".join(word[0] for word in words if word[0].isalpha()).upper()


_NOT_A_LETTER = re.compile(r"<[^>]*>|[^a-z ]")


def _plural(noun: str) -> str:
    if noun.endswith(("s", "sh", "ch", "x", "z")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _verb_forms(verb: str) -> tuple[str, str, str, str]:
    """Base, third person, past and -ing forms of a regular verb."""
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"
    third = verb + "es" if verb.endswith(("s", "sh", "ch", "x", "z")) else verb + "s"
    if verb.endswith("e"):
        return verb, third, verb + "d", verb[:-1] + "ing"
    return verb, third, verb + "ed", verb + "ing"


class Names:
    """Invented words and names from syllables, deterministic for a given generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def word(self, syllables: int) -> str:
        rng = self.rng
        text = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables))
        return text + rng.choice(CODAS)

    def name(self) -> str:
        return self.word(self.rng.choice((2, 2, 2, 3))).capitalize()

    def surname(self) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            return (rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)).capitalize() + (
                rng.choice(SURNAME_ENDINGS)
            )
        return self.word(rng.choice((2, 3))).capitalize()

    def person(self) -> tuple[str, str]:
        """(first name, surname); the surname is empty for someone known by one name."""
        return self.name(), "" if self.rng.random() < 0.15 else self.surname()


# --- prose ------------------------------------------------------------------------------------


class _Slot:
    """Words for one slot of the sentence shapes, drawn with Zipf weights."""

    def __init__(self, words: Sequence[str], s: float = 1.0) -> None:
        self.words = list(words)
        self.weights = zipf_cum_weights(len(self.words), s, 1.0)
        self.total = self.weights[-1]


class ProseBank:
    """A pool of paragraphs from a small sentence grammar over a few thousand words, and
    chapter bodies cut from it.

    A body of n words is a run of consecutive paragraphs from a random start (wrapping round),
    the last one cut after the word that makes n, so its word count is exact."""

    def __init__(self, rng: random.Random, paragraphs: int) -> None:
        self.rng = rng
        names = Names(rng)
        self.names = list(dict.fromkeys(names.name() for _ in range(1_500)))
        real = set(NOUNS)
        invented = list(dict.fromkeys(names.word(rng.choice((2, 2, 3))) for _ in range(1_500)))
        invented = [word for word in invented if word not in real]

        def ranked(words: Iterable[str]) -> list[str]:
            ranked_words = list(dict.fromkeys(words))
            rng.shuffle(ranked_words)
            return ranked_words

        forms = [_verb_forms(verb) for verb in ranked(VERBS)]
        nouns = ranked(NOUNS)
        self.slots = {
            "S": _Slot(SUBJECTS),
            "O": _Slot(OBJECTS),
            "D": _Slot(DETERMINERS, 0.8),
            "A": _Slot(ranked(ADJECTIVES)),
            "N": _Slot(nouns),
            "Ns": _Slot([_plural(noun) for noun in nouns]),
            "V": _Slot([form[2] for form in forms]),
            "B": _Slot([form[0] for form in forms]),
            "I": _Slot([form[3] for form in forms]),
            "R": _Slot(ranked(ADVERBS)),
            "P": _Slot(PREPOSITIONS),
            "C": _Slot(CONJUNCTIONS),
            "Name": _Slot(self.names),
            "rare": _Slot(invented),
        }
        self.shapes = [[self._token(token) for token in shape.split()] for shape, _ in SENTENCES]
        self.shape_weights = list(itertools.accumulate(weight for _, weight in SENTENCES))
        self.paragraphs: list[str] = []
        self.prefix: list[int] = [0]
        self.sentences: list[str] = []
        self.adjectives = [word.capitalize() for word in ADJECTIVES]
        self.nouns = [word.capitalize() for word in NOUNS]
        self.adverbs = [word.capitalize() for word in ADVERBS]
        self.verbs = [_verb_forms(verb) for verb in VERBS]
        chance, randint = rng.random, rng.randint
        total = 0
        for _ in range(paragraphs):
            sentences = []
            for _ in range(randint(2, 7)):
                words = self._sentence()
                if chance() < 0.12:
                    # Dialogue: “Words,” Name said.
                    end = words[-1][-1]
                    words[0] = "“" + words[0]
                    words[-1] = words[-1][:-1] + ("," if end == "." else end) + "”"
                    words.append(self._draw("Name"))
                    words.append(SPEECH_VERBS[randint(0, len(SPEECH_VERBS) - 1)] + ".")
                if chance() < 0.03:
                    index = randint(0, len(words) - 1)
                    words[index] = f"<em>{words[index]}</em>"
                sentences.append(" ".join(words))
                total += len(words)
            if len(self.sentences) < 20_000:
                self.sentences.extend(sentences)
            self.paragraphs.append("<p>" + " ".join(sentences) + "</p>")
            self.prefix.append(total)

    @staticmethod
    def _token(token: str) -> tuple[str | None, str]:
        """("N", ",") for "{N},"; (None, "was") for a literal word."""
        if token.startswith("{"):
            slot, _, rest = token[1:].partition("}")
            return slot, rest
        return None, token

    def _draw(self, slot: str) -> str:
        rng = self.rng
        if slot == "S" and rng.random() < 0.25:
            slot = "Name"
        elif slot == "N" and rng.random() < 0.06:
            slot = "rare"
        words = self.slots[slot]
        return words.words[bisect.bisect_right(words.weights, rng.random() * words.total)]

    def _sentence(self) -> list[str]:
        rng = self.rng
        shape = self.shapes[
            bisect.bisect_right(self.shape_weights, rng.random() * self.shape_weights[-1])
        ]
        words = [literal if slot is None else self._draw(slot) + literal for slot, literal in shape]
        if rng.random() < 0.07:
            words[-1] = words[-1][:-1] + "?"
        words[0] = words[0][:1].upper() + words[0][1:]
        return words

    def text(self, words: int) -> str:
        """`words` words of HTML paragraphs from a random place in the pool."""
        paragraphs, prefix = self.paragraphs, self.prefix
        count = len(paragraphs)
        start = self.rng.randrange(count)
        parts: list[str] = []
        remaining = words
        while remaining > 0:
            base = prefix[start]
            end = bisect.bisect_right(prefix, base + remaining, start) - 1
            if end > start:
                parts.append("\n".join(paragraphs[start:end]))
                remaining -= prefix[end] - base
                start = end
            if remaining == 0:
                break
            if start == count:
                start = 0
                continue
            tokens = paragraphs[start][3:-4].split(" ", remaining)[:remaining]
            last = tokens[-1].rstrip(",")
            if not last.endswith((".", "?", "!", "”", "</em>")):
                last += "."
            tokens[-1] = last
            parts.append("<p>" + " ".join(tokens) + "</p>")
            remaining = 0
        return "\n".join(parts)

    def sentence_run(self, count: int) -> str:
        sentences = self.sentences
        return " ".join(sentences[self.rng.randrange(len(sentences))] for _ in range(count))

    def fill(self, template: str) -> str:
        """A title-like phrase from a template of {Adj} {Noun} {Adv} {Verbed} {Verbing} {Name}."""
        rng = self.rng
        verb = rng.choice(self.verbs)
        text = template
        # One replacement at a time, so "{Noun} and {Noun}" gets two different nouns.
        while "{Adj}" in text:
            text = text.replace("{Adj}", rng.choice(self.adjectives), 1)
        while "{Noun}" in text:
            text = text.replace("{Noun}", rng.choice(self.nouns), 1)
        while "{Adv}" in text:
            text = text.replace("{Adv}", rng.choice(self.adverbs), 1)
        while "{Name}" in text:
            text = text.replace("{Name}", rng.choice(self.names), 1)
        return text.replace("{Verbed}", verb[2].capitalize()).replace(
            "{Verbing}", verb[3].capitalize()
        )


# --- the tag universe -------------------------------------------------------------------------


@dataclass(slots=True)
class GeneratedTag:
    id: int
    kind: str
    name: str
    canonical: bool = True
    merger_id: int | None = None
    unwrangleable: bool = False


@dataclass
class FandomCast:
    """A fandom's canonical characters and relationships in popularity order."""

    characters: list[int] = field(default_factory=list)
    character_weights: list[float] = field(default_factory=list)
    relationships: list[int] = field(default_factory=list)
    relationship_weights: list[float] = field(default_factory=list)


@dataclass
class TagUniverse:
    tags: list[GeneratedTag] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)  # (child, parent)
    fandoms: list[int] = field(default_factory=list)
    fandom_weights: list[float] = field(default_factory=list)
    casts: list[FandomCast] = field(default_factory=list)
    members: dict[int, tuple[int, ...]] = field(default_factory=dict)  # relationship → characters
    freeforms: list[int] = field(default_factory=list)
    freeform_weights: list[float] = field(default_factory=list)
    synonyms: dict[int, list[int]] = field(default_factory=dict)
    unwrangled: dict[str, list[int]] = field(default_factory=dict)
    metatags: dict[str, int] = field(default_factory=dict)  # kind → count


class UniverseBuilder:
    """Builds the fandoms, characters, relationships and freeforms with their wrangling."""

    def __init__(
        self,
        rng: random.Random,
        prose: ProseBank,
        first_id: int,
        taken: set[str],
        media: dict[str, int],
    ) -> None:
        self.rng = rng
        self.prose = prose
        self.names = Names(rng)
        self.next_id = first_id
        self.taken = taken
        self.media = media  # lower-cased name → id of existing media tags
        self.universe = TagUniverse()
        self.by_id: dict[int, GeneratedTag] = {}
        self.fandom_of: dict[int, int] = {}  # character/relationship → fandom
        self.first_names: dict[int, tuple[str, str]] = {}

    def add(self, kind: str, name: str, **flags: Any) -> int | None:
        """A new tag, or None if the name is taken (tag names are unique, ignoring case)."""
        key = name.lower()
        if not name or len(name) > 150 or key in self.taken:
            return None
        self.taken.add(key)
        tag = GeneratedTag(self.next_id, kind, name, **flags)
        self.next_id += 1
        self.universe.tags.append(tag)
        self.by_id[tag.id] = tag
        return tag.id

    def _unique(self, kind: str, make: Callable[[], str], **flags: Any) -> int:
        for _ in range(1000):
            tag_id = self.add(kind, make(), **flags)
            if tag_id is not None:
                return tag_id
        raise RuntimeError(f"Could not find a free {kind} tag name.")

    def build(self, fandoms: int, scale: float, freeforms: int) -> TagUniverse:
        universe = self.universe
        self._fandoms(fandoms, scale)
        self._freeforms(freeforms)
        self._synonyms()
        self._unwrangled()
        universe.metatags = {
            TagKind.FANDOM: self._metatags(list(universe.fandoms), 0.03),
            TagKind.FREEFORM: self._metatags(list(universe.freeforms), 0.02),
            TagKind.CHARACTER: sum(
                self._metatags(cast.characters, 1) if self.rng.random() < 0.1 else 0
                for cast in universe.casts
                if len(cast.characters) >= 6
            ),
            TagKind.RELATIONSHIP: sum(
                self._metatags(cast.relationships, 1) if self.rng.random() < 0.05 else 0
                for cast in universe.casts
                if len(cast.relationships) >= 6
            ),
        }
        return universe

    def _media_tag(self, suffix: str) -> int:
        name = MEDIA_OF_SUFFIX[suffix]
        tag_id = self.media.get(name.lower())
        if tag_id is None:
            tag_id = self.add(TagKind.MEDIA, name)
            if tag_id is None:
                raise RuntimeError(f"“{name}” exists but is not a media tag.")
            self.media[name.lower()] = tag_id
        return tag_id

    def _fandoms(self, count: int, scale: float) -> None:
        rng, universe = self.rng, self.universe
        suffixes = [suffix for suffix, _ in SUFFIX_WEIGHTS]
        suffix_weights = [weight for _, weight in SUFFIX_WEIGHTS]
        universe.fandom_weights = zipf_cum_weights(count, 1.1)
        cast_size = max(8.0, 60.0 * scale)
        for rank in range(1, count + 1):
            suffix: str = rng.choices(suffixes, suffix_weights)[0]

            def fandom_name(suffix: str = suffix) -> str:
                return f"{self.prose.fill(rng.choice(FANDOM_TEMPLATES))} ({suffix})"

            fandom = self._unique(TagKind.FANDOM, fandom_name)
            universe.fandoms.append(fandom)
            universe.links.append((fandom, self._media_tag(suffix)))
            universe.casts.append(self._cast(fandom, 3 + int(cast_size / math.sqrt(rank))))

    def _cast(self, fandom: int, size: int) -> FandomCast:
        rng, universe = self.rng, self.universe
        cast = FandomCast()
        people: list[tuple[int, str, str]] = []
        for _ in range(size):
            first, last = self.names.person()
            tag_id = self.add(TagKind.CHARACTER, f"{first} {last}".strip())
            if tag_id is None:
                continue
            people.append((tag_id, first, last))
            self.first_names[tag_id] = (first, last)
            self.fandom_of[tag_id] = fandom
            universe.links.append((tag_id, fandom))
        cast.characters = [tag_id for tag_id, _, _ in people]
        cast.character_weights = zipf_cum_weights(len(people), 1.0)
        if len(people) >= 2:
            seen: set[tuple[str, tuple[int, ...]]] = set()
            for _ in range(round(len(people) * 1.2)):
                size_of = 3 if rng.random() < 0.03 and len(people) >= 3 else 2
                chosen: list[int] = []
                for _ in range(size_of * 4):
                    index = _pick(rng, cast.character_weights)
                    if index not in chosen:
                        chosen.append(index)
                        if len(chosen) == size_of:
                            break
                if len(chosen) < 2:
                    continue
                # AO3 orders the names in a relationship tag alphabetically.
                members = sorted(chosen, key=lambda index: people[index][1:])
                separator = "/" if rng.random() < 0.75 else " & "
                key = (separator, tuple(members))
                if key in seen:
                    continue
                seen.add(key)
                name = separator.join(f"{people[i][1]} {people[i][2]}".strip() for i in members)
                tag_id = self.add(TagKind.RELATIONSHIP, name)
                if tag_id is None:
                    continue
                cast.relationships.append(tag_id)
                universe.members[tag_id] = tuple(people[i][0] for i in members)
                self.fandom_of[tag_id] = fandom
                universe.links.append((tag_id, fandom))
        cast.relationship_weights = zipf_cum_weights(len(cast.relationships), 1.0)
        return cast

    def _freeforms(self, count: int) -> None:
        universe = self.universe
        for name in COMMON_FREEFORMS[:count]:
            tag_id = self.add(TagKind.FREEFORM, name)
            if tag_id is not None:
                universe.freeforms.append(tag_id)
        while len(universe.freeforms) < count:
            universe.freeforms.append(
                self._unique(
                    TagKind.FREEFORM, lambda: self.prose.fill(self.rng.choice(FREEFORM_TEMPLATES))
                )
            )
        universe.freeform_weights = zipf_cum_weights(len(universe.freeforms), 1.0, 3.0)

    # Synonyms: the names authors type for a canonical tag.
    def _variants(self, tag: GeneratedTag) -> list[str]:
        name = tag.name
        if tag.kind == TagKind.FANDOM:
            base, _, suffix = name.rpartition(" (")
            suffix = suffix.rstrip(")")
            acronym = _acronym(base)
            variants = [
                base,
                acronym if len(acronym) > 2 else f"{base} - Fandom",
                f"{base.lower()} {suffix.lower()}",
                f"{base} - {suffix}",
                f"{acronym} ({suffix})" if len(acronym) > 1 else f"{base} (Fandom)",
            ]
        elif tag.kind == TagKind.CHARACTER:
            first, last = self.first_names[tag.id]
            short = _acronym(self.by_id[self.fandom_of[tag.id]].name)
            variants = [
                first,
                f"{first} {last[:1]}.",
                f"{first[:1]}. {last}",
                last,
                f"{name} ({short})",
            ]
            variants += [f"{first.lower()} ({short})"]
            if not last:
                variants = [f"{first} ({short})", first[:4], f"{first} (character)"]
        elif tag.kind == TagKind.RELATIONSHIP:
            people = [self.first_names[member] for member in self.universe.members[tag.id]]
            romantic = "/" in name
            separator = "/" if romantic else " & "
            loose = " x " if romantic else " and "
            firsts = [first for first, _ in people]
            variants = [
                separator.join(firsts),
                separator.join(first[:4] for first in firsts),
                loose.join(first.lower() for first in firsts),
                separator.join(last or first for first, last in people),
                loose.join(f"{first} {last}".strip() for first, last in people),
            ]
        else:
            lower = name.lower()
            acronym = _acronym(name)
            variants = [
                lower.replace("/", " ").replace(" - ", " "),
                lower.replace(" ", "-") if " " in lower else f"{lower} (tag)",
                acronym if len(acronym) > 1 else f"{lower} fic",
                f"{lower} au"
                if "alternate" not in lower
                else lower.replace("alternate universe", "au"),
                f"so much {lower}",
                f"{name} (kind of)",
            ]
        self.rng.shuffle(variants)
        return variants

    def _synonyms(self) -> None:
        """Popular canonical tags get one to four synonyms, others now and then one."""
        rng, universe = self.rng, self.universe
        characters = [tag for cast in universe.casts for tag in cast.characters]
        relationships = [tag for cast in universe.casts for tag in cast.relationships]
        # Within each cast the order is popularity; across casts, fandom rank — close enough.
        for pool in (universe.fandoms, characters, relationships, universe.freeforms):
            top = max(1, len(pool) * 3 // 100)
            for rank, canonical_id in enumerate(pool):
                if rank < top:
                    count = rng.randint(1, 4) if rng.random() < 0.85 else 0
                else:
                    count = 1 if rng.random() < 0.13 else 0
                if not count:
                    continue
                canonical = self.by_id[canonical_id]
                made: list[int] = []
                for variant in self._variants(canonical):
                    if len(made) == count:
                        break
                    tag_id = self.add(
                        canonical.kind, variant, canonical=False, merger_id=canonical_id
                    )
                    if tag_id is not None:
                        made.append(tag_id)
                if made:
                    universe.synonyms[canonical_id] = made

    def _unwrangled(self) -> None:
        """Tags typed by authors that no wrangler has touched yet, and a few freeforms marked
        unwrangleable."""
        rng, universe, names = self.rng, self.universe, self.names
        characters = sum(len(cast.characters) for cast in universe.casts)
        relationships = sum(len(cast.relationships) for cast in universe.casts)

        def person() -> str:
            first, last = names.person()
            return f"{first} {last}".strip() + rng.choice(("", " (mentioned)", " - Character"))

        def pairing() -> str:
            return rng.choice(("/", " x ", " & ")).join(names.name() for _ in range(2))

        def rambling() -> str:
            words = _NOT_A_LETTER.sub("", self.prose.sentence_run(1).lower()).split()
            return " ".join(words[:12]) or "tagging is hard"

        plan: tuple[tuple[str, int, Callable[[], str], dict[str, bool]], ...] = (
            (TagKind.CHARACTER, max(3, characters // 25), person, {}),
            (TagKind.RELATIONSHIP, max(3, relationships // 25), pairing, {}),
            (TagKind.FREEFORM, max(5, len(universe.freeforms) // 10), rambling, {}),
            (
                TagKind.FREEFORM,
                max(2, len(universe.freeforms) // 50),
                rambling,
                {"unwrangleable": True},
            ),
        )
        for kind, count, make, flags in plan:
            made = universe.unwrangled.setdefault(kind, [])
            for _ in range(count):
                made.append(self._unique(kind, make, canonical=False, **flags))

    def _metatags(self, pool: list[int], groups: float) -> int:
        """Make canonical tags of `pool` (one kind) metatags of 2-5 others, sometimes two
        levels deep. `groups` below 1 is a share of the pool, else a count. Each tag gets at
        most one metatag, so there are no loops."""
        rng = self.rng
        available = list(pool)
        rng.shuffle(available)
        wanted = max(1, round(len(pool) * groups)) if groups < 1 else int(groups)
        made = 0
        for _ in range(wanted):
            size = rng.randint(2, 5)
            if len(available) < size + 1:
                break
            metatag = available.pop()
            subtags = [available.pop() for _ in range(size)]
            self.universe.links.extend((subtag, metatag) for subtag in subtags)
            made += 1
            if rng.random() < 0.2 and len(available) >= 2:
                deeper = [available.pop() for _ in range(rng.randint(2, min(3, len(available))))]
                self.universe.links.extend((tag, subtags[0]) for tag in deeper)
                made += 1
        return made


# --- writing rows -----------------------------------------------------------------------------


class Table:
    """An INSERT for `model` with the given fields supplied per row; every other column gets
    its default once (so a field added to a model later does not break the generator)."""

    def __init__(self, model: type[models.Model], fields: Sequence[str], now: dt.datetime) -> None:
        meta = model._meta
        supplied = [meta.get_field(name) for name in fields]
        self.name = meta.db_table
        self.columns: list[str] = [str(field.column) for field in supplied]  # type: ignore[union-attr]  # fields, never relations
        extras = []
        for model_field in meta.concrete_fields:
            if model_field in supplied or model_field.primary_key:
                continue
            if model_field.db_default is not models.NOT_PROVIDED:
                continue
            if getattr(model_field, "auto_now", False) or getattr(
                model_field, "auto_now_add", False
            ):
                value: Any = now
            else:
                value = model_field.get_default()
                if value is None and not model_field.null:
                    raise RuntimeError(
                        f"The archive generator does not know how to fill {meta.label}."
                        f"{model_field.name}."
                    )
            self.columns.append(str(model_field.column))
            extras.append(model_field.get_db_prep_save(value, connection))
        self.extras = tuple(extras)

    def rows(self, rows: Iterable[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
        if not self.extras:
            return rows
        extras = self.extras
        return (row + extras for row in rows)


class Writer:
    """Bulk inserts on the current connection and transaction: executemany on SQLite (and
    other databases), COPY on PostgreSQL."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.quote = connection.ops.quote_name

    def insert(self, table: Table, rows: Iterable[tuple[Any, ...]]) -> None:
        quote = self.quote
        columns = ", ".join(quote(column) for column in table.columns)
        raw = connection.connection
        if self.vendor == "postgresql":
            # Names come from the models' metadata; the values travel as data.
            sql = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in table.rows(rows):
                    copy.write_row(row)
            return
        if self.vendor == "sqlite":
            marks = ", ".join("?" * len(table.columns))
            raw.executemany(
                f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})",  # noqa: S608  # quoted schema names
                table.rows(rows),
            )
            return
        marks = ", ".join(["%s"] * len(table.columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})",  # noqa: S608  # quoted schema names
                list(table.rows(rows)),
            )

    def reserve_ids(self, model: type[models.Model], last_id: int) -> None:
        """Move a PostgreSQL id sequence past ids the generator assigns itself (SQLite's
        AUTOINCREMENT follows explicit ids by itself)."""
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(%s, 1))",
                [model._meta.db_table, model._meta.pk.column, last_id],
            )


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(last=Max("pk"))["last"] or 0) + 1


@contextlib.contextmanager
def bulk_load_session() -> Iterator[None]:
    """On SQLite, outside any transaction: no fsync and a large page cache for this connection
    while loading, put back afterwards (the settings' `synchronous=FULL` is for real posts)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute(f"PRAGMA cache_size={cache_size}")


# --- the archive ------------------------------------------------------------------------------


@dataclass
class Summary:
    works: int = 0
    drafts: int = 0
    restricted: int = 0
    chapters: int = 0
    words: int = 0
    stored_words: int = 0
    work_tags: int = 0
    tags: dict[str, int] = field(default_factory=dict)
    synonyms: int = 0
    unwrangled: int = 0
    unwrangleable: int = 0
    metatags: dict[str, int] = field(default_factory=dict)
    tag_parents: int = 0
    users: int = 0
    pseuds: int = 0
    text: str = "short"
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class _ChapterPlan:
    position: int
    words: int
    posted: bool
    when: dt.datetime
    title: str


Progress = Callable[[int, int, float], None]


def default_text_mode(works: int) -> str:
    """Full text up to 100,000 works; beyond that only the chapters' openings."""
    return "full" if works <= 100_000 else "short"


class ArchiveGenerator:
    def __init__(
        self,
        works: int,
        *,
        seed: int = 1,
        text: str = "short",
        batch: int = 5000,
        progress: Progress | None = None,
        analyze: bool = True,
    ) -> None:
        if works < 1:
            raise ValueError("works must be at least 1")
        if text not in ("short", "full"):
            raise ValueError("text is 'short' or 'full'")
        self.count = works
        self.seed = seed
        self.text_mode = text
        self.batch = max(1, batch)
        self.progress = progress
        self.analyze = analyze
        self.rng = random.Random(seed)
        self.summary = Summary(text=text)
        self.sqlite = connection.vendor == "sqlite"
        self.now = timezone.now().astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
        self.start = self.now - dt.timedelta(days=round(365.25 * YEARS))
        languages = [code for code in OTHER_LANGUAGES if code in LANGUAGE_NAMES]
        self.languages = languages or ["en"]

    # Values as each database takes them in bulk: SQLite stores naive UTC text, PostgreSQL
    # takes aware datetimes.
    def _when(self, value: dt.datetime) -> Any:
        return value.isoformat(" ") if self.sqlite else value.replace(tzinfo=dt.UTC)

    def _day(self, value: dt.datetime) -> Any:
        return value.date().isoformat() if self.sqlite else value.date()

    def run(self) -> Summary:
        started = time.monotonic()
        summary = self.summary
        writer = Writer()
        with bulk_load_session():
            phase = time.monotonic()
            scale = min(1.0, max(0.02, math.sqrt(self.count / 1_000_000)))
            paragraphs = (
                min(50_000, max(2_000, self.count // 2))
                if self.text_mode == "full"
                else min(20_000, max(2_000, self.count // 50))
            )
            self.prose = ProseBank(random.Random(self.seed * 7919 + 1), paragraphs)
            universe = self._universe(scale)
            self._people()
            summary.phases["tags, users and text pool"] = time.monotonic() - phase
            phase = time.monotonic()
            self._write_tags_and_people(writer, universe)
            summary.phases["writing tags and users"] = time.monotonic() - phase
            phase = time.monotonic()
            self._write_works(writer, universe, started)
            summary.phases["writing works"] = time.monotonic() - phase
            phase = time.monotonic()
            self._finish()
            summary.phases["analyze"] = time.monotonic() - phase
        summary.seconds = time.monotonic() - started
        return summary

    # -- tags and people --

    def _universe(self, scale: float) -> TagUniverse:
        taken = set(Tag.objects.annotate(lname=Lower("name")).values_list("lname", flat=True))
        media = {
            name.lower(): tag_id
            for tag_id, name in Tag.objects.filter(kind=TagKind.MEDIA, canonical=True).values_list(
                "id", "name"
            )
        }
        builder = UniverseBuilder(self.rng, self.prose, _next_id(Tag), taken, media)
        universe = builder.build(
            fandoms=max(20, round(2000 * scale)),
            scale=scale,
            freeforms=max(50, round(5000 * scale)),
        )
        summary = self.summary
        for tag in universe.tags:
            summary.tags[tag.kind] = summary.tags.get(tag.kind, 0) + 1
            summary.synonyms += tag.merger_id is not None
            summary.unwrangled += not tag.canonical and tag.merger_id is None
            summary.unwrangleable += tag.unwrangleable
        summary.metatags = dict(universe.metatags)
        summary.tag_parents = len(universe.links)
        return universe

    def _people(self) -> None:
        rng = self.rng
        names = Names(rng)
        users = max(5, round(self.count / 50))
        taken = {name.lower() for name in User.objects.values_list("username", flat=True)}
        first_user, first_pseud = _next_id(User), _next_id(Pseud)
        adjectives, nouns = ADJECTIVES, NOUNS
        span = (self.now - self.start).total_seconds()
        self.user_rows: list[tuple[Any, ...]] = []
        self.pseud_rows: list[tuple[Any, ...]] = []
        # The pseuds a user's works are credited to: the default one, sometimes another.
        self.author_pseuds: list[tuple[int, int | None]] = []
        password = make_password(None)
        pseud_id = first_pseud
        for index in range(users):
            while True:
                roll = rng.random()
                if roll < 0.4:
                    login = f"{rng.choice(adjectives)}_{rng.choice(nouns)}"
                elif roll < 0.7:
                    login = f"{names.word(rng.choice((2, 3)))}{rng.randint(1, 999)}"
                else:
                    login = f"{rng.choice(nouns)}{names.word(2)}"
                if login.lower() not in taken:
                    taken.add(login.lower())
                    break
            user_id = first_user + index
            joined = self._when(self.start + dt.timedelta(seconds=rng.random() * span))
            self.user_rows.append((user_id, login, f"{login}@example.org", password, joined))
            self.pseud_rows.append((pseud_id, user_id, login, True, joined))
            default, extra = pseud_id, None
            pseud_id += 1
            if rng.random() < 0.1:
                name = f"{rng.choice(adjectives).capitalize()} {rng.choice(nouns).capitalize()}"
                if name.lower() != login.lower():
                    self.pseud_rows.append((pseud_id, user_id, name, False, joined))
                    extra = pseud_id
                    pseud_id += 1
            self.author_pseuds.append((default, extra))
        self.author_weights = zipf_cum_weights(users, 1.0, max(1.0, users / 1000))
        self.summary.users = users
        self.summary.pseuds = len(self.pseud_rows)

    def _write_tags_and_people(self, writer: Writer, universe: TagUniverse) -> None:
        now = self.now.replace(tzinfo=dt.UTC)
        tags = Table(Tag, ["id", "kind", "name", "canonical", "merger", "unwrangleable"], now)
        parents = Table(TagParent, ["child", "parent"], now)
        users = Table(User, ["id", "username", "email", "password", "date_joined"], now)
        pseuds = Table(Pseud, ["id", "user", "name", "is_default", "created_at"], now)
        with transaction.atomic():
            if universe.tags:
                writer.reserve_ids(Tag, universe.tags[-1].id)
            writer.reserve_ids(User, self.user_rows[-1][0])
            writer.reserve_ids(Pseud, self.pseud_rows[-1][0])
            writer.insert(
                tags,
                (
                    (t.id, t.kind, t.name, t.canonical, t.merger_id, t.unwrangleable)
                    for t in universe.tags
                ),
            )
            writer.insert(parents, universe.links)
            writer.insert(users, self.user_rows)
            writer.insert(pseuds, self.pseud_rows)

    # -- works --

    def _publication_times(self) -> list[dt.datetime]:
        """Sorted, denser towards the present (archives grow), so ids follow dates."""
        rng = self.rng
        span = (self.now - self.start).total_seconds() - 86_400
        offsets = sorted(rng.random() ** (1 / 1.8) for _ in range(self.count))
        start = self.start
        return [start + dt.timedelta(seconds=int(offset * span)) for offset in offsets]

    def _write_works(self, writer: Writer, universe: TagUniverse, started: float) -> None:
        now = self.now.replace(tzinfo=dt.UTC)
        works = Table(
            Work,
            [
                "id",
                "title",
                "summary",
                "notes",
                "end_notes",
                "language",
                "restricted",
                "posted",
                "expected_chapters",
                "word_count",
                "chapter_count",
                "published_on",
                "backdated",
                "revised_at",
                "created_at",
                "updated_at",
            ],
            now,
        )
        creatorships = Table(Creatorship, ["work", "pseud", "position"], now)
        work_tags = Table(Work.tags.through, ["work", "tag"], now)
        chapters = Table(
            Chapter,
            [
                "work",
                "position",
                "title",
                "summary",
                "notes",
                "end_notes",
                "body",
                "posted",
                "word_count",
                "published_on",
                "created_at",
                "updated_at",
            ],
            now,
        )
        first_id = _next_id(Work)
        times = self._publication_times()
        writer.reserve_ids(Work, first_id + self.count - 1)
        for offset in range(0, self.count, self.batch):
            work_rows: list[tuple[Any, ...]] = []
            creator_rows: list[tuple[int, int, int]] = []
            tag_rows: list[tuple[int, int]] = []
            chapter_plans: list[tuple[int, list[_ChapterPlan]]] = []
            for index in range(offset, min(offset + self.batch, self.count)):
                work_id = first_id + index
                row, plans = self._work(work_id, times[index])
                work_rows.append(row)
                creator_rows.extend(self._creators(work_id))
                tag_rows.extend((work_id, tag_id) for tag_id in self._tags(universe))
                chapter_plans.append((work_id, plans))
            with transaction.atomic():
                writer.insert(works, work_rows)
                writer.insert(creatorships, creator_rows)
                writer.insert(work_tags, tag_rows)
                writer.insert(chapters, self._chapter_rows(chapter_plans))
            self.summary.work_tags += len(tag_rows)
            done = min(offset + self.batch, self.count)
            if self.progress:
                self.progress(done, self.count, time.monotonic() - started)
        self.summary.works = self.count

    def _work(
        self, work_id: int, published: dt.datetime
    ) -> tuple[tuple[Any, ...], list[_ChapterPlan]]:
        rng, summary, prose = self.rng, self.summary, self.prose
        words = int(rng.lognormvariate(math.log(MEDIAN_WORK_WORDS), WORD_COUNT_SIGMA))
        words = min(MAX_WORK_WORDS, max(MIN_WORK_WORDS, words))
        chapter_count = self._chapter_count(words)
        posted = rng.random() >= DRAFT_SHARE
        restricted = rng.random() < RESTRICTED_SHARE

        # Split the words over the chapters, each at least one word.
        shares = [rng.uniform(0.6, 1.4) for _ in range(chapter_count)]
        scale = words / sum(shares)
        sizes = [max(1, int(share * scale)) for share in shares]
        sizes[-1] = max(1, words - sum(sizes[:-1]))
        words = sum(sizes)

        # Chapters come out every few weeks; nothing is dated in the future.
        plans: list[_ChapterPlan] = []
        when = published
        titled = chapter_count > 1 and rng.random() < 0.5
        for position, size in enumerate(sizes, start=1):
            if position > 1 and posted:
                when = min(self.now, when + dt.timedelta(days=rng.expovariate(1 / 25)))
            title = prose.fill(rng.choice(TITLE_TEMPLATES)) if titled else ""
            plans.append(_ChapterPlan(position, size, posted, when, title))
        revised = when
        if posted and chapter_count > 1 and rng.random() < 0.03:
            # A chapter saved as a draft on a posted work: not in the counts.
            extra = min(self.now, when + dt.timedelta(days=rng.expovariate(1 / 25)))
            size = max(1, words // chapter_count)
            plans.append(_ChapterPlan(chapter_count + 1, size, False, extra, ""))

        roll = rng.random()
        if chapter_count == 1:
            expected = 1 if roll < 0.85 else None if roll < 0.95 else rng.randint(2, 10)
        else:
            expected = (
                chapter_count
                if roll < 0.5
                else None
                if roll < 0.8
                else chapter_count + rng.randint(1, 12)
            )
        language = "en" if rng.random() < ENGLISH_SHARE else rng.choice(self.languages)
        summary_html = f"<p>{prose.sentence_run(rng.randint(1, 3))}</p>"
        notes = f"<p>{prose.sentence_run(rng.randint(1, 2))}</p>" if rng.random() < 0.3 else ""
        end_notes = f"<p>{prose.sentence_run(1)}</p>" if rng.random() < 0.15 else ""

        summary.drafts += not posted
        summary.restricted += restricted
        summary.chapters += len(plans)
        summary.words += words
        row = (
            work_id,
            prose.fill(rng.choice(TITLE_TEMPLATES)),
            summary_html,
            notes,
            end_notes,
            language,
            restricted,
            posted,
            expected,
            words,
            chapter_count,
            self._day(published),
            False,
            self._when(revised),
            self._when(published),
            self._when(revised),
        )
        return row, plans

    def _chapter_count(self, words: int) -> int:
        """Most works are one chapter; the longer the work, the likelier it has several."""
        rng = self.rng
        share = (
            0.08
            if words < 1_500
            else 0.25
            if words < 5_000
            else 0.5
            if words < 15_000
            else 0.8
            if words < 40_000
            else 0.95
        )
        count = 1
        if rng.random() < share:
            per_chapter = rng.lognormvariate(math.log(3_500), 0.5)
            count = min(MAX_CHAPTERS, max(2, round(words / per_chapter)))
        return min(MAX_CHAPTERS, max(count, math.ceil(words / MAX_CHAPTER_WORDS)))

    def _chapter_rows(
        self, works: list[tuple[int, list[_ChapterPlan]]]
    ) -> Iterator[tuple[Any, ...]]:
        text = self.prose.text
        short = self.text_mode == "short"
        summary = self.summary
        for work_id, plans in works:
            for plan in plans:
                stored = min(plan.words, SHORT_TEXT_WORDS) if short else plan.words
                summary.stored_words += stored
                when = self._when(plan.when)
                yield (
                    work_id,
                    plan.position,
                    plan.title,
                    "",
                    "",
                    "",
                    text(stored),
                    plan.posted,
                    plan.words,
                    self._day(plan.when),
                    when,
                    when,
                )

    def _creators(self, work_id: int) -> list[tuple[int, int, int]]:
        rng = self.rng
        authors = self.author_pseuds
        first = _pick(rng, self.author_weights)
        default, extra = authors[first]
        pseud = extra if extra is not None and rng.random() < 0.3 else default
        rows = [(work_id, pseud, 0)]
        if rng.random() < 0.02 and len(authors) > 1:
            second = _pick(rng, self.author_weights)
            if second != first:
                rows.append((work_id, authors[second][0], 1))
        return rows

    def _variant(self, universe: TagUniverse, tag_id: int) -> int:
        synonyms = universe.synonyms.get(tag_id)
        if synonyms and self.rng.random() < SYNONYM_USE:
            return self.rng.choice(synonyms)
        return tag_id

    def _tags(self, universe: TagUniverse) -> list[int]:
        """A work's tags: one rating, warnings, categories, 1-3 fandoms, 0-4 relationships from
        them, 1-8 characters (the relationships' first), 0-15 freeforms."""
        rng = self.rng
        rating = rng.choices(
            [tag for tag, _ in RATING_WEIGHTS], [weight for _, weight in RATING_WEIGHTS]
        )[0]
        roll = rng.random()
        if rating == GENERAL or roll < 0.45:
            warnings = [NO_WARNINGS]
        elif rating == NOT_RATED or roll < 0.75:
            warnings = [CHOSE_NOT_TO_WARN]
        else:
            warnings = list(
                {
                    rng.choice((VIOLENCE, VIOLENCE, VIOLENCE, DEATH, NONCON, UNDERAGE))
                    for _ in range(rng.randint(1, 2))
                }
            )

        roll = rng.random()
        fandom_count = 1 if roll < 0.88 else 2 if roll < 0.98 else 3
        fandom_indexes = list(
            dict.fromkeys(_pick(rng, universe.fandom_weights) for _ in range(fandom_count))
        )
        casts = [universe.casts[index] for index in fandom_indexes]

        relationships: list[int] = []
        characters: list[int] = []
        wanted = rng.choices((0, 1, 2, 3, 4), (28, 45, 15, 7, 5))[0]
        for _ in range(wanted):
            cast = casts[0] if rng.random() < 0.85 else rng.choice(casts)
            if cast.relationships:
                relationships.append(cast.relationships[_pick(rng, cast.relationship_weights)])
        relationships = list(dict.fromkeys(relationships))
        for relationship in relationships:
            characters.extend(universe.members[relationship])
        wanted_characters = rng.choices(range(1, 9), (15, 25, 18, 13, 10, 8, 6, 5))[0]
        for _ in range(max(0, wanted_characters - len(characters)) * 2):
            if len(set(characters)) >= wanted_characters:
                break
            cast = casts[0] if rng.random() < 0.85 else rng.choice(casts)
            if cast.characters:
                characters.append(cast.characters[_pick(rng, cast.character_weights)])
        characters = list(dict.fromkeys(characters))[:8]

        freeform_count = rng.choices(
            range(16), (8, 10, 11, 11, 10, 9, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1)
        )[0]
        freeforms = [
            universe.freeforms[_pick(rng, universe.freeform_weights)] for _ in range(freeform_count)
        ]

        if relationships:
            categories = list(
                {
                    rng.choices(
                        [tag for tag, _ in ROMANTIC_CATEGORY_WEIGHTS],
                        [weight for _, weight in ROMANTIC_CATEGORY_WEIGHTS],
                    )[0]
                    for _ in range(1 if rng.random() < 0.85 else 2)
                }
            )
        else:
            categories = [GEN] if rng.random() < 0.85 else []

        variant = self._variant
        tags = [rating, *warnings, *categories]
        tags += [variant(universe, universe.fandoms[index]) for index in fandom_indexes]
        tags += [variant(universe, tag) for tag in relationships]
        tags += [variant(universe, tag) for tag in characters]
        tags += [variant(universe, tag) for tag in freeforms]
        for kind, pool in universe.unwrangled.items():
            if pool and rng.random() < UNWRANGLED_USE:
                tags.append(rng.choice(pool))
                if kind == TagKind.FREEFORM and rng.random() < 0.5:
                    tags.append(rng.choice(pool))
        return list(dict.fromkeys(tags))

    def _finish(self) -> None:
        """Planner statistics for the new data, and the WAL folded back into the database file."""
        if connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                if self.analyze:
                    cursor.execute("PRAGMA analysis_limit=1000")
                    cursor.execute("ANALYZE")
                    cursor.execute("PRAGMA analysis_limit=0")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            elif connection.vendor == "postgresql" and self.analyze:
                tables = [model._meta.db_table for model in (Tag, TagParent, User, Pseud, Work)]
                tables += [
                    Creatorship._meta.db_table,
                    Chapter._meta.db_table,
                    Work.tags.through._meta.db_table,
                ]
                for table in tables:
                    cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def archive_has_works() -> bool:
    return Work.objects.exists()


def generate_archive(
    works: int,
    *,
    seed: int = 1,
    text: str | None = None,
    batch: int = 5000,
    progress: Progress | None = None,
    analyze: bool = True,
) -> Summary:
    """Add `works` synthetic works (with their tags, users and chapters) to the database."""
    generator = ArchiveGenerator(
        works,
        seed=seed,
        text=text or default_text_mode(works),
        batch=batch,
        progress=progress,
        analyze=analyze,
    )
    summary = generator.run()
    # One change-log row marks the bulk load, so in-memory indexes built before it (or built
    # on it and then rolled back) know to rebuild rather than replay.
    newest = Work.objects.order_by("-pk").values_list("pk", flat=True).first()
    if newest is not None:
        log_work_change(newest)
    return summary
