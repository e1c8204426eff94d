from .views import bookmarks, comments, kudos, subscriptions

app_name = "feedback"

urlpatterns = [
    *comments.urlpatterns,
    *kudos.urlpatterns,
    *bookmarks.urlpatterns,
    *subscriptions.urlpatterns,
]
