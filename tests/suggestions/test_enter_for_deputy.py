"""代为录入: office staff enter a suggestion a deputy handed in on paper. It enters the lifecycle as submitted, with the
co-signers who signed the paper as confirmed; the timeline says who typed it in and when the paper arrived; the
deputies are told; nobody else may do it, and only for serving deputies of their own congress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.models import Notification
from deputies.models import Seat
from suggestions import services
from suggestions.models import Attachment, CoSigner, Suggestion, Transition
from tests import factories as f

pytestmark = pytest.mark.django_db

CONTENT = "县城老旧小区缺少停车位，夜间车辆占用消防通道，建议统筹建设立体停车场并规范管理。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(people, **overrides):
    data = {
        "lead_deputy": "李代表",
        "cosigners": "王代表",
        "received_on": timezone.localdate().isoformat(),
        "meeting": str(people.meeting.pk),
        "category": str(people.category.pk),
        "title": "关于增建停车场的建议",
        "content": CONTENT,
        "disclose": "on",
    }
    data.update(overrides)
    return data


def test_staff_enter_a_paper_suggestion_as_submitted_with_signed_cosigners(people, world):
    received = timezone.localdate() - dt.timedelta(days=2)
    s = services.enter_for_deputy(
        actor=people.staff,
        congress=world.county,
        lead_deputy=people.deputy.person,
        cosigners=[people.cosigner.person],
        received_on=received,
        meeting=people.meeting,
        title="关于增建停车场的建议",
        content=CONTENT,
    )
    s.refresh_from_db()
    assert s.state == Suggestion.State.SUBMITTED and s.submitted_at is not None
    assert s.lead_deputy_id == people.deputy.person_id and s.created_by_id == people.staff.pk
    # Set from the category, as a deputy's own draft would be.
    assert list(CoSigner.objects.filter(suggestion=s).values_list("person_id", flat=True)) == [
        people.cosigner.person_id
    ]
    assert CoSigner.objects.get(suggestion=s).confirmed_at is not None
    row = Transition.objects.get(suggestion=s)
    assert (row.action, row.from_state, row.to_state, row.actor_id) == (
        "enter_for_deputy",
        "",
        Suggestion.State.SUBMITTED,
        people.staff.pk,
    )
    assert f"{received:%Y年%m月%d日}" in row.note and "王代表" in row.note
    for user in (people.deputy, people.cosigner):
        assert Notification.objects.filter(recipient=user, event="suggestion.entered").count() == 1
    # The office's review takes it from here like any submitted item.
    services.accept(s, actor=people.staff)
    s.refresh_from_db()
    assert s.state == Suggestion.State.ACCEPTED and s.number


def test_only_office_staff_of_the_congress_may_enter(people, world, make_user):
    kwargs = {
        "congress": world.county,
        "lead_deputy": people.deputy.person,
        "received_on": timezone.localdate(),
        "title": "标题",
        "content": CONTENT,
    }
    town_staff = make_user(Role.TOWN_STAFF, congress=world.town_a)
    for actor in (people.deputy, people.unit_staff, people.leader, people.committee, town_staff):
        with pytest.raises(PermissionDenied):
            services.enter_for_deputy(actor=actor, **kwargs)
    assert not Suggestion.objects.exists()


def test_deputies_must_be_serving_deputies_of_the_congress(people, world):
    retired = f.PersonFactory(name="钱代表")
    f.SeatFactory(person=retired, term=world.term, congress=world.county, status=Seat.Status.TERMINATED)
    town_deputy = f.PersonFactory(name="孙代表")
    f.SeatFactory(person=town_deputy, term=world.town_a_term, congress=world.town_a)
    base = {"actor": people.staff, "congress": world.county, "received_on": timezone.localdate(), "title": "标题"}
    with pytest.raises(ValidationError) as exc:
        services.enter_for_deputy(lead_deputy=retired, content=CONTENT, **base)
    assert exc.value.message_dict["lead_deputy"] == ["领衔代表须为该人大的在任代表"]
    with pytest.raises(ValidationError) as exc:
        services.enter_for_deputy(lead_deputy=people.deputy.person, cosigners=[town_deputy], content=CONTENT, **base)
    assert exc.value.message_dict["cosigners"] == ["联名代表须为该人大的在任代表"]
    with pytest.raises(ValidationError) as exc:
        services.enter_for_deputy(
            lead_deputy=people.deputy.person,
            content=CONTENT,
            **{**base, "received_on": timezone.localdate() + dt.timedelta(days=1)},
        )
    assert exc.value.message_dict["received_on"] == ["收到日期不能晚于今天"]
    assert not Suggestion.objects.exists() and not Transition.objects.exists()


def test_find_deputy_by_name_and_workplace_when_names_are_shared(people, world):
    a = f.PersonFactory(name="张伟", workplace="县人民医院副院长")
    b = f.PersonFactory(name="张伟", workplace="城关镇东村党支部书记")
    for p in (a, b):
        f.SeatFactory(person=p, term=world.term, congress=world.county)
    assert services.find_deputy(world.county.pk, "李代表") == people.deputy.person
    with pytest.raises(ValueError) as exc:
        services.find_deputy(world.county.pk, "张伟")
    assert "有2位在任代表名为“张伟”" in str(exc.value) and "县人民医院副院长" in str(exc.value)
    assert services.find_deputy(world.county.pk, "张伟（人民医院）") == a
    assert services.find_deputy(world.county.pk, "张伟(东村)") == b
    with pytest.raises(ValueError, match="本级人大没有名为“周代表”的在任代表"):
        services.find_deputy(world.county.pk, "周代表")


def test_the_page_enters_the_item_with_the_scan_of_the_original(people, client):
    client.force_login(people.staff)
    url = reverse("suggestions:enter")
    page = client.get(url)
    assert page.status_code == 200 and "代为录入建议" in page.content.decode()
    data = _form(people, files=SimpleUploadedFile("原件.pdf", PDF, content_type="application/pdf"))
    response = client.post(url, data)
    s = Suggestion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("suggestions:detail", args=[s.pk])
    assert s.state == Suggestion.State.SUBMITTED and s.lead_deputy_id == people.deputy.person_id
    assert Attachment.objects.filter(suggestion=s, kind=Attachment.Kind.MATERIAL).count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "代为录入" in detail and "关于增建停车场的建议" in detail
    # The deputy sees it among their own suggestions on the phone.
    client.force_login(people.deputy)
    assert "关于增建停车场的建议" in client.get(reverse("suggestions:mine")).content.decode()


def test_the_page_names_each_bad_field_and_saves_nothing(people, client):
    client.force_login(people.staff)
    response = client.post(
        reverse("suggestions:enter"),
        _form(people, lead_deputy="周代表", cosigners="王代表、吴代表、郑代表", received_on="", content="太短"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["lead_deputy"] == ["本级人大没有名为“周代表”的在任代表"]
    assert errors["cosigners"] == ["本级人大没有名为“吴代表”的在任代表", "本级人大没有名为“郑代表”的在任代表"]
    assert errors["received_on"] == ["请填写收到纸质建议的日期"]
    assert errors["content"] == ["建议内容过短，请至少写 20 个字"]
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("who", ["deputy", "unit_staff", "leader", "committee"])
def test_other_roles_get_403_on_the_page(people, client, who):
    client.force_login(getattr(people, who))
    assert client.get(reverse("suggestions:enter")).status_code == 403
    assert client.post(reverse("suggestions:enter"), _form(people)).status_code == 403
    assert not Suggestion.objects.exists()


def test_the_api_enters_a_paper_suggestion_for_office_staff_only(people, world, api):
    body = {
        "lead_deputy": people.deputy.person_id,
        "cosigners": [people.cosigner.person_id],
        "received_on": timezone.localdate().isoformat(),
        "meeting": people.meeting.pk,
        "title": "关于增建停车场的建议",
        "content": CONTENT,
    }
    r = api(people.staff).post("/api/v1/suggestions/enter/", body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["state"] == Suggestion.State.SUBMITTED
    s = Suggestion.objects.get(pk=r.json()["id"])
    assert s.lead_deputy_id == people.deputy.person_id and s.cosigners.get().confirmed_at is not None

    r = api(people.staff).post("/api/v1/suggestions/enter/", {**body, "lead_deputy": 987654}, format="json")
    assert r.status_code == 400 and "lead_deputy" in r.json()
    retired = f.PersonFactory()
    f.SeatFactory(person=retired, term=world.term, congress=world.county, status=Seat.Status.RESIGNED)
    r = api(people.staff).post("/api/v1/suggestions/enter/", {**body, "cosigners": [retired.pk]}, format="json")
    assert r.status_code == 400 and r.json()["cosigners"] == ["联名代表须为该人大的在任代表"]
    for who in (people.deputy, people.unit_staff, people.leader):
        assert api(who).post("/api/v1/suggestions/enter/", body, format="json").status_code == 403
    assert Suggestion.objects.count() == 1
