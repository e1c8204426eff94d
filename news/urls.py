from django.urls import path

from . import views, views_banner

app_name = "news"

# AO3's addresses (`/admin_posts`, `/admin_posts/feed.atom`); the banner's admin page under
# /admin/, ahead of Django's admin (lifestream/urls.py).
urlpatterns = [
    path("admin_posts", views.index, name="index"),
    path("admin_posts/new", views.new, name="new"),
    path("admin_posts/feed.atom", views.NewsFeed(), name="feed"),
    path("admin_posts/<int:post_id>", views.show, name="post"),
    path("admin_posts/<int:post_id>/edit", views.edit, name="edit"),
    path("admin_posts/<int:post_id>/delete", views.delete, name="delete"),
    path("admin/banner", views_banner.banner_admin, name="banner"),
    path("admin_banners/dismiss", views_banner.dismiss, name="banner_dismiss"),
]
