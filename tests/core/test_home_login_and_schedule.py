"""The dashboard and the phone home, logging in by phone number, and the outbox sweep's beat schedule."""

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from accounts.models import Role
from core.schedules import ensure_periodic_tasks
from tests import factories as f
from tests.conftest import PASSWORD


def test_a_deputy_logs_in_with_their_phone_number(world, make_user, client):
    person = f.PersonFactory(phone="13600003333")
    make_user(Role.DEPUTY, person=person, phone="13600003333")
    response = client.post(reverse("accounts:login"), {"username": "13600003333", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert [t.name for t in home.templates][0] == "mobile/home.html"


def test_a_wrong_password_is_refused_in_chinese(world, make_user, client):
    make_user(Role.DEPUTY, phone="13600004444")
    response = client.post(reverse("accounts:login"), {"username": "13600004444", "password": "wrong-one-1"})
    assert response.status_code == 200
    assert "用户名（手机号）或密码错误" in response.content.decode()


def test_the_staff_dashboard_has_a_card_per_area_of_work_with_counts(world, make_user, login):
    f.SeatFactory.create_batch(3, term=world.term)
    response = login(make_user(Role.STAFF)).get(reverse("core:home"))
    cards = {c.title: c for c in response.context["cards"]}
    assert cards["代表名册"].count == 3
    assert cards["承办单位"].count == 2
    assert cards["专门委员会"].count == 1
    assert {"建议办理", "代表之家", "培训"} <= set(cards)


def test_the_deputy_phone_home_shows_their_own_seats_and_groups(world, make_user, login):
    seat = f.SeatFactory(term=world.term, district="第9选区")
    group = f.GroupFactory(congress=world.county, name="城关代表小组")
    f.MembershipFactory(group=group, person=seat.person)
    page = login(make_user(Role.DEPUTY, person=seat.person)).get(reverse("core:home")).content.decode()
    assert "第9选区" in page and "城关代表小组" in page


@pytest.mark.django_db
def test_the_outbox_sweep_is_scheduled_every_five_minutes_once():
    ensure_periodic_tasks()
    ensure_periodic_tasks()
    tasks = PeriodicTask.objects.filter(task="core.tasks.sweep_outbox")
    assert tasks.count() == 1
    task = tasks.get()
    assert task.enabled and task.interval.every == 5 and task.interval.period == "minutes"
