"""The sample archive's news: one post from the archive, with a reader's comment, so the news
pages, the feed and the home page's News module have something to show."""

from __future__ import annotations

from feedback.services.comments import post_comment
from lifestream.core.text import sanitize_html
from news.models import AdminPost, AdminPostTag
from people.models import User

TITLE = "Welcome to the demo archive"
CONTENT = """<p>This archive is a demonstration of Lifestream: the works, the accounts and this
post are sample content. Log in as any sample author (the password is in the README) to post,
comment, leave kudos and bookmark.</p>
<p>News like this appears on the home page and in the
<a href="/admin_posts/feed.atom">news feed</a>.</p>"""


def add_sample_news(users: dict[str, User]) -> int:
    """One news post, as the archive wrote it (no sample account is an admin), with one
    comment from the first sample author. How many posts were made."""
    post = AdminPost.objects.create(
        title=TITLE, content=sanitize_html(CONTENT, allow_classes=False)
    )
    tag, _ = AdminPostTag.objects.get_or_create(name="Archive Updates")
    post.tags.add(tag)
    reader = next(iter(users.values()), None)
    if reader is not None:
        post_comment(reader, post, "<p>Thanks for setting this up!</p>")
    return 1
