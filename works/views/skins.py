"""Work skins: the public ones, a user's own, one skin's page, and its author's new, edit and
delete pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access.visibility import Access, skin_access
from lifestream.core.errors import InvalidInput
from lifestream.core.pagination import paginate
from people import queries as people_queries

from .. import skins as skin_services
from ..models import Skin
from ..skin_forms import SkinForm
from ..skins_queries import public_skins, skins_of
from .posting import _user


def _get_skin(request: HttpRequest, skin_id: int) -> Skin:
    skin = Skin.objects.select_related("author").filter(pk=skin_id).first()
    if skin is None or skin_access(request.user, skin) is not Access.READ:
        raise Http404(_("No such skin."))
    return skin


def _get_own_skin(request: HttpRequest, skin_id: int) -> Skin:
    skin = _get_skin(request, skin_id)
    if skin.author_id != request.user.pk:
        raise PermissionDenied(_("Only the skin's author can change it."))
    return skin


def skin_index(request: HttpRequest) -> HttpResponse:
    page = paginate(request, public_skins())
    return render(request, "works/skins/index.html", {"page": page, "owner": None})


def user_skins(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = people_queries.get_user(login_name)
    page = paginate(request, skins_of(request.user, owner))
    return render(request, "works/skins/index.html", {"page": page, "owner": owner})


def skin_show(request: HttpRequest, skin_id: int) -> HttpResponse:
    skin = _get_skin(request, skin_id)
    mine = skin.author_id == request.user.pk
    return render(request, "works/skins/show.html", {"skin": skin, "mine": mine})


@login_required
def skin_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SkinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            skin = skin_services.create_skin(user, form.skin_data())
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Skin was successfully created."))
            return redirect(skin)
    return render(request, "works/skins/form.html", {"form": form, "skin": None})


@login_required
def skin_edit(request: HttpRequest, skin_id: int) -> HttpResponse:
    user = _user(request)
    skin = _get_own_skin(request, skin_id)
    data = skin_services.skin_data_from(skin)
    form = SkinForm(request.POST or None, initial=data.__dict__)
    if request.method == "POST" and form.is_valid():
        try:
            skin_services.update_skin(user, skin, form.skin_data())
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Skin was successfully updated."))
            return redirect(skin)
    return render(request, "works/skins/form.html", {"form": form, "skin": skin})


@login_required
def skin_delete(request: HttpRequest, skin_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes the skin (works wearing it go back to the default)."""
    user = _user(request)
    skin = _get_own_skin(request, skin_id)
    if request.method == "POST":
        title = skin.title
        skin_services.delete_skin(user, skin)
        messages.success(request, _("Skin “%(title)s” was deleted.") % {"title": title})
        return redirect("works:user_skins", user.username)
    return render(request, "works/skins/confirm_delete.html", {"skin": skin})
