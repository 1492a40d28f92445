import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "name",
    ["deputies:list", "deputies:create", "deputies:group_list", "deputies:group_create", "deputies:import"],
)
def test_staff_pages_open(name, roster, make_user, login):
    client = login(make_user("staff"))
    response = client.get(reverse(name))
    assert response.status_code == 200


def test_detail_pages_open(roster, make_user, login):
    client = login(make_user("staff"))
    assert client.get(reverse("deputies:detail", args=[roster.county_deputy.pk])).status_code == 200
    assert client.get(reverse("deputies:group_detail", args=[roster.county_group.pk])).status_code == 200
    assert client.get(reverse("deputies:edit", args=[roster.county_deputy.pk])).status_code == 200
    assert client.get(reverse("deputies:group_edit", args=[roster.county_group.pk])).status_code == 200
    assert client.get(reverse("deputies:seat_create", args=[roster.county_deputy.pk])).status_code == 200
    assert client.get(reverse("deputies:export")).status_code == 200
    assert client.get(reverse("deputies:import_template")).status_code == 200
