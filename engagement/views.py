"""Staff pages of engagement: one list per kind of work (filter, search, pagination, Excel export, a fixed number of
queries), create forms, and detail pages with their actions. Every object is looked up through
engagement.permissions (404 outside scope); services decide the rules (403, 409, Chinese messages)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.scopes import office_congress_ids
from core.exceptions import IllegalTransition
from core.gates import role_gate
from organization.models import Congress

from . import exports, forms, permissions, services, sources, stats
from .models import (
    ConsultationItem,
    Invitation,
    InvitationReply,
    Notice,
    ReportRequest,
    SpecialReport,
    Topic,
    TopicClaim,
    Visit,
)

PAGE_SIZE = 20
SECTIONS = [
    ("notices", "通知刊物", "engagement:notice_list"),
    ("reports", "部门报告", "engagement:report_list"),
    ("topics", "计划与课题", "engagement:topic_list"),
    ("invitations", "活动邀请", "engagement:invitation_list"),
    ("supervisors", "特邀监督员", "engagement:supervisor_list"),
    ("visits", "走访代表", "engagement:visit_list"),
    ("consultations", "会商清单", "engagement:consultation_list"),
    ("special", "民意直通车", "engagement:special_list"),
]


def _tabs(current: str):
    return [(label, reverse(name), key == current) for key, label, name in SECTIONS]


office_page = role_gate(permissions.can_open_staff_pages, "您的角色无权使用此功能")
office_or_unit_page = role_gate(
    lambda u: permissions.can_open_staff_pages(u) or permissions.is_unit(u), "您的角色无权使用此功能"
)


def _congress(user) -> Congress:
    """The congress a user creates records for: their own (administrators: the first managed county)."""
    if user.congress_id:
        return user.congress
    found = Congress.objects.filter(is_managed=True, level=Congress.Level.COUNTY).first()
    if found is None:
        raise PermissionDenied
    return found


def _require_manage_any(user) -> None:
    if not permissions.can_manage_any(user):
        raise PermissionDenied


def _conflict(request, exc, back: str):
    return render(request, "engagement/conflict.html", {"message": str(exc), "back": back}, status=409)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _list(
    request,
    *,
    section,
    title,
    qs,
    header,
    row,
    export_row=None,
    new_url="",
    figures=None,
    status_field="",
    status_choices=None,
    search=(),
    year_field="",
):
    """A filtered, paginated list with an Excel export. `row(obj)` gives the cells ((text, url) pairs)."""
    form = forms.FilterForm(request.GET or None, status_choices=status_choices)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"] and search:
            cond = Q()
            for field in search:
                cond |= Q(**{f"{field}__icontains": data["q"]})
            qs = qs.filter(cond)
        if data["year"] and year_field:
            qs = qs.filter(**{f"{year_field}__year": data["year"]})
        if data.get("status") and status_field:
            qs = qs.filter(**{status_field: data["status"]})
    if request.GET.get("export") == "xlsx":
        export_row = export_row or (lambda o: [text for text, _ in row(o)])
        return exports.xlsx(request, title, header, (export_row(o) for o in qs))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/list.html",
        {
            "title": title,
            "tabs": _tabs(section),
            "form": form,
            "header": header,
            "page": page,
            "rows": [row(o) for o in page],
            "new_url": new_url,
            "figures": figures or [],
        },
    )


def _form_page(request, title, form, back, section):
    return render(request, "engagement/form.html", {"title": title, "form": form, "back": back, "tabs": _tabs(section)})


def _d(value) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


# --- overview --------------------------------------------------------------------------------------------------


@office_page
def overview(request):
    scope = office_congress_ids(request.user)
    today = timezone.localdate()
    congress = _congress(request.user)
    cov = stats.coverage(congress.pk, today.year)
    requests = permissions.visible_report_requests(request.user)
    figures = [
        ("重要通知未读人次", services.unread_important(scope), "已发布的重要通知中尚未阅读的回执数"),
        (
            "待报送部门报告",
            requests.filter(status__in=[ReportRequest.Status.PENDING, ReportRequest.Status.RETURNED]).count(),
            "待报送及退回修改",
        ),
        ("近期活动邀请", permissions.visible_invitations(request.user).filter(date__gte=today).count(), "今天及以后"),
        (
            f"{today.year}年走访覆盖率",
            f"{cov.rate}%" if cov.rate is not None else "—",
            f"走访到的本级在任代表 {cov.reached} / {cov.deputies}",
        ),
    ]
    return render(request, "engagement/overview.html", {"tabs": _tabs(""), "figures": figures, "title": "联系代表"})


# --- notices ---------------------------------------------------------------------------------------------------


@office_page
def notice_list(request):
    qs = stats.annotate_receipts(permissions.visible_notices(request.user).select_related("congress")).order_by(
        "-published_at", "-id"
    )

    def row(n):
        return [
            (n.title, reverse("engagement:notice_detail", args=[n.pk])),
            (n.get_kind_display(), ""),
            ("重要" if n.important else "", ""),
            (str(n.congress), ""),
            (n.published_at.strftime("%Y-%m-%d %H:%M") if n.published_at else "—", ""),
            (str(n.reached), ""),
            (str(n.read), ""),
            (str(n.reached - n.read), ""),
        ]

    return _list(
        request,
        section="notices",
        title="通知刊物",
        qs=qs,
        row=row,
        search=("title",),
        year_field="published_at",
        header=["标题", "类别", "重要", "发布单位", "发布时间", "送达", "已读", "未读"],
        status_field="kind",
        status_choices=Notice.Kind.choices,
        new_url=reverse("engagement:notice_new") if permissions.can_manage_any(request.user) else "",
    )


@office_page
def notice_new(request):
    _require_manage_any(request.user)
    form = forms.NoticeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            notice = services.publish_notice(
                actor=request.user,
                congress=_congress(request.user),
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                important=d["important"],
                reach=d["reach"],
                townships=d["townships"],
                groups=d["groups"],
                attachment=d["attachment"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已发布，送达{notice.receipts.count()}名代表。")
            return redirect("engagement:notice_detail", notice.pk)
    return _form_page(request, "发布通知刊物", form, reverse("engagement:notice_list"), "notices")


@office_page
def notice_detail(request, pk):
    notice = get_object_or_404(permissions.visible_notices(request.user).select_related("congress"), pk=pk)
    receipts = list(notice.receipts.select_related("person").order_by("read_at", "person__name_initials"))
    read = sum(1 for r in receipts if r.read_at)
    return render(
        request,
        "engagement/detail.html",
        {
            "title": notice.title,
            "tabs": _tabs("notices"),
            "body": notice.body,
            "fields": [
                ("类别", notice.get_kind_display(), ""),
                ("重要", "是" if notice.important else "否", ""),
                ("发布", _d(notice.published_at), ""),
                ("送达 / 已读 / 未读", f"{len(receipts)} / {read} / {len(receipts) - read}", ""),
                (
                    "附件",
                    "下载" if notice.attachment else "—",
                    reverse("engagement:file", args=["notice", notice.pk]) if notice.attachment else "",
                ),
            ],
            "tables": [
                {
                    "title": "阅读回执",
                    "headers": ["代表", "阅读时间"],
                    "rows": [
                        [(r.person.name, ""), (r.read_at.strftime("%Y-%m-%d %H:%M") if r.read_at else "未读", "")]
                        for r in receipts
                    ],
                }
            ],
        },
    )


# --- department reports ----------------------------------------------------------------------------------------


@office_or_unit_page
def report_list(request):
    user = request.user
    qs = (
        permissions.visible_report_requests(user)
        .select_related("round", "unit")
        .order_by("-round__due_date", "round_id", "unit_id")
    )

    def row(r):
        return [
            (r.round.title, reverse("engagement:round_detail", args=[r.round_id])),
            (r.round.period, ""),
            (r.unit.name, ""),
            (_d(r.round.due_date), ""),
            (r.get_status_display(), ""),
            (_d(r.submitted_at), ""),
        ]

    return _list(
        request,
        section="reports",
        title="部门工作报告",
        qs=qs,
        row=row,
        search=("round__title", "unit__name"),
        year_field="round__due_date",
        header=["报告", "报告期", "单位", "截止", "状态", "报送时间"],
        status_field="status",
        status_choices=ReportRequest.Status.choices,
        new_url=reverse("engagement:round_new") if permissions.can_manage_any(user) else "",
    )


@office_page
def round_new(request):
    _require_manage_any(request.user)
    congress = _congress(request.user)
    form = forms.RoundForm(request.POST or None, user=request.user, congress=congress)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.create_report_round(actor=request.user, congress=congress, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("engagement:round_detail", rnd.pk)
    return _form_page(request, "要求部门报送工作报告", form, reverse("engagement:report_list"), "reports")


@office_or_unit_page
def round_detail(request, pk):
    user = request.user
    rnd = get_object_or_404(permissions.visible_rounds(user), pk=pk)
    reqs = list(permissions.visible_report_requests(user).filter(round=rnd).select_related("unit"))
    manage = permissions.can_manage(user, rnd.congress_id)
    actions = []
    back = reverse("engagement:round_detail", args=[pk])
    for req in reqs:
        if (
            permissions.is_unit(user)
            and req.unit_id == user.unit_id
            and req.status in (ReportRequest.Status.PENDING, ReportRequest.Status.RETURNED)
        ):
            actions.append(
                {
                    "title": f"报送：{req.unit}",
                    "url": reverse("engagement:report_submit", args=[req.pk]),
                    "form": forms.SubmitReportForm(),
                    "button": "报送",
                    "multipart": True,
                }
            )
        if manage and req.status == ReportRequest.Status.SUBMITTED:
            actions.append(
                {
                    "title": f"审核：{req.unit}",
                    "url": reverse("engagement:report_review", args=[req.pk]),
                    "form": forms.ReviewForm(initial={"request_id": req.pk}),
                    "button": "提交",
                    "hide": ["request_id"],
                }
            )
    if manage and not rnd.bundle_id:
        actions.append(
            {
                "title": "汇编已采用的报告并发送全体代表",
                "url": reverse("engagement:round_distribute", args=[pk]),
                "form": None,
                "button": "汇编发送",
            }
        )
    return render(
        request,
        "engagement/detail.html",
        {
            "title": rnd.title,
            "tabs": _tabs("reports"),
            "body": rnd.instructions,
            "back": back,
            "fields": [
                ("报告期", rnd.period, ""),
                ("截止日期", _d(rnd.due_date), ""),
                (
                    "汇编",
                    str(rnd.bundle) if rnd.bundle_id else "未发送",
                    reverse("engagement:notice_detail", args=[rnd.bundle_id]) if rnd.bundle_id else "",
                ),
            ],
            "tables": [
                {
                    "title": "各单位报送情况",
                    "headers": ["单位", "状态", "报送时间", "摘要", "意见"],
                    "rows": [
                        [
                            (r.unit.name, ""),
                            (r.get_status_display(), ""),
                            (_d(r.submitted_at), ""),
                            (r.content[:60], reverse("engagement:file", args=["report", r.pk]) if r.file else ""),
                            (r.note, ""),
                        ]
                        for r in reqs
                    ],
                }
            ],
            "actions": actions,
        },
    )


def _run(request, back, fn, *args, ok="已保存。", **kwargs):
    try:
        fn(*args, **kwargs)
    except IllegalTransition as exc:
        return _conflict(request, exc, back)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, ok)
    return redirect(back)


def _post_only(request):
    if request.method != "POST":
        raise PermissionDenied


@office_or_unit_page
def report_submit(request, pk):
    _post_only(request)
    req = get_object_or_404(permissions.visible_report_requests(request.user), pk=pk)
    form = forms.SubmitReportForm(request.POST, request.FILES)
    form.is_valid()
    back = reverse("engagement:round_detail", args=[req.round_id])
    return _run(
        request,
        back,
        services.submit_report,
        req,
        actor=request.user,
        content=form.cleaned_data.get("content", ""),
        file=form.cleaned_data.get("file"),
        ok="已报送。",
    )


@office_page
def report_review(request, pk):
    _post_only(request)
    req = get_object_or_404(permissions.visible_report_requests(request.user), pk=pk)
    back = reverse("engagement:round_detail", args=[req.round_id])
    return _run(
        request,
        back,
        services.review_report,
        req,
        actor=request.user,
        accept=request.POST.get("decision") == "accept",
        note=request.POST.get("note", ""),
    )


@office_page
def round_distribute(request, pk):
    _post_only(request)
    rnd = get_object_or_404(permissions.visible_rounds(request.user), pk=pk)
    return _run(
        request,
        reverse("engagement:round_detail", args=[pk]),
        services.distribute_round,
        rnd,
        actor=request.user,
        ok="汇编已发送全体代表。",
    )


# --- plans and topics ------------------------------------------------------------------------------------------


@office_page
def topic_list(request):
    qs = (
        permissions.visible_topics(request.user)
        .select_related("plan", "committee")
        .annotate(
            claims_n=Count("claims", distinct=True),
            done_n=Count("claims", filter=Q(claims__status=TopicClaim.Status.DONE), distinct=True),
        )
        .order_by("-plan__year", "plan_id", "id")
    )

    def row(t):
        return [
            (t.title, reverse("engagement:topic_detail", args=[t.pk])),
            (t.get_kind_display(), ""),
            (t.plan.title, ""),
            (str(t.plan.year), ""),
            (str(t.committee or "—"), ""),
            (str(t.claims_n), ""),
            (str(t.done_n), ""),
        ]

    manage = permissions.can_manage_any(request.user)
    return _list(
        request,
        section="topics",
        title="工作计划与课题",
        qs=qs,
        row=row,
        search=("title", "plan__title"),
        header=["课题", "类别", "工作计划", "年度", "牵头委员会", "认领", "已交成果"],
        status_field="kind",
        status_choices=Topic.Kind.choices,
        new_url=reverse("engagement:plan_new") if manage else "",
    )


@office_page
def plan_new(request):
    _require_manage_any(request.user)
    form = forms.PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        plan = services.create_plan(actor=request.user, congress=_congress(request.user), **form.cleaned_data)
        messages.success(request, "工作计划已建立，请添加课题。")
        return redirect("engagement:plan_detail", plan.pk)
    return _form_page(request, "新建工作计划", form, reverse("engagement:topic_list"), "topics")


@office_page
def plan_detail(request, pk):
    plan = get_object_or_404(permissions.visible_plans(request.user), pk=pk)
    topics = list(plan.topics.all())
    actions = []
    if permissions.can_manage(request.user, plan.congress_id):
        actions.append(
            {
                "title": "添加课题",
                "url": reverse("engagement:topic_add", args=[pk]),
                "form": forms.TopicForm(),
                "button": "添加",
            }
        )
    return render(
        request,
        "engagement/detail.html",
        {
            "title": plan.title,
            "tabs": _tabs("topics"),
            "fields": [("年度", plan.year, "")],
            "tables": [
                {
                    "title": "课题",
                    "headers": ["课题", "类别", "期限"],
                    "rows": [
                        [
                            (t.title, reverse("engagement:topic_detail", args=[t.pk])),
                            (t.get_kind_display(), ""),
                            (_d(t.due_date), ""),
                        ]
                        for t in topics
                    ],
                }
            ],
            "actions": actions,
        },
    )


@office_page
def topic_add(request, pk):
    _post_only(request)
    plan = get_object_or_404(permissions.visible_plans(request.user), pk=pk)
    form = forms.TopicForm(request.POST)
    back = reverse("engagement:plan_detail", args=[pk])
    if not form.is_valid():
        messages.error(request, "请填写课题名称和类别。")
        return redirect(back)
    return _run(request, back, services.add_topic, plan, actor=request.user, **form.cleaned_data)


@office_page
def topic_detail(request, pk):
    topic = get_object_or_404(permissions.visible_topics(request.user).select_related("plan"), pk=pk)
    claims = list(topic.claims.select_related("group", "township").order_by("id"))
    actions = []
    if permissions.can_manage(request.user, topic.plan.congress_id):
        actions.append(
            {
                "title": "登记认领",
                "url": reverse("engagement:topic_claim", args=[pk]),
                "form": forms.ClaimForm(user=request.user),
                "button": "认领",
            }
        )
        for c in claims:
            if c.status == TopicClaim.Status.CLAIMED:
                actions.append(
                    {
                        "title": f"提交成果：{c.group or c.township}",
                        "url": reverse("engagement:claim_complete", args=[c.pk]),
                        "form": forms.CompleteClaimForm(),
                        "button": "提交成果",
                    }
                )
    return render(
        request,
        "engagement/detail.html",
        {
            "title": topic.title,
            "tabs": _tabs("topics"),
            "body": topic.description,
            "fields": [
                ("工作计划", topic.plan.title, reverse("engagement:plan_detail", args=[topic.plan_id])),
                ("类别", topic.get_kind_display(), ""),
                ("期限", _d(topic.due_date), ""),
            ],
            "tables": [
                {
                    "title": "认领情况",
                    "headers": ["认领方", "状态", "完成日期", "成果"],
                    "rows": [
                        [
                            (str(c.group or c.township), ""),
                            (c.get_status_display(), ""),
                            (_d(c.finished_on), ""),
                            (c.result[:80], ""),
                        ]
                        for c in claims
                    ],
                }
            ],
            "actions": actions,
        },
    )


@office_page
def topic_claim(request, pk):
    _post_only(request)
    topic = get_object_or_404(permissions.visible_topics(request.user).select_related("plan"), pk=pk)
    form = forms.ClaimForm(request.POST, user=request.user)
    form.is_valid()
    d = form.cleaned_data
    return _run(
        request,
        reverse("engagement:topic_detail", args=[pk]),
        services.claim_topic,
        topic,
        actor=request.user,
        group=d.get("group"),
        township=d.get("township"),
        ok="已登记认领。",
    )


@office_page
def claim_complete(request, pk):
    _post_only(request)
    claim = get_object_or_404(permissions.visible_claims(request.user), pk=pk)
    form = forms.CompleteClaimForm(request.POST)
    back = reverse("engagement:topic_detail", args=[claim.topic_id])
    if not form.is_valid():
        messages.error(request, "请填写课题成果和完成日期。")
        return redirect(back)
    return _run(
        request,
        back,
        services.complete_claim,
        claim,
        actor=request.user,
        ok="成果已提交，参加代表已记入履职档案。",
        **form.cleaned_data,
    )


# --- invitations -----------------------------------------------------------------------------------------------


@office_page
def invitation_list(request):
    qs = (
        permissions.visible_invitations(request.user)
        .select_related("congress")
        .annotate(
            invited=Count("replies"),
            accepted=Count("replies", filter=Q(replies__answer=InvitationReply.Answer.ACCEPTED)),
            attended=Count("replies", filter=Q(replies__attended=True)),
        )
        .order_by("-date", "-id")
    )

    def row(i):
        return [
            (i.title, reverse("engagement:invitation_detail", args=[i.pk])),
            (i.get_kind_display(), ""),
            (_d(i.date), ""),
            (i.place, ""),
            (str(i.invited), ""),
            (str(i.accepted), ""),
            (str(i.attended), ""),
        ]

    return _list(
        request,
        section="invitations",
        title="活动邀请",
        qs=qs,
        row=row,
        search=("title", "place"),
        year_field="date",
        header=["活动", "类别", "日期", "地点", "邀请", "报名", "出席"],
        status_field="kind",
        status_choices=Invitation.Kind.choices,
        new_url=reverse("engagement:invitation_new") if permissions.can_manage_any(request.user) else "",
    )


@office_page
def invitation_new(request):
    _require_manage_any(request.user)
    form = forms.InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        groups, persons = d.pop("groups"), list(d.pop("persons"))
        from deputies.models import Person

        persons += [p for p in Person.objects.filter(memberships__group__in=groups).distinct() if p not in persons]
        try:
            inv = services.create_invitation(actor=request.user, congress=_congress(request.user), persons=persons, **d)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("engagement:invitation_detail", inv.pk)
    return _form_page(request, "发出活动邀请", form, reverse("engagement:invitation_list"), "invitations")


@office_page
def invitation_detail(request, pk):
    inv = get_object_or_404(permissions.visible_invitations(request.user), pk=pk)
    replies = list(inv.replies.select_related("person").order_by("person__name_initials"))
    manage = permissions.can_manage(request.user, inv.congress_id)
    held = inv.date <= timezone.localdate()

    def mark(r):
        if not (manage and held):
            return ("", "")
        return (
            "登记出席" if r.attended is not True else "改为缺席",
            reverse("engagement:attendance", args=[r.pk, "absent" if r.attended else "present"]),
        )

    return render(
        request,
        "engagement/detail.html",
        {
            "title": inv.title,
            "tabs": _tabs("invitations"),
            "body": inv.content,
            "fields": [
                ("类别", inv.get_kind_display(), ""),
                ("日期", _d(inv.date), ""),
                ("地点", inv.place or "—", ""),
                ("时长", inv.hours or "—", ""),
                ("报名截止", _d(inv.reply_by), ""),
            ],
            "tables": [
                {
                    "title": "邀请代表",
                    "headers": ["代表", "答复", "原因", "出席", "操作"],
                    "post_last": True,
                    "rows": [
                        [
                            (r.person.name, ""),
                            (r.get_answer_display(), ""),
                            (r.reason, ""),
                            ({True: "出席", False: "缺席"}.get(r.attended, "—"), ""),
                            mark(r),
                        ]
                        for r in replies
                    ],
                }
            ],
        },
    )


@office_page
def attendance(request, pk, value):
    _post_only(request)
    reply = get_object_or_404(permissions.visible_replies(request.user).select_related("invitation", "person"), pk=pk)
    return _run(
        request,
        reverse("engagement:invitation_detail", args=[reply.invitation_id]),
        services.record_attendance,
        reply,
        actor=request.user,
        attended=value == "present",
        ok="已登记，出席记入履职档案。",
    )


# --- special supervisors and visits ----------------------------------------------------------------------------


@office_page
def supervisor_list(request):
    qs = (
        permissions.visible_supervisors(request.user)
        .select_related("person", "unit")
        .order_by("unit_id", "start", "id")
    )

    def row(s):
        today = timezone.localdate()
        active = s.start <= today and (s.end is None or s.end >= today)
        return [
            (s.person.name, ""),
            (s.unit.name, ""),
            (_d(s.start), ""),
            (_d(s.end), ""),
            ("在聘" if active else "期满", ""),
            (s.note, ""),
        ]

    return _list(
        request,
        section="supervisors",
        title="特邀监督员",
        qs=qs,
        row=row,
        search=("person__name", "unit__name"),
        year_field="start",
        header=["代表", "聘任单位", "聘期开始", "聘期结束", "状态", "备注"],
        new_url=reverse("engagement:supervisor_new") if permissions.can_manage_any(request.user) else "",
    )


@office_page
def supervisor_new(request):
    _require_manage_any(request.user)
    congress = _congress(request.user)
    form = forms.SupervisorForm(request.POST or None, user=request.user, congress=congress)
    if request.method == "POST" and form.is_valid():
        try:
            services.appoint_supervisor(actor=request.user, congress=congress, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("engagement:supervisor_list")
    return _form_page(request, "登记特邀监督员", form, reverse("engagement:supervisor_list"), "supervisors")


@office_page
def visit_list(request):
    qs = (
        permissions.visible_visits(request.user)
        .select_related("member", "group")
        .annotate(n=Count("persons"))
        .order_by("-date", "-id")
    )

    def row(v):
        return [
            (v.member.name, ""),
            (_d(v.date), ""),
            (v.get_way_display(), ""),
            (str(v.group or "—"), ""),
            (str(v.n), ""),
            (v.content[:60], ""),
        ]

    return _list(
        request,
        section="visits",
        title="走访代表",
        qs=qs,
        row=row,
        search=("member__name", "content"),
        year_field="date",
        header=["常委会组成人员", "日期", "方式", "代表小组", "走访代表数", "情况"],
        status_field="way",
        status_choices=Visit.Way.choices,
        new_url=reverse("engagement:visit_new"),
        figures=[("走访覆盖", "查看", reverse("engagement:coverage"))],
    )


@office_page
def visit_new(request):
    congress = _congress(request.user)
    form = forms.VisitForm(request.POST or None, user=request.user, congress=congress)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_visit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("engagement:visit_list")
    return _form_page(request, "登记走访", form, reverse("engagement:visit_list"), "visits")


@office_page
def coverage(request):
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else timezone.localdate().year
    cov = stats.coverage(_congress(request.user).pk, year)
    return render(
        request, "engagement/coverage.html", {"cov": cov, "tabs": _tabs("visits"), "title": f"{year}年走访覆盖"}
    )


# --- 会商 and 民意直通车 ----------------------------------------------------------------------------------------


@office_or_unit_page
def consultation_list(request):
    qs = (
        permissions.visible_consultations(request.user)
        .select_related("deputy", "suggestion")
        .order_by("-created_at", "-id")
    )

    def row(c):
        return [
            (c.title, reverse("engagement:consultation_detail", args=[c.pk])),
            (c.source_label, sources.url(c.source_kind, c.source_id)),
            (c.deputy.name if c.deputy_id else "—", ""),
            (c.get_status_display(), ""),
            (_d(c.meeting_date), ""),
            (f"建议#{c.suggestion_id}" if c.suggestion_id else "", ""),
        ]

    return _list(
        request,
        section="consultations",
        title="会商清单",
        qs=qs,
        row=row,
        search=("title", "content"),
        year_field="created_at",
        header=["事项", "来源", "提出代表", "状态", "会商日期", "转为建议"],
        status_field="status",
        status_choices=ConsultationItem.Status.choices,
        new_url=reverse("engagement:consultation_new") if permissions.can_manage_any(request.user) else "",
    )


@office_page
def consultation_new(request):
    _require_manage_any(request.user)
    congress = _congress(request.user)
    form = forms.ConsultationForm(request.POST or None, user=request.user, congress=congress)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_consultation(actor=request.user, congress=congress, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("engagement:consultation_detail", item.pk)
    return _form_page(request, "列入会商清单", form, reverse("engagement:consultation_list"), "consultations")


@office_or_unit_page
def consultation_detail(request, pk):
    item = get_object_or_404(permissions.visible_consultations(request.user).select_related("deputy"), pk=pk)
    actions = []
    if permissions.can_manage(request.user, item.congress_id):
        url = lambda a: reverse("engagement:consultation_action", args=[pk, a])  # noqa: E731
        if item.status == ConsultationItem.Status.LISTED:
            actions.append({"title": "记录会商", "url": url("consult"), "form": forms.ConsultForm(), "button": "保存"})
        if item.status == ConsultationItem.Status.CONSULTED:
            actions.append({"title": "记录落实", "url": url("complete"), "form": forms.OutcomeForm(), "button": "办结"})
        if not item.suggestion_id and item.deputy_id:
            actions.append(
                {"title": "以提出代表名义转为建议草稿", "url": url("suggestion"), "form": None, "button": "转为建议"}
            )
    return render(
        request,
        "engagement/detail.html",
        {
            "title": item.title,
            "tabs": _tabs("consultations"),
            "body": item.content,
            "fields": [
                ("来源", item.source_label, sources.url(item.source_kind, item.source_id)),
                ("提出代表", item.deputy or "—", ""),
                ("会商单位", "、".join(u.name for u in item.units.all()), ""),
                ("状态", item.get_status_display(), ""),
                ("会商日期", _d(item.meeting_date), ""),
                ("参加人员", item.attendees or "—", ""),
                ("会商结果", item.agreed or "—", ""),
                ("落实情况", item.outcome or "—", ""),
                (
                    "转为建议",
                    f"#{item.suggestion_id}" if item.suggestion_id else "—",
                    reverse("suggestions:detail", args=[item.suggestion_id]) if item.suggestion_id else "",
                ),
            ],
            "actions": actions,
        },
    )


@office_page
def consultation_action(request, pk, action):
    _post_only(request)
    item = get_object_or_404(permissions.visible_consultations(request.user), pk=pk)
    back = reverse("engagement:consultation_detail", args=[pk])
    if action == "consult":
        form = forms.ConsultForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写会商日期、参加人员和结果。")
            return redirect(back)
        return _run(request, back, services.record_consultation, item, actor=request.user, **form.cleaned_data)
    if action == "complete":
        return _run(
            request,
            back,
            services.complete_consultation,
            item,
            actor=request.user,
            outcome=request.POST.get("outcome", ""),
        )
    if action == "suggestion":
        return _run(
            request,
            back,
            services.consultation_to_suggestion,
            item,
            actor=request.user,
            ok="已转为建议草稿，请提出代表修改后提交。",
        )
    raise PermissionDenied


@office_page
def special_list(request):
    qs = (
        permissions.visible_special_reports(request.user)
        .annotate(n=Count("sources"))
        .order_by("-year", "-number", "-id")
    )

    def row(r):
        return [
            (r.label.strip(), ""),
            (r.title, reverse("engagement:special_detail", args=[r.pk])),
            (r.get_status_display(), ""),
            (_d(r.sent_at), ""),
            (r.instructed_by or "—", ""),
            (str(r.n), ""),
        ]

    return _list(
        request,
        section="special",
        title="民意直通车",
        qs=qs,
        row=row,
        search=("title", "content"),
        header=["期号", "标题", "状态", "报送时间", "批示领导", "关联来源"],
        status_field="status",
        status_choices=SpecialReport.Status.choices,
        new_url=reverse("engagement:special_new") if permissions.can_manage_any(request.user) else "",
    )


@office_page
def special_new(request):
    _require_manage_any(request.user)
    form = forms.SpecialReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = services.create_special_report(
            actor=request.user, congress=_congress(request.user), **form.cleaned_data
        )
        return redirect("engagement:special_detail", report.pk)
    return _form_page(request, "编写民意直通车专报", form, reverse("engagement:special_list"), "special")


@office_page
def special_detail(request, pk):
    report = get_object_or_404(permissions.visible_special_reports(request.user), pk=pk)
    srcs = list(report.sources.all())
    actions = []
    if permissions.can_manage(request.user, report.congress_id):
        url = lambda a: reverse("engagement:special_action", args=[pk, a])  # noqa: E731
        S = SpecialReport.Status
        if report.status == S.DRAFT:
            actions += [
                {"title": "关联来源", "url": url("source"), "form": forms.SourceForm(), "button": "关联"},
                {"title": "报送领导（编号）", "url": url("send"), "form": forms.SendForm(), "button": "报送"},
            ]
        elif report.status == S.SENT:
            actions.append(
                {"title": "记录领导批示", "url": url("instruct"), "form": forms.InstructionForm(), "button": "保存"}
            )
        elif report.status == S.INSTRUCTED:
            actions.append(
                {"title": "记录落实情况", "url": url("close"), "form": forms.FollowUpForm(), "button": "办结"}
            )
    return render(
        request,
        "engagement/detail.html",
        {
            "title": f"{report.label}{report.title}",
            "tabs": _tabs("special"),
            "body": report.content,
            "fields": [
                ("状态", report.get_status_display(), ""),
                ("报送对象", report.sent_to or "—", ""),
                ("报送时间", _d(report.sent_at), ""),
                ("批示领导", report.instructed_by or "—", ""),
                ("批示", report.instruction or "—", ""),
                ("落实情况", report.follow_up or "—", ""),
            ],
            "tables": [
                {
                    "title": "所依据的事项",
                    "headers": ["类别", "事项"],
                    "rows": [
                        [
                            (sources.kind_label(s.source_kind), ""),
                            (s.source_label, sources.url(s.source_kind, s.source_id)),
                        ]
                        for s in srcs
                    ],
                }
            ],
            "actions": actions,
        },
    )


@office_page
def special_action(request, pk, action):
    _post_only(request)
    report = get_object_or_404(permissions.visible_special_reports(request.user), pk=pk)
    back = reverse("engagement:special_detail", args=[pk])
    p = request.POST
    if action == "source":
        oid = p.get("object_id", "")
        return _run(
            request,
            back,
            services.add_report_source,
            report,
            actor=request.user,
            kind=p.get("kind", ""),
            object_id=int(oid) if oid.isdigit() else None,
            label=p.get("label", ""),
        )
    if action == "send":
        return _run(
            request,
            back,
            services.send_special_report,
            report,
            actor=request.user,
            sent_to=p.get("sent_to", ""),
            ok="已报送。",
        )
    if action == "instruct":
        return _run(
            request,
            back,
            services.record_instruction,
            report,
            actor=request.user,
            instructed_by=p.get("instructed_by", ""),
            instruction=p.get("instruction", ""),
        )
    if action == "close":
        return _run(
            request, back, services.close_special_report, report, actor=request.user, follow_up=p.get("follow_up", "")
        )
    raise PermissionDenied


FILES = {
    "notice": (permissions.visible_notices, "attachment"),
    "report": (permissions.visible_report_requests, "file"),
    "topic": (permissions.visible_claims, "result_file"),
}


def engagement_file(request, kind: str, pk: int):
    """A notice's attachment, a department's report file or a claimed topic's result, served only to users who see
    the record (404 otherwise) — uploads are never public media URLs."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import FileResponse, Http404

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if kind not in FILES:
        raise Http404
    visible, field_name = FILES[kind]
    field = getattr(get_object_or_404(visible(request.user), pk=pk), field_name)
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1])
