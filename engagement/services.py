"""The office's work with deputies: every operation is one atomic function taking the acting user as `actor=`,
checking the rule, writing its audit entry in the same transaction and sending notifications keyed once.

State tables (one per workflow): a report request pending/returned → submitted → accepted | returned; a 会商 item
listed → consulted → done; a special report draft → sent → instructed → closed. Attendance and claimed topics go
into the deputies' archive through duties.services.record_duty (idempotent on person and source)."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.exceptions import IllegalTransition
from core.models import AuditEntry
from core.notifications import notify
from deputies.models import GroupMembership, Person, Seat
from duties import services as duties
from duties.models import DutyRecord
from organization.models import Congress

from . import permissions, sources
from .models import (
    ConsultationItem,
    Invitation,
    InvitationReply,
    Notice,
    NoticeReceipt,
    ReportRequest,
    ReportRound,
    SpecialReport,
    SpecialReportSource,
    SpecialSupervisor,
    Topic,
    TopicClaim,
    Visit,
    WorkPlan,
)

A = AuditEntry.Action
REPORT_REMINDER_DAYS = (7, 3, 0)  # days before the due date a department is reminded (local rule)

TRANSITIONS = {
    "submit_report": ((ReportRequest.Status.PENDING, ReportRequest.Status.RETURNED), ReportRequest.Status.SUBMITTED),
    "accept_report": ((ReportRequest.Status.SUBMITTED,), ReportRequest.Status.ACCEPTED),
    "return_report": ((ReportRequest.Status.SUBMITTED,), ReportRequest.Status.RETURNED),
    "consult": ((ConsultationItem.Status.LISTED,), ConsultationItem.Status.CONSULTED),
    "complete_consultation": ((ConsultationItem.Status.CONSULTED,), ConsultationItem.Status.DONE),
    "send_special": ((SpecialReport.Status.DRAFT,), SpecialReport.Status.SENT),
    "instruct_special": ((SpecialReport.Status.SENT,), SpecialReport.Status.INSTRUCTED),
    "close_special": ((SpecialReport.Status.INSTRUCTED,), SpecialReport.Status.CLOSED),
}


def _move(obj, action: str, *, actor, field: str = "status", note: str = ""):
    """Check the source state (the caller holds the row lock), set the target and audit it."""
    allowed, target = TRANSITIONS[action]
    labels = dict(obj._meta.get_field(field).choices)
    old = getattr(obj, field)
    if old not in allowed:
        raise IllegalTransition(f"当前状态为“{labels[old]}”，不能进行此操作。")
    setattr(obj, field, target)
    audit.record(actor=actor, action=A.TRANSITION, obj=obj, changes={field: [labels[old], labels[target]]}, note=note)
    return obj


def _locked(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def _require_manage(actor, congress_id: int) -> None:
    if not permissions.can_manage(actor, congress_id):
        raise PermissionDenied("只有本级人大代表工委（或镇街人大）工作人员可以办理。")


def _users_of(person_ids):
    from accounts.models import User

    return User.objects.filter(person_id__in=list(person_ids), is_active=True)


# --- notices -------------------------------------------------------------------------------------------------


def notice_recipients(notice: Notice):
    """The deputies a notice reaches: active seats in its congress (and below it for 本级及下级), narrowed to the
    chosen townships or groups when any are chosen."""
    congress_ids = (
        Congress.subtree_ids(notice.congress_id) if notice.reach == Notice.Reach.SUBTREE else {notice.congress_id}
    )
    seated = Seat.objects.filter(congress_id__in=congress_ids, status=Seat.Status.ACTIVE).values("person_id")
    qs = Person.objects.filter(pk__in=seated)
    townships = list(notice.target_townships.values_list("pk", flat=True))
    groups = list(notice.target_groups.values_list("pk", flat=True))
    if townships or groups:
        members = GroupMembership.objects.filter(group_id__in=groups).values("person_id")
        qs = qs.filter(Q(township_id__in=townships) | Q(pk__in=members))
    return qs


@transaction.atomic
def publish_notice(
    *,
    actor,
    congress,
    title: str,
    kind=Notice.Kind.NOTICE,
    body: str = "",
    important: bool = False,
    reach=Notice.Reach.CONGRESS,
    townships=(),
    groups=(),
    attachment=None,
) -> Notice:
    """Publish a notice to its target: one receipt per deputy reached and a notification to each."""
    congress_id = getattr(congress, "pk", congress)
    _require_manage(actor, congress_id)
    if not (title or "").strip():
        raise ValidationError({"title": "请填写标题。"})
    notice = Notice.objects.create(
        congress_id=congress_id,
        kind=kind,
        title=title.strip(),
        body=body,
        important=important,
        reach=reach,
        attachment=attachment or "",
        published_at=timezone.now(),
        created_by=actor,
    )
    notice.target_townships.set(townships)
    notice.target_groups.set(groups)
    person_ids = list(notice_recipients(notice).values_list("pk", flat=True))
    if not person_ids:
        raise ValidationError("所选范围内没有在任代表，通知未发布。")
    NoticeReceipt.objects.bulk_create([NoticeReceipt(notice=notice, person_id=p) for p in person_ids])
    audit.record(
        actor=actor, action=A.CREATE, obj=notice, note=f"发布{notice.get_kind_display()}，送达{len(person_ids)}名代表"
    )
    url = reverse("engagement:m_notice", args=[notice.pk])
    for user in _users_of(person_ids):
        notify(
            user,
            event="engagement.notice",
            key=f"engagement.notice:{notice.pk}",
            title=f"{'【重要】' if important else ''}{notice.title}",
            url=url,
        )
    return notice


@transaction.atomic
def read_notice(notice: Notice, *, actor) -> NoticeReceipt:
    """The deputy opened the notice: the receipt is stamped the first time only."""
    receipt = NoticeReceipt.objects.select_for_update().filter(notice=notice, person_id=actor.person_id).first()
    if receipt is None:
        raise PermissionDenied("这份通知没有发给您。")
    if receipt.read_at is None:
        receipt.read_at = timezone.now()
        receipt.save(update_fields=["read_at"])
        audit.record(actor=actor, action=A.UPDATE, obj=notice, note="阅读回执")
    return receipt


def unread_important(congress_ids) -> int:
    """Receipts of important notices not yet read (the office's figure of who has not read an important one)."""
    qs = NoticeReceipt.objects.filter(notice__important=True, notice__published_at__isnull=False, read_at__isnull=True)
    if congress_ids is not permissions.ALL:
        qs = qs.filter(notice__congress_id__in=congress_ids)
    return qs.count()


# --- department reports --------------------------------------------------------------------------------------


@transaction.atomic
def create_report_round(
    *, actor, congress, title: str, period: str, due_date: dt.date, units, instructions: str = ""
) -> ReportRound:
    congress_id = getattr(congress, "pk", congress)
    _require_manage(actor, congress_id)
    units = list(units)
    if not units:
        raise ValidationError({"units": "请选择报送单位。"})
    if any(u.congress_id != congress_id for u in units):
        raise ValidationError({"units": "只能要求本级人大的承办单位报送。"})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "截止日期不能早于今天。"})
    rnd = ReportRound.objects.create(
        congress_id=congress_id,
        title=title,
        period=period,
        due_date=due_date,
        instructions=instructions,
        created_by=actor,
    )
    ReportRequest.objects.bulk_create([ReportRequest(round=rnd, unit=u) for u in units])
    audit.record(actor=actor, action=A.CREATE, obj=rnd, note=f"要求{len(units)}个单位报送")
    from accounts.models import User

    for user in User.objects.filter(unit__in=units, is_active=True):
        notify(
            user,
            event="engagement.report",
            key=f"engagement.report.ask:round={rnd.pk}",
            title=f"请报送：{rnd.title}",
            body=f"截止日期 {due_date:%Y-%m-%d}",
            url=reverse("engagement:report_list"),
        )
    return rnd


@transaction.atomic
def submit_report(req: ReportRequest, *, actor, content: str = "", file=None) -> ReportRequest:
    """The department's login sends its report (or staff upload it on the department's behalf)."""
    req = _locked(req)
    own_unit = permissions.is_unit(actor) and actor.unit_id == req.unit_id
    if not own_unit and not permissions.can_manage(actor, req.round.congress_id):
        raise PermissionDenied("只能报送本单位的报告。")
    if not (content or "").strip() and not file and not req.file:
        raise ValidationError({"content": "请填写报告内容或上传报告文件。"})
    _move(req, "submit_report", actor=actor)
    req.content = content or req.content
    if file:
        req.file = file
    req.submitted_at, req.submitted_by = timezone.now(), actor
    req.save()
    return req


@transaction.atomic
def review_report(req: ReportRequest, *, actor, accept: bool, note: str = "") -> ReportRequest:
    req = _locked(req)
    _require_manage(actor, req.round.congress_id)
    if not accept and not note.strip():
        raise ValidationError({"note": "退回时请写明修改意见。"})
    _move(req, "accept_report" if accept else "return_report", actor=actor, note=note)
    req.note = note
    req.save(update_fields=["status", "note"])
    return req


@transaction.atomic
def distribute_round(rnd: ReportRound, *, actor) -> Notice:
    """Send the compiled bundle of accepted reports to all deputies (a notice of kind 部门工作报告汇编)."""
    rnd = _locked(rnd)
    _require_manage(actor, rnd.congress_id)
    if rnd.bundle_id:
        raise IllegalTransition("汇编已发送。")
    accepted = list(rnd.requests.filter(status=ReportRequest.Status.ACCEPTED).select_related("unit"))
    if not accepted:
        raise ValidationError("还没有已采用的报告，不能汇编发送。")
    body = "\n\n".join(f"【{r.unit.name}】\n{r.content}" for r in accepted)
    notice = publish_notice(
        actor=actor,
        congress=rnd.congress_id,
        title=f"{rnd.title}汇编",
        kind=Notice.Kind.REPORTS,
        body=body,
        reach=Notice.Reach.CONGRESS,
    )
    rnd.bundle = notice
    rnd.save(update_fields=["bundle"])
    audit.record(actor=actor, action=A.UPDATE, obj=rnd, note=f"汇编{len(accepted)}份报告发送全体代表")
    return notice


# --- work plans and topics -----------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, actor, congress, year: int, title: str) -> WorkPlan:
    congress_id = getattr(congress, "pk", congress)
    _require_manage(actor, congress_id)
    plan = WorkPlan.objects.create(congress_id=congress_id, year=year, title=title)
    audit.record(actor=actor, action=A.CREATE, obj=plan)
    return plan


@transaction.atomic
def add_topic(
    plan: WorkPlan, *, actor, title: str, kind=Topic.Kind.RESEARCH, description: str = "", committee=None, due_date=None
) -> Topic:
    _require_manage(actor, plan.congress_id)
    topic = Topic.objects.create(
        plan=plan, title=title, kind=kind, description=description, committee=committee, due_date=due_date
    )
    audit.record(actor=actor, action=A.CREATE, obj=topic)
    return topic


def _may_act_for_group(actor, group) -> bool:
    return bool(group and actor.person_id and actor.person_id in (group.convener_id, group.liaison_id)) or bool(
        group and group.liaison_user_id == actor.pk
    )


@transaction.atomic
def claim_topic(topic: Topic, *, actor, group=None, township=None) -> TopicClaim:
    """A group (its convener or liaison, or staff for it) or a township claims a topic."""
    if group is None and township is None:
        raise ValidationError("请选择认领的代表小组或镇街。")
    if not (permissions.can_manage(actor, topic.plan.congress_id) or _may_act_for_group(actor, group)):
        raise PermissionDenied("只有小组召集人、联络员或工作人员可以认领课题。")
    if TopicClaim.objects.filter(topic=topic, group=group, township=township).exists():
        raise ValidationError("已认领过这个课题。")
    claim = TopicClaim.objects.create(topic=topic, group=group, township=township)
    audit.record(actor=actor, action=A.CREATE, obj=claim, note="认领课题")
    return claim


@transaction.atomic
def complete_claim(
    claim: TopicClaim, *, actor, result: str, finished_on: dt.date, participants=None, result_file=None
) -> TopicClaim:
    """The written result is handed in; each participating deputy (by default the group's members) gets a verified
    duty record in the archive, once (source topic:<claim id>)."""
    claim = _locked(claim)
    if not (permissions.can_manage(actor, claim.topic.plan.congress_id) or _may_act_for_group(actor, claim.group)):
        raise PermissionDenied("只有小组召集人、联络员或工作人员可以提交课题成果。")
    if claim.status == TopicClaim.Status.DONE:
        raise IllegalTransition("课题成果已提交。")
    if not (result or "").strip():
        raise ValidationError({"result": "请填写课题成果。"})
    if finished_on > timezone.localdate():
        raise ValidationError({"finished_on": "完成日期不能晚于今天。"})
    if participants is None:
        participants = list(Person.objects.filter(memberships__group=claim.group)) if claim.group_id else []
    claim.status, claim.result, claim.finished_on = TopicClaim.Status.DONE, result.strip(), finished_on
    if result_file:
        claim.result_file = result_file
    claim.save()
    claim.participants.set(participants)
    topic = claim.topic
    for person in participants:
        duties.record_duty(
            person=person,
            type_code=Topic.DUTY_TYPES[topic.kind],
            date=finished_on,
            title=f"认领课题：{topic.title}",
            source=f"topic:{claim.pk}",
            actor=actor,
            group=claim.group,
            content=result.strip()[:2000],
        )
    audit.record(actor=actor, action=A.UPDATE, obj=claim, note=f"提交课题成果，{len(participants)}名代表记入履职档案")
    return claim


# --- invitations ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_invitation(
    *,
    actor,
    congress,
    kind,
    title: str,
    date: dt.date,
    persons=(),
    place: str = "",
    hours=None,
    reply_by=None,
    content: str = "",
) -> Invitation:
    congress_id = getattr(congress, "pk", congress)
    _require_manage(actor, congress_id)
    if kind not in Invitation.Kind.values:
        raise ValidationError({"kind": "请选择活动类别。"})
    if reply_by and reply_by > date:
        raise ValidationError({"reply_by": "报名截止日期不能晚于活动日期。"})
    invitation = Invitation.objects.create(
        congress_id=congress_id,
        kind=kind,
        title=title,
        date=date,
        place=place,
        hours=hours,
        reply_by=reply_by,
        content=content,
        created_by=actor,
    )
    audit.record(actor=actor, action=A.CREATE, obj=invitation)
    invite(invitation, persons, actor=actor)
    return invitation


@transaction.atomic
def invite(invitation: Invitation, persons, *, actor) -> int:
    """Add deputies to the invitation (those already on it are kept) and notify the new ones."""
    _require_manage(actor, invitation.congress_id)
    have = set(invitation.replies.values_list("person_id", flat=True))
    new = [p for p in persons if p.pk not in have]
    InvitationReply.objects.bulk_create([InvitationReply(invitation=invitation, person=p) for p in new])
    if new:
        audit.record(actor=actor, action=A.UPDATE, obj=invitation, note=f"邀请{len(new)}名代表")
    for user in _users_of(p.pk for p in new):
        notify(
            user,
            event="engagement.invitation",
            key=f"engagement.invitation:{invitation.pk}",
            title=f"邀请您参加{invitation.get_kind_display()}：{invitation.title}",
            body=f"{invitation.date:%Y-%m-%d} {invitation.place}",
            url=reverse("engagement:m_invitation", args=[invitation.pk]),
        )
    return len(new)


@transaction.atomic
def answer_invitation(reply: InvitationReply, *, actor, accept: bool, reason: str = "") -> InvitationReply:
    """The deputy signs up or declines on the phone (staff may record an answer given by phone)."""
    reply = _locked(reply)
    inv = reply.invitation
    if actor.person_id != reply.person_id and not permissions.can_manage(actor, inv.congress_id):
        raise PermissionDenied("只能答复发给自己的邀请。")
    if inv.date < timezone.localdate():
        raise IllegalTransition("活动已经举行，不能再报名或请假。")
    if not accept and not (reason or "").strip():
        raise ValidationError({"reason": "请说明不能参加的原因。"})
    old = reply.get_answer_display()
    reply.answer = InvitationReply.Answer.ACCEPTED if accept else InvitationReply.Answer.DECLINED
    reply.reason = "" if accept else reason.strip()[:200]
    reply.answered_at = timezone.now()
    reply.save(update_fields=["answer", "reason", "answered_at"])
    audit.record(
        actor=actor,
        action=A.UPDATE,
        obj=inv,
        changes={"answer": [old, reply.get_answer_display()]},
        note=f"{reply.person.name}答复邀请",
    )
    return reply


@transaction.atomic
def record_attendance(reply: InvitationReply, *, actor, attended: bool = True) -> DutyRecord | None:
    """Attendance becomes one duty per deputy (source invitation:<id>). Staff's check makes it verified; a deputy's
    own report waits for staff. Whoever records first, the other finds the same record: never two."""
    reply = _locked(reply)
    inv = reply.invitation
    is_staff = permissions.can_manage(actor, inv.congress_id)
    if not is_staff and actor.person_id != reply.person_id:
        raise PermissionDenied("只有工作人员或代表本人可以登记出席。")
    if inv.date > timezone.localdate():
        raise IllegalTransition("活动尚未举行，不能登记出席。")
    if not is_staff and not attended:
        raise PermissionDenied("缺席由工作人员登记。")
    if not is_staff and reply.attended is not None:
        return DutyRecord.objects.filter(person=reply.person, source=inv.source).first()
    reply.attended, reply.attendance_by = attended, actor
    reply.save(update_fields=["attended", "attendance_by"])
    audit.record(actor=actor, action=A.UPDATE, obj=inv, note=f"{reply.person.name}{'出席' if attended else '缺席'}")
    if not attended:
        duties.remove_duty(person=reply.person, source=inv.source, actor=actor)
        return None
    record = duties.record_duty(
        person=reply.person,
        type_code=Invitation.DUTY_TYPES[inv.kind],
        date=inv.date,
        title=f"{inv.get_kind_display()}：{inv.title}",
        source=inv.source,
        hours=inv.hours,
        place=inv.place,
        verified=is_staff,
        actor=actor,
    )
    if is_staff and record.status == DutyRecord.Status.SUBMITTED:
        record = duties.verify_duty(record, actor=actor)
    return record


@transaction.atomic
def appoint_supervisor(*, actor, congress, person, unit, start: dt.date, end=None, note: str = "") -> SpecialSupervisor:
    congress_id = getattr(congress, "pk", congress)
    _require_manage(actor, congress_id)
    if end and end < start:
        raise ValidationError({"end": "聘期结束不能早于开始。"})
    sup = SpecialSupervisor.objects.create(
        congress_id=congress_id, person=person, unit=unit, start=start, end=end, note=note
    )
    audit.record(actor=actor, action=A.CREATE, obj=sup)
    return sup


# --- visits --------------------------------------------------------------------------------------------------


@transaction.atomic
def record_visit(*, actor, member, date: dt.date, persons, way=Visit.Way.HOME, group=None, content: str = "") -> Visit:
    """A standing-committee member (or staff for them) records a visit to deputies."""
    if member.user_id != actor.pk and not permissions.can_manage(actor, member.congress_id):
        raise PermissionDenied("只能登记本人的走访。")
    persons = list(persons)
    if not persons:
        raise ValidationError({"persons": "请选择走访的代表。"})
    if date > timezone.localdate():
        raise ValidationError({"date": "走访日期不能晚于今天。"})
    visit = Visit.objects.create(
        congress_id=member.congress_id,
        member=member,
        date=date,
        way=way,
        group=group,
        content=content,
        created_by=actor,
    )
    visit.persons.set(persons)
    audit.record(actor=actor, action=A.CREATE, obj=visit, note=f"走访{len(persons)}名代表")
    return visit


# --- 会商 ----------------------------------------------------------------------------------------------------


@transaction.atomic
def add_consultation(
    *,
    actor,
    congress,
    title: str,
    units,
    source_kind: str,
    source_id=None,
    source_label: str = "",
    content: str = "",
    deputy=None,
) -> ConsultationItem:
    congress_id = getattr(congress, "pk", congress)
    _require_manage(actor, congress_id)
    kind, oid, label = sources.resolve(source_kind, source_id, source_label)
    units = list(units)
    if not units:
        raise ValidationError({"units": "请选择会商单位。"})
    item = ConsultationItem.objects.create(
        congress_id=congress_id,
        title=title,
        content=content,
        deputy=deputy,
        source_kind=kind,
        source_id=oid,
        source_label=label,
    )
    item.units.set(units)
    audit.record(actor=actor, action=A.CREATE, obj=item, note=f"列入会商清单（来源：{label}）")
    return item


@transaction.atomic
def record_consultation(
    item: ConsultationItem, *, actor, meeting_date: dt.date, attendees: str, agreed: str
) -> ConsultationItem:
    item = _locked(item)
    _require_manage(actor, item.congress_id)
    if not agreed.strip():
        raise ValidationError({"agreed": "请填写会商结果。"})
    _move(item, "consult", actor=actor)
    item.meeting_date, item.attendees, item.agreed = meeting_date, attendees, agreed.strip()
    item.save()
    return item


@transaction.atomic
def complete_consultation(item: ConsultationItem, *, actor, outcome: str) -> ConsultationItem:
    item = _locked(item)
    _require_manage(actor, item.congress_id)
    if not outcome.strip():
        raise ValidationError({"outcome": "请填写落实情况。"})
    _move(item, "complete_consultation", actor=actor)
    item.outcome = outcome.strip()
    item.save()
    return item


@transaction.atomic
def consultation_to_suggestion(item: ConsultationItem, *, actor):
    """Turn the item into a draft suggestion in the name of the deputy who raised it (the deputy then revises and
    submits it); the item keeps the link."""
    if not apps.is_installed("suggestions"):
        raise ValidationError("本平台未启用代表建议。")
    from suggestions.services import create_draft

    item = _locked(item)
    _require_manage(actor, item.congress_id)
    if item.suggestion_id:
        raise IllegalTransition("已转为代表建议。")
    deputy_user = _users_of([item.deputy_id]).first() if item.deputy_id else None
    if deputy_user is None:
        raise ValidationError("该事项没有提出代表或代表没有账号，不能转为建议。")
    suggestion = create_draft(
        actor=deputy_user,
        congress=item.congress_id,
        title=item.title,
        content=f"{item.content}\n\n会商结果：{item.agreed}".strip(),
    )
    item.suggestion = suggestion
    item.save(update_fields=["suggestion"])
    audit.record(actor=actor, action=A.UPDATE, obj=item, note=f"转为代表建议草稿 #{suggestion.pk}")
    notify(
        deputy_user,
        event="engagement.consultation",
        key=f"engagement.consultation.suggestion:{item.pk}",
        title=f"会商事项已转为建议草稿：{item.title}",
        url=reverse("suggestions:detail", args=[suggestion.pk]),
    )
    return suggestion


# --- 民意直通车 ------------------------------------------------------------------------------------------------


@transaction.atomic
def create_special_report(*, actor, congress, title: str, content: str, items=()) -> SpecialReport:
    """A draft special report; `items` are (kind, id, label) of what it draws on."""
    congress_id = getattr(congress, "pk", congress)
    _require_manage(actor, congress_id)
    if not title.strip() or not content.strip():
        raise ValidationError("请填写标题和正文。")
    report = SpecialReport.objects.create(
        congress_id=congress_id, year=timezone.localdate().year, title=title.strip(), content=content, created_by=actor
    )
    for kind, oid, label in items:
        add_report_source(report, actor=actor, kind=kind, object_id=oid, label=label)
    audit.record(actor=actor, action=A.CREATE, obj=report)
    return report


@transaction.atomic
def add_report_source(
    report: SpecialReport, *, actor, kind: str, object_id=None, label: str = ""
) -> SpecialReportSource:
    _require_manage(actor, report.congress_id)
    kind, oid, label = sources.resolve(kind, object_id, label)
    src, _ = SpecialReportSource.objects.get_or_create(
        report=report, source_kind=kind, source_id=oid, defaults={"source_label": label}
    )
    audit.record(actor=actor, action=A.UPDATE, obj=report, note=f"关联来源：{label}")
    return src


@transaction.atomic
def send_special_report(report: SpecialReport, *, actor, sent_to: str) -> SpecialReport:
    """Send to the leaders: the report takes the next number of its congress and year (under a lock)."""
    report = _locked(report)
    _require_manage(actor, report.congress_id)
    if not sent_to.strip():
        raise ValidationError({"sent_to": "请填写报送对象。"})
    _move(report, "send_special", actor=actor)
    list(Congress.objects.select_for_update().filter(pk=report.congress_id))  # numbers handed out one at a time
    last = SpecialReport.objects.filter(congress_id=report.congress_id, year=report.year).aggregate(n=Max("number"))[
        "n"
    ]
    report.number = (last or 0) + 1
    report.sent_to, report.sent_at = sent_to.strip(), timezone.now()
    report.save()
    return report


@transaction.atomic
def record_instruction(report: SpecialReport, *, actor, instructed_by: str, instruction: str) -> SpecialReport:
    report = _locked(report)
    _require_manage(actor, report.congress_id)
    if not instruction.strip():
        raise ValidationError({"instruction": "请填写批示内容。"})
    _move(report, "instruct_special", actor=actor)
    report.instructed_by, report.instruction = instructed_by.strip(), instruction.strip()
    report.save()
    return report


@transaction.atomic
def close_special_report(report: SpecialReport, *, actor, follow_up: str) -> SpecialReport:
    report = _locked(report)
    _require_manage(actor, report.congress_id)
    if not follow_up.strip():
        raise ValidationError({"follow_up": "请填写落实情况。"})
    _move(report, "close_special", actor=actor)
    report.follow_up = follow_up.strip()
    report.save()
    return report


# --- reminders (Celery) ---------------------------------------------------------------------------------------


def send_reminders(today: dt.date | None = None) -> int:
    """Daily: departments whose report is due in 7, 3 or 0 days (or overdue, once) and deputies invited to
    tomorrow's activity. Each reminder is keyed, so running twice sends nothing more."""
    from accounts.models import User

    today = today or timezone.localdate()
    sent = 0
    with transaction.atomic():
        open_requests = ReportRequest.objects.filter(
            status__in=(ReportRequest.Status.PENDING, ReportRequest.Status.RETURNED)
        ).select_related("round")
        for req in open_requests.filter(round__due_date__lte=today + dt.timedelta(days=max(REPORT_REMINDER_DAYS))):
            days = (req.round.due_date - today).days
            if days not in REPORT_REMINDER_DAYS and days >= 0:
                continue
            tag = f"days={days}" if days >= 0 else "overdue"
            title = f"{req.round.title}{'已逾期' if days < 0 else f'还有{days}天截止' if days else '今天截止'}"
            for user in User.objects.filter(unit_id=req.unit_id, is_active=True):
                sent += (
                    notify(
                        user,
                        event="engagement.report_due",
                        key=f"engagement.report_due:req={req.pk}:{tag}",
                        title=title,
                        url=reverse("engagement:report_list"),
                    )
                    is not None
                )
        tomorrow = today + dt.timedelta(days=1)
        replies = (
            InvitationReply.objects.filter(invitation__date=tomorrow)
            .exclude(answer=InvitationReply.Answer.DECLINED)
            .select_related("invitation")
        )
        users = {u.person_id: u for u in _users_of(replies.values_list("person_id", flat=True))}
        for reply in replies:
            user = users.get(reply.person_id)
            inv = reply.invitation
            sent += (
                notify(
                    user,
                    event="engagement.invitation_eve",
                    key=f"engagement.invitation_eve:{inv.pk}",
                    title=f"明天{inv.get_kind_display()}：{inv.title}",
                    body=inv.place,
                    url=reverse("engagement:m_invitation", args=[inv.pk]),
                )
                is not None
            )
    return sent
