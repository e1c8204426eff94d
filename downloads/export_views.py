""" "Download my data": the page that asks for the zip and lists it, and the zip itself, for its
owner alone."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from feedback.views.subscriptions import user_nav
from lifestream.core.errors import InvalidInput
from people.owners import own_account

from . import account_export


@never_cache
def export_page(request: HttpRequest, login_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    if request.method == "POST":
        try:
            account_export.request_export(user)
        except InvalidInput as error:
            messages.error(request, error.errors[0].message)
        else:
            messages.success(
                request,
                gettext(
                    "Your data is being gathered. We'll email you when the zip is ready to "
                    "download here."
                ),
            )
        return redirect("downloads:export", user.username)
    return render(
        request,
        "downloads/export.html",
        {
            "owner": user,
            "nav": user_nav(request, user),
            "exports": account_export.current_exports(user),
            "days": account_export.EXPORT_DAYS,
        },
    )


@never_cache
def export_download(request: HttpRequest, login_name: str, export_id: int) -> FileResponse:
    user = own_account(request.user, login_name)
    path = account_export.downloadable(user, export_id)
    if path is None:
        raise Http404(gettext("No such download, or it has expired."))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{user.username}_data.zip",
        content_type="application/zip",
    )
