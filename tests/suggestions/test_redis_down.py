"""With Redis stopped a request still succeeds; its notifications wait in the outbox for the sweep."""

import logging

import pytest

from core.models import Delivery, Notification
from renda.celery import app

from .conftest import act

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    # Saved before the settings change: Celery's configuration reads the Django settings lazily, so reading it after
    # would "restore" the closed port as an explicit override for the rest of the session.
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CELERY_BROKER_URL = CLOSED
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url, app.conf.task_always_eager = CLOSED, False
    app._after_fork()  # drop any pooled connection to the real broker
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._after_fork()


def test_an_answer_is_approved_with_redis_stopped_and_the_deputy_is_notified_later(
    flow, people, api, redis_down, django_capture_on_commit_callbacks, caplog
):
    s = flow.to("signed")
    asg = flow.lead_assignment(s)
    act(api(people.unit_staff), s, "answer", assignment=asg.pk, text="已办理。", result_class="A")
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = act(api(people.unit_head), s, "approve-answer", assignment=asg.pk)
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "answered"
    assert callbacks  # the queueing ran after commit …
    assert "Broker unavailable" in caplog.text  # … and found no broker
    note = Notification.objects.get(recipient=people.deputy, event="suggestion.answered")
    assert list(note.deliveries.values_list("channel", "status")) == [("sms", Delivery.Status.PENDING)]
