"""Pages for comments: a work's conversations, permalinks, and the forms to post, reply, edit,
delete, approve and freeze. Thin: the rules are in feedback.services.comments, the reads in
feedback.queries.comments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from access.getters import get_chapter_for_reader, get_work_for_editor, get_work_for_reader
from access.visibility import is_creator
from lifestream import ao3_names
from lifestream.ao3_names import script_rate_limited, with_ao3_names
from lifestream.core.actors import actor_of
from lifestream.core.errors import Forbidden, InvalidInput, LoginRequired, NotFound, RateLimited
from lifestream.core.ids import require_id
from works.models import Chapter, Work

from ..comment_forms import CommentForm
from ..models import Comment, CommentStatus
from ..moderators import can_moderate
from ..queries import comments as queries
from ..services import comments as services
from ..services import spam


def _thread_url(comment: Comment) -> str:
    """Where a comment is read: its conversation's permalink, scrolled to it."""
    return f"/comments/{comment.thread_id or comment.pk}#comment_{comment.pk}"


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _work_page(
    request: HttpRequest, work: Work, form: CommentForm, refusal: str = "", status: int = 200
) -> HttpResponse:
    threads = queries.thread_page(request.user, work, page_number=request.GET.get("page"))
    return render(
        request,
        "feedback/comments.html",
        {
            "work": work,
            "page": threads.page,
            "threads": threads.threads,
            "form": form,
            "refusal": refusal or threads.permissions.refusal(),
            "action": request.path,
            "is_creator": is_creator(request.user, work),
        },
        status=status,
    )


def comment_section_context(
    request: HttpRequest,
    work: Work,
    chapter: Chapter | None = None,
    chapters: list[Chapter] | None = None,
    *,
    posting_on: Chapter | None = None,
) -> dict[str, Any]:
    """What `_comment_section.html` shows under a work page: a page of the conversations on
    the work (or on the chapter shown) and the form to join them, or the reason the viewer
    can't, in a fixed number of queries. `chapters` are the reader's chapters of the work,
    which the page has already read, to say which one each of the whole work's comments is
    on; a new comment goes on `posting_on` (the chapter shown), else on `chapter`."""
    user = request.user
    threads = queries.thread_page(
        user, work, chapter, page_number=request.GET.get("page"), chapters=chapters
    )
    creator = is_creator(user, work)
    pending_count, held_count = queries.waiting_counts(user, work)
    return {
        "chapter": chapter,
        "form_chapter": posting_on or chapter,
        "work": work,
        "multi": chapters is not None and len(chapters) > 1,
        "page": threads.page,
        "threads": threads.threads,
        "refusal": threads.permissions.refusal(),
        "form": CommentForm(user=user),
        "action": reverse("feedback:work_comments", args=[work.pk]),
        "submit_label": pgettext("verb", "Comment"),
        "is_creator": creator,
        "pending_count": pending_count,
        "held_count": held_count,
    }


def _chapter_of(request: HttpRequest, work: Work) -> Chapter | None:
    raw = request.POST.get("chapter_id", "")
    if not raw:
        return None
    try:
        chapter_id = require_id(raw)
    except ValueError:
        return None
    return work.chapters.filter(pk=chapter_id).first()


def post_from_form(
    request: HttpRequest,
    form: CommentForm,
    work: services.Target,
    chapter: Chapter | None,
    parent: Comment | None = None,
    *,
    from_form: bool = True,
) -> Comment:
    """The comment the form describes, posted by the request's visitor (the service decides;
    the form only reads the fields)."""
    form.is_valid()
    data = form.cleaned_data
    return services.post_comment(
        actor_of(request),
        work,
        data.get("body") or "",
        chapter=chapter,
        parent=parent,
        pseud=data.get("pseud"),
        guest_name=data.get("guest_name") or "",
        guest_email=data.get("guest_email") or "",
        screening=form.screening(from_form=from_form),
    )


def work_comments(request: HttpRequest, work_id: int) -> HttpResponse:
    """Every conversation on a work, and (POST) a new comment on it or one of its chapters."""
    work = get_work_for_reader(request.user, work_id)
    if not work.posted:
        raise Forbidden(gettext("Comments open once the work is posted."))
    if request.method != "POST":
        return _work_page(request, work, CommentForm(user=request.user))
    form = CommentForm(with_ao3_names(request.POST, ao3_names.COMMENT), user=request.user)
    try:
        comment = post_from_form(request, form, work, _chapter_of(request, work))
    except InvalidInput as error:
        form.add_service_errors(error)
        return _work_page(request, work, form, status=422)
    except Forbidden as refused:
        return _work_page(request, work, form, refusal=str(refused), status=403)
    return after_post(request, comment, form)


def _script_target(
    request: HttpRequest,
) -> tuple[services.Target, Chapter | None, Comment | None]:
    """The work, chapter or comment that AO3's script form names (`work_id`, `chapter_id` or
    `comment_id`), as the viewer may read it."""
    raw = {key: request.POST.get(key, "") for key in ("comment_id", "chapter_id", "work_id")}
    try:
        # The same getters as the pages: a comment or chapter the viewer may not see is as
        # unknown here as one that doesn't exist.
        if raw["comment_id"]:
            parent = queries.get_comment_for_reader(request.user, require_id(raw["comment_id"]))
            if parent.is_deleted:
                raise Http404(gettext("No such comment."))
            # The getter loaded what it is on as the viewer may read it.
            return parent.target, parent.chapter, parent
        if raw["chapter_id"]:
            chapter = get_chapter_for_reader(request.user, require_id(raw["chapter_id"]))
            return chapter.work, chapter, None
        return (
            get_work_for_reader(request.user, require_id(raw["work_id"])),
            None,
            None,
        )
    except (ValueError, LoginRequired):
        raise Http404(gettext("No such work.")) from None


@require_POST
def comments_script(request: HttpRequest) -> HttpResponse:
    """`POST /comments.js`, AO3's comment form sent from a script.

    AO3 saves the comment and then, having no script answer for it, replies 404 with a body;
    clients written against AO3 (ao3_api among them) read exactly that as success, and a 404
    with no body as "no such work". Lifestream answers the same way, with the new comment's
    id and address in the body. Bad input is 422 with the reasons by field."""
    try:
        work, chapter, parent = _script_target(request)
    except Http404:
        return HttpResponse(status=404)
    form = CommentForm(with_ao3_names(request.POST, ao3_names.COMMENT), user=request.user)
    try:
        # AO3's script clients send the fields they know, not the page's signed time.
        comment = post_from_form(request, form, work, chapter, parent, from_form=False)
    except RateLimited as error:
        return script_rate_limited(error)
    except InvalidInput as error:
        reasons: dict[str, list[str]] = {}
        for field_error in error.errors:
            reasons.setdefault(field_error.field, []).append(field_error.message)
        return JsonResponse({"errors": reasons}, status=422)
    except (Forbidden, NotFound) as refused:
        return JsonResponse({"errors": {"commentable": [str(refused)]}}, status=422)
    saved = JsonResponse(
        {"id": comment.pk, "status": comment.status, "url": _thread_url(comment)}, status=404
    )
    # A success, whatever its status says: Django's request log would file it as "Not Found".
    saved._has_been_logged = True  # type: ignore[attr-defined]  # Django's private flag, not in the stubs
    return saved


def after_post(request: HttpRequest, comment: Comment, form: CommentForm) -> HttpResponse:
    if comment.status == CommentStatus.HELD:
        # Not posted yet, and a guest could never find it again: say so here, with the text.
        return render(
            request,
            "feedback/comment_held.html",
            {
                "work": comment.work,
                "post": comment.admin_post,
                "comment": comment,
                "text": form.data.get("body", ""),
                "no_proof": "no_proof" in comment.spam_reasons.split(),
            },
            status=202,
        )
    if comment.status == CommentStatus.PENDING:
        messages.success(
            request,
            gettext(
                "Your comment was received; it will appear once the work's creator approves it."
            ),
        )
    else:
        messages.success(request, gettext("Comment created!"))
    return redirect(_thread_url(comment))


def unreviewed_comments(request: HttpRequest, work_id: int) -> HttpResponse:
    """Comments held for moderation, for the work's creators to approve or delete."""
    work = get_work_for_editor(request.user, work_id)
    pending = list(queries.pending_comments(request.user, work))
    permissions = queries.Permissions.of(request.user, work, set())
    for comment in pending:
        permissions.annotate(comment)
        comment.shown_replies = []
        comment.is_placeholder = False
    return render(request, "feedback/unreviewed.html", {"work": work, "comments": pending})


def held_comments(request: HttpRequest, work_id: int) -> HttpResponse:
    """A work's comments held as possible spam, for its creators (and moderators) to approve
    or mark as spam."""
    work = get_work_for_reader(request.user, work_id)
    if not (is_creator(request.user, work) or can_moderate(request.user)):
        raise Forbidden(gettext("Only the work's creators or a moderator can review this comment."))
    held = queries.shape_held(request.user, list(queries.held_comments(request.user, work)))
    return render(
        request, "feedback/held.html", {"work": work, "comments": held, "archive_wide": False}
    )


@login_required
def archive_held_comments(request: HttpRequest) -> HttpResponse:
    """Every comment held as possible spam across the archive, for moderators."""
    if not can_moderate(request.user):
        raise Forbidden(gettext("Only moderators can see the comments held across the archive."))
    page = Paginator(queries.held_comments(request.user), HELD_PER_PAGE).get_page(
        request.GET.get("page")
    )
    held = queries.shape_held(request.user, list(page.object_list))
    return render(
        request,
        "feedback/held.html",
        {"work": None, "comments": held, "page": page, "archive_wide": True},
    )


@never_cache
def comment_challenge(request: HttpRequest) -> JsonResponse:
    """A proof-of-work challenge (ALTCHA) for a guest's comment form."""
    return JsonResponse(spam.pow_challenge())


def _comment_page(
    request: HttpRequest,
    comment: Comment,
    *,
    form: CommentForm | None = None,
    refusal: str = "",
    editing: bool = False,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "work": comment.work,
        "post": comment.admin_post,
        "comment": comment,
        "threads": queries.comment_in_context(request.user, comment),
        "form": form,
        "refusal": refusal,
        "editing": editing,
    }
    if form is not None:
        context["action"] = request.path
        context["parent"] = None if editing else comment
        context["submit_label"] = gettext("Update") if editing else gettext("Reply")
    return render(request, "feedback/comment.html", context, status=status)


def comment_show(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment's permalink: the comment and every reply below it, under its work's title."""
    comment = queries.get_comment_for_reader(request.user, comment_id)
    return _comment_page(request, comment)


def comment_reply(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = queries.get_comment_for_reader(request.user, comment_id)
    refusal = services.commenting_refusal(request.user, comment.target, comment)
    if request.method != "POST":
        return _comment_page(request, comment, form=CommentForm(user=request.user), refusal=refusal)
    form = CommentForm(request.POST, user=request.user)
    form.is_valid()
    data = form.cleaned_data
    try:
        reply = services.post_comment(
            actor_of(request),
            comment.target,
            data.get("body") or "",
            parent=comment,
            pseud=data.get("pseud"),
            guest_name=data.get("guest_name") or "",
            guest_email=data.get("guest_email") or "",
            screening=form.screening(),
        )
    except InvalidInput as error:
        form.add_service_errors(error)
        return _comment_page(request, comment, form=form, status=422)
    except Forbidden as refused:
        return _comment_page(request, comment, form=form, refusal=str(refused), status=403)
    return after_post(request, reply, form)


@login_required
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = queries.get_comment_for_reader(request.user, comment_id)
    if comment.user_id != request.user.pk or comment.is_deleted:
        raise Forbidden(gettext("Only the comment's writer can edit it."))
    if request.method != "POST":
        form = CommentForm(user=request.user, editing=True, initial={"body": comment.body})
        refusal = str(services.FROZEN) if comment.is_frozen else ""
        return _comment_page(request, comment, form=form, editing=True, refusal=refusal)
    form = CommentForm(request.POST, user=request.user, editing=True)
    form.is_valid()
    try:
        services.edit_comment(actor_of(request), comment, form.cleaned_data.get("body") or "")
    except InvalidInput as error:
        form.add_service_errors(error)
        return _comment_page(request, comment, form=form, editing=True, status=422)
    except Forbidden as refused:
        return _comment_page(
            request, comment, form=form, editing=True, refusal=str(refused), status=403
        )
    messages.success(request, gettext("Comment updated."))
    return redirect(_thread_url(comment))


@login_required
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = queries.get_comment_for_reader(request.user, comment_id)
    if not services.can_delete(request.user, comment):
        raise Forbidden(
            gettext("Only the writer, the work's creators or an admin can delete this.")
        )
    if request.method != "POST":
        return render(
            request,
            "feedback/comment_confirm_delete.html",
            {"work": comment.work, "post": comment.admin_post, "comment": comment},
        )
    placeholder = services.delete_comment(request.user, comment)
    messages.success(request, gettext("Comment deleted."))
    if placeholder is not None:
        return redirect(_thread_url(placeholder))
    if comment.parent_id and Comment.objects.filter(pk=comment.parent_id).exists():
        return redirect(f"/comments/{comment.parent_id}#comment_{comment.parent_id}")
    return redirect(_comments_of(comment))


def _comments_of(comment: Comment) -> str:
    """The page of every conversation on what `comment` is on."""
    if comment.admin_post is not None:
        return f"{comment.admin_post.get_absolute_url()}#comments"
    return reverse("feedback:work_comments", args=[comment.work_id])


def _moderation(
    action: Callable[[Any, Comment], Comment], done: str | Promise, *, review: bool = False
) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, comment_id: int) -> HttpResponse:
        if review:
            comment = queries.get_comment_for_review(request.user, comment_id)
        else:
            comment = queries.get_comment_for_reader(request.user, comment_id)
        action(request.user, comment)
        messages.success(request, str(done))
        fallback = (
            _comments_of(comment) if comment.status == CommentStatus.SPAM else _thread_url(comment)
        )
        return redirect(_next_or(request, fallback))

    return view


HELD_PER_PAGE = 50

comment_approve = _moderation(services.approve_comment, _("Comment approved."), review=True)
comment_spam = _moderation(services.mark_spam, _("Comment marked as spam."), review=True)
comment_freeze = _moderation(services.freeze_thread, _("Comment thread successfully frozen!"))
comment_unfreeze = _moderation(services.unfreeze_thread, _("Comment thread successfully unfrozen!"))

urlpatterns: list[URLPattern] = [
    path("works/<int:work_id>/comments", work_comments, name="work_comments"),
    path(
        "works/<int:work_id>/comments/unreviewed",
        unreviewed_comments,
        name="unreviewed_comments",
    ),
    path("works/<int:work_id>/comments/held", held_comments, name="held_comments"),
    path("comments/held", archive_held_comments, name="archive_held_comments"),
    path("comments/challenge", comment_challenge, name="comment_challenge"),
    path("comments.js", comments_script, name="comments_script"),
    path("comments/<int:comment_id>", comment_show, name="comment"),
    path("comments/<int:comment_id>/reply", comment_reply, name="comment_reply"),
    path("comments/<int:comment_id>/edit", comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete", comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/approve", comment_approve, name="comment_approve"),
    path("comments/<int:comment_id>/spam", comment_spam, name="comment_spam"),
    path("comments/<int:comment_id>/freeze", comment_freeze, name="comment_freeze"),
    path("comments/<int:comment_id>/unfreeze", comment_unfreeze, name="comment_unfreeze"),
]
