"""On-site check-in with the rotating QR code."""

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from training import qr, services
from training.models import CheckIn, Enrolment

TZ = timezone.get_default_timezone()
NOON = dt.datetime(2026, 5, 12, 9, 5, tzinfo=TZ)


def checkin_url(day, token):
    return reverse("training:checkin", args=[day.pk]) + f"?t={quote(token)}"


@pytest.fixture
def on_site(make_session, make_deputy, enrol, world):
    """A one-day session on 2026-05-12 09:00–12:00 with one invited deputy."""
    session = make_session([NOON.date()])
    person = make_deputy(township=world.area_a)
    enrol(session, person)
    return session, session.days.get(), person


def test_a_fresh_code_checks_the_deputy_in(on_site, login):
    session, day, person = on_site
    with time_machine.travel(NOON, tick=False):
        token = qr.make_token(day.pk)
        response = login(person.user).get(checkin_url(day, token))
    assert response.status_code == 200
    assert "签到成功" in response.content.decode()
    checkin = CheckIn.objects.get()
    assert (checkin.enrolment.person, checkin.day, checkin.method) == (person, day, CheckIn.Method.QR)
    assert checkin.checked_at == NOON


def test_a_code_from_the_previous_window_is_still_accepted(on_site, login):
    session, day, person = on_site
    with time_machine.travel(NOON, tick=False):
        token = qr.make_token(day.pk)
    with time_machine.travel(NOON + dt.timedelta(seconds=qr.window_seconds()), tick=False):
        response = login(person.user).get(checkin_url(day, token))
    assert response.status_code == 200
    assert CheckIn.objects.count() == 1


def test_a_stale_code_is_refused_with_a_clear_message(on_site, login):
    session, day, person = on_site
    with time_machine.travel(NOON, tick=False):
        token = qr.make_token(day.pk)
    with time_machine.travel(NOON + dt.timedelta(seconds=2 * qr.window_seconds()), tick=False):
        response = login(person.user).get(checkin_url(day, token))
    assert response.status_code == 400
    assert "签到码已过期，请重新扫描培训现场大屏上的最新二维码。" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_photo_of_yesterdays_code_is_refused(on_site, login):
    session, day, person = on_site
    with time_machine.travel(NOON - dt.timedelta(days=1), tick=False):
        token = qr.make_token(day.pk)
    with time_machine.travel(NOON, tick=False):
        response = login(person.user).get(checkin_url(day, token))
    assert response.status_code == 400
    assert "签到码已过期" in response.content.decode()


def test_a_forged_code_is_refused_with_a_clear_message(on_site, login):
    session, day, person = on_site
    with time_machine.travel(NOON, tick=False):
        genuine = qr.make_token(day.pk)
        value, _, signature = genuine.rpartition(":")
        forged = f"{value}:{'A' * len(signature)}"
        client = login(person.user)
        responses = [client.get(checkin_url(day, t)) for t in (forged, "", f"{day.pk}.{qr.window_index()}")]
    for response in responses:
        assert response.status_code == 400
        assert "签到码无效，请扫描培训现场大屏上的二维码。" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_code_for_another_day_is_refused(on_site, make_session, login):
    session, day, person = on_site
    other = make_session([NOON.date()]).days.get()
    with time_machine.travel(NOON, tick=False):
        token = qr.make_token(other.pk)
        response = login(person.user).get(checkin_url(day, token))
    assert response.status_code == 400
    assert "该签到码不属于本场培训日程" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_genuine_code_on_another_date_is_refused(on_site, login):
    """The projector page could be opened the day before: the code of a day works only on that day."""
    session, day, person = on_site
    eve = NOON - dt.timedelta(days=1)
    with time_machine.travel(eve, tick=False):
        response = login(person.user).get(checkin_url(day, qr.make_token(day.pk)))
    assert response.status_code == 400
    assert "今天不是本场培训的签到日期" in response.content.decode()


def test_scanning_twice_keeps_the_first_checkin(on_site, login):
    session, day, person = on_site
    client = login(person.user)
    with time_machine.travel(NOON, tick=False):
        client.get(checkin_url(day, qr.make_token(day.pk)))
    with time_machine.travel(NOON + dt.timedelta(minutes=20), tick=False):
        response = client.get(checkin_url(day, qr.make_token(day.pk)))
    assert "您已签到" in response.content.decode()
    assert list(CheckIn.objects.values_list("checked_at", flat=True)) == [NOON]


def test_an_anonymous_scan_goes_to_login_and_comes_back(on_site, client):
    session, day, person = on_site
    with time_machine.travel(NOON, tick=False):
        url = checkin_url(day, qr.make_token(day.pk))
        response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=" + quote(url, safe="/")


def test_a_checkin_after_the_grace_is_late(on_site, settings):
    session, day, person = on_site
    settings.TRAINING_LATE_GRACE_MINUTES = 10
    at = dt.datetime(2026, 5, 12, 9, 11, tzinfo=TZ)
    with time_machine.travel(at, tick=False):
        checkin, _ = services.check_in_by_qr(actor=person.user, day_id=day.pk, token=qr.make_token(day.pk))
    assert checkin.is_late
    assert not CheckIn(day=day, checked_at=dt.datetime(2026, 5, 12, 9, 10, tzinfo=TZ)).is_late


def test_a_deputy_outside_the_target_is_checked_in_and_flagged_by_default(on_site, make_deputy, world, login, staff):
    session, day, person = on_site
    stranger = make_deputy(world.town_b, township=world.area_b)
    with time_machine.travel(NOON, tick=False):
        response = login(stranger.user).get(checkin_url(day, qr.make_token(day.pk)))
    assert response.status_code == 200
    assert "待工作人员核实" in response.content.decode()
    checkin = CheckIn.objects.get(enrolment__person=stranger)
    assert checkin.flagged
    assert Enrolment.objects.get(person=stranger).outside_target
    # It reaches the duty archive only once staff accept it.
    from duties.models import DutyRecord

    assert not DutyRecord.objects.filter(person=stranger).exists()
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        services.clear_flag(checkin, actor=staff)
    assert DutyRecord.objects.filter(person=stranger, source=f"training:{checkin.pk}").exists()


def test_a_deputy_outside_the_target_is_refused_when_the_office_says_so(on_site, make_deputy, world, login, settings):
    session, day, person = on_site
    settings.TRAINING_OUTSIDE_TARGET = "refuse"
    stranger = make_deputy(world.town_b, township=world.area_b)
    with time_machine.travel(NOON, tick=False):
        response = login(stranger.user).get(checkin_url(day, qr.make_token(day.pk)))
    assert response.status_code == 400
    assert "您不在本次培训的参训名单中，不能签到" in response.content.decode()
    assert not CheckIn.objects.exists()
    assert not Enrolment.objects.filter(person=stranger).exists()


def test_a_targeted_deputy_not_yet_invited_is_checked_in_without_a_flag(on_site, make_deputy, world, login, settings):
    session, day, person = on_site
    settings.TRAINING_OUTSIDE_TARGET = "refuse"
    session.target_levels = ["county"]
    session.save()
    latecomer = make_deputy(world.county, township=world.area_a)
    with time_machine.travel(NOON, tick=False):
        response = login(latecomer.user).get(checkin_url(day, qr.make_token(day.pk)))
    assert response.status_code == 200
    assert not CheckIn.objects.get(enrolment__person=latecomer).flagged


def test_the_projector_page_fetches_its_code_and_count_again_every_30_seconds(on_site, staff, login):
    session, day, person = on_site
    client = login(staff)
    with time_machine.travel(NOON, tick=False):
        page = client.get(reverse("training:day_qr", args=[day.pk]))
        svg = client.get(reverse("training:day_qr_svg", args=[day.pk]))
    html = page.content.decode()
    # No meta refresh (an accessibility failure: the page reloads under the reader); htmx swaps the live part.
    assert 'http-equiv="refresh"' not in html
    assert 'id="qr-live"' in html and 'hx-trigger="every 30s"' in html and 'hx-select="#qr-live"' in html
    assert f'hx-get="{reverse("training:day_qr", args=[day.pk])}"' in html
    assert "vendor/htmx.min.js" in html
    assert f'src="{reverse("training:day_qr_svg", args=[day.pk])}' in html
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    assert svg["Cache-Control"] == "no-store"


def test_staff_check_a_deputy_in_by_hand_with_a_reason(on_site, staff):
    session, day, person = on_site
    with time_machine.travel(NOON, tick=False):
        with pytest.raises(Exception, match="请填写补签原因"):
            services.check_in_by_hand(day, actor=staff, person=person, reason=" ")
        checkin, created = services.check_in_by_hand(day, actor=staff, person=person, reason="手机没电")
    assert created
    assert (checkin.method, checkin.manual_reason, checkin.by) == (CheckIn.Method.MANUAL, "手机没电", staff)


def test_the_duty_payload_describes_a_training_duty(on_site, staff):
    session, day, person = on_site
    with time_machine.travel(NOON, tick=False):
        checkin, _ = services.check_in_by_hand(day, actor=staff, person=person, reason="现场登记")
    payload = services.attendance_duty_payload(checkin)
    assert payload == {
        "person": person,
        "date": dt.date(2026, 5, 12),
        "type": "学习培训",
        "title": session.title,
        "hours": day.hours,
        "source": f"training:{checkin.pk}",
    }


def test_attendance_becomes_a_verified_training_duty_in_the_archive(on_site, login):
    from duties.models import DutyRecord

    session, day, person = on_site
    with time_machine.travel(NOON, tick=False):
        checkin, _ = services.check_in_by_qr(actor=person.user, day_id=day.pk, token=qr.make_token(day.pk))
        services.check_in_by_qr(actor=person.user, day_id=day.pk, token=qr.make_token(day.pk))
    record = DutyRecord.objects.get(person=person)
    assert (record.source, record.type.name, record.status, record.hours, record.date) == (
        f"training:{checkin.pk}",
        "学习培训",
        DutyRecord.Status.VERIFIED,
        day.hours,
        day.date,
    )
