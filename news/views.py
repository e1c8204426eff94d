"""Site news pages: the index, a post with its comments, the admins' forms to write, edit and
delete posts, and the Atom feed. Comments on news are posted through the comment service, as
on works (`feedback.services.comments`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from access.getters import get_admin_post
from feedback.comment_forms import CommentForm
from feedback.queries.comments import thread_page
from feedback.views.comments import after_post, post_from_form
from lifestream import ao3_names
from lifestream.ao3_names import with_ao3_names
from lifestream.core.errors import Forbidden, InvalidInput
from lifestream.core.pagination import paginate
from moderation.views import admins_only
from people.models import User
from tags.views import XmlSafeAtom1Feed

from . import queries, services
from .forms import AdminPostForm
from .models import AdminPost


def index(request: HttpRequest) -> HttpResponse:
    """Every piece of news, newest first; `?tag=NAME` for one tag's."""
    tag_name = request.GET.get("tag", "")
    tag = queries.find_tag(tag_name)
    if tag_name.strip() and tag is None:
        raise Http404(_("No such news tag."))
    page = paginate(request, queries.news(tag), queries.PER_PAGE)
    return render(
        request,
        "news/index.html",
        {"page": page, "posts": list(page.object_list), "tag": tag, "tags": queries.all_tags()},
    )


def _post_page(
    request: HttpRequest,
    post: AdminPost,
    form: CommentForm,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    threads = thread_page(request.user, post, page_number=request.GET.get("page"))
    context: dict[str, Any] = {
        "post": post,
        "post_tags": list(post.tags.order_by("name")),
        "page": threads.page,
        "threads": threads.threads,
        "form": form,
        "refusal": refusal or threads.permissions.refusal(),
        "action": request.path,
        "submit_label": pgettext("verb", "Comment"),
    }
    return render(request, "news/show.html", context, status=status)


def show(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post and its conversations, and (POST) a new comment on it."""
    post = get_admin_post(request.user, post_id)
    if request.method != "POST":
        return _post_page(request, post, CommentForm(user=request.user))
    form = CommentForm(with_ao3_names(request.POST, ao3_names.COMMENT), user=request.user)
    try:
        comment = post_from_form(request, form, post, None)
    except InvalidInput as error:
        form.add_service_errors(error)
        return _post_page(request, post, form, status=422)
    except Forbidden as refused:
        return _post_page(request, post, form, refusal=str(refused), status=403)
    return after_post(request, comment, form)


def _data(form: AdminPostForm) -> services.PostData:
    form.is_valid()
    data = form.cleaned_data
    return services.PostData(
        title=data.get("title") or form.data.get("title", ""),
        content=data.get("content") or form.data.get("content", ""),
        tags=services.split_tags(data.get("tags") or ""),
        comment_permission=data.get("comment_permission") or "",
        language=data.get("language") or "",
    )


@admins_only
def new(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # admins_only: logged in
    form = AdminPostForm(request.POST or None)
    if request.method == "POST":
        try:
            post = services.create_post(actor, _data(form))
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Admin post was successfully created."))
            return redirect(post)
    status = 422 if form.is_bound else 200
    return render(request, "news/form.html", {"form": form, "post": None}, status=status)


@admins_only
def edit(request: HttpRequest, post_id: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # admins_only: logged in
    post = get_admin_post(request.user, post_id)
    if request.method == "POST":
        form = AdminPostForm(request.POST)
        try:
            services.update_post(actor, post, _data(form))
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Admin post was successfully updated."))
            return redirect(post)
    else:
        form = AdminPostForm(
            initial={
                "title": post.title,
                "content": post.content,
                "tags": ", ".join(tag.name for tag in post.tags.order_by("name")),
                "comment_permission": post.comment_permission,
                "language": post.language,
            }
        )
    status = 422 if form.is_bound else 200
    return render(request, "news/form.html", {"form": form, "post": post}, status=status)


@admins_only
def delete(request: HttpRequest, post_id: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # admins_only: logged in
    post = get_admin_post(request.user, post_id)
    if request.method != "POST":
        return render(request, "news/confirm_delete.html", {"post": post})
    services.delete_post(actor, post)
    messages.success(request, _("Admin post was deleted."))
    return redirect("news:index")


class NewsFeed(Feed):
    """The newest site news (AO3's `/admin_posts/feed.atom`), as anyone reads it."""

    feed_type = XmlSafeAtom1Feed

    def get_object(self, request: HttpRequest) -> None:
        self.viewer = AnonymousUser()
        tag_name = request.GET.get("tag", "")
        self.tag = queries.find_tag(tag_name)
        if tag_name.strip() and self.tag is None:
            raise Http404(_("No such news tag."))

    def title(self) -> str:
        if self.tag is not None:
            return f"{self.tag.name} news | Lifestream"
        return "News | Lifestream"

    def link(self) -> str:
        return reverse("news:index")

    def subtitle(self) -> str:
        return "News from the archive's admins."

    def items(self) -> QuerySet[AdminPost]:
        return queries.news(self.tag)[: queries.FEED_ITEMS]

    def item_title(self, post: AdminPost) -> str:
        return post.title

    def item_description(self, post: AdminPost) -> str:
        return post.content  # sanitised when saved

    def item_link(self, post: AdminPost) -> str:
        return post.get_absolute_url()

    def item_author_name(self, post: AdminPost) -> str:
        return "Lifestream"

    def item_categories(self, post: AdminPost) -> list[str]:
        return [tag.name for tag in post.tags.all()]

    def item_pubdate(self, post: AdminPost):
        return post.created_at

    def item_updateddate(self, post: AdminPost):
        return post.updated_at
