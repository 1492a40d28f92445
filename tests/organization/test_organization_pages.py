"""Organisation pages: scoped by the congress tree, edited only by the congress's own office, every change audited."""

import datetime as dt
import io
import re

import factory
import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from core.models import AuditEntry, Notification
from organization import services
from organization.models import Area, CommitteeMember, HandlingUnit, Meeting, Term
from tests import factories as f


def _url(name, *args):
    return reverse(f"organization:{name}", args=args)


def test_a_township_staff_user_gets_404_for_another_townships_congress(world, make_user, login):
    client = login(make_user(Role.TOWN_STAFF, congress=world.town_a))
    assert client.get(_url("congress_detail", world.town_a.pk)).status_code == 200
    assert client.get(_url("congress_detail", world.town_b.pk)).status_code == 404
    assert client.get(_url("congress_detail", world.county.pk)).status_code == 404


def test_a_township_staff_user_sees_only_their_own_congress_listed(world, make_user, login):
    client = login(make_user(Role.TOWN_STAFF, congress=world.town_a))
    page = client.get(_url("congress_list")).content.decode()
    assert world.town_a.name in page
    assert world.town_b.name not in page and world.county.name not in page


def test_the_county_office_reads_township_congresses_but_keeps_only_its_own(world, make_user, login):
    client = login(make_user(Role.STAFF))
    assert client.get(_url("congress_detail", world.town_a.pk)).status_code == 200
    assert client.get(_url("meeting_create", world.town_a_term.pk)).status_code == 403
    assert client.get(_url("meeting_create", world.term.pk)).status_code == 200


def test_an_upper_office_does_not_read_lower_congresses_when_the_setting_is_off(world, make_user, login, settings):
    settings.RENDA_UPPER_READS_LOWER = False
    client = login(make_user(Role.STAFF))
    assert client.get(_url("congress_detail", world.town_a.pk)).status_code == 404


@pytest.mark.parametrize("role", [Role.LEADER, Role.COMMITTEE])
def test_leaders_and_committees_read_but_cannot_edit(world, make_user, login, role):
    client = login(make_user(role))
    assert client.get(_url("unit_list")).status_code == 200
    assert client.get(_url("unit_edit", world.unit.pk)).status_code == 403
    assert client.get(_url("meeting_create", world.term.pk)).status_code == 403


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_STAFF, Role.LIAISON])
def test_roles_outside_the_office_cannot_open_the_organisation_pages(world, make_user, login, role):
    client = login(make_user(role))
    assert client.get(_url("congress_list")).status_code == 403
    assert client.get(_url("unit_list")).status_code == 403


def test_staff_schedule_a_meeting_and_the_change_is_audited(world, make_user, login):
    staff = make_user(Role.STAFF)
    client = login(staff)
    response = client.post(
        _url("meeting_create", world.term.pk), {"number": 4, "start": "2025-01-08", "end": "2025-01-11"}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(term=world.term, number=4)
    assert meeting.start == dt.date(2025, 1, 8)
    entry = AuditEntry.objects.get(object_id=str(meeting.pk), action=AuditEntry.Action.CREATE)
    assert entry.actor == staff
    assert entry.changes["start"] == [None, "2025-01-08"]
    page = client.get(_url("congress_detail", world.county.pk)).content.decode()
    assert "第十八届第四次会议" in page and "变更记录" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": 1, "start": "2025-01-10", "end": "2025-01-08"}, "闭幕日期不能早于开幕日期"),
        ({"number": 1, "start": "2020-01-10", "end": "2020-01-12"}, "会议日期须在第十八届届期内"),
        ({"number": 2, "start": "2024-01-09", "end": "2024-01-12"}, "会期重叠"),
        ({"number": 1, "start": "2025-01-09", "end": "2025-01-12"}, "已有第一次会议"),
    ],
)
def test_a_bad_meeting_is_refused_with_a_chinese_message_and_nothing_is_saved(world, make_user, login, data, message):
    f.MeetingFactory(term=world.term, number=1, start=dt.date(2024, 1, 8), end=dt.date(2024, 1, 11))
    client = login(make_user(Role.STAFF))
    response = client.post(_url("meeting_create", world.term.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Meeting.objects.filter(term=world.term).count() == 1
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).exists()


def test_the_congress_page_shows_the_meeting_in_session_and_the_recess_after_it(world, make_user, login):
    f.MeetingFactory(term=world.term, number=3, start=dt.date(2026, 1, 8), end=dt.date(2026, 1, 11))
    staff = make_user(Role.STAFF)
    with time_machine.travel(dt.datetime(2026, 1, 9, 10, tzinfo=dt.UTC)):
        page = login(staff).get(_url("congress_detail", world.county.pk)).content.decode()
        assert "第十八届第三次会议会期中" in page
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)):
        page = login(staff).get(_url("congress_detail", world.county.pk)).content.decode()
        assert "闭会期间（第十八届第三次会议闭幕后）" in page


def test_session_state_names_the_last_and_next_meetings_in_recess(world):
    f.MeetingFactory(term=world.term, number=2, start=dt.date(2025, 1, 8), end=dt.date(2025, 1, 11))
    f.MeetingFactory(term=world.term, number=3, start=dt.date(2026, 1, 8), end=dt.date(2026, 1, 11))
    state = Term.objects.get(pk=world.term.pk).session_state(dt.date(2025, 6, 1))
    assert not state.in_session
    assert state.previous.number == 2 and state.next.number == 3
    assert state.label == "闭会期间（第十八届第二次会议闭幕后，第十八届第三次会议定于2026年01月08日开幕）"


def test_editing_a_unit_keeps_old_and_new_values_in_its_history(world, make_user, login):
    client = login(make_user(Role.STAFF))
    data = {"name": "县教育局", "kind": "department", "head": "赵新局长", "contact_person": "李科长",
            "contact_phone": "0571-88880000", "is_active": "on"}  # fmt: skip
    assert client.post(_url("unit_edit", world.unit.pk), data).status_code == 302
    entry = AuditEntry.objects.get(object_id=str(world.unit.pk), action=AuditEntry.Action.UPDATE)
    assert entry.changes == {"head": ["王局长", "赵新局长"]}
    page = client.get(_url("unit_edit", world.unit.pk)).content.decode()
    assert "王局长 → 赵新局长" in page


def test_an_audit_entry_is_rolled_back_with_its_change(world, make_user):
    staff = make_user(Role.STAFF)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_unit(world.unit, actor=staff, head="新局长")
        raise RuntimeError("the request failed after the change")
    assert HandlingUnit.objects.get(pk=world.unit.pk).head == "王局长"
    assert not AuditEntry.objects.exists()


def test_a_unit_list_is_scoped_filtered_and_exported_with_its_filters(world, make_user, login):
    f.UnitFactory(congress=world.town_a, name="城关镇人民政府", kind="township")
    client = login(make_user(Role.STAFF))
    page = client.get(_url("unit_list"), {"q": "教育"}).content.decode()
    assert "县教育局" in page and "县交通运输局" not in page
    export = client.get(_url("unit_list"), {"q": "教育", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "名称" and [r[0] for r in rows[1:]] == ["县教育局"]
    town = login(make_user(Role.TOWN_STAFF, congress=world.town_a))
    page = town.get(_url("unit_list")).content.decode()
    assert "城关镇人民政府" in page and "县教育局" not in page


# Every page pays the session read and save (in a savepoint), the user and the bell's unread count.
SHELL = re.compile(r'django_session|^SAVEPOINT|^RELEASE SAVEPOINT|FROM "accounts_user" WHERE|core_notification')


@pytest.mark.parametrize("params", [{}, {"q": "局", "kind": "department", "active": "1"}])
def test_the_unit_list_query_count_does_not_grow_with_rows(world, make_user, login, params):
    client = login(make_user(Role.STAFF))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url("unit_list"), params).status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    f.UnitFactory.create_batch(18, congress=world.county, name=factory.Sequence(lambda n: f"县第{n}局"))
    at_20 = queries()
    assert len([q for q in at_20 if not SHELL.search(q)]) <= 8
    f.UnitFactory.create_batch(180, congress=world.county, name=factory.Sequence(lambda n: f"县第{n}局"))
    assert len(queries()) == len(at_20)


def test_a_member_is_linked_to_groups_of_their_own_congress_only(world, make_user, login):
    own = f.GroupFactory(congress=world.county, name="城关代表小组")
    other = f.GroupFactory(congress=world.town_a, name="镇里的小组")
    client = login(make_user(Role.STAFF))
    response = client.post(
        _url("member_create", world.county.pk), {"name": "周主任", "title": "常委会副主任", "groups": [own.pk]}
    )
    assert response.status_code == 302
    member = CommitteeMember.objects.get(name="周主任")
    assert list(member.groups.all()) == [own]
    response = client.post(
        _url("member_edit", member.pk), {"name": "周主任", "title": "常委会副主任", "groups": [other.pk]}
    )
    assert response.status_code == 200  # not a choice: the other congress's groups are not offered
    assert list(member.groups.all()) == [own]


def test_township_staff_add_villages_only_under_their_own_township(world, make_user, login):
    client = login(make_user(Role.TOWN_STAFF, congress=world.town_a))
    ok = client.post(_url("area_create"), {"name": "新建村", "level": "village", "parent": world.area_a.pk})
    assert ok.status_code == 302
    assert Area.objects.get(name="新建村").parent == world.area_a
    assert AuditEntry.objects.filter(object_repr="新建村", action=AuditEntry.Action.CREATE).exists()
    refused = client.post(_url("area_create"), {"name": "越界村", "level": "village", "parent": world.area_b.pk})
    assert refused.status_code == 200
    assert not Area.objects.filter(name="越界村").exists()
    listing = client.get(_url("area_list")).content.decode()
    assert "新建村" in listing and world.area_b.name not in listing


def test_deputies_with_a_login_are_notified_of_a_scheduled_meeting_once_per_dates(world, make_user):
    seat = f.SeatFactory(term=world.term)
    deputy = make_user(Role.DEPUTY, person=seat.person)
    staff = make_user(Role.STAFF)
    with time_machine.travel(dt.datetime(2025, 11, 1, tzinfo=dt.UTC)):
        meeting = services.create_meeting(
            actor=staff, term=world.term, number=5, start=dt.date(2026, 1, 8), end=dt.date(2026, 1, 11)
        )
        services.update_meeting(meeting, actor=staff, number=5)  # dates unchanged: no second notice
        assert Notification.objects.filter(recipient=deputy).count() == 1
        services.update_meeting(meeting, actor=staff, start=dt.date(2026, 1, 9))
    notes = Notification.objects.filter(recipient=deputy, event="meeting.scheduled")
    assert notes.count() == 2
    assert not Notification.objects.filter(recipient=staff).exists()
