"""Organisation pages: congresses with terms and meetings, areas, handling units, special committees and
standing-committee members. Every page reads through organization.permissions and changes through services."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.scopes import ALL
from core.models import AuditEntry

from . import permissions, services
from .forms import AreaForm, CommitteeForm, MeetingForm, MemberForm, TermForm, UnitForm
from .models import Area, CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee, Term

PAGE_SIZE = 20


def _gate(request) -> None:
    if not permissions.can_open_pages(request.user):
        raise PermissionDenied


def _require_edit(request, congress_id: int | None) -> None:
    if not permissions.can_edit(request.user, congress_id):
        raise PermissionDenied


def _history(*objects_or_querysets, limit: int = 30):
    """Audit entries of the given objects (a model instance, or a queryset of one model), newest first."""
    cond = Q(pk__in=[])
    for item in objects_or_querysets:
        if hasattr(item, "model") and hasattr(item, "values_list"):
            ids = [str(pk) for pk in item.values_list("pk", flat=True)]
            cond |= Q(content_type=ContentType.objects.get_for_model(item.model), object_id__in=ids)
        elif item is not None:
            cond |= Q(content_type=ContentType.objects.get_for_model(item), object_id=str(item.pk))
    return AuditEntry.objects.filter(cond).order_by("-at", "-id")[:limit]


def _form_page(request, form, *, title: str, back: str, save, history=None):
    """GET shows the form; a valid POST calls `save(cleaned_data)` (a service) and goes back to `back`."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, f"{title}：已保存。")
            return redirect(back)
    return render(
        request, "organization/form.html", {"form": form, "title": title, "back": back, "history": history or []}
    )


# ----------------------------------------------------------------- congresses
def _tree(congresses: list[Congress]) -> list[tuple[Congress, int]]:
    """(congress, depth) in tree order, upper congresses first; a congress whose parent is out of scope is a root."""
    by_parent: dict[int | None, list[Congress]] = {}
    ids = {c.pk for c in congresses}
    for c in congresses:
        by_parent.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
    out: list[tuple[Congress, int]] = []

    def walk(parent_id, depth):
        for c in sorted(by_parent.get(parent_id, []), key=lambda c: (Congress.LEVEL_ORDER.index(c.level), c.pk)):
            out.append((c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return out


@login_required
def congress_list(request):
    _gate(request)
    today = timezone.localdate()
    congresses = list(
        permissions.visible_congresses(request.user)
        .select_related("area")
        .prefetch_related(Prefetch("terms", queryset=Term.objects.prefetch_related("meetings")))
    )
    rows = []
    for congress, depth in _tree(congresses):
        term = congress.current_term(today)
        rows.append(
            {"congress": congress, "depth": depth, "term": term, "state": term.session_state(today) if term else None}
        )
    return render(request, "organization/congress_list.html", {"rows": rows, "today": today})


@login_required
def congress_detail(request, pk: int):
    _gate(request)
    congress = get_object_or_404(
        permissions.visible_congresses(request.user)
        .select_related("area", "parent")
        .prefetch_related(Prefetch("terms", queryset=Term.objects.prefetch_related("meetings"))),
        pk=pk,
    )
    today = timezone.localdate()
    term = congress.current_term(today)
    counts = {
        "units": congress.units.filter(is_active=True).count(),
        "committees": congress.committees.count(),
        "members": congress.committee_members.count(),
        "seats": congress.seats.filter(status="active", term=term).count() if term else 0,
    }
    children = permissions.visible_congresses(request.user).filter(parent=congress)
    return render(
        request,
        "organization/congress_detail.html",
        {
            "congress": congress,
            "terms": congress.terms.all(),
            "current_term": term,
            "state": term.session_state(today) if term else None,
            "today": today,
            "counts": counts,
            "children": children,
            "can_edit": permissions.can_edit(request.user, congress.pk),
            "history": _history(
                congress, Term.objects.filter(congress=congress), Meeting.objects.filter(term__congress=congress)
            ),
        },
    )


@login_required
def term_create(request, congress_pk: int):
    _gate(request)
    congress = get_object_or_404(permissions.visible_congresses(request.user), pk=congress_pk)
    _require_edit(request, congress.pk)
    form = TermForm(request.POST or None, congress=congress)
    return _form_page(
        request,
        form,
        title=f"{congress.name} · 新增届次",
        back=reverse("organization:congress_detail", args=[congress.pk]),
        save=lambda data: services.create_term(actor=request.user, congress=congress, **data),
    )


@login_required
def term_edit(request, pk: int):
    _gate(request)
    term = get_object_or_404(permissions.visible_terms(request.user).select_related("congress"), pk=pk)
    _require_edit(request, term.congress_id)
    form = TermForm(request.POST or None, instance=term, congress=term.congress)
    return _form_page(
        request,
        form,
        title=f"{term.congress.name} · 修改{term}",
        back=reverse("organization:congress_detail", args=[term.congress_id]),
        save=lambda data: services.update_term(Term.objects.get(pk=term.pk), actor=request.user, **data),
        history=_history(term),
    )


@login_required
def meeting_create(request, term_pk: int):
    _gate(request)
    term = get_object_or_404(permissions.visible_terms(request.user).select_related("congress"), pk=term_pk)
    _require_edit(request, term.congress_id)
    last = term.meetings.order_by("-number").first()
    form = MeetingForm(request.POST or None, term=term, initial={"number": (last.number + 1) if last else 1})
    return _form_page(
        request,
        form,
        title=f"{term.congress.name}{term} · 新增会议",
        back=reverse("organization:congress_detail", args=[term.congress_id]),
        save=lambda data: services.create_meeting(actor=request.user, term=term, **data),
    )


@login_required
def meeting_edit(request, pk: int):
    _gate(request)
    meeting = get_object_or_404(permissions.visible_meetings(request.user).select_related("term__congress"), pk=pk)
    congress = meeting.term.congress
    _require_edit(request, congress.pk)
    form = MeetingForm(request.POST or None, instance=meeting, term=meeting.term)
    return _form_page(
        request,
        form,
        title=f"{congress.name} · 修改{meeting}",
        back=reverse("organization:congress_detail", args=[congress.pk]),
        save=lambda data: services.update_meeting(
            Meeting.objects.select_related("term__congress").get(pk=meeting.pk), actor=request.user, **data
        ),
        history=_history(meeting),
    )


# ----------------------------------------------------------------- handling units
def _filtered_units(request):
    qs = permissions.visible_units(request.user).select_related("congress")
    params = request.GET
    if params.get("congress", "").isdigit():
        qs = qs.filter(congress_id=int(params["congress"]))
    if params.get("kind") in HandlingUnit.Kind.values:
        qs = qs.filter(kind=params["kind"])
    if params.get("active") == "1":
        qs = qs.filter(is_active=True)
    elif params.get("active") == "0":
        qs = qs.filter(is_active=False)
    q = params.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(head__icontains=q) | Q(contact_person__icontains=q))
    return qs.order_by("congress_id", "id")


def _xlsx(filename: str, header: list[str], rows) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(header)
    for row in rows:
        # A leading =, +, - or @ would make Excel evaluate the cell: keep it text.
        ws.append([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def unit_list(request):
    _gate(request)
    qs = _filtered_units(request)
    if request.GET.get("export") == "xlsx":
        rows = (
            [u.name, u.get_kind_display(), u.head, u.contact_person, u.contact_phone, "是" if u.is_active else "否",
             str(u.congress)]
            for u in qs
        )  # fmt: skip
        return _xlsx("承办单位.xlsx", ["名称", "类别", "负责人", "联系人", "联系电话", "有效", "所属人大"], rows)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    congresses = list(permissions.visible_congresses(request.user).filter(is_managed=True))
    return render(
        request,
        "organization/unit_list.html",
        {
            "page": page,
            "kinds": HandlingUnit.Kind.choices,
            "congresses": congresses,
            "create_congress": next(
                (
                    c
                    for c in congresses
                    if permissions.can_manage_congress(request.user, c.pk) and c.pk == request.user.congress_id
                ),
                None,
            ),  # fmt: skip
            "editable_ids": _editable_ids(request.user, [u.congress_id for u in page]),
            "export_query": _with(request, export="xlsx"),
        },
    )


def _editable_ids(user, congress_ids) -> set[int]:
    return {cid for cid in set(congress_ids) if permissions.can_edit(user, cid)}


def _with(request, **params) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


@login_required
def unit_create(request, congress_pk: int):
    _gate(request)
    congress = get_object_or_404(permissions.visible_congresses(request.user), pk=congress_pk)
    _require_edit(request, congress.pk)
    form = UnitForm(request.POST or None, congress=congress)
    return _form_page(
        request,
        form,
        title=f"{congress} · 新增承办单位",
        back=reverse("organization:unit_list"),
        save=lambda data: services.create_unit(actor=request.user, congress=congress, **data),
    )


@login_required
def unit_edit(request, pk: int):
    _gate(request)
    unit = get_object_or_404(permissions.visible_units(request.user).select_related("congress"), pk=pk)
    _require_edit(request, unit.congress_id)
    form = UnitForm(request.POST or None, instance=unit, congress=unit.congress)
    return _form_page(
        request,
        form,
        title=f"修改承办单位 · {unit.name}",
        back=reverse("organization:unit_list"),
        save=lambda data: services.update_unit(HandlingUnit.objects.get(pk=unit.pk), actor=request.user, **data),
        history=_history(unit),
    )


# ----------------------------------------------------------------- special committees
@login_required
def committee_list(request):
    _gate(request)
    committees = (
        permissions.visible_committees(request.user)
        .select_related("congress")
        .annotate(user_count=Count("users", distinct=True))
        .order_by("congress_id", "id")
    )
    return render(
        request,
        "organization/committee_list.html",
        {
            "committees": committees,
            "create_congress": permissions.own_editable_congress(request.user),
            "editable_ids": _editable_ids(request.user, [c.congress_id for c in committees]),
        },
    )


@login_required
def committee_create(request, congress_pk: int):
    _gate(request)
    congress = get_object_or_404(permissions.visible_congresses(request.user), pk=congress_pk)
    _require_edit(request, congress.pk)
    form = CommitteeForm(request.POST or None, congress=congress)
    return _form_page(
        request,
        form,
        title=f"{congress} · 新增专门委员会",
        back=reverse("organization:committee_list"),
        save=lambda data: services.create_committee(actor=request.user, congress=congress, **data),
    )


@login_required
def committee_edit(request, pk: int):
    _gate(request)
    committee = get_object_or_404(permissions.visible_committees(request.user).select_related("congress"), pk=pk)
    _require_edit(request, committee.congress_id)
    form = CommitteeForm(request.POST or None, instance=committee, congress=committee.congress)
    return _form_page(
        request,
        form,
        title=f"修改专门委员会 · {committee.name}",
        back=reverse("organization:committee_list"),
        save=lambda data: services.update_committee(
            SpecialCommittee.objects.get(pk=committee.pk), actor=request.user, **data
        ),
        history=_history(committee),
    )


# ----------------------------------------------------------------- standing-committee members
@login_required
def member_list(request):
    _gate(request)
    members = (
        permissions.visible_members(request.user)
        .select_related("congress", "user")
        .prefetch_related("groups")
        .order_by("congress_id", "-is_leader", "id")
    )
    return render(
        request,
        "organization/member_list.html",
        {
            "members": members,
            "create_congress": permissions.own_editable_congress(request.user),
            "editable_ids": _editable_ids(request.user, [m.congress_id for m in members]),
        },
    )


def _member_save(request, congress, member=None):
    def save(data):
        data = dict(data)
        groups = data.pop("groups")
        if member is None:
            return services.create_member(actor=request.user, congress=congress, groups=groups, **data)
        fresh = CommitteeMember.objects.get(pk=member.pk)
        return services.update_member(fresh, actor=request.user, groups=groups, **data)

    return save


@login_required
def member_create(request, congress_pk: int):
    _gate(request)
    congress = get_object_or_404(permissions.visible_congresses(request.user), pk=congress_pk)
    _require_edit(request, congress.pk)
    form = MemberForm(request.POST or None, congress=congress)
    return _form_page(
        request,
        form,
        title=f"{congress} · 新增常委会组成人员",
        back=reverse("organization:member_list"),
        save=_member_save(request, congress),
    )


@login_required
def member_edit(request, pk: int):
    _gate(request)
    member = get_object_or_404(permissions.visible_members(request.user).select_related("congress"), pk=pk)
    _require_edit(request, member.congress_id)
    form = MemberForm(request.POST or None, instance=member, congress=member.congress)
    return _form_page(
        request,
        form,
        title=f"修改常委会组成人员 · {member.name}",
        back=reverse("organization:member_list"),
        save=_member_save(request, member.congress, member),
        history=_history(member),
    )


# ----------------------------------------------------------------- areas
@login_required
def area_list(request):
    _gate(request)
    areas = list(
        permissions.visible_areas(request.user).annotate(congress_count=Count("congresses")).order_by("code", "id")
    )
    ids = {a.pk for a in areas}
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id if area.parent_id in ids else None, []).append(area)
    rows: list[tuple[Area, int]] = []

    def walk(parent_id, depth):
        for area in children.get(parent_id, []):
            rows.append((area, depth))
            walk(area.pk, depth + 1)

    walk(None, 0)
    user = request.user
    return render(
        request,
        "organization/area_list.html",
        {
            "rows": [(a, d, permissions.can_edit_area(user, a)) for a, d in rows],
            "can_create": any(permissions.can_edit_area(user, a) for a, _d in rows),
            "townships": sum(1 for a in areas if a.level == Area.Level.TOWNSHIP),
            "villages": sum(1 for a in areas if a.level == Area.Level.VILLAGE),
        },
    )


def _area_parents(user):
    qs = permissions.visible_areas(user).filter(level__in=[Area.Level.COUNTY, Area.Level.TOWNSHIP])
    kept = permissions.kept_area_ids(user)
    return qs if kept is ALL else qs.filter(pk__in=kept)


@login_required
def area_create(request):
    _gate(request)
    parents = _area_parents(request.user)
    if not parents.exists():
        raise PermissionDenied
    initial = {"level": Area.Level.VILLAGE}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    form = AreaForm(request.POST or None, parents=parents, initial=initial)
    return _form_page(
        request,
        form,
        title="新增行政区划",
        back=reverse("organization:area_list"),
        save=lambda data: services.create_area(actor=request.user, **data),
    )


@login_required
def area_edit(request, pk: int):
    _gate(request)
    area = get_object_or_404(permissions.visible_areas(request.user), pk=pk)
    if not permissions.can_edit_area(request.user, area) or area.level not in (Area.Level.TOWNSHIP, Area.Level.VILLAGE):
        raise PermissionDenied
    form = AreaForm(request.POST or None, instance=area, parents=_area_parents(request.user))
    return _form_page(
        request,
        form,
        title=f"修改行政区划 · {area.name}",
        back=reverse("organization:area_list"),
        save=lambda data: services.update_area(Area.objects.get(pk=area.pk), actor=request.user, **data),
        history=_history(area),
    )
