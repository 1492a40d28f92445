"""Reception records: a reception turned into a suggestion carries its content and is linked both ways; a duty
done goes to the deputy's archive once; figures count what was recorded."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.exceptions import IllegalTransition
from duties.models import DutyRecord
from stations import services, stats
from stations.models import DutySlot, Message, Reception, StationDeputy
from suggestions.models import Suggestion


def _reception(station, actor, deputy=None, **kw):
    data = {
        "date": timezone.localdate(),
        "deputy": deputy,
        "visitor_name": "王大妈",
        "visitor_phone": "13900001111",
        "topic": "村口路灯不亮",
        "content": "河坝村村口至学校路段路灯损坏三个月，夜间学生出行不安全。",
        "category": "building",
    }
    data.update(kw)
    return services.record_reception(station, actor=actor, **data)


def test_a_reception_turned_into_a_suggestion_carries_its_content_and_links_both_ways(make_station, make_liaison):
    station = make_station(deputies=2)
    liaison = make_liaison(station)
    deputy = StationDeputy.objects.filter(station=station).first().person
    reception = _reception(station, liaison, deputy=deputy)

    services.turn_into_suggestion(reception, actor=liaison)

    reception.refresh_from_db()
    suggestion = Suggestion.objects.get(pk=reception.suggestion_id)
    assert suggestion.state == Suggestion.State.DRAFT
    assert suggestion.lead_deputy_id == deputy.pk
    assert suggestion.title == "村口路灯不亮"
    assert "路灯损坏三个月" in suggestion.content
    assert station.name in suggestion.content
    assert suggestion.station_reception == reception
    assert reception.handling == Reception.Handling.SUGGESTION
    assert deputy.user.notifications.filter(event="station.reception.suggestion").count() == 1


def test_a_reception_cannot_become_a_suggestion_twice(make_station, make_liaison):
    station = make_station(deputies=1)
    liaison = make_liaison(station)
    deputy = station.memberships.first().person
    reception = _reception(station, liaison, deputy=deputy)
    services.turn_into_suggestion(reception, actor=liaison)
    with pytest.raises(IllegalTransition):
        services.turn_into_suggestion(reception, actor=liaison)
    assert Suggestion.objects.filter(lead_deputy=deputy).count() == 1


def test_a_reception_without_a_deputy_is_not_turned_into_a_suggestion(make_station, make_liaison):
    station = make_station(deputies=1)
    liaison = make_liaison(station)
    reception = _reception(station, liaison)
    with pytest.raises(ValidationError) as exc:
        services.turn_into_suggestion(reception, actor=liaison)
    assert "接待代表" in str(exc.value)
    assert not Suggestion.objects.exists()


def test_a_reception_on_a_duty_day_records_the_duty_in_the_archive_once(make_station, make_liaison, staff):
    today = timezone.localdate()
    station = make_station(deputies=1, weekdays=str(today.isoweekday()))
    liaison = make_liaison(station)
    services.generate_roster(station, actor=staff, start=today, end=today)
    slot = DutySlot.objects.get(station=station, date=today)
    _reception(station, liaison, deputy=slot.person)
    _reception(station, liaison, deputy=slot.person, topic="第二件事")
    slot.refresh_from_db()
    assert slot.status == DutySlot.Status.DONE
    records = DutyRecord.objects.filter(person=slot.person, source=f"station_duty:{slot.pk}")
    assert records.count() == 1
    assert records.get().status == DutyRecord.Status.VERIFIED
    assert records.get().type.code == "reception"


def test_a_liaison_of_another_station_cannot_record_a_reception(make_station, make_liaison):
    station, other = make_station(), make_station()
    with pytest.raises(PermissionDenied):
        _reception(station, make_liaison(other))
    assert not Reception.objects.exists()


def test_bad_input_is_refused_with_chinese_messages_and_nothing_saved(make_station, make_liaison):
    station = make_station()
    with pytest.raises(ValidationError) as exc:
        _reception(station, make_liaison(station), visitor_name="", date=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.message_dict["visitor_name"] == ["请填写来访人姓名。"]
    assert "不能晚于今天" in exc.value.message_dict["date"][0]
    assert not Reception.objects.exists()


def test_figures_count_visitors_issues_resolved_and_the_rate(make_station, make_liaison, world):
    station = make_station(deputies=1)
    liaison = make_liaison(station)
    first = _reception(station, liaison, visitor_count=3)
    _reception(station, liaison)
    third = _reception(station, liaison)
    services.answer_on_spot(first, actor=liaison, answer="已联系供电所")
    services.refer_reception(third, actor=liaison, unit=world.unit, note="")
    services.resolve_reception(third, actor=liaison, result="已修复")
    rows, total = stats.figures(Reception.objects.all(), Message.objects.all(), by="station")
    assert (total.visitors, total.issues, total.resolved, total.referred) == (5, 3, 2, 1)
    assert total.rate == "66.7%"
    assert rows[0].label == station.name
