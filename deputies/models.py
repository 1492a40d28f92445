"""The deputy roster: people (Person), their seats (Seat — 代表资格) and activity groups (ActivityGroup — 代表小组)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from core import crypto, masking
from core.pinyin import initials


class Composition(models.TextChoices):
    """代表构成."""

    WORKER = "worker", "工人"
    FARMER = "farmer", "农民"
    PROFESSIONAL = "professional", "专业技术人员"
    CADRE = "cadre", "党政领导干部"
    ENTERPRISE = "enterprise", "企业负责人"
    MILITARY = "military", "解放军和武警"
    OTHER = "other", "其他"


class Person(models.Model):
    """A person who holds (or held) one or more deputy seats. ID number, phone, address, 宗教 and 政治面貌 are
    personal data: read them through deputies.permissions, which masks them for roles that may not see them."""

    class Gender(models.TextChoices):
        MALE = "男", "男"
        FEMALE = "女", "女"

    name = models.CharField("姓名", max_length=30, db_index=True)
    name_initials = models.CharField("拼音首字母", max_length=30, db_index=True, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_month = models.DateField("出生年月", null=True, blank=True, help_text="只用年和月，日固定为1日")
    party = models.CharField("党派", max_length=30, blank=True, help_text="中共党员、民革党员、群众等")
    religion = models.CharField("宗教信仰", max_length=20, blank=True)
    education = models.CharField("学历", max_length=20, blank=True)
    workplace = models.CharField("工作单位及职务", max_length=120, blank=True)
    composition = models.CharField("代表构成", max_length=20, choices=Composition.choices, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    id_number_encrypted = models.TextField("身份证号（加密）", blank=True, editable=False)
    id_number_hash = models.CharField("身份证号（摘要）", max_length=64, blank=True, editable=False)
    address = models.CharField("住址", max_length=200, blank=True)
    township = models.ForeignKey(
        "organization.Area",
        verbose_name="所属镇街",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Fields that are personal data, and how each is masked.
    PERSONAL_FIELDS = {
        "phone": masking.mask_phone,
        "id_number": masking.mask_id_number,
        "address": masking.mask_address,
        "religion": masking.mask_text,
        "party": masking.mask_text,
    }

    class Meta:
        verbose_name = verbose_name_plural = "代表"
        ordering = ["name_initials", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="%(app_label)s_%(class)s_unique_id_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_initials = initials(self.name)
        super().save(*args, **kwargs)

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted)

    @id_number.setter
    def id_number(self, value: str) -> None:
        value = (value or "").strip().upper()
        self.id_number_encrypted = crypto.encrypt(value)
        self.id_number_hash = crypto.keyed_hash(value)

    @property
    def age(self) -> int | None:
        if not self.birth_month:
            return None
        today = dt.date.today()
        return today.year - self.birth_month.year - ((today.month, 1) < (self.birth_month.month, 1))


class Seat(models.Model):
    """A deputy seat (代表资格): a person's mandate in one congress for one term, from an electoral district."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在任"
        RESIGNED = "resigned", "辞职"
        RECALLED = "recalled", "罢免"
        TERMINATED = "terminated", "终止"

    person = models.ForeignKey(Person, verbose_name="代表", on_delete=models.CASCADE, related_name="seats")
    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="seats"
    )
    term = models.ForeignKey("organization.Term", verbose_name="届次", on_delete=models.PROTECT, related_name="seats")
    district = models.CharField("选区", max_length=60, blank=True)
    delegation = models.ForeignKey(
        "organization.Area",
        verbose_name="代表团/所属镇街",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
    )
    start = models.DateField("当选日期")
    end = models.DateField("终止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField("变动原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "代表资格"
        ordering = ["person_id", "congress_id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "congress", "term"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["congress", "status"])]

    def __str__(self) -> str:
        return f"{self.congress}{self.term}代表"

    @property
    def level(self) -> str:
        return self.congress.level

    @property
    def level_label(self) -> str:
        return self.congress.get_level_display()


class ActivityGroup(models.Model):
    """A deputies' activity group (代表小组): by area or by sector, members of mixed levels."""

    class Kind(models.TextChoices):
        AREA = "area", "按区域"
        SECTOR = "sector", "按行业（专业）"

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.AREA)
    area = models.ForeignKey(
        "organization.Area",
        verbose_name="所属镇街",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="groups",
    )
    sector = models.CharField("行业", max_length=40, blank=True)
    convener = models.ForeignKey(
        Person, verbose_name="召集人", null=True, blank=True, on_delete=models.SET_NULL, related_name="convened_groups"
    )
    liaison = models.ForeignKey(
        Person, verbose_name="联络员", null=True, blank=True, on_delete=models.SET_NULL, related_name="liaison_groups"
    )
    liaison_user = models.ForeignKey(
        "accounts.User",
        verbose_name="联络员账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_groups",
    )
    members = models.ManyToManyField(Person, verbose_name="成员", through="GroupMembership", related_name="groups")
    linked_members = models.ManyToManyField(
        "organization.CommitteeMember", verbose_name="联系的常委会组成人员", blank=True, related_name="groups"
    )

    class Meta:
        verbose_name = verbose_name_plural = "代表小组"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    group = models.ForeignKey(ActivityGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    joined = models.DateField("加入日期", default=dt.date.today)

    class Meta:
        verbose_name = verbose_name_plural = "小组成员"
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.person_id}"
