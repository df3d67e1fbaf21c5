"""One case per submitting account and Idempotency-Key, whatever the channel."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_fill_submitted_by")]

    operations = [
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idempotency_key", ""), _negated=True),
                fields=("submitted_by", "idempotency_key"),
                name="case_submitter_idempotency",
            ),
        ),
    ]
