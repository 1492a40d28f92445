# The suggestion lists' order as an index (issue 9, B1): page 1 of a province's lists no longer sorts a year of items.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(fields=["-year", "number", "-id"], name="suggestion_list_order"),
        ),
    ]
