"""Constituents' messages (群众留言): submission, reply, forwarding, closing, rating and the overdue reminders."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from core import audit
from core.exceptions import IllegalTransition
from core.notifications import notify
from deputies.models import Person

from .. import permissions
from ..models import (
    CONSENT_TEXT,
    Message,
    MessageNote,
    Station,
    StationDeputy,
)
from ._common import A, _require
from .receptions import _draft_for, deputy_user

__all__ = [
    "message_handlers",
    "submit_message",
    "reply_message",
    "forward_message",
    "close_message",
    "rate_message",
    "remind_open_messages",
]


# --- messages (群众留言) ----------------------------------------------------------------------------------------


def message_handlers(message: Message):
    """Who is told about a message: the deputy it is addressed to (their account), else the station's liaisons,
    else the office staff of the station's congress."""
    if message.person_id:
        users = list(User.objects.filter(person_id=message.person_id, is_active=True))
        if users:
            return users
    liaisons = list(message.station.liaisons.filter(is_active=True))
    if liaisons:
        return liaisons
    return list(
        User.objects.filter(
            congress_id=message.station.congress_id, is_active=True, roles__role__in=[Role.STAFF, Role.TOWN_STAFF]
        ).distinct()
    )


@transaction.atomic
def submit_message(
    station: Station,
    *,
    topic: str,
    content: str,
    consent: bool,
    person: Person | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    category: str = "other",
) -> Message:
    """A constituent's message (no login). Returns it with its tracking code."""
    errors = {}
    if not (topic or "").strip():
        errors["topic"] = "请填写留言主题。"
    if not (content or "").strip():
        errors["content"] = "请填写留言内容。"
    elif len(content) > 2000:
        errors["content"] = "留言内容请不要超过 2000 字。"
    phone = (contact_phone or "").strip().replace(" ", "")
    if phone and not phone.replace("-", "").isdigit():
        errors["contact_phone"] = "联系电话只能填写数字。"
    if not consent:
        errors["consent"] = "请阅读并勾选个人信息告知，才能提交留言。"
    if not station.is_active:
        errors["topic"] = "该站点已停用，请选择其他站点留言。"
    if person is not None and not StationDeputy.objects.filter(station=station, person=person, is_active=True).exists():
        errors["person"] = "该代表不在本站，请重新选择。"
    if errors:
        raise ValidationError(errors)
    message = Message.objects.create(
        station=station,
        person=person,
        topic=topic.strip()[:100],
        content=content.strip(),
        category=category or "other",
        contact_name=(contact_name or "").strip()[:30],
        contact_phone=phone[:20],
        consent_text=CONSENT_TEXT,
        consented_at=timezone.now(),
    )
    audit.record(actor=None, action=A.CREATE, obj=message, note="群众留言")
    target = f"{person.name}代表" if person else station.name
    for user in message_handlers(message):
        notify(
            user,
            event="station.message.new",
            key=f"station.message.new:msg={message.pk}",
            title=f"{target}收到群众留言：{message.topic[:30]}",
            url=f"/stations/messages/{message.pk}/",
        )
    return message


def _lock_message(message) -> Message:
    return Message.objects.select_for_update(of=("self",)).select_related("station", "person").get(pk=message.pk)


def _author(actor) -> str:
    if actor.person_id:
        return f"{actor.person.name}代表" if hasattr(actor, "person") and actor.person else "代表"
    return "代表之家（站）工作人员"


@transaction.atomic
def reply_message(message: Message, *, actor, text: str) -> Message:
    message = _lock_message(message)
    _require(permissions.can_handle_message(actor, message))
    if not message.is_open:
        raise IllegalTransition("该留言已办结。")
    if not (text or "").strip():
        raise ValidationError({"text": "请填写答复内容。"})
    message.reply = text.strip()
    message.replied_at = timezone.now()
    if message.status == Message.Status.OPEN:
        message.status = Message.Status.REPLIED
    message.save(update_fields=["reply", "replied_at", "status"])
    MessageNote.objects.create(message=message, kind=MessageNote.Kind.REPLY, text=message.reply, author=actor,
                               author_label=_author(actor))  # fmt: skip
    audit.record(actor=actor, action=A.TRANSITION, obj=message, note="答复留言")
    return message


@transaction.atomic
def forward_message(
    message: Message, *, actor, unit=None, to_suggestion: bool = False, deputy: Person | None = None, note: str = ""
) -> Message:
    """Forward to a department, or into a deputy's draft suggestion (the addressed deputy, or `deputy`)."""
    message = _lock_message(message)
    _require(permissions.can_handle_message(actor, message))
    if not message.is_open:
        raise IllegalTransition("该留言已办结。")
    if to_suggestion:
        if message.suggestion_id:
            raise IllegalTransition("该留言已转为代表建议。")
        person = message.person or deputy or (actor.person if actor.person_id else None)
        if person is None:
            raise ValidationError({"deputy": "请选择以哪位代表的名义形成建议草稿。"})
        if not StationDeputy.objects.filter(station=message.station, person=person).exists():
            raise ValidationError({"deputy": "该代表不在本站。"})
        content = f"{message.content}\n\n（来源：{message.created_at:%Y年%m月%d日}群众留言，查询码 {message.code}）"
        message.suggestion = _draft_for(person, message.station, title=message.topic, content=content)
        text = f"已转为{person.name}代表的建议，将按代表建议程序办理。{note}".strip()
        notify(
            deputy_user(person),
            event="station.message.suggestion",
            key=f"station.message.suggestion:msg={message.pk}",
            title=f"群众留言“{message.topic[:30]}”已生成建议草稿，请完善后提交",
            url=f"/suggestions/{message.suggestion.pk}/",
        )
    else:
        if unit is None:
            raise ValidationError({"unit": "请选择转交部门。"})
        message.unit = unit
        text = f"已转交{unit}办理。{note}".strip()
    message.status = Message.Status.FORWARDED
    message.save(update_fields=["status", "unit", "suggestion"])
    MessageNote.objects.create(message=message, kind=MessageNote.Kind.FORWARD, text=text, author=actor,
                               author_label=_author(actor))  # fmt: skip
    audit.record(actor=actor, action=A.TRANSITION, obj=message, note=text[:200])
    return message


@transaction.atomic
def close_message(message: Message, *, actor, result: str) -> Message:
    message = _lock_message(message)
    _require(permissions.can_handle_message(actor, message))
    if not message.is_open:
        raise IllegalTransition("该留言已办结。")
    if not (result or "").strip():
        raise ValidationError({"result": "请填写办理结果。"})
    message.result = result.strip()
    message.status = Message.Status.CLOSED
    message.closed_at = timezone.now()
    message.save(update_fields=["result", "status", "closed_at"])
    MessageNote.objects.create(message=message, kind=MessageNote.Kind.CLOSE, text=message.result, author=actor,
                               author_label=_author(actor))  # fmt: skip
    audit.record(actor=actor, action=A.TRANSITION, obj=message, note="办结留言")
    return message


@transaction.atomic
def rate_message(message: Message, *, rating: str, comment: str = "") -> Message:
    """The sender rates the handling once, after a reply or the result."""
    message = _lock_message(message)
    if message.rating:
        raise IllegalTransition("您已评价过，感谢您的反馈。")
    if message.status not in (Message.Status.REPLIED, Message.Status.CLOSED):
        raise IllegalTransition("留言答复或办结后才能评价。")
    if rating not in Message.Rating.values:
        raise ValidationError({"rating": "请选择满意、基本满意或不满意。"})
    message.rating = rating
    message.rating_comment = (comment or "").strip()[:300]
    message.rated_at = timezone.now()
    message.save(update_fields=["rating", "rating_comment", "rated_at"])
    MessageNote.objects.create(
        message=message, kind=MessageNote.Kind.RATING, text=message.get_rating_display(), author_label="留言人"
    )
    audit.record(actor=None, action=A.UPDATE, obj=message, note=f"留言人评价：{message.get_rating_display()}")
    if message.rating == Message.Rating.UNSATISFIED:
        for user in message_handlers(message):
            notify(
                user,
                event="station.message.unsatisfied",
                key=f"station.message.unsatisfied:msg={message.pk}",
                title=f"群众留言“{message.topic[:30]}”的留言人对办理不满意",
                url=f"/stations/messages/{message.pk}/",
            )
    return message


def remind_open_messages(now=None) -> int:
    """Remind the handlers of messages still open past each threshold (STATIONS_MESSAGE_REMIND_DAYS), once per
    message and threshold."""
    from django.conf import settings

    now = now or timezone.now()
    sent = 0
    for days in sorted(getattr(settings, "STATIONS_MESSAGE_REMIND_DAYS", [3, 7])):
        cutoff = now - dt.timedelta(days=days)
        qs = Message.objects.filter(status__in=Message.OPEN_STATES, created_at__lte=cutoff).select_related(
            "station", "person"
        )
        for message in qs.iterator(chunk_size=200):
            with transaction.atomic():
                for user in message_handlers(message):
                    note = notify(
                        user,
                        event="station.message.overdue",
                        key=f"station.message.overdue:msg={message.pk}:days={days}",
                        title=f"群众留言“{message.topic[:30]}”已超过 {days} 天未办结，请及时处理",
                        url=f"/stations/messages/{message.pk}/",
                    )
                    sent += note is not None
    return sent
