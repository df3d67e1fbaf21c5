"""Make the audit table append-only with triggers, and create the chain head row."""

from django.db import migrations


def install_triggers(apps, schema_editor):
    from gongzhi.audit import triggers

    triggers.install(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    from gongzhi.audit import triggers

    triggers.uninstall(schema_editor.connection)


def create_head(apps, schema_editor):
    apps.get_model("audit", "ChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(install_triggers, uninstall_triggers),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
