"""Site news: the admins' posts and their comments, the news feed and the site-wide banner."""

from __future__ import annotations

import time

import feedparser
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from feedback.models import Comment, CommentStatus, Notification, NotificationKind
from feedback.services import spam
from feedback.services.comments import delete_comment, mark_spam, post_comment
from lifestream.core.errors import Forbidden, InvalidInput
from lifestream.testing import make_user
from news import services
from news.models import AdminPost, Banner, BannerDismissal
from news.services import PostData
from people.models import AuditAction, AuditEntry, Block, Mute
from works.models import CommentPermission

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="alert(1)">Hello</p><script>alert(2)</script>'
    '<a href="javascript:alert(3)">link</a><img src=x onerror=alert(4)>'
    '<p class="landmark">styled</p><iframe src="https://evil.example"></iframe>'
)


@pytest.fixture
def admin(db):
    return make_user("news_admin", is_archive_admin=True)


@pytest.fixture
def reader(db):
    return make_user("news_reader")


@pytest.fixture
def moderator(db):
    return make_user("news_moderator", is_moderator=True)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(admin, title="Archive Update", **overrides) -> AdminPost:
    data = PostData(title=title, content="<p>We have news.</p>", **overrides)
    return services.create_post(admin, data)


def _form(**overrides) -> dict[str, str]:
    return {
        "title": "Tag Wrangling News",
        "content": "<p>Wranglers wanted.</p>",
        "tags": "Volunteers, Tag Wrangling",
        "comment_permission": CommentPermission.EVERYONE,
        "language": "en",
        **overrides,
    }


# --- pages and permissions -------------------------------------------------------------------


def test_an_admin_posts_edits_and_deletes_news_each_in_the_audit_log(admin):
    client = _client(admin)
    assert client.get("/admin_posts/new").status_code == 200
    response = client.post("/admin_posts/new", _form())
    post = AdminPost.objects.get()
    assert response["Location"] == f"/admin_posts/{post.pk}"
    assert sorted(tag.name for tag in post.tags.all()) == ["Tag Wrangling", "Volunteers"]
    page = client.get(f"/admin_posts/{post.pk}").content.decode()
    assert "Wranglers wanted." in page and 'class="admin_posts-show region"' in page
    response = client.post(
        f"/admin_posts/{post.pk}/edit", _form(title="Renamed", tags="Volunteers")
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Renamed" and [t.name for t in post.tags.all()] == ["Volunteers"]
    assert client.get(f"/admin_posts/{post.pk}/delete").status_code == 200
    assert client.post(f"/admin_posts/{post.pk}/delete")["Location"] == "/admin_posts"
    assert not AdminPost.objects.exists()
    actions = list(
        AuditEntry.objects.filter(object_type="admin_post", object_id=post.pk)
        .order_by("id")
        .values_list("action", "object_label", "actor_name")
    )
    assert actions == [
        (AuditAction.POST_NEWS, "Tag Wrangling News", "news_admin"),
        (AuditAction.EDIT_NEWS, "Renamed", "news_admin"),
        (AuditAction.DELETE_NEWS, "Renamed", "news_admin"),
    ]


@pytest.mark.parametrize("who", ["guest", "reader", "moderator"])
def test_only_admins_write_news(admin, reader, moderator, who):
    post = _post(admin)
    user = {"guest": None, "reader": reader, "moderator": moderator}[who]
    client = _client(user)
    for path in (
        "/admin_posts/new",
        f"/admin_posts/{post.pk}/edit",
        f"/admin_posts/{post.pk}/delete",
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, _form()).status_code == 404, path
    assert AdminPost.objects.count() == 1
    assert "/admin_posts/new" not in client.get("/admin_posts").content.decode()
    if user is not None:
        with pytest.raises(Forbidden):
            services.create_post(user, PostData("x", "<p>x</p>"))


def test_a_bad_post_comes_back_with_what_was_typed(admin):
    response = _client(admin).post(
        "/admin_posts/new", _form(title="  ", content="<p>Kept text</p>", tags="x" * 101)
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Please enter a title." in html and "Kept text" in html
    assert "at most 100 characters" in html
    assert not AdminPost.objects.exists()
    with pytest.raises(InvalidInput) as raised:
        services.create_post(admin, PostData("T", "<script>x</script>", language="xx"))
    assert {(e.field, e.code) for e in raised.value.errors} == {
        ("content", "required"),
        ("language", "invalid"),
    }


def test_news_is_public_newest_first_and_paged_in_few_queries(
    admin, reader, django_assert_num_queries
):
    for number in range(22):
        _post(admin, title=f"News number {number}", tags=["Updates"])
    first = AdminPost.objects.get(title="News number 0")
    post_comment(reader, first, "<p>Thanks!</p>")
    guest = _client()
    # The page, its posts, their tags, the list of tags.
    with django_assert_num_queries(4):
        page = guest.get("/admin_posts").content.decode()
    assert page.index("News number 21") < page.index("News number 20")
    assert "News number 1<" not in page and 'class="admin_posts-index region"' in page
    second = guest.get("/admin_posts?page=2").content.decode()
    assert "News number 0" in second and "Comments (1)" in second
    assert 'rel="alternate" type="application/atom+xml"' in page
    tagged = guest.get("/admin_posts?tag=updates").content.decode()
    assert "News tagged Updates" in tagged
    assert guest.get("/admin_posts?tag=nothing").status_code == 404


def test_a_post_page_with_its_comments_takes_a_fixed_number_of_queries(
    admin, reader, django_assert_num_queries
):
    post = _post(admin)
    for number in range(5):
        top = post_comment(reader, post, f"<p>Comment {number}</p>")
        post_comment(admin, post, f"<p>Answer {number}</p>", parent=top)
    client = _client(reader)
    client.get(f"/admin_posts/{post.pk}")
    # Session and user, the post, the form's pseuds, mutes, the thread count, ids and
    # comments, blocks, the post's tags, the header's unread count: however many comments.
    with django_assert_num_queries(11):
        page = client.get(f"/admin_posts/{post.pk}").content.decode()
    assert page.count('class="comment group') == 10
    assert "Answer 4" in page
    assert _client().get("/admin_posts/999999").status_code == 404


def test_the_home_page_shows_the_latest_headlines(admin):
    for number in range(4):
        _post(admin, title=f"Headline {number}")
    home = _client().get("/").content.decode()
    assert 'class="news module"' in home
    assert "Headline 3" in home and "Headline 1" in home and "Headline 0" not in home


def test_hostile_html_in_a_post_is_cleaned(admin):
    post = services.create_post(admin, PostData(title="<b>Bold</b> title", content=HOSTILE))
    for path in ("/admin_posts", f"/admin_posts/{post.pk}", "/"):
        html = _client().get(path).content.decode()
        assert "alert(" not in html and "<iframe" not in html, path
        assert "onerror" not in html and "javascript:" not in html, path
        assert 'class="landmark">styled' not in html, path
    assert (
        "&lt;b&gt;Bold&lt;/b&gt; title" in _client().get(f"/admin_posts/{post.pk}").content.decode()
    )


# --- comments --------------------------------------------------------------------------------


def test_readers_and_guests_comment_through_the_comment_service(admin, reader):
    post = _post(admin)
    response = _client(reader).post(f"/admin_posts/{post.pk}", {"body": "<p>Great news</p>"})
    comment = Comment.objects.get()
    assert (comment.admin_post_id, comment.work_id, comment.status) == (
        post.pk,
        None,
        CommentStatus.PUBLISHED,
    )
    assert response["Location"] == f"/comments/{comment.pk}#comment_{comment.pk}"
    permalink = _client().get(f"/comments/{comment.pk}").content.decode()
    assert "Great news" in permalink and "Archive Update" in permalink
    assert f"/reports/new?type=comment&amp;id={comment.pk}" in permalink
    guest = _client().post(
        f"/admin_posts/{post.pk}",
        {"body": "Hi", "guest_name": "Zack", "guest_email": "zack@example.org"},
    )
    assert guest.status_code == 302
    assert "Zack (Guest)" in _client().get(f"/admin_posts/{post.pk}").content.decode()
    # A reply tells the writer of the comment it answers, in their inbox.
    _client(admin).post(f"/comments/{comment.pk}/reply", {"body": "Thank you!"})
    notice = Notification.objects.get(user=reader)
    assert notice.kind == NotificationKind.REPLY and notice.work_id is None
    inbox = _client(reader).get(f"/users/{reader.username}/inbox").content.decode()
    assert "replied to your comment on the news post" in inbox


@pytest.mark.parametrize(
    ("permission", "guest", "member"),
    [
        (CommentPermission.EVERYONE, 302, 302),
        (CommentPermission.REGISTERED, 403, 302),
        (CommentPermission.NO_ONE, 403, 403),
    ],
)
def test_who_may_comment_follows_the_posts_setting(admin, reader, permission, guest, member):
    post = _post(admin, comment_permission=permission)
    as_guest = _client().post(
        f"/admin_posts/{post.pk}",
        {"body": "Guest words", "guest_name": "G", "guest_email": "g@example.org"},
    )
    assert as_guest.status_code == guest
    if guest == 403:
        html = as_guest.content.decode()
        assert "this news post doesn" in html and "Guest words" in html
    assert _client(reader).post(f"/admin_posts/{post.pk}", {"body": "Hi"}).status_code == member
    page = _client().get(f"/admin_posts/{post.pk}").content.decode()
    assert ('name="guest_name"' in page) is (permission == CommentPermission.EVERYONE)


def test_a_guests_news_comment_passes_the_spam_check(admin, spam_checks):
    post = _post(admin)
    response = _client().post(
        f"/admin_posts/{post.pk}",
        {
            "body": "Cheap pills https://pharma.example/",
            "guest_name": "G",
            "guest_email": "g@example.org",
            "shown_at": spam.form_token(time.time() - 30),
            "altcha": "",
        },
    )
    assert response.status_code == 202
    assert "Your comment is held for review" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.HELD
    assert "Cheap pills" not in _client().get(f"/admin_posts/{post.pk}").content.decode()


def test_moderators_review_delete_and_mark_news_comments(admin, reader, moderator):
    post = _post(admin)
    held = post_comment(
        AnonymousUser(),
        post,
        "hi",
        guest_name="G",
        guest_email="g@example.org",
    )
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.HELD)
    queue = _client(moderator).get("/comments/held").content.decode()
    assert "On the news post" in queue and post.title in queue
    assert "On the news post" not in _client(reader).get("/comments/held").content.decode()
    kept = post_comment(reader, post, "<p>Genuine</p>")
    with pytest.raises(Forbidden):
        mark_spam(reader, kept)
    mark_spam(moderator, kept)
    kept.refresh_from_db()
    assert kept.status == CommentStatus.SPAM
    other = post_comment(reader, post, "<p>To go</p>")
    with pytest.raises(Forbidden):
        delete_comment(make_user("news_stranger"), other)
    response = _client(moderator).post(
        f"/admin/moderation/comments/{other.pk}/delete", {"reason": "Off topic."}
    )
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=other.pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.DELETE_COMMENT)
    assert entry.object_label == f"Comment on {post.title}"
    # The post's admin deletes from the thread as a work's creator would.
    last = post_comment(reader, post, "<p>Last</p>")
    assert (
        _client(admin)
        .post(f"/comments/{last.pk}/delete")["Location"]
        .startswith(f"/admin_posts/{post.pk}")
    )


def test_mutes_and_blocks_apply_on_news(admin, reader):
    post = _post(admin)
    noisy = make_user("news_noisy")
    post_comment(noisy, post, "<p>Noisy words</p>")
    Mute.objects.create(muter=reader, muted=noisy)
    assert "Noisy words" not in _client(reader).get(f"/admin_posts/{post.pk}").content.decode()
    assert "Noisy words" in _client().get(f"/admin_posts/{post.pk}").content.decode()
    top = post_comment(reader, post, "<p>Mine</p>")
    Block.objects.create(blocker=reader, blocked=noisy)
    with pytest.raises(Forbidden):
        post_comment(noisy, post, "<p>Reply</p>", parent=top)


def test_a_news_comment_can_be_reported(admin, reader):
    post = _post(admin)
    comment = post_comment(admin, post, "<p>Official</p>")
    page = _client(reader).get(f"/reports/new?type=comment&id={comment.pk}")
    assert page.status_code == 200
    assert f"A comment on {post.title}" in page.content.decode()


# --- the feed --------------------------------------------------------------------------------


def test_the_news_feed_parses_and_lists_the_newest_posts(admin):
    _post(admin, title="Older", tags=["Updates"])
    services.create_post(
        admin, PostData(title="Newer \x01 news", content="<p>Text\x0b here</p>" + HOSTILE)
    )
    response = _client().get("/admin_posts/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == ["Newer news", "Older"]
    assert "alert(" not in response.content.decode()
    assert feed.entries[1].tags[0].term == "Updates"
    tagged = feedparser.parse(_client().get("/admin_posts/feed.atom?tag=Updates").content)
    assert [entry.title for entry in tagged.entries] == ["Older"]
    assert _client().get("/admin_posts/feed.atom?tag=none").status_code == 404


# --- the banner ------------------------------------------------------------------------------


def _banner_of(client: Client, path: str = "/works") -> str | None:
    html = client.get(path).content.decode()
    if 'id="admin_banner"' not in html:
        return None
    return html.split('id="admin_banner"', 1)[1].split("</div>", 1)[0]


def test_an_admin_sets_the_banner_on_its_page(admin, reader):
    client = _client(admin)
    assert client.get("/admin/banner").status_code == 200
    assert _client(reader).get("/admin/banner").status_code == 404
    response = client.post(
        "/admin/banner", {"text": "<p>Maintenance tonight</p>", "kind": "alert", "active": "on"}
    )
    assert response.status_code == 302
    shown = _banner_of(_client())
    assert shown is not None and "Maintenance tonight" in shown
    assert 'class="announcement group alert"' in _client().get("/").content.decode()
    assert AuditEntry.objects.get(action=AuditAction.BANNER).object_label == "Maintenance tonight"
    client.post("/admin/banner", {"text": "<p>Maintenance tonight</p>", "kind": "alert"})
    assert _banner_of(_client()) is None
    bad = client.post("/admin/banner", {"text": "", "kind": "odd", "active": "on"})
    assert bad.status_code == 422
    assert "before turning it on" in bad.content.decode()


def test_a_member_dismisses_the_banner_on_their_account_until_it_changes(admin, reader):
    banner = services.set_banner(admin, "<p>Fundraiser week</p>", "event", True)
    client = _client(reader)
    assert _banner_of(client) is not None
    response = client.post(
        "/admin_banners/dismiss", {"version": banner.version, "next": "/works?page=2"}
    )
    assert response["Location"] == "/works?page=2"
    assert _banner_of(client) is None
    assert BannerDismissal.objects.get(user=reader).version == banner.version
    # Remembered on the account: another session (another browser) does not show it either.
    assert _banner_of(_client(reader)) is None
    # The same text, turned off and on, stays dismissed; new text shows again.
    services.set_banner(admin, "<p>Fundraiser week</p>", "alert", True)
    assert _banner_of(client) is None
    services.set_banner(admin, "<p>Fundraiser extended</p>", "event", True)
    shown = _banner_of(client)
    assert shown is not None and "Fundraiser extended" in shown
    assert _banner_of(_client(reader)) is not None
    # A dismissal sent from a script answers without a page.
    newer = Banner.objects.get().version
    answer = client.post(
        "/admin_banners/dismiss", {"version": newer}, headers={"X-Requested-With": "fetch"}
    )
    assert answer.status_code == 204 and _banner_of(client) is None


def test_a_guest_dismisses_the_banner_in_a_cookie(admin):
    banner = services.set_banner(admin, "<p>Welcome, readers</p>", "", True)
    guest = _client()
    assert _banner_of(guest) is not None
    response = guest.post(
        "/admin_banners/dismiss", {"version": banner.version, "next": "//evil.example/"}
    )
    assert response["Location"] == "/"
    assert _banner_of(guest) is None
    assert _banner_of(_client()) is not None
    services.set_banner(admin, "<p>Welcome back</p>", "", True)
    assert _banner_of(guest) is not None


def test_the_banner_costs_a_page_no_query_once_looked_up(admin, reader, django_assert_num_queries):
    services.set_banner(admin, "<p>Hello</p>", "", True)
    guest = _client()
    guest.get("/admin_posts")
    with django_assert_num_queries(2):  # the index's posts and tags: nothing for the banner
        assert "Hello" in guest.get("/admin_posts").content.decode()


def test_hostile_html_in_the_banner_is_cleaned(admin):
    services.set_banner(admin, HOSTILE, "alert", True)
    html = _client().get("/").content.decode()
    banner = html.split('id="admin_banner"', 1)[1].split("</blockquote>", 1)[0]
    assert "Hello" in banner
    assert "alert(" not in banner and "onerror" not in banner and "<iframe" not in banner
    with pytest.raises(InvalidInput):
        services.set_banner(admin, "x" * 2001, "", True)


def test_a_suspended_member_may_still_dismiss_the_banner(admin, moderator, reader):
    from moderation.services import suspend_user

    banner = services.set_banner(admin, "<p>Notice</p>", "", True)
    suspend_user(moderator, reader.pk, 3, "Spam.")
    response = _client(reader).post("/admin_banners/dismiss", {"version": banner.version})
    assert response.status_code == 302


# --- the API ---------------------------------------------------------------------------------


def test_the_api_lists_and_shows_news_to_anyone(admin, reader, django_assert_num_queries):
    for number in range(3):
        _post(admin, title=f"API news {number}", tags=["Updates"])
    first = AdminPost.objects.get(title="API news 0")
    post_comment(reader, first, "<p>Nice</p>")
    with django_assert_num_queries(3):  # the count, the page, its tags
        listed = _client().get("/api/v1/news").json()
    assert listed["count"] == 3
    assert [item["title"] for item in listed["results"]] == [
        "API news 2",
        "API news 1",
        "API news 0",
    ]
    assert listed["results"][2]["comments_count"] == 1
    assert listed["results"][0]["tags"] == ["Updates"]
    one = _client().get(f"/api/v1/news/{first.pk}").json()
    assert one["title"] == "API news 0" and one["url"] == f"/admin_posts/{first.pk}"
    assert _client().get("/api/v1/news?tag=nothing").json()["count"] == 0
    missing = _client().get("/api/v1/news/999999")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/json")
