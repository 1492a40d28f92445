"""Compliance figures follow the evidence and the latest inspection; reminders go out once however often the task
runs; the beat schedule is registered once."""

import datetime as dt

from django.utils import timezone

from core.models import Notification
from stations import services, standards
from stations.apps import PERIODIC_TASKS, register_schedule
from stations.models import Message


def _checklist(world, staff, names=("有标识", "有场地", "有设备", "有制度", "有记录", "有档案")):
    return services.save_checklist(actor=staff, congress=world.county, name="六有", items=[(n, "照片") for n in names])


def test_compliance_is_the_items_with_evidence_not_failed_by_the_latest_inspection(make_station, world, staff):
    checklist = _checklist(world, staff)
    items = list(checklist.items.all())
    full = make_station(checklist=checklist, name="达标站")
    part = make_station(checklist=checklist, name="缺项站")
    for item in items:
        services.record_evidence(full, item, actor=staff, note="见照片")
    for item in items[:4]:
        services.record_evidence(part, item, actor=staff, note="见照片")
    figures = standards.compliance_map([full, part])
    assert (figures[full.pk].met, figures[full.pk].total, figures[full.pk].percent) == (6, 6, "100%")
    assert (figures[part.pk].met, figures[part.pk].total) == (4, 6)
    assert figures[part.pk].missing == ["有记录", "有档案"]
    assert standards.short_station_ids([full, part]) == [part.pk]

    # The latest inspection finds one item of the full station short; an older pass does not count.
    services.record_inspection(full, actor=staff, date=dt.date(2026, 1, 5), results={i.pk: True for i in items})
    results = {i.pk: i.name != "有设备" for i in items}
    services.record_inspection(full, actor=staff, date=dt.date(2026, 3, 5), results=results)
    figures = standards.compliance_map([full, part])
    assert (figures[full.pk].met, figures[full.pk].failed) == (5, ["有设备"])
    # The figure the lists show and filter on is kept on the station by the services.
    full.refresh_from_db()
    part.refresh_from_db()
    assert (full.compliance_met, full.compliance_total, part.compliance_met) == (5, 6, 4)
    assert set(full.__class__.objects.filter(standards.short_q()).values_list("pk", flat=True)) == {full.pk, part.pk}

    town = standards.by_township(full.__class__.objects.filter(pk__in=[full.pk, part.pk]))
    assert [(t.stations, t.complete, t.met, t.total) for t in town] == [(2, 0, 9, 12)]


def test_the_duty_reminder_is_sent_once_when_the_task_runs_twice(make_station, staff):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    station = make_station(deputies=2, weekdays=str(tomorrow.isoweekday()))
    station.deputies_per_day = 2
    station.save()
    services.generate_roster(station, actor=staff, start=tomorrow, end=tomorrow)
    from stations.tasks import send_duty_reminders

    assert send_duty_reminders.apply().get() == 2
    assert send_duty_reminders.apply().get() == 0
    notes = Notification.objects.filter(event="station.duty.reminder")
    assert notes.count() == 2
    assert {n.recipient.person_id for n in notes} == set(station.memberships.values_list("person_id", flat=True))


def test_open_messages_past_each_age_are_reminded_once_per_threshold(make_station, make_liaison, settings):
    settings.STATIONS_MESSAGE_REMIND_DAYS = [3, 7]
    station = make_station()
    liaison = make_liaison(station)
    msg = services.submit_message(station, topic="噪音扰民", content="夜间施工", consent=True)
    Message.objects.filter(pk=msg.pk).update(created_at=timezone.now() - dt.timedelta(days=4))
    assert services.remind_open_messages() == 1
    assert services.remind_open_messages() == 0
    Message.objects.filter(pk=msg.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    assert services.remind_open_messages() == 1
    assert liaison.notifications.filter(event="station.message.overdue").count() == 2
    services.close_message(msg, actor=liaison, result="已协调施工单位")
    Message.objects.filter(pk=msg.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    settings.STATIONS_MESSAGE_REMIND_DAYS = [3, 7, 14]
    assert services.remind_open_messages() == 0


def test_the_beat_schedule_is_registered_once(db):
    from django_celery_beat.models import PeriodicTask

    register_schedule(sender=None)
    register_schedule(sender=None)
    for name, (task, _h, _m) in PERIODIC_TASKS.items():
        assert PeriodicTask.objects.filter(name=name, task=task).count() == 1
