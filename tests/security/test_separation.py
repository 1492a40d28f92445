"""三权分立: the auditor reads, searches and exports the audit log and changes nothing; the security administrator
sees the security events; the system administrator does not read the audit log."""

import io

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from core import audit
from core.models import AuditEntry

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(world):
    person = f.PersonFactory(name="李四")
    with transaction.atomic():
        audit.record(actor=None, action=AuditEntry.Action.UPDATE, obj=person, note="修改代表信息")
        audit.record(actor=None, action=AuditEntry.Action.LOGIN_FAILED, note="登录失败：zhangsan", address="10.1.1.1")
        audit.record(actor=None, action=AuditEntry.Action.EXPORT, note='=HYPERLINK("http://evil")')
    return person


def test_the_auditor_reads_and_searches_the_whole_audit_log(make_user, client, entries):
    client.force_login(make_user(Role.AUDITOR))
    page = client.get(reverse("accounts:audit_log"))
    assert page.status_code == 200
    assert {e.note for e in page.context["page"]} >= {"修改代表信息", "登录失败：zhangsan"}
    found = client.get(reverse("accounts:audit_log"), {"q": "zhangsan", "action": "login_failed"})
    assert [e.note for e in found.context["page"]] == ["登录失败：zhangsan"]
    by_address = client.get(reverse("accounts:audit_log"), {"address": "10.1.1.1"})
    assert len(by_address.context["page"]) == 1


def test_the_auditor_exports_the_audit_log_and_the_export_is_audited(make_user, client, entries):
    auditor = make_user(Role.AUDITOR)
    client.force_login(auditor)
    response = client.get(reverse("accounts:audit_export"))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    notes = [row[4] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "修改代表信息" in notes
    assert '\'=HYPERLINK("http://evil")' in notes  # formula injection neutralised
    assert AuditEntry.objects.filter(actor=auditor, action=AuditEntry.Action.EXPORT, note__startswith="导出审计日志")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STAFF, Role.LEADER, Role.UNIT_STAFF])
def test_other_roles_including_the_system_administrator_cannot_read_the_audit_log(make_user, client, role, entries):
    client.force_login(make_user(role))
    assert client.get(reverse("accounts:audit_log")).status_code == 403
    assert client.get(reverse("accounts:audit_export")).status_code == 403


def test_the_superuser_flag_does_not_open_the_audit_log(make_user, client, entries):
    client.force_login(make_user(Role.ADMIN, is_superuser=True))
    assert client.get(reverse("accounts:audit_log")).status_code == 403


def test_the_security_administrator_sees_only_security_events(make_user, client, entries):
    client.force_login(make_user(Role.SECADMIN))
    actions = {e.action for e in client.get(reverse("accounts:audit_log")).context["page"]}
    assert AuditEntry.Action.LOGIN_FAILED in actions
    assert AuditEntry.Action.UPDATE not in actions


def test_the_auditor_changes_nothing_else(make_user, client, world, entries):
    auditor = make_user(Role.AUDITOR)
    client.force_login(auditor)
    assert client.get("/api/v1/users/").status_code == 403
    assert client.post("/api/v1/users/", {"username": "x"}, content_type="application/json").status_code == 403
    assert client.get(reverse("accounts:lockouts")).status_code == 403
    roster = client.get(reverse("deputies:list"))
    assert roster.status_code in (403, 404)
    assert client.get(f"/api/v1/deputies/{entries.pk}/").status_code in (403, 404)
    staff = make_user(Role.STAFF)
    f.SeatFactory(person=entries, congress=world.county, term=world.term)
    client.force_login(staff)
    assert client.get(f"/api/v1/deputies/{entries.pk}/").status_code == 200  # the route exists


def test_the_navigation_shows_the_audit_log_to_the_auditor_only(make_user, client, world):
    client.force_login(make_user(Role.AUDITOR))
    labels = [label for label, _url in client.get(reverse("core:home")).context["nav_items"]]
    assert "审计日志" in labels
    client.force_login(make_user(Role.STAFF))
    labels = [label for label, _url in client.get(reverse("core:home")).context["nav_items"]]
    assert "审计日志" not in labels


def test_viewing_an_unmasked_id_number_is_audited(make_user, client, world):
    person = f.PersonFactory(id_number=f.make_id_number(5))
    staff = make_user(Role.STAFF)
    f.SeatFactory(person=person, congress=world.county, term=world.term)
    client.force_login(staff)
    response = client.get(reverse("deputies:detail", args=[person.pk]))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PERSONAL)
    assert entry.actor == staff and entry.object_id == str(person.pk)
