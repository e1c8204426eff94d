from django.urls import path

from . import views

app_name = "signups"

urlpatterns = [
    path("signup/<str:token>", views.signup, name="signup_invited"),
    path("users/confirm/<str:token>", views.confirm, name="confirm"),
    path("users/confirmation", views.resend_confirmation, name="resend_confirmation"),
    path("invite_requests", views.invite_requests, name="invite_requests"),
    path("invite_requests/status", views.invite_request_status, name="invite_request_status"),
    path("users/<str:login_name>/invitations", views.user_invitations, name="user_invitations"),
    path("tos", views.terms, name="terms"),
    path("content", views.content_policy, name="content_policy"),
    path("tos/accept", views.accept_terms, name="accept_terms"),
    path("admin/settings", views.admin_settings, name="admin_settings"),
    path("admin/invitations", views.admin_invitations, name="admin_invitations"),
    path("admin/approvals", views.admin_approvals, name="admin_approvals"),
]
