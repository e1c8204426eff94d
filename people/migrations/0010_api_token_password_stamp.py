"""API tokens remember the password they were made under, and stop working when it changes.
Tokens made before keep working until then: they are stamped with the password of today."""

from django.db import migrations, models
from django.utils.crypto import salted_hmac

# The salt of Django's AbstractBaseUser.get_session_auth_hash, which the model calls: the
# historical model a migration gets has none of the model's methods.
SESSION_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


def stamp_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("people", "ApiToken")
    for token in ApiToken.objects.select_related("user"):
        token.password_stamp = salted_hmac(
            SESSION_HASH_SALT, token.user.password, algorithm="sha256"
        ).hexdigest()
        token.save(update_fields=["password_stamp"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(default="", max_length=128),
        ),
        migrations.RunPython(stamp_existing_tokens, migrations.RunPython.noop),
    ]
