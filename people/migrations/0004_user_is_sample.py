from django.contrib.auth.hashers import check_password
from django.db import migrations, models

# What `create_sample_content` made before accounts carried the flag, frozen here: the logins,
# their example.org addresses and the password the README publishes. An account matching all
# three is a sample account whatever made it, since anyone can log in to it.
SAMPLE_LOGINS = ("moogle_quill", "lanternfish", "inkwell_otter", "saltmarsh_sonnets", "paper_comet")
SAMPLE_PASSWORD = "lifestream-sample"  # noqa: S105


def mark_existing_sample_accounts(apps, schema_editor):
    User = apps.get_model("people", "User")
    for user in User.objects.filter(username__in=SAMPLE_LOGINS):
        if user.email == f"{user.username}@example.org" and check_password(
            SAMPLE_PASSWORD, user.password
        ):
            User.objects.filter(pk=user.pk).update(is_sample=True)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_user_digest_due_at_user_digest_interval_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_sample",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Made with the sample content; logs in only on a demo archive.",
                verbose_name="sample account",
            ),
        ),
        migrations.RunPython(mark_existing_sample_accounts, migrations.RunPython.noop),
    ]
