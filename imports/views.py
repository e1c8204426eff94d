"""The import page and the draft edit page's accept/dismiss buttons for suggestions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from lifestream.core.errors import InvalidInput
from people.models import User

from . import queries, services
from .forms import ImportForm


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    sent = request.method == "POST"  # an empty form sent is still sent, and answered
    form = ImportForm(request.POST if sent else None, request.FILES if sent else None)
    if sent and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            result = services.import_work(
                _user(request),
                upload if upload else form.cleaned_data["text"],
                filename=upload.name if upload else "",
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            count, chapters = len(result.suggestions), result.work.chapter_count
            if count:
                imported = ngettext(
                    "Imported “%(title)s” as a draft with %(chapters)d chapter and %(count)d tag "
                    "suggestions. Review it, choose its tags and post it when you're ready; only "
                    "you can see it until then.",
                    "Imported “%(title)s” as a draft with %(chapters)d chapters and %(count)d tag "
                    "suggestions. Review it, choose its tags and post it when you're ready; only "
                    "you can see it until then.",
                    chapters,
                )
            else:
                imported = ngettext(
                    "Imported “%(title)s” as a draft with %(chapters)d chapter. Review it, choose "
                    "its tags and post it when you're ready; only you can see it until then.",
                    "Imported “%(title)s” as a draft with %(chapters)d chapters. Review it, choose "
                    "its tags and post it when you're ready; only you can see it until then.",
                    chapters,
                )
            messages.success(
                request,
                imported % {"title": result.work.title, "chapters": chapters, "count": count},
            )
            return redirect("works:edit", result.work.pk)
    max_mb = settings.IMPORT_MAX_BYTES / (1024 * 1024)
    return render(request, "imports/new.html", {"form": form, "max_mb": f"{max_mb:g}"})


@login_required
@require_POST
def suggestion_accept(request: HttpRequest, work_id: int, suggestion_id: int) -> HttpResponse:
    user = _user(request)
    suggestion = queries.get_suggestion_for_editor(user, work_id, suggestion_id)
    try:
        services.accept_suggestion(user, suggestion)
    except InvalidInput as error:
        messages.error(request, " ".join(e.message for e in error.errors))
    else:
        messages.success(
            request, gettext("Added the tag “%(name)s”.") % {"name": suggestion.tag.name}
        )
    return redirect("works:edit", work_id)


@login_required
@require_POST
def suggestion_dismiss(request: HttpRequest, work_id: int, suggestion_id: int) -> HttpResponse:
    suggestion = queries.get_suggestion_for_editor(_user(request), work_id, suggestion_id)
    services.dismiss_suggestion(suggestion)
    messages.success(
        request, gettext("Dismissed the suggestion “%(name)s”.") % {"name": suggestion.tag.name}
    )
    return redirect("works:edit", work_id)
