"""The roster API honours deputies.permissions: scope (404, never listed), roles (403) and masking."""

import pytest

from accounts.models import Role
from deputies.models import Person, Seat
from organization.models import Congress

from .. import factories as f
from .conftest import ids


def test_county_staff_list_every_deputy_of_the_county_and_its_townships(api, make_user, roster):
    staff = make_user(Role.STAFF)
    listed = ids(api(staff).get("/api/v1/deputies/"))
    assert listed == {roster["county"].pk, roster["town_a"].pk, roster["town_b"].pk}


def test_township_staff_do_not_see_another_townships_deputies(api, make_user, roster, world):
    town = make_user(Role.TOWN_STAFF, congress=world.town_a)
    client = api(town)
    listed = ids(client.get("/api/v1/deputies/"))
    assert roster["town_b"].pk not in listed
    assert roster["town_a"].pk in listed
    assert client.get(f"/api/v1/deputies/{roster['town_b'].pk}/").status_code == 404
    assert roster["town_b"].seats.get().pk not in ids(client.get("/api/v1/seats/"))
    assert client.get(f"/api/v1/seats/{roster['town_b'].seats.get().pk}/").status_code == 404
    assert roster["town_b_group"].pk not in ids(client.get("/api/v1/groups/"))
    assert client.get(f"/api/v1/groups/{roster['town_b_group'].pk}/").status_code == 404


def test_township_staff_cannot_change_another_townships_deputy(api, make_user, roster, world):
    town = make_user(Role.TOWN_STAFF, congress=world.town_a)
    response = api(town).patch(f"/api/v1/deputies/{roster['town_b'].pk}/", {"workplace": "x"}, format="json")
    assert response.status_code == 404
    roster["town_b"].refresh_from_db()
    assert roster["town_b"].workplace != "x"


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.UNIT_HEAD, Role.DEPUTY])
def test_roles_outside_the_roster_cannot_list_it(api, make_user, roster, role):
    client = api(make_user(role))
    for url in ("/api/v1/deputies/", "/api/v1/seats/", "/api/v1/groups/"):
        assert client.get(url).status_code == 403


def test_unit_staff_cannot_read_a_deputy(api, make_user, roster, world):
    unit_user = make_user(Role.UNIT_STAFF, unit=world.unit)
    assert api(unit_user).get(f"/api/v1/deputies/{roster['county'].pk}/").status_code == 403


def test_a_deputy_reads_their_own_record_and_no_one_elses(api, make_user, roster):
    deputy = make_user(Role.DEPUTY, person=roster["county"])
    client = api(deputy)
    own = client.get(f"/api/v1/deputies/{roster['county'].pk}/")
    assert own.status_code == 200
    assert own.json()["id_number"] == roster["county"].id_number  # their own data unmasked
    assert client.get(f"/api/v1/deputies/{roster['town_a'].pk}/").status_code == 404
    assert client.get("/api/v1/deputies/").status_code == 403


def test_a_deputy_cannot_change_their_record_through_the_api(api, make_user, roster):
    deputy = make_user(Role.DEPUTY, person=roster["county"])
    response = api(deputy).patch(f"/api/v1/deputies/{roster['county'].pk}/", {"phone": "13700000000"}, format="json")
    assert response.status_code == 403


def test_a_liaison_sees_only_the_members_of_their_group(api, make_user, roster):
    liaison = make_user(Role.LIAISON, congress=None)
    roster["county_group"].liaison_user = liaison
    roster["county_group"].save()
    client = api(liaison)
    assert ids(client.get("/api/v1/deputies/")) == {roster["county"].pk}
    assert ids(client.get("/api/v1/groups/")) == {roster["county_group"].pk}


@pytest.mark.parametrize("role", [Role.LEADER, Role.COMMITTEE])
def test_leaders_and_committees_see_personal_data_masked(api, make_user, roster, role):
    person = roster["county"]
    client = api(make_user(role))
    rows = {row["id"]: row for row in client.get("/api/v1/deputies/").json()["results"]}
    detail = client.get(f"/api/v1/deputies/{person.pk}/").json()
    for data in (rows[person.pk], detail):
        assert data["phone"] == person.phone[:3] + "****" + person.phone[-4:]
        assert data["id_number"] == person.id_number[:6] + "**********" + person.id_number[-2:]
        assert data["address"] == "浙江省杭州市测试县****"
        assert data["party"] == "***"
        assert data["personal_data_masked"] is True
        assert data["name"] == person.name


def test_office_staff_see_personal_data_in_full(api, make_user, roster):
    person = roster["county"]
    detail = api(make_user(Role.STAFF)).get(f"/api/v1/deputies/{person.pk}/").json()
    assert detail["phone"] == person.phone
    assert detail["id_number"] == person.id_number
    assert detail["personal_data_masked"] is False


def test_a_masked_role_may_not_filter_by_party(api, make_user, roster):
    assert api(make_user(Role.LEADER)).get("/api/v1/deputies/?party=中共党员").status_code == 400
    assert api(make_user(Role.STAFF)).get("/api/v1/deputies/?party=中共党员").status_code == 200


def test_the_detail_nests_seats_and_visible_groups(api, make_user, roster):
    data = api(make_user(Role.STAFF)).get(f"/api/v1/deputies/{roster['county'].pk}/").json()
    assert [s["level"] for s in data["seats"]] == ["county"]
    assert data["seats"][0]["name"] == "县人大第十八届代表"
    assert [g["name"] for g in data["groups"]] == ["城关代表小组"]


def test_filters_and_pinyin_search(api, make_user, roster, world):
    client = api(make_user(Role.STAFF))
    assert ids(client.get("/api/v1/deputies/?search=zw")) == {roster["county"].pk}
    assert ids(client.get("/api/v1/deputies/?name_initials=ln")) == {roster["town_a"].pk}
    assert ids(client.get("/api/v1/deputies/?search=王")) == {roster["town_b"].pk}
    assert ids(client.get("/api/v1/deputies/?level=county")) == {roster["county"].pk}
    assert ids(client.get("/api/v1/deputies/?level=township&status=active")) == {
        roster["town_a"].pk,
        roster["town_b"].pk,
    }
    assert ids(client.get("/api/v1/deputies/?level=county&status=resigned")) == set()
    assert ids(client.get(f"/api/v1/deputies/?township={world.area_b.pk}")) == {roster["town_b"].pk}
    assert ids(client.get(f"/api/v1/deputies/?group={roster['county_group'].pk}")) == {roster["county"].pk}
    assert ids(client.get("/api/v1/deputies/?composition=farmer")) == set()


def test_staff_create_a_deputy_through_the_service_with_an_audit_entry(api, make_user, world):
    staff = make_user(Role.STAFF)
    payload = {
        "name": "赵敏",
        "gender": "女",
        "phone": "13911112222",
        "id_number": f.make_id_number(901),
        "township": world.area_a.pk,
        "composition": "farmer",
    }
    response = api(staff).post("/api/v1/deputies/", payload, format="json")
    assert response.status_code == 201, response.content
    person = Person.objects.get(name="赵敏")
    assert person.id_number == payload["id_number"]
    assert response.json()["name_initials"] == "zm"
    from core.audit import history

    assert [e.action for e in history(person)] == ["create"]


def test_a_bad_id_number_is_refused_in_chinese_and_nothing_is_saved(api, make_user, world):
    response = api(make_user(Role.STAFF)).post(
        "/api/v1/deputies/", {"name": "赵敏", "gender": "女", "id_number": "330102197503081001"}, format="json"
    )
    assert response.status_code == 400
    assert "id_number" in response.json()
    assert not Person.objects.filter(name="赵敏").exists()


@pytest.mark.parametrize("role", [Role.LEADER, Role.COMMITTEE, Role.LIAISON])
def test_roles_that_only_read_the_roster_cannot_write_it(api, make_user, roster, role):
    client = api(make_user(role))
    assert client.post("/api/v1/deputies/", {"name": "赵敏", "gender": "女"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/groups/{roster['county_group'].pk}/").status_code == 403


def test_staff_add_a_seat_only_in_congresses_they_keep(api, make_user, roster, world):
    town = make_user(Role.TOWN_STAFF, congress=world.town_a)
    client = api(town)
    person = roster["town_a"]
    county_seat = {"person": person.pk, "congress": world.county.pk, "term": world.term.pk, "start": "2022-01-01"}
    assert client.post("/api/v1/seats/", county_seat, format="json").status_code == 400
    city = f.CongressFactory(name="某市人民代表大会", level=Congress.Level.CITY, is_managed=False)
    city_term = f.TermFactory(congress=city)
    city_seat = {"person": person.pk, "congress": city.pk, "term": city_term.pk, "start": "2022-01-01"}
    response = client.post("/api/v1/seats/", city_seat, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["level"] == "city"
    assert Seat.objects.filter(person=person, congress=city).exists()


def test_group_members_are_added_and_removed_through_the_api(api, make_user, roster):
    client = api(make_user(Role.STAFF))
    group = roster["county_group"]
    response = client.post(f"/api/v1/groups/{group.pk}/members/", {"person": roster["town_a"].pk}, format="json")
    assert response.status_code == 201, response.content
    assert {m["name"] for m in response.json()["members"]} == {"张伟", "李娜"}
    assert client.delete(f"/api/v1/groups/{group.pk}/members/{roster['town_a'].pk}/").status_code == 204
    assert set(group.members.values_list("name", flat=True)) == {"张伟"}


def test_township_staff_cannot_add_an_out_of_scope_person_to_their_group(api, make_user, roster, world):
    town = make_user(Role.TOWN_STAFF, congress=world.town_a)
    group = f.GroupFactory(congress=world.town_a, name="城关镇小组")
    response = api(town).post(f"/api/v1/groups/{group.pk}/members/", {"person": roster["town_b"].pk}, format="json")
    assert response.status_code == 400
    assert not group.members.exists()


@pytest.mark.parametrize("url", ["/api/v1/deputies/", "/api/v1/units/", "/api/v1/users/", "/api/v1/meetings/"])
def test_an_anonymous_request_must_log_in(api, world, url):
    assert api().get(url).status_code == 401
