"""The audit log for the auditor (三权分立): search, read and export; nobody else reads the security events.

The auditor role sees every entry; the security administrator sees the security events only (logins, lockouts,
exports, unmasked views) to do their job; the system administrator does not read the audit log at all (GB/T 22239
level 3: audit records are reviewed by an auditor independent of the administrators). Exporting is itself audited."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Role

from . import audit
from .exports import safe_cell
from .models import AuditEntry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 50_000


def audit_scope(user):
    """The audit entries `user` may read, or None when the role never reads the audit log."""
    if not user.is_authenticated:
        return None
    if user.has_role(Role.AUDITOR):
        return AuditEntry.objects.all()
    if user.has_role(Role.SECADMIN):
        return AuditEntry.objects.filter(action__in=audit.SECURITY_ACTIONS)
    return None


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, help_text="操作人、对象或说明")
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部"), *AuditEntry.Action.choices])
    start = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    address = forms.GenericIPAddressField(label="地址", required=False)

    def filter(self, qs):
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["q"]:
            q = data["q"]
            qs = qs.filter(Q(actor_name__icontains=q) | Q(object_repr__icontains=q) | Q(note__icontains=q))
        if data["action"]:
            qs = qs.filter(action=data["action"])
        tz = timezone.get_current_timezone()
        if data["start"]:
            qs = qs.filter(at__gte=dt.datetime.combine(data["start"], dt.time.min, tzinfo=tz))
        if data["end"]:
            qs = qs.filter(at__lt=dt.datetime.combine(data["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
        if data["address"]:
            qs = qs.filter(address=data["address"])
        return qs

    def description(self) -> str:
        if not self.is_valid():
            return "条件有误"
        parts = [f"{self.fields[k].label}：{v}" for k, v in self.cleaned_data.items() if v]
        return "，".join(parts) or "全部"


def _scope_or_403(request):
    if not request.user.is_authenticated:
        return None
    qs = audit_scope(request.user)
    if qs is None:
        raise PermissionDenied("只有审计员可以查看审计日志。")
    return qs


def audit_log(request):
    qs = _scope_or_403(request)
    if qs is None:
        return redirect(settings.LOGIN_URL)
    form = AuditFilterForm(request.GET or None)
    rows = form.filter(qs) if request.GET else qs
    page = Paginator(rows.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form, "page": page, "retention_days": settings.AUDIT_RETENTION_DAYS},
    )


def audit_export(request):
    qs = _scope_or_403(request)
    if qs is None:
        return redirect(settings.LOGIN_URL)
    from openpyxl import Workbook

    form = AuditFilterForm(request.GET or None)
    rows = (form.filter(qs) if request.GET else qs).order_by("-at", "-id")[:EXPORT_LIMIT]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append(["时间", "操作人", "操作", "对象", "说明", "变更", "地址"])
    labels = dict(AuditEntry.Action.choices)
    for e in rows.iterator(chunk_size=2000):
        ws.append(
            [
                safe_cell(timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
                safe_cell(e.actor_name),
                safe_cell(labels.get(e.action, e.action)),
                safe_cell(e.object_repr),
                safe_cell(e.note),
                safe_cell(str(e.changes) if e.changes else ""),
                safe_cell(e.address or ""),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            note=f"导出审计日志，条件：{form.description() if request.GET else '全部'}",
            address=request.META.get("REMOTE_ADDR"),
        )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    filename = f"审计日志-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
