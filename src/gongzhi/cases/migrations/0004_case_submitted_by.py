"""Idempotency keys become per submitting account on every channel (they were per reporter, and
staff intake has no reporter): the account that sent each case. Filled by 0005, constrained by 0006;
three migrations because PostgreSQL refuses schema changes in a transaction that has updated rows
with foreign keys (pending trigger events), as Django's documentation warns."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_mediation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="case", name="case_idempotency"),
        migrations.AddField(
            model_name="case",
            name="submitted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="登记人",
            ),
        ),
    ]
