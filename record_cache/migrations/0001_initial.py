import uuid

from django.db import migrations, models

from record_cache import triggers


def install_triggers(apps: object, schema_editor: object) -> None:
    apps.get_model("record_cache", "Generation").objects.create(id=1, token=uuid.uuid4().hex)
    tables = [model._meta.db_table for model in triggers.watched_models(apps)]
    triggers.install(schema_editor.connection, tables)


def remove_triggers(apps: object, schema_editor: object) -> None:
    triggers.uninstall(schema_editor.connection, [model._meta.db_table for model in triggers.watched_models(apps)])


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("negotiations", "0004_agreement_started_on_and_indexes"),
        ("parties", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ],
        ),
        migrations.CreateModel(
            name="Generation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="generation_single_row")],
            },
        ),
        # Tables that later migrations add to a watched app get theirs after migrate (apps.py).
        migrations.RunPython(install_triggers, remove_triggers),
    ]
