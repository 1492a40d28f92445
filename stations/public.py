"""The constituents' pages, no login: the station finder, a page per station, the message form (对话代表), the
tracking page, and the QR codes (代表码) that open the form.

What is public: a station's name, kind, township, address, opening hours, reception days, office phone, its
deputies' names, and the published duty roster of this week. Never a deputy's phone, address or ID number, never a
visitor or sender's contact. A tracking page shows one message, found by its code, without the sender's contact.

Spam protection without third parties: a honeypot field that people never see, and a limit of messages per address
(Django cache; when the cache is down the form stays open and the honeypot still works).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

import segno
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.exceptions import IllegalTransition
from deputies.models import Person
from organization.models import Area

from . import services
from .models import CONSENT_TEXT, Category, DutySlot, Message, Station, StationDeputy

logger = logging.getLogger(__name__)
PAGE_SIZE = 20

MSG_HONEYPOT = (
    "提交未成功：系统判断这可能是自动程序提交的留言。如果您是本人填写，请刷新页面后重新填写，不要填写页面上隐藏的栏目。"
)
MSG_TRACK_FLOOD = "查询过于频繁：输入错误的查询码次数过多，请 1 小时后再试。"
TRACK_MISSES = 20
MSG_FLOOD = "提交过于频繁：同一网络在 1 小时内最多可以留言 {limit} 次，请稍后再试；急事请拨打站点电话。"


# --- rate limit --------------------------------------------------------------------------------------------------


def _bucket(request, kind: str = "msg") -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return f"stations:{kind}:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def over_limit(request, kind: str = "msg", limit: int | None = None) -> bool:
    """Whether this address already used its allowance in the window (messages sent, or unknown tracking codes
    tried). Fails open."""
    limit = settings.STATIONS_MESSAGE_RATE if limit is None else limit
    try:
        return int(cache.get(_bucket(request, kind)) or 0) >= limit
    except Exception:  # noqa: BLE001 - cache down: accept the message, the honeypot still applies
        logger.warning("Cache unavailable; message rate limit not applied")
        return False


def count_message(request, kind: str = "msg") -> None:
    key = _bucket(request, kind)
    try:
        if not cache.add(key, 1, timeout=settings.STATIONS_MESSAGE_RATE_WINDOW):
            cache.incr(key)
    except Exception:  # noqa: BLE001 - cache down: fail open
        logger.warning("Cache unavailable; message not counted for the rate limit")


# --- public querysets --------------------------------------------------------------------------------------------


def public_stations():
    return Station.objects.filter(is_active=True)


def week_bounds(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def week_duty(station: Station, today: dt.date | None = None) -> list[tuple[dt.date, list[str]]]:
    """This week's published duty: [(date, [deputy names])]."""
    start, end = week_bounds(today)
    slots = (
        DutySlot.objects.filter(station=station, date__gte=start, date__lte=end, roster__published_at__isnull=False)
        .order_by("date", "person__name_initials")
        .values_list("date", "person__name")
    )
    days: dict[dt.date, list[str]] = {}
    for day, name in slots:
        days.setdefault(day, []).append(name)
    return sorted(days.items())


def deputy_names(station: Station) -> list[tuple[int, str]]:
    return list(
        StationDeputy.objects.filter(station=station, is_active=True)
        .order_by("order", "id")
        .values_list("person_id", "person__name")
    )


# --- pages -------------------------------------------------------------------------------------------------------


@require_GET
def finder(request):
    qs = (
        public_stations()
        .select_related("township")
        .only("name", "kind", "address", "opening_hours", "reception_weekdays", "reception_hours", "township__name")
    )
    q = (request.GET.get("q") or "").strip()[:50]
    township = (request.GET.get("township") or "").strip()
    kind = (request.GET.get("kind") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if township.isdigit():
        qs = qs.filter(township_id=int(township))
    if kind in Station.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.order_by("township__code", "kind", "name"), PAGE_SIZE).get_page(request.GET.get("page"))
    townships = (
        Area.objects.filter(level=Area.Level.TOWNSHIP, township_stations__is_active=True)
        .distinct()
        .order_by("code", "name")
    )
    context = {
        "page": page,
        "q": q,
        "township": township,
        "kind": kind,
        "townships": townships,
        "kinds": Station.Kind.choices,
    }
    return render(request, "public/stations_finder.html", context)


@require_GET
def station_page(request, pk: int):
    station = get_object_or_404(public_stations().select_related("township", "area"), pk=pk)
    context = {
        "station": station,
        "deputies": deputy_names(station),
        "week": week_duty(station),
        "week_start": week_bounds()[0],
    }
    return render(request, "public/stations_detail.html", context)


class MessageForm(forms.Form):
    person = forms.TypedChoiceField(label="留言对象", required=False, coerce=int, empty_value=None)
    topic = forms.CharField(label="主题", max_length=100)
    category = forms.ChoiceField(label="类别", choices=Category.choices, initial=Category.OTHER)
    content = forms.CharField(label="内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 6}))
    contact_name = forms.CharField(label="称呼（选填）", max_length=30, required=False)
    contact_phone = forms.CharField(
        label="联系电话（选填）", max_length=20, required=False, help_text="留下电话便于代表回复；仅处理人员可见。"
    )
    consent = forms.BooleanField(label="我已阅读并同意上述个人信息告知", required=False)
    # The honeypot: hidden from people by CSS, filled by bots.
    website = forms.CharField(label="网址（请勿填写）", required=False)

    def __init__(self, *args, station: Station, fixed_person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.station = station
        self.fixed_person = fixed_person
        if fixed_person is not None:
            del self.fields["person"]
        else:
            self.fields["person"].choices = [("", f"{station.name}（全体进站代表）")] + [
                (pid, f"{name}代表") for pid, name in deputy_names(station)
            ]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        for name in ("topic", "content"):
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}。"


def _message_form(request, station: Station, person: Person | None = None):
    form = MessageForm(request.POST or None, station=station, fixed_person=person)
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            form.add_error(None, MSG_HONEYPOT)
            return render(request, "public/stations_message.html", {"form": form, "station": station,
                                                                    "person": person, "consent": CONSENT_TEXT},
                          status=400)  # fmt: skip
        if form.is_valid():
            if over_limit(request):
                form.add_error(None, MSG_FLOOD.format(limit=settings.STATIONS_MESSAGE_RATE))
                status = 429
            else:
                data = form.cleaned_data
                target = person
                if target is None and data.get("person"):
                    target = Person.objects.filter(pk=data["person"]).first()
                try:
                    message = services.submit_message(
                        station,
                        person=target,
                        topic=data["topic"],
                        content=data["content"],
                        category=data["category"],
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                        consent=data["consent"],
                    )
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                    status = 400
                else:
                    count_message(request)
                    return redirect("stations_public:sent", code=message.code)
        else:
            status = 400
    context = {"form": form, "station": station, "person": person, "consent": CONSENT_TEXT}
    return render(request, "public/stations_message.html", context, status=status)


def message_to_station(request, pk: int):
    station = get_object_or_404(public_stations(), pk=pk)
    return _message_form(request, station)


def message_to_deputy(request, pk: int, person_id: int):
    station = get_object_or_404(public_stations(), pk=pk)
    member = get_object_or_404(
        StationDeputy.objects.select_related("person").only("person__name", "station_id"),
        station=station,
        person_id=person_id,
        is_active=True,
    )
    return _message_form(request, station, member.person)


@require_GET
def sent(request, code: str):
    message = get_object_or_404(Message.objects.only("code", "topic"), code=code.upper())
    return render(request, "public/stations_sent.html", {"message": message})


def track(request, code: str | None = None):
    """Look up a message by its tracking code; show that message only (404 for any other code)."""
    if code is None:
        code = (request.GET.get("code") or "").strip().upper().replace(" ", "")
        if not code:
            return render(request, "public/stations_track_form.html", {})
        return redirect("stations_public:track", code=code)
    # Guessing codes: an address that tried too many unknown codes waits for the window to pass.
    if over_limit(request, "track", TRACK_MISSES):
        return render(request, "public/stations_track_form.html", {"error": MSG_TRACK_FLOOD}, status=429)
    message = Message.objects.select_related("station").filter(code=code.upper()).first()
    if message is None:
        count_message(request, "track")
        raise Http404("查询码不存在")
    error = ""
    if request.method == "POST":
        try:
            services.rate_message(
                message, rating=request.POST.get("rating", ""), comment=request.POST.get("comment", "")
            )
        except (ValidationError, IllegalTransition) as exc:
            error = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            return redirect("stations_public:track", code=message.code)
    notes = message.notes.filter(public=True).exclude(kind="note").only("kind", "text", "author_label", "created_at")
    context = {
        "message": message,
        "notes": notes,
        "can_rate": not message.rating and message.status in (Message.Status.REPLIED, Message.Status.CLOSED),
        "ratings": Message.Rating.choices,
        "error": error,
        "deputy_name": message.person.name if message.person_id else "",
    }
    return render(request, "public/stations_track.html", context, status=400 if error else 200)


# --- QR codes (代表码) ----------------------------------------------------------------------------------------------


def message_url(request, station: Station, person_id: int | None = None) -> str:
    if person_id:
        path = reverse("stations_public:message_deputy", args=[station.pk, person_id])
    else:
        path = reverse("stations_public:message", args=[station.pk])
    return request.build_absolute_uri(path)


def qr_svg(url: str, scale: int = 5) -> bytes:
    import io

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=scale, xmldecl=False, border=2)
    return buf.getvalue()


@require_GET
def station_qr(request, pk: int):
    station = get_object_or_404(public_stations(), pk=pk)
    return HttpResponse(qr_svg(message_url(request, station)), content_type="image/svg+xml")


@require_GET
def deputy_qr(request, pk: int, person_id: int):
    station = get_object_or_404(public_stations(), pk=pk)
    get_object_or_404(StationDeputy, station=station, person_id=person_id, is_active=True)
    return HttpResponse(qr_svg(message_url(request, station, person_id)), content_type="image/svg+xml")
