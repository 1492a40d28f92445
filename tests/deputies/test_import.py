"""Importing the roster from Excel: every row checked first, nothing written unless all are valid, one transaction,
re-import changes nothing; the same checks behind the upload page and `manage.py import_deputies`."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import audit
from core.models import AuditEntry
from deputies import importing
from deputies.models import ActivityGroup, GroupMembership, Person, Seat
from organization.models import Congress
from tests import factories as f

from .conftest import read_xlsx, xlsx


@pytest.fixture
def office(world):
    """The county of `world` under a city congress kept for seats, with one group per township."""
    city = f.CongressFactory(name="测试市人民代表大会", level=Congress.Level.CITY, is_managed=False)
    world.county.parent = city
    world.county.save()
    f.TermFactory(congress=city, number=16)
    f.GroupFactory(congress=world.county, name="城关代表小组")
    f.GroupFactory(congress=world.county, name="河西代表小组")
    f.GroupFactory(congress=world.county, name="教育专业组")
    return world


def row(n, **cells):
    """A valid row for the n-th person: a county deputy of 城关镇 in the 18th term."""
    id_number = f.make_id_number(n)
    values = {
        "姓名": f"导入代表{n}",
        "性别": "男" if int(id_number[16]) % 2 else "女",
        "民族": "汉族",
        "出生年月": f"{id_number[6:10]}-{id_number[10:12]}",
        "党派": "中共党员",
        "学历": "大学",
        "工作单位及职务": "某村党支部书记",
        "代表层级": "县",
        "届次": "第十八届",
        "选区": "第3选区",
        "代表构成": "农民",
        "所属镇街": "城关镇",
        "代表小组": "城关代表小组",
        "联系电话": f"139{n:08d}",
        "身份证号": id_number,
    }
    values.update(cells)
    return [values[h] for h in importing.HEADERS]


def good_rows(count=300):
    rows = []
    for n in range(1, count + 1):
        if n % 10 == 0:  # a county and township deputy of 城关镇, in two groups
            rows.append(row(n, 代表层级="县、乡镇", 届次="18", 代表小组="城关代表小组、教育专业组"))
        elif n % 25 == 1:  # also a deputy to the city congress above
            rows.append(row(n, 代表层级="市、县", 届次="第十六届、第十八届"))
        elif n % 2:
            rows.append(row(n, 所属镇街="河西镇", 代表小组="河西代表小组", 代表构成="专业技术人员"))
        else:
            rows.append(row(n))
    return rows


def snapshot():
    return {
        "persons": sorted(Person.objects.values_list("pk", "updated_at", "name", "phone")),
        "seats": sorted(Seat.objects.values_list("pk", "person_id", "congress_id", "term_id", "district")),
        "memberships": sorted(GroupMembership.objects.values_list("group_id", "person_id")),
    }


def test_a_good_file_of_300_rows_is_imported_in_full(office, make_user):
    staff = make_user("staff")
    result = importing.run(xlsx(good_rows()), congress=office.county, actor=staff)
    assert result.ok and result.written
    assert Person.objects.count() == 300
    assert Seat.objects.filter(congress=office.county).count() == 300
    assert Seat.objects.filter(congress=office.town_a, term=office.town_a_term).count() == 30
    assert Seat.objects.filter(congress__level="city").count() == 12
    assert GroupMembership.objects.filter(group__name="教育专业组").count() == 30
    person = Person.objects.get(name="导入代表10")
    assert person.id_number == f.make_id_number(10)
    assert person.township == office.area_a
    assert person.seats.get(congress=office.county).delegation == office.area_a
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, actor=staff).count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).count() >= 300


def test_re_importing_the_same_file_changes_nothing(office, make_user):
    staff = make_user("staff")
    importing.run(xlsx(good_rows(60)), congress=office.county, actor=staff)
    before, entries = snapshot(), AuditEntry.objects.exclude(action=AuditEntry.Action.IMPORT).count()
    result = importing.run(xlsx(good_rows(60)), congress=office.county, actor=staff)
    assert result.ok
    assert (result.new_persons, result.updated_persons, result.new_seats, result.new_memberships) == (0, 0, 0, 0)
    assert snapshot() == before
    assert AuditEntry.objects.exclude(action=AuditEntry.Action.IMPORT).count() == entries


def _changed(rows, **cells):
    """The same rows with some cells replaced, e.g. _changed(rows, 工作单位及职务="新单位")."""
    positions = {importing.HEADERS.index(header): value for header, value in cells.items()}
    return [[positions.get(i, value) for i, value in enumerate(r)] for r in rows]


def _queries_of_import(rows, office, actor):
    with CaptureQueriesContext(connection) as ctx:
        result = importing.run(xlsx(rows), congress=office.county, actor=actor)
    assert result.ok and result.written, result.errors[:3]
    return result, len(ctx.captured_queries)


def test_the_import_costs_the_same_queries_for_20_or_200_rows_new_or_changed(office, make_user):
    staff = make_user("staff")
    rows = good_rows(220)
    few, many = rows[:20], rows[20:]
    few_new, few_new_queries = _queries_of_import(few, office, staff)
    many_new, many_new_queries = _queries_of_import(many, office, staff)
    assert (few_new.new_persons, many_new.new_persons) == (20, 200)
    assert many_new_queries == few_new_queries

    change = {"工作单位及职务": "新单位", "选区": "第9选区"}
    few_changed, few_changed_queries = _queries_of_import(_changed(few, **change), office, staff)
    many_changed, many_changed_queries = _queries_of_import(_changed(many, **change), office, staff)
    assert (few_changed.updated_persons, many_changed.updated_persons) == (20, 200)
    assert (few_changed.new_persons, many_changed.new_persons) == (0, 0)
    assert many_changed_queries == few_changed_queries
    assert set(Seat.objects.values_list("district", flat=True)) == {"第9选区"}


def test_each_imported_change_is_in_the_history_of_its_person_and_group(office, make_user):
    staff = make_user("staff")
    importing.run(xlsx([row(10)]), congress=office.county, actor=staff)
    person = Person.objects.get(name="导入代表10")
    created = {(e.action, e.note) for e in audit.history(person)}
    assert created == {
        ("create", "Excel导入"),
        ("create", "Excel导入 代表资格：县人大第十八届"),
    }
    entry = audit.history(person).get(note="Excel导入")
    assert entry.actor == staff and entry.changes["name"] == [None, "导入代表10"]
    assert entry.changes["id_number"][1] != f.make_id_number(10)  # masked in the history
    group = ActivityGroup.objects.get(congress=office.county, name="城关代表小组")
    assert audit.history(group).get().changes == {"members": [None, "导入代表10"]}

    changed = row(10, 工作单位及职务="县农业农村局局长", 选区="第5选区")
    importing.run(xlsx([changed]), congress=office.county, actor=staff)
    updates = audit.history(person).filter(action="update")
    assert {e.note: e.changes for e in updates} == {
        "Excel导入": {"workplace": ["某村党支部书记", "县农业农村局局长"]},
        "代表资格：县人大第十八届": {"district": ["第3选区", "第5选区"]},
    }


def test_an_import_updates_a_known_person_without_blanking_what_the_file_leaves_empty(office, make_user):
    known = f.PersonFactory(name="老代表", id_number=f.make_id_number(5), workplace="旧单位", education="大专")
    result = importing.run(
        xlsx([row(5, 姓名="老代表", 工作单位及职务="新单位", 学历="")]),
        congress=office.county,
        actor=make_user("staff"),
    )
    assert result.updated_persons == 1 and result.new_persons == 0
    known.refresh_from_db()
    assert (known.workplace, known.education) == ("新单位", "大专")


def test_a_bad_file_lists_every_bad_row_and_column_and_writes_nothing(office, make_user):
    wrong_check = f.make_id_number(3)[:17] + ("0" if f.make_id_number(3)[17] != "0" else "1")
    rows = [
        row(1),
        row(2, 所属镇街="不存在镇"),
        row(3, 身份证号=wrong_check),
        row(4, 出生年月="1975年13月"),
        row(5, 代表小组="没有这个小组"),
        row(6, 代表层级="村"),
        row(7, 届次="第九十九届"),
        row(8, 届次="第几届"),
        row(1, 姓名="重复的人"),
        row(9, 姓名=""),
        row(10, 代表构成="学生"),
        row(11, 性别="男" if int(f.make_id_number(11)[16]) % 2 == 0 else "女"),
    ]
    result = importing.run(xlsx(rows), congress=office.county, actor=make_user("staff"))
    found = {(e.row, e.column): e.message for e in result.errors}
    assert found == {
        (3, "所属镇街"): "本单位没有名为“不存在镇”的镇街",
        (4, "身份证号"): "身份证号校验位错误",
        (5, "出生年月"): "出生年月格式不正确，应如 1975-03 或 1975年3月",
        (6, "代表小组"): "没有名为“没有这个小组”的代表小组",
        (7, "代表层级"): "代表层级“村”无法识别，应为全国、省、市、县、乡镇之一",
        (8, "届次"): "县人大没有第99届的记录",
        (9, "届次"): "届次“第几届”格式不正确，应如“第十八届”或“18”",
        (10, "身份证号"): "与第2行是同一人，每人只填一行",
        (11, "姓名"): "姓名不能为空",
        (
            12,
            "代表构成",
        ): "代表构成“学生”不在可选范围内（工人、农民、专业技术人员、党政领导干部、企业负责人、解放军和武警、其他）",
        (13, "性别"): "性别与身份证号不一致",
    }
    assert str(result.errors[0]) == "第3行【所属镇街】本单位没有名为“不存在镇”的镇街"
    assert not result.written
    assert not Person.objects.exists() and not Seat.objects.exists() and not AuditEntry.objects.exists()


def test_an_id_number_that_excel_turned_into_a_number_is_reported(office):
    result = importing.check(xlsx([row(1, 身份证号=330102197503081)]), congress=office.county)
    assert [(e.row, e.column) for e in result.errors] == [(2, "身份证号")]
    assert "文本格式" in result.errors[0].message


def test_a_township_level_seat_goes_to_the_congress_of_the_rows_township(office, make_user):
    importing.run(
        xlsx([row(1, 代表层级="乡镇", 届次="18", 所属镇街="城关镇")]), congress=office.county, actor=make_user("staff")
    )
    assert Seat.objects.get().congress == office.town_a


def test_a_township_level_row_needs_its_township(office):
    result = importing.check(xlsx([row(1, 代表层级="乡镇", 所属镇街="")]), congress=office.county)
    assert [(e.column, e.message) for e in result.errors] == [("代表层级", "乡镇级代表须填写所属镇街")]


def test_a_township_office_cannot_import_county_seats(office):
    result = importing.check(xlsx([row(1, 所属镇街="城关镇", 代表小组="")]), congress=office.town_a)
    assert [e.message for e in result.errors] == ["县人大不在本单位管辖范围内，不能导入其代表资格"]


def test_an_unknown_term_of_an_upper_congress_is_reported(office):
    result = importing.check(xlsx([row(1, 代表层级="市", 届次="第十五届")]), congress=office.county)
    assert [e.message for e in result.errors] == ["测试市人民代表大会没有第15届的记录"]


def test_term_numbers_are_read_in_chinese_or_digits():
    assert [importing.parse_term(t) for t in ("第十八届", "18", "十", "第二十一届", "第7届", "第几届")] == [
        18,
        18,
        10,
        21,
        7,
        None,
    ]


def test_a_file_over_5_mb_is_refused_before_it_is_read(office):
    big = io.BytesIO(b"\0" * (importing.MAX_BYTES + 1))
    with pytest.raises(importing.ImportRejected, match="不能超过 5 MB"):
        importing.check(big, congress=office.county)


def test_a_file_over_20000_rows_is_refused(office):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(importing.HEADERS)
    for n in range(importing.MAX_ROWS + 1):
        ws.append([f"代表{n}"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(importing.ImportRejected, match="单次最多导入20000行"):
        importing.check(buf, congress=office.county)


def test_a_file_that_is_not_excel_is_refused_in_chinese(office):
    with pytest.raises(importing.ImportRejected, match="无法读取文件"):
        importing.check(io.BytesIO("姓名,身份证号\n".encode()), congress=office.county)


def test_a_file_without_the_required_headers_is_refused(office):
    with pytest.raises(importing.ImportRejected, match="缺少：代表层级、届次"):
        importing.check(xlsx([["张三", "x"]], headers=["姓名", "身份证号"]), congress=office.county)


# --- the command -------------------------------------------------------------------------------------------------


def save(tmp_path, rows) -> str:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx(rows).getvalue())
    return str(path)


def test_the_command_fails_with_the_row_errors_and_writes_nothing(office, tmp_path, capsys):
    path = save(tmp_path, [row(1), row(2, 所属镇街="不存在镇")])
    with pytest.raises(CommandError, match="1处错误"):
        call_command("import_deputies", path, "--congress", str(office.county.pk))
    assert "第3行【所属镇街】本单位没有名为“不存在镇”的镇街" in capsys.readouterr().err
    assert not Person.objects.exists()


def test_the_command_dry_run_checks_without_writing(office, tmp_path, capsys):
    call_command("import_deputies", save(tmp_path, good_rows(5)), "--dry-run", "--congress", str(office.county.pk))
    assert "检查通过" in capsys.readouterr().out
    assert not Person.objects.exists()


def test_the_command_imports_into_the_only_top_managed_congress(office, tmp_path):
    call_command("import_deputies", save(tmp_path, good_rows(5)))
    assert Seat.objects.filter(congress=office.county).count() == 5
    assert AuditEntry.objects.get(action=AuditEntry.Action.IMPORT).actor_name == "系统"


# --- the page ----------------------------------------------------------------------------------------------------


def test_the_template_has_the_chinese_headers(office, make_user, login):
    response = login(make_user("staff")).get(reverse("deputies:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert read_xlsx(response.content)[0] == [
        "姓名",
        "性别",
        "民族",
        "出生年月",
        "党派",
        "学历",
        "工作单位及职务",
        "代表层级",
        "届次",
        "选区",
        "代表构成",
        "所属镇街",
        "代表小组",
        "联系电话",
        "身份证号",
    ]


def test_upload_previews_then_confirm_writes(office, make_user, login):
    client = login(make_user("staff"))
    response = client.post(reverse("deputies:import"), {"file": xlsx(good_rows(12)), "congress": office.county.pk})
    assert response.status_code == 200
    assert "全部 12 行检查通过" in response.content.decode()
    assert not Person.objects.exists()
    response = client.post(reverse("deputies:import_confirm"))
    assert response.status_code == 302
    assert Person.objects.count() == 12
    # The pending file is used once.
    assert client.post(reverse("deputies:import_confirm")).status_code == 302
    assert Person.objects.count() == 12


def test_upload_of_a_bad_file_shows_the_errors_and_offers_no_confirm(office, make_user, login):
    client = login(make_user("staff"))
    response = client.post(
        reverse("deputies:import"), {"file": xlsx([row(1), row(2, 出生年月="去年")]), "congress": office.county.pk}
    )
    html = response.content.decode()
    assert "发现 1 处错误，未写入任何数据" in html
    assert "出生年月格式不正确" in html
    assert reverse("deputies:import_confirm") not in html
    client.post(reverse("deputies:import_confirm"))
    assert not Person.objects.exists()


def test_a_township_office_cannot_import_into_the_county(office, make_user, login):
    client = login(make_user("town_staff", congress=office.town_a))
    response = client.post(reverse("deputies:import"), {"file": xlsx([row(1)]), "congress": office.county.pk})
    assert "congress" in response.context["form"].errors
    assert not Person.objects.exists()


def test_a_township_without_a_congress_of_its_own_is_reported(office):
    f.AreaFactory(name="新设街道", level="township", parent=office.county.area)
    result = importing.check(xlsx([row(1, 代表层级="乡镇", 所属镇街="新设街道")]), congress=office.county)
    assert [e.message for e in result.errors] == ["新设街道没有乡镇人大的记录"]
