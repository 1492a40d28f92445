"""The receptions filter at province scale (issue 9): past STATION_OPTIONS_LIMIT stations, the station select offers
those of the chosen township (and the chosen station), so the list is not a page of thousands of <option>s."""

import re

from django.urls import reverse

from stations.forms import STATION_OPTIONS_LIMIT
from stations.models import Station


def station_options(client, params):
    html = client.get(reverse("stations:receptions"), params).content.decode()
    select = re.search(r'<select name="station".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="(\d*)"', select)), html


def test_the_station_filter_is_narrowed_to_the_chosen_township(login, staff, world):
    Station.objects.bulk_create(
        Station(congress=world.town_b, kind=Station.Kind.WORKSTATION, name=f"河西镇第{i}站", area=world.area_b,
                township=world.area_b)
        for i in range(STATION_OPTIONS_LIMIT)
    )  # fmt: skip
    here = Station.objects.create(
        congress=world.town_a, kind=Station.Kind.HOME, name="城关镇代表之家", area=world.area_a, township=world.area_a
    )
    client = login(staff)
    options, html = station_options(client, {})
    assert options == {""} and "先选择镇街" in html
    options, _ = station_options(client, {"township": world.area_a.pk})
    assert options == {"", str(here.pk)}
    options, _ = station_options(client, {"station": here.pk})
    assert options == {"", str(here.pk)}
    Station.objects.filter(township=world.area_b).first().delete()  # at the limit: every station is offered
    options, html = station_options(client, {})
    assert len(options) == STATION_OPTIONS_LIMIT + 1 and "先选择镇街" not in html
