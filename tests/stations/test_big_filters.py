"""The receptions and messages filters at province scale (issue 9): past STATION_OPTIONS_LIMIT stations, the station
select offers those of the chosen township (and the chosen station), so the list is not a page of thousands of
<option>s, and the options are read without fetching every visible station."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stations.forms import STATION_OPTIONS_LIMIT, STATIONS_NARROWED_HELP
from stations.models import Message, Station

LISTS = ["stations:receptions", "stations:messages"]


def station_options(client, params, url="stations:receptions"):
    html = client.get(reverse(url), params).content.decode()
    select = re.search(r'<select name="station".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="(\d*)"', select)), html


def hexi_stations(world, n, start=0):
    Station.objects.bulk_create(
        Station(congress=world.town_b, kind=Station.Kind.WORKSTATION, name=f"河西镇第{i}站", area=world.area_b,
                township=world.area_b)
        for i in range(start, start + n)
    )  # fmt: skip


def chengguan_home(world):
    return Station.objects.create(
        congress=world.town_a, kind=Station.Kind.HOME, name="城关镇代表之家", area=world.area_a, township=world.area_a
    )


def message(station, topic):
    return Message.objects.create(
        station=station, topic=topic, content="内容", consent_text="同意", consented_at=timezone.now()
    )


@pytest.mark.parametrize("url", LISTS)
def test_the_station_filter_is_narrowed_to_the_chosen_township(login, staff, world, url):
    hexi_stations(world, STATION_OPTIONS_LIMIT)
    here = chengguan_home(world)
    client = login(staff)
    options, html = station_options(client, {}, url)
    assert options == {""} and STATIONS_NARROWED_HELP in html
    options, _ = station_options(client, {"township": world.area_a.pk}, url)
    assert options == {"", str(here.pk)}
    options, _ = station_options(client, {"station": here.pk}, url)
    assert options == {"", str(here.pk)}
    Station.objects.filter(township=world.area_b).first().delete()  # at the limit: every station is offered
    options, html = station_options(client, {}, url)
    assert len(options) == STATION_OPTIONS_LIMIT + 1 and STATIONS_NARROWED_HELP not in html


def test_the_township_choices_are_those_of_the_visible_stations(login, staff, world):
    here = chengguan_home(world)
    html = login(staff).get(reverse("stations:messages")).content.decode()
    select = re.search(r'<select name="township".*?</select>', html, re.S).group(0)
    assert set(re.findall(r'<option value="(\d*)"', select)) == {"", str(here.township_id)}  # not 河西镇: no station


def test_the_messages_are_filtered_by_their_stations_township(login, staff, world):
    hexi_stations(world, 2)
    message(chengguan_home(world), "城关镇的留言")
    message(Station.objects.filter(township=world.area_b).first(), "河西镇的留言")
    client = login(staff)
    html = client.get(reverse("stations:messages"), {"township": world.area_a.pk}).content.decode()
    assert "城关镇的留言" in html and "河西镇的留言" not in html
    html = client.get(reverse("stations:messages"), {"township": world.area_b.pk}).content.decode()
    assert "河西镇的留言" in html and "城关镇的留言" not in html


@pytest.mark.parametrize("url", LISTS)
def test_a_station_outside_the_scope_is_refused_and_shows_nothing_more(login, town_a_staff, world, url):
    hexi_stations(world, 1)
    here = chengguan_home(world)
    message(here, "城关镇的留言")
    there = Station.objects.get(township=world.area_b)
    message(there, "河西镇的留言")
    client = login(town_a_staff)
    options, html = station_options(client, {"station": there.pk, "township": world.area_b.pk}, url)
    assert str(there.pk) not in options
    assert "请从列表中选择您可查看的站点。" in html and "请从列表中选择您可查看的镇街。" in html
    assert "河西镇的留言" not in html


@pytest.mark.parametrize("url", LISTS)
def test_the_options_query_reads_at_most_the_limit_and_one_station_rows(login, staff, world, url):
    """With twice the limit of stations, no query of the page returns more than LIMIT+1 station rows (plus the
    townships), and the page costs the same number of queries as with a handful of stations."""
    here = chengguan_home(world)
    hexi_stations(world, 10)
    client = login(staff)
    client.get(reverse(url))  # warm
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url), {"township": world.area_a.pk})
    hexi_stations(world, 2 * STATION_OPTIONS_LIMIT, start=10)
    with CaptureQueriesContext(connection) as many:
        options, _ = station_options(client, {"township": world.area_a.pk}, url)
    assert options == {"", str(here.pk)}
    assert len(many.captured_queries) == len(few.captured_queries)
    station_reads = [q["sql"] for q in many.captured_queries if "stations_station" in q["sql"]]
    assert any("UNION" in sql for sql in station_reads)
    with connection.cursor() as cursor:
        for sql in station_reads:
            cursor.execute(sql)
            assert len(cursor.fetchall()) <= STATION_OPTIONS_LIMIT + 1 + 2 + 1, sql  # + 2 townships, + the chosen
