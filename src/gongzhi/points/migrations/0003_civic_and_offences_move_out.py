"""法治家庭 and 红黑榜 moved to the civic app, offence records to people. Their tables keep their
names and rows; only Django's state changes, plus the content types (so permissions and the admin
follow the models)."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = {
    "civic": ("lawdeductionitem", "lawfamilyrating", "moralreview", "moralnomination"),
    "people": ("offencerecord",),
}


def move_content_types(apps, schema_editor, forward=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for app_label, models_ in MOVED.items():
        source, target = ("points", app_label) if forward else (app_label, "points")
        for model in models_:
            old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
            if old is None:
                continue  # a database migrated before any content type was made
            # A row made for the new label in between (a partial migrate) holds no grants yet.
            ContentType.objects.using(db).filter(app_label=target, model=model).delete()
            old.app_label = target
            old.save(update_fields=["app_label"])


def move_back(apps, schema_editor):
    move_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("points", "0002_append_only"),
        ("civic", "0001_initial"),
        ("people", "0003_offencerecord"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                # Same column, same table: the photos of a nomination now name civic's model.
                migrations.AlterField(
                    model_name="evidencephoto",
                    name="nomination",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="photos",
                        to="civic.moralnomination",
                    ),
                ),
                migrations.DeleteModel(name="MoralNomination"),
                migrations.DeleteModel(name="MoralReview"),
                migrations.DeleteModel(name="LawFamilyRating"),
                migrations.DeleteModel(name="LawDeductionItem"),
                migrations.DeleteModel(name="OffenceRecord"),
            ],
        ),
        migrations.RunPython(move_content_types, move_back),
    ]
