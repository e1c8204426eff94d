"""Co-creators and gifts: inviting, accepting, declining and leaving; giving and refusing
gifts; their limits and refusals; the pages, the notices and the API."""

from __future__ import annotations

import dataclasses
import json
import zipfile

import pytest
from django.http import QueryDict
from django.test import Client

from feedback.models import Notification, NotificationKind
from lifestream.core.errors import InvalidInput, NotFound
from lifestream.testing import make_user, make_work, work_data
from people.models import Pseud
from people.services import block_user, create_api_token
from search.listing.form import read_request
from search.listing.query import search
from works import credits, services
from works.models import CREATORS_MAX, Creatorship, Gift
from works.services import ChapterData


def _invite(author, work, *names):
    data = dataclasses.replace(services.work_data_from(work), co_creators=list(names))
    return services.update_work(author, work, data)


def _codes(error: InvalidInput) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in error.errors}


def _found(viewer, query: str = "", **scope) -> list[int]:
    params = QueryDict(mutable=True)
    if query:
        params["work_search[query]"] = query
    return [w.pk for w in search(viewer, read_request(params), **scope).page.object_list]


def _invitation(work, user) -> Creatorship:
    return Creatorship.invitations.get(work=work, pseud__user=user)


# --- invitations ------------------------------------------------------------------------------


def test_an_invitee_is_credited_nowhere_until_they_accept(
    client, author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author, title="Seventh Heaven")
    _invite(author, work, "tifa_reader")
    invitation = _invitation(work, reader)
    assert invitation.approved is False
    assert [p.name for p in work.creator_pseuds] == ["cloud_author"]
    page = client.get(f"/works/{work.pk}").content.decode()
    assert "tifa_reader" not in page
    assert not _found(reader, user_id=reader.pk)
    assert not _found(reader, query="creators:tifa_reader")
    client.force_login(reader)
    assert client.get(f"/works/{work.pk}/edit").status_code == 403

    with django_capture_on_commit_callbacks(execute=True):  # the text index follows
        credits.accept_invitation(reader, invitation.pk)
    work.refresh_from_db()
    page = Client().get(f"/works/{work.pk}").content.decode()
    assert (
        'rel="author" href="/users/cloud_author/pseuds/cloud_author">cloud_author</a>, '
        '<a rel="author"' in page
    )
    assert 'href="/users/tifa_reader/pseuds/tifa_reader">tifa_reader</a>' in page
    assert client.get(f"/works/{work.pk}/edit").status_code == 200
    assert _found(reader, user_id=reader.pk) == [work.pk]
    assert _found(reader, query="creators:tifa_reader") == [work.pk]
    assert "Seventh Heaven" in Client().get("/users/tifa_reader/works").content.decode()


def test_the_invitee_is_told_and_answers_on_their_requests_page(client, author, reader):
    work = make_work(author, title="Seventh Heaven")
    _invite(author, work, "tifa_reader")
    notice = Notification.objects.get(user=reader)
    assert notice.kind == NotificationKind.COCREATOR
    assert notice.actor == author
    client.force_login(reader)
    inbox = client.get("/users/tifa_reader/inbox").content.decode()
    assert "invited you to be a co-creator" in inbox
    page = client.get("/users/tifa_reader/creatorships").content.decode()
    assert "Seventh Heaven" in page
    invitation = _invitation(work, reader)
    response = client.post(f"/users/tifa_reader/creatorships/{invitation.pk}", {"action": "accept"})
    assert response.status_code == 302
    assert _invitation(work, reader).approved is True
    assert (
        "You have no co-creator requests"
        in client.get("/users/tifa_reader/creatorships").content.decode()
    )


def test_declining_removes_the_invitation(client, author, reader):
    work = make_work(author)
    _invite(author, work, "tifa_reader")
    invitation = _invitation(work, reader)
    client.force_login(reader)
    client.post(f"/users/tifa_reader/creatorships/{invitation.pk}", {"action": "decline"})
    assert not Creatorship.invitations.filter(work=work, pseud__user=reader).exists()
    # The work's creators may ask again.
    _invite(author, work, "tifa_reader")
    assert _invitation(work, reader).approved is False


def test_nobody_else_can_answer_an_invitation(author, reader):
    work = make_work(author)
    _invite(author, work, "tifa_reader")
    invitation = _invitation(work, reader)
    with pytest.raises(NotFound):
        credits.accept_invitation(author, invitation.pk)
    other = make_user("barret")
    with pytest.raises(NotFound):
        credits.decline_invitation(other, invitation.pk)
    assert _invitation(work, reader).approved is False


def test_invite_by_pseud_and_login(author, reader):
    Pseud.objects.create(user=reader, name="Lockhart")
    barret = make_user("barret")
    Pseud.objects.create(user=barret, name="Lockhart")
    work = make_work(author)
    with pytest.raises(InvalidInput) as error:
        _invite(author, work, "Lockhart")
    assert ("co_creators", "ambiguous_pseud") in _codes(error.value)
    _invite(author, work, "Lockhart (tifa_reader)")
    assert _invitation(work, reader).pseud.name == "Lockhart"


@pytest.mark.parametrize(
    ("name", "code"),
    [("cloud_author", "self_invite"), ("nobody_here", "unknown_pseud")],
)
def test_bad_invitations_are_refused(author, name, code):
    work = make_work(author)
    with pytest.raises(InvalidInput) as error:
        _invite(author, work, name)
    assert ("co_creators", code) in _codes(error.value)


def test_a_user_who_blocked_you_cannot_be_invited(author, reader):
    block_user(reader, author)
    work = make_work(author, title="Before")
    with pytest.raises(InvalidInput) as error:
        _invite(author, work, "tifa_reader")
    assert ("co_creators", "blocked") in _codes(error.value)
    assert not Creatorship.invitations.filter(pseud__user=reader).exists()


def test_invitations_off_refuses(author, reader):
    reader.allow_cocreator = False
    reader.save()
    work = make_work(author)
    with pytest.raises(InvalidInput) as error:
        _invite(author, work, "tifa_reader")
    assert ("co_creators", "invitations_off") in _codes(error.value)


def test_more_than_75_creators_is_refused_and_nothing_is_saved(author):
    names = [f"writer{n}" for n in range(CREATORS_MAX)]
    for name in names:
        make_user(name)
    with pytest.raises(InvalidInput) as error:
        services.create_work(
            author, work_data(author, co_creators=names), ChapterData(body="x"), post=True
        )
    assert ("co_creators", "too_many_creators") in _codes(error.value)
    assert not Creatorship.invitations.exists()


def test_the_form_keeps_what_was_typed_on_a_bad_invitation(client, author):
    client.force_login(author)
    response = client.post(
        "/works/new",
        {
            "title": "Keep Me",
            "pseuds": [author.default_pseud.pk],
            "rating": "General Audiences",
            "warnings": ["No Archive Warnings Apply"],
            "fandoms": "Final Fantasy VII",
            "chapter_body": "The text I typed.",
            "chapter_body_format": "text",
            "co_creators": "cloud_author",
            "gifts": "Aerith",
            "language": "en",
            "action": "post",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "You can&#x27;t invite yourself as a co-creator." in page
    assert "The text I typed." in page
    assert 'value="Aerith"' in page


def test_an_accepted_co_creator_edits_without_dropping_the_others(author, reader):
    work = make_work(author)
    _invite(author, work, "tifa_reader")
    credits.accept_invitation(reader, _invitation(work, reader).pk)
    work = services.update_work(
        reader, work, dataclasses.replace(services.work_data_from(work), title="Ours")
    )
    assert work.title == "Ours"
    assert [p.name for p in work.creator_pseuds] == ["cloud_author", "tifa_reader"]


def test_leaving_a_work_and_the_last_creator_cannot(client, author, reader):
    work = make_work(author)
    with pytest.raises(InvalidInput) as error:
        credits.leave_work(author, work)
    assert ("creators", "last_creator") in _codes(error.value)
    _invite(author, work, "tifa_reader")
    credits.accept_invitation(reader, _invitation(work, reader).pk)
    client.force_login(reader)
    assert client.post(f"/works/{work.pk}/creatorships/remove").status_code == 302
    assert [p.name for p in work.creator_pseuds] == ["cloud_author"]
    assert client.get(f"/works/{work.pk}/edit").status_code == 403


def test_chapter_creators_show_a_byline_of_their_own(client, author, reader):
    work = make_work(author, chapters=2)
    _invite(author, work, "tifa_reader")
    credits.accept_invitation(reader, _invitation(work, reader).pk)
    chapter = work.chapters.get(position=2)
    services.update_chapter(
        chapter,
        dataclasses.replace(services.stored_chapter_data(chapter), pseuds=[reader.default_pseud]),
    )
    page = client.get(f"/works/{work.pk}?view_full_work=true").content.decode()
    assert page.count('<h3 class="byline">') == 1
    assert (
        '<h3 class="byline"><a rel="author" href="/users/tifa_reader/pseuds/tifa_reader">'
        "tifa_reader</a></h3>" in page
    )
    # Editing the chapter is for any of the work's creators.
    client.force_login(author)
    assert client.get(f"/works/{work.pk}/chapters/{chapter.pk}/edit").status_code == 200
    stranger = make_user("barret")
    with pytest.raises(InvalidInput):
        services.update_chapter(
            chapter,
            dataclasses.replace(
                services.stored_chapter_data(chapter), pseuds=[stranger.default_pseud]
            ),
        )


# --- gifts ------------------------------------------------------------------------------------


def _gift(author, work, *names):
    data = dataclasses.replace(services.work_data_from(work), gifts=list(names))
    return services.update_work(author, work, data)


def test_a_gift_shows_for_and_reaches_the_recipient(client, author, reader):
    work = make_work(author, title="For You")
    _gift(author, work, "tifa_reader", "Aerith Gainsborough")
    page = client.get(f"/works/{work.pk}").content.decode()
    assert (
        '<li>For <a href="/users/tifa_reader/gifts">tifa_reader</a>, Aerith Gainsborough.</li>'
        in page
    )
    notice = Notification.objects.get(user=reader)
    assert notice.kind == NotificationKind.GIFT
    gifts_page = client.get("/users/tifa_reader/gifts").content.decode()
    assert "For You" in gifts_page
    assert "Refuse Gift" not in gifts_page


def test_a_draft_gift_is_told_when_posted(author, reader):
    work = make_work(author, draft=True, gifts=["tifa_reader"])
    assert not Notification.objects.filter(user=reader).exists()
    services.post_draft(work)
    assert Notification.objects.filter(user=reader, kind=NotificationKind.GIFT).count() == 1


def test_refusing_a_gift(client, author, reader):
    work = make_work(author, title="Unwanted", gifts=["tifa_reader"])
    gift = Gift.objects.get(work=work)
    client.force_login(reader)
    assert "Refuse Gift" in client.get("/users/tifa_reader/gifts").content.decode()
    response = client.post(f"/users/tifa_reader/gifts/{gift.pk}/refuse")
    assert response.status_code == 302
    assert f'id="work_{work.pk}"' not in client.get("/users/tifa_reader/gifts").content.decode()
    assert "For " not in client.get(f"/works/{work.pk}").content.decode()
    # Once refused it can't be given again.
    with pytest.raises(InvalidInput) as error:
        _gift(author, work, "tifa_reader")
    assert ("gifts", "gift_refused") in _codes(error.value)


def test_only_the_recipient_refuses(author, reader):
    work = make_work(author, gifts=["tifa_reader"])
    gift = Gift.objects.get(work=work)
    with pytest.raises(NotFound):
        credits.refuse_gift(author, gift.pk)
    assert Gift.objects.get(pk=gift.pk).rejected is False


@pytest.mark.parametrize("setup", ["self", "blocked", "gifts_off"])
def test_refused_gifts(author, reader, setup):
    name = "tifa_reader"
    code = {"self": "self_gift", "blocked": "blocked", "gifts_off": "gifts_off"}[setup]
    if setup == "self":
        name = "cloud_author"
    elif setup == "blocked":
        block_user(reader, author)
    else:
        reader.allow_gifts = False
        reader.save()
    with pytest.raises(InvalidInput) as error:
        make_work(author, gifts=[name])
    assert ("gifts", code) in _codes(error.value)
    assert not Gift.objects.exists()


def test_more_than_75_gift_recipients(author):
    with pytest.raises(InvalidInput) as error:
        make_work(author, gifts=[f"reader {n}" for n in range(76)])
    assert ("gifts", "too_many_gifts") in _codes(error.value)


def test_gifts_given_before_survive_the_recipient_turning_gifts_off(author, reader):
    work = make_work(author, gifts=["tifa_reader"])
    reader.allow_gifts = False
    reader.save()
    _gift(author, work, "tifa_reader")  # the edit form sends the recipients back
    assert Gift.objects.filter(work=work, rejected=False).count() == 1


def test_gifts_page_query_count(client, author, reader, django_assert_max_num_queries):
    for n in range(5):
        make_work(author, title=f"Gift {n}", gifts=["tifa_reader"])
    client.force_login(reader)
    # As any listing, with the blurbs' series and recipients ("for tifa_reader") in two more.
    with django_assert_max_num_queries(14):
        response = client.get("/users/tifa_reader/gifts")
    assert response.content.decode().count("Refuse Gift") == 5


# --- downloads --------------------------------------------------------------------------------


def test_downloads_credit_accepted_creators_and_name_recipients(client, author, reader):
    from downloads.book import make_book

    barret = make_user("barret")
    work = make_work(author, gifts=["Aerith"])
    _invite(author, work, "tifa_reader", "barret")
    credits.accept_invitation(reader, _invitation(work, reader).pk)
    assert _invitation(work, barret).approved is False
    chapters = list(work.chapters.all())
    from access.getters import get_work_for_reader

    book = make_book(get_work_for_reader(author, work.pk), chapters)
    assert book.creators == ["cloud_author", "tifa_reader"]
    assert book.gifts == ["Aerith"]


# --- API --------------------------------------------------------------------------------------


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user, 'test')[1]}")


def _new_work(**extra) -> dict:
    return {
        "title": "By API",
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": ["Final Fantasy VII"],
        "chapters": [{"body": "Text."}],
        **extra,
    }


def test_api_invites_accepts_and_shows_only_accepted(author, reader):
    api = _api(author)
    response = api.post(
        "/api/v1/works",
        json.dumps(_new_work(co_creators=["tifa_reader"], gifts=["tifa_reader", "Aerith"])),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [c["user"] for c in body["creators"]] == ["cloud_author"]
    assert [g["recipient"] for g in body["gifts"]] == ["tifa_reader", "Aerith"]
    assert body["gifts"][1] == {"recipient": "Aerith", "pseud": None, "user": None}
    reader_api = _api(reader)
    invitations = reader_api.get("/api/v1/me/creatorships").json()
    assert [i["title"] for i in invitations] == ["By API"]
    accepted = reader_api.post(f"/api/v1/creatorships/{invitations[0]['id']}/accept")
    assert accepted.status_code == 204
    work = Client().get(f"/api/v1/works/{body['id']}").json()
    assert [c["user"] for c in work["creators"]] == ["cloud_author", "tifa_reader"]


def test_api_errors_have_stable_codes(author, reader):
    api = _api(author)
    response = api.post(
        "/api/v1/works",
        json.dumps(_new_work(co_creators=["cloud_author"], gifts=["cloud_author"])),
        content_type="application/json",
    )
    assert response.status_code == 422
    codes = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert {("co_creators", "self_invite"), ("gifts", "self_gift")} <= codes
    assert api.post("/api/v1/creatorships/999/accept").status_code == 404
    assert api.post("/api/v1/gifts/999/refuse").status_code == 404
    work = make_work(author)
    left = api.delete(f"/api/v1/works/{work.pk}/creators/me")
    assert left.status_code == 422
    assert left.json()["errors"][0]["code"] == "last_creator"


def test_api_refuses_a_gift(author, reader):
    work = make_work(author, gifts=["tifa_reader"])
    gift = Gift.objects.get(work=work)
    assert _api(reader).post(f"/api/v1/gifts/{gift.pk}/refuse").status_code == 204
    assert Client().get(f"/api/v1/works/{work.pk}").json()["gifts"] == []


def test_api_patch_replaces_gifts_and_keeps_co_creators(author, reader):
    work = make_work(author, gifts=["Aerith"])
    _invite(author, work, "tifa_reader")
    credits.accept_invitation(reader, _invitation(work, reader).pk)
    response = _api(reader).patch(
        f"/api/v1/works/{work.pk}",
        json.dumps({"gifts": ["Zack"]}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert [g["recipient"] for g in response.json()["gifts"]] == ["Zack"]
    assert [c["user"] for c in response.json()["creators"]] == ["cloud_author", "tifa_reader"]


# --- email, feeds and files -------------------------------------------------------------------


def test_invitations_and_gifts_are_emailed(author, reader, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        work = make_work(author, title="Emailed", gifts=["tifa_reader"])
        _invite(author, work, "tifa_reader")
    bodies = "\n".join(str(message.body) for message in mail.outbox)
    assert "GIFTS AND INVITATIONS" in bodies
    assert '"Emailed" by cloud_author is a gift to you' in bodies
    assert 'cloud_author invited you to be a co-creator of "Emailed"' in bodies
    assert "/users/tifa_reader/creatorships" in bodies


def test_no_email_when_the_preference_is_off(author, reader, django_capture_on_commit_callbacks):
    from django.core import mail

    reader.email_invitations = False
    reader.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_work(author, gifts=["tifa_reader"])
    assert mail.outbox == []
    assert Notification.objects.filter(user=reader, kind=NotificationKind.GIFT).exists()


def test_preferences_page_offers_the_switches(client, reader):
    client.force_login(reader)
    page = client.get("/users/tifa_reader/preferences").content.decode()
    assert "allow others to invite me to be a co-creator" in page.lower()
    assert "allow others to gift works to me" in page.lower()


def test_opds_and_files_leave_a_pending_invitee_out(client, author, reader):
    work = make_work(author, title="Listed", gifts=["Aerith"])
    _invite(author, work, "tifa_reader")
    feed = client.get("/opds/new").content.decode()
    assert "<name>cloud_author</name>" in feed
    assert "tifa_reader" not in feed
    html_file = b"".join(client.get(f"/downloads/{work.pk}/Listed.html").streaming_content)
    assert b"by cloud_author</h2>" in html_file
    assert b'<p class="gifts">For Aerith.</p>' in html_file


def test_a_gift_epub_passes_epubcheck(client, author, tmp_path):
    from test_downloads import epubcheck

    work = make_work(author, title="Listed", gifts=["Aerith & Zack <3"])
    response = client.get(f"/downloads/{work.pk}/Listed.epub")
    path = tmp_path / "gift.epub"
    path.write_bytes(b"".join(response.streaming_content))
    with zipfile.ZipFile(path) as book:
        pages = "".join(book.read(name).decode() for name in book.namelist() if "htm" in name)
    assert '<p class="gifts">For Aerith &amp; Zack &lt;3.</p>' in pages
    result = epubcheck(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_download_says_who_the_work_is_for(client, author, reader, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    work = make_work(author, title="Given", gifts=["my sister June", reader.username])
    text = b"".join(client.get(f"/downloads/{work.pk}/Given.txt").streaming_content).decode()
    assert f"For my sister June, {reader.username}." in text.splitlines()[:3]
    html = b"".join(client.get(f"/downloads/{work.pk}/Given.html").streaming_content).decode()
    assert f'<p class="gifts">For my sister June, {reader.username}.</p>' in html
    refused = Gift.objects.get(work=work, pseud__user=reader)
    credits.refuse_gift(reader, refused.pk)
    text = b"".join(client.get(f"/downloads/{work.pk}/Given.txt").streaming_content).decode()
    assert "For my sister June." in text and reader.username not in text


def test_the_api_names_and_sets_a_chapter_s_own_creators(author, reader):
    work = make_work(author, title="Two Hands")
    _invite(author, work, reader.username)
    credits.accept_invitation(reader, _invitation(work, reader).pk)
    _, key = create_api_token(reader, "client")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    added = client.post(
        f"/api/v1/works/{work.pk}/chapters",
        {"body": "<p>Mine alone.</p>", "pseuds": [reader.username]},
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    assert [c["user"] for c in added.json()["creators"]] == [reader.username]
    first = work.chapters.order_by("position").first()
    assert first is not None
    whole = client.get(f"/api/v1/chapters/{first.pk}").json()
    assert {c["user"] for c in whole["creators"]} == {author.username, reader.username}
    # Back to the whole work's creators, and a name that isn't one of them.
    chapter_id = added.json()["id"]
    cleared = client.patch(
        f"/api/v1/chapters/{chapter_id}", {"pseuds": []}, content_type="application/json"
    )
    assert len(cleared.json()["creators"]) == 2
    refused = client.patch(
        f"/api/v1/chapters/{chapter_id}",
        {"pseuds": ["nobody_here"]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0] | {"message": ""} == {
        "field": "pseuds",
        "code": "not_a_creator",
        "message": "",
    }
