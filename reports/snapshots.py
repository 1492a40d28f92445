"""Issued figures (YearSnapshot) versus live ones.

For an issued year the dashboard, the stats API and the reports show the figures as issued; `live=True` gives the
live figures with `differs` saying whether they are not the issued ones. Committee-only scopes (a special committee
reads its own field, not a breakdown row) always read live figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from suggestions import stats

from .models import Kind, YearSnapshot


@dataclass
class Figures:
    data: dict  # stats.Report.as_dict() shape
    source: str  # "snapshot" | "live"
    snapshot: YearSnapshot | None = None
    differs: bool | None = None  # only when a snapshot exists and live figures were asked for
    changes: list | None = None

    def meta(self) -> dict:
        out = {"source": self.source, "issued": self.snapshot is not None}
        if self.snapshot is not None:
            out["issued_at"] = self.snapshot.issued_at.isoformat()
            out["issued_by"] = str(self.snapshot.issued_by or "")
        if self.differs is not None:
            out["differs_from_issued"] = self.differs
            out["changes"] = self.changes or []
        return out


def snapshot_for(congress_id: int | None, year: int, kind: str = Kind.SUGGESTIONS) -> YearSnapshot | None:
    if congress_id is None:
        return None
    return (
        YearSnapshot.objects.filter(congress_id=congress_id, year=year, kind=kind).select_related("issued_by").first()
    )


def _single_congress(scope: stats.Scope) -> int | None:
    ids = scope.congress_ids
    if ids is None or len(ids) != 1 or scope.committee_id is not None:
        return None
    return next(iter(ids))


def _from_snapshot(snap: YearSnapshot, scope: stats.Scope, breakdown: str | None) -> dict | None:
    by = snap.figures.get("by", {})
    if scope.unit_id is None:
        return by.get(breakdown or "")
    units = by.get("unit")
    if units is None:
        return None
    row = next((r for r in units["rows"] if r["key"] == scope.unit_id), None)
    if row is None:
        row = {"key": scope.unit_id, "label": "", "counts": {}, "figures": {}}
    return {**units, "total": row, "rows": [row]}


def suggestion_stats(scope: stats.Scope, year: int, breakdown: str | None = None, *, live: bool = False) -> Figures:
    """The figures the dashboard and the API show: issued ones for an issued year, unless live."""
    snap = snapshot_for(_single_congress(scope), year)
    frozen = _from_snapshot(snap, scope, breakdown) if snap else None
    if frozen is not None and not live:
        return Figures(frozen, "snapshot", snap)
    current = stats.compute(scope, year, breakdown).as_dict()
    if frozen is None:
        return Figures(current, "live")
    changes = changed_figures(frozen, current)
    return Figures(current, "live", snap, differs=bool(changes) or _rows_differ(frozen, current), changes=changes)


def _counts(row: dict) -> dict:
    return {k: v for k, v in row.get("counts", {}).items()}


def _rows_differ(a: dict, b: dict) -> bool:
    rows_a = {r["key"]: _counts(r) for r in a.get("rows", [])}
    rows_b = {r["key"]: _counts(r) for r in b.get("rows", [])}
    return rows_a != rows_b


def changed_figures(issued: dict, current: dict) -> list[dict]:
    """The total's figures whose numerator or denominator changed since issue: label, issued and current display."""
    out = []
    old, new = issued["total"].get("figures", {}), current["total"].get("figures", {})
    for code, f in new.items():
        o = old.get(code)
        if o is None or (o["numerator"], o["denominator"]) != (f["numerator"], f["denominator"]):
            out.append(
                {
                    "code": code,
                    "label": f["label"],
                    "issued": f"{o['display']}（{o['numerator']}/{o['denominator']}）" if o else "—",
                    "current": f"{f['display']}（{f['numerator']}/{f['denominator']}）",
                }
            )
    return out


def as_report(data: dict) -> stats.Report:
    """A stats.Report rebuilt from its as_dict() form (the dashboard's template reads Report objects); the
    definitions are those frozen with the figures."""
    import datetime as dt

    def row(r: dict) -> stats.Row:
        figs = [{"code": code, **f} for code, f in r.get("figures", {}).items()]
        return stats.Row(r["key"], r["label"], r.get("counts", {}), figs)

    total = row(data["total"])
    definitions = [stats.Figure(f["code"], f["label"], "", "", f["definition"]) for f in total.figures]
    return stats.Report(
        data["year"], data.get("breakdown"), total, [row(r) for r in data.get("rows", [])], definitions,
        dt.date.fromisoformat(data["as_of"]),
    )  # fmt: skip


# --- the deputies report's figures ----------------------------------------------------------------------------------

_TRAINING = (
    ("sessions", "培训班次（期）"),
    ("person_times", "参训人次"),
    ("person_hours", "参训学时"),
    ("deputies", "在任代表（人）"),
    ("covered", "参训代表（人）"),
    ("coverage", "代表覆盖率"),
    ("new_deputies", "新任代表（人）"),
    ("new_covered", "新任代表参加初任培训（人）"),
    ("new_coverage", "新任代表初任培训率"),
)
_KIND = (
    ("sessions", "期数"),
    ("planned_hours", "计划学时"),
    ("person_times", "参训人次"),
    ("person_hours", "参训学时"),
)
_STATION = (
    ("visitors", "接待人次"),
    ("issues", "收集问题"),
    ("resolved", "已办结"),
    ("rate", "办结率"),
    ("suggestions", "转为建议"),
    ("referred", "转交部门"),
    ("messages", "留言"),
)


def deputy_figure_list(data: dict) -> dict[str, tuple[str, object]]:
    """Every figure the deputies report prints, flattened: code → (label, value). Rows are keyed by their name
    (a training kind, a duty type, a township, a group, a band), so a row that appears or disappears is a figure
    that changed from or to “—”."""
    out: dict[str, tuple[str, object]] = {}
    t = data.get("training", {})
    for key, label in _TRAINING:
        out[f"training.{key}"] = (f"学习培训：{label}", t.get(key))
    for k in t.get("by_kind", []):
        for key, label in _KIND:
            out[f"training.kind.{k['kind']}.{key}"] = (f"学习培训：{k['kind']}{label}", k.get(key))
    for r in data.get("duties", []):
        out[f"duties.{r['type']}.records"] = (f"履职记录：{r['type']}（条）", r["records"])
        out[f"duties.{r['type']}.persons"] = (f"履职记录：{r['type']}（人）", r["persons"])
    out["duties.total"] = ("履职记录：合计（条）", data.get("duties_total"))
    stations = data.get("stations", {})
    if stations.get("available"):
        for r in [*stations.get("rows", []), stations.get("total") or {}]:
            if not r:
                continue
            for key, label in _STATION:
                out[f"stations.{r['label']}.{key}"] = (f"代表之家接待：{r['label']}{label}", r.get(key))
    for g in data.get("groups", []):
        out[f"groups.{g['name']}.members"] = (f"代表小组：{g['name']}成员（人）", g["members"])
        out[f"groups.{g['name']}.activities"] = (f"代表小组：{g['name']}活动（次）", g["activities"])
    out["groups.activities"] = ("代表小组：活动合计（次）", data.get("group_activities"))
    for b in data.get("bands", []):
        out[f"bands.{b['band']}.count"] = (f"履职考核：{b['band']}（人）", b["count"])
        out[f"bands.{b['band']}.share"] = (f"履职考核：{b['band']}占比", b["share"])
    out["bands.assessed"] = ("履职考核：参加考核（人）", data.get("assessed"))
    return out


def changed_deputy_figures(issued: dict, current: dict) -> list[dict]:
    """The deputies report's figures that differ since issue: code, label, issued and current value, in the
    report's order (issued figures first, then rows that appeared since)."""
    old, new = deputy_figure_list(issued), deputy_figure_list(current)
    out = []
    for code in [*old, *(c for c in new if c not in old)]:
        (label, before), (label_now, after) = old.get(code, (None, None)), new.get(code, (None, None))
        if before != after:
            out.append({"code": code, "label": label or label_now, "issued": _shown(before), "current": _shown(after)})
    return out


def _shown(value) -> str:
    return "—" if value is None or value == "" else str(value)
