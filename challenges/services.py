"""Running a collection's challenge: setting it up, sign-ups, matching (the engine is
`archive_collections.matching`), sending assignments, defaults and pinch hits, fills, the
reveal, and a prompt meme's prompts, claims and fills. Each function takes the acting user,
checks what they may do, is atomic, and raises only `lifestream.core.errors`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access.visibility import is_creator
from archive_collections import matching
from archive_collections import services as collection_services
from archive_collections.models import Approval, Collection, CollectionItem
from feedback.models import Notification, NotificationKind
from feedback.notify import schedule_digests
from lifestream.core.changes import WorkChanged, WorkGifted, announce
from lifestream.core.errors import ErrorList, Forbidden, NotFound
from lifestream.core.text import one_line, sanitize_html
from people.models import Pseud, User
from signups.services import check_may_contribute
from tags.models import Tag, TagParent
from tags.services import find_or_create_tags, split_tag_names
from works.models import Gift, Work

from .models import (
    KINDS,
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX,
    Assignment,
    AssignmentStatus,
    Challenge,
    ChallengeKind,
    Claim,
    PinchHitter,
    Prompt,
    PromptFill,
    Side,
    Signup,
    SignupPrompt,
)

PROMPTS_MAX = 10
TAGS_PER_KIND_MAX = 20
ANY = "any"


def _now() -> dt.datetime:
    return timezone.now()


# --- who may do what ----------------------------------------------------------------------------


def is_moderator(user: object, collection: Collection) -> bool:
    return collection_services.is_collection_moderator(user, collection)


def _check_moderator(user: User, collection: Collection) -> None:
    if not is_moderator(user, collection):
        raise Forbidden(_("Only the collection's owners and moderators can do that."))


def _default_pseud(user: User) -> Pseud:
    pseud = Pseud.objects.filter(user=user).order_by("-is_default", "id").first()
    assert pseud is not None
    return pseud


def challenge_of(collection: Collection) -> Challenge | None:
    return Challenge.objects.filter(collection=collection).first()


def get_challenge(collection: Collection, kind: str | None = None) -> Challenge:
    challenge = challenge_of(collection)
    if challenge is None or (kind is not None and challenge.kind != kind):
        raise NotFound(_("This collection runs no such challenge."))
    return challenge


# --- setting up ---------------------------------------------------------------------------------


@dataclass
class KindSettings:
    request_min: int = 0
    request_max: int = 0
    offer_min: int = 0
    offer_max: int = 0
    match: int = 0
    any_allowed: bool = False
    allowed: str = ""  # tag names, comma separated; "" for any tag


@dataclass
class ChallengeData:
    kind: str = ChallengeKind.GIFT_EXCHANGE
    signups_open_at: dt.datetime | None = None
    signups_close_at: dt.datetime | None = None
    requests_min: int = 1
    requests_max: int = 1
    offers_min: int = 1
    offers_max: int = 1
    kinds: dict[str, KindSettings] = field(default_factory=dict)
    prompt_text: str = ""
    prompt_url: str = ""
    assignments_due_at: dt.datetime | None = None
    works_reveal_at: dt.datetime | None = None
    creators_reveal_at: dt.datetime | None = None


def challenge_data_from(challenge: Challenge) -> ChallengeData:
    names = _tag_names(
        {t for rule in challenge.tag_rules.values() for t in rule.get("allowed", [])}
    )
    kinds = {}
    for kind in KINDS:
        rule = challenge.tag_rules.get(kind, {})
        kinds[kind] = KindSettings(
            **{k: rule.get(k, 0) for k in ("request_min", "request_max", "offer_min", "offer_max")},
            match=rule.get("match", 0),
            any_allowed=bool(rule.get("any_allowed")),
            allowed=", ".join(names[t] for t in rule.get("allowed", []) if t in names),
        )
    return ChallengeData(
        kind=challenge.kind,
        signups_open_at=challenge.signups_open_at,
        signups_close_at=challenge.signups_close_at,
        requests_min=challenge.requests_min,
        requests_max=challenge.requests_max,
        offers_min=challenge.offers_min,
        offers_max=challenge.offers_max,
        kinds=kinds,
        prompt_text=challenge.prompt_text,
        prompt_url=challenge.prompt_url,
        assignments_due_at=challenge.assignments_due_at,
        works_reveal_at=challenge.works_reveal_at,
        creators_reveal_at=challenge.creators_reveal_at,
    )


def _count(errors: ErrorList, name: str, value: int, low: int = 0, high: int = PROMPTS_MAX) -> int:
    if value is None or not low <= value <= high:
        errors.add(
            name,
            "out_of_range",
            _("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high},
        )
        return low
    return int(value)


@transaction.atomic
def save_challenge(user: User, collection: Collection, data: ChallengeData) -> Challenge:
    """Set up or change the collection's challenge (its moderators). The kind is chosen once."""
    _check_moderator(user, collection)
    check_may_contribute(user, "kind")
    challenge = challenge_of(collection) or Challenge(collection=collection)
    errors = ErrorList()
    if challenge.pk is None and data.kind not in ChallengeKind.values:
        errors.add("kind", "invalid", _("Choose a gift exchange or a prompt meme."))
    if challenge.pk is None:
        challenge.kind = data.kind
    counts = {}
    for side in ("requests", "offers"):
        low = _count(errors, f"{side}_min", data.__dict__[f"{side}_min"], 0)
        high = _count(errors, f"{side}_max", data.__dict__[f"{side}_max"], 1)
        if low > high:
            errors.add(f"{side}_max", "below_min", _("The most must be at least the least."))
        counts[f"{side}_min"], counts[f"{side}_max"] = low, high
    rules = {}
    for kind in KINDS:
        given = data.kinds.get(kind) or KindSettings()
        rule: dict[str, object] = {}
        for key in ("request_min", "request_max", "offer_min", "offer_max"):
            rule[key] = _count(errors, f"{kind}_{key}", getattr(given, key), 0, TAGS_PER_KIND_MAX)
        for side in ("request", "offer"):
            if getattr(given, f"{side}_min") > getattr(given, f"{side}_max"):
                errors.add(
                    f"{kind}_{side}_max", "below_min", _("The most must be at least the least.")
                )
        rule["match"] = _count(errors, f"{kind}_match", given.match, 0, TAGS_PER_KIND_MAX)
        rule["any_allowed"] = bool(given.any_allowed)
        names = split_tag_names(given.allowed or "")
        rule["allowed"] = [
            t.pk for t in find_or_create_tags(kind, names, f"{kind}_allowed", errors)
        ]
        rules[kind] = rule
    url = (data.prompt_url or "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        errors.add("prompt_url", "not_url", _("Enter a web address (https://…)."))
    errors.check_length("prompt_url", _("The address"), url, URL_MAX)
    errors.check_length("prompt_text", _("The prompt"), data.prompt_text or "", TEXT_MAX)
    opens, closes = data.signups_open_at, data.signups_close_at
    if opens and closes and closes <= opens:
        errors.add("signups_close_at", "before_open", _("Sign-ups must close after they open."))
    works_at, creators_at = data.works_reveal_at, data.creators_reveal_at
    if works_at and creators_at and creators_at < works_at:
        errors.add(
            "creators_reveal_at",
            "before_works",
            _("Creators cannot be revealed before their works."),
        )
    errors.raise_if_any()
    for key, value in counts.items():
        setattr(challenge, key, value)
    challenge.tag_rules = rules
    challenge.signups_open_at, challenge.signups_close_at = opens, closes
    challenge.prompt_text = sanitize_html(data.prompt_text or "", allow_classes=False)
    challenge.prompt_url = url
    challenge.assignments_due_at = data.assignments_due_at
    challenge.works_reveal_at, challenge.creators_reveal_at = works_at, creators_at
    challenge.save()
    # The collection's unrevealed works hear of the reveal date (`keep_reveal_moment`).
    for work_id in CollectionItem.objects.filter(
        collection=collection, unrevealed=True, work__isnull=False
    ).values_list("work_id", flat=True):
        announce(WorkChanged(work_id))
    for moment in (works_at, creators_at):
        if moment is not None:
            transaction.on_commit(partial(_enqueue_reveal, moment, challenge.pk))
    return challenge


def _enqueue_reveal(at: dt.datetime, challenge_id: int) -> None:
    """Queue the reveal for its moment (a backend that cannot wait gets nothing: the sweep,
    `reveal_challenges`, or the next task does it)."""
    from .tasks import reveal_challenge

    if not reveal_challenge.get_backend().supports_defer:
        return
    reveal_challenge.using(run_after=at).enqueue(challenge_id)


# --- sign-ups ------------------------------------------------------------------------------------


@dataclass
class PromptData:
    # Per tag kind: tag names, comma separated, or "any".
    tags: dict[str, str] = field(default_factory=dict)
    description: str = ""


@dataclass
class SignupData:
    requests: list[PromptData] = field(default_factory=list)
    offers: list[PromptData] = field(default_factory=list)


def rules_of(challenge: Challenge) -> matching.Rules:
    kinds = {}
    for kind in KINDS:
        rule = challenge.tag_rules.get(kind, {})
        kinds[kind] = matching.KindRule(
            request_min=rule.get("request_min", 0),
            request_max=rule.get("request_max", 0),
            offer_min=rule.get("offer_min", 0),
            offer_max=rule.get("offer_max", 0),
            match=rule.get("match", 0),
            any_allowed=bool(rule.get("any_allowed")),
        )
    return matching.Rules(
        kinds=kinds,
        requests_min=challenge.requests_min,
        requests_max=challenge.requests_max,
        offers_min=challenge.offers_min,
        offers_max=challenge.offers_max,
    )


def _problem_message(problem: matching.SignupProblem) -> str:
    messages = {
        "too_few_requests": _("Please make more requests."),
        "too_many_requests": _("Please make fewer requests."),
        "too_few_offers": _("Please make more offers."),
        "too_many_offers": _("Please make fewer offers."),
        "too_few_tags": _("Please name more tags of this kind."),
        "too_many_tags": _("Please name fewer tags of this kind."),
        "any_not_allowed": _("“Any” is not allowed for this kind."),
    }
    return messages[problem.code]


def _problem_field(problem: matching.SignupProblem) -> str:
    if problem.index is None:
        return problem.side
    return f"{problem.side}.{problem.index}.{problem.kind}"


def check_signup_open(user: User, challenge: Challenge) -> None:
    if not challenge.signups_open() and not is_moderator(user, challenge.collection):
        raise Forbidden(_("Sign-ups are closed."))


@transaction.atomic
def save_signup(user: User, challenge: Challenge, data: SignupData) -> Signup:
    """Sign up, or change one's sign-up, while sign-ups are open."""
    if not challenge.is_exchange:
        raise NotFound(_("This collection runs no gift exchange."))
    check_may_contribute(user, "requests")
    check_signup_open(user, challenge)
    errors = ErrorList()
    stored: dict[str, list[tuple[dict, str]]] = {}
    for side, prompts in (("requests", data.requests), ("offers", data.offers)):
        rows = []
        for index, prompt in enumerate(prompts[: PROMPTS_MAX + 1]):
            tags: dict[str, object] = {}
            for kind in KINDS:
                raw = (prompt.tags.get(kind) or "").strip()
                where = f"{side}.{index}.{kind}"
                if raw.casefold() == ANY:
                    tags[kind] = ANY
                    continue
                found = find_or_create_tags(kind, split_tag_names(raw), where, errors)
                allowed = challenge.tag_rules.get(kind, {}).get("allowed") or []
                if allowed and any(t.pk not in allowed for t in found):
                    errors.add(where, "not_allowed", _("Choose from the challenge's tags."))
                tags[kind] = [t.pk for t in found]
            text = prompt.description or ""
            errors.check_length(f"{side}.{index}.description", _("The text"), text, TEXT_MAX)
            rows.append((tags, sanitize_html(text, allow_classes=False) if text.strip() else ""))
        stored[side] = rows
    shaped = _matching_signup(0, stored["requests"], stored["offers"])
    for problem in matching.check_signup(rules_of(challenge), shaped):
        errors.add(_problem_field(problem), problem.code, _problem_message(problem))
    errors.raise_if_any()
    signup, _created = Signup.objects.get_or_create(
        challenge=challenge, user=user, defaults={"pseud": _default_pseud(user)}
    )
    signup.prompts.all().delete()
    for side, value in (("requests", Side.REQUEST), ("offers", Side.OFFER)):
        for position, (tags, text) in enumerate(stored[side]):
            SignupPrompt.objects.create(
                signup=signup, side=value, position=position, tags=tags, description=text
            )
    signup.save()
    # A participant of the exchange is a member of its collection.
    collection_services.join_collection(user, challenge.collection)
    return signup


@transaction.atomic
def delete_signup(user: User, challenge: Challenge) -> None:
    check_signup_open(user, challenge)
    Signup.objects.filter(challenge=challenge, user=user).delete()


def _choice(value: object) -> matching.TagChoice:
    if value == ANY or not isinstance(value, list):
        return matching.ANY if value == ANY else frozenset()
    return frozenset(int(tag) for tag in value)


def _matching_signup(pk: int, requests: list, offers: list) -> matching.Signup:
    return matching.Signup(
        participant=pk,
        requests=[{k: _choice(v) for k, v in tags.items()} for tags, _ in requests],
        offers=[{k: _choice(v) for k, v in tags.items()} for tags, _ in offers],
    )


def _loaded_signups(challenge: Challenge) -> list[matching.Signup]:
    by_signup: dict[int, dict[str, list]] = {}
    for signup_id in challenge.signups.values_list("pk", flat=True):
        by_signup[signup_id] = {Side.REQUEST: [], Side.OFFER: []}
    for prompt in SignupPrompt.objects.filter(signup__challenge=challenge).order_by(
        "signup_id", "side", "position"
    ):
        by_signup[prompt.signup_id][prompt.side].append((prompt.tags, ""))
    return [
        _matching_signup(pk, sides[Side.REQUEST], sides[Side.OFFER])
        for pk, sides in by_signup.items()
    ]


def _tag_tree(signups: list[matching.Signup]) -> matching.TagTree:
    ids: set[int] = set()
    for signup in signups:
        for prompt in (*signup.requests, *signup.offers):
            for choice in prompt.values():
                if not isinstance(choice, type(matching.ANY)):
                    ids.update(choice)  # type: ignore[arg-type]
    synonyms = dict(
        Tag.objects.filter(pk__in=ids, merger__isnull=False).values_list("pk", "merger_id")
    )
    parents: dict[int, list[int]] = {}
    for child, parent in TagParent.objects.filter(
        child_id__in=ids | set(synonyms.values())
    ).values_list("child_id", "parent_id"):
        parents.setdefault(child, []).append(parent)
    return matching.TagTree(synonyms, parents)


def _tag_names(ids: set[int]) -> dict[int, str]:
    return dict(Tag.objects.filter(pk__in=ids).values_list("pk", "name"))


def tag_names_of(signups: list[Signup]) -> dict[int, str]:
    """The names of every tag the sign-ups' (prefetched) prompts name, in one query."""
    return _tag_names(
        {
            t
            for signup in signups
            for p in signup.prompts.all()
            for v in p.tags.values()
            if isinstance(v, list)
            for t in v
        }
    )


def signup_data_from(signup: Signup) -> SignupData:
    prompts = list(signup.prompts.all())
    names = _tag_names(
        {t for p in prompts for v in p.tags.values() if isinstance(v, list) for t in v}
    )
    data = SignupData()
    for prompt in prompts:
        tags = {
            kind: (ANY if value == ANY else ", ".join(names.get(t, "") for t in value))
            for kind, value in prompt.tags.items()
        }
        shaped = PromptData(tags=tags, description=prompt.description)
        (data.requests if prompt.side == Side.REQUEST else data.offers).append(shaped)
    return data


def signup_summary(user: User, challenge: Challenge) -> dict[str, list[tuple[str, int, int]]]:
    """For the moderators: per tag kind, each tag named with how many requests and offers name
    it (most requested first), "any" among them."""
    _check_moderator(user, challenge.collection)
    counts: dict[str, dict[object, list[int]]] = {kind: {} for kind in KINDS}
    for side, tags in SignupPrompt.objects.filter(signup__challenge=challenge).values_list(
        "side", "tags"
    ):
        column = 0 if side == Side.REQUEST else 1
        for kind, value in tags.items():
            if kind not in counts:
                continue
            for tag in [ANY] if value == ANY else value:
                counts[kind].setdefault(tag, [0, 0])[column] += 1
    names = _tag_names({t for per in counts.values() for t in per if isinstance(t, int)})
    summary = {}
    for kind, per in counts.items():
        rows = [
            (names.get(tag, "?") if isinstance(tag, int) else _("Any"), pair[0], pair[1])
            for tag, pair in per.items()
        ]
        summary[kind] = sorted(rows, key=lambda row: (-row[1], -row[2], row[0]))
    return summary


# --- matching ------------------------------------------------------------------------------------


def _check_not_sent(challenge: Challenge) -> None:
    if challenge.assignments_sent_at is not None:
        raise Forbidden(
            _("The assignments were sent: change them one by one (defaults and pinch hits).")
        )


@transaction.atomic
def run_matching(user: User, challenge: Challenge) -> list[Assignment]:
    """Match the sign-ups: the proposed assignments are made again, keeping those a moderator
    settled by hand and never making a forbidden pair. Everyone gives one and receives one;
    an assignment whose giver's offers don't fit its recipient says so (`fits`)."""
    _check_moderator(user, challenge.collection)
    _check_not_sent(challenge)
    signups = _loaded_signups(challenge)
    if len(signups) < 2:
        errors = ErrorList()
        errors.add("signups", "too_few", _("Matching needs at least two sign-ups."))
        errors.raise_if_any()
    potential = matching.potential_matches(rules_of(challenge), signups, _tag_tree(signups))
    people = {s.pk: s for s in challenge.signups.select_related("user", "pseud")}
    by_user = {s.user_id: s.pk for s in people.values()}
    kept_rows = list(challenge.assignments.filter(kept=True))
    keep = [(by_user[a.giver_id], a.recipient_id) for a in kept_rows if a.giver_id in by_user]
    forbid = [(int(g), int(r)) for g, r in challenge.forbidden_pairs]
    try:
        result = matching.assign(
            potential,
            fill_unmatched=True,
            keep=keep,
            forbid=forbid,
        )
    except ValueError:
        errors = ErrorList()
        errors.add(
            "forbidden", "impossible", _("The forbidden pairs leave no way to match everyone.")
        )
        errors.raise_if_any()
        raise AssertionError from None  # unreachable
    kept_pairs = set(keep)
    challenge.assignments.filter(kept=False).delete()
    made = []
    for pair in result.assignments:
        if (pair.giver, pair.recipient) in kept_pairs:
            continue
        giver = people[pair.giver]
        made.append(
            Assignment.objects.create(
                challenge=challenge,
                giver=giver.user,
                giver_pseud=giver.pseud,
                recipient_id=pair.recipient,
                fits=pair.fits,
                score=pair.score,
            )
        )
    return made


def _potential(challenge: Challenge) -> matching.PotentialMatches:
    signups = _loaded_signups(challenge)
    return matching.potential_matches(rules_of(challenge), signups, _tag_tree(signups))


def _giver_signup(assignment: Assignment) -> int | None:
    return (
        Signup.objects.filter(challenge_id=assignment.challenge_id, user_id=assignment.giver_id)
        .values_list("pk", flat=True)
        .first()
    )


def get_assignment(challenge: Challenge, assignment_id: object) -> Assignment:
    try:
        pk = int(str(assignment_id))
    except ValueError:
        pk = 0
    found = (
        challenge.assignments.select_related("giver", "giver_pseud", "recipient__pseud", "work")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No such assignment."))
    return found


@transaction.atomic
def swap_assignments(user: User, first: Assignment, second: Assignment) -> None:
    """Exchange the recipients of two proposed assignments (both then kept as set)."""
    challenge = first.challenge
    _check_moderator(user, challenge.collection)
    _check_not_sent(challenge)
    if first.recipient.user_id == second.giver_id or second.recipient.user_id == first.giver_id:
        errors = ErrorList()
        errors.add("swap", "self", _("That swap would have someone write for themselves."))
        errors.raise_if_any()
    potential = _potential(challenge)
    first.recipient, second.recipient = second.recipient, first.recipient
    for row in (first, second):
        giver = _giver_signup(row)
        g, r = potential.index(giver), potential.index(row.recipient_id)  # type: ignore[arg-type]
        row.fits = bool(potential.fits[g, r])
        row.score = float(potential.score[g, r]) if row.fits else 0.0
        row.kept = True
        row.save()


@transaction.atomic
def keep_assignment(user: User, assignment: Assignment, keep: bool) -> None:
    """Settle a proposed assignment by hand (re-matching keeps it), or free it again."""
    _check_moderator(user, assignment.challenge.collection)
    _check_not_sent(assignment.challenge)
    assignment.kept = keep
    assignment.save(update_fields=["kept"])


@transaction.atomic
def forbid_assignment(user: User, assignment: Assignment) -> None:
    """Rule out this giver for this recipient: the matching is run again without the pair."""
    challenge = assignment.challenge
    _check_moderator(user, challenge.collection)
    _check_not_sent(challenge)
    giver = _giver_signup(assignment)
    pair = [giver, assignment.recipient_id]
    if pair not in challenge.forbidden_pairs:
        challenge.forbidden_pairs = [*challenge.forbidden_pairs, pair]
        challenge.save(update_fields=["forbidden_pairs"])
    assignment.delete()
    run_matching(user, challenge)


def assignment_problems(challenge: Challenge) -> list[matching.AssignmentProblem]:
    signups = dict(challenge.signups.values_list("user_id", "pk"))
    pairs = [
        (signups.get(giver), recipient)
        for giver, recipient in challenge.assignments.exclude(
            status=AssignmentStatus.DEFAULTED
        ).values_list("giver_id", "recipient_id")
    ]
    return matching.check_assignments(signups.values(), pairs)


def _tell(user_ids: list[int], message: str, path: str, subject: str, email: bool = True) -> None:
    """A notice in each inbox, and an email (sent once the transaction commits)."""
    now = _now()
    link = f"{settings.SITE_URL}{path}"
    users = list(User.objects.filter(pk__in=user_ids, is_active=True))
    Notification.objects.bulk_create(
        Notification(
            user=u, kind=NotificationKind.CHALLENGE, message=f"{message}\n{link}", emailed_at=now
        )
        for u in users
    )
    for u in users if email else []:
        if u.email:
            transaction.on_commit(
                partial(
                    send_mail,
                    subject,
                    f"{message}\n\n{link}\n",
                    None,
                    [u.email],
                    fail_silently=True,
                )
            )


@transaction.atomic
def send_assignments(user: User, challenge: Challenge, *, email: bool = True) -> int:
    """Send the proposed assignments: each giver finds theirs in their inbox and email (not
    the sample archive's made-up accounts: `email` False)."""
    _check_moderator(user, challenge.collection)
    _check_not_sent(challenge)
    proposed = list(challenge.assignments.filter(status=AssignmentStatus.PROPOSED))
    if not proposed:
        errors = ErrorList()
        errors.add("assignments", "none", _("Run the matching first."))
        errors.raise_if_any()
    now = _now()
    challenge.assignments.filter(status=AssignmentStatus.PROPOSED).update(
        status=AssignmentStatus.SENT, sent_at=now
    )
    challenge.assignments_sent_at = now
    challenge.save(update_fields=["assignments_sent_at"])
    collection = challenge.collection
    _tell(
        [a.giver_id for a in proposed],
        _("Your assignment for %(title)s is ready.") % {"title": collection.title},
        reverse("challenges:assignments", args=[collection.name]),
        _("Your gift exchange assignment"),
        email,
    )
    return len(proposed)


def default_assignment(user: User, assignment: Assignment) -> Assignment:
    """The giver (or a moderator for them) gives up an open assignment: its recipient waits
    for a pinch hitter."""
    collection = assignment.challenge.collection
    if assignment.giver_id != user.pk and not is_moderator(user, collection):
        raise NotFound(_("No such assignment."))
    if assignment.status != AssignmentStatus.SENT:
        raise Forbidden(_("Only an open assignment can be defaulted."))
    assignment.status = AssignmentStatus.DEFAULTED
    assignment.defaulted_at = _now()
    assignment.save(update_fields=["status", "defaulted_at"])
    return assignment


@transaction.atomic
def volunteer(user: User, challenge: Challenge, on: bool = True) -> None:
    """Join (or leave) the pinch-hit volunteers."""
    if on:
        PinchHitter.objects.get_or_create(
            challenge=challenge, user=user, defaults={"pseud": _default_pseud(user)}
        )
    else:
        PinchHitter.objects.filter(challenge=challenge, user=user).delete()


def pinch_hit_candidates(
    challenge: Challenge, assignment: Assignment
) -> list[tuple[PinchHitter, bool]]:
    """The volunteers who could cover a defaulted assignment, best first, and whether their
    offers (if they signed up) fit its recipient."""
    volunteers = list(challenge.pinch_hitters.select_related("user", "pseud"))
    signups = {s.participant: s for s in _loaded_signups(challenge)}
    by_user = dict(challenge.signups.values_list("user_id", "pk"))
    recipient = signups.get(assignment.recipient_id)
    load: dict[int, int] = {}
    for giver in challenge.assignments.filter(status=AssignmentStatus.SENT).values_list(
        "giver_id", flat=True
    ):
        load[giver] = load.get(giver, 0) + 1
    ranked = []
    if recipient is not None:
        candidates = [signups[by_user[v.user_id]] for v in volunteers if v.user_id in by_user]
        ranking = matching.pinch_hitters(
            rules_of(challenge),
            recipient,
            candidates,
            _tag_tree(list(signups.values())),
            load={by_user[u]: n for u, n in load.items() if u in by_user},
            exclude={by_user.get(assignment.giver_id, 0)},
            only_fitting=False,
            max_load=99,
        )
        order = {hit.participant: (i, hit.fits) for i, hit in enumerate(ranking)}
    else:
        order = {}
    for v in volunteers:
        if v.user_id in (assignment.giver_id, assignment.recipient.user_id):
            continue
        place, fits = order.get(by_user.get(v.user_id, -1), (len(order), False))
        ranked.append((place, v, fits))
    ranked.sort(key=lambda row: (row[0], row[1].pk))
    return [(v, fits) for _, v, fits in ranked]


@transaction.atomic
def pinch_hit(user: User, assignment: Assignment, login: str) -> Assignment:
    """A moderator gives a defaulted assignment's recipient to a volunteer (or anyone named)."""
    challenge = assignment.challenge
    _check_moderator(user, challenge.collection)
    if assignment.status != AssignmentStatus.DEFAULTED:
        raise Forbidden(_("Only a defaulted assignment needs a pinch hitter."))
    hitter = User.objects.filter(username__iexact=(login or "").strip(), is_active=True).first()
    errors = ErrorList()
    if hitter is None:
        errors.add("login", "unknown_user", _("There is no user of that name."))
    elif hitter.pk in (assignment.recipient.user_id, assignment.giver_id):
        errors.add(
            "login", "not_them", _("Choose someone other than the recipient and the defaulter.")
        )
    errors.raise_if_any()
    assert hitter is not None
    volunteer_row = PinchHitter.objects.filter(challenge=challenge, user=hitter).first()
    pseud = volunteer_row.pseud if volunteer_row else _default_pseud(hitter)
    covered = Assignment.objects.create(
        challenge=challenge,
        giver=hitter,
        giver_pseud=pseud,
        recipient=assignment.recipient,
        status=AssignmentStatus.SENT,
        fits=False,
        pinch_hit=True,
        sent_at=_now(),
    )
    collection = challenge.collection
    _tell(
        [hitter.pk],
        _("You have a pinch-hit assignment for %(title)s.") % {"title": collection.title},
        reverse("challenges:assignments", args=[collection.name]),
        _("Your pinch-hit assignment"),
    )
    return covered


def open_assignments(user: object, collection: Collection | None = None) -> list[Assignment]:
    """`user`'s open assignments (in one collection, or any), for the posting form."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = Assignment.objects.filter(giver_id=user.pk, status=AssignmentStatus.SENT)  # type: ignore[attr-defined]
    if collection is not None:
        rows = rows.filter(challenge__collection=collection)
    return list(rows.select_related("challenge__collection", "recipient__pseud"))


# --- fills ---------------------------------------------------------------------------------------


def _into_collection(user: User, work: Work, collection: Collection) -> None:
    item = CollectionItem.objects.filter(collection=collection, work=work).first()
    if item is None or item.user_approval != Approval.APPROVED:
        collection_services.add_work(user, collection, work)


@transaction.atomic
def fulfil_assignment(user: User, work: Work, assignment: Assignment) -> Assignment:
    """Post `work` as the fill of `user`'s open assignment: it goes into the collection, is a
    gift to the recipient, and the assignment is completed."""
    if assignment.giver_id != user.pk or not is_creator(user, work):
        raise NotFound(_("No such assignment of yours."))
    if assignment.status != AssignmentStatus.SENT:
        errors = ErrorList()
        errors.add("fulfils", "not_open", _("That assignment is not open."))
        errors.raise_if_any()
    _into_collection(user, work, assignment.challenge.collection)
    recipient = assignment.recipient.pseud
    gift, made = Gift.objects.get_or_create(work=work, pseud=recipient)
    if made:
        announce(WorkGifted(work.pk, gift.pk, user.pk))
    assignment.work = work
    assignment.status = AssignmentStatus.COMPLETED
    assignment.completed_at = _now()
    assignment.save(update_fields=["work", "status", "completed_at"])
    return assignment


def fill_choices(user: object) -> list[tuple[str, str]]:
    """What the posting form offers as "This fulfils": the user's open assignments and claims."""
    choices = []
    for a in open_assignments(user):
        choices.append(
            (
                f"assignment:{a.pk}",
                _("Assignment in %(collection)s for %(recipient)s")
                % {
                    "collection": a.challenge.collection.title,
                    "recipient": a.recipient.pseud.byline,
                },
            )
        )
    if getattr(user, "is_authenticated", False):
        for claim in Claim.objects.filter(user_id=user.pk).select_related(  # type: ignore[attr-defined]
            "prompt__challenge__collection"
        ):
            choices.append(
                (
                    f"prompt:{claim.prompt_id}",
                    _("Prompt “%(title)s” in %(collection)s")
                    % {
                        "title": claim.prompt.title,
                        "collection": claim.prompt.challenge.collection.title,
                    },
                )
            )
    return choices


def fulfil_from_form(user: User, work: Work, value: str) -> None:
    """The posting form's "This fulfils" (`assignment:ID` or `prompt:ID`, "" for nothing)."""
    kind, _sep, raw = (value or "").partition(":")
    if not kind:
        return
    try:
        pk = int(raw)
    except ValueError:
        pk = 0
    if kind == "assignment":
        found = Assignment.objects.filter(pk=pk, giver_id=user.pk).first()
        if found is None:
            raise NotFound(_("No such assignment of yours."))
        fulfil_assignment(user, work, found)
    elif kind == "prompt":
        prompt = Prompt.objects.filter(pk=pk).first()
        if prompt is None:
            raise NotFound(_("No such prompt."))
        fill_prompt(user, work, prompt)
    else:
        raise NotFound(_("No such assignment of yours."))


# --- the reveal ----------------------------------------------------------------------------------


def keep_reveal_moment(change: WorkChanged) -> None:
    """A consumer of the change feed: the work's `unrevealed_until`, the latest works reveal
    date of the unrevealed collections it is in (None when one has none), so the visibility
    rules let it out at that moment exactly, before the reveal task does the bookkeeping."""
    moments = list(
        CollectionItem.objects.filter(
            work_id=change.work_id, unrevealed=True, user_approval=Approval.APPROVED
        )
        .exclude(collection_approval=Approval.REJECTED)
        .values_list("collection__challenge__works_reveal_at", flat=True)
    )
    if not moments:
        return  # in no unrevealed collection: the moment is never read
    until = None if any(m is None for m in moments) else max(m for m in moments if m)
    Work.objects.filter(pk=change.work_id).update(unrevealed_until=until)


@transaction.atomic
def reveal_due(now: dt.datetime | None = None) -> int:
    """Reveal every challenge's works and creators whose moment has come, once: a second call
    finds them revealed and does nothing. Returns how many reveals were done."""
    now = now or _now()
    done = 0
    due = Challenge.objects.filter(
        Q(works_reveal_at__lte=now, works_revealed_at__isnull=True)
        | Q(creators_reveal_at__lte=now, creators_revealed_at__isnull=True)
    ).values_list("pk", flat=True)
    for pk in list(due):
        done += reveal_challenge(pk, now)
    return done


@transaction.atomic
def reveal_challenge(challenge_id: int, now: dt.datetime | None = None) -> int:
    """One challenge's reveals that are due: its works (no longer Mystery Works; the gift
    notices, held until now, show in the recipients' inboxes) and then its creators."""
    now = now or _now()
    challenge = Challenge.objects.select_for_update().filter(pk=challenge_id).first()
    if challenge is None:
        return 0
    collection = challenge.collection
    done = 0
    items = CollectionItem.objects.filter(collection=collection)
    if (
        challenge.works_reveal_at
        and challenge.works_reveal_at <= now
        and not challenge.works_revealed_at
    ):
        work_ids = list(
            items.filter(unrevealed=True, work__isnull=False).values_list("work_id", flat=True)
        )
        items.update(unrevealed=False)
        if collection.unrevealed:
            collection.unrevealed = False
            collection.save(update_fields=["unrevealed", "updated_at"])
        collection_services.refresh_works(work_ids)
        # The gift notices held back until now: their recipients' digests go out.
        waiting = Notification.objects.filter(work_id__in=work_ids, emailed_at__isnull=True)
        recipients = sorted(set(waiting.values_list("user_id", flat=True)))
        if recipients:
            transaction.on_commit(partial(schedule_digests, recipients), robust=True)
        challenge.works_revealed_at = now
        done += 1
    if (
        challenge.creators_reveal_at
        and challenge.creators_reveal_at <= now
        and not challenge.creators_revealed_at
    ):
        work_ids = list(
            items.filter(anonymous=True, work__isnull=False).values_list("work_id", flat=True)
        )
        items.update(anonymous=False)
        if collection.anonymous:
            collection.anonymous = False
            collection.save(update_fields=["anonymous", "updated_at"])
        collection_services.refresh_works(work_ids)
        challenge.creators_revealed_at = now
        done += 1
    challenge.save(update_fields=["works_revealed_at", "creators_revealed_at"])
    return done


# --- prompt memes --------------------------------------------------------------------------------


@dataclass
class PromptMemeData:
    title: str = ""
    description: str = ""
    tags: str = ""  # tag names of any kind already on the archive, or freeforms, comma separated
    anonymous: bool = False


@transaction.atomic
def create_prompt(user: User, challenge: Challenge, data: PromptMemeData) -> Prompt:
    if challenge.kind != ChallengeKind.PROMPT_MEME:
        raise NotFound(_("This collection runs no prompt meme."))
    check_may_contribute(user, "title")
    check_signup_open(user, challenge)
    errors = ErrorList()
    title = one_line(data.title or "")
    if not title:
        errors.add("title", "required", _("Please enter a title."))
    errors.check_length("title", _("The title"), title, TITLE_MAX)
    errors.check_length("description", _("The text"), data.description or "", TEXT_MAX)
    names = split_tag_names(data.tags or "")
    if len(names) > TAGS_PER_KIND_MAX:
        errors.add("tags", "too_many", _("At most %(count)d tags.") % {"count": TAGS_PER_KIND_MAX})
        names = []
    known = {t.name.casefold(): t for t in Tag.objects.filter(name__in=names)}
    for name in names:
        if name.casefold() not in known:
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is not None:
                known[name.casefold()] = tag
    new = [n for n in names if n.casefold() not in known]
    tags = list(known.values()) + find_or_create_tags("freeform", new, "tags", errors)
    errors.raise_if_any()
    prompt = Prompt.objects.create(
        challenge=challenge,
        user=user,
        pseud=_default_pseud(user),
        anonymous=bool(data.anonymous),
        title=title,
        description=sanitize_html(data.description or "", allow_classes=False),
    )
    prompt.tags.set(tags)
    return prompt


def get_prompt(challenge: Challenge, prompt_id: object) -> Prompt:
    try:
        pk = int(str(prompt_id))
    except ValueError:
        pk = 0
    prompt = challenge.prompts.select_related("pseud__user").filter(pk=pk).first()
    if prompt is None:
        raise NotFound(_("No such prompt."))
    return prompt


@transaction.atomic
def claim_prompt(user: User, prompt: Prompt) -> Claim:
    check_may_contribute(user, "prompt")
    if prompt.user_id == user.pk:
        raise Forbidden(_("You cannot claim your own prompt."))
    claim, _made = Claim.objects.get_or_create(
        prompt=prompt, user=user, defaults={"pseud": _default_pseud(user)}
    )
    return claim


@transaction.atomic
def unclaim_prompt(user: User, prompt: Prompt) -> None:
    deleted, _rows = Claim.objects.filter(prompt=prompt, user=user).delete()
    if not deleted:
        raise NotFound(_("You have not claimed this prompt."))


@transaction.atomic
def fill_prompt(user: User, work: Work, prompt: Prompt) -> PromptFill:
    """`work` fills `prompt`: it goes into the collection, and the prompter is told (the
    notice is about the work, so it waits for the reveal of an unrevealed fill)."""
    if not is_creator(user, work):
        raise Forbidden(_("Only the work's creators can do that."))
    _into_collection(user, work, prompt.challenge.collection)
    fill, made = PromptFill.objects.get_or_create(prompt=prompt, work=work)
    if made and prompt.user_id != user.pk:
        Notification.objects.create(
            user_id=prompt.user_id,
            kind=NotificationKind.CHALLENGE,
            work=work,
            message=_("A fill for your prompt “%(title)s”.") % {"title": prompt.title},
            emailed_at=_now(),
        )
        fill.notified_at = _now()
        fill.save(update_fields=["notified_at"])
    Claim.objects.filter(prompt=prompt, user=user).delete()
    return fill
