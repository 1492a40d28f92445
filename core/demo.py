"""The demo county for `manage.py seed_demo`: a believable, fictional 青川县 with dates relative to today.

`seed(stdout)` builds it in one transaction and does nothing when it already exists, so running it twice changes
nothing. Every random choice comes from one `random.Random(SEED)`, so every run builds the same county.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User, UserRole
from deputies.models import ActivityGroup, Composition, GroupMembership, Person, Seat
from organization.models import Area, CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee, Term

from . import audit
from . import demo_data as d
from .idcard import check_character
from .models import AuditEntry
from .pinyin import initials

SEED = 2026


@dataclass
class _Town:
    area: Area
    congress: Congress
    term: Term
    is_street: bool
    villages: list[Area]
    deputies: int
    groups: int
    county_people: list[Person] = field(default_factory=list)
    town_people: list[Person] = field(default_factory=list)


class _Names:
    """Chinese names without repeats, from a fixed stock and one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self, gender: str = "男") -> str:
        chars = d.MALE_CHARS if gender == "男" else d.FEMALE_CHARS
        while True:
            given = "".join(self.rng.choice(chars) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(d.SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name


def seed(stdout) -> bool:
    """Build the demo county. Returns False (and changes nothing) when it is already there."""
    if Congress.objects.filter(name=d.COUNTY_CONGRESS).exists():
        stdout.write("演示县已存在，未作改动。")
        return False
    with transaction.atomic():
        _Builder(stdout).build()
    return True


class _Builder:
    def __init__(self, stdout):
        self.out = stdout
        self.rng = random.Random(SEED)
        self.name = _Names(self.rng)
        self.today = timezone.localdate()
        self.phones: set[str] = {d.DEPUTY_PHONE}
        self.id_numbers: set[str] = set()
        self.single_posts: set[str] = set()

    # ----------------------------------------------------------------- structure
    def build(self) -> None:
        self.areas()
        self.congresses()
        self.towns()
        self.units_and_committees()
        self.county_deputies()
        self.town_and_upper_deputies()
        self.groups()
        self.users()
        audit.record(actor=None, action=AuditEntry.Action.IMPORT, obj=self.county, note="演示数据（seed_demo）")
        self.out.write(
            f"已建立演示县：{len(self.towns_list)} 个乡镇（街道），"
            f"{Area.objects.filter(level=Area.Level.VILLAGE).count()} 个村（社区），"
            f"{Seat.objects.filter(congress=self.county).count()} 名县人大代表，"
            f"{ActivityGroup.objects.filter(congress=self.county).count()} 个代表小组。"
        )

    def areas(self) -> None:
        self.province_area = Area.objects.create(name=d.PROVINCE[0], code=d.PROVINCE[1], level=Area.Level.PROVINCE)
        self.city_area = Area.objects.create(
            name=d.CITY[0], code=d.CITY[1], level=Area.Level.CITY, parent=self.province_area
        )
        self.county_area = Area.objects.create(
            name=d.COUNTY[0], code=d.COUNTY[1], level=Area.Level.COUNTY, parent=self.city_area
        )
        towns = Area.objects.bulk_create(
            Area(
                name=name,
                code=f"{d.COUNTY[1]}{i:03d}000",
                level=Area.Level.TOWNSHIP,
                parent=self.county_area,
                is_street=is_street,
            )
            for i, (name, is_street, *_rest) in enumerate(d.TOWNSHIPS, start=1)
        )
        villages = Area.objects.bulk_create(
            Area(name=v, code=f"{town.code[:9]}{j:03d}", level=Area.Level.VILLAGE, parent=town)
            for town, spec in zip(towns, d.TOWNSHIPS, strict=True)
            for j, v in enumerate(spec[4], start=1)
        )
        self.town_areas = towns
        self.village_map = {t.pk: [v for v in villages if v.parent_id == t.pk] for t in towns}

    def _term_dates(self, number_back: int = 0) -> tuple[dt.date, dt.date]:
        """The current term began with its first session in January two years ago; earlier terms 5 years apart."""
        first = self.today.year - 2 - 5 * number_back
        return dt.date(first, 1, 6), dt.date(first + 5, 1, 5)

    def congresses(self) -> None:
        self.province = Congress.objects.create(
            name=f"{d.PROVINCE[0]}人民代表大会", short_name="省人大", level=Congress.Level.PROVINCE,
            area=self.province_area, is_managed=False,
        )  # fmt: skip
        self.city = Congress.objects.create(
            name=f"{d.CITY[0]}人民代表大会", short_name="市人大", level=Congress.Level.CITY,
            area=self.city_area, parent=self.province, is_managed=False,
        )  # fmt: skip
        self.county = Congress.objects.create(
            name=d.COUNTY_CONGRESS, short_name="县人大", level=Congress.Level.COUNTY,
            area=self.county_area, parent=self.city,
        )  # fmt: skip
        start, end = self._term_dates()
        self.province_term = Term.objects.create(congress=self.province, number=14, start=start, end=end)
        self.city_term = Term.objects.create(congress=self.city, number=8, start=start, end=end)
        prev_start, prev_end = self._term_dates(1)
        previous = Term.objects.create(congress=self.county, number=17, start=prev_start, end=prev_end)
        self.term = Term.objects.create(congress=self.county, number=18, start=start, end=end)
        meetings = [self._meeting(previous, n, prev_start.year + n - 1, 8) for n in range(1, 6)]
        meetings += [self._meeting(self.term, n, y, 8) for n, y in enumerate(range(start.year, self.today.year + 1), 1)]
        meetings += [
            self._meeting(self.province_term, 1, start.year, 20),
            self._meeting(self.city_term, 1, start.year, 15),
        ]
        Meeting.objects.bulk_create(meetings)

    def _meeting(self, term: Term, number: int, year: int, day: int) -> Meeting:
        start = dt.date(year, 1, day + number % 3)
        return Meeting(term=term, number=number, start=start, end=start + dt.timedelta(days=3))

    def towns(self) -> None:
        start, end = self._term_dates()
        self.towns_list: list[_Town] = []
        for area, (name, is_street, deputies, groups, _v) in zip(self.town_areas, d.TOWNSHIPS, strict=True):
            congress = Congress.objects.create(
                name=f"{name}人大工作委员会" if is_street else f"{name}人民代表大会",
                short_name=f"{name}人大工委" if is_street else f"{name}人大",
                level=Congress.Level.TOWNSHIP,
                area=area,
                parent=self.county,
            )
            number = self.term.number if is_street else self.rng.choice((17, 18, 19, 20))
            term = Term.objects.create(congress=congress, number=number, start=start, end=end)
            if not is_street:  # a street's working committee holds no congress sessions
                Meeting.objects.bulk_create(
                    Meeting(term=term, number=n, start=dt.date(y, 1, 3), end=dt.date(y, 1, 4))
                    for n, y in enumerate(range(start.year, self.today.year + 1), 1)
                )
            self.towns_list.append(_Town(area, congress, term, is_street, self.village_map[area.pk], deputies, groups))

    def units_and_committees(self) -> None:
        self.units = HandlingUnit.objects.bulk_create(
            HandlingUnit(
                congress=self.county,
                name=name,
                kind=kind,
                head=f"{self.name(self._gender())}（{title}）",
                contact_person=self.name(self._gender()),
                contact_phone=f"0839-{self.rng.randint(7200000, 7299999)}",
            )
            for name, kind, title in d.UNITS
        )
        self.units += HandlingUnit.objects.bulk_create(
            HandlingUnit(
                congress=self.county,
                name=f"{t.area.name}人民政府" if not t.is_street else f"{t.area.name}办事处",
                kind=HandlingUnit.Kind.TOWNSHIP,
                head=f"{self.name(self._gender())}（{'主任' if t.is_street else t.area.name[-1] + '长'}）",
                contact_person=self.name(self._gender()),
                contact_phone=f"0839-{self.rng.randint(7200000, 7299999)}",
            )
            for t in self.towns_list
        )
        self.committees = SpecialCommittee.objects.bulk_create(
            SpecialCommittee(congress=self.county, name=name, fields=fields) for name, fields in d.COMMITTEES
        )
        self.members = CommitteeMember.objects.bulk_create(
            CommitteeMember(congress=self.county, name=self.name(self._gender()), title=title, is_leader=leader)
            for title, leader in d.COMMITTEE_MEMBERS
        )

    # ----------------------------------------------------------------- people
    def _gender(self) -> str:
        return "女" if self.rng.random() < 0.32 else "男"

    def _phone(self) -> str:
        while True:
            phone = self.rng.choice(("139", "138", "137", "136", "135", "158", "159", "188", "187", "177", "199"))
            phone += f"{self.rng.randint(0, 99999999):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def _id_number(self, birth: dt.date, gender: str) -> str:
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
            first17 = f"{d.COUNTY[1]}{birth:%Y%m%d}{seq:03d}"
            number = first17 + check_character(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def _party(self, cadre: bool) -> str:
        r = self.rng.random()
        if cadre:
            return "中共党员" if r < 0.95 else self.rng.choice(d.OTHER_PARTIES)
        if r < 0.5:
            return "中共党员"
        if r < 0.62:
            return self.rng.choice(d.OTHER_PARTIES)
        return "无党派人士" if r < 0.67 else "群众"

    def _work(self, comp: str, town: _Town) -> tuple[str, str, tuple[str, ...]]:
        """Workplace and post, the sector it belongs to (for sector groups), and plausible education levels.
        A post that one person holds (a township's party secretary, a bureau's director) is given out once."""
        for _ in range(40):
            post, sector, single, educations = self._post(comp, town)
            if not single or post not in self.single_posts:
                break
        else:  # every single post taken: an ordinary post of the same kind
            post, sector, educations = f"{town.area.name}人民政府干部", "social", ("大学",)
        if single:
            self.single_posts.add(post)
        return post, sector, educations

    def _post(self, comp: str, town: _Town) -> tuple[str, str, bool, tuple[str, ...]]:
        rng, t = self.rng, town.area.name
        v = rng.choice(town.villages).name if town.villages else ""
        company = rng.choice(d.COMPANIES)
        head = "办事处主任" if town.is_street else f"人民政府{t[-1]}长"
        if comp == Composition.CADRE:
            unit = rng.choice([u for u, kind, _title in d.UNITS if kind == "department"])
            deputy_head = "办事处副主任" if town.is_street else f"副{t[-1]}长"
            options = [
                (f"{t}党{'工' if town.is_street else ''}委书记", "social", True),
                (f"{t}{head}", "econ", True),
                (f"{t}{'人大工委主任' if town.is_street else '人大主席'}", "social", True),
                (f"{t}{v}党{'委' if town.is_street else '支部'}书记", "social" if town.is_street else "agri", True),
                (f"{unit}局长", d.UNIT_SECTORS.get(unit, "econ"), True),
                (f"{unit}副局长", d.UNIT_SECTORS.get(unit, "econ"), False),
                (f"{t}{deputy_head}", "econ", False),
            ]
            return (*rng.choice(options), ("大学", "大学", "研究生"))
        if comp == Composition.FARMER:
            crop = rng.choice(("茶叶", "猕猴桃", "中药材", "生猪", "核桃", "食用菌"))
            resident = "居民" if v.endswith("社区") else "村民"
            options = [
                (f"{t}{v}党支部书记、村委会主任", "agri", True),
                (f"青川县{v[:-1]}{crop}专业合作社理事长", "agri", True),
                (f"{t}{v}{resident}、{crop}{'养殖' if crop == '生猪' else '种植'}大户", "agri", False),
            ]
            return (*rng.choice(options), ("初中", "高中", "中专", "大专"))
        if comp == Composition.WORKER:
            options = [
                (
                    f"{company}{rng.choice(('一线职工', '车间主任', '班组长', '技术员', '质检员', '操作工'))}",
                    "econ",
                    False,
                ),
                (f"{company}{rng.choice(('一线职工', '技术员', '操作工'))}", "econ", False),
                (f"{t}环卫所环卫工人", "build", False),
                (f"国网青川县供电公司{t}供电所{rng.choice(('电工', '所长'))}", "econ", False),
                (f"江州建工集团青川分公司{rng.choice(('施工员', '安全员', '钢筋工'))}", "build", False),
                (f"青川县{rng.choice(('客运', '物流', '快递'))}公司驾驶员", "social", False),
            ]
            return (*rng.choice(options), ("高中", "中专", "大专"))
        if comp == Composition.PROFESSIONAL:
            options = [
                (f"青川县人民医院{rng.choice(('主任医师', '副主任医师', '护士长'))}", "edu", False),
                (f"{rng.choice(('青川中学', '青川县实验小学', '青川县职业中学', t + '中心小学'))}教师", "edu", False),
                (f"{t}中心小学校长", "edu", True),
                (f"{t}中心卫生院院长", "edu", True),
                (f"青川县{rng.choice(('正源', '明理', '蜀川'))}律师事务所律师", "law", False),
                ("青川县公证处公证员", "law", False),
                (f"青川县{rng.choice(('农业技术推广中心', '畜牧兽医站', '林业站'))}高级农艺师", "agri", False),
                (
                    f"青川县{rng.choice(('规划设计院', '建设工程质量检测站', '水利水电勘测设计队'))}工程师",
                    "build",
                    False,
                ),
            ]
            return (*rng.choice(options), ("大学", "大学", "研究生"))
        if comp == Composition.ENTERPRISE:
            options = [
                (f"{company}{rng.choice(('董事长', '总经理'))}", "econ", True),
                (f"青川县{rng.choice(('宏达', '兴川', '鑫源'))}建筑工程有限公司总经理", "build", True),
                (f"青川县{rng.choice(('山里', '青川好物', '川味'))}电子商务有限公司负责人", "econ", True),
                (f"{t}{rng.choice(('农家乐', '超市', '物流站'))}经营者", "econ", False),
            ]
            return (*rng.choice(options), ("大专", "大学"))
        if comp == Composition.MILITARY:
            return ("青川县人民武装部部长", "law", True, ("大学",))
        options = [
            (f"{t}{v}个体工商户", "econ", False),
            ("青川县社会工作服务中心主任", "social", True),
            ("青川县残疾人联合会理事长", "social", True),
            (f"{t}{v}{'居委会' if town.is_street else '村'}妇联主席", "social", True),
            (f"{t}{v}居民、志愿者", "social", False),
        ]
        return (*rng.choice(options), ("高中", "大专", "大学"))

    def _person(self, comp: str, town: _Town, young: bool = False) -> tuple[Person, str]:
        gender = self._gender()
        first, last = (1965, 1985) if comp == Composition.CADRE else (1972 if young else 1962, 1996)
        birth = dt.date(self.rng.randint(first, last), self.rng.randint(1, 12), self.rng.randint(1, 28))
        workplace, sector, educations = self._work(comp, town)
        village = self.rng.choice(town.villages).name if town.villages else ""
        person = Person(
            name=self.name(gender),
            gender=gender,
            ethnicity=self.rng.choice(d.ETHNICITIES),
            birth_month=birth.replace(day=1),
            party=self._party(comp in (Composition.CADRE, Composition.MILITARY)),
            religion="佛教" if self.rng.random() < 0.02 else "",
            education=self.rng.choice(educations),
            workplace=workplace,
            composition=comp,
            phone=self._phone(),
            address=f"{d.PROVINCE[0]}{d.CITY[0]}{d.COUNTY[0]}{town.area.name}{village}{self.rng.randint(1, 199)}号",
            township=town.area,
        )
        person.id_number = self._id_number(birth, gender)
        person.name_initials = initials(person.name)
        return person, sector

    def _compositions(self, n: int, street: bool) -> list[str]:
        weights = {
            Composition.CADRE: 22,
            Composition.WORKER: 15 + (20 if street else 0),
            Composition.FARMER: 0 if street else 20,
            Composition.PROFESSIONAL: 20,
            Composition.ENTERPRISE: 13,
            Composition.OTHER: 7,
        }
        comps = self.rng.choices(list(weights), weights=list(weights.values()), k=n)
        return [str(c) for c in comps]

    def county_deputies(self) -> None:
        people: list[Person] = []
        self.sector_of: dict[int, str] = {}
        sectors: list[str] = []
        towns_of: list[_Town] = []
        for town in self.towns_list:
            comps = self._compositions(town.deputies, town.is_street)
            if town.area.name == "城关镇":
                comps[-1] = Composition.MILITARY  # the 人武部 deputy, elected with the town's districts
            for comp in comps:
                person, sector = self._person(comp, town)
                people.append(person)
                sectors.append(sector)
                towns_of.append(town)
        people[0].phone = d.DEPUTY_PHONE  # the `deputy` login's own record: they log in with this number
        Person.objects.bulk_create(people)
        seats = []
        district = 0
        for i, (person, town) in enumerate(zip(people, towns_of, strict=True)):
            if i == 0 or towns_of[i - 1] is not town or i % 3 == 0:
                district += 1
            seats.append(self._seat(person, self.county, self.term, f"第{district}选区", town.area))
            self.sector_of[person.pk] = sectors[i]
            town.county_people.append(person)
        # A term's changes: two resignations on leaving office, one mandate ended by moving away.
        for seat, status, reason in (
            (seats[57], Seat.Status.RESIGNED, "因工作调动，辞去县人大代表职务"),
            (seats[131], Seat.Status.RESIGNED, "因个人原因辞去县人大代表职务，经常委会会议接受"),
            (seats[222], Seat.Status.TERMINATED, "迁出本行政区域，代表资格终止"),
        ):
            seat.status, seat.status_reason = status, reason
            seat.end = min(self.today, self.term.start + dt.timedelta(days=400 + seat.person.pk % 200))
        Seat.objects.bulk_create(seats)
        self.county_people = people
        self.demo_person = people[0]

    def _seat(self, person: Person, congress: Congress, term: Term, district: str, area: Area) -> Seat:
        return Seat(person=person, congress=congress, term=term, district=district, delegation=area, start=term.start)

    def town_and_upper_deputies(self) -> None:
        """Township deputies (some of them also county deputies), and county deputies who sit in the city's or the
        province's congress too: one person, seats at several levels."""
        people: list[Person] = []
        pending: list[tuple[Person, _Town, int]] = []
        for town in self.towns_list:
            if town.is_street:
                continue
            for k in range(8):
                person, _ = self._person(self._compositions(1, False)[0], town, young=True)
                people.append(person)
                pending.append((person, town, k // 2 + 1))
        Person.objects.bulk_create(people)
        seats = [self._seat(p, t.congress, t.term, f"第{n}选区", t.area) for p, t, n in pending]
        for person, town, _n in pending:
            town.town_people.append(person)
        for town in self.towns_list:
            if town.is_street:
                continue
            for n, person in enumerate(town.county_people[1:4], start=1):  # 县乡两级代表
                seats.append(self._seat(person, town.congress, town.term, f"第{n}选区", town.area))
        city_people = [p for p in self.county_people if p.composition in ("cadre", "enterprise", "farmer")][1:9]
        for person in city_people:
            seats.append(self._seat(person, self.city, self.city_term, f"{d.COUNTY[0]}代表团", self.county_area))
        for person in city_people[:2]:
            seats.append(self._seat(person, self.province, self.province_term, f"{d.CITY[0]}代表团", self.city_area))
        Seat.objects.bulk_create(seats)

    # ----------------------------------------------------------------- groups
    def groups(self) -> None:
        """Exactly 28 groups: each county deputy in one, sector groups first, the rest by township; township
        deputies join their township's area groups (mixed levels)."""
        taken: set[int] = {self.demo_person.pk}
        plans: list[tuple[ActivityGroup, list[Person]]] = []
        spread = self.county_people[:]
        self.rng.shuffle(spread)  # sector groups draw from every township
        for name, sector, tag in d.SECTOR_GROUPS:
            members = [
                p
                for p in spread
                if p.pk not in taken and self.sector_of[p.pk] == tag and p.composition != Composition.CADRE
            ][: d.SECTOR_GROUP_SIZE]
            taken.update(p.pk for p in members)
            group = ActivityGroup(congress=self.county, name=name, kind=ActivityGroup.Kind.SECTOR, sector=sector)
            plans.append((group, members))
        ordinals = "一二三四五"
        for town in self.towns_list:
            rest = [p for p in town.county_people if p.pk not in taken or p is self.demo_person]
            for g in range(town.groups):
                members = rest[g :: town.groups] + town.town_people[g :: town.groups]
                group = ActivityGroup(
                    congress=self.county,
                    name=f"{town.area.name}第{ordinals[g]}代表小组",
                    kind=ActivityGroup.Kind.AREA,
                    area=town.area,
                )
                plans.append((group, members))
        for group, members in plans:
            group.convener = next((p for p in members if p.composition == Composition.CADRE), members[0])
            group.liaison = next(p for p in members if p is not group.convener and p is not self.demo_person)
        groups = ActivityGroup.objects.bulk_create(g for g, _ in plans)
        joined = self.term.start
        GroupMembership.objects.bulk_create(
            GroupMembership(group=g, person=p, joined=joined) for g, (_, members) in zip(groups, plans, strict=True)
            for p in members
        )  # fmt: skip
        through = ActivityGroup.linked_members.through
        links = [
            through(activitygroup_id=g.pk, committeemember_id=self.members[i % 15].pk) for i, g in enumerate(groups)
        ]
        links += [through(activitygroup_id=groups[i].pk, committeemember_id=self.members[0].pk) for i in (6, 20)]
        through.objects.bulk_create(links)
        self.group_list = groups
        self.liaison_group = next(g for g in groups if g.name == "城关镇第一代表小组")

    # ----------------------------------------------------------------- logins
    def users(self) -> None:
        """The demo logins, one per role, all with the demo password and marked as already changed."""
        county, town = self.county, self.towns_list[0]
        unit = next(u for u in self.units if u.name == d.DEMO_UNIT)
        committee = next(c for c in self.committees if c.name == d.DEMO_COMMITTEE)
        leader_member = self.members[0]
        specs = [
            ("admin", "系统管理员", [Role.ADMIN], {"congress": county, "is_superuser": True, "is_staff": True}),
            # 三权分立: the security administrator (lockouts, second factors) and the auditor (reads the audit log).
            ("secadmin", "安全管理员", [Role.SECADMIN], {"congress": county}),
            ("auditor", "审计员", [Role.AUDITOR], {"congress": county}),
            ("staff", self.name("女"), [Role.STAFF], {"congress": county}),
            ("leader", leader_member.name, [Role.LEADER], {"congress": county}),
            ("committee", self.name("男"), [Role.COMMITTEE], {"congress": county, "committee": committee}),
            ("unit", self.name("女"), [Role.UNIT_STAFF], {"congress": county, "unit": unit}),
            ("unithead", self.name("男"), [Role.UNIT_HEAD], {"congress": county, "unit": unit}),
            ("town", self.name("女"), [Role.TOWN_STAFF], {"congress": town.congress}),
            ("liaison", self.liaison_group.liaison.name, [Role.LIAISON], {"person": self.liaison_group.liaison}),
            ("deputy", self.demo_person.name, [Role.DEPUTY], {"person": self.demo_person, "phone": d.DEPUTY_PHONE}),
        ]
        # One hash for all: the demo password is public anyway, and hashing nine times would take seconds.
        password = make_password(d.PASSWORD)
        users = User.objects.bulk_create(
            User(
                username=username,
                display_name=display,
                email=f"{username}@demo.qingchuan.example",
                password=password,
                must_change_password=False,
                **extra,
            )
            for username, display, _roles, extra in specs
        )
        UserRole.objects.bulk_create(
            UserRole(user=u, role=r) for u, (_n, _d, roles, _e) in zip(users, specs, strict=True) for r in roles
        )
        by_name = {u.username: u for u in users}
        leader_member.user = by_name["leader"]
        leader_member.save(update_fields=["user"])
        self.liaison_group.liaison_user = by_name["liaison"]
        self.liaison_group.save(update_fields=["liaison_user"])
