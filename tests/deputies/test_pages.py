"""The staff forms and detail pages: Chinese errors next to the field, changes through the services, the history
shown on the object's page with personal data masked."""

import datetime as dt

from django.urls import reverse

from core.models import AuditEntry
from deputies.models import ActivityGroup, GroupMembership, Person
from tests import factories as f

ID = f.make_id_number(42)


def person_post(**overrides):
    data = {
        "name": "吴倩",
        "gender": "男" if int(ID[16]) % 2 else "女",
        "ethnicity": "汉族",
        "birth_month": f"{ID[6:10]}-{ID[10:12]}",
        "party": "中共党员",
        "composition": "professional",
        "phone": "13700001111",
        "id_number": ID,
    }
    return {**data, **overrides}


def test_creating_a_deputy_through_the_form(world, make_user, login):
    client = login(make_user("staff"))
    response = client.post(reverse("deputies:create"), person_post(township=world.area_a.pk))
    person = Person.objects.get(name="吴倩")
    assert response.status_code == 302
    assert response["Location"] == reverse("deputies:seat_create", args=[person.pk])
    assert person.id_number == ID and person.birth_month == dt.date(int(ID[6:10]), int(ID[10:12]), 1)


def test_a_bad_id_number_is_reported_in_chinese_next_to_the_field(world, make_user, login):
    client = login(make_user("staff"))
    wrong = ID[:17] + ("0" if ID[17] != "0" else "1")
    response = client.post(reverse("deputies:create"), person_post(id_number=wrong, township=world.area_a.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["身份证号校验位错误"]
    assert 'id="id_id_number_error"' in response.content.decode()
    assert not Person.objects.exists()


def test_a_duplicate_id_number_is_reported_next_to_the_field(world, make_user, login):
    f.PersonFactory(id_number=ID)
    response = login(make_user("staff")).post(reverse("deputies:create"), person_post(township=world.area_a.pk))
    assert response.context["form"].errors["id_number"] == ["该身份证号已登记在名册中，请勿重复录入"]


def test_a_missing_name_is_reported_in_chinese(world, make_user, login):
    response = login(make_user("staff")).post(reverse("deputies:create"), person_post(name=""))
    assert "必填" in response.context["form"].errors["name"][0]
    assert "必填" in response.context["form"].errors["township"][0]


def test_the_detail_page_shows_the_history_masked_for_a_role_without_personal_data(world, make_user, login):
    staff = make_user("staff")
    client = login(staff)
    client.post(reverse("deputies:create"), person_post(township=world.area_a.pk))
    person = Person.objects.get()
    f.SeatFactory(person=person, term=world.term)
    client.post(
        reverse("deputies:edit", args=[person.pk]),
        person_post(phone="13799998888", workplace="县一中校长", township=world.area_a.pk),
    )
    html = login(make_user("leader")).get(reverse("deputies:detail", args=[person.pk])).content.decode()
    assert "县一中校长" in html
    assert "137****1111 → 137****9999" not in html  # the history was masked when written, not when shown
    assert "联系电话：137****1111 → 137****8888" in html
    assert "13799998888" not in html and ID not in html
    for placeholder in ("履职记录", "建议", "培训"):
        assert placeholder in html


def test_the_detail_page_shows_full_personal_data_to_the_office(world, make_user, login):
    person = f.PersonFactory(id_number=ID, phone="13700001111")
    f.SeatFactory(person=person, term=world.term)
    html = login(make_user("staff")).get(reverse("deputies:detail", args=[person.pk])).content.decode()
    assert ID in html and "13700001111" in html


def test_adding_and_ending_a_seat_through_the_form(world, make_user, login):
    client = login(make_user("staff"))
    person = f.PersonFactory(township=world.area_a)
    response = client.post(
        reverse("deputies:seat_create", args=[person.pk]),
        {"congress": world.county.pk, "term": world.term.pk, "start": "2021-10-01", "status": "active"},
    )
    assert response.status_code == 302
    seat = person.seats.get()
    response = client.post(
        reverse("deputies:seat_edit", args=[seat.pk]),
        {"congress": world.county.pk, "term": world.term.pk, "start": "2021-10-01", "status": "resigned"},
    )
    assert response.context["form"].errors["end"] == ["代表资格已不在任，请填写终止日期"]
    seat.refresh_from_db()
    assert seat.status == "active"
    client.post(
        reverse("deputies:seat_edit", args=[seat.pk]),
        {
            "congress": world.county.pk,
            "term": world.term.pk,
            "start": "2021-10-01",
            "end": "2024-06-30",
            "status": "resigned",
            "status_reason": "工作调动",
        },
    )
    html = client.get(reverse("deputies:detail", args=[person.pk])).content.decode()
    assert "状态：在任 → 辞职" in html and "变动原因：（空） → 工作调动" in html


def test_a_group_page_shows_members_convener_liaison_and_linked_committee_members(roster, world, make_user, login):
    group = roster.county_group
    group.convener = roster.county_deputy
    group.linked_members.add(f.CommitteeMemberFactory(congress=world.county, name="周常委", title="常委会副主任"))
    group.save()
    html = login(make_user("staff")).get(reverse("deputies:group_detail", args=[group.pk])).content.decode()
    assert "张伟" in html and "召集人" in html and "周常委（常委会副主任）" in html


def test_creating_a_group_and_managing_its_members(roster, world, make_user, login):
    client = login(make_user("staff"))
    member = f.CommitteeMemberFactory(congress=world.county, name="郑常委")
    response = client.post(
        reverse("deputies:group_create"),
        {
            "congress": world.county.pk,
            "name": "农业专业组",
            "kind": "sector",
            "sector": "农业",
            "convener": roster.town_a_deputy.pk,
            "linked_members": [member.pk],
        },
    )
    group = ActivityGroup.objects.get(name="农业专业组")
    assert response.status_code == 302
    assert list(group.linked_members.all()) == [member]
    client.post(reverse("deputies:member_add", args=[group.pk]), {"person": roster.county_deputy.pk, "joined": ""})
    client.post(
        reverse("deputies:member_add", args=[group.pk]), {"person": roster.county_deputy.pk, "joined": "2026-01-05"}
    )
    assert set(GroupMembership.objects.filter(group=group).values_list("person__name", flat=True)) == {"李娜", "张伟"}
    client.post(reverse("deputies:member_remove", args=[group.pk, roster.town_a_deputy.pk]))
    group.refresh_from_db()
    assert group.convener is None
    html = client.get(reverse("deputies:group_detail", args=[group.pk])).content.decode()
    assert "移出成员：李娜" in html and "加入成员：张伟" in html


def test_a_duplicate_group_name_is_reported_next_to_the_field(roster, world, make_user, login):
    response = login(make_user("staff")).post(
        reverse("deputies:group_create"), {"congress": world.county.pk, "name": "城关代表小组", "kind": "area"}
    )
    assert response.context["form"].errors["name"] == ["本级人大已有同名的代表小组"]


def test_a_township_office_may_not_create_a_group_for_the_county(world, make_user, login):
    response = login(make_user("town_staff", congress=world.town_a)).post(
        reverse("deputies:group_create"), {"congress": world.county.pk, "name": "越权小组", "kind": "area"}
    )
    assert "congress" in response.context["form"].errors
    assert not ActivityGroup.objects.exists()


def test_deleting_a_deputy_keeps_the_deletion_in_the_history(roster, make_user, login):
    client = login(make_user("staff"))
    pk = roster.town_a_deputy.pk
    assert client.post(reverse("deputies:delete", args=[pk])).status_code == 302
    assert not Person.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE, object_id=str(pk))
    assert entry.changes["name"] == ["李娜", None]
    assert "*" in entry.changes["id_number"][0]
