"""Seed AO3's media categories as canonical media tags, the parents fandoms are browsed under."""

from django.db import migrations

# Copied here (not imported) so the migration keeps meaning what it meant when it was written.
MEDIA_CATEGORIES = (
    "Anime & Manga",
    "Books & Literature",
    "Cartoons & Comics & Graphic Novels",
    "Celebrities & Real People",
    "Movies",
    "Music & Bands",
    "Other Media",
    "Theater",
    "TV Shows",
    "Video Games",
    "Uncategorized Fandoms",
)


def seed(apps, schema_editor):
    Tag = apps.get_model("tags", "Tag")
    for name in MEDIA_CATEGORIES:
        # A tag of that name typed before (of any kind) is left as it is.
        if not Tag.objects.filter(name__iexact=name).exists():
            Tag.objects.create(kind="media", name=name, canonical=True)


class Migration(migrations.Migration):
    dependencies = [("tags", "0003_wrangling")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
