"""Engagement demo data for `manage.py seed_demo` (after core.demo has built the county and its logins).

This year's bimonthly 《青川人大工作》 and study material with read receipts (an important notice half read), a
half-year report round to the departments (some submitted, one accepted, the demo unit still pending and due
soon), a yearly plan with topics claimed by groups (one with its result), past inspections with attendance in the
archive and an upcoming one waiting for answers (tomorrow, for the reminder), special supervisors, visits by
standing-committee members covering about 90% of deputies, a 会商 list and two 民意直通车 reports.
Idempotent: when the first demo notice exists, nothing is changed."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from deputies.models import ActivityGroup, Person, Seat
from organization.models import CommitteeMember, Congress, HandlingUnit

from . import services
from .models import Notice, NoticeReceipt

FIRST_TITLE = "《青川人大工作》第1期"


def seed(stdout) -> bool:
    if Notice.objects.filter(title=FIRST_TITLE).exists():
        return False
    county = Congress.objects.filter(level=Congress.Level.COUNTY, is_managed=True).order_by("id").first()
    staff = User.objects.filter(username="staff").first()
    if county is None or staff is None:
        return False
    rng = random.Random(2026)
    today = timezone.localdate()
    jan1 = dt.date(today.year, 1, 1)

    def day_before(days: int) -> dt.date:
        return max(jan1, today - dt.timedelta(days=days))

    deputies = list(
        Person.objects.filter(seats__congress=county, seats__status=Seat.Status.ACTIVE).distinct().order_by("id")
    )
    groups = list(ActivityGroup.objects.filter(congress=county).order_by("id"))
    units = list(HandlingUnit.objects.filter(congress=county, kind=HandlingUnit.Kind.DEPARTMENT).order_by("id"))
    demo_unit = User.objects.filter(username="unit").values_list("unit", flat=True).first()
    demo_person = User.objects.filter(username="deputy").values_list("person", flat=True).first()

    # Notices: six issues of the bulletin, study material and an important notice; most read.
    for n in range(1, 4):
        notice = services.publish_notice(
            actor=staff,
            congress=county,
            kind=Notice.Kind.BULLETIN,
            title=f"《青川人大工作》第{n}期",
            body="本期要目：常委会会议审议情况；代表建议办理情况通报；代表之家活动掠影。",
        )
        _read_share(notice, rng, 0.85 - n * 0.1)
    study = services.publish_notice(
        actor=staff, congress=county, kind=Notice.Kind.STUDY, title="代表法学习辅导材料", body="代表的权利和义务……"
    )
    _read_share(study, rng, 0.6)
    important = services.publish_notice(
        actor=staff,
        congress=county,
        title="关于做好闭会期间代表建议集中提出工作的通知",
        important=True,
        body="请各位代表于本月底前通过手机端提交闭会期间建议。",
    )
    _read_share(important, rng, 0.5)

    # Department reports: every half year.
    asked = units[:8]
    if demo_unit and demo_unit not in [u.pk for u in asked]:
        asked.append(HandlingUnit.objects.get(pk=demo_unit))
    rnd = services.create_report_round(
        actor=staff,
        congress=county,
        title=f"{today.year}年上半年工作情况报告",
        period=f"{today.year}年上半年",
        due_date=today + dt.timedelta(days=3),
        units=asked,
        instructions="报告本部门工作、执法情况和代表建议办理情况，不超过3000字。",
    )
    for i, req in enumerate(rnd.requests.exclude(unit_id=demo_unit).select_related("unit")):
        if i % 3 == 2:
            continue
        services.submit_report(
            req, actor=staff, content=f"{req.unit.name}上半年重点工作完成情况、执法检查整改和建议办理情况。"
        )
        if i % 3 == 0:
            services.review_report(req, actor=staff, accept=True)

    # Work plan and topics.
    plan = services.create_plan(
        actor=staff, congress=county, year=today.year, title=f"{today.year}年常委会监督和调研工作计划"
    )
    topics = [
        services.add_topic(plan, actor=staff, title=title, kind=kind)
        for title, kind in [
            ("农村养老服务体系建设情况调研", "research"),
            ("《中华人民共和国食品安全法》执法检查", "law_check"),
            ("县城老旧小区改造情况监督", "oversight"),
            ("义务教育优质均衡发展调研", "research"),
        ]
    ]
    for i, topic in enumerate(topics):
        claim = services.claim_topic(topic, actor=staff, group=groups[i * 3 % len(groups)])
        if i == 0:
            services.complete_claim(
                claim, actor=staff, result="形成调研报告一篇，提出建议5条。", finished_on=day_before(20)
            )

    # Invitations: two held (attendance in the archive), one tomorrow waiting for answers.
    for days, kind, title in [
        (60, "inspection", "视察全县河道综合治理"),
        (25, "standing", "列席县人大常委会第二十次会议"),
    ]:
        invited = rng.sample(deputies, min(12, len(deputies)))
        inv = services.create_invitation(
            actor=staff,
            congress=county,
            kind=kind,
            title=title,
            date=day_before(days),
            place="县人大常委会会议室",
            hours=4,
            persons=invited,
        )
        for reply in inv.replies.all():
            services.record_attendance(reply, actor=staff, attended=rng.random() < 0.85)
    upcoming_people = rng.sample(deputies, min(10, len(deputies)))
    if demo_person and demo_person not in [p.pk for p in upcoming_people]:
        upcoming_people.append(Person.objects.get(pk=demo_person))
    upcoming = services.create_invitation(
        actor=staff,
        congress=county,
        kind="law_check",
        title="《安全生产法》执法检查",
        date=today + dt.timedelta(days=1),
        place="县应急管理局",
        hours=4,
        reply_by=today,
        persons=upcoming_people,
    )
    for reply in upcoming.replies.exclude(person_id=demo_person)[:6]:
        services.answer_invitation(reply, actor=staff, accept=True)

    # Special supervisors.
    for person, unit in zip(deputies[:6], units[:6], strict=False):
        services.appoint_supervisor(
            actor=staff, congress=county, person=person, unit=unit, start=jan1, end=dt.date(today.year + 1, 12, 31)
        )

    # Visits: each member visits the members of their groups; about 90% reached.
    members = list(CommitteeMember.objects.filter(congress=county).prefetch_related("groups__members").order_by("id"))
    for member in members:
        for group in member.groups.all():
            people = [p for p in group.members.all() if rng.random() < 0.9]
            if people:
                services.record_visit(
                    actor=staff,
                    member=member,
                    date=day_before(rng.randint(1, 200)),
                    persons=people,
                    group=group,
                    way=rng.choice(["home", "meeting"]),
                    content="了解代表履职情况，听取意见建议。",
                )

    # 会商 list and 民意直通车.
    source_items = _stations_sources()
    for i, (title, unit_slice) in enumerate(
        [("城区停车难问题", units[:2]), ("农村饮水安全", units[2:4]), ("校园周边交通安全", units[4:6])]
    ):
        kind, oid, label = (
            source_items[i] if i < len(source_items) else ("opinion", None, f"闭会期间代表座谈意见：{title}")
        )
        item = services.add_consultation(
            actor=staff,
            congress=county,
            title=title,
            units=unit_slice or units[:1],
            source_kind=kind,
            source_id=oid,
            source_label=label if kind == "opinion" else "",
            deputy=deputies[i],
            content=f"代表反映{title}，建议有关部门会商解决。",
        )
        if i == 0:
            services.record_consultation(
                item,
                actor=staff,
                meeting_date=day_before(10),
                attendees="县住建局、县公安局交警大队、代表3名",
                agreed="年内新增公共停车泊位500个",
            )
    first = services.create_special_report(
        actor=staff,
        congress=county,
        title="群众反映农村客运班线减少问题",
        content="近期多个代表之家接待中，群众反映……",
        items=source_items[:2] or [("opinion", None, "代表之家接待汇总")],
    )
    services.send_special_report(first, actor=staff, sent_to="县委、县政府主要领导")
    services.record_instruction(first, actor=staff, instructed_by="县长", instruction="请县交通运输局研究提出方案。")
    services.create_special_report(
        actor=staff,
        congress=county,
        title="群众反映城区夜间施工噪音问题",
        content="……",
        items=[("opinion", None, "网上代表之家留言汇总")],
    )
    stdout.write(
        f"联系代表：通知{Notice.objects.count()}份，报告{rnd.requests.count()}份，邀请3项，常委{len(members)}名走访。"
    )
    return True


def _read_share(notice: Notice, rng: random.Random, share: float) -> None:
    now = timezone.now()
    ids = [r.pk for r in notice.receipts.all() if rng.random() < share]
    NoticeReceipt.objects.filter(pk__in=ids).update(read_at=now)


def _stations_sources() -> list[tuple]:
    """A few station receptions to draw on, if the stations app has seeded any."""
    from django.apps import apps

    if not apps.is_installed("stations"):
        return []
    from stations.models import Reception

    return [("reception", r.pk, "") for r in Reception.objects.order_by("id")[:3]]
