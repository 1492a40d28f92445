"""Activity groups (代表小组): list, detail (members, convener, liaison, linked standing-committee members, history),
create/edit and adding or removing members."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.masking import mask_phone

from .. import permissions, services
from ..filters import seat_labels, with_summaries
from ..forms import GroupForm, MemberAddForm
from ..models import ActivityGroup, Person
from .common import add_service_errors, history_rows, require_edit, roster_view


class GroupFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=30, help_text="小组名称")
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部")] + ActivityGroup.Kind.choices)

    def filter(self, qs):
        if not self.is_valid():
            return qs
        if self.cleaned_data.get("q"):
            qs = qs.filter(name__icontains=self.cleaned_data["q"].strip())
        if self.cleaned_data.get("kind"):
            qs = qs.filter(kind=self.cleaned_data["kind"])
        return qs


@roster_view
def group_list(request):
    form = GroupFilterForm(request.GET)
    qs = (
        form.filter(permissions.visible_groups(request.user))
        .select_related("congress", "area", "convener", "liaison")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("congress_id", "pk")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "deputies/group_list.html",
        {"form": form, "page": page, "can_edit": permissions.can_edit_roster(request.user)},
    )


def _visible_group(request, pk) -> ActivityGroup:
    return get_object_or_404(
        permissions.visible_groups(request.user).select_related(
            "congress", "area", "convener", "liaison", "liaison_user"
        ),
        pk=pk,
    )


def _editable_group(request, pk) -> ActivityGroup:
    group = _visible_group(request, pk)
    require_edit(request.user)
    if not permissions.can_edit_group(request.user, group):
        raise PermissionDenied("该代表小组由其他人大管理，本单位不能修改")
    return group


@roster_view
def group_detail(request, pk):
    user = request.user
    group = _visible_group(request, pk)
    visible = permissions.visible_persons(user)
    members = with_summaries(Person.objects.filter(memberships__group=group))
    visible_ids = set(visible.filter(memberships__group=group).values_list("pk", flat=True))
    rows = [
        {
            "person": p,
            "levels": seat_labels(p.seat_summary),
            "linked": p.pk in visible_ids,
            # A member outside the viewer's scope is named, but neither linked nor shown with contact data.
            "phone": permissions.person_value(user, p, "phone") if p.pk in visible_ids else mask_phone(p.phone),
            "role": "召集人" if p.pk == group.convener_id else ("联络员" if p.pk == group.liaison_id else ""),
        }
        for p in members.order_by("name_initials", "pk")
    ]
    can_edit = permissions.can_edit_group(user, group)
    return render(
        request,
        "deputies/group_detail.html",
        {
            "group": group,
            "rows": rows,
            "linked_members": list(group.linked_members.all()),
            "history": history_rows(group),
            "can_edit": can_edit,
            "add_form": MemberAddForm(user=user, group=group) if can_edit else None,
        },
    )


@roster_view
def group_create(request):
    require_edit(request.user)
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group(
                actor=request.user, data=form.service_data(), linked_members=form.cleaned_data["linked_members"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已新增代表小组{group.name}。")
            return redirect("deputies:group_detail", pk=group.pk)
    return render(request, "deputies/group_form.html", {"form": form, "group": None})


@roster_view
def group_edit(request, pk):
    group = _editable_group(request, pk)
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(
                group, actor=request.user, data=form.service_data(), linked_members=form.cleaned_data["linked_members"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("deputies:group_detail", pk=group.pk)
    return render(request, "deputies/group_form.html", {"form": form, "group": group})


@roster_view
@require_POST
def group_delete(request, pk):
    group = _editable_group(request, pk)
    try:
        services.delete_group(group, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("deputies:group_detail", pk=group.pk)
    messages.success(request, f"已删除代表小组{group.name}。")
    return redirect("deputies:group_list")


@roster_view
@require_POST
def member_add(request, pk):
    group = _editable_group(request, pk)
    form = MemberAddForm(request.POST, user=request.user, group=group)
    if form.is_valid():
        services.add_member(group, form.cleaned_data["person"], actor=request.user, joined=form.cleaned_data["joined"])
        messages.success(request, f"已将{form.cleaned_data['person'].name}加入本小组。")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("deputies:group_detail", pk=group.pk)


@roster_view
@require_POST
def member_remove(request, pk, person_pk):
    group = _editable_group(request, pk)
    person = get_object_or_404(Person.objects.filter(memberships__group=group), pk=person_pk)
    services.remove_member(group, person, actor=request.user)
    messages.success(request, f"已将{person.name}移出本小组。")
    return redirect("deputies:group_detail", pk=group.pk)
