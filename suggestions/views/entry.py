"""代为录入: office staff type in a suggestion a deputy handed in on paper (usually during the session of the congress).
The rules (who may, which deputies, the item entered as submitted with its signed co-signers) are in
suggestions.services.enter_for_deputy; this page collects the form and the scans of the original."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from .. import services
from ..forms import EnterForm
from .common import office_view, problem_page, save_with_files


@office_view
def enter_for_deputy(request):
    user = request.user
    if not user.congress_id:
        return problem_page(request, 403, "您的账号未关联人大，不能代为录入建议")
    form = EnterForm(request.POST or None, request.FILES or None, congress_id=user.congress_id)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        s, problem = save_with_files(
            request,
            form,
            lambda: services.enter_for_deputy(
                actor=user,
                congress=user.congress_id,
                lead_deputy=d["lead_deputy"],
                cosigners=d["cosigners"],
                received_on=d["received_on"],
                meeting=d["meeting"],
                category=d.get("category"),
                title=d["title"],
                content=d["content"],
                disclose=d["disclose"],
                note=d.get("note", ""),
            ),
        )
        if problem:
            return problem
        if s:
            messages.success(request, f"已代{d['lead_deputy'].name}代表录入建议，进入待审查。")
            return redirect("suggestions:detail", pk=s.pk)
    return render(request, "suggestions/enter.html", {"form": form})
