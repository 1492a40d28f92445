"""The defaults from the domain notes (local rules: the office edits them). Kept in one place so the data migration,
the default rule set and the demo agree."""

from __future__ import annotations

from decimal import Decimal

# (code, name, self_reported)
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

BASE_POINTS = Decimal("50")
GOOD_THRESHOLD = Decimal("80")
FAIR_THRESHOLD = Decimal("60")

# (duty type code or special, points per occurrence, cap per year or None). Domain examples: a suggestion +3,
# an inspection/research +3, each half day of leave from the congress session −1.
ITEMS = [
    ("congress_session", Decimal("5"), Decimal("5")),
    ("standing_meeting", Decimal("2"), Decimal("4")),
    ("other_meeting", Decimal("1"), Decimal("3")),
    ("training", Decimal("2"), Decimal("6")),
    ("proposal", Decimal("3"), Decimal("12")),
    ("research", Decimal("3"), Decimal("9")),
    ("inspection", Decimal("3"), Decimal("9")),
    ("reception", Decimal("2"), Decimal("8")),
    ("voter_contact", Decimal("1"), Decimal("6")),
    ("mediation", Decimal("2"), Decimal("4")),
    ("helping", Decimal("2"), Decimal("4")),
    ("public_welfare", Decimal("1"), Decimal("3")),
    ("voter_report", Decimal("5"), Decimal("5")),
    ("public_opinion", Decimal("2"), Decimal("4")),
    ("leave_half_day", Decimal("-1"), None),
    ("absent", Decimal("-5"), Decimal("20")),
]
SPECIALS = {"leave_half_day", "absent", "suggestion", "cosigned"}

# Norms (local rules).
MIN_VOTER_CONTACTS = 10
MIN_GROUP_ACTIVITIES = 2
