from .views import accounts, bookmarks, comments, credits, kudos, subscriptions

app_name = "feedback"

urlpatterns = [
    *comments.urlpatterns,
    *kudos.urlpatterns,
    *bookmarks.urlpatterns,
    *subscriptions.urlpatterns,
    *credits.urlpatterns,
    *accounts.urlpatterns,
]
