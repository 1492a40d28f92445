"""Training demo data for `manage.py seed_demo` (called after core.demo has built the county).

Seven sessions this year: four past ones with attendance, leave and a few late arrivals (and a flagged check-in from
outside the target), one today (so the projector QR page has something to show), and two upcoming ones with
invitations, confirmations and a pending leave request — one of them tomorrow, for the day-before reminder.
Idempotent: when the first demo session exists, nothing is changed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from deputies.models import ActivityGroup
from organization.models import Congress

from . import services
from .models import CheckIn, Enrolment, Kind, Material, TrainingSession

SEED = 2026
LEAVE_REASONS = ["参加县人代会预备会议", "外出参加招商活动", "身体不适住院治疗", "单位有紧急任务", "家中老人生病需照顾"]


def _clamp(day: dt.date, today: dt.date) -> dt.date:
    """Keep a demo date inside this year."""
    return min(max(day, dt.date(today.year, 1, 1)), dt.date(today.year, 12, 31))


def _staff(congress: Congress) -> User | None:
    return (
        User.objects.filter(roles__role__in=[Role.STAFF, Role.TOWN_STAFF], congress=congress, is_active=True)
        .order_by("id")
        .first()
    )


def _attend(rng: random.Random, session: TrainingSession, *, rate: float, leave_rate: float, staff) -> int:
    """Check in about `rate` of the list on every day, approve leave for about `leave_rate`."""
    n = 0
    for enrolment in session.enrolments.select_related("person"):
        roll = rng.random()
        if roll < leave_rate:
            Enrolment.objects.filter(pk=enrolment.pk).update(
                status=Enrolment.Status.LEAVE_APPROVED,
                leave_reason=rng.choice(LEAVE_REASONS),
                leave_decided_by=staff,
                leave_decided_at=timezone.now(),
                responded_at=timezone.now(),
            )
            continue
        Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.CONFIRMED, responded_at=timezone.now())
        for day in session.days.all():
            if rng.random() > rate:
                continue
            minutes = rng.choice([-25, -18, -12, -9, -6, -3, 2, 8, 21])
            manual = rng.random() < 0.04
            checkin = CheckIn.objects.create(
                enrolment=enrolment,
                day=day,
                checked_at=day.starts_at + dt.timedelta(minutes=minutes),
                method=CheckIn.Method.MANUAL if manual else CheckIn.Method.QR,
                manual_reason="手机没电，现场登记" if manual else "",
                by=staff if manual else None,
            )
            services._record_duty(checkin, actor=staff)
            n += 1
    return n


@transaction.atomic
def seed(stdout) -> bool:
    county = (
        Congress.objects.filter(name="青川县人民代表大会").first()
        or Congress.objects.filter(level=Congress.Level.COUNTY, is_managed=True).order_by("id").first()
    )
    if county is None:
        stdout.write("培训：没有县级人大，跳过。")
        return False
    today = timezone.localdate()
    year = today.year
    first_title = f"{year}年新任代表初任培训班"
    if TrainingSession.objects.filter(congress=county, title=first_title).exists():
        stdout.write("培训：演示数据已存在，未改动。")
        return False
    staff = _staff(county)
    if staff is None:
        stdout.write("培训：没有县人大工作人员账号，跳过。")
        return False
    rng = random.Random(SEED)
    town = Congress.objects.filter(parent=county, level=Congress.Level.TOWNSHIP, is_managed=True).order_by("id").first()
    town_staff = _staff(town) if town else None
    sector_groups = list(ActivityGroup.objects.filter(congress=county, kind=ActivityGroup.Kind.SECTOR)[:2])
    area_groups = list(ActivityGroup.objects.filter(congress=county, kind=ActivityGroup.Kind.AREA)[:3])

    material = Material.objects.filter(congress=county, title="代表履职学习手册").first()
    if material is None:
        from django.core.files.base import ContentFile

        material = Material(congress=county, title="代表履职学习手册", description="代表法、监督法要点与履职指引")
        material.file.save("代表履职学习手册.txt", ContentFile("代表履职学习手册（演示）\n".encode()), save=False)
        material.uploaded_by = staff
        material.save()

    def day(offset: int, start="09:00", end="12:00", place="县人大常委会第一会议室"):
        return {
            "date": _clamp(today + dt.timedelta(days=offset), today),
            "start_time": dt.time.fromisoformat(start),
            "end_time": dt.time.fromisoformat(end),
            "place": place,
            "hours": None,
        }

    def make(actor, congress, kind, title, days, hours, lecturers, **target):
        # Two demo days may fall on the same clamped date early or late in the year: keep one per date.
        unique = list({d["date"]: d for d in days}.values())
        session = services.create_session(
            actor=actor,
            days=unique,
            congress=congress,
            kind=kind,
            title=title,
            lecturers=lecturers,
            planned_hours=Decimal(hours),
            description="",
            target_levels=target.pop("levels", []),
            **target,
        )
        services.invite_target(session, actor=actor)
        return session

    county_levels = [Congress.Level.COUNTY]
    past = [
        make(
            staff,
            county,
            Kind.INDUCTION,
            first_title,
            [{**day(-150, end="17:00"), "hours": Decimal("7")}, {**day(-149, end="12:00"), "hours": Decimal("3")}],
            "10",
            "县人大常委会副主任、县委党校教授",
            levels=county_levels,
            materials=[material],
        ),
        make(
            staff,
            county,
            Kind.DUTY,
            "代表履职能力提升培训班",
            [day(-70, start="14:30", end="17:30")],
            "3",
            "市人大代表工委主任",
            levels=county_levels,
            target_groups=area_groups,
        ),
        make(
            staff,
            county,
            Kind.TOPIC,
            "乡村振兴与产业发展专题培训",
            [day(-25, place="县农业农村局三楼会议室")],
            "3",
            "省农科院研究员",
            target_groups=sector_groups or area_groups,
        ),
    ]
    if town is not None and town_staff is not None:
        past.append(
            make(
                town_staff,
                town,
                Kind.DUTY,
                f"{town}代表履职培训",
                [day(-40, place=f"{town}代表之家")],
                "2.5",
                "县人大代表工委",
                levels=[Congress.Level.TOWNSHIP],
            )
        )
    today_session = make(
        staff,
        county,
        Kind.TOPIC,
        "预算审查监督专题培训",
        [{**day(0, start="08:30", end="17:30"), "date": today}],
        "6",
        "县财政局、县审计局",
        levels=county_levels,
    )
    upcoming = [
        make(
            staff,
            county,
            Kind.TOPIC,
            "代表建议撰写专题辅导",
            [day(1, start="14:30", end="17:00")],
            "2.5",
            "县人大常委会人代工委",
            levels=county_levels,
        ),
        make(
            staff,
            county,
            Kind.TOPIC,
            "宪法与代表法专题培训",
            [day(14), day(15)],
            "6",
            "县司法局、县法院",
            levels=county_levels,
            target_groups=area_groups[:1],
        ),
    ]

    # The notices of past sessions went out ten days before their first day.
    for session in past:
        sent = session.days.first().starts_at - dt.timedelta(days=10)
        TrainingSession.objects.filter(pk=session.pk).update(invited_at=sent)
        Enrolment.objects.filter(session=session).update(invited_at=sent)
    checkins = 0
    for session in past:
        checkins += _attend(
            rng, session, rate=0.88, leave_rate=0.06, staff=staff if session.congress_id == county.pk else town_staff
        )
    # Today: the morning arrivals so far.
    now = timezone.now()
    for enrolment in today_session.enrolments.select_related("person")[:12]:
        d = today_session.days.get()
        at = min(d.starts_at + dt.timedelta(minutes=rng.choice([-20, -10, -5, 3, 17])), now)
        if at >= d.starts_at - dt.timedelta(hours=1):
            CheckIn.objects.create(enrolment=enrolment, day=d, checked_at=at, method=CheckIn.Method.QR)
            checkins += 1
    # Upcoming: some confirm, one asks for leave.
    for session in upcoming:
        enrolments = list(session.enrolments.select_related("person")[:10])
        for i, enrolment in enumerate(enrolments):
            if i % 3 == 0:
                Enrolment.objects.filter(pk=enrolment.pk).update(
                    status=Enrolment.Status.CONFIRMED, responded_at=timezone.now()
                )
        if enrolments:
            Enrolment.objects.filter(pk=enrolments[-1].pk).update(
                status=Enrolment.Status.LEAVE_REQUESTED,
                leave_reason=rng.choice(LEAVE_REASONS),
                responded_at=timezone.now(),
            )
    # The demo deputy (login "deputy") is on the lists of a past session and the next one.
    demo_user = User.objects.filter(username="deputy").select_related("person").first()
    if demo_user and demo_user.person_id:
        for session in (past[1], upcoming[0]):
            Enrolment.objects.get_or_create(session=session, person=demo_user.person)
        enrolment = Enrolment.objects.get(session=past[1], person=demo_user.person)
        first = past[1].days.first()
        if not CheckIn.objects.filter(enrolment=enrolment).exists():
            checkin = CheckIn.objects.create(
                enrolment=enrolment, day=first, checked_at=first.starts_at, method=CheckIn.Method.QR
            )
            services._record_duty(checkin, actor=staff)
    sessions = len(past) + 1 + len(upcoming)
    stdout.write(f"培训：{sessions} 个培训班，{checkins} 条签到记录。")
    return True
