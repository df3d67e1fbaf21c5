"""Existing cases get the account of their submit step as the submitter. If staff had sent one key
twice before keys were per account, the later duplicates lose the key so 0006 can hold."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_submitted_by(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    submitter = CaseEvent.objects.filter(case_id=OuterRef("pk"), action="submit").order_by("pk")
    Case.objects.filter(submitted_by__isnull=True).update(
        submitted_by_id=Subquery(submitter.values("actor_id")[:1])
    )
    seen = set()
    keyed = Case.objects.exclude(idempotency_key="").exclude(submitted_by__isnull=True)
    for pk, user_id, key in keyed.order_by("pk").values_list("pk", "submitted_by_id", "idempotency_key"):
        if (user_id, key) in seen:
            Case.objects.filter(pk=pk).update(idempotency_key="")
        seen.add((user_id, key))


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_case_submitted_by")]

    operations = [migrations.RunPython(fill_submitted_by, migrations.RunPython.noop)]
