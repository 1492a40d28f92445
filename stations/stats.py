"""Reception figures per station, township and period: visitors, issues collected, resolved, resolution rate.

Definitions (shown next to every figure): 接待人次 = the visitors of the reception records (a record can note a
group); 收集问题 = reception records (one issue each); 已办结 = records with a result (answered on the spot, or
followed up to a result); 办结率 = 已办结 ÷ 收集问题. Messages are counted apart (留言数, 已办结留言).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from .models import Message, Reception

DEFINITIONS = [
    ("接待人次", "期间内接待登记的来访人数之和"),
    ("收集问题", "期间内接待登记的条数（每条登记一个事项）"),
    ("已办结", "其中已当场答复或跟踪办理出结果的条数"),
    ("办结率", "已办结 ÷ 收集问题"),
    ("转为建议", "其中转为代表建议的条数"),
]


@dataclass
class Row:
    label: str
    visitors: int
    issues: int
    resolved: int
    suggestions: int
    referred: int
    messages: int = 0
    messages_closed: int = 0

    @property
    def rate(self) -> str:
        return f"{self.resolved / self.issues * 100:.1f}%" if self.issues else "—"


def _figures(qs, key: str):
    return (
        qs.order_by()
        .values(key)
        .annotate(
            visitors=Sum("visitor_count"),
            issues=Count("pk"),
            resolved=Count("pk", filter=Q(status=Reception.Status.RESOLVED)),
            suggestions=Count("pk", filter=Q(handling=Reception.Handling.SUGGESTION)),
            referred=Count("pk", filter=Q(handling=Reception.Handling.REFERRED)),
        )
    )


def figures(receptions, messages, *, by: str = "township") -> tuple[list[Row], Row]:
    """Rows grouped by township (镇街) or station, and the total. `receptions`/`messages` are already scoped and
    filtered by period."""
    key, label = (
        ("station_id", "station__name") if by == "station" else ("station__township_id", "station__township__name")
    )
    labels = dict(receptions.order_by().values_list(key, label).distinct())
    labels.update(dict(messages.order_by().values_list(key, label).distinct()))
    msgs = {
        r[key]: r
        for r in messages.order_by()
        .values(key)
        .annotate(n=Count("pk"), closed=Count("pk", filter=Q(status=Message.Status.CLOSED)))
    }
    rows = {}
    for r in _figures(receptions, key):
        rows[r[key]] = Row(
            labels.get(r[key]) or "县级站点", r["visitors"] or 0, r["issues"], r["resolved"], r["suggestions"],
            r["referred"],
        )  # fmt: skip
    for k, m in msgs.items():
        row = rows.setdefault(k, Row(labels.get(k) or "县级站点", 0, 0, 0, 0, 0))
        row.messages, row.messages_closed = m["n"], m["closed"]
    out = sorted(rows.values(), key=lambda r: r.label)
    total = Row(
        "合计",
        sum(r.visitors for r in out),
        sum(r.issues for r in out),
        sum(r.resolved for r in out),
        sum(r.suggestions for r in out),
        sum(r.referred for r in out),
        sum(r.messages for r in out),
        sum(r.messages_closed for r in out),
    )
    return out, total
