"""Each role is limited to its own items: lists, details, timelines, to-do lists, files and actions."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from suggestions import services
from suggestions.models import Assignment, Attachment

from .conftest import act

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A real (2×2) PNG: images are decoded and re-encoded on upload (core.uploads), so a bare signature is refused.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9as"
    b"\x00\x00\x00\x16IDATx\x9cc\xfc\xcf\xc0\xc0\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0\xc0\x00\x00\r\x1d\x01\x03j"
    b"\xc2\x9b\xe9\x00\x00\x00\x00IEND\xaeB`\x82"
)


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def assigned_to_other_unit(world, flow, people, title="交通局的件"):
    s = flow.to("accepted", title=title)
    services.assign(s, actor=people.staff, lead=world.other_unit)
    return s


def test_a_unit_cannot_see_another_units_item(world, flow, people, api):
    mine = flow.to("handling")
    theirs = assigned_to_other_unit(world, flow, people)
    theirs_only = flow.to("accepted", title="第三件")
    services.assign(theirs_only, actor=people.staff, lead=people.third_unit)
    client = api(people.third_unit_staff)
    assert ids(client.get("/api/v1/suggestions/")) == {theirs_only.pk}
    for s in (mine, theirs):
        assert client.get(f"/api/v1/suggestions/{s.pk}/").status_code == 404
        assert client.get(f"/api/v1/suggestions/{s.pk}/timeline/").status_code == 404
        assert act(client, s, "sign", assignment=flow.lead_assignment(s).pk if s == mine else 0).status_code == 404


def test_a_unit_cannot_see_another_units_assignment(world, flow, people, api):
    s = flow.to("handling")  # world.unit leads, other_unit co-handles
    co_client = api(people.other_unit_staff)
    lead_asg = flow.lead_assignment(s)
    assert co_client.get(f"/api/v1/suggestions/{s.pk}/").status_code == 200
    detail = co_client.get(f"/api/v1/suggestions/{s.pk}/").json()
    assert [a["unit"] for a in detail["assignments"]] == [world.other_unit.pk]
    assert act(co_client, s, "sign", assignment=lead_asg.pk).status_code == 404
    todo = co_client.get("/api/v1/assignments/").json()["results"]
    assert [row["unit"] for row in todo] == [world.other_unit.pk]
    assert co_client.get(f"/api/v1/assignments/{lead_asg.pk}/").status_code == 404


def test_a_committee_sees_only_its_field(world, flow, people, api):
    s = flow.to("submitted")  # category 教育 → world.committee
    other = flow.to("submitted", title="财经类建议")
    other.category = None
    other.committee = None
    other.save()
    assert ids(api(people.committee).get("/api/v1/suggestions/")) == {s.pk}
    assert ids(api(people.other_committee).get("/api/v1/suggestions/")) == set()
    assert api(people.other_committee).get(f"/api/v1/suggestions/{s.pk}/").status_code == 404


def test_a_deputy_sees_only_their_own_and_cosigned_items(world, flow, people, api):
    s = flow.draft()
    services.invite_cosigner(s, people.cosigner.person, actor=people.deputy)
    assert ids(api(people.deputy).get("/api/v1/suggestions/")) == {s.pk}
    assert ids(api(people.cosigner).get("/api/v1/suggestions/")) == {s.pk}
    assert ids(api(people.other_deputy).get("/api/v1/suggestions/")) == set()
    assert api(people.other_deputy).get(f"/api/v1/suggestions/{s.pk}/").status_code == 404
    # Office staff do not see a deputy's draft until it is submitted.
    assert ids(api(people.staff).get("/api/v1/suggestions/")) == set()


def test_township_staff_do_not_see_the_countys_items(world, flow, people, api, make_user):
    s = flow.to("submitted")
    town_staff = make_user(Role.TOWN_STAFF, congress=world.town_a)
    assert ids(api(town_staff).get("/api/v1/suggestions/")) == set()
    assert api(town_staff).get(f"/api/v1/suggestions/{s.pk}/").status_code == 404
    assert ids(api(people.staff).get("/api/v1/suggestions/")) == {s.pk}


def test_the_lead_deputys_phone_is_shown_to_units_with_an_assignment_and_masked_for_others(world, flow, people, api):
    s = flow.draft()
    services.invite_cosigner(s, people.cosigner.person, actor=people.deputy)
    services.cosign(s, actor=people.cosigner)
    s = flow.to("handling", s)
    phone = people.deputy.person.phone
    masked = phone[:3] + "****" + phone[-4:]
    for user, expected in (
        (people.unit_staff, phone),
        (people.staff, phone),
        (people.committee, masked),
        (people.leader, masked),
        (people.cosigner, masked),
    ):
        listed = api(user).get("/api/v1/suggestions/").json()["results"]
        assert [row["lead_deputy_phone"] for row in listed] == [expected], user
        assert api(user).get(f"/api/v1/suggestions/{s.pk}/").json()["lead_deputy_phone"] == expected
    todo = api(people.unit_staff).get("/api/v1/assignments/").json()["results"]
    assert todo[0]["lead_deputy_phone"] == phone


def test_a_units_answer_letter_is_downloaded_only_by_those_who_see_it(world, flow, people, api):
    s = flow.to("signed")
    asg = flow.lead_assignment(s)
    upload = SimpleUploadedFile("答复函.pdf", PDF, content_type="application/pdf")
    r = api(people.unit_staff).post(
        f"/api/v1/suggestions/{s.pk}/attachments/",
        {"file": upload, "kind": "answer_letter", "assignment": asg.pk},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    url = r.json()["download_url"]
    for user in (people.unit_staff, people.staff, people.deputy):
        resp = api(user).get(url)
        assert resp.status_code == 200, user
        assert b"".join(resp.streaming_content) == PDF
    for user in (people.other_unit_staff, people.third_unit_staff, people.other_deputy, people.other_committee):
        assert api(user).get(url).status_code == 404, user
    assert [
        a["name"] for a in api(people.other_unit_staff).get(f"/api/v1/suggestions/{s.pk}/attachments/").json()
    ] == []


def test_an_upload_is_typed_by_its_content_not_its_name(world, flow, people, api):
    s = flow.draft()
    client = api(people.deputy)
    fake = SimpleUploadedFile("材料.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    r = client.post(f"/api/v1/suggestions/{s.pk}/attachments/", {"file": fake}, format="multipart")
    assert r.status_code == 400
    assert "只能上传" in str(r.json())
    png_named_pdf = SimpleUploadedFile("照片.pdf", PNG, content_type="application/pdf")
    r = client.post(f"/api/v1/suggestions/{s.pk}/attachments/", {"file": png_named_pdf}, format="multipart")
    assert r.status_code == 201
    assert Attachment.objects.get(pk=r.json()["id"]).content_type == "image/png"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    docx = SimpleUploadedFile("材料.docx", buf.getvalue())
    r = client.post(f"/api/v1/suggestions/{s.pk}/attachments/", {"file": docx}, format="multipart")
    assert r.status_code == 201
    assert r.json()["content_type"].endswith("wordprocessingml.document")


def test_an_upload_over_20_mb_is_refused(world, flow, people):
    import pytest
    from django.core.exceptions import ValidationError

    s = flow.draft()
    big = SimpleUploadedFile("大文件.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError, match="20MB"):
        services.store_attachment(s, big, actor=people.deputy)
    assert not Attachment.objects.exists()


def test_a_unit_cannot_attach_files_to_another_units_assignment(world, flow, people, api):
    s = flow.to("signed")
    lead_asg = flow.lead_assignment(s)
    upload = SimpleUploadedFile("函.pdf", PDF)
    r = api(people.other_unit_staff).post(
        f"/api/v1/suggestions/{s.pk}/attachments/",
        {"file": upload, "kind": "answer_letter", "assignment": lead_asg.pk},
        format="multipart",
    )
    assert r.status_code == 404
    assert Assignment.objects.filter(suggestion=s).count() == 2
