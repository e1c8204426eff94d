from django.urls import path

from . import views, views_reports

app_name = "moderation"

# Under /admin/, before Django's own admin (lifestream/urls.py) so these resolve first.
urlpatterns = [
    path("reports/new", views_reports.report_new, name="report_new"),
    path("admin/moderation/reports", views_reports.queue, name="reports"),
    path("admin/moderation/reports/<int:report_id>", views_reports.report_show, name="report"),
    path("admin/roles", views.roles, name="roles"),
    path("admin/moderation", views.desk, name="desk"),
    path("admin/moderation/log", views.log, name="log"),
    path("admin/moderation/find", views.find_user, name="find_user"),
    path("admin/moderation/users/<str:login_name>", views.user_page, name="user"),
    path("admin/moderation/works/<int:work_id>", views.work_page, name="work"),
    path(
        "admin/moderation/comments/<int:comment_id>/delete",
        views.comment_delete,
        name="comment_delete",
    ),
    path(
        "admin/moderation/bookmarks/<int:bookmark_id>/delete",
        views.bookmark_delete,
        name="bookmark_delete",
    ),
]
