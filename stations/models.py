"""Stations (代表之家/代表工作站/联络站/联系点/网上代表之家) and the constituents' channel to deputies.

- Station — 站点, with its stationed deputies (StationDeputy), photos, equipment and rules documents (制度);
- Checklist / ChecklistItem — the 六有/九有 standards as data; Evidence per station and item; Inspection with a
  result per item; the compliance figure is computed in stations.standards;
- Roster / DutySlot — the rotating reception duty (轮值); DutyLeave — a deputy's leave, skipped by the roster;
- Reception — 接待登记, with its follow-up notes (ReceptionNote); Activity — 站点活动;
- Message — 群众留言 (对话代表) with its tracking code, and MessageNote (reply, forward, close, rating).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


class Station(models.Model):
    """A station where deputies meet constituents. Belongs to one congress (its office keeps it): a township's
    家 and its villages' 站 to the township's congress, the county's 联系点 and sector stations to the county."""

    class Kind(models.TextChoices):
        HOME = "home", "代表之家"
        WORKSTATION = "workstation", "代表工作站"
        CONTACT_POINT = "contact_point", "代表联系点"
        SECTOR = "sector", "行业代表联络站"
        ONLINE = "online", "网上代表之家"

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="所属人大", on_delete=models.PROTECT, related_name="stations"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    area = models.ForeignKey(
        "organization.Area",
        verbose_name="所在区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stations",
        help_text="代表之家选乡镇（街道），代表工作站选村（社区）",
    )
    township = models.ForeignKey(
        "organization.Area",
        verbose_name="所属镇街",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="township_stations",
        editable=False,
    )
    sector = models.CharField("行业", max_length=40, blank=True, help_text="行业代表联络站填写，如：农业、建筑、法律")
    address = models.CharField("地址", max_length=200, blank=True)
    opening_hours = models.CharField("开放时间", max_length=100, blank=True, help_text="如：工作日 8:30–17:30")
    reception_weekdays = models.CharField(
        "固定接待日", max_length=20, blank=True, help_text="星期几接待选民，用逗号分隔的数字，1=周一 … 7=周日"
    )
    reception_hours = models.CharField("接待时段", max_length=60, blank=True, help_text="如：上午 9:00–11:30")
    deputies_per_day = models.PositiveSmallIntegerField("每个接待日值班代表数", default=1)
    phone = models.CharField("站点电话", max_length=30, blank=True, help_text="公开的办公电话，不要填个人手机")
    description = models.TextField("简介", blank=True)
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="联络员", blank=True, related_name="kept_stations"
    )
    checklist = models.ForeignKey(
        "Checklist",
        verbose_name="建设标准",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stations",
    )
    is_active = models.BooleanField("启用", default=True)
    # The compliance figure, kept by stations.standards.refresh whenever evidence, inspections or the checklist change,
    # so that lists filter and show it without reading the evidence.
    compliance_met = models.PositiveSmallIntegerField("达标项", default=0, editable=False)
    compliance_total = models.PositiveSmallIntegerField("标准项", default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "代表之家（站）"
        ordering = ["congress_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def compliance_percent(self) -> str:
        return f"{self.compliance_met / self.compliance_total * 100:.0f}%" if self.compliance_total else "—"

    @property
    def is_compliant(self) -> bool:
        return bool(self.compliance_total) and self.compliance_met == self.compliance_total

    @property
    def weekdays(self) -> list[int]:
        """Fixed reception days as ISO weekday numbers (1 = Monday)."""
        out = []
        for part in (self.reception_weekdays or "").replace("，", ",").split(","):
            part = part.strip()
            if part.isdigit() and 1 <= int(part) <= 7:
                out.append(int(part))
        return sorted(set(out))

    @property
    def weekdays_label(self) -> str:
        return "、".join(WEEKDAYS[d - 1] for d in self.weekdays)


class StationDeputy(models.Model):
    """A deputy stationed at a station (进站代表), of any level."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("deputies.Person", verbose_name="代表", on_delete=models.CASCADE, related_name="+")
    since = models.DateField("进站日期", null=True, blank=True)
    is_active = models.BooleanField("在站", default=True)
    order = models.PositiveSmallIntegerField("轮值顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "进站代表"
        ordering = ["station_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["station", "person"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.station_id}:{self.person_id}"


def station_file_path(instance, filename: str) -> str:
    return f"stations/{instance.station_id}/{secrets.token_hex(6)}-{filename[-60:]}"


class StationPhoto(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to=station_file_path)
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "站点照片"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class Equipment(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField("设备名称", max_length=60)
    quantity = models.PositiveSmallIntegerField("数量", default=1)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站点设备"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class StationDocument(models.Model):
    """A rules document (制度) of a station: 接待制度, 学习制度, 联系选民制度 …"""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("制度名称", max_length=100)
    file = models.FileField("文件", upload_to=station_file_path, blank=True)
    content = models.TextField("内容", blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "站点制度"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


# --- standards (六有/九有) ------------------------------------------------------------------------------------------


class Checklist(models.Model):
    """A standards checklist an office edits, e.g. 六有 or the Fujian 九有."""

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="制定人大", on_delete=models.PROTECT, related_name="station_checklists"
    )
    name = models.CharField("名称", max_length=40)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站点建设标准"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("标准项", max_length=30, help_text="如：有标识")
    required_evidence = models.CharField("应提供的佐证", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "标准项"
        ordering = ["checklist_id", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Evidence(models.Model):
    """A station's evidence for one checklist item (a note and optionally a file)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(ChecklistItem, verbose_name="标准项", on_delete=models.CASCADE, related_name="evidence")
    note = models.CharField("佐证说明", max_length=300)
    file = models.FileField("佐证文件", upload_to=station_file_path, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "达标佐证"
        ordering = ["item_id", "-id"]

    def __str__(self) -> str:
        return self.note


class Inspection(models.Model):
    """A staff inspection of a station against its checklist (one result per item)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="inspections")
    date = models.DateField("检查日期")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="检查人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    conclusion = models.TextField("检查意见", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "站点检查"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} 检查"


class InspectionResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="+")
    passed = models.BooleanField("达标")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.passed}"


# --- reception duty roster (轮值) -----------------------------------------------------------------------------------


class Roster(models.Model):
    """The duty roster of a station for a month or a quarter, generated from its stationed deputies."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="rosters")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "值班表"
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="%(app_label)s_%(class)s_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d} 值班表"


class DutySlot(models.Model):
    """One deputy's reception duty on one day at one station."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "已排班"
        DONE = "done", "已履职"
        MISSED = "missed", "未到岗"

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="slots")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField("日期", db_index=True)
    person = models.ForeignKey("deputies.Person", verbose_name="值班代表", on_delete=models.CASCADE, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "值班安排"
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["station", "date", "person"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.person_id}"


class DutyLeave(models.Model):
    """A deputy's leave from station duty (请假): the roster skips these days."""

    person = models.ForeignKey("deputies.Person", verbose_name="代表", on_delete=models.CASCADE, related_name="+")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    reason = models.CharField("事由", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "值班请假"
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="%(app_label)s_%(class)s_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


# --- reception records (接待登记) -----------------------------------------------------------------------------------


class Category(models.TextChoices):
    """What constituents raise (问题类别)."""

    ECONOMY = "economy", "经济发展"
    AGRICULTURE = "agriculture", "农业农村"
    BUILDING = "building", "城乡建设"
    ENVIRONMENT = "environment", "生态环境"
    EDUCATION = "education", "教育"
    HEALTH = "health", "医疗卫生"
    SOCIAL = "social", "社会保障"
    TRAFFIC = "traffic", "交通出行"
    LAW = "law", "法治与矛盾纠纷"
    OTHER = "other", "其他"


class Reception(models.Model):
    """A reception record (接待登记): who came, what they raised, the deputy on duty, and how it was handled."""

    class Handling(models.TextChoices):
        PENDING = "pending", "待处理"
        ON_SPOT = "on_spot", "当场答复"
        SUGGESTION = "suggestion", "转为代表建议"
        REFERRED = "referred", "转交有关部门"

    class Status(models.TextChoices):
        OPEN = "open", "跟踪中"
        RESOLVED = "resolved", "已办结"

    station = models.ForeignKey(Station, verbose_name="站点", on_delete=models.PROTECT, related_name="receptions")
    date = models.DateField("接待日期", db_index=True)
    slot = models.ForeignKey(
        DutySlot, verbose_name="值班安排", null=True, blank=True, on_delete=models.SET_NULL, related_name="receptions"
    )
    deputy = models.ForeignKey(
        "deputies.Person",
        verbose_name="接待代表",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_receptions",
    )
    visitor_name = models.CharField("来访人", max_length=30)
    visitor_phone = models.CharField("联系电话", max_length=20, blank=True)
    visitor_count = models.PositiveSmallIntegerField("来访人数", default=1)
    topic = models.CharField("反映事项", max_length=120)
    content = models.TextField("具体内容")
    category = models.CharField("类别", max_length=20, choices=Category.choices, default=Category.OTHER)
    handling = models.CharField("处理方式", max_length=12, choices=Handling.choices, default=Handling.PENDING)
    answer = models.TextField("答复情况", blank=True)
    unit = models.ForeignKey(
        "organization.HandlingUnit",
        verbose_name="转交部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_receptions",
    )
    suggestion = models.OneToOneField(
        "suggestions.Suggestion",
        verbose_name="形成的代表建议",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="station_reception",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    result = models.TextField("办理结果", blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS = ("visitor_phone",)

    class Meta:
        verbose_name = verbose_name_plural = "接待登记"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["station", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.topic}"


class ReceptionNote(models.Model):
    """A follow-up note on a reception (跟踪记录)."""

    reception = models.ForeignKey(Reception, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField("跟踪情况")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class Activity(models.Model):
    """A station activity: a group activity, a themed reception week, a study session …"""

    class Kind(models.TextChoices):
        GROUP = "group", "代表小组活动"
        THEMED = "themed", "主题接待活动"
        STUDY = "study", "学习培训"
        INSPECTION = "inspection", "视察调研"
        REPORT = "report", "向选民述职"
        OTHER = "other", "其他"

    station = models.ForeignKey(Station, verbose_name="站点", on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.GROUP)
    date = models.DateField("日期")
    title = models.CharField("活动主题", max_length=120)
    content = models.TextField("活动情况", blank=True)
    attendees = models.ManyToManyField(
        "deputies.Person", verbose_name="参加代表", blank=True, related_name="station_activities"
    )
    other_attendance = models.PositiveIntegerField("其他参加人数（选民等）", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "站点活动"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


def activity_photo_path(instance, filename: str) -> str:
    return f"stations/activities/{instance.activity_id}/{secrets.token_hex(6)}.jpg"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to=activity_photo_path)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


# --- constituents' messages (群众留言 / 对话代表) ---------------------------------------------------------------------

# Letters of tracking codes: no 0/O, 1/I/L, so a code read over the phone is not misheard.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CONSENT_TEXT = (
    "我同意：本留言及我自愿填写的联系方式仅用于人大代表和代表之家（站）处理本留言，"
    "不向其他单位或个人公开；联系方式仅对处理人员可见。"
)


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


class Message(models.Model):
    """A constituent's message to a station or to one of its deputies. No login: the sender follows it with the
    tracking code. The contact is personal data: masked for roles that do not handle the message."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        REPLIED = "replied", "已答复"
        FORWARDED = "forwarded", "已转办"
        CLOSED = "closed", "已办结"

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    OPEN_STATES = (Status.OPEN, Status.REPLIED, Status.FORWARDED)

    station = models.ForeignKey(Station, verbose_name="站点", on_delete=models.PROTECT, related_name="messages")
    person = models.ForeignKey(
        "deputies.Person",
        verbose_name="留言代表",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_messages",
    )
    code = models.CharField("查询码", max_length=12, unique=True, default=new_tracking_code, editable=False)
    topic = models.CharField("主题", max_length=100)
    content = models.TextField("内容")
    category = models.CharField("类别", max_length=20, choices=Category.choices, default=Category.OTHER)
    contact_name = models.CharField("称呼", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    consent_text = models.TextField("同意的个人信息告知")
    consented_at = models.DateTimeField("同意时间")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    reply = models.TextField("答复", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    unit = models.ForeignKey(
        "organization.HandlingUnit",
        verbose_name="转交部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_messages",
    )
    suggestion = models.OneToOneField(
        "suggestions.Suggestion",
        verbose_name="形成的代表建议",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="station_message",
    )
    result = models.TextField("办理结果", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    rating = models.CharField("评价", max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField("评价意见", max_length=300, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    created_at = models.DateTimeField("留言时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "群众留言"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.topic

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES


class MessageNote(models.Model):
    """The handling history of a message; `public` notes (replies, forwarding, result) show on the tracking page."""

    class Kind(models.TextChoices):
        REPLY = "reply", "答复"
        FORWARD = "forward", "转办"
        CLOSE = "close", "办结"
        NOTE = "note", "内部备注"
        RATING = "rating", "评价"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    public = models.BooleanField(default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:40]}"
