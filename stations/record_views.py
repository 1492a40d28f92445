"""Staff pages of what happens at a station: reception records (接待登记), activities, and the messages inbox
(群众留言). Objects are looked up through stations.permissions; visitors' and senders' phones are masked for roles
that do not call them back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import IllegalTransition
from core.masking import mask_phone
from core.pagination import BoundedPaginator
from deputies.models import Person

from . import exports, forms, permissions, services
from .models import Activity, Message, Reception
from .views import PAGE_SIZE, errors_to_form, flash_error, kept_station, require_pages, station_for

# --- receptions ------------------------------------------------------------------------------------------------------


def filtered_receptions(request):
    user = request.user
    stations = permissions.visible_stations(user).order_by("name")
    form = forms.ReceptionFilterForm(request.GET or None, user=user, stations=stations)
    qs = permissions.visible_receptions(user).select_related("station", "deputy", "unit").order_by("-date", "-id")
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(topic__icontains=d["q"]) | Q(content__icontains=d["q"]) | Q(visitor_name=d["q"]))
        for field in ("status", "handling", "category"):
            if d[field]:
                qs = qs.filter(**{field: d[field]})
        if d["station"]:
            qs = qs.filter(station_id=d["station"])
        if d["township"]:
            qs = qs.filter(station__township_id=d["township"])
        if d["date_from"]:
            qs = qs.filter(date__gte=d["date_from"])
        if d["date_to"]:
            qs = qs.filter(date__lte=d["date_to"])
    return form, qs


@login_required
def reception_list(request):
    require_pages(request.user)
    form, qs = filtered_receptions(request)
    if request.GET.get("export") == "xlsx":
        return exports.receptions_xlsx(request, qs)
    page = BoundedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))  # a province: 480,000 receptions
    see = permissions.can_see_contacts(request.user)
    rows = [(r, r.visitor_phone if see else mask_phone(r.visitor_phone)) for r in page]
    return render(request, "stations/reception_list.html", {"form": form, "page": page, "rows": rows})


@login_required
def reception_new(request, pk: int):
    user = request.user
    station = kept_station(user, pk)
    form = forms.ReceptionForm(request.POST or None, station=station)
    if request.method == "POST" and form.is_valid():
        try:
            reception = services.record_reception(station, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "接待登记已保存。")
            return redirect("stations:reception", reception.pk)
    return render(request, "stations/form.html", {"form": form, "station": station, "title": "接待登记",
                                                  "multipart": False})  # fmt: skip


def _reception_for(user, pk: int) -> Reception:
    return get_object_or_404(
        permissions.visible_receptions(user).select_related("station__congress", "deputy", "unit", "suggestion"), pk=pk
    )


@login_required
def reception_detail(request, pk: int):
    require_pages(request.user)
    user = request.user
    reception = _reception_for(user, pk)
    can_handle = permissions.can_handle_reception(user, reception)
    phone = reception.visitor_phone if permissions.can_see_contacts(user) else mask_phone(reception.visitor_phone)
    context = {
        "r": reception,
        "phone": phone,
        "notes": reception.notes.select_related("author"),
        "can_handle": can_handle and reception.status == Reception.Status.OPEN,
        "text_form": forms.TextForm(),
        "refer_form": forms.ReferForm(congress=reception.station.congress),
    }
    return render(request, "stations/reception_detail.html", context)


@require_POST
@login_required
def reception_action(request, pk: int, action: str):
    user = request.user
    reception = _reception_for(user, pk)
    text = (request.POST.get("text") or "").strip()
    try:
        if action == "answer":
            services.answer_on_spot(reception, actor=user, answer=text)
        elif action == "suggestion":
            services.turn_into_suggestion(reception, actor=user, title=request.POST.get("title", ""))
            messages.success(request, "已为接待代表生成建议草稿，代表完善后即可提交。")
        elif action == "refer":
            form = forms.ReferForm(request.POST, congress=reception.station.congress)
            if not form.is_valid():
                raise ValidationError({"unit": "请选择转交部门。"})
            services.refer_reception(reception, actor=user, unit=form.cleaned_data["unit"],
                                     note=form.cleaned_data["note"])  # fmt: skip
        elif action == "note":
            services.add_reception_note(reception, actor=user, text=text)
        elif action == "resolve":
            services.resolve_reception(reception, actor=user, result=text)
        else:
            raise Http404
    except (ValidationError, IllegalTransition) as exc:
        flash_error(request, exc)
    except PermissionDenied:
        raise
    else:
        if action != "suggestion":
            messages.success(request, "已保存。")
    return redirect("stations:reception", reception.pk)


# --- activities ------------------------------------------------------------------------------------------------------


@login_required
def activity_list(request):
    require_pages(request.user)
    stations = permissions.visible_stations(request.user).order_by("name")
    qs = (
        permissions.visible_activities(request.user)
        .select_related("station")
        .annotate(n_attendees=Count("attendees", distinct=True), n_photos=Count("photos", distinct=True))
        .order_by("-date", "-id")
    )
    station_id = request.GET.get("station") or ""
    if station_id.isdigit():
        qs = qs.filter(station_id=int(station_id))
    kind = request.GET.get("kind") or ""
    if kind in Activity.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "stations": stations,
        "station_id": station_id,
        "kind": kind,
        "kinds": Activity.Kind.choices,
    }
    return render(request, "stations/activity_list.html", context)


@login_required
def activity_new(request, pk: int):
    user = request.user
    station = kept_station(user, pk)
    form = forms.ActivityForm(request.POST or None, request.FILES or None, station=station)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        attendees = data.pop("attendees")
        data.pop("photos", None)
        try:
            activity = services.record_activity(
                station, actor=user, attendees=attendees, photos=request.FILES.getlist("photos"), **data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "活动已登记。")
            return redirect("stations:activity", activity.pk)
    return render(request, "stations/form.html", {"form": form, "station": station, "title": "登记站点活动",
                                                  "multipart": True})  # fmt: skip


@login_required
def activity_detail(request, pk: int):
    require_pages(request.user)
    activity = get_object_or_404(permissions.visible_activities(request.user).select_related("station"), pk=pk)
    return render(
        request,
        "stations/activity_detail.html",
        {"a": activity, "attendees": activity.attendees.all(), "photos": activity.photos.all()},
    )


# --- messages --------------------------------------------------------------------------------------------------------


def filtered_messages(request, base=None):
    user = request.user
    stations = permissions.visible_stations(user).order_by("name")
    form = forms.MessageFilterForm(request.GET or None, stations=stations)
    qs = (base if base is not None else permissions.visible_messages(user)).select_related("station", "person", "unit")
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(topic__icontains=d["q"]) | Q(content__icontains=d["q"]) | Q(code=d["q"].upper()))
        if d["station"]:
            qs = qs.filter(station_id=d["station"])
        if d["township"]:
            qs = qs.filter(station__township_id=d["township"])
        if d["status"] == "unclosed":
            qs = qs.filter(status__in=Message.OPEN_STATES)
        elif d["status"]:
            qs = qs.filter(status=d["status"])
    return form, qs.order_by("-created_at", "-id")


@login_required
def message_list(request):
    require_pages(request.user)
    form, qs = filtered_messages(request)
    if request.GET.get("export") == "xlsx":
        return exports.messages_xlsx(request, qs)
    page = BoundedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "stations/message_list.html", {"form": form, "page": page})


def message_for(user, pk: int) -> Message:
    return get_object_or_404(
        permissions.visible_messages(user).select_related("station__congress", "person", "unit", "suggestion"), pk=pk
    )


def message_context(user, message: Message) -> dict:
    can_handle = permissions.can_handle_message(user, message) and message.is_open
    see = permissions.can_see_message_contact(user, message)
    return {
        "m": message,
        "phone": message.contact_phone if see else mask_phone(message.contact_phone),
        "notes": message.notes.all(),
        "can_handle": can_handle,
        "refer_form": forms.ReferForm(congress=message.station.congress),
        "deputies": Person.objects.filter(pk__in=message.station.memberships.values("person_id")),
    }


@login_required
def message_detail(request, pk: int):
    user = request.user
    message = message_for(user, pk)
    if not permissions.can_open_staff_pages(user):
        return redirect("stations:m_message", message.pk)
    return render(request, "stations/message_detail.html", message_context(user, message))


def run_message_action(request, message: Message, action: str) -> None:
    user = request.user
    text = (request.POST.get("text") or "").strip()
    try:
        if action == "reply":
            services.reply_message(message, actor=user, text=text)
        elif action == "forward":
            form = forms.ReferForm(request.POST, congress=message.station.congress)
            if not form.is_valid():
                raise ValidationError({"unit": "请选择转交部门。"})
            services.forward_message(
                message, actor=user, unit=form.cleaned_data["unit"], note=form.cleaned_data["note"]
            )
        elif action == "suggestion":
            deputy = None
            if (request.POST.get("deputy") or "").isdigit():
                deputy = Person.objects.filter(pk=int(request.POST["deputy"])).first()
            services.forward_message(message, actor=user, to_suggestion=True, deputy=deputy, note=text)
        elif action == "close":
            services.close_message(message, actor=user, result=text)
        else:
            raise Http404
    except (ValidationError, IllegalTransition) as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "已保存，留言人可凭查询码查看。")


@require_POST
@login_required
def message_action(request, pk: int, action: str):
    message = message_for(request.user, pk)
    run_message_action(request, message, action)
    return redirect("stations:message", message.pk)


@login_required
def station_messages(request, pk: int):
    """One station's inbox (the liaison's start page)."""
    require_pages(request.user)
    station = station_for(request.user, pk)
    form, qs = filtered_messages(request, permissions.visible_messages(request.user).filter(station=station))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "stations/message_list.html", {"form": form, "page": page, "station": station})
