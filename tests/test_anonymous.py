"""Anonymous works: "Anonymous" for everyone but their creators, on every page, listing, feed,
file and API answer; off their creator's pages and out of searches by creator; not hidden by a
mute of their creator; their creators' comments signed "Anonymous Creator"; and a crawl of the
whole archive, as a guest and as another user, that never finds the creator beside the work."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from feedback.models import Notification, NotificationKind
from feedback.services.comments import post_comment
from feedback.services.subscriptions import subscribe
from lifestream.testing import make_user, make_work, work_data
from people.services import create_api_token, mute_user
from works.models import Work
from works.related import ParentData, add_parent
from works.series import SeriesData, add_work_to_series, create_series
from works.services import update_work

SECRET = "hidden_hand"


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _byline(body: str) -> str:
    match = re.search(r'<h3 class="byline heading">(.*?)</h3>', body, re.S)
    assert match, "the work page has a byline"
    return " ".join(match.group(1).split())


@pytest.fixture
def writer(db):
    return make_user(SECRET)


@pytest.fixture
def reader(db):
    return make_user("open_reader")


def test_the_posting_form_offers_it_and_the_work_page_says_anonymous(writer, reader):
    client = _login(writer)
    form = client.get("/works/new").content.decode()
    assert 'name="anonymous"' in form and "Post anonymously" in form
    work = make_work(writer, title="Unsigned Letter", anonymous=True)
    guest = Client().get(f"/works/{work.pk}").content.decode()
    assert _byline(guest) == "Anonymous"
    assert SECRET not in guest
    stranger = _login(reader).get(f"/works/{work.pk}").content.decode()
    assert _byline(stranger) == "Anonymous"
    own = client.get(f"/works/{work.pk}").content.decode()
    assert _byline(own).startswith("Anonymous [")
    assert f'rel="author" href="/users/{SECRET}/pseuds/{SECRET}"' in own


def test_off_the_creators_pages_and_on_their_dashboard_for_them_alone(
    writer, reader, django_assert_num_queries
):
    make_work(writer, title="Signed Story")
    make_work(writer, title="Unsigned Letter", anonymous=True)
    for client in (Client(), _login(reader), _login(writer)):
        for url in (f"/users/{SECRET}/works", f"/users/{SECRET}/pseuds/{SECRET}/works"):
            body = client.get(url).content.decode()
            assert "Signed Story" in body and "Unsigned Letter" not in body
            assert "1 Work by" in body
    assert "Unsigned Letter" not in _login(reader).get(f"/users/{SECRET}").content.decode()
    own = _login(writer)
    own.get(f"/users/{SECRET}")
    with django_assert_num_queries(14):
        dashboard = own.get(f"/users/{SECRET}").content.decode()
    assert dashboard.count("Posted anonymously") == 1 and "Unsigned Letter" in dashboard
    assert "Works (1)" in dashboard


def test_not_found_by_creator_in_search_filters_or_the_api(writer, reader):
    from search.text import rebuild

    make_work(writer, title="Signed Story")
    make_work(writer, title="Unsigned Letter", anonymous=True)
    rebuild()
    for query in (f"creators:{SECRET}", SECRET):
        body = Client().get("/works/search", {"work_search[query]": query}).content.decode()
        assert "Signed Story" in body and "Unsigned Letter" not in body
    # Found by what it says, by "Anonymous".
    body = Client().get("/works/search", {"work_search[query]": "reactor"}).content.decode()
    assert "Unsigned Letter" in body
    everything = Client().get("/api/v1/works").json()
    letter = next(w for w in everything["results"] if w["title"] == "Unsigned Letter")
    assert letter["anonymous"] is True and letter["creators"] == []
    assert SECRET not in str(letter)
    mine = Client().get(f"/users/{SECRET}/works").content.decode()
    assert "Unsigned Letter" not in mine


def test_author_order_does_not_place_it_beside_its_creators_works(writer):
    make_work(writer, title="Signed Story")
    make_work(writer, title="Unsigned Letter", anonymous=True)
    other = make_user("aaron_first")
    make_work(other, title="Aaron Work")
    body = (
        Client()
        .get("/works?work_search[sort_column]=authors_to_sort_on&work_search[sort_direction]=asc")
        .content.decode()
    )
    # "Anonymous" sorts between "aaron_first" and "hidden_hand".
    order = [body.index(t) for t in ("Aaron Work", "Unsigned Letter", "Signed Story")]
    assert order == sorted(order)


def test_a_mute_of_its_creator_does_not_hide_it(writer, reader):
    make_work(writer, title="Signed Story", fandoms=["Mute Fandom"])
    make_work(writer, title="Unsigned Letter", anonymous=True, fandoms=["Mute Fandom"])
    mute_user(reader, writer)
    client = _login(reader)
    _, key = create_api_token(reader, "client")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    for url in ("/works", "/tags/Mute Fandom/works", "/api/v1/works"):
        body = client.get(url).content.decode()
        assert "Unsigned Letter" in body, url
        assert "Signed Story" not in body, url


def test_making_a_work_anonymous_later_takes_it_off_the_creators_pages(writer):
    work = make_work(writer, title="Late Secret")
    assert "Late Secret" in Client().get(f"/users/{SECRET}/works").content.decode()
    work = Work.objects.get(pk=work.pk)
    update_work(writer, work, work_data(writer, title="Late Secret", anonymous=True))
    assert "Late Secret" not in Client().get(f"/users/{SECRET}/works").content.decode()
    assert _byline(Client().get(f"/works/{work.pk}").content.decode()) == "Anonymous"
    update_work(writer, Work.objects.get(pk=work.pk), work_data(writer, title="Late Secret"))
    assert "Late Secret" in Client().get(f"/users/{SECRET}/works").content.decode()


def test_the_creators_comments_are_signed_anonymous_creator(writer, reader):
    work = make_work(writer, title="Unsigned Letter", anonymous=True)
    question = post_comment(reader, work, "<p>Who wrote this?</p>")
    post_comment(writer, work, "<p>Someone who loves you.</p>", parent=question)
    mute_user(reader, writer)
    for client in (Client(), _login(reader)):
        page = client.get(f"/works/{work.pk}?show_comments=true").content.decode()
        assert "Anonymous Creator" in page
        assert "Someone who loves you." in page  # a mute doesn't hide it: that would tell
        assert SECRET not in page
    inbox = _login(reader).get("/users/open_reader/inbox").content.decode()
    assert "Anonymous Creator replied to your comment" in inbox
    assert SECRET not in inbox
    comments = Client().get(f"/api/v1/works/{work.pk}/comments").json()
    reply = comments["results"][0]["replies"][0]
    assert reply["author"] is None and reply["anonymous_creator"] is True
    assert SECRET not in str(comments)


def test_subscribers_of_the_creator_are_not_told(writer, reader):
    subscribe(reader, creator=writer)
    make_work(writer, title="Unsigned Letter", anonymous=True)
    make_work(writer, title="Signed Story")
    told = Notification.objects.filter(user=reader, kind=NotificationKind.NEW_WORK)
    assert list(told.values_list("work__title", flat=True)) == ["Signed Story"]


def test_a_series_is_all_anonymous_or_not_at_all(writer):
    from lifestream.core.errors import InvalidInput

    signed = make_work(writer, title="Signed Story")
    letter = make_work(writer, title="Unsigned Letter", anonymous=True)
    credited = create_series(writer, SeriesData(title="Open Saga"), [writer.pseuds.get()])
    add_work_to_series(writer, signed, series=credited)
    add_work_to_series(writer, make_work(writer, title="Signed Sequel"), series=credited)
    with pytest.raises(InvalidInput) as refused:
        add_work_to_series(writer, letter, series=credited)
    assert refused.value.errors[0].code == "series_anonymity"
    # Nor can a work of a credited series become anonymous.
    with pytest.raises(InvalidInput) as refused:
        update_work(
            writer,
            Work.objects.get(pk=signed.pk),
            work_data(writer, title="Signed Story", anonymous=True),
        )
    assert refused.value.errors[0].field == "anonymous"
    assert not Work.objects.get(pk=signed.pk).anonymous
    part = add_work_to_series(writer, letter, new_title="Letters Never Sent")
    page = Client().get(f"/series/{part.series_id}").content.decode()
    assert "Letters Never Sent" in page and SECRET not in page
    assert "Anonymous" in page
    mine = Client().get(f"/users/{SECRET}/series").content.decode()
    assert "Open Saga" in mine and "Letters Never Sent" not in mine
    api = Client().get(f"/api/v1/series/{part.series_id}").json()
    assert api["anonymous"] is True and api["creators"] == []
    own = _login(writer).get(f"/series/{part.series_id}").content.decode()
    assert f"/users/{SECRET}/pseuds/{SECRET}" in own


def test_the_api_posts_anonymously(writer):
    _, key = create_api_token(writer, "client")
    response = Client().post(
        "/api/v1/works",
        {
            "title": "Posted By Token",
            "rating": "General Audiences",
            "warnings": ["No Archive Warnings Apply"],
            "fandoms": ["Token Fandom"],
            "anonymous": True,
            "chapters": [{"body": "<p>Words.</p>"}],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["anonymous"] is True and answer["creators"] == []
    assert _byline(Client().get(answer["url"]).content.decode()) == "Anonymous"


# --- the proof: nothing anywhere ties the work to its creator ----------------------------------

SKIP = re.compile(r"^/(static|admin|users/logout|users/login|autocomplete)|/(edit|delete)\b")


def _crawl(client: Client, start: list[str], limit: int = 400) -> dict[str, bytes]:
    """Every page reachable from `start` by the links a person could follow (GET, this site),
    with its body; downloads are fetched too, EPUBs unpacked."""
    seen: dict[str, bytes] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or SKIP.search(path):
            continue
        response = client.get(url)
        body = response.getvalue() if hasattr(response, "getvalue") else b""
        if url.endswith(".epub") and response.status_code == 200:
            book = zipfile.ZipFile(io.BytesIO(body))
            body = b"".join(book.read(name) for name in book.namelist())
        seen[url] = body
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in re.findall(rb'href="([^"#]+)"', body):
            target = urljoin(url, link.decode().replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen and local not in queue:
                queue.append(local)
    return seen


@pytest.mark.parametrize("viewer", ["guest", "reader"])
def test_no_page_feed_file_or_answer_links_the_work_to_its_creator(writer, reader, viewer):
    from search.text import rebuild
    from tags.models import Tag

    original = make_work(reader, title="Open Original", fandoms=["Crawl Fandom"])
    letter = make_work(
        writer,
        title="Unsigned Letter",
        anonymous=True,
        fandoms=["Crawl Fandom"],
        gifts=["open_reader"],
    )
    add_work_to_series(writer, letter, new_title="Letters Never Sent")
    add_parent(writer, letter, ParentData(reference=str(original.pk)))
    question = post_comment(reader, letter, "<p>Who wrote this?</p>")
    post_comment(writer, letter, "<p>Someone.</p>", parent=question)
    Tag.objects.filter(name="Crawl Fandom").update(canonical=True)
    rebuild()
    client = Client() if viewer == "guest" else _login(reader)
    if viewer == "reader":
        _, key = create_api_token(reader, "crawl")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    start = [
        "/",
        "/works",
        f"/works/{letter.pk}?view_full_work=true&show_comments=true",
        f"/works/{letter.pk}/navigate",
        f"/works/{original.pk}",
        "/tags/Crawl Fandom/works",
        "/tags/Crawl Fandom/feed.atom",
        "/works/search?work_search[query]=reactor",
        "/works?work_search[sort_column]=authors_to_sort_on",
        "/opds/new",
        "/opds/tags/Crawl Fandom",
        "/opds/search?q=Unsigned",
        f"/api/v1/works/{letter.pk}",
        f"/api/v1/works/{letter.pk}/comments",
        f"/api/v1/works/{original.pk}",
        "/api/v1/works",
        "/api/v1/series",
        f"/downloads/{letter.pk}/Unsigned_Letter.epub",
        f"/downloads/{letter.pk}/Unsigned_Letter.html",
        f"/downloads/{letter.pk}/Unsigned_Letter.txt",
        "/users/open_reader",
        "/users/open_reader/gifts",
        "/users/open_reader/inbox",
        "/users/open_reader/related_works",
    ]
    pages = _crawl(client, start)
    assert f"/works/{letter.pk}" in pages and len(pages) > 40
    letter_pages = [url for url, body in pages.items() if b"Unsigned Letter" in body]
    assert len(letter_pages) > 15
    for url, body in pages.items():
        assert SECRET.encode() not in body, url
        assert f"user-{writer.pk}".encode() not in body, url
    # And the other way: none of the creator's own pages, feeds or answers has the work.
    theirs = [
        f"/users/{SECRET}",
        f"/users/{SECRET}/works",
        f"/users/{SECRET}/series",
        f"/users/{SECRET}/related_works",
        f"/users/{SECRET}/gifts",
        f"/users/{SECRET}/bookmarks",
        f"/users/{SECRET}/pseuds",
        f"/users/{SECRET}/pseuds/{SECRET}",
        f"/users/{SECRET}/pseuds/{SECRET}/works",
        f"/users/{SECRET}/pseuds/{SECRET}/series",
        f"/opds/users/{SECRET}",
        f"/users/{SECRET}/works/feed.atom",
        f"/works/search?work_search[query]=creators:{SECRET}",
        f"/works?work_search[query]={SECRET}",
        f"/api/v1/series?user={SECRET}",
        f"/api/v1/works?work_search[query]=creators:{SECRET}",
    ]
    for url in theirs:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Unsigned Letter" not in text and "Letters Never Sent" not in text, url


def test_a_block_by_its_creator_is_kept_without_naming_them(writer, reader):
    from people.services import block_user

    work = make_work(writer, title="Unsigned Letter", anonymous=True)
    block_user(writer, reader)
    page = _login(reader).get(f"/works/{work.pk}").content.decode()
    assert "Sorry, you can&#x27;t comment on this work." in page
    assert "blocked" not in page
