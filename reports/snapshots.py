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
