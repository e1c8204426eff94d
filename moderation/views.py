"""The moderation desk and the admins' roles page. Each page is for moderators (or admins)
alone: anyone else gets a 404, as for an address that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from feedback.models import Bookmark, Comment
from feedback.queries.comments import held_comments
from lifestream.core.errors import InvalidInput
from lifestream.core.pagination import paginate
from people.models import User
from signups.queries import awaiting_approval
from works.models import Work

from . import queries, services
from .forms import FindUserForm, ReasonForm, RolesForm, UserActionForm

View = Callable[..., HttpResponse]
LOG_PER_PAGE = 50


def _staff_only(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not (request.user.is_authenticated and check(request.user)):
                raise Http404(_("No such page."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


moderators_only = _staff_only(lambda user: user.can_moderate)
admins_only = _staff_only(lambda user: user.is_admin)


@moderators_only
def desk(request: HttpRequest) -> HttpResponse:
    context = {
        "signups": list(queries.recent_signups()),
        "restricted": list(queries.restricted_users()),
        "entries": list(queries.audit_log()[: queries.DESK_ROWS]),
        "open_reports": list(queries.open_reports()),
        "held_count": held_comments(request.user).count(),
        "awaiting_approval": (
            awaiting_approval().count() if request.user.is_admin else None  # type: ignore[union-attr]
        ),
        "find_form": FindUserForm(),
    }
    return render(request, "moderation/desk.html", context)


@moderators_only
def find_user(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("name", "").strip()
    user = queries.find_user(name) if name else None
    if user is None:
        messages.error(request, _("No user is called “%(name)s”.") % {"name": name})
        return redirect("moderation:desk")
    return redirect("moderation:user", user.username)


@moderators_only
def user_page(request: HttpRequest, login_name: str) -> HttpResponse:
    target = queries.find_user(login_name)
    if target is None:
        raise Http404(_("No such user."))
    actor: User = request.user  # type: ignore[assignment]  # moderators_only: logged in
    form = UserActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _act_on_user(actor, target, data)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Done, and written in the audit log."))
            return redirect("moderation:user", target.username)
    entries = list(queries.audit_log().filter(object_type="user", object_id=target.pk)[:20])
    context = {"target": target, "form": form, "entries": entries}
    return render(request, "moderation/user.html", context)


def _act_on_user(actor: User, target: User, data: dict[str, Any]) -> None:
    action, reason = data["action"], data["reason"]
    if action == "warn":
        services.warn_user(actor, target.pk, reason)
    elif action == "suspend":
        services.suspend_user(actor, target.pk, data["days"], reason)
    elif action == "ban":
        services.ban_user(actor, target.pk, reason, hide_works=data["hide_works"])
    else:
        services.lift_restrictions(actor, target.pk, reason)


@moderators_only
def work_page(request: HttpRequest, work_id: int) -> HttpResponse:
    work = Work.objects.filter(pk=work_id).first()
    if work is None:
        raise Http404(_("No such work."))
    actor: User = request.user  # type: ignore[assignment]  # moderators_only: logged in
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        act = services.unhide_work if work.hidden_at else services.hide_work
        try:
            act(actor, work.pk, form.cleaned_data["reason"])
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Done, and written in the audit log."))
            return redirect("moderation:work", work.pk)
    entries = list(queries.audit_log().filter(object_type="work", object_id=work.pk)[:20])
    return render(request, "moderation/work.html", {"work": work, "form": form, "entries": entries})


def _delete_page(
    request: HttpRequest, kind: str, obj: Comment | Bookmark, delete: Callable[..., None]
) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # moderators_only: logged in
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete(actor, obj.pk, form.cleaned_data["reason"])
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Deleted, and written in the audit log."))
            return redirect("moderation:desk")
    return render(request, "moderation/delete.html", {"kind": kind, "obj": obj, "form": form})


@moderators_only
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = (
        Comment.objects.select_related("work", "admin_post")
        .filter(pk=comment_id, is_deleted=False)
        .first()
    )
    if comment is None:
        raise Http404(_("No such comment."))
    return _delete_page(request, "comment", comment, services.delete_comment)


@moderators_only
def bookmark_delete(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = Bookmark.objects.select_related("user", "work", "series").filter(pk=bookmark_id)
    found = bookmark.first()
    if found is None:
        raise Http404(_("No such bookmark."))
    return _delete_page(request, "bookmark", found, services.delete_bookmark)


@admins_only
def log(request: HttpRequest) -> HttpResponse:
    page = paginate(request, queries.audit_log(), LOG_PER_PAGE)
    return render(request, "moderation/log.html", {"page": page})


@admins_only
def roles(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # admins_only: logged in
    find = FindUserForm(request.GET or None)
    found = None
    if find.is_valid() and find.cleaned_data["name"]:
        found = queries.find_user(find.cleaned_data["name"])
        if found is None:
            find.add_error("name", _("No user has that name."))
    form = None
    if request.method == "POST":
        target = User.objects.filter(pk=request.POST.get("user_id") or 0).first()
        if target is None:
            raise Http404(_("No such user."))
        form = RolesForm(request.POST)
        found = target
        if form.is_valid():
            data = form.cleaned_data
            wanted = services.Roles(
                wrangler=data["wrangler"], moderator=data["moderator"], admin=data["admin"]
            )
            try:
                services.set_roles(actor, target.pk, wanted, data["reason"])
            except InvalidInput as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Roles of %(name)s saved.") % {"name": target.username})
                return redirect("moderation:roles")
    if found is not None and form is None:
        current = services.roles_of(found)
        form = RolesForm(
            initial={
                "wrangler": current.wrangler,
                "moderator": current.moderator,
                "admin": current.admin,
            }
        )
    context = {"staff": list(queries.staff()), "find": find, "found": found, "form": form}
    return render(request, "moderation/roles.html", context)
