"""Compliance with the standards checklist (六有/九有), per station and per township.

An item is met when the station has recorded evidence for it and the station's latest inspection did not find it
short. A station's compliance is met items ÷ items of its checklist; a township's is the met items of its stations
÷ their items (pooled), shown with the number of stations that meet every item. A station without a checklist has
no figure. Computed with a fixed number of queries, whatever the number of stations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import ChecklistItem, Evidence, Inspection, InspectionResult

DEFINITION = "达标率 = 有佐证且最近一次检查未判为不达标的标准项 ÷ 所适用建设标准的全部标准项"


@dataclass
class Compliance:
    met: int
    total: int
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.met / self.total if self.total else None

    @property
    def percent(self) -> str:
        return f"{self.rate * 100:.0f}%" if self.total else "—"

    @property
    def complete(self) -> bool:
        return bool(self.total) and self.met == self.total


def compliance_map(stations) -> dict[int, Compliance]:
    """{station id: Compliance} for a queryset (4 queries) or a list of stations (3 queries)."""
    if hasattr(stations, "values_list"):
        rows = list(stations.order_by().values_list("pk", "checklist_id"))
    else:
        rows = [(s.pk, s.checklist_id) for s in stations]
    checklist_ids = {c for _, c in rows if c}
    items: dict[int, list[tuple[int, str]]] = {}
    for pk, checklist_id, name in ChecklistItem.objects.filter(checklist_id__in=checklist_ids).values_list(
        "pk", "checklist_id", "name"
    ):
        items.setdefault(checklist_id, []).append((pk, name))
    station_ids = [pk for pk, _ in rows]
    evidence: dict[int, set[int]] = {}
    for sid, item_id in Evidence.objects.filter(station_id__in=station_ids).values_list("station_id", "item_id"):
        evidence.setdefault(sid, set()).add(item_id)
    # The latest inspection per station, picked in Python: portable (the demo runs on SQLite too) and small.
    latest_of: dict[int, int] = {}
    for pk, sid in (
        Inspection.objects.filter(station_id__in=station_ids).order_by("date", "id").values_list("pk", "station_id")
    ):
        latest_of[sid] = pk
    latest = list(latest_of.values())
    failed: dict[int, set[int]] = {}
    for sid, item_id in InspectionResult.objects.filter(inspection_id__in=latest, passed=False).values_list(
        "inspection__station_id", "item_id"
    ):
        failed.setdefault(sid, set()).add(item_id)
    out = {}
    for sid, checklist_id in rows:
        own = items.get(checklist_id, []) if checklist_id else []
        has = evidence.get(sid, set())
        bad = failed.get(sid, set())
        met = [n for pk, n in own if pk in has and pk not in bad]
        out[sid] = Compliance(
            met=len(met),
            total=len(own),
            missing=[n for pk, n in own if pk not in has],
            failed=[n for pk, n in own if pk in bad],
        )
    return out


def short_station_ids(stations) -> list[int]:
    """Stations that fall short: a checklist with at least one item not met (or no checklist at all)."""
    return [sid for sid, c in compliance_map(stations).items() if not c.complete]


def refresh(stations) -> None:
    """Store the compliance figure on each station (called by the services that change evidence, inspections,
    checklists or a station's checklist)."""
    from .models import Station

    figures = compliance_map(stations)
    rows = [Station(pk=sid, compliance_met=c.met, compliance_total=c.total) for sid, c in figures.items()]
    Station.objects.bulk_update(rows, ["compliance_met", "compliance_total"])
    if not hasattr(stations, "values_list"):  # instances in hand show the new figure too
        for station in stations:
            station.compliance_met, station.compliance_total = figures[station.pk].met, figures[station.pk].total


def short_q():
    """The stations that fall short, as a filter on the stored figure."""
    from django.db.models import F, Q

    return Q(compliance_total=0) | Q(compliance_met__lt=F("compliance_total"))


@dataclass
class TownshipCompliance:
    township: str
    stations: int
    complete: int
    met: int
    total: int

    @property
    def percent(self) -> str:
        return f"{self.met / self.total * 100:.0f}%" if self.total else "—"


def by_township(stations) -> list[TownshipCompliance]:
    stations = list(stations.select_related("township"))
    figures = compliance_map(stations)
    groups: dict[str, TownshipCompliance] = {}
    for station in stations:
        name = station.township.name if station.township_id else "县级站点"
        row = groups.setdefault(name, TownshipCompliance(name, 0, 0, 0, 0))
        c = figures[station.pk]
        row.stations += 1
        row.complete += c.complete
        row.met += c.met
        row.total += c.total
    return sorted(groups.values(), key=lambda r: r.township)
