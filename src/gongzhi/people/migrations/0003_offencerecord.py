import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("people", "0002_importjob"),
        # Historical only: the table this model names was created there.
        ("points", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Offence records were the points app's (points 0001 created the table points_offencerecord);
    # this only adds the model to people's state. points 0003 removes it from points' state.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="OffenceRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("occurred_on", models.DateField(verbose_name="处理日期")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("违法", "违法"), ("犯罪", "犯罪")],
                                max_length=8,
                                verbose_name="性质",
                            ),
                        ),
                        ("description", models.CharField(max_length=300, verbose_name="情况")),
                        ("authority", models.CharField(blank=True, max_length=64, verbose_name="处理机关")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "area",
                            models.ForeignKey(
                                db_column="area_code",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="areas.area",
                                verbose_name="所属区域",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="people.person",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "违法犯罪记录",
                        "verbose_name_plural": "违法犯罪记录",
                        "db_table": "points_offencerecord",
                        "ordering": ["-occurred_on"],
                    },
                ),
            ],
        ),
    ]
