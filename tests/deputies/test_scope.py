"""Each role against records outside its scope: not listed, 404 on detail, absent from exports, 403 for roles that
never see the roster."""

import pytest
from django.urls import reverse

from tests import factories as f

from .conftest import read_xlsx


def names_in_list(client, query="") -> str:
    response = client.get(reverse("deputies:list") + query)
    assert response.status_code == 200
    return response.content.decode()


def exported_names(client) -> set[str]:
    response = client.get(reverse("deputies:export"))
    assert response.status_code == 200
    return {row[0] for row in read_xlsx(response.content)[1:]}


def test_county_staff_see_county_and_township_deputies(roster, make_user, login):
    client = login(make_user("staff"))
    assert exported_names(client) == {"张伟", "李娜", "王芳"}


def test_a_township_office_sees_only_its_own_deputies(roster, world, make_user, login):
    client = login(make_user("town_staff", congress=world.town_b))
    html = names_in_list(client)
    assert "王芳" in html
    assert "张伟" not in html and "李娜" not in html
    assert exported_names(client) == {"王芳"}
    assert client.get(reverse("deputies:detail", args=[roster.county_deputy.pk])).status_code == 404
    assert client.get(reverse("deputies:edit", args=[roster.town_a_deputy.pk])).status_code == 404
    assert client.get(reverse("deputies:detail", args=[roster.town_b_deputy.pk])).status_code == 200


def test_a_township_office_cannot_open_another_townships_group(roster, world, make_user, login):
    client = login(make_user("town_staff", congress=world.town_a))
    assert client.get(reverse("deputies:group_detail", args=[roster.town_b_group.pk])).status_code == 404
    assert client.post(reverse("deputies:member_add", args=[roster.town_b_group.pk])).status_code == 404
    assert "河西镇第一小组" not in client.get(reverse("deputies:group_list")).content.decode()


def test_a_township_office_cannot_see_another_townships_groups_in_the_filter(roster, world, make_user, login):
    client = login(make_user("town_staff", congress=world.town_a))
    assert "河西镇第一小组" not in names_in_list(client)


@pytest.mark.parametrize("role", ["unit_staff", "unit_head", "deputy"])
def test_roles_without_roster_access_get_403(role, roster, world, make_user, login):
    kwargs = {"unit": world.unit} if role.startswith("unit") else {"person": roster.county_deputy}
    client = login(make_user(role, **kwargs))
    for url in (
        reverse("deputies:list"),
        reverse("deputies:export"),
        reverse("deputies:detail", args=[roster.county_deputy.pk]),
        reverse("deputies:group_list"),
        reverse("deputies:import"),
    ):
        assert client.get(url).status_code == 403, url


def test_a_liaison_sees_only_the_members_of_the_groups_they_keep(roster, world, make_user, login):
    liaison = make_user("liaison", congress=None)
    roster.county_group.liaison_user = liaison
    roster.county_group.save()
    client = login(liaison)
    assert exported_names(client) == {"张伟"}
    assert client.get(reverse("deputies:detail", args=[roster.town_b_deputy.pk])).status_code == 404
    assert client.get(reverse("deputies:group_detail", args=[roster.county_group.pk])).status_code == 200
    assert client.get(reverse("deputies:group_detail", args=[roster.town_b_group.pk])).status_code == 404


@pytest.mark.parametrize("role", ["leader", "committee", "liaison"])
def test_read_only_roles_cannot_edit_the_roster(role, roster, make_user, login):
    client = login(make_user(role))
    person = roster.county_deputy
    assert client.get(reverse("deputies:create")).status_code == 403
    assert client.get(reverse("deputies:import")).status_code == 403
    if role != "liaison":  # a liaison does not even see this deputy (404, tested above)
        assert client.get(reverse("deputies:edit", args=[person.pk])).status_code == 403
        assert client.post(reverse("deputies:delete", args=[person.pk])).status_code == 403
        assert client.get(reverse("deputies:group_edit", args=[roster.county_group.pk])).status_code == 403


def test_a_township_office_cannot_edit_a_county_seat_of_a_deputy_living_there(roster, world, make_user, login):
    client = login(make_user("town_staff", congress=world.town_a))
    county_seat = roster.county_deputy.seats.get()
    # The deputy lives in town A, so the township office sees them, but the county seat is the county's to keep.
    assert client.get(reverse("deputies:detail", args=[roster.county_deputy.pk])).status_code == 200
    assert client.get(reverse("deputies:seat_edit", args=[county_seat.pk])).status_code == 403


def test_a_township_office_cannot_edit_a_county_group(roster, world, make_user, login):
    staff = make_user("town_staff", congress=world.town_a)
    f.MembershipFactory(group=roster.county_group, person=roster.town_a_deputy)
    client = login(staff)
    assert client.get(reverse("deputies:group_edit", args=[roster.county_group.pk])).status_code == 404
