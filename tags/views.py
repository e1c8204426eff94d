"""Tag pages, tag listings and feeds, tag search, autocomplete, and wrangling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access.getters import findable_tag, findable_tags
from access.visibility import ANONYMOUS, public_byline_pseuds, public_byline_text
from lifestream.core.errors import InvalidInput
from lifestream.core.pagination import paginate
from lifestream.core.text import without_controls
from search.listing.form import read_request
from search.listing.query import search
from works import queries as work_queries
from works.models import Work

from . import queries
from .addresses import tag_for_action
from .forms import MassWrangleForm, TagSearchForm, WrangleForm
from .models import USER_KINDS, Tag, TagKind, tag_from_param, tag_to_param
from .services import WrangleData, split_tag_names, wrangle_tag, wrangle_tags

if TYPE_CHECKING:
    pass

FEED_ITEMS = 20


def is_wrangler(user: object) -> bool:
    # Guests are AnonymousUser, which has no can_wrangle.
    return bool(getattr(user, "can_wrangle", False))


def _action_tag(request: HttpRequest, param: str, action: str) -> Tag | HttpResponse:
    found = tag_for_action(request, param, action, lambda name: findable_tag(request.user, name))
    if found is None:
        raise Http404(_("No such tag."))
    return found


def tag_show(request: HttpRequest, tag_name: str) -> HttpResponse:
    tag = findable_tag(request.user, tag_from_param(tag_name))
    if tag is None:
        raise Http404(_("No such tag."))
    if tag_to_param(tag.name) != tag_name:
        return redirect("tags:show", tag_to_param(tag.name), permanent=True)
    works = work_queries.works_tagged(request.user, tag)
    synonyms = findable_tags(request.user, tag.synonyms.all()).order_by("name")
    context = {
        "tag": tag,
        "canonical_tag": queries.canonical_of(tag),
        "work_count": works.count(),
        "recent": work_queries.listing(works, request.user)[:5],
        "synonyms": list(synonyms),
        "metatags": queries.metatags_of(tag),
        "subtags": queries.subtags_of(tag),
        "parents": queries.parents_of(tag),
        "children": queries.children_of(tag),
        "can_wrangle": is_wrangler(request.user),
    }
    return render(request, "tags/show.html", context)


def tag_works(request: HttpRequest, tag_name: str) -> HttpResponse:
    tag = _action_tag(request, tag_name, "works")
    if isinstance(tag, HttpResponse):
        return tag
    if tag.merger is not None:
        # A synonym's works are listed under its canonical tag, as on AO3.
        return redirect("tags:works", tag_to_param(tag.merger.name))
    if tag_to_param(tag.name) != tag_name:
        # One address per tag, spelled as the tag is, so links and bookmarks agree.
        return redirect("tags:works", tag_to_param(tag.name), permanent=True)
    results = search(request.user, read_request(request.GET), tag=tag)
    return render(request, "works/index.html", {"tag": tag, **results.context()})


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(item) for item in value)
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom with the control characters XML cannot hold dropped from every text, where
    Django's feed writer would raise and answer 500 for a whole tag's feed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class TagFeed(Feed):
    """The newest works in a tag's listing, as a logged-out reader sees it (feed readers never
    log in, so restricted works are never in a feed)."""

    feed_type = XmlSafeAtom1Feed

    def get_object(
        self, request: HttpRequest, tag_id: int | None = None, tag_name: str | None = None
    ) -> Tag:
        self.viewer = AnonymousUser()
        # AO3 addresses feeds by tag id; Lifestream also by name (`/tags/NAME/feed.atom`).
        tag = findable_tag(self.viewer, tag_from_param(tag_name or ""), tag_id=tag_id)
        if tag is None:
            raise Http404(_("No such tag."))
        return queries.canonical_of(tag)

    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        tag_name = kwargs.get("tag_name")
        if isinstance(tag_name, str):
            # Only to tell "A" + "/feed.atom" from a tag named "A/feed.atom"; the feed itself
            # is what a logged-out reader sees (get_object).
            found = tag_for_action(
                request, tag_name, "feed.atom", lambda name: findable_tag(AnonymousUser(), name)
            )
            if isinstance(found, HttpResponse):
                return found
        return super().__call__(request, *args, **kwargs)

    def title(self, tag: Tag) -> str:
        return f"{tag.name} works | Lifestream"

    def link(self, tag: Tag) -> str:
        return reverse("tags:works", args=[tag_to_param(tag.name)])

    def subtitle(self, tag: Tag) -> str:
        return f"The newest works tagged {tag.name}."

    def items(self, tag: Tag) -> QuerySet[Work]:
        works = work_queries.works_tagged(self.viewer, tag)
        return work_queries.listing(works)[:FEED_ITEMS]

    def item_title(self, work: Work) -> str:
        return f"{work.title} by {self.item_author_name(work)}"

    def item_description(self, work: Work) -> str:
        lines = [
            f"<p>by {escape(public_byline_text(work))}</p>",
            work.summary,
            f"<p>Words: {work.word_count:,}, Chapters: {work.chapters_display}, "
            f"Language: {work.get_language_display()}</p>",
        ]
        for kind, label in (
            (TagKind.FANDOM, "Fandoms"),
            (TagKind.RATING, "Rating"),
            (TagKind.WARNING, "Warnings"),
            (TagKind.RELATIONSHIP, "Relationships"),
            (TagKind.CHARACTER, "Characters"),
            (TagKind.FREEFORM, "Additional Tags"),
        ):
            names = [t.name for t in work.tags_of(kind)]
            if names:
                lines.append(f"<p>{label}: {strip_tags(', '.join(names))}</p>")
        return "\n".join(lines)

    def item_link(self, work: Work) -> str:
        return work.get_absolute_url()

    def item_author_name(self, work: Work) -> str:
        return ", ".join(pseud.name for pseud in public_byline_pseuds(work)) or ANONYMOUS

    def item_pubdate(self, work: Work):
        return work.created_at

    def item_updateddate(self, work: Work):
        return work.revised_at


def tag_search(request: HttpRequest) -> HttpResponse:
    form = TagSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid() and form.has_criteria():
        data = form.cleaned_data
        tags = queries.search_tags(data["name"], data["kind"], form.canonical_value())
        page = paginate(request, findable_tags(request.user, tags), per_page=50)
    return render(request, "tags/search.html", {"form": form, "page": page})


@login_required
def autocomplete(request: HttpRequest) -> JsonResponse:
    kind = request.GET.get("kind", "")
    if kind not in {*USER_KINDS, TagKind.MEDIA}:
        error = {"field": "kind", "code": "unknown_choice", "message": "Unknown tag kind."}
        return JsonResponse({"errors": [error]}, status=400)
    candidates = findable_tags(request.user, Tag.objects.filter(kind=kind))
    tags = queries.autocomplete(candidates, request.GET.get("term", "")[:150])
    results = [
        {
            "id": tag.pk,
            "name": tag.name,
            "canonical": tag.canonical,
            "synonym_of": tag.merger.name if tag.merger else None,
        }
        for tag in tags
    ]
    return JsonResponse({"results": results})


# --- wrangling ----------------------------------------------------------------------------------


def _require_wrangler(request: HttpRequest) -> None:
    if not is_wrangler(request.user):
        raise PermissionDenied(_("Only tag wranglers can do that."))


def tag_edit(request: HttpRequest, tag_name: str) -> HttpResponse:
    # Resolved before the login and wrangler checks, which only concern the edit page and not
    # the page of a tag whose name ends in "/edit".
    tag = tag_for_action(request, tag_name, "edit", lambda name: findable_tag(request.user, name))
    if isinstance(tag, HttpResponse):
        return tag
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _require_wrangler(request)
    if tag is None:
        raise Http404(_("No such tag."))
    initial = {
        "name": tag.name,
        "canonical": tag.canonical,
        "synonym_of": tag.merger.name if tag.merger else "",
        "parents": ", ".join(t.name for t in tag.parents.order_by("name")),
        "unwrangleable": tag.unwrangleable,
    }
    form = WrangleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = WrangleData(
            name=data["name"],
            canonical=data["canonical"],
            synonym_of=data["synonym_of"],
            parents=split_tag_names(data["parents"]),
            unwrangleable=data["unwrangleable"],
        )
        try:
            wrangle_tag(tag, change)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("“%(name)s” was updated.") % {"name": tag.name})
            return redirect("tags:show", tag_to_param(tag.name))
    context = {
        "tag": tag,
        "form": form,
        "synonyms": tag.synonyms.order_by("name"),
        "subtags": queries.subtags_of(tag),
    }
    return render(request, "tags/edit.html", context)


@login_required
def unwrangled(request: HttpRequest) -> HttpResponse:
    """The unwrangled bin for one kind, optionally within a fandom, with mass actions."""
    _require_wrangler(request)
    kind = request.GET.get("kind", TagKind.CHARACTER)
    if kind not in {*USER_KINDS, TagKind.MEDIA}:
        raise Http404(_("Unknown tag kind."))
    fandom = None
    fandom_name = request.GET.get("fandom", "").strip()
    if fandom_name:
        fandom = Tag.objects.filter(name__iexact=fandom_name, kind=TagKind.FANDOM).first()
        if fandom is None:
            messages.error(
                request, _("There is no fandom called “%(name)s”.") % {"name": fandom_name}
            )
    tags = work_queries.unwrangled_tags(kind, fandom)
    form = MassWrangleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = list(Tag.objects.filter(pk__in=form.cleaned_data["tag_ids"], kind=kind))
        try:
            count = wrangle_tags(chosen, form.wrangle_data())
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                ngettext("%(count)d tag wrangled.", "%(count)d tags wrangled.", count)
                % {"count": count},
            )
            return redirect(request.get_full_path())
    page = paginate(request, tags, per_page=100)
    kinds = [(k, TagKind(k).label) for k in (*USER_KINDS, TagKind.MEDIA)]
    context = {"page": page, "kind": kind, "kinds": kinds, "fandom": fandom, "form": form}
    return render(request, "tags/unwrangled.html", context)
