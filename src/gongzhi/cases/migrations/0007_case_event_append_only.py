"""The case timeline becomes append-only: database triggers refuse UPDATE and DELETE of
cases_caseevent (cases/triggers.py), and the foreign keys that would have cascaded or nulled into
it are PROTECT. The triggers are installed after the fields change (SQLite rebuilds the table)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def install_triggers(apps, schema_editor):
    from gongzhi.cases import triggers

    triggers.install(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    from gongzhi.cases import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_submitter_idempotency"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="case",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="events", to="cases.case"
            ),
        ),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
