"""The main flow through the pages, as each person sees it: a deputy drafts on the phone, invites a co-signer who
confirms, submits; staff accept (numbered) and assign; the unit signs, records a contact and answers; the unit head
signs the answer off; the deputy reads and rates it; staff close it."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from suggestions.models import Answer, Assignment, Suggestion


def act(level, pk, name):
    return reverse("suggestions:act", args=[level, pk, name])


def test_a_suggestion_goes_from_the_deputys_phone_to_closed_through_the_pages(world, cast, client, pdf_upload):
    # The deputy drafts on the phone.
    client.force_login(cast.deputy)
    response = client.post(
        reverse("suggestions:draft_create"),
        {
            "title": "关于增设城关小学护学岗的建议",
            "content": "城关小学门前道路上下学高峰拥堵严重，学生过街存在安全隐患，建议增设护学岗和减速带。",
            "category": cast.category.pk,
            "meeting": str(cast.meeting.pk),
        },
    )
    s = Suggestion.objects.get(title="关于增设城关小学护学岗的建议")
    assert response.status_code == 302 and response["Location"] == reverse("suggestions:detail", args=[s.pk])
    page = client.get(response["Location"]).content.decode()
    assert "草稿" in page and "邀请联名代表" in page

    # … finds 王芳 by pinyin initials and invites her.
    page = client.get(reverse("suggestions:cosigners", args=[s.pk]), {"q": "wf"}).content.decode()
    assert "王芳" in page and "赵强" not in page
    client.post(reverse("suggestions:invite", args=[s.pk]), {"person": cast.cosigner.person_id})

    # Submitting before she confirms is refused with the reason (409), nothing changes.
    response = client.post(act("suggestion", s.pk, "submit"))
    assert response.status_code == 409 and "王芳尚未确认" in response.content.decode()
    assert Suggestion.objects.get(pk=s.pk).state == Suggestion.State.DRAFT

    # The co-signer sees the invitation on her home page and confirms.
    client.force_login(cast.cosigner)
    assert "联名邀请" in client.get(reverse("core:home")).content.decode()
    assert "关于增设城关小学护学岗的建议" in client.get(reverse("suggestions:invitations")).content.decode()
    assert client.post(act("suggestion", s.pk, "cosign")).status_code == 302

    client.force_login(cast.deputy)
    client.post(act("suggestion", s.pk, "submit"))
    assert "待审查" in client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()

    # Staff see it in the review queue and accept it: it gets its number.
    client.force_login(cast.staff)
    queue = client.get(reverse("suggestions:review")).content.decode()
    assert "关于增设城关小学护学岗的建议" in queue
    client.post(act("suggestion", s.pk, "accept"), {"note": ""})
    detail = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "第1号" in detail and "已立案" in detail

    # Bulk assignment: lead unit and a co-handler.
    response = client.post(
        reverse("suggestions:assign"),
        {"items": [s.pk], "mode": "lead", "lead_unit": world.unit.pk, "co_units": [world.other_unit.pk]},
    )
    assert response.status_code == 302
    lead = Assignment.objects.get(suggestion=s, unit=world.unit)
    assert lead.role == Assignment.Role.LEAD

    # The unit sees it on its to-do list with its due date, and signs.
    client.force_login(cast.unit_staff)
    todo = client.get(reverse("suggestions:todo")).content.decode()
    assert "关于增设城关小学护学岗的建议" in todo and f"{lead.due_date:%Y-%m-%d}" in todo and "待签收" in todo
    detail = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "13912345678" in detail  # the unit sees the lead deputy's phone to arrange the meeting
    client.post(act("assignment", lead.pk, "sign"))
    assert Assignment.objects.get(pk=lead.pk).state == Assignment.State.HANDLING

    # Contact with the deputy, then the answer with its sealed PDF.
    client.post(
        act("assignment", lead.pk, "record_contact"),
        {"date": timezone.localdate().isoformat(), "form": "meeting", "participants": "李明代表、王科长"},
    )
    response = client.post(
        act("assignment", lead.pk, "answer"),
        {"result_class": "A", "text": "已在城关小学门前增设护学岗两处、减速带三条。", "letter": pdf_upload()},
    )
    assert response.status_code == 302
    answer = Answer.objects.get(assignment=lead)
    assert answer.status == Answer.Status.PENDING_APPROVAL and answer.letter is not None

    # The unit head signs it off from the to-do list.
    client.force_login(cast.unit_head)
    assert "待审核签发的答复" in client.get(reverse("suggestions:todo")).content.decode()
    client.post(act("answer", answer.pk, "approve_answer"), {"note": ""})
    assert Suggestion.objects.get(pk=s.pk).state == Suggestion.State.ANSWERED

    # The deputy reads the answer, sees the rating card, and rates it.
    client.force_login(cast.deputy)
    home = client.get(reverse("core:home")).content.decode()
    assert "待测评的答复" in home and "有 1 件建议已答复" in home
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "增设护学岗两处" in page and "对答复进行测评" in page
    response = client.post(act("suggestion", s.pk, "rate"), {"value": "satisfied", "comment": "落实很快"})
    assert response.status_code == 302
    assert "满意" in client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()

    # Staff close it.
    client.force_login(cast.staff)
    client.post(act("suggestion", s.pk, "close"), {"note": ""})
    detail = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "已办结" in detail
    assert "办结" in detail and "满意度测评" in detail  # on the timeline


def test_an_illegal_action_answers_409_and_a_forbidden_one_403(cast, drive, client):
    s = drive.to("handling")
    lead = drive.lead_assignment(s)
    client.force_login(cast.staff)
    response = client.post(act("suggestion", s.pk, "accept"))
    assert response.status_code == 409 and "办理中" in response.content.decode()

    client.force_login(cast.unit_staff)
    response = client.post(act("suggestion", s.pk, "close"))
    assert response.status_code == 403 and "代表工委工作人员" in response.content.decode()

    client.post(act("assignment", lead.pk, "sign"))
    response = client.post(act("assignment", lead.pk, "sign"))
    assert response.status_code == 409 and "不能签收" in response.content.decode()


def test_form_errors_are_shown_in_chinese_next_to_the_field(cast, drive, client):
    s = drive.to("submitted")
    client.force_login(cast.staff)
    response = client.post(act("suggestion", s.pk, "return_for_revision"), {"reason": ""})
    page = response.content.decode()
    assert response.status_code == 400 and 'class="field-error"' in page and "请填写理由" in page
    assert Suggestion.objects.get(pk=s.pk).state == Suggestion.State.SUBMITTED


def test_an_answer_without_a_sealed_pdf_is_refused_and_nothing_is_saved(cast, drive, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    s = drive.to("signed")
    lead = drive.lead_assignment(s)
    client.force_login(cast.unit_staff)
    fake = SimpleUploadedFile("答复函.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        act("assignment", lead.pk, "answer"), {"result_class": "A", "text": "已办理。", "letter": fake}
    )
    assert response.status_code == 400 and "PDF" in response.content.decode()
    assert not Answer.objects.filter(assignment=lead).exists()
    assert not s.attachments.exists()


def test_only_the_buttons_the_user_may_take_now_are_shown(cast, drive, client):
    s = drive.to("submitted")
    client.force_login(cast.staff)
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert act("suggestion", s.pk, "accept") in page and act("suggestion", s.pk, "close") not in page
    client.force_login(cast.leader)
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert act("suggestion", s.pk, "accept") not in page
