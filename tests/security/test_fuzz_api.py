"""schemathesis fuzzes every operation of the OpenAPI schema against a running server (pytest-django's live server:
a real HTTP server on loopback, on this test's database) with an office staff user's token and a handling unit's
token: no 500s, and every answer conforms to the schema (a documented status code, the documented content type, a
body that matches the documented schema).

Bounded: a few examples per operation (derandomised, so the run is the same every time), the whole file well under a
minute. GETs run first on lists and on details (both with generated ids and with the id of an object that exists);
then the writes (POST, PUT, PATCH) with generated bodies, on existing objects and generated ids, and one invalid input
each (wrong types, missing fields, bad ids: a documented 4xx, never a 500). DELETE is left out
(it would remove the records the later operations read), and so is the token endpoint (revoking the token used).
"""

from __future__ import annotations

import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import services
from accounts.models import Role
from tests.suggestions.conftest import flow, people  # noqa: F401  (fixtures: a suggestion driven through the services)

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
READ_EXAMPLES = 1
WRITE_EXAMPLES = 1
SKIPPED_PATHS = ("/api/v1/auth/token/",)


def _settings(examples):
    return hsettings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same examples every run: the suite must not flap
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


class Fuzzer:
    def __init__(self, base_url: str, session: requests.Session):
        self.base_url = base_url
        self.session = session
        self.failures: list[str] = []
        self.reports: list[str] = []
        self.calls = 0
        self.unnegatable = 0
        self.statuses: dict[int, int] = {}

    def run(self, op, headers, examples, path_parameters=None, mode=GenerationMode.POSITIVE):
        strategy = op.as_strategy(mode, path_parameters=path_parameters or None)

        @given(case=strategy)
        @_settings(examples)
        def fuzz(case):
            self.calls += 1
            try:
                response = case.call_and_validate(
                    base_url=self.base_url, session=self.session, headers=headers, checks=CHECKS, timeout=30
                )
                self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
            except (FailureGroup, requests.RequestException) as exc:  # FailureGroup: every failed check of the case
                detail = "; ".join(_describe(e) for e in getattr(exc, "exceptions", [exc]))
                self.failures.append(f"{op.method.upper()} {op.path} {case.path_parameters} {case.query}: {detail}")
                self.reports.append(str(exc))

        try:
            fuzz()
        except Unsatisfiable:
            if mode is GenerationMode.POSITIVE:
                raise
            self.unnegatable += 1  # nothing in this operation's input can be made invalid


def _describe(failure) -> str:
    lines = [line.strip() for line in str(getattr(failure, "message", failure)).splitlines() if line.strip()]
    where = [line for line in lines if line.startswith("Schema at")]
    return " ".join(lines[:1] + where[:1])[:300]


def _first_id(session, base_url, list_path, headers):
    response = session.get(base_url + list_path, headers=headers, timeout=30)
    if response.status_code != 200:
        return None
    body = response.json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and "id" in row:
            return row["id"]
    return None


def test_the_schema_fuzzed_against_a_running_server(live_server, flow):  # noqa: F811
    # Records in every list the staff user reads: suggestions in several states (with their assignments, answer
    # and timeline), deputies, seats, a meeting, units and the committee come from the fixtures.
    for state in ("draft", "handling", "answered", "closed"):
        flow.to(state)
    staff = flow.p.staff
    unit = flow.p.unit_staff
    assert staff.has_role(Role.STAFF) and unit.has_role(Role.UNIT_STAFF)
    tokens = {
        name: {"Authorization": f"Token {services.issue_api_token(user)[0]}"}
        for name, user in [("staff", staff), ("unit", unit)]
    }

    base_url = live_server.url
    session = requests.Session()
    schema = schemathesis.openapi.from_url(f"{base_url}/api/schema/", headers=tokens["staff"])
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if not op.path.startswith(SKIPPED_PATHS)]
    reads = [op for op in operations if op.method.upper() == "GET"]
    writes = [op for op in operations if op.method.upper() in ("POST", "PUT", "PATCH")]
    assert len(reads) > 60 and len(writes) > 60, (len(reads), len(writes))

    fuzzer = Fuzzer(base_url, session)
    start = time.monotonic()
    ids = {}
    for op in reads:
        if "{" not in op.path:
            ids[op.path] = _first_id(session, base_url, op.path, tokens["staff"])
    existing = 0
    for user in ("staff", "unit"):
        for op in reads:
            if user == "staff" or "{" not in op.path:  # the unit user: lists, and details of existing objects
                fuzzer.run(op, tokens[user], READ_EXAMPLES if user == "staff" else 1)
            if user == "staff":  # invalid filters, page numbers and ids: a documented 4xx, never a 500
                fuzzer.run(op, tokens[user], 1, mode=GenerationMode.NEGATIVE)
            known = _known_id(op.path, ids)
            if known is not None:
                existing += 1
                fuzzer.run(op, tokens[user], 1, path_parameters={"id": known})
    for op in writes:
        known = _known_id(op.path, ids)
        if known is not None and not op.path.startswith("/api/v1/users/"):
            fuzzer.run(op, tokens["staff"], WRITE_EXAMPLES, path_parameters={"id": known})
        else:
            fuzzer.run(op, tokens["staff"], WRITE_EXAMPLES)
        # Invalid input (wrong types, missing fields, out-of-range values): a 400, never a 500.
        fuzzer.run(
            op, tokens["staff"], 1, path_parameters={"id": known} if known else None, mode=GenerationMode.NEGATIVE
        )
    elapsed = time.monotonic() - start
    assert fuzzer.failures == [], "\n".join(fuzzer.failures) + "\n\n" + "\n".join(fuzzer.reports[:5])
    assert existing > 20  # details were read on existing objects, not only on made-up ids
    assert fuzzer.statuses.get(200, 0) > 60, fuzzer.statuses  # most reads of existing objects answered
    print(f"{fuzzer.calls} requests in {elapsed:.1f} s: {sorted(fuzzer.statuses.items())}")


def _known_id(path, ids):
    """The id of an existing object for /x/{id}/... from the list /x/."""
    if "{id}" not in path:
        return None
    return ids.get(path.split("{id}")[0])
