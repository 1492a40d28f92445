"""Each role sees only its own items, in lists, details, files and documents."""

from __future__ import annotations

from django.urls import reverse

from suggestions.models import Attachment


def test_a_unit_sees_only_its_own_to_do_items(world, cast, drive, client):
    mine = drive.to("handling", title="关于城关小学扩建的建议")
    theirs = drive.to("handling", title="关于公交线路调整的建议", unit=world.other_unit)
    client.force_login(cast.unit_staff)
    page = client.get(reverse("suggestions:todo")).content.decode()
    assert mine.title in page and theirs.title not in page


def test_a_unit_gets_404_for_another_units_suggestion_and_its_files(world, cast, drive, client, pdf_upload):
    theirs = drive.to("signed", title="关于公交线路调整的建议", unit=world.other_unit)
    from suggestions import services

    att = services.store_attachment(
        theirs,
        pdf_upload(),
        actor=cast.other_unit_staff,
        kind=Attachment.Kind.CONTACT_EVIDENCE,
        assignment=drive.lead_assignment(theirs, world.other_unit),
    )
    client.force_login(cast.unit_staff)
    assert client.get(reverse("suggestions:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("suggestions:attachment", args=[att.pk])).status_code == 404
    client.force_login(cast.other_unit_staff)
    response = client.get(reverse("suggestions:attachment", args=[att.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_unit_sees_only_its_own_assignment_on_a_shared_item(world, cast, drive, client):
    from suggestions import services

    s = drive.to("accepted")
    services.assign(s, actor=cast.staff, lead=world.unit, co=[world.other_unit])
    client.force_login(cast.other_unit_staff)
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "县交通运输局（协办）" in page and "县教育局（主办）" not in page


def test_a_unit_is_sent_from_the_list_to_its_to_do_list_and_may_not_export(cast, client):
    client.force_login(cast.unit_staff)
    assert client.get(reverse("suggestions:list"))["Location"] == reverse("suggestions:todo")
    assert client.get(reverse("suggestions:export")).status_code == 403
    assert client.get(reverse("suggestions:review")).status_code == 403


def test_a_deputy_sees_only_their_own_suggestions(cast, drive, client):
    mine = drive.to("submitted", title="关于乡村道路硬化的建议")
    other = drive.to("submitted", title="关于菜市场改造的建议", deputy=cast.other_deputy)
    client.force_login(cast.deputy)
    page = client.get(reverse("suggestions:mine")).content.decode()
    assert mine.title in page and other.title not in page
    assert client.get(reverse("suggestions:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("suggestions:draft_edit", args=[other.pk])).status_code == 404


def test_a_deputy_never_sees_another_deputys_draft_even_as_staff_would_not(cast, drive, client):
    draft = drive.draft(title="尚未提交的草稿")
    client.force_login(cast.staff)
    assert client.get(reverse("suggestions:detail", args=[draft.pk])).status_code == 404
    assert draft.title not in client.get(reverse("suggestions:list")).content.decode()


def test_a_committee_sees_only_the_suggestions_of_its_field(cast, drive, client):
    ours = drive.to("accepted", title="关于教师队伍建设的建议", category=cast.category)
    other = drive.to("accepted", title="关于财政预算公开的建议", category=cast.other_category)
    client.force_login(cast.committee)
    page = client.get(reverse("suggestions:list")).content.decode()
    assert ours.title in page and other.title not in page
    assert client.get(reverse("suggestions:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("suggestions:review")).status_code == 403


def test_the_lead_deputys_phone_is_masked_for_leaders_and_committees(cast, drive, client):
    s = drive.to("accepted")
    for user in (cast.leader, cast.committee):
        client.force_login(user)
        page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
        assert "139****5678" in page and "13912345678" not in page
    client.force_login(cast.staff)
    assert "13912345678" in client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
