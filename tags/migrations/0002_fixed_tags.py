"""Seed the ratings, warnings and categories with the ids AO3 clients hard-code."""

from django.db import migrations

# Copied here (not imported) so the migration keeps meaning what it meant when it was written.
FIXED_TAGS = (
    (9, "rating", "Not Rated"),
    (10, "rating", "General Audiences"),
    (11, "rating", "Teen And Up Audiences"),
    (12, "rating", "Mature"),
    (13, "rating", "Explicit"),
    (14, "warning", "Creator Chose Not To Use Archive Warnings"),
    (16, "warning", "No Archive Warnings Apply"),
    (17, "warning", "Graphic Depictions Of Violence"),
    (18, "warning", "Major Character Death"),
    (19, "warning", "Rape/Non-Con"),
    (20, "warning", "Underage Sex"),
    (21, "category", "Gen"),
    (22, "category", "F/M"),
    (23, "category", "M/M"),
    (24, "category", "Other"),
    (116, "category", "F/F"),
    (2246, "category", "Multi"),
)


def seed(apps, schema_editor):
    Tag = apps.get_model("tags", "Tag")
    for tag_id, kind, name in FIXED_TAGS:
        Tag.objects.update_or_create(
            pk=tag_id, defaults={"kind": kind, "name": name, "canonical": True}
        )
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # Explicit ids leave the sequence behind; tags typed by authors start after the last.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('tags_tag', 'id'),"
                " (SELECT MAX(id) FROM tags_tag))"
            )


class Migration(migrations.Migration):
    dependencies = [("tags", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
