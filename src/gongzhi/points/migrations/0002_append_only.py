"""Make the points ledger append-only with database triggers."""

from django.db import migrations


def install_triggers(apps, schema_editor):
    from gongzhi.points import triggers

    triggers.install(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    from gongzhi.points import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]

    operations = [migrations.RunPython(install_triggers, uninstall_triggers)]
