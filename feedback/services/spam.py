"""The spam check for comments, self-hosted: no outside service is asked.

Guests' comments, and those of new accounts (younger than `SPAM_NEW_ACCOUNT_DAYS`, or with
fewer than `SPAM_TRUSTED_AFTER` published comments), are looked at for these signals, each
with a stable code stored on a held comment (`Comment.spam_reasons`):

- ``honeypot``: a field people never see was filled in;
- ``too_fast`` / ``no_token``: the form came back sooner than `SPAM_MIN_SECONDS` after it was
  shown, or without its signed timestamp (or with a forged or stale one);
- ``no_proof``: a guest sent no solved proof-of-work challenge (ALTCHA; a browser solves it
  while the guest types; with JavaScript off there is none, and the comment waits for review);
- ``links``: more than `SPAM_MAX_LINKS` links;
- ``repeated``: the same text posted more than `SPAM_MAX_REPEATS` times in a day, anywhere
  (a text of a few words and no link, "Thank you!", may be said by everyone);
- ``classifier``: the naive Bayes classifier, trained on the creators' and moderators'
  "spam" / "not spam" decisions, puts it at `SPAM_THRESHOLD_PERCENT` or more.

A comment with any of them is held (`CommentStatus.HELD`): not shown, not counted, waiting for
the work's creators or a moderator to approve it (which teaches "not spam") or mark it as spam
(which teaches "spam"). Nothing here knows of HTTP: the pages hand over what the form sent as
a `Screening`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import altcha
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from lifestream.core.text import html_to_text

from ..models import Comment, CommentStatus, SpamExample, SpamModel

if TYPE_CHECKING:
    from access.visibility import Viewer

FORM_SALT = "lifestream.comment-form"
POW_ALGORITHM = "SHA-256"
# The classifier's vocabulary is cut to the commonest words, so the stored model stays small.
VOCABULARY_MAX = 50_000
REPEAT_WINDOW = dt.timedelta(days=1)
# Short words of thanks ("Thank you!", "More please!") are the same from many readers: only
# longer texts, or any with a link, count as repeated.
REPEAT_MIN_WORDS = 6

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_LINK = re.compile(r"""(?:https?://|www\.)[^\s<>"']+""", re.IGNORECASE)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)""", re.IGNORECASE)


def _cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


# --- What the form sends -------------------------------------------------------------------


@dataclass(frozen=True)
class Screening:
    """What a comment form sent besides the comment: the hidden honeypot field's value, the
    signed time the form was shown (None: not sent from a form, as from the API) and the
    proof-of-work payload ("" when the browser solved none)."""

    honeypot: str = ""
    token: str | None = None
    proof: str = ""


def form_token(now: float | None = None) -> str:
    """The signed time a comment form is shown at, for its hidden field."""
    return signing.dumps(int(now if now is not None else time.time()), salt=FORM_SALT)


def _seconds_since_shown(token: str) -> float | None:
    try:
        shown = signing.loads(token, salt=FORM_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(shown, int):
        return None
    return time.time() - shown


def pow_challenge() -> dict[str, Any]:
    """A fresh ALTCHA challenge (what the widget fetches), signed with the archive's key."""
    challenge = altcha.create_challenge(
        POW_ALGORITHM,
        settings.SPAM_POW_COST,
        expires_at=int(time.time()) + settings.SPAM_POW_SECONDS,
        hmac_secret=_pow_secret(),
    )
    return challenge.to_dict()


def _pow_secret() -> str:
    return f"{settings.SECRET_KEY}:altcha"


def proof_is_valid(payload: str) -> bool:
    """Whether `payload` is a solved challenge of ours, not expired and not used before."""
    if not payload or len(payload) > 10_000:
        return False
    try:
        result = altcha.verify_solution(payload, _pow_secret())
    except (ValueError, TypeError, KeyError):
        return False
    if not result.verified:
        return False
    used = "spam-pow:" + hashlib.sha256(payload.encode()).hexdigest()
    return bool(cache.add(used, 1, settings.SPAM_POW_SECONDS + 60))


# --- Text ------------------------------------------------------------------------------------


def plain_text(body: str) -> str:
    return html_to_text(body) if "<" in body else body


def digest(body: str) -> str:
    """The same text however it is spaced, cased or numbered: for the repetition check."""
    words = _WORD.findall(plain_text(body).casefold())
    return hashlib.sha256(" ".join(w for w in words if not w.isdigit()).encode()).hexdigest()


def links_in(body: str) -> list[str]:
    found = _HREF.findall(body) + _LINK.findall(plain_text(body))
    return list(dict.fromkeys(found))


def counts_as_repeatable(body: str) -> bool:
    """Whether the same text sent again counts against it: a link, or enough words."""
    return bool(links_in(body)) or len(_WORD.findall(plain_text(body))) >= REPEAT_MIN_WORDS


def tokens(body: str) -> set[str]:
    """The words of a comment as the classifier counts them: casefolded words (pairs of
    characters for Chinese and Japanese, which have no spaces), the sites it links to, and
    how many links it has."""
    text = plain_text(body).casefold()
    found: set[str] = set()
    for word in _WORD.findall(text):
        if any(_cjk(char) for char in word):
            found.update(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif 2 <= len(word) <= 30:
            found.add(word)
    links = links_in(body)
    for link in links:
        host = urlsplit(link if "//" in link else f"//{link}").hostname or ""
        if host:
            found.add(f"link:{host.removeprefix('www.')}")
    found.add(f"links:{min(len(links), 3)}")
    return found


# --- The classifier --------------------------------------------------------------------------


@dataclass
class Classifier:
    """Naive Bayes over the words a comment has (each counted once), with add-one smoothing.
    `counts[label][word]`: in how many examples of `label` the word appears."""

    counts: dict[str, dict[str, int]] = field(default_factory=lambda: {"spam": {}, "ham": {}})
    documents: dict[str, int] = field(default_factory=lambda: {"spam": 0, "ham": 0})

    @classmethod
    def train(cls, examples: list[tuple[str, str]]) -> Classifier:
        counts: dict[str, Counter[str]] = {"spam": Counter(), "ham": Counter()}
        documents = {"spam": 0, "ham": 0}
        for text, label in examples:
            counts[label].update(tokens(text))
            documents[label] += 1
        kept = {word for word, _ in (counts["spam"] + counts["ham"]).most_common(VOCABULARY_MAX)}
        return cls(
            {label: {w: n for w, n in c.items() if w in kept} for label, c in counts.items()},
            documents,
        )

    @property
    def ready(self) -> bool:
        return min(self.documents.values()) >= settings.SPAM_MIN_EXAMPLES

    def spam_probability(self, body: str) -> float:
        total = sum(self.documents.values())
        score = {}
        for label in ("spam", "ham"):
            seen = self.documents[label]
            logp = math.log((seen + 1) / (total + 2))
            for word in tokens(body):
                count = self.counts[label].get(word, 0)
                if count or word in self.counts["spam"] or word in self.counts["ham"]:
                    logp += math.log((count + 1) / (seen + 2))
            score[label] = logp
        diff = max(-50.0, min(50.0, score["ham"] - score["spam"]))
        return 1 / (1 + math.exp(diff))

    def to_data(self) -> dict[str, Any]:
        return {"counts": self.counts, "documents": self.documents}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Classifier:
        if not data:
            return cls()
        return cls(data["counts"], data["documents"])


def stored_classifier() -> Classifier:
    model = SpamModel.objects.order_by("-trained_at").first()
    return Classifier.from_data(model.data) if model is not None else Classifier()


@transaction.atomic
def train() -> SpamModel:
    """Rebuild the classifier from every decision kept, and store it (one row)."""
    examples = list(SpamExample.objects.values_list("text", "label"))
    classifier = Classifier.train(examples)
    SpamModel.objects.all().delete()
    return SpamModel.objects.create(
        data=classifier.to_data(), examples=len(examples), trained_at=timezone.now()
    )


def _retrain_if_due() -> None:
    model = SpamModel.objects.order_by("-trained_at").only("trained_at").first()
    since = SpamExample.objects.all()
    if model is not None:
        since = since.filter(created_at__gt=model.trained_at)
    if since.count() >= settings.SPAM_RETRAIN_AFTER:
        from ..tasks import train_spam_classifier

        transaction.on_commit(train_spam_classifier.enqueue)


def learn(comment: Comment, label: str, decided_by: Viewer) -> None:
    """Keep a decision on `comment` as an example, and retrain once enough have come in."""
    SpamExample.objects.create(
        text=plain_text(comment.body),
        label=label,
        comment=comment,
        decided_by=decided_by if decided_by.is_authenticated else None,
    )
    _retrain_if_due()


# --- The check -------------------------------------------------------------------------------


def needs_check(viewer: Viewer) -> bool:
    """Guests, and accounts still new (by age or by how few published comments they have)."""
    if not settings.SPAM_CHECKS:
        return False
    if not viewer.is_authenticated:
        return True
    young = timezone.now() - viewer.date_joined < dt.timedelta(days=settings.SPAM_NEW_ACCOUNT_DAYS)
    if young:
        return True
    published = Comment.objects.filter(
        user_id=viewer.pk, status=CommentStatus.PUBLISHED, is_deleted=False
    )[: settings.SPAM_TRUSTED_AFTER].count()
    return published < settings.SPAM_TRUSTED_AFTER


@dataclass
class Verdict:
    reasons: list[str] = field(default_factory=list)
    score: float | None = None

    @property
    def held(self) -> bool:
        return bool(self.reasons)


def screen(
    viewer: Viewer,
    body: str,
    body_digest: str,
    screening: Screening | None,
    classifier: Classifier | None = None,
) -> Verdict:
    """The signals `body` (sanitised) and the form it came with raise; see the module."""
    verdict = Verdict()
    reasons = verdict.reasons
    sent = screening or Screening()
    if sent.honeypot.strip():
        reasons.append("honeypot")
    if sent.token is not None:
        elapsed = _seconds_since_shown(sent.token)
        if elapsed is None or elapsed > settings.SPAM_MAX_FORM_AGE:
            reasons.append("no_token")
        elif elapsed < settings.SPAM_MIN_SECONDS:
            reasons.append("too_fast")
    if not viewer.is_authenticated and not proof_is_valid(sent.proof):
        reasons.append("no_proof")
    if len(links_in(body)) > settings.SPAM_MAX_LINKS:
        reasons.append("links")
    if counts_as_repeatable(body):
        repeats = Comment.objects.filter(
            body_digest=body_digest, created_at__gte=timezone.now() - REPEAT_WINDOW
        )[: settings.SPAM_MAX_REPEATS + 1].count()
        if repeats >= settings.SPAM_MAX_REPEATS:
            reasons.append("repeated")
    model = classifier if classifier is not None else stored_classifier()
    if model.ready:
        verdict.score = model.spam_probability(body)
        if verdict.score * 100 >= settings.SPAM_THRESHOLD_PERCENT:
            reasons.append("classifier")
    return verdict
