"""Who sees which sessions (pages and API), the list's query count, exports and the staff forms."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from training.models import CheckIn, Enrolment, Kind, TrainingSession

TZ = timezone.get_default_timezone()


@pytest.fixture
def two_townships(world, make_session):
    return make_session(congress=world.town_a, title="城关镇代表培训"), make_session(
        congress=world.town_b, title="河西镇代表培训"
    )


def test_a_townships_staff_do_not_see_another_townships_sessions(two_townships, make_user, login, world):
    mine, theirs = two_townships
    client = login(make_user("town_staff", congress=world.town_a))
    assert client.get(reverse("training:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("training:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("training:signin_pdf", args=[theirs.pk])).status_code == 404
    listing = client.get(reverse("training:list")).content.decode()
    assert "城关镇代表培训" in listing and "河西镇代表培训" not in listing
    assert client.get(f"/api/v1/training/sessions/{theirs.pk}/").status_code == 404
    titles = [s["title"] for s in client.get("/api/v1/training/sessions/").json()["results"]]
    assert titles == ["城关镇代表培训"]


def test_the_county_office_sees_its_townships_sessions(two_townships, staff, login):
    titles = [s["title"] for s in login(staff).get("/api/v1/training/sessions/").json()["results"]]
    assert sorted(titles) == ["城关镇代表培训", "河西镇代表培训"]


def test_a_deputy_sees_only_the_sessions_they_are_invited_to(two_townships, make_deputy, enrol, login):
    mine, theirs = two_townships
    person = make_deputy()
    enrol(mine, person)
    client = login(person.user)
    titles = [s["title"] for s in client.get("/api/v1/training/sessions/").json()["results"]]
    assert titles == ["城关镇代表培训"]
    assert client.get(f"/api/v1/training/sessions/{theirs.pk}/").status_code == 404
    enrolments = client.get("/api/v1/training/enrolments/").json()["results"]
    assert [e["person"] for e in enrolments] == [person.pk]
    assert client.get(reverse("training:list")).status_code == 403
    assert client.get(reverse("training:signin_pdf", args=[mine.pk])).status_code == 403
    my_page = client.get(reverse("training:my")).content.decode()
    assert "城关镇代表培训" in my_page and "确认参加" in my_page


def test_a_handling_unit_has_no_training_pages(make_user, login, world):
    client = login(make_user("unit_staff", congress=None, unit=world.unit))
    assert client.get(reverse("training:list")).status_code == 403
    assert client.get("/api/v1/training/sessions/").json()["results"] == []


def test_a_deputy_confirms_and_asks_for_leave_on_the_phone(world, make_session, make_deputy, enrol, login):
    session = make_session([timezone.localdate() + dt.timedelta(days=3)])
    enrolment = enrol(session, make_deputy())
    client = login(enrolment.person.user)
    client.post(reverse("training:my_confirm", args=[enrolment.pk]))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED
    response = client.post(reverse("training:my_leave", args=[enrolment.pk]), {"reason": ""})
    assert "请填写请假事由" in response.content.decode()
    client.post(reverse("training:my_leave", args=[enrolment.pk]), {"reason": "出差"})
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.leave_reason) == (Enrolment.Status.LEAVE_REQUESTED, "出差")


def test_approving_leave_twice_through_the_api_is_a_conflict(world, make_session, make_deputy, enrol, staff, login):
    session = make_session([timezone.localdate() + dt.timedelta(days=3)])
    enrolment = enrol(session, make_deputy(), status=Enrolment.Status.LEAVE_REQUESTED, leave_reason="病假")
    client = login(staff)
    url = f"/api/v1/training/enrolments/{enrolment.pk}/approve-leave/"
    assert client.post(url, {}, content_type="application/json").status_code == 200
    assert client.post(url, {}, content_type="application/json").status_code == 409


def _many_sessions(world, make_session, enrol, make_deputy, n):
    people = [make_deputy(user=False) for _ in range(3)]
    for i in range(n):
        when = dt.date(2026, 1, 1) + dt.timedelta(days=(TrainingSession.objects.count() * 7) % 300)
        session = make_session([when], kind=Kind.TOPIC, title=f"专题{i}")
        for p in people[: 1 + i % 3]:
            enrol(session, p)


# The per-request shell every page pays whatever it shows: the session read and save (in a savepoint), the user,
# and the navigation's unread count. What is left is the list's own work.
SHELL = re.compile(r'django_session|^SAVEPOINT|^RELEASE SAVEPOINT|FROM "accounts_user" WHERE|core_notification')


def list_queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("training:list"), params)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("params", [{}, {"q": "专题", "kind": "topic", "year": "2026", "when": "past"}])
def test_the_list_query_count_does_not_grow_with_rows(
    params, world, make_session, enrol, make_deputy, staff, login, django_assert_num_queries
):
    client = login(staff)
    _many_sessions(world, make_session, enrol, make_deputy, 20)
    at_20 = list_queries(client, params)
    own = [q for q in at_20 if not SHELL.search(q)]
    assert len(own) <= 8, own
    _many_sessions(world, make_session, enrol, make_deputy, 180)
    with django_assert_num_queries(len(at_20)):
        client.get(reverse("training:list"), params)
    with django_assert_num_queries(len(at_20)):
        client.get(reverse("training:list"), {**params, "page": 5})


def test_the_list_filters_and_exports_to_excel(world, make_session, staff, login):
    make_session([dt.date(2026, 3, 1)], kind=Kind.INDUCTION, title="新任代表初任培训")
    make_session([dt.date(2025, 3, 1)], kind=Kind.TOPIC, title="=HYPERLINK(1)")
    client = login(staff)
    html = client.get(reverse("training:list") + "?kind=induction").content.decode()
    assert "新任代表初任培训" in html and "HYPERLINK" not in html
    response = client.get(reverse("training:list") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(titles) == ["'=HYPERLINK(1)", "新任代表初任培训"]


def test_the_signin_sheet_pdf_has_the_title_and_the_names(world, make_session, make_deputy, enrol, staff, login):
    session = make_session([dt.date(2026, 3, 1)], title="2026年县人大代表履职能力提升培训班")
    enrolment = enrol(session, make_deputy(name="王小明"))
    CheckIn.objects.create(
        enrolment=enrolment,
        day=session.days.get(),
        checked_at=dt.datetime(2026, 3, 1, 8, 50, tzinfo=TZ),
        method=CheckIn.Method.QR,
    )
    response = login(staff).get(reverse("training:signin_pdf", args=[session.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = extract_text(io.BytesIO(response.content))
    assert "2026年县人大代表履职能力提升培训班签到表" in text
    assert "王小明" in text


def test_the_attendance_excel_has_one_column_per_day(world, make_session, make_deputy, enrol, staff, login):
    session = make_session([dt.date(2026, 3, 1), dt.date(2026, 3, 2)])
    enrol(session, make_deputy(name="李四"), status=Enrolment.Status.LEAVE_APPROVED, leave_reason="住院")
    response = login(staff).get(reverse("training:attendance_xlsx", args=[session.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][6:8] == ("03-01", "03-02")
    assert rows[1][1] == "李四" and rows[1][6:8] == ("请假", "请假")


def test_staff_create_a_session_with_its_days(world, staff, login):
    client = login(staff)
    data = {
        "congress": world.county.pk,
        "kind": Kind.INDUCTION,
        "title": "新任代表初任培训",
        "lecturers": "王教授",
        "planned_hours": "6",
        "target_levels": ["county"],
        "days-TOTAL_FORMS": "3",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "1",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2026-12-01",
        "days-0-start_time": "09:00",
        "days-0-end_time": "12:00",
        "days-0-place": "县人大常委会会议室",
        "days-1-date": "2026-12-02",
        "days-1-start_time": "09:00",
        "days-1-end_time": "12:00",
        "days-1-place": "县人大常委会会议室",
    }
    response = client.post(reverse("training:create"), data)
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert [str(d.hours) for d in session.days.all()] == ["3.0", "3.0"]
    assert session.target_levels == ["county"]
    bad = {**data, "days-0-end_time": "08:00", "title": ""}
    html = client.post(reverse("training:create"), bad).content.decode()
    assert "结束时间应晚于开始时间" in html and "请填写培训名称" in html
    assert TrainingSession.objects.count() == 1


def test_a_township_office_cannot_create_a_county_session(world, make_user, login):
    client = login(make_user("town_staff", congress=world.town_a))
    response = client.post(
        "/api/v1/training/sessions/",
        {
            "congress": world.county.pk,
            "kind": "duty",
            "title": "越权",
            "planned_hours": "2",
            "days": [{"date": "2026-12-01", "start_time": "09:00", "end_time": "11:00", "place": "会议室"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not TrainingSession.objects.exists()


def test_the_county_office_creates_a_session_through_the_api(world, staff, login):
    response = login(staff).post(
        "/api/v1/training/sessions/",
        {
            "congress": world.county.pk,
            "kind": "topic",
            "title": "预算审查专题培训",
            "planned_hours": "5",
            "target_levels": ["county"],
            "days": [
                {"date": "2026-12-01", "start_time": "09:00", "end_time": "12:00", "place": "会议室", "hours": "3"},
                {"date": "2026-12-02", "start_time": "09:00", "end_time": "11:00", "place": "会议室"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    session = TrainingSession.objects.get()
    assert [str(d.hours) for d in session.days.all()] == ["3.0", "2.5"]
    assert [d["date"] for d in response.json()["days"]] == ["2026-12-01", "2026-12-02"]


def test_editing_keeps_days_with_checkins(world, make_session, make_deputy, enrol, staff):
    from django.core.exceptions import ValidationError

    from training import services

    session = make_session([dt.date(2026, 3, 1), dt.date(2026, 3, 2)])
    first, second = session.days.all()
    CheckIn.objects.create(
        enrolment=enrol(session, make_deputy()),
        day=first,
        checked_at=dt.datetime(2026, 3, 1, 9, tzinfo=TZ),
        method=CheckIn.Method.QR,
    )
    keep_second = [
        {
            "id": second.pk,
            "date": second.date,
            "start_time": second.start_time,
            "end_time": second.end_time,
            "place": second.place,
            "hours": second.hours,
        }
    ]
    with pytest.raises(ValidationError, match="已有签到记录的日程不能删除"):
        services.update_session(session, actor=staff, days=keep_second)
    assert session.days.count() == 2


def test_my_trainings_shows_a_course_under_way_as_checked_in_without_confirm_or_leave(
    make_session, make_deputy, enrol, login
):
    today = timezone.localdate()
    running = make_session([today - dt.timedelta(days=1), today], title="两天的履职培训班")
    finished = make_session([today - dt.timedelta(days=10)], title="上月的专题培训")
    person = make_deputy()
    on_course = enrol(running, person, status=Enrolment.Status.CONFIRMED)
    first_day = running.days.order_by("date").first()
    CheckIn.objects.create(
        enrolment=on_course, day=first_day, checked_at=timezone.now() - dt.timedelta(days=1), method=CheckIn.Method.QR
    )
    enrol(finished, person)
    page = login(person.user).get(reverse("training:my")).content.decode()
    upcoming, history = page.split("培训记录", 1)
    # The course that started yesterday and ends today is still current, shown with the day already attended.
    assert "两天的履职培训班" in upcoming and "已签到 1/2 天" in upcoming
    assert "确认参加" not in upcoming and "请假" not in upcoming
    assert "上月的专题培训" in history and "未签到" in history


def test_after_checking_in_a_deputy_can_neither_ask_leave_nor_confirm_again(make_session, make_deputy, enrol):
    from core.exceptions import IllegalTransition
    from training import services

    today = timezone.localdate()
    session = make_session([today, today + dt.timedelta(days=1)])
    enrolment = enrol(session, make_deputy(), status=Enrolment.Status.INVITED)
    CheckIn.objects.create(
        enrolment=enrolment, day=session.days.order_by("date").first(), checked_at=timezone.now(), method="qr"
    )
    user = enrolment.person.user
    with pytest.raises(IllegalTransition, match="您已签到，不能再请假"):
        services.request_leave(enrolment, actor=user, reason="临时有事")
    with pytest.raises(IllegalTransition, match="您已签到，不能再确认参加"):
        services.confirm(enrolment, actor=user)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.INVITED and enrolment.leave_reason == ""
