"""Reads of challenges for the pages and the API: sign-ups, assignments, prompts and their
fills, each as `viewer` may see them (`access.visibility`)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet

from access.visibility import listable_works_q
from people.models import User

from .models import Assignment, Challenge, Claim, Prompt, PromptFill, Signup

PER_PAGE = 20


def signups(challenge: Challenge) -> QuerySet[Signup]:
    return challenge.signups.select_related("pseud__user", "user").prefetch_related("prompts")


def all_assignments(challenge: Challenge) -> QuerySet[Assignment]:
    return challenge.assignments.select_related(
        "giver", "giver_pseud__user", "recipient__pseud__user", "recipient__user", "work"
    ).order_by("recipient_id", "id")


def own_assignments(viewer: User, challenge: Challenge) -> QuerySet[Assignment]:
    """What a participant sees of the assignments: the ones they give (never who gives to
    them)."""
    return all_assignments(challenge).filter(giver=viewer).exclude(status="proposed")


def listable_fills(viewer: object) -> QuerySet[PromptFill]:
    return PromptFill.objects.filter(listable_works_q(viewer, "work__"))  # type: ignore[arg-type]


def prompts(
    viewer: object, challenge: Challenge, tag: str = "", unfilled: bool = False
) -> QuerySet[Prompt]:
    """The meme's prompts, newest first, with their tags, claims and the fills `viewer` may
    list counted. "Unfilled": no fill anyone may list (an unrevealed fill does not count)."""
    rows = challenge.prompts.select_related("pseud__user").prefetch_related("tags")
    if tag:
        rows = rows.filter(tags__name__iexact=tag)
    fills = listable_fills(viewer)
    if unfilled:
        rows = rows.filter(~Exists(fills.filter(prompt=OuterRef("pk"))))
    return rows.annotate(
        claim_count=Count("claims", distinct=True),
        has_fill=Exists(fills.filter(prompt=OuterRef("pk"))),
    ).order_by("-created_at", "-id")


def prompt_fills(viewer: object, prompt: Prompt) -> list[PromptFill]:
    return list(listable_fills(viewer).filter(prompt=prompt).select_related("work").order_by("id"))


def prompt_claims(prompt: Prompt) -> list[Claim]:
    return list(prompt.claims.select_related("pseud__user"))
