"""Deleting one's account: a page that asks for the password and, for each work the user alone
created, whether to orphan or delete it; works shared with others are listed as only losing
them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from lifestream.core.errors import InvalidInput
from people.owners import own_account

from ..services import accounts
from .subscriptions import user_nav

CHOICE_LABELS = {
    accounts.ORPHAN: _("Orphan it (it stays on the archive, credited to orphan_account)"),
    accounts.DELETE: _("Delete it"),
}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    keep_pseud = forms.BooleanField(
        label=_("Keep my pseud's name on the works I orphan"),
        required=False,
    )

    def __init__(self, *args: Any, works: list[accounts.OwnWork], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.works = works
        for own in works:
            if own.choices:
                self.fields[f"work_{own.work.pk}"] = forms.ChoiceField(
                    label=own.work.title,
                    choices=[(choice, CHOICE_LABELS[choice]) for choice in own.choices],
                    widget=forms.RadioSelect,
                    initial=own.choices[0],
                )

    def choices(self) -> dict[int, str]:
        return {
            own.work.pk: self.cleaned_data.get(f"work_{own.work.pk}", "")
            for own in self.works
            if own.choices
        }


@never_cache
def delete_account(request: HttpRequest, login_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    works = accounts.own_works(user)
    form = DeleteAccountForm(request.POST or None, works=works)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.delete_account(
                user,
                form.cleaned_data["password"],
                form.choices(),
                keep_pseud=form.cleaned_data["keep_pseud"],
            )
        except InvalidInput as error:
            for field_error in error.errors:
                field = field_error.field if field_error.field in form.fields else None
                form.add_error(field, field_error.message)
        else:
            logout(request)
            messages.success(request, gettext("Your account was deleted. Goodbye, and thank you."))
            return redirect("home")
    return render(
        request,
        "feedback/delete_account.html",
        {
            "owner": user,
            "nav": user_nav(request, user),
            "form": form,
            "export_url": reverse("downloads:export", args=[user.username]),
            "shared": [own.work for own in works if own.shared],
            "fields": [form[f"work_{own.work.pk}"] for own in works if own.choices],
        },
    )


urlpatterns = [
    path("users/<str:login_name>/delete", delete_account, name="delete_account"),
]
