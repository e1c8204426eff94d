"""Orphaning a work: the service hands the user's credit to the shared orphan account."""

from __future__ import annotations

import pytest

from lifestream.core.errors import InvalidInput, NotFound
from lifestream.testing import make_work
from people.models import Pseud
from works.models import Creatorship
from works.orphans import orphan_work, orphan_works, works_to_orphan


@pytest.mark.django_db
def test_drop_pseud_credits_orphan_account(author):
    work = make_work(author)
    orphan_work(author, work, keep_pseud=False)
    names = [(c.pseud.user.username, c.pseud.name) for c in Creatorship.objects.filter(work=work)]
    assert names == [("orphan_account", "orphan_account")]


@pytest.mark.django_db
def test_keep_pseud_name(author):
    work = make_work(author)
    orphan_work(author, work, keep_pseud=True)
    names = [(c.pseud.user.username, c.pseud.name) for c in Creatorship.objects.filter(work=work)]
    assert names == [("orphan_account", author.username)]


@pytest.mark.django_db
def test_stranger_cannot_orphan(author, stranger):
    work = make_work(author)
    with pytest.raises(NotFound):
        orphan_work(stranger, work, keep_pseud=False)


@pytest.mark.django_db
def test_draft_refused(author):
    work = make_work(author, draft=True)
    with pytest.raises(InvalidInput):
        orphan_work(author, work, keep_pseud=False)


def _credits(work):
    return [(c.pseud.user.username, c.pseud.name) for c in Creatorship.objects.filter(work=work)]


@pytest.mark.django_db
def test_orphan_all_of_a_users_works_leaves_drafts(author, stranger):
    first = make_work(author, title="First")
    second = make_work(author, title="Second")
    draft = make_work(author, title="Draft", draft=True)
    theirs = make_work(stranger, title="Theirs")
    posted, drafts = works_to_orphan(author)
    assert posted == [first, second] and drafts == [draft]
    done = orphan_works(author, posted + drafts, keep_pseud=False)
    assert done.works == [first, second] and done.drafts_left == [draft]
    assert _credits(first) == _credits(second) == [("orphan_account", "orphan_account")]
    assert _credits(draft) == [(author.username, author.username)]
    assert _credits(theirs) == [(stranger.username, stranger.username)]


@pytest.mark.django_db
def test_orphan_a_pseuds_works_only(author):
    other = Pseud.objects.create(user=author, name="Strife")
    mine = make_work(author, title="Default pseud")
    as_other = make_work(author, title="Other pseud", pseuds=[other])
    posted, drafts = works_to_orphan(author, other)
    assert posted == [as_other] and drafts == []
    orphan_works(author, posted, keep_pseud=True)
    assert _credits(as_other) == [("orphan_account", "Strife")]
    assert _credits(mine) == [(author.username, author.username)]


@pytest.mark.django_db
def test_orphan_works_is_all_or_nothing(author, stranger):
    mine = make_work(author)
    theirs = make_work(stranger)
    with pytest.raises(NotFound):
        orphan_works(author, [mine, theirs], keep_pseud=False)
    assert _credits(mine) == [(author.username, author.username)]
