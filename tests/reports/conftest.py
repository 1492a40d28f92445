"""A known year of suggestions (built as rows, as in the statistics tests) and report helpers."""

import datetime as dt

import pytest

from suggestions.models import Suggestion
from tests.suggestions_stats.conftest import build, meeting  # noqa: F401 - fixtures shared with the stats tests

S = Suggestion.State


@pytest.fixture(autouse=True)
def _media_and_static(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def year_2026(build, world):  # noqa: F811 - the imported fixture
    """Four items at two units: one met, answered A and rated 满意; one answered B and rated 不满意 then handled again
    (round 2, 基本满意); one key-supervised item answered C; one still handling at the other unit."""
    build(S.RATED, answered_on=dt.date(2026, 5, 1), contact=True, ratings=["satisfied"])
    build(
        S.RATED,
        answered_on=dt.date(2026, 5, 1),
        result_class="B",
        round=2,
        ratings=["unsatisfied", ("basic", "deputy", 2)],
        title="关于改善城关镇农贸市场排水的建议",
    )
    build(
        S.ANSWERED,
        answered_on=dt.date(2026, 5, 20),
        result_class="C",
        is_key=True,
        title="关于推进县城停车场建设的建议",
    )
    build(S.HANDLING, unit=world.other_unit)
    return world
