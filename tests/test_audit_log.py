"""The audit log is append-only: the model refuses to change or delete an entry, and so does
the database itself (a trigger, on SQLite and on PostgreSQL), whoever asks. Emptying the whole
database (`manage.py flush`, as the browser tests do between tests) still works."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from lifestream.testing import make_user
from moderation import services
from people.models import AppendOnlyError, AuditEntry


@pytest.fixture
def entry(db):
    moderator = make_user("log_moderator", is_moderator=True)
    target = make_user("log_target")
    services.warn_user(moderator, target.pk, "First warning.")
    return AuditEntry.objects.get()


def test_an_entry_records_who_what_which_when_and_why(entry):
    assert entry.actor_name == "log_moderator"
    assert entry.action == "warn"
    assert (entry.object_type, entry.object_label) == ("user", "log_target")
    assert entry.reason == "First warning."
    assert entry.created_at is not None


def test_the_model_refuses_changes(entry):
    entry.reason = "Rewritten."
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="Rewritten.")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == "First warning."


def test_the_database_refuses_an_update(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE people_auditentry SET reason = %s", ["Rewritten."])
    assert AuditEntry.objects.get().reason == "First warning."


def test_the_database_refuses_a_delete(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_auditentry")
    assert AuditEntry.objects.count() == 1


def test_deleting_the_accounts_it_names_leaves_the_entry(entry):
    from people.models import User

    User.objects.filter(username__in=["log_moderator", "log_target"]).delete()
    assert AuditEntry.objects.get().actor_name == "log_moderator"


@pytest.mark.django_db(transaction=True)
def test_flush_empties_it_and_locks_it_again():
    moderator = make_user("flush_moderator", is_moderator=True)
    services.warn_user(moderator, make_user("flush_target").pk, "Before the flush.")
    # As the test runner flushes (ids keep counting: other tests' cached files are by id).
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    assert not AuditEntry.objects.exists()
    # The log is locked again at once.
    moderator = make_user("flush_moderator", is_moderator=True)
    services.warn_user(moderator, make_user("flush_target").pk, "After the flush.")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_auditentry")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM people_auditlog_unlock")
        assert cursor.fetchone() == (0,)
