"""The organisation a deployment serves: areas, congresses with their terms and meetings, committees and units.

Every deputy seat, group, station, suggestion and training belongs to one Congress; staff scopes derive from the
congress tree (a county's congress is the parent of its townships' congresses).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Area(models.Model):
    """An administrative area: county → township/street → village/community."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（区）"
        TOWNSHIP = "township", "乡镇（街道）"
        VILLAGE = "village", "村（社区）"

    name = models.CharField("名称", max_length=100)
    code = models.CharField("区划代码", max_length=20, blank=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_street = models.BooleanField("街道", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Congress(models.Model):
    """A people's congress (人民代表大会) at one level, e.g. 某县人大 or 某镇人大 / 某街道人大工委."""

    class Level(models.TextChoices):
        NATIONAL = "national", "全国"
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县"
        TOWNSHIP = "township", "乡镇"

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    area = models.ForeignKey(
        Area, verbose_name="行政区划", null=True, blank=True, on_delete=models.PROTECT, related_name="congresses"
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级人大", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # True where the deployment runs this congress's work; False for an upper congress kept only for seats.
    is_managed = models.BooleanField("本平台管理", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "人民代表大会"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.short_name or self.name

    LEVEL_ORDER = ["national", "province", "city", "county", "township"]

    def descendant_ids(self) -> set[int]:
        """This congress and every congress below it."""
        return Congress.subtree_ids(self.pk)

    @staticmethod
    def subtree_ids(pk: int) -> set[int]:
        """The ids of congress `pk` and all below it, in one recursive query (PostgreSQL and SQLite alike)."""
        from django.db import connection

        table = connection.ops.quote_name(Congress._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH RECURSIVE tree(id) AS (SELECT id FROM {table} WHERE id = %s "
                f"UNION SELECT c.id FROM {table} c JOIN tree t ON c.parent_id = t.id) SELECT id FROM tree",
                [pk],
            )
            return {row[0] for row in cursor.fetchall()}

    def current_term(self, on: dt.date | None = None) -> Term | None:
        on = on or dt.date.today()
        if hasattr(self, "_prefetched_objects_cache") and "terms" in self._prefetched_objects_cache:
            current = [t for t in self.terms.all() if t.covers(on)]
            return max(current, key=lambda t: t.number, default=None)
        return self.terms.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on)).order_by("-number").first()


class Term(models.Model):
    """A term (届) of a congress, e.g. 第十八届 (2021–2026)."""

    congress = models.ForeignKey(Congress, verbose_name="人大", on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField("届次")
    start = models.DateField("开始")
    end = models.DateField("结束", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "届"
        ordering = ["congress_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="%(app_label)s_%(class)s_unique_number"),
        ]

    def __str__(self) -> str:
        return f"第{chinese_number(self.number)}届"

    @property
    def name(self) -> str:
        return str(self)

    def covers(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": "届期结束日期不能早于开始日期。"})
        if self.congress_id and self.start:
            others = Term.objects.filter(congress_id=self.congress_id).exclude(pk=self.pk)
            end = self.end or dt.date.max
            overlap = others.filter(start__lte=end).filter(Q(end__isnull=True) | Q(end__gte=self.start)).first()
            if overlap:
                raise ValidationError(f"与{overlap}的届期（{overlap.start} 至 {overlap.end or '今'}）重叠。")

    def session_state(self, on: dt.date | None = None) -> SessionState:
        """Which meeting is in session on `on`, or the recess (闭会期间) between the last and the next one.
        Uses prefetched meetings when there are any."""
        on = on or dt.date.today()
        meetings = sorted(self.meetings.all(), key=lambda m: m.start)
        current = next((m for m in meetings if m.start <= on <= m.end), None)
        previous = [m for m in meetings if m.end < on]
        upcoming = [m for m in meetings if m.start > on]
        return SessionState(
            term=self,
            current=current,
            previous=previous[-1] if previous else None,
            next=upcoming[0] if upcoming else None,
        )


@dataclass
class SessionState:
    """A term on one day: in session (`current`), or in recess after `previous` and before `next`."""

    term: Term
    current: Meeting | None
    previous: Meeting | None
    next: Meeting | None

    @property
    def in_session(self) -> bool:
        return self.current is not None

    @property
    def label(self) -> str:
        if self.current:
            return f"{self.current}会期中（{self.current.start:%m月%d日}至{self.current.end:%m月%d日}）"
        if self.previous and self.next:
            return f"闭会期间（{self.previous}闭幕后，{self.next}定于{self.next.start:%Y年%m月%d日}开幕）"
        if self.previous:
            return f"闭会期间（{self.previous}闭幕后）"
        if self.next:
            return f"{self.term}首次会议定于{self.next.start:%Y年%m月%d日}开幕"
        return f"{self.term}尚未安排会议"


class Meeting(models.Model):
    """A session (次会议) of a term, e.g. 第十八届第三次会议; the time between two sessions is the recess (闭会期间)."""

    term = models.ForeignKey(Term, verbose_name="届", on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveSmallIntegerField("次")
    start = models.DateField("开幕")
    end = models.DateField("闭幕")

    class Meta:
        verbose_name = verbose_name_plural = "代表大会会议"
        ordering = ["term_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="%(app_label)s_%(class)s_unique_number"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="%(app_label)s_%(class)s_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term}第{chinese_number(self.number)}次会议"

    @property
    def name(self) -> str:
        return str(self)

    @property
    def congress_id(self) -> int:
        return self.term.congress_id

    def clean(self) -> None:
        if not (self.start and self.end and self.term_id):
            return
        if self.end < self.start:
            raise ValidationError({"end": "闭幕日期不能早于开幕日期。"})
        term = self.term
        if self.start < term.start or (term.end and self.end > term.end):
            raise ValidationError(f"会议日期须在{term}届期内（{term.start} 至 {term.end or '今'}）。")
        others = Meeting.objects.filter(term_id=self.term_id).exclude(pk=self.pk)
        if self.number and others.filter(number=self.number).exists():
            raise ValidationError({"number": f"{term}已有第{chinese_number(self.number)}次会议。"})
        overlap = others.filter(start__lte=self.end, end__gte=self.start).first()
        if overlap:
            raise ValidationError(f"与{overlap}（{overlap.start} 至 {overlap.end}）的会期重叠。")


class SpecialCommittee(models.Model):
    """A special committee (专门委员会) or a working committee of the standing committee."""

    congress = models.ForeignKey(Congress, verbose_name="人大", on_delete=models.PROTECT, related_name="committees")
    name = models.CharField("名称", max_length=60)
    # Suggestion categories this committee supervises (e.g. 教育, 卫生).
    fields = models.CharField("联系领域", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "专门委员会"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class HandlingUnit(models.Model):
    """A handling unit (承办单位): a government department, the court, the procuratorate, the 监委, or the
    government office (政府办/督查室) that relays items to departments."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "政府部门"
        GOV_OFFICE = "gov_office", "政府办（督查室）"
        COURT = "court", "人民法院"
        PROCURATORATE = "procuratorate", "人民检察院"
        SUPERVISION = "supervision", "监察委员会"
        TOWNSHIP = "township", "乡镇（街道）"
        OTHER = "other", "其他单位"

    congress = models.ForeignKey(Congress, verbose_name="人大", on_delete=models.PROTECT, related_name="units")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    head = models.CharField("负责人", max_length=30, blank=True)
    contact_person = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "承办单位"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """A member of the standing committee (常委会组成人员), linked to deputy groups they visit."""

    congress = models.ForeignKey(
        Congress, verbose_name="人大", on_delete=models.PROTECT, related_name="committee_members"
    )
    name = models.CharField("姓名", max_length=30)
    title = models.CharField("职务", max_length=60, blank=True)
    is_leader = models.BooleanField("主任会议成员", default=False)
    user = models.OneToOneField(
        "accounts.User",
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_member",
    )

    class Meta:
        verbose_name = verbose_name_plural = "常委会组成人员"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 18 → 十八 (enough for 届 and 次)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    return str(n)
