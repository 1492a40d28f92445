"""A GIN index on the characters of a deputy's name (PostgreSQL only), for the name search at province scale:
deputies.picker.NameHasChars asks `regexp_split_to_array(UPPER(name), '') @> …` beside `name ILIKE '%q%'`.
An expression index Django's model state does not describe, hence RunPython rather than Meta.indexes; SQLite (the
demo) has no array type and needs none."""

from django.db import migrations

INDEX = "deputies_person_name_chars"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON deputies_person USING gin (regexp_split_to_array(UPPER(name), ''))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("deputies", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
