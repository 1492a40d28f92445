"""Importing the roster from Excel: upload → preview (every row checked, nothing written) → confirm (all rows in one
transaction). The uploaded file waits in storage between the two steps, bound to the user's session."""

from __future__ import annotations

import hashlib
import uuid
from io import BytesIO
from urllib.parse import quote

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.scopes import managed_congresses

from .. import importing, permissions
from ..exporting import XLSX, import_template
from ..filters import filter_options
from ..forms import ImportForm
from .common import require_edit, roster_view

SESSION_KEY = "deputy_import"
MAX_SHOWN_ERRORS = 500


@roster_view
def import_template_download(request):
    townships, groups = filter_options(request.user)
    content = import_template([name for _, name in townships], [name for _, name in groups])
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote("代表名册导入模板.xlsx")
    return response


def _preview(request, form, result, rejected=""):
    return render(
        request,
        "deputies/import.html",
        {
            "form": form,
            "result": result,
            "errors": result.errors[:MAX_SHOWN_ERRORS] if result else [],
            "more_errors": max(0, len(result.errors) - MAX_SHOWN_ERRORS) if result else 0,
            "rejected": rejected,
        },
    )


@roster_view
def import_upload(request):
    """GET: the upload form. POST: check the file (a dry run) and show every problem, or the confirm button."""
    require_edit(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method != "POST" or not form.is_valid():
        return _preview(request, form, None)
    upload, congress = form.cleaned_data["file"], form.cleaned_data["congress"]
    try:
        result = importing.check(upload, congress=congress)
    except importing.ImportRejected as exc:
        return _preview(request, form, None, rejected=str(exc))
    if result.ok:
        upload.seek(0)
        data = upload.read()
        path = default_storage.save(f"deputy-imports/{uuid.uuid4().hex}.xlsx", ContentFile(data))
        _discard(request)
        request.session[SESSION_KEY] = {
            "path": path,
            "sha256": hashlib.sha256(data).hexdigest(),
            "congress": congress.pk,
            "name": upload.name[:100],
        }
    return _preview(request, form, result)


def _discard(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        default_storage.delete(pending["path"])


@roster_view
@require_POST
def import_confirm(request):
    require_edit(request.user)
    pending = request.session.get(SESSION_KEY)
    if not pending or not default_storage.exists(pending["path"]):
        messages.error(request, "没有待确认的导入，请重新上传文件。")
        return redirect("deputies:import")
    congress = managed_congresses(request.user).filter(pk=pending["congress"]).first()
    if congress is None or not permissions.can_edit_roster(request.user):
        _discard(request)
        messages.error(request, "无权导入到该人大。")
        return redirect("deputies:import")
    with default_storage.open(pending["path"], "rb") as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        _discard(request)
        messages.error(request, "待导入的文件已变化，请重新上传。")
        return redirect("deputies:import")
    result = importing.run(BytesIO(data), congress=congress, actor=request.user, filename=pending["name"])
    if not result.ok:
        # The roster changed between preview and confirm (e.g. a group was deleted): show what is wrong now.
        _discard(request)
        return _preview(request, ImportForm(user=request.user), result)
    _discard(request)
    messages.success(request, f"导入完成。{result.summary}。")
    return redirect("deputies:list")
