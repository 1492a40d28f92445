"""The database connection as the application opens it: PostgreSQL's JIT off (it compiled millisecond queries for
tens of milliseconds on the province set, bench/RESULTS.md), health checks on."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_connections_run_without_the_jit_compiler():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
