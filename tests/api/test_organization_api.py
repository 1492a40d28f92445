"""Organisation records: read in scope (404 outside, never listed), kept by admins and the congress's own staff."""

import pytest

from accounts.models import Role
from core.models import AuditEntry
from organization.models import HandlingUnit, Meeting

from .. import factories as f
from .conftest import ids


@pytest.fixture
def town_b_records(world):
    term = f.TermFactory(congress=world.town_b)
    return {
        "term": term,
        "meeting": f.MeetingFactory(term=term, number=3, start="2024-01-10", end="2024-01-12"),
        "unit": f.UnitFactory(congress=world.town_b, name="河西镇农业服务中心"),
        "committee": f.CommitteeFactory(congress=world.town_b, name="河西镇财经小组"),
        "member": f.CommitteeMemberFactory(congress=world.town_b, name="河西镇主席"),
    }


ENDPOINTS = {
    "term": "terms",
    "meeting": "meetings",
    "unit": "units",
    "committee": "committees",
    "member": "committee-members",
}


def test_township_staff_see_their_congress_and_not_a_neighbours(api, make_user, world, town_b_records):
    client = api(make_user(Role.TOWN_STAFF, congress=world.town_a))
    for key, endpoint in ENDPOINTS.items():
        obj = town_b_records[key]
        assert obj.pk not in ids(client.get(f"/api/v1/{endpoint}/")), endpoint
        assert client.get(f"/api/v1/{endpoint}/{obj.pk}/").status_code == 404, endpoint
    assert ids(client.get("/api/v1/congresses/")) == {world.town_a.pk}
    assert client.get(f"/api/v1/congresses/{world.town_b.pk}/").status_code == 404
    assert ids(client.get("/api/v1/areas/")) == {world.area_a.pk}
    assert client.get(f"/api/v1/areas/{world.area_b.pk}/").status_code == 404


def test_county_staff_read_the_townships_below(api, make_user, world, town_b_records):
    client = api(make_user(Role.STAFF))
    for key, endpoint in ENDPOINTS.items():
        assert client.get(f"/api/v1/{endpoint}/{town_b_records[key].pk}/").status_code == 200, endpoint


def test_a_handling_unit_reads_the_units_of_its_own_congress_only(api, make_user, world, town_b_records):
    client = api(make_user(Role.UNIT_STAFF, unit=world.unit))
    listed = ids(client.get("/api/v1/units/"))
    assert listed == {world.unit.pk, world.other_unit.pk}
    assert client.get(f"/api/v1/units/{town_b_records['unit'].pk}/").status_code == 404


def test_meetings_are_named_like_an_office_writes_them(api, make_user, world):
    meeting = f.MeetingFactory(term=world.term, number=3)
    data = api(make_user(Role.DEPUTY)).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert data["name"] == "第十八届第三次会议"
    assert data["term_name"] == "第十八届"


def test_office_staff_add_a_unit_to_their_congress_with_an_audit_entry(api, make_user, world):
    response = api(make_user(Role.STAFF)).post(
        "/api/v1/units/", {"name": "县卫生健康局", "congress": world.county.pk, "head": "刘局长"}, format="json"
    )
    assert response.status_code == 201, response.content
    unit = HandlingUnit.objects.get(name="县卫生健康局")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(unit.pk)).count() == 1


def test_county_staff_read_but_do_not_keep_a_townships_records(api, make_user, world, town_b_records):
    client = api(make_user(Role.STAFF))
    unit = town_b_records["unit"]
    assert client.patch(f"/api/v1/units/{unit.pk}/", {"head": "某某"}, format="json").status_code == 403
    response = client.post("/api/v1/units/", {"name": "新单位", "congress": world.town_b.pk}, format="json")
    assert response.status_code == 400
    assert not HandlingUnit.objects.filter(name="新单位").exists()


@pytest.mark.parametrize("role", [Role.LEADER, Role.COMMITTEE, Role.UNIT_STAFF, Role.LIAISON, Role.DEPUTY])
def test_roles_that_do_not_keep_the_organisation_cannot_write_it(api, make_user, world, role):
    client = api(make_user(role))
    assert client.post("/api/v1/units/", {"name": "x", "congress": world.county.pk}, format="json").status_code == 403
    assert client.patch(f"/api/v1/units/{world.unit.pk}/", {"head": "x"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/committees/{world.committee.pk}/").status_code == 403


def test_only_system_administrators_create_congresses(api, make_user, world):
    payload = {"name": "新建镇人民代表大会", "level": "township", "parent": world.county.pk}
    assert api(make_user(Role.STAFF)).post("/api/v1/congresses/", payload, format="json").status_code == 403
    admin = make_user(Role.ADMIN, congress=None)
    response = api(admin).post("/api/v1/congresses/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["parent_name"] == "县人大"


def test_a_meeting_whose_end_precedes_its_start_is_refused_in_chinese(api, make_user, world):
    response = api(make_user(Role.STAFF)).post(
        "/api/v1/meetings/",
        {"term": world.term.pk, "number": 4, "start": "2025-01-10", "end": "2025-01-08"},
        format="json",
    )
    assert response.status_code == 400
    assert "闭幕日期" in str(response.json())
    assert not Meeting.objects.filter(number=4).exists()


def test_a_unit_referenced_elsewhere_is_not_deleted(api, make_user, world):
    make_user(Role.UNIT_STAFF, unit=world.unit)  # the user's unit is PROTECTed
    response = api(make_user(Role.STAFF)).delete(f"/api/v1/units/{world.unit.pk}/")
    assert response.status_code == 400
    assert "不能删除" in str(response.json())
    assert HandlingUnit.objects.filter(pk=world.unit.pk).exists()
