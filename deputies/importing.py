"""Importing the roster from Excel (代表名册导入), shared by the upload page and `manage.py import_deputies`.

The file is checked in full first: every bad row and column is reported in Chinese, and nothing is written unless
every row is valid. Then all rows are written in one transaction, in bulk (a fixed number of queries per thousand
rows), each change audited as deputies.services would audit it, with one audit entry for the import itself.
Re-importing the same file changes nothing: persons are matched by the keyed hash of their ID number, seats by
(person, congress, term), memberships by (group, person); blank cells never overwrite what the roster already holds.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core import audit, crypto, idcard, uploads
from core.exports import FORMULA_START  # shared with every export
from core.models import AuditEntry
from core.pinyin import initials
from organization.models import Area, Congress, Term

from . import services
from .models import ActivityGroup, Composition, GroupMembership, Person, Seat

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

# Column header → key, in the template's order.
COLUMNS = [
    ("姓名", "name"),
    ("性别", "gender"),
    ("民族", "ethnicity"),
    ("出生年月", "birth_month"),
    ("党派", "party"),
    ("学历", "education"),
    ("工作单位及职务", "workplace"),
    ("代表层级", "levels"),
    ("届次", "terms"),
    ("选区", "district"),
    ("代表构成", "composition"),
    ("所属镇街", "township"),
    ("代表小组", "groups"),
    ("联系电话", "phone"),
    ("身份证号", "id_number"),
]
HEADERS = [h for h, _ in COLUMNS]
HEADER_OF = {k: h for h, k in COLUMNS}
REQUIRED = ("姓名", "代表层级", "届次", "身份证号")
MAX_LENGTHS = {"name": 30, "ethnicity": 20, "party": 30, "education": 20, "workplace": 120, "district": 60}

LEVELS = {
    "全国": Congress.Level.NATIONAL,
    "省": Congress.Level.PROVINCE,
    "市": Congress.Level.CITY,
    "州": Congress.Level.CITY,
    "县": Congress.Level.COUNTY,
    "区": Congress.Level.COUNTY,
    "县区": Congress.Level.COUNTY,
    "县（区）": Congress.Level.COUNTY,
    "县(区)": Congress.Level.COUNTY,
    "乡镇": Congress.Level.TOWNSHIP,
    "乡": Congress.Level.TOWNSHIP,
    "镇": Congress.Level.TOWNSHIP,
    "街道": Congress.Level.TOWNSHIP,
    "乡镇（街道）": Congress.Level.TOWNSHIP,
    "乡镇(街道)": Congress.Level.TOWNSHIP,
}
COMPOSITIONS = {label: value for value, label in Composition.choices}
LIST_SPLIT = re.compile(r"[、，,;；/\s]+")


class ImportRejected(Exception):
    """The file as a whole cannot be read (too big, too many rows, not an .xlsx, headers missing)."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行【{self.column}】{self.message}" if self.column else f"第{self.row}行：{self.message}"


@dataclass
class RowPlan:
    row: int
    person: dict
    id_hash: str
    seats: list[tuple[Congress, Term]]
    district: str
    township: Area | None
    groups: list[ActivityGroup]


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    plans: list[RowPlan] = field(default_factory=list)
    new_persons: int = 0
    updated_persons: int = 0
    new_seats: int = 0
    updated_seats: int = 0
    new_memberships: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        return (
            f"共{self.rows}行：新增代表{self.new_persons}人，更新{self.updated_persons}人，"
            f"新增代表资格{self.new_seats}个，更新{self.updated_seats}个，新增小组成员{self.new_memberships}人次"
        )


# --- reading -----------------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    text = str(value).strip()
    # Our exports prefix risky cells with an apostrophe (formula injection); a round trip takes it off again.
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_START:
        text = text[1:]
    return text


def read_rows(fileobj) -> list[tuple[int, dict]]:
    """[(row number, {key: raw cell value})] for the non-blank rows, or ImportRejected."""
    import openpyxl

    try:
        # Size, a real .xlsx by content, and no zip bomb, before openpyxl reads anything (core.uploads).
        uploads.check_xlsx(fileobj, max_bytes=MAX_BYTES)
    except uploads.UploadRejected as exc:
        raise ImportRejected(str(exc)) from exc
    try:
        wb = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportRejected("无法读取文件，请上传用导入模板填写的 .xlsx 格式 Excel 文件。") from exc
    except Exception as exc:  # openpyxl raises assorted errors on malformed workbooks
        raise ImportRejected("无法读取文件，请上传用导入模板填写的 .xlsx 格式 Excel 文件。") from exc
    try:
        ws = wb.worksheets[0]
        if ws.max_row and ws.max_row > MAX_ROWS + 1:
            raise ImportRejected(f"文件有{ws.max_row - 1}行数据，单次最多导入{MAX_ROWS}行，请分批导入。")
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        positions = {}
        for i, cell in enumerate(header):
            name = _text(cell).replace("*", "").replace("＊", "").strip()
            key = dict(COLUMNS).get(name)
            if key and key not in positions:
                positions[key] = i
        missing = [h for h in REQUIRED if dict(COLUMNS)[h] not in positions]
        if missing:
            raise ImportRejected(f"第1行应为列标题，缺少：{'、'.join(missing)}。请使用导入模板。")
        out = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                raise ImportRejected(f"单次最多导入{MAX_ROWS}行，请分批导入。")
            record = {k: values[i] if i < len(values) else None for k, i in positions.items()}
            if all(_text(v) == "" for v in record.values()):
                continue
            out.append((number, record))
        return out
    finally:
        wb.close()


# --- parsing single cells ----------------------------------------------------------------------------------------

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def parse_term(text: str) -> int | None:
    """'第十八届' / '十八' / '18' / '第18届' → 18."""
    t = text.strip().removeprefix("第").removesuffix("届").strip()
    if t.isdigit():
        return int(t) or None
    if not t or any(c not in _CN_DIGITS and c != "十" for c in t):
        return None
    if "十" not in t:
        return _CN_DIGITS[t] if len(t) == 1 else None
    tens, _, ones = t.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


_MONTH = re.compile(r"^(\d{4})\s*(?:年|\.|-|/)\s*(\d{1,2})\s*(?:月)?(?:\s*(?:\.|-|/)?\s*\d{1,2}\s*日?)?$")


def parse_month(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = _text(value)
    m = _MONTH.match(text) or re.match(r"^(\d{4})(\d{2})(?:\d{2})?$", text)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or year < 1900:
        return None
    result = dt.date(year, month, 1)
    return result if result <= dt.date.today() else None


def parse_level(text: str) -> str | None:
    t = text.strip()
    for suffix in ("人大代表", "代表", "人大", "级"):
        t = t.removesuffix(suffix)
    return LEVELS.get(t)


# --- the office's context: what names in the file may refer to ----------------------------------------------------


class Context:
    """Everything the check looks names up in, read once per import (a handful of queries, whatever the rows)."""

    def __init__(self, congress: Congress):
        self.congress = congress
        self.scope = congress.descendant_ids()
        self.by_level: dict[str, Congress] = {}
        node = congress
        while node is not None:
            self.by_level.setdefault(node.level, node)
            node = node.parent
        area_filter = {"pk": congress.area_id} if congress.level == Congress.Level.TOWNSHIP else {}
        townships = Area.objects.filter(level=Area.Level.TOWNSHIP)
        if congress.area_id is None:
            townships = townships.none()
        elif area_filter:
            townships = townships.filter(**area_filter)
        else:
            townships = townships.filter(parent_id=congress.area_id)
        self.townships = {a.name: a for a in townships}
        self.township_congress = {
            c.area_id: c
            for c in Congress.objects.filter(level=Congress.Level.TOWNSHIP, area__in=self.townships.values())
        }
        congress_ids = {c.pk for c in self.by_level.values()} | {c.pk for c in self.township_congress.values()}
        self.terms = {(t.congress_id, t.number): t for t in Term.objects.filter(congress_id__in=congress_ids)}
        self.groups: dict[str, list[ActivityGroup]] = {}
        for g in ActivityGroup.objects.filter(congress_id__in=self.scope).order_by("pk"):
            self.groups.setdefault(g.name, []).append(g)

    def seat_congress(self, level: str, township: Area | None) -> tuple[Congress | None, str]:
        """The congress of a seat at `level` for this row, or (None, a Chinese reason)."""
        label = Congress.Level(level).label
        if level == Congress.Level.TOWNSHIP:
            if township is None:
                return None, "乡镇级代表须填写所属镇街"
            found = self.township_congress.get(township.pk)
            if found is None:
                return None, f"{township.name}没有乡镇人大的记录"
        else:
            found = self.by_level.get(level)
            if found is None:
                return None, f"找不到{label}级人大（请先在人大设置中添加上级人大）"
        if found.pk not in self.scope and found.is_managed:
            return None, f"{found}不在本单位管辖范围内，不能导入其代表资格"
        return found, ""

    def group(self, name: str) -> ActivityGroup | None | str:
        found = self.groups.get(name, [])
        if len(found) == 1:
            return found[0]
        own = [g for g in found if g.congress_id == self.congress.pk]
        if len(own) == 1:
            return own[0]
        return "ambiguous" if found else None


# --- checking ----------------------------------------------------------------------------------------------------


def _check_row(number: int, raw: dict, ctx: Context, errors: list[RowError]) -> RowPlan | None:
    def err(key: str, message: str) -> None:
        errors.append(RowError(number, HEADER_OF.get(key, ""), message))

    start = len(errors)
    t = {k: _text(v) for k, v in raw.items()}
    person: dict = {}

    if not t.get("name"):
        err("name", "姓名不能为空")
    person["name"] = t.get("name", "")
    for key, limit in MAX_LENGTHS.items():
        if len(t.get(key, "")) > limit:
            err(key, f"不能超过{limit}个字")

    id_number = idcard.normalise(t.get("id_number", ""))
    if isinstance(raw.get("id_number"), float | int) and len(id_number) != 18:
        err("id_number", "身份证号被 Excel 存成了数字，请将该列设为文本格式后重新填写")
        id_number = ""
    elif not id_number:
        err("id_number", "身份证号不能为空")
    else:
        message = idcard.validate(id_number)
        if message:
            err("id_number", message)
            id_number = ""
    person["id_number"] = id_number

    gender = t.get("gender", "")
    if gender and gender not in ("男", "女"):
        err("gender", "性别应为“男”或“女”")
    elif id_number and gender and gender != idcard.gender(id_number):
        err("gender", "性别与身份证号不一致")
    person["gender"] = gender or (idcard.gender(id_number) if id_number else "")

    birth = None
    if t.get("birth_month"):
        birth = parse_month(raw.get("birth_month"))
        if birth is None:
            err("birth_month", "出生年月格式不正确，应如 1975-03 或 1975年3月")
        elif id_number and birth != idcard.birth_date(id_number).replace(day=1):
            err("birth_month", "出生年月与身份证号不一致")
    elif id_number:
        birth = idcard.birth_date(id_number).replace(day=1)
    person["birth_month"] = birth

    composition = t.get("composition", "")
    if composition and composition not in COMPOSITIONS:
        err("composition", f"代表构成“{composition}”不在可选范围内（{'、'.join(COMPOSITIONS)}）")
    person["composition"] = COMPOSITIONS.get(composition, "")

    phone = t.get("phone", "")
    if phone and not re.fullmatch(r"\+?[\d\- ]{7,20}", phone):
        err("phone", "联系电话格式不正确")
    person["phone"] = phone

    township = None
    if t.get("township"):
        township = ctx.townships.get(t["township"])
        if township is None:
            err("township", f"本单位没有名为“{t['township']}”的镇街")
    person["township"] = township

    seats: list[tuple[Congress, Term]] = []
    levels_text = [x for x in LIST_SPLIT.split(t.get("levels", "")) if x]
    terms_text = [x for x in LIST_SPLIT.split(t.get("terms", "")) if x]
    levels = []
    if not levels_text:
        err("levels", "代表层级不能为空")
    for x in levels_text:
        level = parse_level(x)
        if level is None:
            err("levels", f"代表层级“{x}”无法识别，应为全国、省、市、县、乡镇之一")
        elif level in levels:
            err("levels", f"代表层级“{x}”重复")
        else:
            levels.append(level)
    numbers = [parse_term(x) for x in terms_text]
    if not terms_text:
        err("terms", "届次不能为空")
    elif None in numbers:
        err("terms", f"届次“{t['terms']}”格式不正确，应如“第十八届”或“18”")
    elif len(numbers) not in (1, len(levels_text)):
        err("terms", "届次的个数应为一个，或与代表层级一一对应")
    elif len(levels) == len(levels_text):
        if len(numbers) == 1:
            numbers = numbers * len(levels)
        for level, term_number in zip(levels, numbers, strict=True):
            congress, reason = ctx.seat_congress(level, township)
            if congress is None:
                # An unknown township was reported already; do not report it twice.
                if level != Congress.Level.TOWNSHIP or not (t.get("township") and township is None):
                    err("levels", reason)
                continue
            term = ctx.terms.get((congress.pk, term_number))
            if term is None:
                err("terms", f"{congress}没有第{term_number}届的记录")
                continue
            seats.append((congress, term))

    groups = []
    for name in [x for x in LIST_SPLIT.split(t.get("groups", "")) if x]:
        group = ctx.group(name)
        if group is None:
            err("groups", f"没有名为“{name}”的代表小组")
        elif group == "ambiguous":
            err("groups", f"有多个名为“{name}”的代表小组，无法确定")
        elif group not in groups:
            groups.append(group)

    for key in ("ethnicity", "party", "education", "workplace"):
        person[key] = t.get(key, "")

    if len(errors) > start:
        return None
    return RowPlan(
        row=number,
        person=person,
        id_hash=crypto.keyed_hash(id_number),
        seats=seats,
        district=t.get("district", ""),
        township=township,
        groups=groups,
    )


def check(fileobj, *, congress: Congress) -> ImportResult:
    """The dry run: read and check every row; nothing is written. ImportRejected for an unreadable file."""
    rows = read_rows(fileobj)
    result = ImportResult(rows=len(rows))
    if not rows:
        result.errors.append(RowError(2, "", "文件中没有数据行"))
        return result
    ctx = Context(congress)
    first_row_of: dict[str, int] = {}
    for number, raw in rows:
        plan = _check_row(number, raw, ctx, result.errors)
        if plan is None:
            continue
        if plan.id_hash in first_row_of:
            result.errors.append(
                RowError(number, "身份证号", f"与第{first_row_of[plan.id_hash]}行是同一人，每人只填一行")
            )
            continue
        first_row_of[plan.id_hash] = number
        result.plans.append(plan)
    return result


# --- writing -----------------------------------------------------------------------------------------------------


def _person_changes(person: Person, data: dict) -> dict:
    """The fields of `data` that would change `person`; blank cells never overwrite what the roster holds."""
    out = {}
    for key, value in data.items():
        if key == "id_number" or value in ("", None):
            continue
        current = person.township if key == "township" else getattr(person, key)
        if current != value:
            out[key] = value
    return out


PERSON_SNAPSHOT_FIELDS = tuple(f for f in services.PERSON_FIELDS if f != "id_number")
BATCH = 1000


class _Writer:
    """Collects the rows to insert and update and their audit entries, then writes each kind in bulk: a fixed number
    of queries per batch of BATCH rows, whatever the number of rows. The audit entries say what services.create_person,
    update_person, add_seat, update_seat and add_member would have recorded, one per change, so each person's and
    each group's history shows the import; they are written in the same transaction (the audit table is append-only).
    """

    def __init__(self, actor):
        self.actor = actor
        self.actor_id = actor.pk if getattr(actor, "pk", None) else None
        self.actor_name = str(actor) if actor is not None else "系统"
        self.person_type = ContentType.objects.get_for_model(Person)
        self.group_type = ContentType.objects.get_for_model(ActivityGroup)
        self.now = timezone.now()
        self.new_persons: list[Person] = []
        self.updated_persons: dict[int, Person] = {}
        self.person_fields: set[str] = set()
        self.new_seats: list[tuple[Seat, Person]] = []
        self.seat_entries: dict[tuple, tuple[dict, str]] = {}
        self.updated_seats: list[Seat] = []
        self.new_memberships: list[GroupMembership] = []
        # (entry, person or None): entries about a new person get its id once it is inserted.
        self.entries: list[tuple[AuditEntry, Person | None]] = []

    def _entry(self, action: str, obj, changes: dict, note: str, *, content_type=None) -> None:
        entry = AuditEntry(
            actor_id=self.actor_id,
            actor_name=self.actor_name,
            action=action,
            content_type_id=(content_type or self.person_type).pk,
            object_id=str(obj.pk) if obj.pk else "",
            object_repr=str(obj)[:200],
            changes=changes,
            note=note[:500],
        )
        self.entries.append((entry, obj if not obj.pk else None))

    def create_person(self, data: dict, id_hash: str) -> Person:
        person = Person(**{k: v for k, v in data.items() if k != "id_number"})
        person.name_initials = initials(person.name)
        person.id_number_encrypted = crypto.encrypt(data["id_number"])
        person.id_number_hash = id_hash
        after = audit.snapshot(person, PERSON_SNAPSHOT_FIELDS)
        after["id_number"] = data["id_number"]
        self.new_persons.append(person)
        self._entry(AuditEntry.Action.CREATE, person, services._masked_diff({}, after), "Excel导入")
        return person

    def update_person(self, person: Person, changes: dict) -> None:
        before = audit.snapshot(person, PERSON_SNAPSHOT_FIELDS)
        for name, value in changes.items():
            setattr(person, name, value)
        if isinstance(person.birth_month, dt.date):
            person.birth_month = person.birth_month.replace(day=1)
        diff = services._masked_diff(before, audit.snapshot(person, PERSON_SNAPSHOT_FIELDS))
        if not diff:
            return
        if "name" in changes:
            person.name_initials = initials(person.name)
        person.updated_at = self.now
        self.updated_persons[person.pk] = person
        self.person_fields |= set(changes)
        self._entry(AuditEntry.Action.UPDATE, person, diff, "Excel导入")

    def add_seat(self, person: Person, congress: Congress, term: Term, district: str, delegation) -> None:
        key = (congress.pk, term.pk, district, delegation.pk if delegation else None)
        if key not in self.seat_entries:  # the same for every seat of that congress, term, district and delegation
            seat = Seat(congress=congress, term=term, district=district, delegation=delegation, start=term.start)
            changes = audit.diff({}, audit.snapshot(seat, services.SEAT_FIELDS))
            self.seat_entries[key] = (changes, f"Excel导入 代表资格：{congress}{term}")
        changes, note = self.seat_entries[key]
        seat = Seat(congress_id=congress.pk, term_id=term.pk, district=district, delegation_id=key[3], start=term.start)
        self.new_seats.append((seat, person))
        self._entry(AuditEntry.Action.CREATE, person, changes, note)

    def update_seat(self, seat: Seat, person: Person, changes: dict) -> bool:
        seat.person = person
        before = audit.snapshot(seat, services.SEAT_FIELDS)
        for name, value in changes.items():
            setattr(seat, name, value)
        diff = audit.diff(before, audit.snapshot(seat, services.SEAT_FIELDS))
        if not diff:
            return False
        self.updated_seats.append(seat)
        self._entry(AuditEntry.Action.UPDATE, seat.person, diff, f"代表资格：{seat.congress}{seat.term}")
        return True

    def add_member(self, group: ActivityGroup, person: Person) -> None:
        self.new_memberships.append(GroupMembership(group=group, person=person, joined=dt.date.today()))
        self._entry(
            AuditEntry.Action.UPDATE,
            group,
            {"members": [None, person.name]},
            f"加入成员：{person.name}",
            content_type=self.group_type,
        )

    def write(self) -> None:
        Person.objects.bulk_create(self.new_persons, batch_size=BATCH)
        if self.updated_persons:
            fields = sorted(self.person_fields | {"name_initials", "updated_at"})
            Person.objects.bulk_update(list(self.updated_persons.values()), fields, batch_size=BATCH)
        for seat, person in self.new_seats:
            seat.person_id = person.pk  # the persons inserted above have their ids now
        Seat.objects.bulk_create([seat for seat, _ in self.new_seats], batch_size=BATCH)
        if self.updated_seats:
            Seat.objects.bulk_update(self.updated_seats, ["district", "delegation"], batch_size=BATCH)
        for membership in self.new_memberships:
            membership.person_id = membership.person.pk
        GroupMembership.objects.bulk_create(self.new_memberships, batch_size=BATCH)
        entries = []
        for entry, person in self.entries:
            if person is not None:
                entry.object_id = str(person.pk)
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries, batch_size=BATCH)


def run(fileobj, *, congress: Congress, actor, dry_run: bool = False, filename: str = "") -> ImportResult:
    """Check the file; unless it is a dry run or a row is bad, write every row in one transaction, in bulk."""
    result = check(fileobj, congress=congress)
    if dry_run or not result.ok:
        return result
    with transaction.atomic():
        # One import per congress at a time (a double-clicked confirm waits, then finds everything there).
        Congress.objects.select_for_update().filter(pk=congress.pk).first()
        existing = {
            p.id_number_hash: p
            for p in Person.objects.select_for_update(of=("self",))
            .filter(id_number_hash__in=[p.id_hash for p in result.plans])
            .select_related("township")
        }
        seats = {
            (s.person_id, s.congress_id, s.term_id): s
            for s in Seat.objects.filter(person__in=existing.values()).select_related("congress", "term", "delegation")
        }
        memberships = set(
            GroupMembership.objects.filter(person__in=existing.values()).values_list("group_id", "person_id")
        )
        writer = _Writer(actor)
        for plan in result.plans:
            person = existing.get(plan.id_hash)
            if person is None:
                data = {**plan.person, "ethnicity": plan.person["ethnicity"] or "汉族"}
                person = writer.create_person(data, plan.id_hash)
                result.new_persons += 1
            else:
                changes = _person_changes(person, plan.person)
                if changes:
                    writer.update_person(person, changes)
                    result.updated_persons += 1
            for seat_congress, term in plan.seats:
                delegation = plan.township if seat_congress.pk == congress.pk else None
                seat = seats.get((person.pk, seat_congress.pk, term.pk)) if person.pk else None
                if seat is None:
                    writer.add_seat(person, seat_congress, term, plan.district, delegation)
                    result.new_seats += 1
                else:
                    changes = {}
                    if plan.district and seat.district != plan.district:
                        changes["district"] = plan.district
                    if delegation is not None and seat.delegation_id != delegation.pk:
                        changes["delegation"] = delegation
                    if changes and writer.update_seat(seat, person, changes):
                        result.updated_seats += 1
            for group in plan.groups:
                if person.pk is None or (group.pk, person.pk) not in memberships:
                    writer.add_member(group, person)
                    result.new_memberships += 1
        writer.write()
        audit.record(
            actor=actor,
            action=AuditEntry.Action.IMPORT,
            obj=congress,
            note=f"导入代表名册{('《' + filename + '》') if filename else ''}：{result.summary}",
        )
        result.written = True
    return result
