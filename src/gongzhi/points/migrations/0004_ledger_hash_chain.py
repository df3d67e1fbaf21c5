"""Hash-chain each account's ledger (points/chain.py): two columns, then the hashes of the entries
already booked, account by account in sequence order. The append-only triggers are off only while
the hashes are filled in, and are installed again afterwards (SQLite also loses them when it
rebuilds the table to add the columns)."""

from django.db import migrations, models


def fill_hashes(apps, schema_editor):
    from gongzhi.points import chain, triggers

    PointEntry = apps.get_model("points", "PointEntry")
    connection = schema_editor.connection
    triggers.uninstall(connection)
    account, prev, batch = None, chain.GENESIS, []
    for entry in PointEntry.objects.order_by("account_id", "seq").iterator(chunk_size=2000):
        if entry.account_id != account:
            account, prev = entry.account_id, chain.GENESIS
        chain.seal(entry, prev)
        prev = entry.hash
        batch.append(entry)
        if len(batch) >= 1000:
            PointEntry.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    if batch:
        PointEntry.objects.bulk_update(batch, ["prev_hash", "hash"])
    triggers.install(connection)


def install_triggers(apps, schema_editor):
    from gongzhi.points import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("points", "0003_civic_and_offences_move_out")]

    operations = [
        # Reversed last: SQLite rebuilds the table to drop the columns, losing the triggers.
        migrations.RunPython(migrations.RunPython.noop, install_triggers),
        migrations.AddField(
            model_name="pointentry",
            name="hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="pointentry",
            name="prev_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(fill_hashes, migrations.RunPython.noop),
    ]
