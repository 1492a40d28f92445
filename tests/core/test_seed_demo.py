"""The demo county: `make run` builds it on SQLite from scratch; on PostgreSQL a second run changes nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import Role, User
from core import demo, demo_data
from core.idcard import validate
from core.models import AuditEntry
from deputies.models import ActivityGroup, GroupMembership, Person, Seat
from organization.models import Area, CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee, Term

BASE_DIR = Path(__file__).resolve().parents[2]
LOGINS = [
    *("admin", "secadmin", "auditor", "staff", "leader", "committee"),
    *("unit", "unithead", "town", "liaison", "deputy"),
]

# Pages that must answer 200 on the SQLite demo, per login (UNIONs and aggregates differ by backend).
DEMO_PAGES = {
    "staff": [
        "/",
        "/deputies/",
        "/deputies/groups/",
        "/suggestions/",
        "/suggestions/review/",
        "/stations/",
        "/training/",
        "/duties/",
        "/reports/",
        "/engagement/",
        "/stats/suggestions/",
        "/organization/units/",
    ],
    "committee": ["/", "/suggestions/"],
    "unit": ["/", "/suggestions/todo/"],
    "deputy": ["/", "/suggestions/mine/", "/duties/mine/", "/training/my/", "/stations/my/"],
    "town": ["/", "/deputies/", "/deputies/groups/"],
}

# Run inside the demo database by `manage.py shell -c`: counts, and a real login through the login page per user.
CHECK_SCRIPT = """
import json
from django.test import Client
from accounts.models import User
from deputies.models import ActivityGroup, Seat
from organization.models import Area, Congress
county = Congress.objects.get(level="county", is_managed=True)
logins = {}
for name in %(logins)r + [%(phone)r]:
    client = Client()
    response = client.post("/accounts/login/", {"username": name, "password": %(password)r})
    logins[name] = response.status_code == 302 and "_auth_user_id" in client.session
# The main pages answer on SQLite too (the demo's database): each role's home and the office's lists.
pages = {}
for name, paths in %(pages)r.items():
    client = Client()
    client.post("/accounts/login/", {"username": name, "password": %(password)r})
    for path in paths:
        pages[name + " " + path] = client.get(path).status_code
print(json.dumps({
    "pages": pages,
    "county_seats": Seat.objects.filter(congress=county).count(),
    "groups": ActivityGroup.objects.filter(congress=county).count(),
    "townships": Area.objects.filter(level="township").count(),
    "villages": Area.objects.filter(level="village").count(),
    "users": User.objects.count(),
    "logins": logins,
}))
"""


def _run(args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_demo_builds_on_a_fresh_sqlite_database_and_every_login_works(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("RENDA_TESTING", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        DEBUG="1",
        CACHE_BACKEND="locmem",
        CELERY_TASK_ALWAYS_EAGER="1",
        DJANGO_SETTINGS_MODULE="renda.settings",
    )
    _run(["migrate", "--noinput", "-v0"], env)
    _run(["seed_demo"], env)
    script = CHECK_SCRIPT % {
        "logins": LOGINS,
        "phone": demo_data.DEPUTY_PHONE,
        "password": demo_data.PASSWORD,
        "pages": DEMO_PAGES,
    }
    output = _run(["shell", "-c", script], env)
    facts = json.loads(output.strip().splitlines()[-1])

    assert facts["county_seats"] == 300
    assert facts["groups"] == 28
    assert facts["townships"] == 10
    assert 45 <= facts["villages"] <= 55
    assert facts["logins"] == {name: True for name in [*LOGINS, demo_data.DEPUTY_PHONE]}
    assert {page: code for page, code in facts["pages"].items() if code != 200} == {}


def _counts() -> dict[str, int]:
    models = [Area, Congress, Term, Meeting, HandlingUnit, SpecialCommittee, CommitteeMember, Person, Seat,
              ActivityGroup, GroupMembership, User, AuditEntry]  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def seeded(db):
    """The county alone (core.demo): the apps' demo data is exercised by the full runs below and in each app."""
    with open(os.devnull, "w") as devnull:
        demo.seed(devnull)


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(db):
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not Congress.objects.exists()


def test_running_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    before = _counts()
    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert _counts() == before
    assert before["ActivityGroup"] == 28


def test_the_demo_county_has_the_promised_shape(seeded):
    county = Congress.objects.get(name=demo_data.COUNTY_CONGRESS)
    assert county.parent.level == Congress.Level.CITY and not county.parent.is_managed
    term = county.current_term()
    assert term.number == 18
    meetings = list(term.meetings.order_by("number"))
    assert [m.number for m in meetings] == list(range(1, len(meetings) + 1))
    assert all(m.start.month == 1 for m in meetings)
    assert Congress.objects.filter(parent=county, level=Congress.Level.TOWNSHIP).count() == 10
    assert all(c.current_term() is not None for c in Congress.objects.filter(parent=county))
    assert Seat.objects.filter(congress=county).count() == 300
    assert Seat.objects.filter(congress__level=Congress.Level.TOWNSHIP).exists()
    # People who hold seats at several levels at once.
    multi = Person.objects.annotate(n=Count("seats")).filter(n__gte=2)
    assert multi.filter(seats__congress__level=Congress.Level.CITY).exists()
    assert multi.filter(seats__congress__level=Congress.Level.PROVINCE).exists()
    assert all(validate(p.id_number) is None for p in Person.objects.all())
    assert HandlingUnit.objects.filter(congress=county).count() >= 20
    assert HandlingUnit.objects.filter(kind=HandlingUnit.Kind.GOV_OFFICE).count() == 1
    assert {HandlingUnit.Kind.COURT, HandlingUnit.Kind.PROCURATORATE} <= set(
        HandlingUnit.objects.values_list("kind", flat=True)
    )
    assert SpecialCommittee.objects.filter(congress=county).count() == 6
    groups = ActivityGroup.objects.filter(congress=county)
    assert groups.filter(kind=ActivityGroup.Kind.SECTOR).exists()
    assert not groups.filter(convener=None).exists() and not groups.filter(liaison=None).exists()
    assert not groups.filter(linked_members=None).exists()
    # Every county deputy belongs to a group.
    assert not Person.objects.filter(seats__congress=county, memberships=None).exists()


def test_the_demo_logins_have_their_roles_and_places(seeded):
    users = {u.username: u for u in User.objects.filter(username__in=LOGINS)}
    assert set(users) == set(LOGINS)
    assert users["admin"].is_superuser and users["admin"].has_role(Role.ADMIN)
    assert users["unit"].unit_id == users["unithead"].unit_id is not None
    assert users["unithead"].has_role(Role.UNIT_HEAD)
    assert users["town"].congress.level == Congress.Level.TOWNSHIP
    assert ActivityGroup.objects.filter(liaison_user=users["liaison"]).count() == 1
    deputy = users["deputy"]
    assert deputy.person.seats.filter(congress__name=demo_data.COUNTY_CONGRESS).exists()
    assert deputy.phone == deputy.person.phone == demo_data.DEPUTY_PHONE
    assert not any(u.must_change_password for u in users.values())
    assert all(u.check_password(demo_data.PASSWORD) for u in users.values())


@pytest.mark.parametrize("username", [*LOGINS, demo_data.DEPUTY_PHONE])
def test_every_demo_login_can_log_in(seeded, client, username):
    response = client.post("/accounts/login/", {"username": username, "password": demo_data.PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
