"""With DATABASE_REPLICA_URL set, the report builds read the replica and nothing else does: pages and every write keep
to the primary. Checked in a subprocess started with a replica alias (here the same test database under a second
connection, as a streaming replica holds the same rows), counting the queries each connection runs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from renda.db_routers import read_alias, reading_replica

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json
import django

django.setup()
from django.db import connections, router
from django.test.utils import CaptureQueriesContext

from organization.models import Congress
from renda.db_routers import reading_replica
from reports import figures
from suggestions.models import Suggestion


def counted(fn):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as rep:
        fn()
    return {"primary": len(primary), "replica": len(rep)}


out = {"page": counted(lambda: (Suggestion.objects.count(), figures.suggestion_figures(1, 2026, breakdowns=("unit",))))}
with reading_replica():
    out["report"] = counted(
        lambda: (Suggestion.objects.count(), figures.suggestion_figures(1, 2026, breakdowns=("", "unit", "committee")))
    )
    out["write_alias"] = router.db_for_write(Congress)
    out["migrate_on_replica"] = router.allow_migrate("replica", "suggestions")
print("RESULT " + json.dumps(out))
"""


def test_report_builds_read_the_replica_and_everything_else_the_primary():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "renda.test_settings",
        "DATABASE_URL": url,
        "DATABASE_REPLICA_URL": url,
        "DB_CONN_MAX_AGE": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(next(line[7:] for line in done.stdout.splitlines() if line.startswith("RESULT ")))
    assert out["page"]["primary"] > 0 and out["page"]["replica"] == 0
    assert out["report"]["replica"] > 0 and out["report"]["primary"] == 0
    assert out["write_alias"] == "default" and out["migrate_on_replica"] is False


def test_without_a_replica_the_report_builds_read_the_one_database():
    assert "replica" not in settings.DATABASES
    with reading_replica():
        assert read_alias() == "default"
    assert read_alias() == "default"
