"""Staff pages of the stations: the registry, standards, rosters, figures and files. Receptions, activities and
messages are in stations.record_views, the deputy's phone pages in stations.mobile. Every object is looked up through
stations.permissions (404 outside the scope, 403 for an action the role never has)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.scopes import managed_congresses
from core.exceptions import IllegalTransition
from deputies import picker
from deputies.models import Person

from . import exports, forms, permissions, public, services, standards, stats
from .defaults import TEMPLATES as CHECKLIST_TEMPLATES
from .models import (
    ActivityPhoto,
    Checklist,
    DutySlot,
    Evidence,
    Message,
    Reception,
    Roster,
    Station,
    StationDeputy,
    StationDocument,
    StationPhoto,
)

PAGE_SIZE = 20


def require_pages(user) -> None:
    if not permissions.can_open_staff_pages(user):
        raise PermissionDenied


def station_for(user, pk: int) -> Station:
    return get_object_or_404(
        permissions.visible_stations(user).select_related("congress", "township", "area", "checklist"), pk=pk
    )


def kept_station(user, pk: int) -> Station:
    station = station_for(user, pk)
    if not permissions.can_keep_records(user, station):
        raise PermissionDenied
    return station


def managed_station(user, pk: int) -> Station:
    station = station_for(user, pk)
    if not permissions.can_manage(user, station):
        raise PermissionDenied
    return station


def errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def flash_error(request, exc) -> None:
    messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))


def _deputy_count():
    return Coalesce(
        Subquery(
            StationDeputy.objects.filter(station=OuterRef("pk"), is_active=True)
            .values("station")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def filtered_stations(request):
    form = forms.StationFilterForm(request.GET or None, user=request.user)
    qs = (
        permissions.visible_stations(request.user)
        .select_related("congress", "township")
        .annotate(deputy_count=_deputy_count())
        .order_by("township__code", "kind", "name", "id")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(name__icontains=data["q"]) | Q(address__icontains=data["q"]))
        if data["township"]:
            qs = qs.filter(township=data["township"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["short"] == "1":
            qs = qs.filter(standards.short_q())
        elif data["short"] == "0":
            qs = qs.exclude(standards.short_q())
    return form, qs


@login_required
def station_list(request):
    require_pages(request.user)
    form, qs = filtered_stations(request)
    if request.GET.get("export") == "xlsx":
        return exports.stations_xlsx(request, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_create": permissions.can_manage_any(request.user),
        "definition": standards.DEFINITION,
    }
    return render(request, "stations/station_list.html", context)


@login_required
def station_form(request, pk: int | None = None):
    user = request.user
    station = managed_station(user, pk) if pk else None
    if station is None and not permissions.can_manage_any(user):
        raise PermissionDenied
    form = forms.StationForm(request.POST or None, instance=station, user=user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "liaisons"}
        try:
            if station:
                station = services.update_station(station, actor=user, liaisons=form.cleaned_data["liaisons"], **data)
            else:
                station = services.create_station(actor=user, liaisons=form.cleaned_data["liaisons"], **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "站点信息已保存。")
            return redirect("stations:detail", station.pk)
    return render(request, "stations/station_form.html", {"form": form, "station": station})


@login_required
def station_detail(request, pk: int):
    require_pages(request.user)
    station = station_for(request.user, pk)
    user = request.user
    can_keep = permissions.can_keep_records(user, station)
    members = station.memberships.filter(is_active=True).select_related("person")
    today = timezone.localdate()
    context = {
        "station": station,
        "members": members,
        "liaisons": station.liaisons.all(),
        "photos": station.photos.all(),
        "equipment": station.equipment.all(),
        "documents": station.documents.all(),
        "compliance": standards.compliance_map([station])[station.pk],
        "rosters": station.rosters.all()[:6],
        "upcoming": DutySlot.objects.filter(station=station, date__gte=today).select_related("person")[:10],
        "receptions": Reception.objects.filter(station=station).select_related("deputy")[:10],
        "open_messages": Message.objects.filter(station=station, status__in=Message.OPEN_STATES).count(),
        "can_keep": can_keep,
        "can_manage": permissions.can_manage(user, station),
        "deputy_form": forms.StationDeputyForm(user=user, station=station) if can_keep else None,
        **(_picker_context(request, station) if can_keep else {}),
        "equipment_form": forms.EquipmentForm() if can_keep else None,
        "document_form": forms.DocumentForm() if can_keep else None,
        "photo_form": forms.PhotoForm() if can_keep else None,
        "year": today.year,
    }
    return render(request, "stations/station_detail.html", context)


def _picker_context(request, station) -> dict:
    q = picker.search_text(request)
    choices, more = forms.picker_choices(request.user, station, q)
    return {
        "picker": picker.Picker(
            q=q,
            choices=choices,
            more=more,
            lookup_url=reverse("stations:deputy_lookup", args=[station.pk]),
            page_url=reverse("stations:detail", args=[station.pk]),
            anchor="deputy-add",
            nearby="本镇街的代表",
            none="没有找到可进站的代表（须在您的范围内、有在任代表资格且尚未进站）。",
        )
    }


@login_required
def deputy_lookup(request, pk: int):
    """The deputy picker's choices for a search (`deputy_q`), as an HTML fragment for htmx: at most PICKER_LIMIT
    deputies the user may station here. Same gate as adding one: 404 outside the scope, 403 without the right."""
    station = kept_station(request.user, pk)
    return render(request, "deputies/_picker_choices.html", _picker_context(request, station))


@require_POST
@login_required
def station_add(request, pk: int, what: str):
    """Add a stationed deputy, a photo, a piece of equipment or a rules document (from the detail page)."""
    user = request.user
    station = kept_station(user, pk)
    try:
        if what == "deputy":
            form = forms.StationDeputyForm(request.POST, user=user, station=station)
            if form.is_valid():
                services.station_deputy(station, form.cleaned_data["person"], actor=user,
                                        order=form.cleaned_data["order"] or 0)  # fmt: skip
        elif what == "equipment":
            form = forms.EquipmentForm(request.POST)
            if form.is_valid():
                services.add_equipment(station, actor=user, **form.cleaned_data)
        elif what == "document":
            form = forms.DocumentForm(request.POST, request.FILES)
            if form.is_valid():
                d = form.cleaned_data
                services.add_document(station, actor=user, title=d["title"], upload=d["file"], content=d["content"])
        elif what == "photo":
            form = forms.PhotoForm(request.POST, request.FILES)
            if form.is_valid():
                services.add_photo(
                    station, form.cleaned_data["image"], actor=user, caption=form.cleaned_data["caption"]
                )
        else:
            raise Http404
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        if form.is_valid():
            messages.success(request, "已保存。")
        else:
            messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}：{'、'.join(e)}"
                                             for f, e in form.errors.items()))  # fmt: skip
    return redirect("stations:detail", station.pk)


@require_POST
@login_required
def member_remove(request, pk: int, member_id: int):
    station = kept_station(request.user, pk)
    member = get_object_or_404(StationDeputy, station=station, pk=member_id)
    services.remove_deputy(member, actor=request.user)
    messages.success(request, f"{member.person.name} 已离站，其以后的值班已改由其他代表承担。")
    return redirect("stations:detail", station.pk)


@login_required
def station_file(request, kind: str, file_id: int):
    """Files of a station, served only to users who see the station."""
    models = {"photo": (StationPhoto, "image"), "document": (StationDocument, "file"), "evidence": (Evidence, "file")}
    if kind == "activity":
        obj = get_object_or_404(ActivityPhoto.objects.select_related("activity"), pk=file_id)
        station_id = obj.activity.station_id
        field = obj.image
    elif kind in models:
        model, name = models[kind]
        obj = get_object_or_404(model, pk=file_id)
        station_id, field = obj.station_id, getattr(obj, name)
    else:
        raise Http404
    if not field or not permissions.visible_stations(request.user).filter(pk=station_id).exists():
        raise Http404
    return FileResponse(field.open("rb"), filename=field.name.rsplit("/", 1)[-1])


# --- standards -------------------------------------------------------------------------------------------------------


@login_required
def checklist_list(request):
    require_pages(request.user)
    congresses = managed_congresses(request.user)
    checklists = Checklist.objects.filter(congress__in=congresses).prefetch_related("items").select_related("congress")
    return render(
        request,
        "stations/checklist_list.html",
        {"checklists": checklists, "can_edit": permissions.can_manage_any(request.user)},
    )


@login_required
def checklist_form(request, pk: int | None = None):
    user = request.user
    if not permissions.can_manage_any(user):
        raise PermissionDenied
    checklist = (
        get_object_or_404(Checklist.objects.filter(congress__in=managed_congresses(user)), pk=pk) if pk else None
    )
    initial = {}
    if checklist:
        initial = {
            "congress": checklist.congress,
            "name": checklist.name,
            "items": "\n".join(f"{i.name}｜{i.required_evidence}" for i in checklist.items.all()),
        }
    elif request.GET.get("template") in CHECKLIST_TEMPLATES:
        name, items = CHECKLIST_TEMPLATES[request.GET["template"]]
        initial = {"name": name, "items": "\n".join(f"{n}｜{e}" for n, e in items)}
    form = forms.ChecklistForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            checklist = services.save_checklist(
                actor=user,
                congress=form.cleaned_data["congress"],
                name=form.cleaned_data["name"],
                items=form.parsed_items(),
                checklist=checklist,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        except PermissionDenied as exc:
            form.add_error("congress", str(exc))
        else:
            messages.success(request, "建设标准已保存。")
            return redirect("stations:checklists")
    return render(
        request,
        "stations/checklist_form.html",
        {"form": form, "checklist": checklist, "templates": CHECKLIST_TEMPLATES},
    )


@login_required
def standards_page(request, pk: int):
    """A station against its checklist: evidence per item, inspections, the compliance figure."""
    require_pages(request.user)
    user = request.user
    station = station_for(user, pk)
    can_keep = permissions.can_keep_records(user, station)
    can_inspect = permissions.can_manage(user, station)
    evidence_form = forms.EvidenceForm(station=station)
    if request.method == "POST":
        if request.POST.get("action") == "inspect":
            if not can_inspect:
                raise PermissionDenied
            items = list(station.checklist.items.all()) if station.checklist_id else []
            results = {i.pk: request.POST.get(f"item_{i.pk}") == "pass" for i in items}
            try:
                date = dt.date.fromisoformat(request.POST.get("date") or str(timezone.localdate()))
                services.record_inspection(
                    station, actor=user, date=date, results=results, conclusion=request.POST.get("conclusion", "")
                )
            except ValueError:
                messages.error(request, "检查日期格式不正确。")
            except ValidationError as exc:
                flash_error(request, exc)
            else:
                messages.success(request, "检查结果已登记。")
                return redirect("stations:standards", station.pk)
        else:
            if not can_keep:
                raise PermissionDenied
            evidence_form = forms.EvidenceForm(request.POST, request.FILES, station=station)
            if evidence_form.is_valid():
                d = evidence_form.cleaned_data
                try:
                    services.record_evidence(station, d["item"], actor=user, note=d["note"], upload=d["file"])
                except ValidationError as exc:
                    errors_to_form(evidence_form, exc)
                else:
                    messages.success(request, "佐证已登记。")
                    return redirect("stations:standards", station.pk)
    items = list(station.checklist.items.all()) if station.checklist_id else []
    evidence = {}
    for e in station.evidence.select_related("recorded_by"):
        evidence.setdefault(e.item_id, []).append(e)
    inspections = station.inspections.select_related("inspector").prefetch_related("results__item")[:5]
    context = {
        "station": station,
        "rows": [(i, evidence.get(i.pk, [])) for i in items],
        "compliance": standards.compliance_map([station])[station.pk],
        "inspections": inspections,
        "evidence_form": evidence_form if can_keep else None,
        "can_inspect": can_inspect,
        "items": items,
        "today": timezone.localdate(),
        "definition": standards.DEFINITION,
    }
    return render(request, "stations/standards.html", context)


@login_required
def compliance_page(request):
    require_pages(request.user)
    qs = permissions.visible_stations(request.user).filter(is_active=True)
    return render(
        request,
        "stations/compliance.html",
        {"rows": standards.by_township(qs), "definition": standards.DEFINITION},
    )


# --- rosters ---------------------------------------------------------------------------------------------------------


@login_required
def roster_index(request, pk: int):
    require_pages(request.user)
    user = request.user
    station = station_for(user, pk)
    can_keep = permissions.can_keep_records(user, station)
    form = forms.RosterForm(request.POST or None)
    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                start, end = services.period_bounds(d["kind"], d["year"], d["number"])
                roster = services.generate_roster(station, actor=user, start=start, end=end, publish=d["publish"])
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, f"已生成{roster}。")
                return redirect("stations:roster", roster.pk)
    rosters = station.rosters.annotate(n=Count("slots"))
    return render(
        request,
        "stations/roster_index.html",
        {"station": station, "form": form if can_keep else None, "rosters": rosters},
    )


@login_required
def roster_detail(request, roster_id: int):
    require_pages(request.user)
    user = request.user
    roster = get_object_or_404(
        Roster.objects.filter(station__in=permissions.visible_stations(user)).select_related("station"), pk=roster_id
    )
    station = roster.station
    can_keep = permissions.can_keep_records(user, station)
    slots = list(roster.slots.select_related("person").order_by("date", "person__name_initials"))
    counts: dict[int, int] = {}
    for s in slots:
        counts[s.person_id] = counts.get(s.person_id, 0) + 1
    members = list(station.memberships.filter(is_active=True).select_related("person"))
    context = {
        "roster": roster,
        "station": station,
        "slots": slots,
        "fairness": [(m.person, counts.get(m.person_id, 0)) for m in members],
        "members": [m.person for m in members],
        "can_keep": can_keep,
        "leave_form": forms.LeaveForm(station=station) if can_keep else None,
        "today": timezone.localdate(),
    }
    return render(request, "stations/roster_detail.html", context)


@require_POST
@login_required
def roster_action(request, roster_id: int, action: str):
    user = request.user
    roster = get_object_or_404(
        Roster.objects.filter(station__in=permissions.visible_stations(user)).select_related("station"), pk=roster_id
    )
    station = roster.station
    if not permissions.can_keep_records(user, station):
        raise PermissionDenied
    try:
        if action == "publish":
            services.publish_roster(roster, actor=user)
            messages.success(request, "值班表已公布，群众可在站点页面查看本周值班代表。")
        elif action == "delete":
            services.delete_roster(roster, actor=user)
            messages.success(request, "值班表已删除。")
            return redirect("stations:rosters", station.pk)
        elif action == "leave":
            form = forms.LeaveForm(request.POST, station=station)
            if not form.is_valid():
                raise ValidationError("请完整填写请假代表、起止日期和事由。")
            _leave, uncovered = services.record_leave(actor=user, station=station, **form.cleaned_data)
            msg = "请假已登记，相关值班已改由其他代表承担。"
            if uncovered:
                msg += "以下日期无人可替，已取消值班：" + "、".join(f"{d:%m月%d日}" for d in uncovered)
            messages.success(request, msg)
        elif action in ("reassign", "swap", "done", "missed"):
            slot = get_object_or_404(DutySlot, roster=roster, pk=request.POST.get("slot"))
            if action == "reassign":
                person = get_object_or_404(Person, pk=request.POST.get("person"))
                services.reassign_slot(slot, person, actor=user)
            elif action == "swap":
                other = get_object_or_404(DutySlot, roster=roster, pk=request.POST.get("other"))
                services.swap_slots(slot, other, actor=user)
            else:
                services.confirm_duty(slot, actor=user, done=action == "done")
            messages.success(request, "值班安排已更新。")
        else:
            raise Http404
    except (ValidationError, IllegalTransition) as exc:
        flash_error(request, exc)
    return redirect("stations:roster", roster.pk)


# --- figures, registers, posters -------------------------------------------------------------------------------------


@login_required
def figures_page(request):
    require_pages(request.user)
    form = forms.PeriodForm(request.GET or None)
    receptions = permissions.visible_receptions(request.user)
    msgs = permissions.visible_messages(request.user)
    by = "township"
    if form.is_valid():
        d = form.cleaned_data
        by = d["by"] or "township"
        if d["date_from"]:
            receptions = receptions.filter(date__gte=d["date_from"])
            msgs = msgs.filter(created_at__date__gte=d["date_from"])
        if d["date_to"]:
            receptions = receptions.filter(date__lte=d["date_to"])
            msgs = msgs.filter(created_at__date__lte=d["date_to"])
    rows, total = stats.figures(receptions, msgs, by=by)
    if request.GET.get("export") == "xlsx":
        return exports.figures_xlsx(request, rows, total, by)
    return render(
        request,
        "stations/figures.html",
        {"form": form, "rows": rows, "total": total, "by": by, "definitions": stats.DEFINITIONS},
    )


@login_required
def registers(request, pk: int):
    require_pages(request.user)
    station = station_for(request.user, pk)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    if request.GET.get("format") == "pdf":
        return exports.registers_pdf(request, station, year)
    return exports.registers_xlsx(request, station, year)


@login_required
def poster(request, pk: int, person_id: int | None = None):
    require_pages(request.user)
    station = station_for(request.user, pk)
    person = None
    if person_id:
        person = get_object_or_404(StationDeputy.objects.select_related("person"), station=station,
                                   person_id=person_id).person  # fmt: skip
    return exports.poster_pdf(request, station, person)


@login_required
def qr_page(request, pk: int):
    require_pages(request.user)
    station = station_for(request.user, pk)
    members = station.memberships.filter(is_active=True).select_related("person")
    return render(
        request,
        "stations/qr.html",
        {"station": station, "members": members, "url": public.message_url(request, station)},
    )
