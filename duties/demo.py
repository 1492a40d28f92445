"""Demo data for the duty archive on top of the demo county (core.demo): a year of duty records for the county's
deputies (a few of them inactive), group activities, attendance at this year's congress session, some reports to
voters, the default assessment rules for this year and last, the scores, and interviews with those below the line.

`seed(stdout)` does nothing when the county is missing or its duty records are already there, so it can run twice.
Every random choice comes from one seeded generator, so every run builds the same data.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import audit
from core import demo_data as d
from core.models import AuditEntry
from deputies.models import ActivityGroup, GroupMembership, Seat
from organization.models import Congress, Meeting

from . import services
from .assessment import recompute_rule_set
from .models import AssessmentRuleSet, Band, DutyRecord, DutyType, Interview, MeetingAttendance, Score, VoterReport

SEED = 2026_06
DEMO = "demo"

# (type code, weight, titles, places)
ACTIVITIES = [
    (
        "voter_contact",
        9,
        ["走访联系选民，听取意见建议", "入户走访困难群众", "到选区召开选民座谈会"],
        ["{village}", "{village}村委会"],
    ),
    ("reception", 6, ["在代表联络站接待选民", "进站轮值接待群众来访"], ["{town}代表之家", "{village}代表联络站"]),
    ("inspection", 3, ["参加县人大常委会组织的视察", "参加食品安全执法检查", "视察农村人居环境整治"], ["{town}"]),
    ("research", 3, ["参加专题调研：乡村教育", "调研农村饮水安全", "调研养老服务体系建设"], ["{town}", "县城"]),
    ("other_meeting", 2, ["列席镇人代会", "参加县人大代表小组会议"], ["{town}人大"]),
    ("training", 2, ["参加代表履职学习", "参加专题学习讲座"], ["县人大常委会会议室"]),
    ("mediation", 1, ["协助调解邻里土地纠纷", "参与化解拖欠工资矛盾"], ["{village}"]),
    ("helping", 1, ["为村民协调修建便民桥", "帮扶留守儿童"], ["{village}"]),
    ("public_welfare", 1, ["参加义务植树", "参加助学捐赠活动"], ["{town}"]),
    ("public_opinion", 1, ["报送社情民意：农村客运班次不足", "报送社情民意：集镇停车难"], [""]),
    ("proposal", 1, ["在闭会期间提出代表建议", "联名提出建议"], [""]),
]


def seed(stdout) -> bool:
    county = Congress.objects.filter(name=d.COUNTY_CONGRESS).first()
    if county is None:
        stdout.write("履职档案演示数据：没有演示县，跳过。")
        return False
    if DutyRecord.objects.filter(source__startswith=f"{DEMO}:").exists():
        stdout.write("履职档案演示数据已存在，未作改动。")
        return False
    with transaction.atomic():
        n = _Builder(county).build()
        audit.record(actor=None, action=AuditEntry.Action.IMPORT, obj=county, note="履职档案演示数据（seed_demo）")
    stdout.write(f"已建立履职档案演示数据：{n} 条履职记录，本年度与上年度考核结果。")
    return True


class _Builder:
    def __init__(self, county: Congress):
        self.county = county
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        # The standard types come from a data migration; duty_type() restores one that is missing.
        from .defaults import DUTY_TYPES
        from .services import duty_type

        self.types = {code: duty_type(code) for code, _name, _self in DUTY_TYPES}
        self.types.update({t.code: t for t in DutyType.objects.all()})
        self.term = county.current_term(self.today)

    def build(self) -> int:
        seats = Seat.objects.filter(congress=self.county, term=self.term).select_related("person__township")
        self.people = [s.person for s in seats.order_by("person_id")]
        demo_person = next((p for p in self.people if p.phone == d.DEPUTY_PHONE), None)
        inactive = set(self.rng.sample([p.pk for p in self.people if p is not demo_person], k=len(self.people) // 25))
        records = []
        for person in self.people:
            records += self._records(person, low=person.pk in inactive)
        records += self._group_activities()
        DutyRecord.objects.bulk_create(records, batch_size=1000)
        self._co_participants()
        self._attendance()
        self._voter_reports(inactive)
        if demo_person is not None:
            self._demo_deputy(demo_person)
        last = self._rules(self.today.year - 1)
        self._rules(self.today.year)
        self._interviews(last)
        return DutyRecord.objects.filter(person__in=self.people).count()

    # ----------------------------------------------------------------- records
    def _date(self) -> dt.date:
        """A day from the start of last year to yesterday."""
        span = (self.today - dt.date(self.today.year - 1, 1, 1)).days
        return self.today - dt.timedelta(days=self.rng.randint(1, span))

    def _record(self, person, code: str, title: str, place: str, date: dt.date, n: int, **extra) -> DutyRecord:
        return DutyRecord(
            person=person,
            type=self.types[code],
            date=date,
            title=title,
            place=place,
            content="",
            source=f"{DEMO}:{person.pk}:{n}",
            status=DutyRecord.Status.VERIFIED,
            verified_at=timezone.now(),
            **extra,
        )

    def _places(self, person, template: str) -> str:
        town = person.township.name if person.township_id else d.COUNTY[0]
        return template.format(town=town, village=self.rng.choice(["东街社区", "河坝村", "红光村", "新华村", "龙井村"]))

    def _records(self, person, *, low: bool) -> list[DutyRecord]:
        count = self.rng.randint(0, 3) if low else self.rng.randint(12, 56)
        weights = [a[1] for a in ACTIVITIES]
        out = []
        for n in range(count):
            code, _w, titles, places = self.rng.choices(ACTIVITIES, weights=weights)[0]
            title = self.rng.choice(titles)
            out.append(
                self._record(person, code, title, self._places(person, self.rng.choice(places)), self._date(), n)
            )
        return out

    def _group_activities(self) -> list[DutyRecord]:
        """Each group holds 0–4 activities over the period (a few groups fall short of the norm of two a year)."""
        out = []
        members = {}
        for m in GroupMembership.objects.filter(group__congress=self.county).select_related("person__township"):
            members.setdefault(m.group_id, []).append(m.person)
        self.group_members = members
        for group in ActivityGroup.objects.filter(congress=self.county).order_by("pk"):
            people = members.get(group.pk, [])
            if not people:
                continue
            for k in range(self.rng.choice((0, 1, 2, 3, 4))):
                date = self._date()
                theme = self.rng.choice(["乡村振兴", "营商环境", "基层医疗", "农村道路", "垃圾分类"])
                for person in self.rng.sample(people, k=min(len(people), self.rng.randint(3, 6))):
                    out.append(
                        self._record(
                            person,
                            "research",
                            f"{group.name}主题活动：{theme}",
                            self._places(person, "{town}"),
                            date,
                            1000 + group.pk * 10 + k,
                            group=group,
                        )  # fmt: skip
                    )
        return out

    def _co_participants(self) -> None:
        """Group activities list the other members who took part."""
        through = DutyRecord.co_participants.through
        links = []
        by_activity: dict[tuple, list] = {}
        for r in DutyRecord.objects.filter(source__startswith=f"{DEMO}:", group__isnull=False):
            by_activity.setdefault((r.group_id, r.date, r.title), []).append(r)
        for rows in by_activity.values():
            for r in rows:
                links += [through(dutyrecord_id=r.pk, person_id=o.person_id) for o in rows if o.pk != r.pk]
        through.objects.bulk_create(links, batch_size=2000)

    # ----------------------------------------------------------------- attendance and 述职
    def _attendance(self) -> None:
        for meeting in Meeting.objects.filter(term__congress=self.county, start__lte=self.today).filter(
            Q(start__year=self.today.year) | Q(start__year=self.today.year - 1)
        ):
            rows, records = [], []
            for person in self.people:
                r = self.rng.random()
                if r < 0.05:
                    status, half = MeetingAttendance.Status.LEAVE, self.rng.randint(1, 4)
                elif r < 0.06:
                    status, half = MeetingAttendance.Status.ABSENT, 0
                else:
                    status, half = MeetingAttendance.Status.PRESENT, 0
                rows.append(MeetingAttendance(person=person, meeting=meeting, status=status, leave_half_days=half))
                if status == MeetingAttendance.Status.PRESENT:
                    records.append(
                        DutyRecord(
                            person=person,
                            type=self.types["congress_session"],
                            date=meeting.start,
                            title=f"出席{meeting}",
                            place="县人民会堂",
                            source=f"meeting:{meeting.pk}",
                            status=DutyRecord.Status.VERIFIED,
                            verified_at=timezone.now(),
                        )  # fmt: skip
                    )
            MeetingAttendance.objects.bulk_create(rows)
            DutyRecord.objects.bulk_create(records, batch_size=1000)

    def _voter_reports(self, inactive: set[int]) -> None:
        reporters = [p for p in self.people if p.pk not in inactive and self.rng.random() < 0.2]
        for person in reporters:
            voters = self.rng.randint(45, 120)
            unsatisfied = self.rng.randint(0, 3)
            basic = self.rng.randint(3, 15)
            report = VoterReport.objects.create(
                person=person,
                date=self._date(),
                place=f"{person.township.name if person.township_id else ''}代表之家",
                voters_present=voters,
                satisfied=voters - basic - unsatisfied,
                basically_satisfied=basic,
                unsatisfied=unsatisfied,
            )
            DutyRecord.objects.create(
                person=person, type=self.types["voter_report"], date=report.date, place=report.place,
                title=f"向选民述职（到会选民{voters}人）", source=f"voter_report:{report.pk}",
                status=DutyRecord.Status.VERIFIED, verified_at=timezone.now(),
            )  # fmt: skip

    def _demo_deputy(self, person) -> None:
        """The `deputy` login sees each state on the phone: a returned record, a draft and one waiting."""
        base = self.today - dt.timedelta(days=3)
        DutyRecord.objects.create(
            person=person, type=self.types["reception"], date=base, place="城关镇代表之家", title="接待选民来访",
            source=DutyRecord.MANUAL, status=DutyRecord.Status.RETURNED, return_reason="请补充接待人数和反映的问题",
        )  # fmt: skip
        DutyRecord.objects.create(
            person=person, type=self.types["voter_contact"], date=base, place="东街社区", title="走访社区独居老人",
            source=DutyRecord.MANUAL, status=DutyRecord.Status.DRAFT,
        )  # fmt: skip
        DutyRecord.objects.create(
            person=person, type=self.types["inspection"], date=base - dt.timedelta(days=5), place="城关镇",
            title="参加城区燃气安全视察", source=DutyRecord.MANUAL, status=DutyRecord.Status.SUBMITTED,
        )  # fmt: skip

    # ----------------------------------------------------------------- assessment
    def _rules(self, year: int) -> AssessmentRuleSet:
        rules = services.ensure_rule_set(actor=None, congress=self.county, year=year)
        recompute_rule_set(rules)
        return rules

    def _interviews(self, last_year: AssessmentRuleSet) -> None:
        poor = Score.objects.filter(rule_set=last_year, band=Band.POOR).select_related("person")
        Interview.objects.bulk_create(
            Interview(
                person=s.person,
                congress=self.county,
                year=last_year.year,
                date=dt.date(last_year.year + 1, 2, 20),
                interviewers="县人大常委会副主任、代表工委主任",
                outcome="指出履职不足，代表表示今后积极参加小组活动、定期进站接待选民。",
            )
            for s in poor[:8]
        )
