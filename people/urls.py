from django.contrib.auth import views as auth_views
from django.urls import path

from signups import views as signup_views

from . import views, views_blocks, views_security
from .forms import LoginForm, PasswordResetForm

app_name = "people"

urlpatterns = [
    path("users/<str:login_name>", views.user_dashboard, name="user"),
    path("users/<str:login_name>/works", views.user_works, name="works"),
    path("users/<str:login_name>/works/drafts", views.drafts, name="drafts"),
    path("users/<str:login_name>/pseuds", views.pseud_list, name="pseuds"),
    path("users/<str:login_name>/pseuds/new", views.pseud_new, name="pseud_new"),
    path("users/<str:login_name>/pseuds/<str:pseud_name>", views.pseud_page, name="pseud"),
    path(
        "users/<str:login_name>/pseuds/<str:pseud_name>/works",
        views.pseud_works,
        name="pseud_works",
    ),
    path(
        "users/<str:login_name>/pseuds/<str:pseud_name>/edit", views.pseud_edit, name="pseud_edit"
    ),
    path("users/<str:login_name>/preferences", views.preferences, name="preferences"),
    path("users/<str:login_name>/api_tokens", views.api_tokens, name="api_tokens"),
    path(
        "users/<str:login_name>/api_tokens/<int:token_id>/revoke",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("users/<str:login_name>/two_factor", views_security.two_factor_page, name="two_factor"),
    path("users/<str:login_name>/sessions", views_security.sessions_page, name="sessions"),
    path(
        "users/<str:login_name>/sessions/<int:session_id>/end",
        views_security.session_end,
        name="session_end",
    ),
    path(
        "users/<str:login_name>/sessions/end_others",
        views_security.sessions_end_others,
        name="sessions_end_others",
    ),
    path("users/<str:login_name>/blocked/users", views_blocks.blocked_users, name="blocked_users"),
    path(
        "users/<str:login_name>/blocked/users/confirm_block",
        views_blocks.confirm_block,
        name="confirm_block",
    ),
    path(
        "users/<str:login_name>/blocked/users/confirm_unblock",
        views_blocks.confirm_unblock,
        name="confirm_unblock",
    ),
    path("users/<str:login_name>/blocked/users/unblock", views_blocks.unblock, name="unblock"),
    path("users/<str:login_name>/muted/users", views_blocks.muted_users, name="muted_users"),
    path(
        "users/<str:login_name>/muted/users/confirm_mute",
        views_blocks.confirm_mute,
        name="confirm_mute",
    ),
    path(
        "users/<str:login_name>/muted/users/confirm_unmute",
        views_blocks.confirm_unmute,
        name="confirm_unmute",
    ),
    path("users/<str:login_name>/muted/users/unmute", views_blocks.unmute, name="unmute"),
]

# Account routes keep Django's names (login, logout, password_reset, …) so its views find them.
account_urlpatterns = [
    path("signup", signup_views.signup, name="signup"),
    path("users/login", views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("users/login/two_factor", views_security.login_two_factor, name="login_two_factor"),
    path("users/logout", views.LogoutView.as_view(), name="logout"),
    path("token_dispenser.json", views.token_dispenser, name="token_dispenser"),
    path(
        "account/password/change",
        views_security.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "account/password/change/done",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "account/password/reset",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path(
        "account/password/reset/sent",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password/reset/<uidb64>/<token>",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/complete",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("works/drafts", views.my_drafts, name="my_drafts"),
]
