from django.db import migrations

# A copy, not an import: a migration must not change when the defaults module does.
DUTY_TYPES = [
    ("congress_session", "出席人代会", False),
    ("standing_meeting", "列席常委会", False),
    ("other_meeting", "其他会议", True),
    ("training", "学习培训", True),
    ("proposal", "议案建议", True),
    ("research", "专题调研", True),
    ("inspection", "视察/执法检查", True),
    ("reception", "接待选民", True),
    ("voter_contact", "联系选民", True),
    ("mediation", "化解矛盾", True),
    ("helping", "扶弱济困/办实事", True),
    ("public_welfare", "公益", True),
    ("voter_report", "向选民述职", True),
    ("public_opinion", "社情民意", True),
]


def seed(apps, schema_editor):
    DutyType = apps.get_model("duties", "DutyType")
    for order, (code, name, self_reported) in enumerate(DUTY_TYPES, start=1):
        DutyType.objects.get_or_create(
            code=code, defaults={"name": name, "order": order * 10, "self_reported": self_reported}
        )


class Migration(migrations.Migration):
    dependencies = [("duties", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
