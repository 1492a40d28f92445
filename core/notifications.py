"""The one notification service: in-app (the bell), email and SMS.

`notify()` writes the in-app row and one outbox row (Delivery) per outside channel, keyed by `key` so that a
notification is created once however often the caller runs (a daily task run twice, a retried task). The outbox is
sent after the transaction commits by `core.tasks.send_deliveries`; if Redis is down the rows wait and the periodic
sweep sends them later. Each Delivery is claimed under a row lock and marked sent in the same transaction, so two
workers never send it twice.

`notify_bulk()` does the same for many notifications at once (the daily reminders): a few queries per chunk of a few
hundred, each chunk committed on its own, with the same keys and the same outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Delivery, Notification

logger = logging.getLogger(__name__)

INAPP, EMAIL, SMS = "inapp", "email", "sms"
CHUNK_SIZE = 500  # notifications per transaction in notify_bulk()


@dataclass(frozen=True)
class Message:
    """One notification to create with notify_bulk(): the arguments of notify() for one recipient. notify_bulk()
    takes any object with these attributes (e.g. the reminders' own plan entries)."""

    recipient: Any
    event: str
    key: str
    title: str
    body: str = ""
    url: str = ""
    channels: tuple[str, ...] = (INAPP, SMS)


def _full_key(key: str, recipient) -> str:
    return (f"{key}:u{recipient.pk}" if f"u{recipient.pk}" not in key else key)[:200]


def notify(
    recipient,
    *,
    event: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    channels: Iterable[str] = (INAPP, SMS),
) -> Notification | None:
    """Create the notification `key` for `recipient` unless it exists. Returns it when new, else None.

    `key` names the event, the object, the recipient and the round or threshold, e.g.
    "suggestion.due:assignment=12:days=5:user=7". Call inside the caller's transaction.
    """
    if recipient is None or not recipient.is_active:
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient, event=event, key=_full_key(key, recipient), title=title[:200], body=body, url=url
            )
    except IntegrityError:
        return None
    outside = [c for c in channels if c in (EMAIL, SMS)]
    if outside:
        Delivery.objects.bulk_create([Delivery(notification=note, channel=c) for c in outside])
        transaction.on_commit(lambda: _queue_send(note.pk))
    return note


def notify_bulk(messages: Iterable[Message], *, chunk_size: int = CHUNK_SIZE) -> list[Notification]:
    """notify() for many messages at once, in chunks of `chunk_size`: a fixed number of queries per chunk whatever
    its size (the keys already there, one insert of the notifications, their ids, one insert of the deliveries).
    Returns the notifications created by this call; a message whose key exists (sent before) creates nothing.

    Each chunk is one transaction of its own (a savepoint when the caller holds one), so a run that dies midway keeps
    the chunks it finished and a rerun creates only the rest. The key's unique constraint (rows inserted with
    ON CONFLICT DO NOTHING) and the delivery's (notification, channel) constraint make a notification and each of its
    deliveries exist once even when two runs overlap. The deliveries are sent after commit through the outbox.
    """
    created: list[Notification] = []
    chunk: list[Message] = []
    for message in messages:
        if message.recipient is None or not message.recipient.is_active:
            continue
        chunk.append(message)
        if len(chunk) >= chunk_size:
            created += _create_chunk(chunk)
            chunk = []
    if chunk:
        created += _create_chunk(chunk)
    return created


def _create_chunk(messages: list[Message]) -> list[Notification]:
    by_key: dict[str, Message] = {}
    for m in messages:
        by_key.setdefault(_full_key(m.key, m.recipient), m)  # the first one wins, as with notify() called in turn
    with transaction.atomic():
        existing = set(Notification.objects.filter(key__in=list(by_key)).values_list("key", flat=True))
        new = [
            Notification(recipient=m.recipient, event=m.event, key=k, title=m.title[:200], body=m.body, url=m.url)
            for k, m in by_key.items()
            if k not in existing
        ]
        if not new:
            return []
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        ids = dict(Notification.objects.filter(key__in=[n.key for n in new]).values_list("key", "pk"))
        new = [n for n in new if n.key in ids]  # (a row another run inserted and deleted meanwhile: not ours)
        deliveries = []
        for note in new:
            note.pk = ids[note.key]
            for channel in dict.fromkeys(c for c in by_key[note.key].channels if c in (EMAIL, SMS)):
                deliveries.append(Delivery(notification_id=note.pk, channel=channel))
        if deliveries:
            Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
            transaction.on_commit(_queue_sweep)
    return new


def notify_many(recipients: Iterable, **kwargs) -> int:
    """The same notification (kwargs of notify()) to each of `recipients`, in bulk; returns how many were new."""
    return len(notify_bulk(Message(recipient=r, **kwargs) for r in recipients if r is not None))


def _queue_send(notification_id: int) -> None:
    """Queue the sending task; with Redis down the outbox keeps the rows for the periodic sweep."""
    from .tasks import send_deliveries

    try:
        send_deliveries.delay(notification_id)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep sends it later
        logger.warning("Broker unavailable; notification %s waits in the outbox", notification_id)


def _queue_sweep() -> None:
    """Queue one sweep of the outbox for a chunk of notifications (rather than one task per notification)."""
    from .tasks import sweep_outbox

    try:
        sweep_outbox.delay()
    except Exception:  # noqa: BLE001 - any broker failure: the periodic sweep sends them later
        logger.warning("Broker unavailable; notifications wait in the outbox")


def send_pending(notification_id: int | None = None, limit: int = 500) -> int:
    """Send pending deliveries (of one notification, or all). Safe to run twice at once: rows are claimed under
    SELECT … FOR UPDATE SKIP LOCKED and marked sent before the lock is released."""
    sent = 0
    while True:
        with transaction.atomic():
            qs = Delivery.objects.select_for_update(skip_locked=True).filter(status=Delivery.Status.PENDING)
            if notification_id is not None:
                qs = qs.filter(notification_id=notification_id)
            batch = list(qs.select_related("notification__recipient").order_by("id")[:limit])
            if not batch:
                return sent
            for delivery in batch:
                _send_one(delivery)
                sent += delivery.status == Delivery.Status.SENT
        if notification_id is not None or len(batch) < limit:
            return sent


def _send_one(delivery: Delivery) -> None:
    note = delivery.notification
    user = note.recipient
    delivery.attempts += 1
    try:
        if delivery.channel == Delivery.Channel.EMAIL:
            if not user.email:
                delivery.status = Delivery.Status.SKIPPED
            else:
                send_mail(note.title, f"{note.body}\n{note.url}".strip(), settings.DEFAULT_FROM_EMAIL, [user.email])
                delivery.status = Delivery.Status.SENT
        elif delivery.channel == Delivery.Channel.SMS:
            phone = user.phone or (user.person.phone if user.person_id else "")
            if not phone:
                delivery.status = Delivery.Status.SKIPPED
            else:
                from .sms import get_backend

                get_backend().send(phone, f"【人大代表工作平台】{note.title}")
                delivery.status = Delivery.Status.SENT
    except Exception as exc:  # noqa: BLE001 - recorded and retried by the sweep
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:300]
        delivery.status = Delivery.Status.FAILED if delivery.attempts >= 5 else Delivery.Status.PENDING
    if delivery.status == Delivery.Status.SENT:
        delivery.sent_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "last_error", "sent_at"])


def unread_count(user) -> int:
    """The user's unread notifications, counted once per request (the navigation and the phone's home card both show
    it; the user object lives as long as the request)."""
    cached = getattr(user, "_unread_count", None)
    if cached is None:
        cached = user._unread_count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return cached
