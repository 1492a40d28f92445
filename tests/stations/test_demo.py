"""The demo stations: a 家 per township and a 站 per village, with deputies, a roster for this month, receptions and
messages; a second run changes nothing."""

import io

from django.utils import timezone

from core import demo
from organization.models import Area
from stations import demo as stations_demo
from stations import standards
from stations.models import DutySlot, Message, Reception, Station, StationDeputy


def test_the_demo_builds_a_home_per_township_and_a_station_per_village_once(db):
    demo.seed(io.StringIO())
    assert stations_demo.seed(io.StringIO()) is True
    homes = Station.objects.filter(kind=Station.Kind.HOME)
    works = Station.objects.filter(kind=Station.Kind.WORKSTATION)
    assert homes.count() == Area.objects.filter(level=Area.Level.TOWNSHIP).count() == 10
    assert works.count() == Area.objects.filter(level=Area.Level.VILLAGE).count() == 50
    assert not works.filter(deputies_per_day__lt=1).exists()
    assert all(StationDeputy.objects.filter(station=s).exists() for s in [*homes, *works])
    today = timezone.localdate()
    assert DutySlot.objects.filter(date__year=today.year, date__month=today.month).exists()
    assert Reception.objects.exists() and Message.objects.exists()
    short = standards.short_station_ids(Station.objects.all())
    assert 0 < len(short) < Station.objects.count()
    counts = {k: Station.objects.count() for k in ("stations",)}
    assert stations_demo.seed(io.StringIO()) is False
    assert Station.objects.count() == counts["stations"]
