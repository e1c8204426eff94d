"""A collection's challenge: your gift exchange sign-up, the assignments (the moderators' all,
running the matching and sending; a participant's own), and a prompt meme's prompts and
claims, and posting a fill — the same services as the pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from archive_collections import services as collection_services
from archive_collections.models import NAME_MAX, Collection
from challenges import queries, services
from challenges.models import KINDS, Assignment, ChallengeKind, Prompt, Signup
from challenges.services import PromptData, PromptMemeData, SignupData
from lifestream.core.errors import ErrorList, NotFound
from lifestream.core.pagination import paginate
from works.models import Work

from .auth import OPTIONAL_TOKEN_OPENAPI, BearerToken, OptionalBearerToken, user_of
from .routing import ApiRouter
from .schemas import ErrorsOut, Input, ObjectId, Text

router = ApiRouter(tags=["challenges"])

READ: dict[str, Any] = {"auth": OptionalBearerToken(), "openapi_extra": OPTIONAL_TOKEN_OPENAPI}
WRITE: dict[str, Any] = {"auth": BearerToken()}
ERRORS = {(400, 401, 403, 404, 413, 422): ErrorsOut}
CollectionName = Annotated[str, Field(max_length=NAME_MAX)]


class PromptIn(Input):
    """A request or an offer: per tag kind (`fandom`, `character`, `relationship`,
    `freeform`) tag names, or the string "any" where the challenge allows it."""

    tags: dict[str, list[Text] | Text] = Field(default_factory=dict, max_length=len(KINDS))
    description: Text = ""


class SignupIn(Input):
    requests: list[PromptIn] = Field(default_factory=list, max_length=services.PROMPTS_MAX)
    offers: list[PromptIn] = Field(default_factory=list, max_length=services.PROMPTS_MAX)


class SignupChanges(Input):
    """The sides sent replace yours; a side left out stays."""

    requests: list[PromptIn] | None = Field(None, max_length=services.PROMPTS_MAX)
    offers: list[PromptIn] | None = Field(None, max_length=services.PROMPTS_MAX)


class PromptOut(Schema):
    tags: dict[str, list[str] | str]
    description: str


class SignupOut(Schema):
    id: int
    pseud: str
    requests: list[PromptOut]
    offers: list[PromptOut]


class AssignmentOut(Schema):
    """`giver` is shown to the moderators only (a participant sees the ones they give)."""

    id: int
    giver: str | None
    recipient: str
    status: str
    fits: bool
    score: float
    pinch_hit: bool
    work_id: int | None


class SendOut(Schema):
    sent: int


class PromptMemeIn(Input):
    title: Text
    description: Text = ""
    tags: list[Text] = Field(default_factory=list, max_length=services.TAGS_PER_KIND_MAX)
    anonymous: bool = False


class MemePromptOut(Schema):
    id: int
    title: str
    description: str
    by: str = Field(description="The prompter's pseud, or Anonymous.")
    tags: list[str]
    claims: int
    filled: bool


class PromptPage(Schema):
    count: int
    page: int
    pages: int
    results: list[MemePromptOut]


class ClaimOut(Schema):
    prompt_id: int


class FillIn(Input):
    """Exactly one: the assignment of yours the work fulfils, or the prompt it fills."""

    assignment_id: int | None = None
    prompt_id: int | None = None


class FillOut(Schema):
    work_id: int
    assignment_id: int | None
    prompt_id: int | None


def _named(name: str) -> Collection:
    return collection_services.get_collection(name)


def _tag_text(value: list[str] | str) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def _data(prompts: list[PromptIn]) -> list[PromptData]:
    return [
        PromptData(tags={k: _tag_text(v) for k, v in p.tags.items()}, description=p.description)
        for p in prompts
    ]


def _prompt_out(data: PromptData) -> PromptOut:
    tags: dict[str, list[str] | str] = {
        kind: value if value == services.ANY else [n for n in value.split(", ") if n]
        for kind, value in data.tags.items()
        if value
    }
    return PromptOut(tags=tags, description=data.description)


def _signup_out(signup: Signup) -> SignupOut:
    data = services.signup_data_from(signup)
    return SignupOut(
        id=signup.pk,
        pseud=signup.pseud.byline,
        requests=[_prompt_out(p) for p in data.requests],
        offers=[_prompt_out(p) for p in data.offers],
    )


def _own_signup(request: HttpRequest, name: str) -> tuple[Any, Signup | None]:
    challenge = services.get_challenge(_named(name), ChallengeKind.GIFT_EXCHANGE)
    user = user_of(request)
    return challenge, Signup.objects.filter(challenge=challenge, user=user).first()


@router.get("/collections/{name}/signup", response={200: SignupOut, **ERRORS}, **WRITE)
def get_signup(request: HttpRequest, name: CollectionName) -> SignupOut:
    """Your sign-up to the collection's gift exchange."""
    _challenge, signup = _own_signup(request, name)
    if signup is None:
        raise NotFound("You have not signed up.")
    return _signup_out(signup)


@router.post("/collections/{name}/signup", response={201: SignupOut, **ERRORS}, **WRITE)
def create_signup(request: HttpRequest, name: CollectionName, payload: SignupIn) -> Status:
    """Sign up (while sign-ups are open). Errors name `requests.0.fandom` and the like."""
    challenge, _signup = _own_signup(request, name)
    data = SignupData(requests=_data(payload.requests), offers=_data(payload.offers))
    signup = services.save_signup(user_of(request), challenge, data)
    return Status(201, _signup_out(signup))


@router.patch("/collections/{name}/signup", response={200: SignupOut, **ERRORS}, **WRITE)
def update_signup(request: HttpRequest, name: CollectionName, payload: SignupChanges) -> SignupOut:
    challenge, signup = _own_signup(request, name)
    if signup is None:
        raise NotFound("You have not signed up.")
    data = services.signup_data_from(signup)
    if payload.requests is not None:
        data.requests = _data(payload.requests)
    if payload.offers is not None:
        data.offers = _data(payload.offers)
    return _signup_out(services.save_signup(user_of(request), challenge, data))


def _assignment_out(a: Assignment, moderator: bool) -> AssignmentOut:
    return AssignmentOut(
        id=a.pk,
        giver=a.giver_pseud.byline if moderator else None,
        recipient=a.recipient.pseud.byline,
        status=a.status,
        fits=a.fits,
        score=a.score,
        pinch_hit=a.pinch_hit,
        work_id=a.work_id,
    )


@router.get(
    "/collections/{name}/assignments", response={200: list[AssignmentOut], **ERRORS}, **WRITE
)
def list_assignments(request: HttpRequest, name: CollectionName) -> list[AssignmentOut]:
    """The moderators: every assignment (proposed ones too). A participant: those they give."""
    collection = _named(name)
    challenge = services.get_challenge(collection, ChallengeKind.GIFT_EXCHANGE)
    user = user_of(request)
    moderator = services.is_moderator(user, collection)
    rows = (
        queries.all_assignments(challenge)
        if moderator
        else queries.own_assignments(user, challenge)
    )
    return [_assignment_out(a, moderator) for a in rows]


@router.post("/collections/{name}/matching", response={200: list[AssignmentOut], **ERRORS}, **WRITE)
def run_matching(request: HttpRequest, name: CollectionName) -> list[AssignmentOut]:
    """Run (or run again) the matching: the proposed assignments, each with its quality."""
    collection = _named(name)
    challenge = services.get_challenge(collection, ChallengeKind.GIFT_EXCHANGE)
    services.run_matching(user_of(request), challenge)
    return [_assignment_out(a, True) for a in queries.all_assignments(challenge)]


@router.post("/collections/{name}/assignments/send", response={200: SendOut, **ERRORS}, **WRITE)
def send_assignments(request: HttpRequest, name: CollectionName) -> SendOut:
    """Send the proposed assignments to their givers (inbox and email)."""
    challenge = services.get_challenge(_named(name), ChallengeKind.GIFT_EXCHANGE)
    return SendOut(sent=services.send_assignments(user_of(request), challenge))


def _meme_prompt_out(request: HttpRequest, prompt: Prompt, moderator: bool) -> MemePromptOut:
    user = request.user
    named = not prompt.anonymous or moderator or getattr(user, "pk", None) == prompt.user_id
    return MemePromptOut(
        id=prompt.pk,
        title=prompt.title,
        description=prompt.description,
        by=prompt.pseud.byline if named else "Anonymous",
        tags=[t.name for t in prompt.tags.all()],
        claims=getattr(prompt, "claim_count", 0),
        filled=bool(getattr(prompt, "has_fill", False)),
    )


@router.get("/collections/{name}/prompts", response={200: PromptPage, **ERRORS}, **READ)
def list_prompts(
    request: HttpRequest,
    name: CollectionName,
    tag: Annotated[str, Query("", max_length=200)] = "",
    unfilled: bool = False,
    page: Annotated[int, Query(1, ge=1)] = 1,
) -> PromptPage:
    """A prompt meme's prompts, newest first; `tag` and `unfilled` narrow them."""
    collection = _named(name)
    challenge = services.get_challenge(collection, ChallengeKind.PROMPT_MEME)
    shown = paginate(
        request, queries.prompts(request.user, challenge, tag, unfilled), queries.PER_PAGE
    )
    moderator = services.is_moderator(request.user, collection)
    return PromptPage(
        count=shown.paginator.count,
        page=shown.number,
        pages=shown.paginator.num_pages,
        results=[_meme_prompt_out(request, p, moderator) for p in shown.object_list],
    )


@router.post("/collections/{name}/prompts", response={201: MemePromptOut, **ERRORS}, **WRITE)
def create_prompt(request: HttpRequest, name: CollectionName, payload: PromptMemeIn) -> Status:
    challenge = services.get_challenge(_named(name), ChallengeKind.PROMPT_MEME)
    data = PromptMemeData(
        title=payload.title,
        description=payload.description,
        tags=", ".join(payload.tags),
        anonymous=payload.anonymous,
    )
    prompt = services.create_prompt(user_of(request), challenge, data)
    return Status(201, _meme_prompt_out(request, prompt, False))


def _meme_prompt(name: str, prompt_id: int) -> Prompt:
    challenge = services.get_challenge(_named(name), ChallengeKind.PROMPT_MEME)
    return services.get_prompt(challenge, prompt_id)


@router.post(
    "/collections/{name}/prompts/{prompt_id}/claim", response={201: ClaimOut, **ERRORS}, **WRITE
)
def claim_prompt(request: HttpRequest, name: CollectionName, prompt_id: ObjectId) -> Status:
    prompt = _meme_prompt(name, prompt_id)
    services.claim_prompt(user_of(request), prompt)
    return Status(201, ClaimOut(prompt_id=prompt.pk))


@router.delete(
    "/collections/{name}/prompts/{prompt_id}/claim", response={204: None, **ERRORS}, **WRITE
)
def unclaim_prompt(request: HttpRequest, name: CollectionName, prompt_id: ObjectId) -> Status:
    services.unclaim_prompt(user_of(request), _meme_prompt(name, prompt_id))
    return Status(204, None)


@router.post("/works/{work_id}/fills", response={201: FillOut, **ERRORS}, **WRITE)
def fill(request: HttpRequest, work_id: ObjectId, payload: FillIn) -> Status:
    """Make your work the fill of an assignment of yours (it goes into the collection and is a
    gift to the recipient) or of a prompt (it goes into the collection; the prompter is told)."""
    from access.getters import get_work_for_editor

    user = user_of(request)
    work: Work = get_work_for_editor(user, work_id)
    if (payload.assignment_id is None) == (payload.prompt_id is None):
        errors = ErrorList()
        errors.add("assignment_id", "one_of", "Name one assignment_id or one prompt_id.")
        errors.raise_if_any()
    value = (
        f"assignment:{payload.assignment_id}"
        if payload.assignment_id is not None
        else f"prompt:{payload.prompt_id}"
    )
    services.fulfil_from_form(user, work, value)
    return Status(
        201,
        FillOut(work_id=work.pk, assignment_id=payload.assignment_id, prompt_id=payload.prompt_id),
    )
