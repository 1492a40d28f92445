"""The office's view of background work: task runs recorded, failed ones retried from the page, and the watchdog
alerting administrators once per incident."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models import Notification
from ops import services
from ops.models import TaskRun
from ops.tasks import watchdog

from .conftest import needs_file


def fail(path) -> None:
    """Run the task in-process as a worker would (errors not propagated); it fails because `path` is missing."""
    result = needs_file.apply(args=[str(path)], throw=False)
    assert result.failed()


def test_a_failed_task_is_recorded_with_a_plain_chinese_reason(db, tmp_path):
    missing = tmp_path / "absent.txt"
    fail(missing)
    run = TaskRun.objects.get(task_name="tests.ops.needs_file")
    assert run.status == TaskRun.Status.FAILURE
    assert run.args == [str(missing)]
    assert run.error_type == "FileNotFoundError"
    assert "读写服务器上的文件失败" in run.plain_error
    assert run.finished_at is not None


def test_a_failed_task_can_be_retried_from_the_page(
    client, admin, tmp_path, eager_celery, django_capture_on_commit_callbacks
):
    marker = tmp_path / "marker.txt"
    fail(marker)
    failed = TaskRun.objects.get(status=TaskRun.Status.FAILURE)
    client.force_login(admin)
    page = client.get("/ops/work/").content.decode()
    assert "失败的任务" in page and f"/ops/work/runs/{failed.pk}/retry/" in page

    marker.write_text("好了", encoding="utf-8")  # the outside resource is back
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ops/work/runs/{failed.pk}/retry/")
    assert response.status_code == 302
    retry = TaskRun.objects.get(retry_of=failed)
    assert retry.status == TaskRun.Status.SUCCESS
    assert retry.args == failed.args
    failed.refresh_from_db()
    assert failed.retried_by == admin
    # Retried once: the button is gone and a second retry is refused.
    assert client.post(f"/ops/work/runs/{failed.pk}/retry/").status_code == 409


def test_only_administrators_open_the_background_work_pages(client, make_user):
    client.force_login(make_user("staff"))
    assert client.get("/ops/work/").status_code == 403
    assert client.get("/ops/errors/").status_code == 403


def test_the_page_counts_reminders_sent_today(client, admin, make_user):
    deputy_user = make_user("staff")
    Notification.objects.create(recipient=deputy_user, event="suggestion.due", key="t1", title="到期提醒")
    Notification.objects.create(recipient=deputy_user, event="suggestion.due", key="t2", title="到期提醒")
    client.force_login(admin)
    response = client.get("/ops/work/")
    rows = {r["event"]: r["n"] for r in response.context["today"]}
    assert rows["suggestion.due"] == 2
    assert response.context["today_total"] == 2


@pytest.fixture
def reminders_silent_for_30_hours(db):
    """The daily reminder task is scheduled (post_migrate) but has not run for 30 hours."""
    TaskRun.objects.create(
        task_id="old-run",
        task_name=services.REMINDER_TASK,
        status=TaskRun.Status.SUCCESS,
        started_at=timezone.now() - dt.timedelta(hours=30, minutes=1),
        finished_at=timezone.now() - dt.timedelta(hours=30),
    )


def test_the_alert_fires_once_when_the_reminder_task_has_not_run(admin, reminders_silent_for_30_hours):
    watchdog.apply()
    watchdog.apply()
    alerts = Notification.objects.filter(event=services.EVENT_REMINDER_SILENT)
    assert alerts.count() == 1
    assert alerts.get().recipient == admin
    assert "26 小时" in alerts.get().title
    assert alerts.get().deliveries.filter(channel="email").exists()


def test_no_alert_while_the_reminders_run_daily(admin, db):
    TaskRun.objects.create(
        task_id="recent-run",
        task_name=services.REMINDER_TASK,
        status=TaskRun.Status.SUCCESS,
        started_at=timezone.now() - dt.timedelta(hours=20),
        finished_at=timezone.now() - dt.timedelta(hours=20),
    )
    watchdog.apply()
    assert not Notification.objects.filter(event=services.EVENT_REMINDER_SILENT).exists()


def test_a_reminder_task_never_run_alerts_26_hours_after_it_was_scheduled(admin, db):
    assert PeriodicTask.objects.filter(task=services.REMINDER_TASK).exists()
    services.check_reminders_running()
    assert not Notification.objects.filter(event=services.EVENT_REMINDER_SILENT).exists()
    PeriodicTask.objects.filter(task=services.REMINDER_TASK).update(date_changed=timezone.now() - dt.timedelta(days=2))
    services.check_reminders_running()
    assert Notification.objects.filter(event=services.EVENT_REMINDER_SILENT, recipient=admin).count() == 1


def test_three_failures_in_a_row_alert_once(admin, tmp_path, eager_celery, django_capture_on_commit_callbacks):
    missing = str(tmp_path / "absent.txt")
    for _ in range(2):
        fail(missing)
    watchdog.apply()
    assert not Notification.objects.filter(event=services.EVENT_TASK_FAILING).exists()
    fail(missing)
    fail(missing)
    with django_capture_on_commit_callbacks(execute=True):
        watchdog.apply()
        watchdog.apply()
    alert = Notification.objects.get(event=services.EVENT_TASK_FAILING)
    assert "tests.ops.needs_file" in alert.title
    assert mail.outbox and mail.outbox[0].to == ["it@example.gov.cn"]


def test_the_watchdog_is_on_the_beat_schedule(db):
    assert PeriodicTask.objects.filter(task="ops.tasks.watchdog", enabled=True).exists()


def test_the_page_shows_each_periodic_task_s_last_result(client, admin, tmp_path):
    from django_celery_beat.models import IntervalSchedule

    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    PeriodicTask.objects.create(name="测试：读取文件", task="tests.ops.needs_file", interval=every_hour)
    fail(tmp_path / "absent.txt")
    client.force_login(admin)
    response = client.get("/ops/work/")
    row = next(t for t in response.context["periodic"] if t.name == "测试：读取文件")
    assert row.last_status_label == "失败"
    assert "失败：读写服务器上的文件失败" in response.content.decode()
