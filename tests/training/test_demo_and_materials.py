"""The demo seed, the study-material library and its handout record, and the check-in API."""

import datetime as dt
import io

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from training import demo, qr
from training.models import CheckIn, Enrolment, Material, MaterialHandout, TrainingSession

TZ = timezone.get_default_timezone()


def test_the_demo_seeds_at_least_six_sessions_this_year_once(world, make_deputy, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_user("staff")
    for i in range(12):
        make_deputy(world.county, township=world.area_a if i % 2 else world.area_b)
    out = io.StringIO()
    assert demo.seed(out) is True
    year = timezone.localdate().year
    sessions = TrainingSession.objects.filter(days__date__year=year).distinct()
    assert sessions.count() >= 6
    assert len(set(sessions.values_list("kind", flat=True))) == 3
    today = timezone.localdate()
    assert sessions.filter(days__date__lt=today).exists() and sessions.filter(days__date__gt=today).exists()
    assert CheckIn.objects.filter(day__date__lt=today).exists()
    counts = (TrainingSession.objects.count(), Enrolment.objects.count(), CheckIn.objects.count())
    assert demo.seed(out) is False
    assert (TrainingSession.objects.count(), Enrolment.objects.count(), CheckIn.objects.count()) == counts


def test_staff_upload_a_material_and_record_who_received_it(
    world, make_session, make_deputy, enrol, staff, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = login(staff)
    upload = SimpleUploadedFile("手册.txt", "代表法要点".encode())
    response = client.post(
        reverse("training:materials"), {"congress": world.county.pk, "title": "代表法学习手册", "file": upload}
    )
    assert response.status_code == 302
    material = Material.objects.get()
    session = make_session([dt.date(2026, 3, 1)])
    session.materials.add(material)
    came, stayed_away = enrol(session, make_deputy()), enrol(session, make_deputy())
    CheckIn.objects.create(
        enrolment=came, day=session.days.get(), checked_at=dt.datetime(2026, 3, 1, 9, tzinfo=TZ), method="qr"
    )
    client.post(reverse("training:handout", args=[session.pk]), {"material": material.pk, "to": "attended"})
    client.post(reverse("training:handout", args=[session.pk]), {"material": material.pk, "to": "attended"})
    assert list(MaterialHandout.objects.values_list("person", flat=True)) == [came.person_id]
    assert stayed_away.person_id not in MaterialHandout.objects.values_list("person", flat=True)
    download = client.get(reverse("training:material_download", args=[material.pk]))
    assert b"".join(download.streaming_content).decode() == "代表法要点"


def test_another_townships_staff_cannot_download_a_material(world, make_user, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    material = Material.objects.create(
        congress=world.town_b, title="河西镇资料", file=SimpleUploadedFile("a.txt", b"x")
    )
    client = login(make_user("town_staff", congress=world.town_a))
    assert client.get(reverse("training:material_download", args=[material.pk])).status_code == 404


def test_a_deputy_checks_in_through_the_api_and_a_stale_code_is_a_400(make_session, make_deputy, enrol, login):
    noon = dt.datetime(2026, 5, 12, 9, 0, tzinfo=TZ)
    session = make_session([noon.date()])
    person = make_deputy()
    enrol(session, person)
    day = session.days.get()
    client = login(person.user)
    with time_machine.travel(noon, tick=False):
        stale = qr.make_token(day.pk)
    with time_machine.travel(noon + dt.timedelta(minutes=5), tick=False):
        refused = client.post(
            "/api/v1/training/checkins/scan/", {"day": day.pk, "token": stale}, content_type="application/json"
        )
        created = client.post(
            "/api/v1/training/checkins/scan/",
            {"day": day.pk, "token": qr.make_token(day.pk)},
            content_type="application/json",
        )
    assert refused.status_code == 400
    assert "签到码已过期" in refused.json()["detail"][0]
    assert created.status_code == 201
    assert created.json()["person"] == person.pk
