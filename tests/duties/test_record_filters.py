"""The duty list's township filter (所属镇街, the township of the record's deputy): it filters the records and the
Excel export; when the user sees more than GROUP_OPTIONS_LIMIT activity groups (a province office: 13,186) the group
select offers only the chosen township's groups, as the deputy list does; a township or group outside the user's
scope is refused in Chinese and never widens what the list shows."""

import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from core.models import AuditEntry
from deputies.filters import GROUP_OPTIONS_LIMIT
from deputies.models import ActivityGroup
from duties.models import DutyRecord
from duties.permissions import visible_records

from .test_pages import log, make_records

LIST = reverse("duties:record_list")


def options_of(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d*)"', select)


def page(client, params=None):
    response = client.get(LIST, params or {})
    assert response.status_code == 200
    return response.content.decode()


def many_groups(world):
    """GROUP_OPTIONS_LIMIT more county groups in 河西镇: with the fixture's two, more than the limit."""
    county, area = world.county, world.area_b
    ActivityGroup.objects.bulk_create(
        ActivityGroup(congress=county, name=f"河西第{i}小组", area=area) for i in range(GROUP_OPTIONS_LIMIT)
    )


def exported_names(client, params):
    response = client.get(reverse("duties:record_export"), params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))


def test_the_township_filter_lists_the_records_of_its_deputies(client, duties, world):
    log(duties.staff, duties.alice, title="城关镇记录")  # alice and carol: 城关镇
    log(duties.staff, duties.carol, title="城关镇另一条记录")
    log(duties.staff, duties.bob, title="河西镇记录")  # bob: 河西镇
    client.force_login(duties.staff)
    html = page(client)
    assert options_of(html, "township") == ["", str(world.area_a.pk), str(world.area_b.pk)]
    assert "城关镇记录" in html and "河西镇记录" in html
    html = page(client, {"township": world.area_a.pk})
    assert "城关镇记录" in html and "城关镇另一条记录" in html and "河西镇记录" not in html
    html = page(client, {"township": world.area_b.pk})
    assert "河西镇记录" in html and "城关镇记录" not in html


def test_the_export_applies_the_township_filter_and_names_it(client, duties, world):
    log(duties.staff, duties.alice)
    log(duties.staff, duties.bob)
    client.force_login(duties.staff)
    assert exported_names(client, {}) == sorted([duties.alice.name, duties.bob.name])
    assert exported_names(client, {"township": world.area_b.pk}) == [duties.bob.name]
    note = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("pk").note
    assert "所属镇街=河西镇" in note


def test_with_many_groups_only_the_chosen_townships_groups_are_offered(client, duties, world):
    many_groups(world)
    log(duties.staff, duties.alice, title="城关镇记录")  # alice: 城关代表小组 (group1)
    log(duties.staff, duties.bob, title="河西镇记录")  # bob: 河西代表小组 (group2)
    client.force_login(duties.staff)
    html = page(client)
    assert options_of(html, "group") == [""]
    assert "先选择所属镇街，再选该镇街的代表小组" in html
    assert "河西第0小组" not in html
    html = page(client, {"township": world.area_a.pk})
    assert options_of(html, "group") == ["", str(duties.group1.pk)]
    assert "城关镇记录" in html and "河西镇记录" not in html
    # A group the user sees is accepted (and stays selected) without its township, or with another township.
    html = page(client, {"group": duties.group2.pk})
    assert options_of(html, "group") == ["", str(duties.group2.pk)]
    assert "河西镇记录" in html and "城关镇记录" not in html
    html = page(client, {"township": world.area_a.pk, "group": duties.group2.pk})
    assert options_of(html, "group") == ["", str(duties.group1.pk), str(duties.group2.pk)]
    assert "没有符合条件的履职记录" in html  # both filters apply: bob is not in 城关镇
    # Back to the limit: every group is offered and nothing is said.
    ActivityGroup.objects.filter(name__in=["河西第0小组", "河西第1小组"]).delete()
    html = page(client)
    assert len(options_of(html, "group")) == GROUP_OPTIONS_LIMIT + 1
    assert "先选择所属镇街" not in html


def test_a_township_or_group_outside_the_scope_is_refused_in_chinese(client, duties, world, make_user):
    log(duties.staff, duties.alice, title="城关镇记录")
    log(duties.staff, duties.bob, title="河西镇记录")
    client.force_login(make_user(Role.TOWN_STAFF, congress=world.town_a))  # 城关镇's office
    html = page(client)
    assert options_of(html, "township") == ["", str(world.area_a.pk)]
    assert options_of(html, "group") == ["", str(duties.group1.pk)]
    html = page(client, {"township": world.area_b.pk})
    assert "请从列表中选择您可查看的镇街。" in html
    assert "河西镇记录" not in html and "城关镇记录" in html  # the filter is ignored, the scope is not
    html = page(client, {"group": duties.group2.pk})
    assert "请从列表中选择您可查看的代表小组。" in html
    assert "河西镇记录" not in html
    assert exported_names(client, {"township": world.area_b.pk}) == [duties.alice.name]


def test_with_many_groups_and_a_township_the_list_keeps_its_query_budget(client, duties, world):
    many_groups(world)
    client.force_login(duties.staff)
    params = {"township": world.area_a.pk, "group": duties.group1.pk}
    counts = []
    for n in (20, 200):
        DutyRecord.objects.all().delete()
        make_records(duties.alice, n)
        with CaptureQueriesContext(connection) as ctx:
            html = page(client, params)
        counts.append(len(ctx.captured_queries))
        assert html.count('<a href="/duties/records/') == 20  # a full page of this township's records
    assert counts[0] == counts[1] <= 8  # the whole request, as in tests/test_query_budget.py


def test_the_list_scope_per_row_is_the_same_set_of_records(duties, world, make_user):
    for person in (duties.alice, duties.bob, duties.carol):
        log(duties.staff, person, title=f"{person.name}的记录")
    users = [
        duties.staff,
        make_user(Role.TOWN_STAFF, congress=world.town_a),
        make_user(Role.TOWN_STAFF, congress=world.town_b),
        duties.liaison2,
        duties.alice_user,
    ]
    seen = []
    for user in users:
        plain = set(visible_records(user).values_list("person__name", flat=True))
        assert set(visible_records(user, per_row=True).values_list("person__name", flat=True)) == plain
        seen.append(plain)
    assert seen == [{"艾丽", "鲍勃", "卡罗"}, {"艾丽", "卡罗"}, {"鲍勃"}, {"鲍勃"}, {"艾丽"}]
