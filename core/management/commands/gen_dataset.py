"""Build a deterministic, realistic data set for benchmarks: `python manage.py gen_dataset --scale county`.

Sizes (see SCALES): a county (one county congress and its townships), a city (one city, 8 counties) or a province
(14 cities, 112 counties, ~1,350 townships: ~180,000 deputies, ~6,700 stations, ~8,800 units, 30,000 suggestions a
year). Rows go in through PostgreSQL COPY with ids we assign, so the county set builds in seconds. The data set is
marked by a user named `bench-admin` whose display name records scale, years and seed; the command refuses to write
into a database that holds other data unless --force.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from core import crypto
from core.pinyin import initials

MARKER_USER = "bench-admin"
BENCH_PASSWORD = "bench-Passw0rd-2026"


@dataclass(frozen=True)
class Scale:
    cities: int  # 0: the top congress is a county
    counties_per_city: int
    townships_per_county: int
    deputies_top: int  # at the province (or top) congress
    deputies_city: int
    deputies_county: int
    deputies_township: int
    units_per_congress: int  # units of every county-level-or-above congress
    stations_per_township: int
    suggestions_per_year: int
    years: int
    duties_per_deputy_year: int
    receptions_per_station_year: int
    messages_per_station_year: int


SCALES = {
    "tiny": Scale(0, 1, 2, 0, 0, 12, 8, 8, 2, 20, 2, 2, 2, 2),  # for the smoke test only
    "county": Scale(0, 1, 12, 0, 0, 250, 108, 70, 5, 300, 3, 10, 24, 12),
    "city": Scale(1, 8, 12, 0, 500, 250, 108, 70, 5, 3000, 5, 10, 24, 12),
    "province": Scale(14, 8, 12, 800, 500, 250, 108, 70, 5, 30000, 10, 10, 24, 12),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华文红玉梅志强海燕晓东春雷小红永刚德明淑珍国庆金凤丹婷宇辉振华立新卫东俊杰慧敏雪梅"  # noqa: E501
PLACE = "东南西北中新和平安兴宁丰泰康华阳山河源清水石桥湖溪林塘岭"
PLACE2 = "镇乡街道"
UNIT_NAMES = [
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "城市管理局",
    "信访局",
    "数据资源局",
    "供销合作社",
    "供电公司",
    "自来水公司",
    "燃气公司",
    "邮政分公司",
    "电信分公司",
    "气象局",
    "税务局",
    "消防救援大队",
    "人民法院",
    "人民检察院",
    "监察委员会",
]  # noqa: E501
CATEGORIES = [
    "农业农村",
    "城乡建设",
    "交通运输",
    "教育",
    "卫生健康",
    "社会保障",
    "生态环境",
    "经济发展",
    "政法",
    "文化旅游",
]  # noqa: E501
TOPICS = [
    "关于加快农村公路提档升级的建议",
    "关于改善城区停车难问题的建议",
    "关于加强农村饮水安全保障的建议",
    "关于推进义务教育优质均衡的建议",
    "关于完善基层医疗服务体系的建议",
    "关于加大老旧小区改造力度的建议",
    "关于加强河道综合治理的建议",
    "关于扶持特色农业产业发展的建议",
    "关于规范校外培训机构管理的建议",
    "关于提高城乡居民养老保障水平的建议",
    "关于优化营商环境的建议",
    "关于加强食品安全监管的建议",
]  # noqa: E501
RECEPTION_TOPICS = [
    "道路破损",
    "路灯不亮",
    "垃圾清运",
    "医保报销",
    "土地流转",
    "学校周边交通",
    "低保申请",
    "噪音扰民",
    "农田灌溉",
    "快递网点",
]  # noqa: E501
PARTIES = ["中共党员"] * 7 + ["群众"] * 2 + ["民盟盟员", "民建会员", "农工党党员", "九三学社社员"]
EDU = ["大学", "大专", "研究生", "高中", "中专", "初中"]
COMPOSITION = ["worker", "farmer", "farmer", "professional", "cadre", "cadre", "enterprise", "other"]


def model(label: str):
    return apps.get_model(label)


class Copier:
    """COPY rows into a model's table with ids assigned here; converts Python values through the model's fields."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.next_ids: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.now = timezone.now()

    def ids(self, m: type[models.Model], n: int) -> range:
        table = m._meta.db_table
        if table not in self.next_ids:
            self.cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
            self.next_ids[table] = self.cursor.fetchone()[0]
        start = self.next_ids[table]
        self.next_ids[table] = start + n
        return range(start, start + n)

    @staticmethod
    def _text(field, value) -> str:
        if value is None:
            return r"\N"
        if isinstance(field, models.JSONField):
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            return "t" if value else "f"
        elif isinstance(value, (dt.datetime, dt.date, dt.time)):
            return value.isoformat()
        else:
            value = str(value)
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    def copy(self, m: type[models.Model], rows: list[dict], chunk: int = 50_000) -> None:
        """rows: dicts of attname → value; missing fields take their default (auto_now fields: now)."""
        if not rows:
            return
        fields = [f for f in m._meta.concrete_fields]
        defaults = {}
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = self.now
            elif f.has_default():
                default = f.get_default()
                defaults[f.attname] = default
            elif f.null:
                defaults[f.attname] = None
            elif isinstance(f, (models.CharField, models.TextField)):
                defaults[f.attname] = ""
        columns = ", ".join(f'"{f.column}"' for f in fields)
        table = m._meta.db_table
        for start in range(0, len(rows), chunk):
            buf = io.StringIO()
            for row in rows[start : start + chunk]:
                out = []
                for f in fields:
                    name = f.attname
                    value = row[name] if name in row else defaults.get(name, KeyError)
                    if value is KeyError:
                        raise CommandError(f"{m.__name__}.{name} 缺少取值")
                    if callable(value):
                        value = value()
                    out.append(self._text(f, value))
                buf.write("\t".join(out))
                buf.write("\n")
            buf.seek(0)
            self.cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN', buf)
        self.counts[m.__name__] = self.counts.get(m.__name__, 0) + len(rows)

    def fix_sequences(self) -> None:
        for table in self.next_ids:
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"), false)'
            )


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


class Generator:
    def __init__(self, scale: Scale, seed: int, years: int, cursor, log):
        self.s = scale
        self.years = years
        self.r = random.Random(seed)
        self.c = Copier(cursor)
        self.log = log
        self.today = timezone.localdate()
        self.first_year = self.today.year - years + 1
        self._initials: dict[str, str] = {}

    # --- helpers -------------------------------------------------------------------------------------------
    def name(self) -> str:
        r = self.r
        given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")
        return r.choice(SURNAMES) + given

    def place(self) -> str:
        return self.r.choice(PLACE) + self.r.choice(PLACE)

    def day_in(self, year: int) -> dt.date:
        last = min(dt.date(year, 12, 31), self.today)
        first = dt.date(year, 1, 1)
        return first + dt.timedelta(days=self.r.randrange((last - first).days + 1))

    # --- organisation ---------------------------------------------------------------------------------------
    def organisation(self) -> None:
        Area, Congress, Term, Meeting = (model(f"organization.{n}") for n in ("Area", "Congress", "Term", "Meeting"))
        HandlingUnit, SpecialCommittee, Category = (
            model("organization.HandlingUnit"),
            model("organization.SpecialCommittee"),
            model("suggestions.Category"),
        )
        s = self.s
        areas, congresses = [], []
        self.congress_level: dict[int, str] = {}
        self.township_area: dict[int, int] = {}  # township congress → area
        self.village_areas: dict[int, list[int]] = {}  # township area → villages
        counter = iter(range(1, 10**9))

        def add_area(name, level, parent, code):
            aid = next(counter)
            areas.append({"id": aid, "name": name, "level": level, "parent_id": parent, "code": code})
            return aid

        def add_congress(name, level, area, parent):
            cid = len(congresses) + 1
            congresses.append(
                {
                    "id": cid,
                    "name": name,
                    "short_name": name.replace("人民代表大会", "人大"),
                    "level": level,
                    "area_id": area,
                    "parent_id": parent,
                    "is_managed": True,
                }
            )
            self.congress_level[cid] = level
            return cid

        def county(parent_area, parent_congress, prefix, code):
            cname = f"{prefix}{self.place()}县"
            a = add_area(cname, "county", parent_area, code)
            c = add_congress(f"{cname}人民代表大会", "county", a, parent_congress)
            for t in range(s.townships_per_county):
                tname = f"{self.place()}{self.r.choice(PLACE2)}"
                ta = add_area(tname, "township", a, f"{code}{t + 1:03d}")
                self.village_areas[ta] = [
                    add_area(f"{self.place()}村", "village", ta, f"{code}{t + 1:03d}{v + 1:03d}")
                    for v in range(s.stations_per_township)
                ]
                tc = add_congress(f"{cname}{tname}人民代表大会", "township", ta, c)
                self.township_area[tc] = ta
            return c

        if s.cities == 0:
            county(None, None, "", "3301")
        elif s.deputies_top == 0:  # one city
            a = add_area("临江市", "city", None, "3302")
            c = add_congress("临江市人民代表大会", "city", a, None)
            for k in range(s.counties_per_city):
                county(a, c, f"临江市{k + 1}", f"3302{k + 1:02d}")
        else:
            p = add_area("江南省", "province", None, "33")
            pc = add_congress("江南省人民代表大会", "province", p, None)
            for i in range(s.cities):
                a = add_area(f"江南省第{i + 1}市", "city", p, f"33{i + 1:02d}")
                c = add_congress(f"江南省第{i + 1}市人民代表大会", "city", a, pc)
                for k in range(s.counties_per_city):
                    county(a, c, f"{i + 1}市{k + 1}", f"33{i + 1:02d}{k + 1:02d}")
        # Unique names: the area tree allows duplicates under different parents; congress names are unique.
        seen: dict[str, int] = {}
        for row in congresses:
            n = seen.get(row["name"], 0)
            seen[row["name"]] = n + 1
            if n:
                row["name"] = row["name"].replace("人民代表大会", f"（{n}）人民代表大会")
                row["short_name"] = row["name"].replace("人民代表大会", "人大")
        for group in self._by_parent(areas).values():
            names: dict[str, int] = {}
            for row in group:
                n = names.get(row["name"], 0)
                names[row["name"]] = n + 1
                if n:
                    row["name"] = f"{row['name']}{n + 1}"
        area_ids = self.c.ids(Area, len(areas))
        remap = dict(zip([a["id"] for a in areas], area_ids, strict=False))
        for a in areas:
            a["id"] = remap[a["id"]]
            a["parent_id"] = remap.get(a["parent_id"])
        cong_ids = self.c.ids(Congress, len(congresses))
        cremap = dict(zip([c["id"] for c in congresses], cong_ids, strict=False))
        for row in congresses:
            row["id"] = cremap[row["id"]]
            row["parent_id"] = cremap.get(row["parent_id"])
            row["area_id"] = remap.get(row["area_id"])
        self.congress_level = {cremap[k]: v for k, v in self.congress_level.items()}
        self.township_area = {cremap[k]: remap[v] for k, v in self.township_area.items()}
        self.village_areas = {remap[k]: [remap[x] for x in v] for k, v in self.village_areas.items()}
        self.c.copy(Area, areas)
        self.c.copy(Congress, congresses)
        self.congresses = congresses
        self.top_congress = congresses[0]["id"]

        # Terms (the current one started in January of a year ending in 2 or 7) and three meetings a year.
        terms, meetings = [], []
        self.term_of: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {}
        term_starts = [y for y in range(self.first_year - 5, self.today.year + 1) if y % 5 == 2]
        for cong in congresses:
            for n, start_year in enumerate(term_starts, start=14):
                start = dt.date(start_year, 1, 5)
                end = dt.date(start_year + 5, 1, 4) if start_year + 5 <= self.today.year else None
                tid = self.c.ids(Term, 1)[0]
                terms.append({"id": tid, "congress_id": cong["id"], "number": n, "start": start, "end": end})
                self.term_of.setdefault(cong["id"], []).append((tid, start, end))
        self.c.copy(Term, terms)
        self.meeting_of: dict[tuple[int, int], int] = {}
        for cong in congresses:
            if cong["level"] == "township":
                continue
            for tid, start, end in self.term_of[cong["id"]]:
                last = (end or self.today).year
                for number, year in enumerate(range(start.year, last + 1), start=1):
                    mday = dt.date(year, 1, 10) if year > start.year else dt.date(year, 1, 8)
                    if mday > self.today or (end and mday > end):
                        continue
                    mid = self.c.ids(Meeting, 1)[0]
                    meetings.append(
                        {"id": mid, "term_id": tid, "number": number, "start": mday, "end": mday + dt.timedelta(4)}
                    )
                    self.meeting_of[(cong["id"], year)] = mid
        self.c.copy(Meeting, meetings)

        # Committees, categories and handling units for county-level congresses and above.
        committees, categories, units = [], [], []
        self.units_of: dict[int, list[int]] = {}
        self.categories_of: dict[int, list[int]] = {}
        for cong in congresses:
            if cong["level"] == "township":
                continue
            cid = cong["id"]
            com_ids = list(self.c.ids(SpecialCommittee, 3))
            for i, (nm, fl) in enumerate(
                [
                    ("农业与农村委员会", "农业农村"),
                    ("教育科学文化卫生委员会", "教育 卫生健康"),
                    ("财政经济委员会", "经济发展"),
                ]
            ):
                committees.append({"id": com_ids[i], "congress_id": cid, "name": nm, "fields": fl})
            cat_ids = list(self.c.ids(Category, len(CATEGORIES)))
            for i, nm in enumerate(CATEGORIES):
                categories.append(
                    {"id": cat_ids[i], "congress_id": cid, "name": nm, "committee_id": com_ids[i % 3], "order": i}
                )
            self.categories_of[cid] = cat_ids
            n = self.s.units_per_congress
            u_ids = list(self.c.ids(HandlingUnit, n))
            for i in range(n):
                base = UNIT_NAMES[i % len(UNIT_NAMES)]
                nm = base if i < len(UNIT_NAMES) else f"{self.place()}{base[:-1]}所"
                kind = (
                    "court"
                    if base == "人民法院"
                    else "procuratorate"
                    if base == "人民检察院"
                    else "supervision"
                    if base == "监察委员会"
                    else "department"
                )
                units.append(
                    {
                        "id": u_ids[i],
                        "congress_id": cid,
                        "name": nm if i < len(UNIT_NAMES) else f"{nm}{i}",
                        "kind": kind,
                        "head": self.name(),
                        "contact_person": self.name(),
                        "contact_phone": f"0571-{8000_0000 + i}",
                        "is_active": True,
                    }
                )
            self.units_of[cid] = u_ids
        self.c.copy(SpecialCommittee, committees)
        self.c.copy(Category, categories)
        self.c.copy(HandlingUnit, units)
        self.log(f"组织：{len(areas)} 区划，{len(congresses)} 人大，{len(units)} 承办单位")

    @staticmethod
    def _by_parent(rows):
        out: dict = {}
        for row in rows:
            out.setdefault(row["parent_id"], []).append(row)
        return out

    # --- deputies -------------------------------------------------------------------------------------------
    def deputies(self) -> None:
        Person, Seat = model("deputies.Person"), model("deputies.Seat")
        ActivityGroup, GroupMembership = model("deputies.ActivityGroup"), model("deputies.GroupMembership")
        s = self.s
        per_level = {
            "province": s.deputies_top,
            "city": s.deputies_city,
            "county": s.deputies_county,
            "township": s.deputies_township,
        }
        persons, seats, groups, members = [], [], [], []
        self.deputies_of: dict[int, list[int]] = {}
        self.all_persons: list[int] = []
        # Townships of each county, for the county's deputies' home township.
        townships_under: dict[int, list[int]] = {}
        for cong in self.congresses:
            if cong["level"] == "township":
                townships_under.setdefault(cong["parent_id"], []).append(self.township_area[cong["id"]])
        serial = 0
        for cong in self.congresses:
            cid = cong["id"]
            n = per_level[cong["level"]]
            ids = list(self.c.ids(Person, n))
            self.deputies_of[cid] = ids
            self.all_persons.extend(ids)
            home = (
                [self.township_area[cid]]
                if cong["level"] == "township"
                else townships_under.get(cid) or [a for t in list(townships_under.values())[:1] for a in t]
            )
            tid, tstart, _ = self.term_of[cid][-1]
            for pid in ids:
                serial += 1
                nm = self.name()
                ini = self._initials.get(nm)
                if ini is None:
                    ini = self._initials[nm] = initials(nm)
                birth = dt.date(1955 + self.r.randrange(45), 1 + self.r.randrange(12), 1)
                idn = f"33{serial % 10000:04d}{birth:%Y%m}{self.r.randrange(10, 29)}{serial:07d}"[:17]
                idn = idn + "0123456789X"[serial % 11]
                township = self.r.choice(home) if home else None
                persons.append(
                    {
                        "id": pid,
                        "name": nm,
                        "name_initials": ini,
                        "gender": "女" if self.r.random() < 0.3 else "男",
                        "ethnicity": "汉族" if self.r.random() < 0.92 else "畲族",
                        "birth_month": birth,
                        "party": self.r.choice(PARTIES),
                        "education": self.r.choice(EDU),
                        "workplace": f"{self.place()}{self.r.choice(['村党支部书记', '中学教师', '卫生院医生', '公司总经理', '合作社理事长', '局长'])}",  # noqa: E501
                        "composition": self.r.choice(COMPOSITION),
                        "phone": f"13{serial:09d}"[:11],
                        "id_number_encrypted": crypto.encrypt(idn),
                        "id_number_hash": crypto.keyed_hash(idn),
                        "address": f"{self.place()}路{self.r.randrange(1, 300)}号",
                        "township_id": township,
                    }
                )
                seats.append(
                    {
                        "person_id": pid,
                        "congress_id": cid,
                        "term_id": tid,
                        "district": f"第{self.r.randrange(1, 40)}选区",
                        "delegation_id": township,
                        "start": tstart,
                        "status": "active",
                    }
                )
            # Some seats ended during the term.
            for row in seats[-n:]:
                if self.r.random() < 0.02:
                    row["status"] = self.r.choice(["resigned", "terminated"])
                    row["end"] = tstart + dt.timedelta(days=400 + self.r.randrange(600))
                    row["status_reason"] = "工作调动" if row["status"] == "resigned" else "迁出本行政区域"
            # Activity groups of about 15 members.
            for g in range(0, n, 15):
                gid = self.c.ids(ActivityGroup, 1)[0]
                groups.append(
                    {
                        "id": gid,
                        "congress_id": cid,
                        "name": f"第{g // 15 + 1}代表小组",
                        "kind": "area",
                        "area_id": home[0] if home else None,
                        "convener_id": ids[g],
                    }
                )
                members.extend({"group_id": gid, "person_id": p, "joined": tstart} for p in ids[g : g + 15])
        for row, seat_id in zip(seats, self.c.ids(Seat, len(seats)), strict=False):
            row["id"] = seat_id
        for row, mid in zip(members, self.c.ids(GroupMembership, len(members)), strict=False):
            row["id"] = mid
        self.c.copy(Person, persons)
        self.c.copy(Seat, seats)
        self.c.copy(ActivityGroup, groups)
        self.c.copy(GroupMembership, members)
        self.groups = groups
        self.log(f"代表：{len(persons)} 人，{len(groups)} 个小组")

    # --- users ----------------------------------------------------------------------------------------------
    def users(self, label: str) -> None:
        User = model("accounts.User")
        UserRole = model("accounts.UserRole")
        top = self.top_congress
        admin = User.objects.create_user(
            MARKER_USER, password=BENCH_PASSWORD, display_name=label, congress_id=top, is_staff=True
        )
        UserRole.objects.create(user=admin, role="staff")
        unit = User.objects.create_user(
            "bench-unit",
            password=BENCH_PASSWORD,
            display_name="承办单位经办人",
            congress_id=top,
            unit_id=self.units_of[top][5],
        )
        UserRole.objects.create(user=unit, role="unit_staff")
        deputy = User.objects.create_user(
            "bench-deputy", password=BENCH_PASSWORD, display_name="代表", person_id=self.deputies_of[top][0]
        )
        UserRole.objects.create(user=deputy, role="deputy")
        self.staff_user = admin.pk

    # --- suggestions ----------------------------------------------------------------------------------------
    def suggestions(self) -> None:
        Suggestion, Assignment, Answer = (model(f"suggestions.{n}") for n in ("Suggestion", "Assignment", "Answer"))
        Rating, Transition, CoSigner = (model(f"suggestions.{n}") for n in ("Rating", "Transition", "CoSigner"))
        handling = [c["id"] for c in self.congresses if c["level"] != "township"]
        weights = [len(self.deputies_of[c]) for c in handling]
        sugg, assigns, answers, ratings, transitions, cosigners = [], [], [], [], [], []
        states_now = [
            "draft",
            "submitted",
            "returned",
            "withdrawn",
            "declined",
            "accepted",
            "merged",
            "handling",
            "handling",
            "handling",
            "answered",
            "answered",
            "rated",
            "closed",
            "closed",
        ]
        numbers: dict[tuple[int, int], int] = {}
        for year in range(self.first_year, self.today.year + 1):
            current = year == self.today.year
            n = self.s.suggestions_per_year
            congs = self.r.choices(handling, weights=weights, k=n)
            ids = self.c.ids(Suggestion, n)
            for k, (sid, cid) in enumerate(zip(ids, congs, strict=False)):
                if current:  # every state, in turn
                    state = states_now[k % len(states_now)]
                else:
                    state = self.r.choices(["closed", "declined", "withdrawn", "merged"], [92, 4, 2, 2])[0]
                meeting = self.meeting_of.get((cid, year)) if self.r.random() < 0.8 else None
                lead = self.r.choice(self.deputies_of[cid])
                submitted = self.day_in(year)
                if meeting:
                    submitted = min(dt.date(year, 1, 9), self.today)
                numbered = state not in ("draft", "submitted", "returned", "withdrawn")
                number = None
                if numbered:
                    key = (cid, meeting or -year)
                    numbers[key] = number = numbers.get(key, 0) + 1
                sub_at = aware(submitted, 9) if state != "draft" else None
                acc_at = aware(submitted + dt.timedelta(days=7)) if numbered and state != "declined" else None
                row = {
                    "id": sid,
                    "congress_id": cid,
                    "meeting_id": meeting,
                    "year": year if numbered else None,
                    "number": number,
                    "title": self.r.choice(TOPICS),
                    "lead_deputy_id": lead,
                    "content": "近年来群众反映较多，建议有关部门统筹资金、加强协调，尽快研究解决。\n具体建议如下：一是……二是……",  # noqa: E501
                    "category_id": self.r.choice(self.categories_of[cid]),
                    "state": state,
                    "created_by_id": self.staff_user,
                    "created_at": aware(submitted, 8),
                    "submitted_at": sub_at,
                    "accepted_at": acc_at,
                    "disclose": self.r.random() < 0.9,
                    "is_key": self.r.random() < 0.03,
                    "merged_into_id": None,
                }
                if sub_at and self.r.random() < 0.3:
                    other = self.r.choice(self.deputies_of[cid])
                    if other != lead:
                        cosigners.append(
                            {"suggestion_id": sid, "person_id": other, "invited_at": sub_at, "confirmed_at": sub_at}
                        )
                transitions.append(
                    {
                        "suggestion_id": sid,
                        "action": "submit",
                        "from_state": "draft",
                        "to_state": "submitted",
                        "actor_name": "代表",
                        "at": sub_at or aware(submitted),
                    }
                )
                if state in ("handling", "answered", "rated", "closed"):
                    assigned = submitted + dt.timedelta(days=10)
                    row["assigned_at"] = aware(assigned)
                    units = self.r.sample(self.units_of[cid], 2 if self.r.random() < 0.3 else 1)
                    for k, unit in enumerate(units):
                        aid = self.c.ids(Assignment, 1)[0]
                        a_state = "answered"
                        if state == "handling":
                            a_state = self.r.choice(["pending_sign", "handling", "handling", "return_requested"])
                        due = assigned + dt.timedelta(days=90 if k == 0 else 30)
                        if state == "handling" and self.r.random() < 0.5:
                            due = self.today + dt.timedelta(days=self.r.randrange(-10, 20))
                        assigns.append(
                            {
                                "id": aid,
                                "suggestion_id": sid,
                                "unit_id": unit,
                                "role": "lead" if k == 0 else "co",
                                "state": a_state,
                                "assigned_at": aware(assigned),
                                "due_date": due,
                                "signed_at": aware(assigned + dt.timedelta(2)) if a_state != "pending_sign" else None,
                                "return_deadline": assigned + dt.timedelta(days=10),
                                "answered_at": aware(assigned + dt.timedelta(60)) if a_state == "answered" else None,
                            }
                        )
                        if a_state == "answered":
                            answers.append(
                                {
                                    "assignment_id": aid,
                                    "round": 1,
                                    "text": "经研究，已列入年度计划，现答复如下……",
                                    "result_class": self.r.choices("ABCD", [55, 30, 10, 5])[0],
                                    "status": "sent",
                                    "drafted_at": aware(assigned + dt.timedelta(50)),
                                    "approved_at": aware(assigned + dt.timedelta(59)),
                                }
                            )
                    if state in ("answered", "rated", "closed"):
                        row["answered_at"] = aware(assigned + dt.timedelta(60))
                    if state in ("rated", "closed"):
                        ratings.append(
                            {
                                "suggestion_id": sid,
                                "round": 1,
                                "source": "deputy",
                                "value": self.r.choices(["satisfied", "basic", "unsatisfied"], [80, 17, 3])[0],
                                "rated_at": aware(assigned + dt.timedelta(70)),
                            }
                        )
                    if state == "closed":
                        row["closed_at"] = aware(assigned + dt.timedelta(80))
                        transitions.append(
                            {
                                "suggestion_id": sid,
                                "action": "close",
                                "from_state": "rated",
                                "to_state": "closed",
                                "actor_name": "代表工委",
                                "at": row["closed_at"],
                            }
                        )
                sugg.append(row)
        # Merged items point to an earlier item of the same congress and year.
        last_of: dict[tuple[int, int | None], int] = {}
        for row in sugg:
            key = (row["congress_id"], row["year"])
            if row["state"] == "merged" and key in last_of:
                row["merged_into_id"] = last_of[key]
            elif row["state"] == "merged":
                row["state"] = "declined"
            if row["state"] in ("accepted", "handling", "answered", "rated", "closed"):
                last_of[key] = row["id"]
        for rows, m in ((answers, Answer), (ratings, Rating), (transitions, Transition), (cosigners, CoSigner)):
            for row, i in zip(rows, self.c.ids(m, len(rows)), strict=False):
                row["id"] = i
        self.c.copy(Suggestion, sugg)
        self.c.copy(CoSigner, cosigners)
        self.c.copy(Assignment, assigns)
        self.c.copy(Answer, answers)
        self.c.copy(Rating, ratings)
        self.c.copy(Transition, transitions)
        self.log(f"建议：{len(sugg)} 件，交办 {len(assigns)}，答复 {len(answers)}，测评 {len(ratings)}")

    # --- duties ---------------------------------------------------------------------------------------------
    def duties(self, per_year: int) -> None:
        DutyType, DutyRecord = model("duties.DutyType"), model("duties.DutyRecord")
        types = list(DutyType.objects.filter(self_reported=True).values_list("id", flat=True)) or list(
            DutyType.objects.values_list("id", flat=True)
        )
        if not types:
            self.log("没有履职类型，跳过履职记录")
            return
        titles = [
            "参加代表小组活动",
            "到代表联络站接待选民",
            "参加视察调研",
            "参加执法检查",
            "联系走访选民",
            "参加培训",
        ]
        total = 0
        batch: list[dict] = []
        for year in range(self.first_year, self.today.year + 1):
            for pid in self.all_persons:
                for _ in range(per_year):
                    day = self.day_in(year)
                    batch.append(
                        {
                            "person_id": pid,
                            "type_id": self.r.choice(types),
                            "date": day,
                            "place": self.place(),
                            "title": self.r.choice(titles),
                            "hours": Decimal(self.r.randrange(1, 9)),
                            "status": "verified" if self.r.random() < 0.9 else self.r.choice(["draft", "submitted"]),
                            "source": "manual",
                            "created_at": aware(day, 18),
                            "updated_at": aware(day, 18),
                            "verified_at": aware(day + dt.timedelta(3)),
                            "group_id": None,
                        }
                    )
                if len(batch) >= 200_000:
                    total += self._flush_duties(DutyRecord, batch)
                    batch = []
        total += self._flush_duties(DutyRecord, batch)
        self.log(f"履职记录：{total} 条")

    def _flush_duties(self, m, batch) -> int:
        for row, i in zip(batch, self.c.ids(m, len(batch)), strict=False):
            row["id"] = i
        self.c.copy(m, batch)
        return len(batch)

    # --- stations, receptions, messages ---------------------------------------------------------------------
    def stations(self) -> None:
        Station, StationDeputy = model("stations.Station"), model("stations.StationDeputy")
        Reception, Message = model("stations.Reception"), model("stations.Message")
        stations, members, receptions, messages = [], [], [], []
        self.station_of_township: dict[int, list[int]] = {}
        serial = 0
        for cong in self.congresses:
            if cong["level"] != "township":
                continue
            cid = cong["id"]
            ta = self.township_area[cid]
            deputies = self.deputies_of[cid]
            villages = self.village_areas[ta]
            ids = list(self.c.ids(Station, len(villages)))
            for k, (sid, area) in enumerate(zip(ids, villages, strict=False)):
                kind = "home" if k == 0 else "workstation"
                stations.append(
                    {
                        "id": sid,
                        "congress_id": cid,
                        "kind": kind,
                        "name": f"{cong['short_name'].replace('人大', '')}{'人大代表之家' if k == 0 else f'第{k}代表工作站'}",  # noqa: E501
                        "area_id": ta if k == 0 else area,
                        "township_id": ta,
                        "address": f"{self.place()}路{k + 1}号",
                        "opening_hours": "工作日 8:30–17:30",
                        "reception_weekdays": "1,3,5" if k == 0 else "3",
                        "reception_hours": "上午 9:00–11:30",
                        "deputies_per_day": 1,
                        "phone": f"0571-{6000_0000 + sid}",
                        "is_active": True,
                        "compliance_met": self.r.randrange(3, 7),
                        "compliance_total": 6,
                    }
                )
                share = deputies[k :: len(villages)]
                members.extend(
                    {"station_id": sid, "person_id": p, "is_active": True, "order": i} for i, p in enumerate(share)
                )
                for year in range(max(self.first_year, self.today.year - 2), self.today.year + 1):
                    for _ in range(self.s.receptions_per_station_year):
                        serial += 1
                        day = self.day_in(year)
                        done = day < self.today - dt.timedelta(days=30) or self.r.random() < 0.5
                        receptions.append(
                            {
                                "station_id": sid,
                                "date": day,
                                "deputy_id": self.r.choice(share) if share else None,
                                "visitor_name": self.name(),
                                "visitor_phone": f"139{serial:08d}"[:11],
                                "visitor_count": 1 + self.r.randrange(3),
                                "topic": self.r.choice(RECEPTION_TOPICS),
                                "content": "群众反映该问题已持续较长时间，希望尽快解决。",
                                "category": "other",
                                "handling": self.r.choice(["on_spot", "referred", "pending"]),
                                "status": "resolved" if done else "open",
                                "created_at": aware(day, 11),
                            }
                        )
                    for _ in range(self.s.messages_per_station_year):
                        serial += 1
                        day = self.day_in(year)
                        status = self.r.choice(["open", "replied", "forwarded", "closed", "closed", "closed"])
                        messages.append(
                            {
                                "station_id": sid,
                                "person_id": self.r.choice(share) if share else None,
                                "code": f"B{serial:09d}"[:12],
                                "topic": self.r.choice(RECEPTION_TOPICS),
                                "content": "您好，我想反映一个问题，请代表帮忙。",
                                "category": "other",
                                "contact_name": self.name()[0] + "先生",
                                "contact_phone": f"137{serial:08d}"[:11],
                                "consent_text": "我同意将上述信息用于处理本留言。",
                                "consented_at": aware(day, 20),
                                "status": status,
                                "reply": "已转有关部门处理。" if status != "open" else "",
                                "replied_at": aware(day + dt.timedelta(2)) if status != "open" else None,
                                "closed_at": aware(day + dt.timedelta(9)) if status == "closed" else None,
                                "created_at": aware(day, 20),
                            }
                        )
        for rows, m in ((members, StationDeputy), (receptions, Reception), (messages, Message)):
            for row, i in zip(rows, self.c.ids(m, len(rows)), strict=False):
                row["id"] = i
        self.c.copy(Station, stations)
        self.c.copy(StationDeputy, members)
        self.c.copy(Reception, receptions)
        self.c.copy(Message, messages)
        self.log(f"站点：{len(stations)} 个，接待 {len(receptions)}，留言 {len(messages)}")

    # --- training -------------------------------------------------------------------------------------------
    def training(self) -> None:
        Session, Day = model("training.TrainingSession"), model("training.TrainingDay")
        Enrolment, CheckIn = model("training.Enrolment"), model("training.CheckIn")
        sessions, days, enrolments, checkins = [], [], [], []
        for cong in self.congresses:
            if cong["level"] == "township":
                continue
            cid = cong["id"]
            for year in range(max(self.first_year, self.today.year - 1), self.today.year + 1):
                sid = self.c.ids(Session, 1)[0]
                day = self.day_in(year)
                sessions.append(
                    {
                        "id": sid,
                        "congress_id": cid,
                        "kind": self.r.choice(["initial", "topical"]),
                        "title": f"{year}年代表履职能力培训班",
                        "lecturers": "张教授、李研究员",
                        "planned_hours": Decimal("6.0"),
                        "description": "学习代表法，提高履职能力。",
                        "target_levels": [cong["level"]],
                        "created_by_id": self.staff_user,
                    }
                )
                did = self.c.ids(Day, 1)[0]
                days.append(
                    {
                        "id": did,
                        "session_id": sid,
                        "date": day,
                        "start_time": dt.time(9),
                        "end_time": dt.time(16),
                        "place": "人大常委会会议室",
                        "hours": Decimal("6.0"),
                    }
                )
                for pid in self.deputies_of[cid]:
                    eid = self.c.ids(Enrolment, 1)[0]
                    status = self.r.choices(["confirmed", "leave_approved", "invited"], [85, 10, 5])[0]
                    enrolments.append(
                        {
                            "id": eid,
                            "session_id": sid,
                            "person_id": pid,
                            "status": status,
                            "invited_at": aware(day - dt.timedelta(10)),
                        }
                    )
                    if status == "confirmed" and day <= self.today:
                        checkins.append(
                            {"enrolment_id": eid, "day_id": did, "checked_at": aware(day, 9), "method": "qr"}
                        )
        for row, i in zip(checkins, self.c.ids(CheckIn, len(checkins)), strict=False):
            row["id"] = i
        kinds = {c[0] for c in Session._meta.get_field("kind").choices}
        for row in sessions:
            if row["kind"] not in kinds:
                row["kind"] = sorted(kinds)[0]
        self.c.copy(Session, sessions)
        self.c.copy(Day, days)
        self.c.copy(Enrolment, enrolments)
        self.c.copy(CheckIn, checkins)
        self.log(f"培训：{len(sessions)} 期，参训 {len(enrolments)}，签到 {len(checkins)}")


def dataset_label(scale: str, years: int, seed: int, duties: int) -> str:
    return f"gen:{scale}:{years}:{seed}:{duties}"


def existing_label() -> str | None:
    User = model("accounts.User")
    return User.objects.filter(username=MARKER_USER).values_list("display_name", flat=True).first()


class Command(BaseCommand):
    help = "生成性能测试数据集（县、市、省三种规模），确定性、使用 COPY 批量写入。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="county", help="county, city, province")
        parser.add_argument("--years", type=int, default=None, help="历史年数（默认：县3、市5、省10）")
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument(
            "--duties-per-year", type=int, default=None, help="每名代表每年履职记录数（默认10；省级压力测试可调小）"
        )
        parser.add_argument("--force", action="store_true", help="数据库已有非生成数据时仍然写入")

    def handle(self, *args, scale, years, seed, duties_per_year, force, **options):
        if connection.vendor != "postgresql":
            raise CommandError("gen_dataset 需要 PostgreSQL（使用 COPY 写入）。")
        s = SCALES[scale]
        years = years or s.years
        if not 1 <= years <= 30:
            raise CommandError("--years 须在 1 到 30 之间。")
        duties = s.duties_per_deputy_year if duties_per_year is None else duties_per_year
        Person, Congress = model("deputies.Person"), model("organization.Congress")
        label = existing_label()
        if label and not force:
            raise CommandError(f"数据库中已有生成的数据集（{label}）；请使用新的空数据库，或加 --force。")
        if (Person.objects.exists() or Congress.objects.exists()) and not label and not force:
            raise CommandError("数据库中已有非生成的数据，拒绝写入；请使用专用的空数据库，或加 --force。")
        started = time.monotonic()

        def log(msg):
            self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {msg}")

        gen = Generator(s, seed, years, None, log)
        with transaction.atomic(), connection.cursor() as cursor:
            gen.c = Copier(cursor.cursor if hasattr(cursor, "cursor") else cursor)
            gen.organisation()
            gen.deputies()
            gen.users(dataset_label(scale, years, seed, duties))
            gen.suggestions()
            gen.stations()
            gen.training()
            gen.duties(duties)
            gen.c.fix_sequences()
        with connection.cursor() as cursor:
            # As a database in service is once autovacuum has passed: statistics, and the visibility map that lets
            # index-only scans (the bounded list counts) skip the heap. A bare ANALYZE left every page unvisited.
            # (Inside a transaction — a test — VACUUM cannot run; ANALYZE alone then.)
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        total = sum(gen.c.counts.values())
        log(f"完成：{scale}，{years} 年，共 {total} 行（{total / (time.monotonic() - started):.0f} 行/秒）")
