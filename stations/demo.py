"""Demo stations for the fictional county (core.demo): a 代表之家 per township, a 代表工作站 per village, the county's
联系点 and online station, with stationed deputies of mixed levels, the 六有 standard and its evidence, this month's
published roster, receptions, activities and constituents' messages.

`seed(stdout)` is called by `manage.py seed_demo` after the county exists; it does nothing when the stations are
already there. Rows are written in bulk (one transaction) with dates spread over the past months, which the services
— stamping the present time — cannot do; the roster comes from the same rotation as generate_roster.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core import demo_data as d
from core.models import AuditEntry
from deputies.models import Seat
from organization.models import Area, Congress, HandlingUnit

from . import roster, standards
from .defaults import SIX
from .models import (
    Activity,
    Category,
    Checklist,
    ChecklistItem,
    DutySlot,
    Equipment,
    Evidence,
    Message,
    MessageNote,
    Reception,
    Roster,
    Station,
    StationDeputy,
    StationDocument,
    new_tracking_code,
)

TOPICS = [
    ("村道硬化后排水沟堵塞，雨天积水", Category.BUILDING),
    ("希望增设公交站点方便老人就医", Category.TRAFFIC),
    ("农村养老保险缴费档次咨询", Category.SOCIAL),
    ("小区周边夜间施工噪音扰民", Category.ENVIRONMENT),
    ("学校放学时段校门口交通拥堵", Category.EDUCATION),
    ("村卫生室缺少常用药品", Category.HEALTH),
    ("茶叶收购价格偏低，希望引进加工企业", Category.AGRICULTURE),
    ("土地流转合同纠纷调解", Category.LAW),
    ("河道垃圾清理不及时", Category.ENVIRONMENT),
    ("电商物流站点少，快递取件不便", Category.ECONOMY),
    ("危房改造补助政策咨询", Category.BUILDING),
    ("灌溉水渠年久失修", Category.AGRICULTURE),
]
RESULTS = {"on_spot": "已当场答复。", "referred": "部门已办理并回复群众。"}
VISITORS = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡"]


def seed(stdout) -> bool:
    county = Congress.objects.filter(name=d.COUNTY_CONGRESS).first()
    if county is None:
        stdout.write("未找到演示县，跳过代表之家演示数据。")
        return False
    if Station.objects.filter(congress=county).exists():
        stdout.write("代表之家演示数据已存在，未作改动。")
        return False
    with transaction.atomic():
        _Builder(county, stdout).build()
    return True


class _Builder:
    def __init__(self, county: Congress, stdout):
        self.county = county
        self.out = stdout
        self.rng = random.Random(2026_04)
        self.today = timezone.localdate()

    def build(self) -> None:
        self.checklist = Checklist.objects.create(
            congress=self.county, name="六有", description="代表之家（站）建设标准"
        )
        self.items = ChecklistItem.objects.bulk_create(
            ChecklistItem(checklist=self.checklist, order=i, name=n, required_evidence=e)
            for i, (n, e) in enumerate(SIX, 1)
        )
        self.stations()
        self.members()
        self.standards()
        self.rosters()
        self.receptions()
        self.activities()
        self.messages()
        audit.record(actor=None, action=AuditEntry.Action.IMPORT, obj=self.county, note="演示数据：代表之家（站）")
        self.out.write(
            f"已建立代表之家演示数据：{Station.objects.filter(kind=Station.Kind.HOME).count()} 个代表之家，"
            f"{Station.objects.filter(kind=Station.Kind.WORKSTATION).count()} 个代表工作站，"
            f"{Reception.objects.count()} 条接待登记，{Message.objects.count()} 条群众留言。"
        )

    def stations(self) -> None:
        towns = list(Congress.objects.filter(parent=self.county, level=Congress.Level.TOWNSHIP).select_related("area"))
        rows = []
        self.town_of: dict[str, Congress] = {}
        for town in towns:
            area = town.area
            rows.append(
                Station(
                    congress=town, kind=Station.Kind.HOME, name=f"{area.name}人大代表之家", area=area, township=area,
                    address=f"{d.COUNTY[0]}{area.name}便民服务中心二楼", opening_hours="工作日 8:30–12:00，14:30–17:30",
                    reception_weekdays="3", reception_hours="上午 9:00–11:30", deputies_per_day=2,
                    phone=f"0839-72{area.pk % 100:02d}{self.rng.randint(100, 999)}", checklist=self.checklist,
                    description=f"{area.name}人大代表之家是代表学习、联系选民、开展活动的固定场所。",
                )
            )  # fmt: skip
            for village in Area.objects.filter(parent=area).order_by("code"):
                rows.append(
                    Station(
                        congress=town, kind=Station.Kind.WORKSTATION, name=f"{village.name}人大代表工作站",
                        area=village, township=area, address=f"{area.name}{village.name}党群服务中心",
                        opening_hours="工作日 9:00–17:00", reception_weekdays=str(self.rng.choice((1, 2, 4, 5))),
                        reception_hours="下午 14:30–17:00", checklist=self.checklist,
                    )
                )  # fmt: skip
        rows.append(
            Station(
                congress=self.county, kind=Station.Kind.CONTACT_POINT, name=f"{d.COUNTY[0]}人大代表联系点",
                address=f"{d.COUNTY[0]}政务服务中心一楼", opening_hours="工作日 9:00–17:00", reception_weekdays="1",
                reception_hours="上午 9:00–11:30", checklist=self.checklist,
            )
        )  # fmt: skip
        rows.append(
            Station(
                congress=self.county, kind=Station.Kind.ONLINE, name=f"{d.COUNTY[0]}网上代表之家",
                opening_hours="全天候在线留言", description="群众可随时在线给代表留言，凭查询码查看答复。",
            )
        )  # fmt: skip
        self.stations_list = Station.objects.bulk_create(rows)
        liaison = User.objects.filter(username="liaison").first()
        if liaison is not None:
            for station in self.stations_list:
                if station.township_id and station.township.name == "城关镇" and station.kind == Station.Kind.HOME:
                    station.liaisons.add(liaison)
                    break
        for station in self.stations_list:
            if station.kind == Station.Kind.HOME:
                Equipment.objects.bulk_create(
                    [Equipment(station=station, name="会议桌椅", quantity=20), Equipment(station=station, name="电脑",
                     quantity=1), Equipment(station=station, name="档案柜", quantity=2)]
                )  # fmt: skip
                StationDocument.objects.bulk_create(
                    [StationDocument(station=station, title="代表接待选民制度",
                                     content="每周三上午为固定接待日，进站代表轮流值班，提前三天公告。"),
                     StationDocument(station=station, title="代表学习制度", content="每季度集中学习一次。")]
                )  # fmt: skip

    def members(self) -> None:
        seats = Seat.objects.filter(status=Seat.Status.ACTIVE, delegation__isnull=False).select_related("congress")
        by_town: dict[int, list[int]] = {}
        for seat in seats.order_by("person_id"):
            if seat.congress.level in ("county", "township"):
                people = by_town.setdefault(seat.delegation_id, [])
                if seat.person_id not in people:
                    people.append(seat.person_id)
        rows = []
        demo = User.objects.filter(username="deputy").values_list("person_id", flat=True).first()
        start = self.today.replace(month=1, day=1)
        for town_area_id, people in by_town.items():
            stations = [s for s in self.stations_list if s.township_id == town_area_id]
            home = next((s for s in stations if s.kind == Station.Kind.HOME), None)
            villages = [s for s in stations if s.kind == Station.Kind.WORKSTATION]
            if home is not None:
                chosen = people[:10]
                if demo in people and demo not in chosen:
                    chosen[-1] = demo
                rows += [StationDeputy(station=home, person_id=p, order=i, since=start) for i, p in enumerate(chosen)]
            for i, station in enumerate(villages):
                chosen = people[i :: len(villages)][:4] if villages else []
                rows += [
                    StationDeputy(station=station, person_id=p, order=j, since=start) for j, p in enumerate(chosen)
                ]
        contact = next(s for s in self.stations_list if s.kind == Station.Kind.CONTACT_POINT)
        county_people = list(
            Seat.objects.filter(congress=self.county, status=Seat.Status.ACTIVE).values_list("person_id", flat=True)[:6]
        )
        rows += [StationDeputy(station=contact, person_id=p, order=i, since=start) for i, p in enumerate(county_people)]
        StationDeputy.objects.bulk_create(rows, ignore_conflicts=True)
        self.members_of: dict[int, list[int]] = {}
        for m in StationDeputy.objects.filter(station__in=self.stations_list).order_by("order", "id"):
            self.members_of.setdefault(m.station_id, []).append(m.person_id)

    def standards(self) -> None:
        rows = []
        for n, station in enumerate(self.stations_list):
            if station.kind == Station.Kind.ONLINE:
                continue
            # Most stations meet every item; every fourth lacks the last one or two (archives, records).
            keep = len(self.items) - (n % 4 == 3) - (n % 8 == 7)
            rows += [Evidence(station=station, item=item, note=f"{item.required_evidence}（已归档）")
                     for item in self.items[:keep]]  # fmt: skip
        Evidence.objects.bulk_create(rows)
        standards.refresh(Station.objects.filter(pk__in=[s.pk for s in self.stations_list]))

    def rosters(self) -> None:
        start = self.today.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        slots = []
        for station in self.stations_list:
            members = self.members_of.get(station.pk, [])
            days = roster.reception_days(start, end, station.weekdays)
            if not members or not days:
                continue
            r = Roster.objects.create(station=station, start=start, end=end, published_at=timezone.now())
            plan = roster.plan(days, members, per_day=station.deputies_per_day)
            for day, people in plan.items():
                status = DutySlot.Status.DONE if day < self.today else DutySlot.Status.SCHEDULED
                slots += [DutySlot(roster=r, station=station, date=day, person_id=p, status=status) for p in people]
        self.slots = DutySlot.objects.bulk_create(slots)

    def receptions(self) -> None:
        units = list(HandlingUnit.objects.filter(congress=self.county))
        rows = []
        for station in self.stations_list:
            members = self.members_of.get(station.pk, [])
            if not members or station.kind == Station.Kind.ONLINE:
                continue
            count = 6 if station.kind == Station.Kind.HOME else 2
            for k in range(count):
                topic, category = self.rng.choice(TOPICS)
                date = self.today - dt.timedelta(days=self.rng.randint(1, 150))
                handling = self.rng.choice(["on_spot", "on_spot", "referred", "referred", "pending"])
                resolved = handling == "on_spot" or (handling == "referred" and self.rng.random() < 0.7)
                visitor = self.rng.choice(VISITORS) + self.rng.choice(("先生", "女士", "大爷", "大姐"))
                rows.append(
                    Reception(
                        station=station, date=date, deputy_id=members[k % len(members)], visitor_name=visitor,
                        visitor_phone=f"1{self.rng.choice((35, 38, 39, 58))}{self.rng.randint(0, 99999999):08d}",
                        visitor_count=self.rng.choice((1, 1, 1, 2, 3)), topic=topic,
                        content=f"{visitor}反映：{topic}，希望有关部门尽快研究解决。", category=category,
                        handling=handling, unit=self.rng.choice(units) if handling == "referred" and units else None,
                        answer="代表当场解释了相关政策。" if handling == "on_spot" else "",
                        status=Reception.Status.RESOLVED if resolved else Reception.Status.OPEN,
                        result=(RESULTS[handling] if resolved else ""),
                        resolved_at=timezone.now() - dt.timedelta(days=self.rng.randint(0, 30)) if resolved else None,
                    )
                )  # fmt: skip
        Reception.objects.bulk_create(rows)

    def activities(self) -> None:
        for station in self.stations_list:
            if station.kind != Station.Kind.HOME:
                continue
            members = self.members_of.get(station.pk, [])
            for q, (kind, title) in enumerate(
                [("group", "代表小组季度活动：乡村振兴专题调研"), ("study", "学习新修订的代表法"),
                 ("themed", "“代表进站月”主题接待活动")]
            ):  # fmt: skip
                activity = Activity.objects.create(
                    station=station, kind=kind, date=self.today - dt.timedelta(days=30 + 45 * q), title=title,
                    content=f"{title}，进站代表参加并形成意见建议。", other_attendance=self.rng.randint(5, 40),
                )  # fmt: skip
                activity.attendees.set(members[: 4 + q])

    def messages(self) -> None:
        demo = User.objects.filter(username="deputy").values_list("person_id", flat=True).first()
        rows = []
        for station in self.stations_list:
            members = self.members_of.get(station.pk, [])
            count = (
                3 if station.kind in (Station.Kind.HOME, Station.Kind.ONLINE) else (1 if self.rng.random() < 0.4 else 0)
            )
            for k in range(count):
                topic, category = self.rng.choice(TOPICS)
                person = members[k % len(members)] if members and k % 2 == 0 else None
                if demo in members and k == 0:
                    person = demo
                status = self.rng.choice(["open", "replied", "closed", "closed"])
                rows.append(
                    Message(
                        station=station, person_id=person, code=new_tracking_code(), topic=topic,
                        content=f"{topic}。请代表帮忙反映。", category=category,
                        contact_name=self.rng.choice(VISITORS) + "先生",
                        contact_phone=f"13{self.rng.randint(0, 999999999):09d}", consent_text="演示数据",
                        consented_at=timezone.now(), status=status,
                        reply="已收到，正在了解情况。" if status != "open" else "",
                        replied_at=timezone.now() if status != "open" else None,
                        result="已协调有关部门解决。" if status == "closed" else "",
                        closed_at=timezone.now() if status == "closed" else None,
                    )
                )  # fmt: skip
        created = Message.objects.bulk_create(rows)
        notes = []
        for m in created:
            if m.reply:
                notes.append(MessageNote(message=m, kind=MessageNote.Kind.REPLY, text=m.reply, author_label="代表之家"))
            if m.result:
                notes.append(
                    MessageNote(message=m, kind=MessageNote.Kind.CLOSE, text=m.result, author_label="代表之家")
                )
        MessageNote.objects.bulk_create(notes)
        # Spread the messages over the past weeks (created_at is set on insert).
        for m in created:
            Message.objects.filter(pk=m.pk).update(
                created_at=timezone.now() - dt.timedelta(days=self.rng.randint(0, 40))
            )
