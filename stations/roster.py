"""The rotating duty roster (轮值) as a pure function: which deputies are on duty on which reception day.

Rules: a deputy on leave that day is never scheduled; nobody is scheduled twice on one day; duties are spread so
that the counts of the deputies differ by at most one whenever the leave allows it.

How: a greedy pass in date order takes, each day, the available deputies who have served least (then the one who
served longest ago, then the roster order), which gives a plain rotation when nobody is on leave. Leave can make a
greedy pass uneven (a deputy away at the end of the month falls behind), so a repair pass then moves duties along
augmenting paths — from a deputy with the most duties, through deputies who can take one over on a day they are
free, to a deputy with at least two fewer — until no such path exists. Each move keeps every day's staffing.
"""

from __future__ import annotations

import datetime as dt
from collections import deque


def plan(
    dates: list[dt.date],
    deputies: list[int],
    *,
    per_day: int = 1,
    leave: dict[dt.date, set[int]] | None = None,
) -> dict[dt.date, list[int]]:
    """{date: [person ids on duty]} for `dates`, from `deputies` (in roster order)."""
    leave = leave or {}
    dates = sorted(set(dates))
    available = {d: [p for p in deputies if p not in leave.get(d, set())] for d in dates}
    order = {p: i for i, p in enumerate(deputies)}
    count = dict.fromkeys(deputies, 0)
    last = dict.fromkeys(deputies, -1)
    out: dict[dt.date, list[int]] = {}
    for i, day in enumerate(dates):
        ranked = sorted(available[day], key=lambda p: (count[p], last[p], order[p]))
        chosen = ranked[:per_day]
        for p in chosen:
            count[p] += 1
            last[p] = i
        out[day] = sorted(chosen, key=order.__getitem__)
    _balance(out, available, count)
    return out


def _balance(out: dict, available: dict, count: dict) -> None:
    eligible = {p for d in out for p in available[d]}
    while True:
        path = _augmenting_path(out, available, count, eligible)
        if path is None:
            return
        for day, giver, taker in path:
            out[day].remove(giver)
            out[day].append(taker)
        count[path[0][1]] -= 1
        count[path[-1][2]] += 1


def _augmenting_path(out, available, count, eligible):
    """A chain of (day, from, to) moves from a most-loaded deputy to one with ≥ 2 fewer duties, or None."""
    if not eligible:
        return None
    high = max(count[p] for p in eligible)
    for source in sorted((p for p in eligible if count[p] == high), key=str):
        parent: dict[int, tuple] = {source: None}
        queue = deque([source])
        while queue:
            giver = queue.popleft()
            for day, staff in out.items():
                if giver not in staff:
                    continue
                for taker in available[day]:
                    if taker in staff or taker in parent:
                        continue
                    parent[taker] = (day, giver)
                    if count[taker] <= high - 2:
                        return _unwind(parent, taker)
                    queue.append(taker)
    return None


def _unwind(parent, end):
    moves = []
    node = end
    while parent[node] is not None:
        day, giver = parent[node]
        moves.append((day, giver, node))
        node = giver
    return list(reversed(moves))


def reception_days(start: dt.date, end: dt.date, weekdays: list[int]) -> list[dt.date]:
    """The fixed reception days (ISO weekdays) between start and end, inclusive."""
    days = []
    day = start
    while day <= end:
        if day.isoweekday() in weekdays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days
