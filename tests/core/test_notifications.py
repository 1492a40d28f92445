"""The notification service: each keyed notification is created and sent once, whatever runs twice or fails."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from core import notifications
from core.models import Delivery, Notification
from core.tasks import send_deliveries, sweep_outbox
from organization.models import Meeting
from tests import factories as f


@pytest.fixture
def recipient(make_user):
    return make_user(Role.STAFF, email="staff@example.org", phone="13700001111")


def test_notify_twice_with_the_same_key_creates_one_notification(recipient):
    first = notifications.notify(recipient, event="test", key="test:once", title="第一次")
    second = notifications.notify(recipient, event="test", key="test:once", title="第二次")
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=recipient).count() == 1
    assert Delivery.objects.filter(notification=first).count() == 1  # SMS; in-app is the row itself


def test_sending_twice_sends_each_delivery_once(recipient, sms_sent, mailoutbox):
    note = notifications.notify(
        recipient, event="test", key="test:send", title="请于本周五前答复", channels=("inapp", "email", "sms")
    )
    assert notifications.send_pending() == 2
    assert notifications.send_pending() == 0
    send_deliveries(note.pk)  # the task run again, as a retried or duplicated message would
    sweep_outbox()
    assert sms_sent == [("13700001111", "【人大代表工作平台】请于本周五前答复")]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["staff@example.org"]
    assert set(note.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_a_delivery_without_an_address_is_skipped_not_retried(make_user, sms_sent):
    user = make_user(Role.STAFF)
    note = notifications.notify(user, event="test", key="test:nophone", title="无手机号")
    notifications.send_pending()
    assert note.deliveries.get().status == Delivery.Status.SKIPPED
    assert sms_sent == []


def test_a_notification_queued_while_the_broker_is_down_is_sent_by_the_sweep_later(
    world, make_user, login, broker_down, sms_sent, django_capture_on_commit_callbacks, caplog
):
    seat = f.SeatFactory(term=world.term, person__phone="13800002222")
    make_user(Role.DEPUTY, person=seat.person)
    client = login(make_user(Role.STAFF))
    start = dt.date.today() + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("organization:meeting_create", args=[world.term.pk]),
            {"number": 7, "start": start.isoformat(), "end": (start + dt.timedelta(days=2)).isoformat()},
        )
    # The request succeeded although publishing the send task failed after commit.
    assert response.status_code == 302
    assert callbacks, "the send task is queued on commit"
    assert "Broker unavailable" in caplog.text  # publishing really failed
    assert Meeting.objects.filter(term=world.term, number=7).exists()
    delivery = Delivery.objects.get(notification__event="meeting.scheduled")
    assert delivery.status == Delivery.Status.PENDING and sms_sent == []

    sweep_outbox()  # what beat runs every five minutes
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert [phone for phone, _ in sms_sent] == ["13800002222"]


def test_the_bell_counts_unread_notifications_and_opening_one_marks_it_read(recipient, login):
    for n in range(3):
        notifications.notify(recipient, event="test", key=f"test:bell:{n}", title=f"通知{n}", url="/organization/")
    client = login(recipient)
    response = client.get(reverse("core:home"))
    assert response.context["unread_count"] == 3
    assert 'aria-label="通知，3 条未读"' in response.content.decode()

    note = Notification.objects.filter(recipient=recipient).first()
    opened = client.post(reverse("core:notification_read", args=[note.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/organization/"
    assert client.get(reverse("core:home")).context["unread_count"] == 2

    client.post(reverse("core:notifications"))
    assert client.get(reverse("core:home")).context["unread_count"] == 0


def test_a_user_cannot_mark_someone_elses_notification(recipient, make_user, login):
    note = notifications.notify(recipient, event="test", key="test:private", title="他人的通知")
    client = login(make_user(Role.STAFF))
    assert client.post(reverse("core:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_a_notification_never_redirects_off_site(recipient, login):
    note = notifications.notify(recipient, event="test", key="test:offsite", title="钓鱼", url="https://evil.example/")
    response = login(recipient).post(reverse("core:notification_read", args=[note.pk]))
    assert response["Location"] == reverse("core:notifications")


def _messages(users, prefix, channels=("inapp", "sms")):
    return [
        notifications.Message(recipient=u, event="test", key=f"{prefix}:{u.pk}", title=f"批量{u.pk}", channels=channels)
        for u in users
    ]


def test_notify_bulk_creates_each_key_once_with_its_deliveries_and_skips_what_exists(make_user, sms_sent):
    users = [make_user(Role.STAFF, phone=f"1370000{n:04d}") for n in range(5)]
    inactive = make_user(Role.STAFF, phone="13799990000", is_active=False)
    first = notifications.notify(users[0], event="test", key=f"bulk:{users[0].pk}", title="单独发过")
    messages = _messages(users + [inactive], "bulk")
    messages.append(messages[1])  # the same key twice in one call
    created = notifications.notify_bulk(messages, chunk_size=2)
    assert sorted(n.recipient_id for n in created) == sorted(u.pk for u in users[1:])
    assert all(n.pk for n in created)
    assert Notification.objects.filter(key__startswith="bulk:").count() == 5  # the inactive user gets nothing
    assert Delivery.objects.filter(notification__key__startswith="bulk:", channel="sms").count() == 5
    assert notifications.notify_bulk(messages, chunk_size=2) == []  # a second run creates nothing
    assert Delivery.objects.filter(notification__key__startswith="bulk:").count() == 5
    notifications.send_pending()
    assert sorted(phone for phone, _ in sms_sent) == [u.phone for u in users]  # each one once, the first included
    assert first.deliveries.get().status == Delivery.Status.SENT


def test_notify_bulk_keeps_the_chunks_it_finished_when_the_run_dies_midway(make_user):
    users = [make_user(Role.STAFF) for _ in range(5)]
    messages = _messages(users, "resume")

    def dies_after_three():
        yield from messages[:3]
        raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        notifications.notify_bulk(dies_after_three(), chunk_size=2)
    # The first chunk (two) was written and kept; the third message was never written.
    assert Notification.objects.filter(key__startswith="resume:").count() == 2
    rerun = notifications.notify_bulk(messages, chunk_size=2)
    assert sorted(n.recipient_id for n in rerun) == [u.pk for u in users[2:]]
    assert Delivery.objects.filter(notification__key__startswith="resume:").count() == 5


def test_notify_bulk_queues_one_send_per_chunk_after_commit_and_costs_the_same_queries_for_more_rows(
    make_user, django_capture_on_commit_callbacks
):
    users = [make_user(Role.STAFF, phone=f"1360000{n:04d}") for n in range(40)]

    def run(prefix, chosen):
        with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks() as callbacks:
            created = notifications.notify_bulk(_messages(chosen, prefix, ("inapp", "email", "sms")))
        return len(created), len(ctx.captured_queries), len(callbacks)

    few, many = run("few", users[:4]), run("many", users)
    assert (few[0], many[0]) == (4, 40)
    assert few[1] == many[1]  # the same queries for 4 and 40 notifications
    assert few[2] == many[2] == 1  # one sweep of the outbox queued per chunk, after commit
    assert Delivery.objects.filter(notification__key__startswith="many:").count() == 80
