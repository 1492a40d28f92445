"""GET /api/v1/stats/suggestions/?year=YYYY[&breakdown=unit|committee|category|meeting|township][&congress=ID]

The handling rates of a year (suggestions.stats), each figure with its numerator, denominator, rate to 0.1% and its
definition. Office staff, leaders, committees and township staff read their congresses' figures; a unit only its own
row; deputies 403. A constant number of queries, whatever the number of suggestions. For a year whose report was issued
the figures are the issued ones (reports.snapshots); `live=1` gives the live ones and says whether they differ
(`figures_source`).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import stats


def parse_params(params) -> tuple[int, str | None, int | None]:
    """year, breakdown and congress from a query string, with Chinese errors."""
    raw_year = (params.get("year") or "").strip()
    if not raw_year:
        year = timezone.localdate().year
    elif raw_year.isdigit() and 2000 <= int(raw_year) <= 2100:
        year = int(raw_year)
    else:
        raise ValidationError({"year": "年度应为四位数字，如 2026"})
    breakdown = (params.get("breakdown") or "").strip() or None
    if breakdown is not None and breakdown not in stats.BREAKDOWNS:
        raise ValidationError({"breakdown": f"分组应为 {'、'.join(stats.BREAKDOWNS)} 之一"})
    raw_congress = (params.get("congress") or "").strip()
    if raw_congress and not raw_congress.isdigit():
        raise ValidationError({"congress": "人大编号应为数字"})
    return year, breakdown, int(raw_congress) if raw_congress else None


class SuggestionStatsView(APIView):
    @extend_schema(
        summary="建议办理统计（见面率、答复率、办结率、满意率等）",
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="年度（默认今年）"),
            OpenApiParameter("breakdown", OpenApiTypes.STR, enum=list(stats.BREAKDOWNS), description="分组"),
            OpenApiParameter("congress", OpenApiTypes.INT, description="人大（默认本人所属人大）"),
            OpenApiParameter(
                "live", OpenApiTypes.BOOL, description="已签发年度：1 显示实时数据并标明是否与签发数据不同"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        year, breakdown, congress_id = parse_params(request.query_params)
        scope = stats.scope_for(request.user, congress_id)
        shown = shown_figures(scope, year, breakdown, live=is_live(request.query_params))
        return Response({**shown.data, "figures_source": shown.meta()})


def is_live(params) -> bool:
    return (params.get("live") or "").strip().lower() in ("1", "true", "yes")


def shown_figures(scope, year: int, breakdown: str | None, *, live: bool = False):
    """For a year whose report was issued, the issued figures (reports.snapshots); `live` gives the live ones with a
    flag saying whether they differ. Without the reports app, always live."""
    from django.apps import apps

    if apps.is_installed("reports"):
        from reports import snapshots

        return snapshots.suggestion_stats(scope, year, breakdown, live=live)

    from types import SimpleNamespace

    data = stats.compute(scope, year, breakdown).as_dict()
    return SimpleNamespace(data=data, meta=lambda: {"source": "live", "issued": False})
