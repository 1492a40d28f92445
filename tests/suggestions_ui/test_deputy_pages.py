"""The deputy's phone pages: the draft form's errors, attachments, editing a returned item, invitations."""

from __future__ import annotations

from django.urls import reverse

from suggestions import services
from suggestions.models import Attachment, Suggestion


def test_the_draft_form_explains_its_errors_in_chinese_next_to_the_fields(cast, client):
    client.force_login(cast.deputy)
    response = client.post(reverse("suggestions:draft_create"), {"title": "", "content": "太短", "meeting": "recess"})
    page = response.content.decode()
    assert response.status_code == 200 and "请填写标题" in page and "建议内容过短" in page
    assert not Suggestion.objects.exists()


def test_a_draft_with_attachments_and_only_its_deputy_may_download_them(cast, client, pdf_upload):
    client.force_login(cast.deputy)
    client.post(
        reverse("suggestions:draft_create"),
        {
            "title": "关于完善农村饮水工程的建议",
            "content": "部分村组饮水管网老化，夏季供水不足，建议列入明年水利项目统筹改造。",
            "meeting": "recess",
            "files": [pdf_upload("调研报告.pdf")],
        },
    )
    s = Suggestion.objects.get()
    assert s.meeting_id is None
    att = Attachment.objects.get(suggestion=s)
    assert att.name == "调研报告.pdf" and att.kind == Attachment.Kind.MATERIAL
    assert "调研报告.pdf" in client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert client.get(reverse("suggestions:attachment", args=[att.pk])).status_code == 200
    client.force_login(cast.other_deputy)
    assert client.get(reverse("suggestions:attachment", args=[att.pk])).status_code == 404


def test_a_returned_suggestion_is_edited_and_resubmitted_by_its_deputy(cast, drive, client):
    s = drive.to("submitted")
    services.return_for_revision(s, actor=cast.staff, reason="请补充具体路段")
    client.force_login(cast.deputy)
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "退回修改" in page and "修改内容" in page
    client.post(
        reverse("suggestions:draft_edit", args=[s.pk]),
        {
            "title": s.title,
            "content": "城关小学门前人民路与解放路交叉口高峰拥堵，建议增设护学岗和减速带。",
            "category": cast.category.pk,
            "meeting": str(cast.meeting.pk),
        },
    )
    assert "人民路" in Suggestion.objects.get(pk=s.pk).content
    client.post(reverse("suggestions:act", args=["suggestion", s.pk, "submit"]))
    assert Suggestion.objects.get(pk=s.pk).state == Suggestion.State.SUBMITTED
    assert client.get(reverse("suggestions:draft_edit", args=[s.pk])).status_code == 409


def test_inviting_oneself_or_a_non_deputy_is_not_offered(cast, drive, client):
    s = drive.draft()
    client.force_login(cast.deputy)
    page = client.get(reverse("suggestions:cosigners", args=[s.pk]), {"q": "李明"}).content.decode()
    assert "没有找到" in page
