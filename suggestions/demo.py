"""Demo suggestions for the fictional county (core.demo): a year of items in every state of the lifecycle.

`seed(stdout)` is called by `manage.py seed_demo` after the county exists; it does nothing when the county already has
suggestions. Rows are written directly (not through suggestions.services) because the story needs dates spread over
the year — items overdue, near due, answered months ago — while the services stamp every step with the present time
and act only through each unit's own logins; every step still leaves its Transition row, as the services would.
The demo logins get work: 'deputy' leads items in each state, 'unit'/'unithead' (教育局) hold items to sign, answer,
approve and follow up, 'committee' (教科文卫委) and 'leader' supervise key items.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.deadlines import deadline
from deputies.models import Seat
from organization.models import CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee

from .models import (
    Answer,
    Assignment,
    Category,
    Contact,
    CoSigner,
    FollowUp,
    HandlingRequest,
    NumberSequence,
    Rating,
    Suggestion,
    Supervision,
    SupervisionScore,
    Transition,
)
from .rules import rules

S = Suggestion.State
A = Assignment.State
AR = Assignment.Role
COUNTY = "青川县人民代表大会"

# Category → (supervising committee, handling unit, co-handling unit, titles).
CATEGORIES = {
    "教育": (
        "教育科学文化卫生委员会",
        "青川县教育局",
        "青川县财政局",
        [
            "关于改善农村寄宿制学校住宿条件的建议",
            "关于缓解城区学校大班额问题的建议",
            "关于加强乡村教师队伍建设的建议",
            "关于规范校外培训机构管理的建议",
            "关于完善学生上下学交通安全保障的建议",
            "关于加快建设县城第二幼儿园的建议",
        ],
    ),
    "卫生健康": (
        "教育科学文化卫生委员会",
        "青川县卫生健康局",
        "青川县医疗保障局",
        [
            "关于提升乡镇卫生院服务能力的建议",
            "关于加强村卫生室标准化建设的建议",
            "关于推进县域医共体建设的建议",
            "关于完善家庭医生签约服务的建议",
        ],
    ),
    "城乡建设": (
        "城乡建设环境保护委员会",
        "青川县住房和城乡建设局",
        "青川县自然资源局",
        [
            "关于加快老旧小区改造的建议",
            "关于解决县城停车难问题的建议",
            "关于完善城区排水防涝设施的建议",
            "关于推进农村危房改造的建议",
        ],
    ),
    "交通运输": (
        "城乡建设环境保护委员会",
        "青川县交通运输局",
        "青川县公安局",
        [
            "关于加快农村公路提档升级的建议",
            "关于增开城乡公交线路的建议",
            "关于整治乡村道路安全隐患的建议",
            "关于修复省道沿线损毁护栏的建议",
        ],
    ),
    "农业农村": (
        "农业农村委员会",
        "青川县农业农村局",
        "青川县水利局",
        [
            "关于扶持茶叶产业发展的建议",
            "关于完善农田水利设施的建议",
            "关于加强农村人居环境整治的建议",
            "关于发展壮大村集体经济的建议",
        ],
    ),
    "社会保障": (
        "社会建设委员会",
        "青川县人力资源和社会保障局",
        "青川县民政局",
        [
            "关于提高农村养老服务水平的建议",
            "关于加强困难群众救助的建议",
            "关于做好返乡农民工就业服务的建议",
        ],
    ),
    "生态环境": (
        "城乡建设环境保护委员会",
        "青川县生态环境局",
        "青川县林业局",
        [
            "关于加强白龙湖水质保护的建议",
            "关于整治乡镇生活垃圾处理的建议",
            "关于加强天然林保护的建议",
        ],
    ),
    "财政经济": (
        "财政经济委员会",
        "青川县发展和改革局",
        "青川县商务局",
        [
            "关于优化营商环境支持民营企业发展的建议",
            "关于加快县城商贸物流中心建设的建议",
            "关于加大对小微企业融资支持的建议",
        ],
    ),
    "政法": (
        "法制委员会",
        "青川县公安局",
        "青川县司法局",
        [
            "关于加强农村治安防控体系建设的建议",
            "关于完善基层人民调解工作的建议",
            "关于加强电信网络诈骗防范宣传的建议",
        ],
    ),
    "其他": (
        "",
        "青川县人民政府办公室（督查室）",
        "",
        [
            "关于改善农村电网供电质量的建议",
            "关于加快政务服务事项下沉乡镇的建议",
        ],
    ),
}
GOV_OFFICE = "青川县人民政府办公室（督查室）"

CONTENT = (
    "{town}群众多次向代表反映，{topic}的问题较为突出，影响群众生产生活。经实地走访和座谈了解，主要存在以下问题：一是"
    "投入不足，设施条件与群众需求差距较大；二是部门之间协调不够，问题反复出现；三是长效管理机制尚不健全。\n"
    "为此建议：一是加大资金投入，将相关项目纳入年度计划；二是明确牵头部门和责任分工，建立定期会商机制；"
    "三是完善长效管理制度，及时向群众公开进展情况。"
)
ANSWERS = {
    "A": "经认真研究，{unit}已将该事项纳入本年度重点工作，相关项目已于近期完工并投入使用，代表反映的问题已基本解决。"
    "下一步，我们将建立长效管理机制，定期听取代表和群众意见。",
    "B": "经认真研究，{unit}已将该事项列入明年工作计划，正在开展前期工作，预计明年年底前完成。"
    "我们将及时向代表报告进展情况。",
    "C": "代表提出的建议很有意义。受资金和规划条件限制，目前暂不具备实施条件，{unit}将积极争取上级支持，"
    "待条件成熟后逐步解决。",
    "D": "代表提出的建议对改进我们的工作有参考价值，{unit}将在制定相关政策时认真研究吸收。",
}


def seed(stdout) -> bool:
    """Add the demo suggestions to the demo county. Returns False (and changes nothing) when it already has some."""
    county = Congress.objects.filter(name=COUNTY).first()
    if county is None:
        stdout.write("未找到演示县，跳过建议演示数据。")
        return False
    if Suggestion.objects.filter(congress=county).exists():
        stdout.write("演示县已有代表建议，未作改动。")
        return False
    with transaction.atomic():
        builder = _Builder(county)
        builder.build()
        audit.record(actor=None, action="import", obj=county, note=f"演示数据：代表建议 {builder.count} 件")
    from .reminders import send_reminders

    sent = send_reminders(timezone.localdate())
    stdout.write(f"已建立演示代表建议 {builder.count} 件（含各办理状态），发出提醒 {sum(sent.values())} 条。")
    return True


class _Builder:
    def __init__(self, county: Congress):
        self.county = county
        self.rng = random.Random(20260301)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.count = 0
        self.used_titles: dict[str, int] = {}
        self.stamps: list[tuple[object, str, dt.datetime]] = []  # auto_now_add fields to backdate

    # ------------------------------------------------------------------ setup
    def setup(self) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=["staff", "deputy", "unit", "unithead"])}
        self.staff = users.get("staff")
        self.unit_user = users.get("unit")
        self.head_user = users.get("unithead")
        self.demo_person_id = users["deputy"].person_id if "deputy" in users else None
        committees = {c.name: c for c in SpecialCommittee.objects.filter(congress=self.county)}
        units = {u.name: u for u in HandlingUnit.objects.filter(congress=self.county)}
        self.units = units
        self.categories = {}
        for order, (name, (committee, unit, co, titles)) in enumerate(CATEGORIES.items(), start=1):
            cat, _ = Category.objects.get_or_create(
                congress=self.county, name=name, defaults={"committee": committees.get(committee), "order": order}
            )
            self.categories[name] = (cat, units.get(unit), units.get(co), list(titles))
        self.edu_committee = committees.get("教育科学文化卫生委员会")
        self.leaders = list(CommitteeMember.objects.filter(congress=self.county, is_leader=True).order_by("id"))
        self.members = list(CommitteeMember.objects.filter(congress=self.county, is_leader=False).order_by("id"))
        seats = Seat.objects.filter(congress=self.county, status=Seat.Status.ACTIVE).select_related("person__township")
        self.deputies = [s.person for s in seats.order_by("id")]
        self.meeting = (
            Meeting.objects.filter(term__congress=self.county, start__lte=self.today).order_by("-start").first()
        )

    def _deputy(self, demo: bool = False):
        if demo and self.demo_person_id:
            return next((p for p in self.deputies if p.pk == self.demo_person_id), self.rng.choice(self.deputies))
        return self.rng.choice(self.deputies)

    def _at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(min(day, self.today), dt.time(hour, self.rng.randint(0, 59))))

    def _transition(self, sug, action, frm, to, day, actor=None, note="", assignment=None):
        row = Transition.objects.create(
            suggestion=sug,
            assignment=assignment,
            action=action,
            from_state=frm,
            to_state=to,
            actor=actor,
            actor_name=str(actor) if actor else "系统",
            note=note,
        )
        self.stamps.append((row, "at", self._at(day, 9 + len(self.stamps) % 8)))

    # ------------------------------------------------------------------ numbers
    def _number(self, meeting, year: int) -> int:
        """The next number of the meeting (or recess year), kept in NumberSequence so later acceptances go on."""
        if meeting is not None:
            seq, _ = NumberSequence.objects.get_or_create(congress=self.county, meeting=meeting)
        else:
            seq, _ = NumberSequence.objects.get_or_create(congress=self.county, meeting=None, year=year)
        seq.last += 1
        seq.save(update_fields=["last"])
        return seq.last

    # ------------------------------------------------------------------ one item
    def item(
        self,
        category: str,
        target: str,
        *,
        recess_days_ago: int | None = None,
        demo_deputy: bool = False,
        unit: HandlingUnit | None = None,
        co: bool = False,
        split: bool = False,
        relay: bool = False,
        contact: bool = True,
        result: str = "A",
        rating: str | None = "satisfied",
        survey: str | None = None,
        late: bool = False,
        key: bool = False,
        published: bool = False,
        request: str | None = None,
        cosigners: int = 0,
        signed: bool = True,
    ) -> Suggestion:
        cat, default_unit, co_unit, titles = self.categories[category]
        unit = unit or default_unit
        if relay and unit.kind == HandlingUnit.Kind.GOV_OFFICE:
            # The 政府办 passes the item on to the department that does the work.
            unit = self.units.get("国网青川县供电公司") or self.units["青川县发展和改革局"]
        person = self._deputy(demo_deputy)
        town = person.township.name if person.township_id else "部分乡镇"
        used = self.used_titles.setdefault(category, 0)
        self.used_titles[category] = used + 1
        title = titles[used % len(titles)]
        if used >= len(titles):  # the same topic raised again, from another place
            title = f"关于{town}{title.removeprefix('关于')}"
        meeting = None if recess_days_ago is not None else self.meeting
        raised = (
            self.today - dt.timedelta(days=recess_days_ago + 12)
            if recess_days_ago is not None
            else self.meeting.start + dt.timedelta(days=1)
        )
        staff = self.staff
        sug = Suggestion.objects.create(
            congress=self.county,
            meeting=meeting,
            title=title,
            content=CONTENT.format(town=town, topic=title.removeprefix("关于").removesuffix("的建议")),
            category=cat,
            committee=cat.committee,
            lead_deputy=person,
            state=S.DRAFT,
        )
        self.count += 1
        self.stamps.append((sug, "created_at", self._at(raised - dt.timedelta(days=2))))
        self._transition(sug, "create_draft", "", S.DRAFT, raised - dt.timedelta(days=2), note="代表起草")
        for p in self.rng.sample(self.deputies, cosigners):
            if p.pk != person.pk:
                CoSigner.objects.create(suggestion=sug, person=p, confirmed_at=self._at(raised - dt.timedelta(days=1)))
        if target == "draft":
            return sug
        sug.submitted_at = self._at(raised)
        self._transition(sug, "submit", S.DRAFT, S.SUBMITTED, raised, note="")
        if target in ("submitted", "returned", "declined", "withdrawn"):
            sug.state = {"submitted": S.SUBMITTED, "returned": S.RETURNED, "declined": S.DECLINED}.get(
                target, S.WITHDRAWN
            )
            notes = {
                "returned": ("return", "建议内容较笼统，请补充问题发生的具体地点、现状和具体建议后重新提交"),
                "declined": ("decline", "所提事项属于村民自治范围，不宜作为代表建议立案，已转有关乡镇参考"),
                "withdrawn": ("withdraw", "代表主动撤回"),
            }
            if target in notes:
                action, note = notes[target]
                actor = None if target == "withdrawn" else staff
                self._transition(sug, action, S.SUBMITTED, sug.state, raised + dt.timedelta(days=5), actor, note)
            sug.save()
            return sug

        accepted = raised + dt.timedelta(days=12 if meeting else 3)
        sug.year = meeting.start.year if meeting else accepted.year
        sug.number = self._number(meeting, sug.year)
        sug.accepted_at = self._at(accepted)
        sug.state = S.ACCEPTED
        self._transition(sug, "accept", S.SUBMITTED, S.ACCEPTED, accepted, staff, f"立案，编为{sug.number_display}")
        if target == "accepted":
            sug.save()
            return sug

        assigned = (
            self.today - dt.timedelta(days=recess_days_ago)
            if recess_days_ago is not None
            else accepted + dt.timedelta(days=14)
        )
        due = deadline(assigned, rules().answer_months, "months")
        sug.assigned_at = self._at(assigned)
        sug.state = S.HANDLING
        self._transition(sug, "assign", S.ACCEPTED, S.HANDLING, assigned, staff, "交办")
        handlers = []
        if relay:
            parent = self._assignment(sug, self.units[GOV_OFFICE], AR.LEAD, assigned, due, A.RELAYED, signed=True)
            lead = self._assignment(sug, unit, AR.LEAD, assigned + dt.timedelta(days=3), due, A.HANDLING, parent=parent)
            self._transition(
                sug,
                "relay",
                A.HANDLING,
                A.RELAYED,
                assigned + dt.timedelta(days=3),
                None,
                f"政府办转{unit.name}主办",
                parent,
            )
            handlers.append(lead)
        elif split:
            other = self.units["青川县财政局"] if unit.name != "青川县财政局" else self.units["青川县发展和改革局"]
            handlers.append(self._assignment(sug, unit, AR.SPLIT, assigned, due, A.HANDLING, part="项目建设部分"))
            handlers.append(self._assignment(sug, other, AR.SPLIT, assigned, due, A.HANDLING, part="资金保障部分"))
        else:
            state = A.HANDLING if signed else A.PENDING_SIGN
            handlers.append(self._assignment(sug, unit, AR.LEAD, assigned, due, state, signed=signed))
        if co and co_unit is not None:
            co_asg = self._assignment(sug, co_unit, AR.CO, assigned, due, A.HANDLING)
            co_asg.opinion_due = min(deadline(assigned, rules().opinion_months, "months"), due)
            if target != "handling":
                co_asg.opinion = "我单位同意主办单位的办理意见，将在资金安排上给予支持。"
                co_asg.opinion_at = self._at(assigned + dt.timedelta(days=20))
            co_asg.save()
        if key:
            sug.is_key = True
            sug.key_leader = self.leaders[0] if self.leaders else None  # the 'leader' login
            sug.key_committee = self.edu_committee if category in ("教育", "卫生健康") else cat.committee
            self._transition(
                sug, "mark_key", S.HANDLING, S.HANDLING, assigned + dt.timedelta(days=7), staff, "列为重点督办"
            )
            self._supervise(sug, assigned)
        if contact and (target != "handling" or self.count % 2):
            for asg in handlers:
                Contact.objects.create(
                    assignment=asg,
                    date=min(assigned + dt.timedelta(days=25), self.today),
                    form=self.rng.choice([Contact.Form.MEETING, Contact.Form.VISIT, Contact.Form.PHONE]),
                    participants=f"{asg.unit.head}、{person.name}代表",
                    content="当面听取代表意见，介绍办理思路，代表表示认可。",
                )
        if request:
            HandlingRequest.objects.create(
                assignment=handlers[0],
                kind=request,
                reason="该事项涉及多个部门和项目立项审批，需延长办理时间"
                if request == "extension"
                else "该事项不属于我单位职责，建议交由其他单位办理",
                suggested_unit="青川县自然资源局" if request == "return" else "",
                requested_due=due + dt.timedelta(days=60) if request == "extension" else None,
            )
            if request == "return":
                handlers[0].state = A.RETURN_REQUESTED
                handlers[0].save(update_fields=["state"])
        if target == "handling":
            sug.save()
            return sug

        answered = min(due - dt.timedelta(days=self.rng.randint(5, 40)), self.today - dt.timedelta(days=1))
        if late:
            answered = min(due + dt.timedelta(days=12), self.today - dt.timedelta(days=1))
        for asg in handlers:
            self._answer(asg, result, answered)
        sug.answered_at = self._at(answered, 16)
        sug.state = S.ANSWERED
        sug.follow_up_open = result in ("B", "C")
        self._transition(sug, "approve_answer", S.HANDLING, S.ANSWERED, answered, self.head_user, "答复已签发")
        if target == "answered":
            sug.save()
            return sug

        rated = answered + dt.timedelta(days=self.rng.randint(3, 15))
        if rating:
            self._rate(sug, 1, rating, Rating.Source.DEPUTY, rated)
        if survey:
            self._rate(sug, 1, survey, Rating.Source.SURVEY, rated + dt.timedelta(days=5))
        sug.state = S.RATED
        self._transition(sug, "rate", S.ANSWERED, S.RATED, rated, None, "满意度测评")
        if target == "rehandling" or target == "rehandled":
            again = rated + dt.timedelta(days=3)
            sug.round = 2
            sug.state = S.HANDLING
            self._transition(sug, "rehandle", S.RATED, S.HANDLING, again, staff, "代表不满意，第2轮办理")
            second_due = deadline(again, rules().rehandle_months, "months")
            second = [
                self._assignment(sug, h.unit, h.role, again, second_due, A.HANDLING, round_=2, part=h.part)
                for h in handlers
            ]
            if target == "rehandling":
                sug.save()
                return sug
            answered2 = min(again + dt.timedelta(days=20), self.today - dt.timedelta(days=2))
            for asg in second:
                self._answer(asg, "A", answered2, round_=2)
            sug.answered_at = self._at(answered2, 16)
            self._transition(
                sug, "approve_answer", S.HANDLING, S.ANSWERED, answered2, self.head_user, "第2轮答复已签发"
            )
            self._rate(sug, 2, "basic", Rating.Source.DEPUTY, answered2 + dt.timedelta(days=1))
            sug.state = S.RATED
            self._transition(sug, "rate", S.ANSWERED, S.RATED, answered2 + dt.timedelta(days=1), None, "第2轮测评")
        if result in ("B", "C"):
            FollowUp.objects.create(
                assignment=handlers[0],
                date=min(answered + dt.timedelta(days=45), self.today),
                progress="项目已完成立项和设计，正在开展招标工作。",
            )
        if target == "closed":
            closed = min(rated + dt.timedelta(days=10), self.today)
            sug.state = S.CLOSED
            sug.closed_at = self._at(closed)
            self._transition(
                sug,
                "close",
                S.RATED,
                S.CLOSED,
                closed,
                staff,
                "办结" + ("，继续跟踪落实" if sug.follow_up_open else ""),
            )
            if published:
                sug.published_at = self._at(min(closed + dt.timedelta(days=5), self.today))
                self._transition(sug, "publish", S.CLOSED, S.CLOSED, closed + dt.timedelta(days=5), staff, "公开")
        sug.save()
        return sug

    def _assignment(self, sug, unit, role, day, due, state, *, signed=True, parent=None, part="", round_=1):
        signed_day = day + dt.timedelta(days=2)
        asg = Assignment.objects.create(
            suggestion=sug,
            unit=unit,
            role=role,
            part=part,
            parent=parent,
            state=state,
            round=round_,
            assigned_at=self._at(day),
            assigned_by=self.staff,
            due_date=due,
            signed_at=self._at(signed_day) if signed and state != A.PENDING_SIGN else None,
            return_deadline=signed_day + dt.timedelta(days=rules().return_window) if signed else None,
        )
        what = asg.get_role_display() + (f"（{part}）" if part else "")
        self._transition(sug, "assign_unit", "", A.PENDING_SIGN, day, self.staff, f"{unit.name}{what}", asg)
        if asg.signed_at:
            self._transition(sug, "sign", A.PENDING_SIGN, A.HANDLING, signed_day, None, "签收", asg)
        return asg

    def _answer(self, asg, result, day, round_=1):
        answer = Answer.objects.create(
            assignment=asg,
            round=round_,
            text=ANSWERS[result].format(unit=asg.unit.name),
            result_class=result,
            status=Answer.Status.SENT,
            drafted_by=self.unit_user if asg.unit.name == "青川县教育局" else None,
            approved_by=self.head_user if asg.unit.name == "青川县教育局" else None,
            approved_at=self._at(day, 15),
        )
        self.stamps.append((answer, "drafted_at", self._at(day - dt.timedelta(days=2))))
        asg.state = A.ANSWERED
        asg.answered_at = self._at(day, 15)
        asg.save(update_fields=["state", "answered_at"])
        self._transition(asg.suggestion, "answer", A.HANDLING, A.ANSWERED, day, None, f"{result}类答复", asg)

    def _rate(self, sug, round_, value, source, day):
        rating = Rating.objects.create(
            suggestion=sug,
            round=round_,
            value=value,
            source=source,
            rated_by=self.staff if source == Rating.Source.SURVEY else None,
            comment="" if value != "unsatisfied" else "答复内容空泛，问题没有实质性进展。",
        )
        self.stamps.append((rating, "rated_at", self._at(day)))

    def _supervise(self, sug, assigned):
        for kind, offset, notes in (
            (Supervision.Kind.MEETING, 20, "召开重点建议督办推进会，听取承办单位办理方案。"),
            (Supervision.Kind.SITE_VISIT, 50, "督办组实地察看项目现场，与领衔代表、承办单位共同会商。"),
        ):
            day = assigned + dt.timedelta(days=offset)
            if day > self.today:
                break
            sup = Supervision.objects.create(
                suggestion=sug, kind=kind, date=day, notes=notes, committee=sug.key_committee, recorded_by=self.staff
            )
            if kind == Supervision.Kind.SITE_VISIT:
                for member in self.members[:5]:
                    SupervisionScore.objects.create(supervision=sup, member=member, score=self.rng.randint(82, 96))
            self._transition(sug, "supervise", sug.state, sug.state, day, self.staff, sup.get_kind_display())

    # ------------------------------------------------------------------ the year
    def build(self) -> None:
        self.setup()
        if self.meeting is None or not self.deputies:
            return
        edu = self.units.get("青川县教育局")
        # The demo deputy's own items, one per step of the lifecycle.
        for target, extra in (
            ("draft", {}),
            ("submitted", {"cosigners": 2}),
            ("returned", {}),
            ("handling", {"unit": edu}),
            ("answered", {"unit": edu, "result": "B"}),
            ("closed", {"published": True}),
            ("rehandled", {"rating": "unsatisfied"}),
        ):
            self.item("教育", target, demo_deputy=True, **extra)
        # The session's suggestions: mostly answered, rated and closed, some published.
        names = list(CATEGORIES)
        for i in range(48):
            category = names[i % len(names)]
            result = "ABACBADAAB"[i % 10]
            rating = "satisfied" if i % 6 else "basic"
            target = "closed" if i % 3 else "rated"
            self.item(
                category,
                target,
                result=result,
                rating=rating,
                survey="satisfied" if i % 8 == 0 else None,
                co=i % 5 == 0,
                split=i % 11 == 3,
                relay=category == "其他" and i % 2 == 0,
                contact=i % 13 != 0,
                late=i % 9 == 4,
                published=target == "closed" and i % 2 == 0,
                cosigners=i % 3,
            )
        # Unsatisfied: one re-handled and answered again, one still in its second round.
        self.item("城乡建设", "rehandled", rating="unsatisfied")
        self.item("交通运输", "rehandling", rating="unsatisfied", survey="unsatisfied")
        # Key supervision (重点督办), led by the 'leader' login and the committees.
        self.item("教育", "handling", key=True, co=True, recess_days_ago=75)
        self.item("卫生健康", "answered", key=True, result="B")
        main = self.item("交通运输", "closed", key=True, published=True)
        self.merged_into(main, 2)
        # The 教育局 ('unit', 'unithead') to-do list: to sign, near due, overdue, requests waiting, co-handling.
        self.item("教育", "handling", unit=edu, recess_days_ago=3, signed=False)
        self.item("教育", "handling", unit=edu, recess_days_ago=80)  # due within about 10 days
        self.item("教育", "handling", unit=edu, recess_days_ago=88, contact=False)  # due within a few days
        self.item("教育", "handling", unit=edu, recess_days_ago=105)  # overdue
        self.item("教育", "handling", unit=edu, recess_days_ago=60, request="extension")
        self.item("卫生健康", "handling", unit=edu, recess_days_ago=5, request="return")
        self.item("卫生健康", "handling", co=True, recess_days_ago=20)
        self.item("教育", "answered", unit=edu, recess_days_ago=70, result="C")
        self.item("教育", "handling", unit=edu, split=True, recess_days_ago=40)
        # Other units, near due and overdue; and items still at the office.
        for category, days in (("城乡建设", 85), ("农业农村", 100), ("社会保障", 110), ("生态环境", 30), ("政法", 95)):
            self.item(category, "handling", recess_days_ago=days)
        self.item("其他", "handling", relay=True, recess_days_ago=45)
        for category in ("财政经济", "农业农村", "卫生健康"):
            self.item(category, "submitted", recess_days_ago=1)
        self.item("社会保障", "accepted", recess_days_ago=1)
        self.item("政法", "declined", recess_days_ago=20)
        self.item("其他", "withdrawn", recess_days_ago=25)
        self.item("生态环境", "returned", recess_days_ago=10)
        self._backdate()

    def merged_into(self, main: Suggestion, n: int) -> None:
        """并案: duplicates of `main` raised by other deputies, answered through it; one rated by its deputy."""
        for i in range(n):
            person = self._deputy()
            raised = self.meeting.start + dt.timedelta(days=1)
            sug = Suggestion.objects.create(
                congress=self.county,
                meeting=self.meeting,
                title=f"关于{main.title.removeprefix('关于').removesuffix('的建议')}的再建议",
                content=main.content,
                category=main.category,
                committee=main.committee,
                lead_deputy=person,
                state=S.MERGED,
                merged_into=main,
                submitted_at=self._at(raised),
            )
            self.count += 1
            self._transition(sug, "submit", S.DRAFT, S.SUBMITTED, raised)
            self._transition(
                sug,
                "be_merged",
                S.SUBMITTED,
                S.MERGED,
                raised + dt.timedelta(days=12),
                self.staff,
                f"并入{main.number_display}",
            )
            if i == 0 and main.answered_at:
                self._rate(
                    sug,
                    1,
                    "satisfied",
                    Rating.Source.DEPUTY,
                    timezone.localdate(main.answered_at) + dt.timedelta(days=4),
                )

    def _backdate(self) -> None:
        """auto_now_add fields took the present time: give them the story's dates."""
        by_model: dict[type, tuple[list, set]] = {}
        for obj, name, value in self.stamps:
            setattr(obj, name, value)
            objs, names = by_model.setdefault(type(obj), ([], set()))
            objs.append(obj)
            names.add(name)
        for model, (objs, names) in by_model.items():
            model.objects.bulk_update(objs, sorted(names), batch_size=500)
