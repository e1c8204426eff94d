"""A collection's challenge pages: its settings, sign-ups, matching, assignments, and a prompt
meme's prompts. Writes go through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from access.visibility import ANONYMOUS
from archive_collections import services as collection_services
from archive_collections.models import Collection, Role
from feedback.moderators import can_moderate
from lifestream.core.errors import Forbidden, InvalidInput, NotFound
from lifestream.core.pagination import paginate
from people.models import User

from . import queries, services
from .forms import KIND_LABELS, ChallengeForm, PromptForm, SignupForm
from .models import KINDS, AssignmentStatus, Challenge, ChallengeKind, PinchHitter, Signup


def _collection(name: str) -> Collection:
    try:
        return collection_services.get_collection(name)
    except NotFound as missing:
        raise Http404(str(missing)) from missing


def _challenge(collection: Collection, kind: str | None = None) -> Challenge:
    try:
        return services.get_challenge(collection, kind)
    except NotFound as missing:
        raise Http404(str(missing)) from missing


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _context(request: HttpRequest, collection: Collection) -> dict[str, Any]:
    role = collection_services.role_of(request.user, collection)
    return {
        "collection": collection,
        "viewer_role": role,
        "is_owner": role == Role.OWNER or can_moderate(request.user),
        "is_moderator": services.is_moderator(request.user, collection),
        "challenge": services.challenge_of(collection),
    }


def _moderators_only(context: dict[str, Any]) -> None:
    if not context["is_moderator"]:
        raise PermissionDenied(_("Only the collection's owners and moderators can do that."))


def challenge(request: HttpRequest, name: str) -> HttpResponse:
    """The challenge's settings: read by all, set up and changed by the moderators."""
    collection = _collection(name)
    context = _context(request, collection)
    current = context["challenge"]
    if current is None and not context["is_moderator"]:
        raise Http404(_("This collection runs no such challenge."))
    form = None
    status = 200
    if context["is_moderator"]:
        initial = (
            ChallengeForm.initial_from(services.challenge_data_from(current)) if current else {}
        )
        form = ChallengeForm(request.POST or None, initial=initial, challenge=current)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.save_challenge(_actor(request), collection, form.data_for_service())
                except InvalidInput as error:
                    form.add_service_errors(error)
                else:
                    messages.success(request, _("The challenge was saved."))
                    return redirect("challenges:challenge", collection.name)
            status = 422
    elif request.method == "POST":
        raise PermissionDenied(_("Only the collection's owners and moderators can do that."))
    rules = []
    if current is not None:
        for kind in KINDS:
            rule = current.tag_rules.get(kind, {})
            if any(rule.get(k) for k in ("request_max", "offer_max")):
                rules.append((KIND_LABELS[kind], rule))
    context.update({"form": form, "rules": rules})
    return render(request, "challenges/challenge.html", context, status=status)


@login_required
def signups(request: HttpRequest, name: str) -> HttpResponse:
    """A participant's own sign-up (made and changed until sign-ups close); the moderators
    also see every sign-up and a summary of the tags requested and offered."""
    collection = _collection(name)
    current = _challenge(collection, ChallengeKind.GIFT_EXCHANGE)
    context = _context(request, collection)
    actor = _actor(request)
    own = Signup.objects.filter(challenge=current, user=actor).first()
    initial = SignupForm.initial_from(services.signup_data_from(own)) if own else {}
    form = SignupForm(request.POST or None, initial=initial, challenge=current)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "delete":
                services.delete_signup(actor, current)
                messages.success(request, _("Your sign-up was deleted."))
                return redirect("challenges:signups", collection.name)
            if action in ("volunteer", "unvolunteer"):
                services.volunteer(actor, current, action == "volunteer")
                messages.success(request, _("Your pinch-hit offer was saved."))
                return redirect("challenges:signups", collection.name)
            if form.is_valid():
                services.save_signup(actor, current, form.data_for_service())
                messages.success(request, _("Your sign-up was saved."))
                return redirect("challenges:signups", collection.name)
            status = 422
        except InvalidInput as error:
            form.add_service_errors(error)
            status = 422
        except Forbidden as refused:
            messages.error(request, str(refused))
            status = 403
    context.update(
        {
            "form": form,
            "own": own,
            "open": current.signups_open(),
            "volunteering": PinchHitter.objects.filter(challenge=current, user=actor).exists(),
        }
    )
    if context["is_moderator"]:
        summary = services.signup_summary(actor, current)
        context["summary"] = [(KIND_LABELS[k], rows) for k, rows in summary.items() if rows]
        every = list(queries.signups(current))
        names = services.tag_names_of(every)
        for signup in every:
            signup.lines = [  # type: ignore[attr-defined]
                (
                    prompt.get_side_display(),
                    "; ".join(
                        f"{KIND_LABELS[kind]}: "
                        + (
                            _("Any")
                            if value == services.ANY
                            else ", ".join(names.get(t, "") for t in value)
                        )
                        for kind, value in prompt.tags.items()
                        if value and kind in KIND_LABELS
                    ),
                )
                for prompt in signup.prompts.all()
            ]
        context["all_signups"] = every
    return render(request, "challenges/signups.html", context, status=status)


def _assignment(current: Challenge, request: HttpRequest, key: str = "assignment_id") -> Any:
    try:
        return services.get_assignment(current, request.POST.get(key, ""))
    except NotFound as missing:
        raise Http404(str(missing)) from missing


@login_required
def matching(request: HttpRequest, name: str) -> HttpResponse:
    """The moderators' matching: run it, review the proposed assignments (quality shown),
    swap, keep or forbid pairs, run again, and send the assignments."""
    collection = _collection(name)
    current = _challenge(collection, ChallengeKind.GIFT_EXCHANGE)
    context = _context(request, collection)
    _moderators_only(context)
    actor = _actor(request)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "run":
                made = services.run_matching(actor, current)
                messages.success(
                    request,
                    _("Matching done: %(count)d assignments proposed.") % {"count": len(made)},
                )
            elif action == "swap":
                services.swap_assignments(
                    actor, _assignment(current, request), _assignment(current, request, "other_id")
                )
                messages.success(request, _("The recipients were swapped."))
            elif action in ("keep", "unkeep"):
                services.keep_assignment(actor, _assignment(current, request), action == "keep")
                messages.success(request, _("The assignment was saved."))
            elif action == "forbid":
                services.forbid_assignment(actor, _assignment(current, request))
                messages.success(request, _("That pair is ruled out; the matching was run again."))
            elif action == "send":
                count = services.send_assignments(actor, current)
                messages.success(request, _("%(count)d assignments were sent.") % {"count": count})
                return redirect("challenges:assignments", collection.name)
            else:
                raise Http404(_("No such action."))
        except InvalidInput as error:
            for field_error in error.errors:
                messages.error(request, field_error.message)
            status = 422
        except Forbidden as refused:
            messages.error(request, str(refused))
            status = 422
        else:
            return redirect("challenges:matching", collection.name)
    rows = list(queries.all_assignments(current))
    context.update(
        {
            "assignments": rows,
            "fitting": sum(1 for a in rows if a.fits),
            "problems": services.assignment_problems(current) if rows else [],
            "signup_count": current.signups.count(),
            "sent": current.assignments_sent_at is not None,
        }
    )
    return render(request, "challenges/matching.html", context, status=status)


@login_required
def assignments(request: HttpRequest, name: str) -> HttpResponse:
    """Moderators: every assignment with its status, defaults and pinch hits. A participant:
    the assignments they give, to default on."""
    collection = _collection(name)
    current = _challenge(collection, ChallengeKind.GIFT_EXCHANGE)
    context = _context(request, collection)
    actor = _actor(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            assignment = _assignment(current, request)
            if action == "default":
                if assignment.giver_id != actor.pk and not context["is_moderator"]:
                    raise Http404(_("No such assignment."))
                services.default_assignment(actor, assignment)
                messages.success(request, _("The assignment was defaulted."))
            elif action == "pinch_hit":
                services.pinch_hit(actor, assignment, request.POST.get("login", ""))
                messages.success(request, _("The pinch hitter has the assignment."))
            else:
                raise Http404(_("No such action."))
        except InvalidInput as error:
            for field_error in error.errors:
                messages.error(request, field_error.message)
        except (Forbidden, NotFound) as refused:
            messages.error(request, str(refused))
        return redirect("challenges:assignments", collection.name)
    if context["is_moderator"]:
        rows = [
            a for a in queries.all_assignments(current) if a.status != AssignmentStatus.PROPOSED
        ]
        defaulted = [a for a in rows if a.status == AssignmentStatus.DEFAULTED]
        candidates = {a.pk: services.pinch_hit_candidates(current, a) for a in defaulted}
        for a in rows:
            a.candidates = candidates.get(a.pk, [])  # type: ignore[attr-defined]
        volunteers = list(current.pinch_hitters.select_related("pseud__user"))
    else:
        rows = list(queries.own_assignments(actor, current))
        for a in rows:
            a.requests = services.signup_data_from(a.recipient).requests  # type: ignore[attr-defined]
        volunteers = []
    context.update({"assignments": rows, "volunteers": volunteers})
    return render(request, "challenges/assignments.html", context)


def _prompter(request: HttpRequest, context: dict[str, Any], prompt: Any) -> str:
    if prompt.anonymous and not (context["is_moderator"] or request.user.pk == prompt.user_id):
        return ANONYMOUS
    return prompt.pseud.byline


def prompts(request: HttpRequest, name: str) -> HttpResponse:
    """A prompt meme's prompts, filtered by tag and "unfilled"; participants post new ones."""
    collection = _collection(name)
    current = _challenge(collection, ChallengeKind.PROMPT_MEME)
    context = _context(request, collection)
    form = PromptForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        if form.is_valid():
            try:
                prompt = services.create_prompt(_actor(request), current, form.data_for_service())
            except InvalidInput as error:
                form.add_service_errors(error)
            except Forbidden as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, _("Your prompt was posted."))
                return redirect("challenges:prompt", collection.name, prompt.pk)
        status = 422
    tag = request.GET.get("tag", "")[:200]
    unfilled = request.GET.get("unfilled") == "1"
    page = paginate(
        request, queries.prompts(request.user, current, tag, unfilled), queries.PER_PAGE
    )
    rows = list(page.object_list)
    for row in rows:
        row.byline = _prompter(request, context, row)
    context.update({"form": form, "page": page, "prompts": rows, "tag": tag, "unfilled": unfilled})
    return render(request, "challenges/prompts.html", context, status=status)


def prompt(request: HttpRequest, name: str, prompt_id: int) -> HttpResponse:
    """One prompt: its text, tags, claims and the fills `viewer` may list; claim or unclaim."""
    collection = _collection(name)
    current = _challenge(collection, ChallengeKind.PROMPT_MEME)
    context = _context(request, collection)
    try:
        found = services.get_prompt(current, prompt_id)
    except NotFound as missing:
        raise Http404(str(missing)) from missing
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        try:
            if request.POST.get("action") == "unclaim":
                services.unclaim_prompt(_actor(request), found)
                messages.success(request, _("Your claim was dropped."))
            else:
                services.claim_prompt(_actor(request), found)
                messages.success(request, _("You claimed the prompt."))
        except (Forbidden, NotFound) as refused:
            messages.error(request, str(refused))
        return redirect("challenges:prompt", collection.name, found.pk)
    claims = queries.prompt_claims(found)
    # In an anonymous collection a claim would tell who is writing its fill.
    names_shown = not collection.anonymous or context["is_moderator"]
    context.update(
        {
            "prompt": found,
            "byline": _prompter(request, context, found),
            "claims": claims,
            "names_shown": names_shown,
            "claimed": any(c.user_id == request.user.pk for c in claims),
            "fills": queries.prompt_fills(request.user, found),
            "tags": list(found.tags.all()),
        }
    )
    return render(request, "challenges/prompt.html", context)
