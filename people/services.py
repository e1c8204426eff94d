"""Writes to people: accounts, pseuds, API tokens, blocks and mutes."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext

from access.visibility import forget_mutes
from lifestream.core.changes import PseudRenamed, announce
from lifestream.core.errors import ErrorList, FieldError, InvalidInput
from lifestream.core.text import one_line

from . import models
from .models import (
    PREFERENCE_FIELDS,
    PSEUD_MAX,
    PSEUDS_PER_USER_MAX,
    ApiToken,
    Block,
    Mute,
    Pseud,
    User,
    pseud_validator,
)
from .reading import ReadingSettings


def create_user(username: str, email: str, password: str | None, **extra: object) -> User:
    """A new account with its default pseud, named like the account (the manager makes it)."""
    return User.objects.create_user(username=username, email=email, password=password, **extra)


def ensure_default_pseud(user: User) -> Pseud:
    """Accounts made outside `create_user` (createsuperuser, the admin) get their pseud here."""
    pseud = user.pseuds.filter(is_default=True).first()
    if pseud is None:
        pseud = Pseud.objects.create(user=user, name=user.username, is_default=True)
    return pseud


def check_pseud(
    user: User, name: str, description: str, errors: ErrorList, pseud_id: int | None = None
) -> str:
    name = one_line(name)
    if not name:
        errors.add("name", "required", gettext("Please enter a name for the pseud."))
    elif len(name) > PSEUD_MAX:
        errors.add(
            "name",
            "too_long",
            gettext("Pseuds can be at most %(count)d characters long.") % {"count": PSEUD_MAX},
        )
    else:
        try:
            pseud_validator(name)
        except Exception as error:
            errors.add("name", "invalid", " ".join(getattr(error, "messages", [str(error)])))
    others = user.pseuds.exclude(pk=pseud_id) if pseud_id else user.pseuds.all()
    if name and others.filter(name__iexact=name).exists():
        errors.add(
            "name", "taken", gettext("You already have a pseud called “%(name)s”.") % {"name": name}
        )
    if len(description) > 500:
        errors.add(
            "description", "too_long", gettext("The description can be at most 500 characters.")
        )
    return name


@transaction.atomic
def add_pseud(user: User, name: str, description: str = "") -> Pseud:
    errors = ErrorList()
    name = check_pseud(user, name, description, errors)
    if user.pseuds.count() >= PSEUDS_PER_USER_MAX:
        errors.add(
            "name",
            "too_many",
            gettext("You can have at most %(count)d pseuds.") % {"count": PSEUDS_PER_USER_MAX},
        )
    errors.raise_if_any()
    return Pseud.objects.create(user=user, name=name, description=description)


@transaction.atomic
def update_pseud(pseud: Pseud, name: str, description: str) -> Pseud:
    errors = ErrorList()
    name = check_pseud(pseud.user, name, description, errors, pseud_id=pseud.pk)
    if pseud.is_default and name != pseud.name:
        errors.add("name", "default_pseud", gettext("Your default pseud keeps your user name."))
    errors.raise_if_any()
    renamed = pseud.name != name
    pseud.name = name
    pseud.description = description
    pseud.save(update_fields=["name", "description"])
    if renamed:
        announce(PseudRenamed(pseud.pk))
    return pseud


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its hash is kept."""
    key = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name.strip() or "API token")[:100],
        key_hash=ApiToken.hash_key(key),
        hint=key[:10],
        password_stamp=user.get_session_auth_hash(),
    )
    return token, key


def _made_under(token: ApiToken, password_stamp: str) -> bool:
    """Whether `token` was made under the password `password_stamp` stands for (the user's
    `get_session_auth_hash()` as it is now)."""
    return constant_time_compare(token.password_stamp, password_stamp)


def live_api_tokens(user: User) -> list[ApiToken]:
    """The user's tokens that still work; those made under an earlier password are deleted."""
    stamp = user.get_session_auth_hash()
    tokens = list(user.api_tokens.all())
    stale = [token.pk for token in tokens if not _made_under(token, stamp)]
    if stale:
        ApiToken.objects.filter(pk__in=stale).delete()
    return [token for token in tokens if token.pk not in stale]


def revoke_api_token(user: User, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return deleted > 0


def user_for_api_key(key: str) -> User | None:
    """The active user a bearer key belongs to, marking the token used. Tokens of sample
    accounts work only where those accounts may sign in (`User.may_sign_in`)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), user__is_active=True)
        .first()
    )
    if token is None or not token.user.may_sign_in:
        return None
    if not _made_under(token, token.user.get_session_auth_hash()):
        # The password changed since: the token went with the old one.
        token.delete()
        return None
    now = timezone.now()
    # Written at most once a minute, so a busy client does not write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def set_preferences(user: User, **preferences: object) -> None:
    """Change any of the preferences the preferences form shows (`PREFERENCE_FIELDS`)."""
    unknown = set(preferences) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValueError(f"not a preference: {sorted(unknown)}")
    for name, value in preferences.items():
        setattr(user, name, value)
    user.save(update_fields=list(preferences))


# --- blocks and mutes -------------------------------------------------------------------------
#
# Both are between accounts and private to the one who made them. The rules are the same for
# both, so one checker serves them; the wording differs ("block"/"mute").


def _refuse(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([FieldError(field, code, message)])


def _lock_account(user: User) -> None:
    # Serialises one account's block and mute changes, so two requests at once can't both pass
    # the limit check (SQLite's immediate transactions already serialise every write).
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def check_blockable(actor: User, target: User, verb: str, field: str = "user") -> None:
    """Whether `actor` may block (or mute) `target` at all: not themselves, not an inactive
    account, not one of the archive's staff (AO3 refuses to block official accounts too: the
    people who answer abuse reports must stay reachable)."""
    if target.pk == actor.pk:
        message = (
            gettext("You can't block yourself.")
            if verb == "block"
            else gettext("You can't mute yourself.")
        )
        raise _refuse(field, f"self_{verb}", message)
    if not target.is_active:
        raise _refuse(field, "not_found", gettext("There is no such user."))
    if target.is_staff or target.is_superuser:
        message = (
            gettext("Sorry, you can't block an official account.")
            if verb == "block"
            else gettext("Sorry, you can't mute an official account.")
        )
        raise _refuse(field, "staff", message)


def check_new_block(blocker: User, blocked: User, field: str = "user") -> None:
    """Everything `block_user` checks, without writing: the confirm page asks it first."""
    check_blockable(blocker, blocked, "block", field)
    if Block.objects.filter(blocker=blocker, blocked=blocked).exists():
        raise _refuse(
            field,
            "already_blocked",
            gettext("You have already blocked %(name)s.") % {"name": blocked.username},
        )
    limit = models.BLOCKS_MAX
    if Block.objects.filter(blocker=blocker).count() >= limit:
        raise _refuse(
            field,
            "limit_reached",
            gettext(
                "Sorry, you can block at most %(count)s users. Unblock someone to block another."
            )
            % {"count": f"{limit:,}"},
        )


def check_new_mute(muter: User, muted: User, field: str = "user") -> None:
    """Everything `mute_user` checks, without writing: the confirm page asks it first."""
    check_blockable(muter, muted, "mute", field)
    if Mute.objects.filter(muter=muter, muted=muted).exists():
        raise _refuse(
            field,
            "already_muted",
            gettext("You have already muted %(name)s.") % {"name": muted.username},
        )
    limit = models.MUTES_MAX
    if Mute.objects.filter(muter=muter).count() >= limit:
        raise _refuse(
            field,
            "limit_reached",
            gettext("Sorry, you can mute at most %(count)s users. Unmute someone to mute another.")
            % {"count": f"{limit:,}"},
        )


def _forget_mutes(muter: User) -> None:
    # Whatever the rest of this request lists (the API's next read on the same user object, a
    # page rendered after the change) must not use the mutes read before.
    forget_mutes(muter)


@transaction.atomic
def block_user(blocker: User, blocked: User) -> Block:
    """`blocked` can no longer comment on `blocker`'s works, reply to their comments, give
    them kudos or gifts. Nothing they already left is removed, and `blocked` is not told."""
    _lock_account(blocker)
    check_new_block(blocker, blocked)
    return Block.objects.create(blocker=blocker, blocked=blocked)


@transaction.atomic
def unblock_user(blocker: User, blocked: User) -> bool:
    """Undo a block; False when there was none (nothing to undo is not an error)."""
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return deleted > 0


@transaction.atomic
def mute_user(muter: User, muted: User) -> Mute:
    """Hide `muted`'s works, series, bookmarks and comments from `muter` everywhere they are
    listed or counted. It changes nothing for `muted`, who is not told."""
    _lock_account(muter)
    check_new_mute(muter, muted)
    mute = Mute.objects.create(muter=muter, muted=muted)
    _forget_mutes(muter)
    return mute


@transaction.atomic
def unmute_user(muter: User, muted: User) -> bool:
    """Show `muted`'s works to `muter` again, at once; False when they weren't muted."""
    deleted, _ = Mute.objects.filter(muter=muter, muted=muted).delete()
    _forget_mutes(muter)
    return deleted > 0


def save_reading_settings(user: User, settings: ReadingSettings) -> None:
    """Keep `user`'s reading settings in their account (they follow them between devices);
    the defaults are stored as none, so a later change to a default reaches them."""
    user.reading_settings = {} if settings.is_default else settings.to_dict()
    user.save(update_fields=["reading_settings"])
