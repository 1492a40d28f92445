"""schemathesis fuzzes the OpenAPI schema's GET operations against the app (its WSGI handler, in this test's
database) with a staff user's token: no 500s. Bounded: a few examples per operation, list endpoints only."""

import time

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings

from accounts import services
from accounts.models import Role

from .. import factories as f

pytestmark = pytest.mark.django_db

EXAMPLES = 8
BUDGET_SECONDS = 60


def test_get_list_operations_never_answer_500(make_user, world):
    staff = make_user(Role.STAFF)
    f.SeatFactory(person=f.PersonFactory(), congress=world.county, term=world.term)
    key, _token = services.issue_api_token(staff)
    headers = {"Authorization": f"Token {key}"}
    app = get_wsgi_application()
    # As Django's test client does: keep this test's connection (and transaction) open across the app's requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        _fuzz(app, headers)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz(app, headers):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    operations = []
    for result in schema.get_all_operations():
        op = result.ok()
        if op.method.upper() == "GET" and "{" not in op.path:
            operations.append(op)
    assert len(operations) > 10
    start = time.monotonic()
    failures = []
    for op in operations:
        if time.monotonic() - start > BUDGET_SECONDS:
            break
        fuzz_operation(op, headers, failures)
    assert failures == []


def fuzz_operation(op, headers, failures):
    @given(case=op.as_strategy())
    @hsettings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same examples every run: the suite must not flap
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append((op.method, op.path, case.query, response.status_code))

    fuzz()
