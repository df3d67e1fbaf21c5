import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("areas", "0001_initial"),
        ("people", "0002_importjob"),
        ("points", "0002_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The civic models were the points app's; their tables (points_…) already hold the data, so this
    # only adds them to civic's state. points 0003 removes them from points' state.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="LawDeductionItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "aspect",
                            models.CharField(
                                choices=[
                                    ("law_abiding", "遵纪守法"),
                                    ("harmony", "家庭和睦"),
                                    ("rights", "依法维权"),
                                    ("study", "学法用法"),
                                    ("integrity", "诚实守信"),
                                    ("neighbours", "邻里互助"),
                                    ("customs", "移风易俗"),
                                    ("public_order", "维护公序"),
                                ],
                                max_length=16,
                                verbose_name="方面",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="扣分项")),
                        ("points", models.PositiveSmallIntegerField(verbose_name="扣分")),
                        ("active", models.BooleanField(default=True)),
                        (
                            "area",
                            models.ForeignKey(
                                db_column="area_code",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="areas.area",
                                verbose_name="县(区)",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "法治家庭扣分项",
                        "verbose_name_plural": "法治家庭扣分项",
                        "db_table": "points_lawdeductionitem",
                        "ordering": ["aspect", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="LawFamilyRating",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("rated_on", models.DateField(verbose_name="评定日期")),
                        ("deductions", models.JSONField(default=list, verbose_name="扣分明细")),
                        ("score", models.IntegerField(verbose_name="得分")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("certified", "法治家庭"),
                                    ("failed", "未达标"),
                                    ("vetoed", "一票否决"),
                                    ("revoked", "已撤销"),
                                ],
                                max_length=16,
                                verbose_name="结论",
                            ),
                        ),
                        (
                            "veto_reason",
                            models.CharField(blank=True, max_length=300, verbose_name="否决原因"),
                        ),
                        ("valid_until", models.DateField(blank=True, null=True, verbose_name="复核日期")),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "revoke_reason",
                            models.CharField(blank=True, max_length=300, verbose_name="撤销原因"),
                        ),
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
                            "household",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="law_ratings",
                                to="people.household",
                            ),
                        ),
                        (
                            "rated_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "法治家庭评定",
                        "verbose_name_plural": "法治家庭评定",
                        "db_table": "points_lawfamilyrating",
                        "ordering": ["-rated_on"],
                    },
                ),
                migrations.CreateModel(
                    name="MoralReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("quarter", models.CharField(max_length=8, verbose_name="季度")),
                        (
                            "stage",
                            models.CharField(
                                choices=[
                                    ("nominating", "提名中"),
                                    ("reviewing", "评议中"),
                                    ("published", "公示中"),
                                    ("closed", "已结束"),
                                ],
                                default="nominating",
                                max_length=16,
                                verbose_name="阶段",
                            ),
                        ),
                        ("publish_from", models.DateField(blank=True, null=True, verbose_name="公示开始")),
                        ("publish_until", models.DateField(blank=True, null=True, verbose_name="公示结束")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "area",
                            models.ForeignKey(
                                db_column="area_code",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="areas.area",
                                verbose_name="村(社区)",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "红黑榜评议",
                        "verbose_name_plural": "红黑榜评议",
                        "db_table": "points_moralreview",
                        "ordering": ["-quarter"],
                    },
                ),
                migrations.CreateModel(
                    name="MoralNomination",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "board",
                            models.CharField(
                                choices=[("red", "红榜"), ("black", "黑榜")],
                                max_length=8,
                                verbose_name="榜单",
                            ),
                        ),
                        ("reason", models.CharField(max_length=300, verbose_name="事由")),
                        ("evidence", models.TextField(blank=True, verbose_name="佐证")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "待评议"),
                                    ("accepted", "上榜"),
                                    ("rejected", "未上榜"),
                                    ("cleared", "已整改销号"),
                                ],
                                default="pending",
                                max_length=16,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "review_note",
                            models.CharField(blank=True, max_length=300, verbose_name="评议意见"),
                        ),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        ("cleared_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "clear_reason",
                            models.CharField(blank=True, max_length=300, verbose_name="整改情况"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="points.pointaccount",
                            ),
                        ),
                        (
                            "cleared_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "nominated_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "review",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="nominations",
                                to="civic.moralreview",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "红黑榜提名",
                        "verbose_name_plural": "红黑榜提名",
                        "db_table": "points_moralnomination",
                        "ordering": ["board", "-created_at"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="moralreview",
                    constraint=models.UniqueConstraint(
                        fields=("area", "quarter"), name="moral_review_unique"
                    ),
                ),
            ],
        ),
    ]
