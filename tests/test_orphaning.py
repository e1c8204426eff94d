"""Orphaning a work: the service hands the user's credit to the shared orphan account."""

from __future__ import annotations

import pytest

from lifestream.core.errors import InvalidInput, NotFound
from lifestream.testing import make_work
from works.models import Creatorship
from works.orphans import orphan_work


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
