"""Re-install the audit triggers, now including the rule that the chain head only moves forward."""

from django.db import migrations


def install_triggers(apps, schema_editor):
    from gongzhi.audit import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [migrations.RunPython(install_triggers, migrations.RunPython.noop)]
