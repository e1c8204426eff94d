"""Moderators and admins, suspensions and bans, and the append-only audit log.

The database itself refuses to change or delete an audit entry: a trigger on SQLite and on
PostgreSQL. The one exception is emptying the whole database (`manage.py flush`, which the
test suite's browser tests use): that command puts a row in `people_auditlog_unlock`, a table
no model names, inside its own transaction, and the delete trigger lets deletes through while
the row is there."""

import django.utils.timezone
from django.db import migrations, models

SQLITE_FORWARD = [
    "CREATE TABLE people_auditlog_unlock (id integer PRIMARY KEY)",
    """CREATE TRIGGER people_auditentry_no_update BEFORE UPDATE ON people_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER people_auditentry_no_delete BEFORE DELETE ON people_auditentry
    WHEN NOT EXISTS (SELECT 1 FROM people_auditlog_unlock)
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS people_auditentry_no_update",
    "DROP TRIGGER IF EXISTS people_auditentry_no_delete",
    "DROP TABLE IF EXISTS people_auditlog_unlock",
]
POSTGRESQL_FORWARD = [
    "CREATE TABLE people_auditlog_unlock (id integer PRIMARY KEY)",
    """CREATE FUNCTION people_auditentry_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM people_auditlog_unlock) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'the audit log is append-only';
    END
    $$""",
    """CREATE TRIGGER people_auditentry_append_only BEFORE UPDATE OR DELETE ON people_auditentry
    FOR EACH ROW EXECUTE FUNCTION people_auditentry_refuse()""",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS people_auditentry_append_only ON people_auditentry",
    "DROP FUNCTION IF EXISTS people_auditentry_refuse()",
    "DROP TABLE IF EXISTS people_auditlog_unlock",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_FORWARD)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0010_api_token_password_stamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="banned_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="is_archive_admin",
            field=models.BooleanField(
                default=False,
                help_text="Everything a moderator may do, and giving or taking the roles.",
                verbose_name="admin",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="is_moderator",
            field=models.BooleanField(
                default=False,
                help_text="May hide works, delete comments and bookmarks, warn, suspend and ban.",
                verbose_name="moderator",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="restriction_reason",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="user",
            name="suspended_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("actor_user_id", models.BigIntegerField(null=True)),
                ("actor_name", models.CharField(max_length=40)),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("hide_work", "Hid a work"),
                            ("unhide_work", "Unhid a work"),
                            ("delete_comment", "Deleted a comment"),
                            ("delete_bookmark", "Deleted a bookmark"),
                            ("warn", "Warned a user"),
                            ("suspend", "Suspended a user"),
                            ("ban", "Banned a user"),
                            ("lift", "Lifted a suspension or ban"),
                            ("roles", "Changed a user's roles"),
                            ("report", "Handled a report"),
                        ],
                        max_length=20,
                    ),
                ),
                ("object_type", models.CharField(max_length=20)),
                ("object_id", models.BigIntegerField()),
                ("object_label", models.CharField(max_length=200)),
                ("reason", models.TextField()),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["object_type", "object_id"], name="audit_object")],
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
