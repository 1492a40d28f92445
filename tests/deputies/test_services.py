"""The roster's services: validation in Chinese, the audit history with personal data masked, all-or-nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from core.crypto import keyed_hash
from core.models import AuditEntry
from deputies import services
from deputies.models import GroupMembership, Person
from tests import factories as f

ID = f.make_id_number(1)


def person_data(**overrides):
    data = {
        "name": "赵敏",
        "gender": "女" if int(ID[16]) % 2 == 0 else "男",
        "ethnicity": "汉族",
        "party": "中共党员",
        "phone": "13812345678",
        "id_number": ID,
        "address": "浙江省杭州市测试县城关镇幸福路3号",
    }
    return {**data, **overrides}


def test_a_person_is_stored_with_an_encrypted_id_number_and_its_keyed_hash(world, make_user):
    person = services.create_person(actor=make_user("staff"), data=person_data())
    person.refresh_from_db()
    assert ID not in person.id_number_encrypted
    assert person.id_number == ID
    assert person.id_number_hash == keyed_hash(ID)


def test_a_wrong_check_character_is_refused(world, make_user):
    wrong = ID[:17] + ("0" if ID[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        services.create_person(actor=make_user("staff"), data=person_data(id_number=wrong))
    assert exc.value.message_dict["id_number"] == ["身份证号校验位错误"]
    assert not Person.objects.exists()


def test_the_same_id_number_cannot_be_entered_twice(world, make_user):
    staff = make_user("staff")
    services.create_person(actor=staff, data=person_data())
    with pytest.raises(ValidationError) as exc:
        services.create_person(actor=staff, data=person_data(name="赵敏二", id_number=ID.lower()))
    assert "已登记" in exc.value.message_dict["id_number"][0]
    assert Person.objects.count() == 1


def test_the_history_masks_personal_data(world, make_user):
    staff = make_user("staff")
    person = services.create_person(actor=staff, data=person_data())
    services.update_person(person, actor=staff, data={"phone": "13900001111", "workplace": "县医院院长"})
    created, updated = audit.history(person).order_by("id")
    assert created.actor == staff and created.action == AuditEntry.Action.CREATE
    # A masked field's empty "before" is stored as "" by the masker.
    assert created.changes["id_number"] == ["", ID[:6] + "*" * 10 + ID[-2:]]
    assert created.changes["phone"] == ["", "138****5678"]
    assert created.changes["party"] == ["", "***"]
    assert created.changes["address"][1] == "浙江省杭州市测试县****"
    assert updated.changes == {"phone": ["138****5678", "139****1111"], "workplace": ["", "县医院院长"]}
    stored = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert ID not in stored and "13812345678" not in stored and "幸福路" not in stored


def test_an_update_that_changes_nothing_writes_no_history(world, make_user):
    staff = make_user("staff")
    person = services.create_person(actor=staff, data=person_data())
    services.update_person(person, actor=staff, data={"name": "赵敏", "id_number": ID})
    assert audit.history(person).count() == 1


def test_an_audit_entry_is_rolled_back_with_its_change(world, make_user):
    staff = make_user("staff")
    person = f.PersonFactory(name="钱多")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_person(person, actor=staff, data={"name": "钱少"})
        raise RuntimeError("the request failed after the change")
    person.refresh_from_db()
    assert person.name == "钱多"
    assert not AuditEntry.objects.exists()


def test_a_failed_change_leaves_neither_record_nor_history(world, make_user):
    staff = make_user("staff")
    services.create_person(actor=staff, data=person_data())
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.create_person(actor=staff, data=person_data(name="重复"))
    assert AuditEntry.objects.count() == before
    assert not Person.objects.filter(name="重复").exists()


def test_seat_changes_are_kept_in_the_persons_history(world, make_user):
    staff = make_user("staff")
    person = f.PersonFactory()
    seat = services.add_seat(
        person, actor=staff, data={"congress": world.county, "term": world.term, "start": dt.date(2021, 10, 1)}
    )
    services.update_seat(seat, actor=staff, data={"status": "resigned", "end": dt.date(2024, 5, 1)})
    notes = [e.note for e in audit.history(person)]
    assert notes == ["代表资格：县人大第十八届"] * 2
    assert audit.history(person).first().changes["status"] == ["active", "resigned"]


def test_a_seat_no_longer_active_needs_an_end_date(world, make_user):
    seat = f.SeatFactory(term=world.term)
    with pytest.raises(ValidationError) as exc:
        services.update_seat(seat, actor=make_user("staff"), data={"status": "resigned"})
    assert exc.value.message_dict["end"] == ["代表资格已不在任，请填写终止日期"]


def test_a_term_of_another_congress_is_refused(world, make_user):
    with pytest.raises(ValidationError) as exc:
        services.add_seat(
            f.PersonFactory(),
            actor=make_user("staff"),
            data={"congress": world.county, "term": world.town_a_term, "start": dt.date(2021, 10, 1)},
        )
    assert exc.value.message_dict["term"] == ["所选届次不属于该人大"]


def test_the_convener_becomes_a_member_and_membership_changes_are_audited(world, make_user):
    staff = make_user("staff")
    convener = f.PersonFactory(name="孙召集")
    group = services.create_group(actor=staff, data={"congress": world.county, "name": "一组", "convener": convener})
    assert GroupMembership.objects.filter(group=group, person=convener).exists()
    member = f.PersonFactory(name="周成员")
    services.add_member(group, member, actor=staff)
    services.add_member(group, member, actor=staff)  # adding twice changes nothing
    services.remove_member(group, convener, actor=staff)
    group.refresh_from_db()
    assert group.convener is None
    assert [e.note for e in audit.history(group).order_by("id")] == [
        "",
        "加入成员：孙召集",
        "加入成员：周成员",
        "移出成员：孙召集",
    ]


def test_a_group_name_is_unique_within_its_congress(world, make_user):
    staff = make_user("staff")
    services.create_group(actor=staff, data={"congress": world.county, "name": "一组"})
    with pytest.raises(ValidationError) as exc:
        services.create_group(actor=staff, data={"congress": world.county, "name": "一组"})
    assert exc.value.message_dict["name"] == ["本级人大已有同名的代表小组"]
    services.create_group(actor=staff, data={"congress": world.town_a, "name": "一组"})
