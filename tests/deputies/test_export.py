"""The Excel export of the deputy list: the current filters, masking for roles without personal data, no formulas."""

from django.urls import reverse

from core.models import AuditEntry
from deputies.exporting import safe_cell
from deputies.importing import HEADERS
from tests import factories as f

from .conftest import read_xlsx


def export(client, **params) -> list[dict]:
    response = client.get(reverse("deputies:export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = read_xlsx(response.content)
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_the_export_honours_the_current_filters(roster, world, make_user, login):
    client = login(make_user("staff"))
    assert [r["姓名"] for r in export(client, q="zw")] == ["张伟"]
    assert sorted(r["姓名"] for r in export(client, township=world.area_a.pk)) == ["张伟", "李娜"]


def test_the_export_uses_the_import_columns_so_it_can_be_re_imported(roster, make_user, login):
    (row,) = export(login(make_user("staff")), q="zw")
    assert list(row)[: len(HEADERS)] == HEADERS
    assert row["代表层级"] == "县" and row["届次"] == "第十八届" and row["代表小组"] == "城关代表小组"
    assert row["身份证号"] == roster.county_deputy.id_number
    assert row["联系电话"] == "13812341234"


def test_the_export_masks_personal_data_for_roles_that_may_not_see_it(roster, make_user, login):
    (row,) = export(login(make_user("leader")), q="zw")
    id_number = roster.county_deputy.id_number
    assert row["身份证号"] == id_number[:6] + "*" * 10 + id_number[-2:]
    assert row["联系电话"] == "138****1234"
    assert row["党派"] == "***"


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(world, make_user, login):
    person = f.PersonFactory(name="陈某", workplace='=HYPERLINK("http://x","点我")', education="+1", ethnicity="@SUM")
    f.SeatFactory(person=person, term=world.term)
    (row,) = export(login(make_user("staff")), q="陈")
    assert row["工作单位及职务"] == '\'=HYPERLINK("http://x","点我")'
    assert row["学历"] == "'+1" and row["民族"] == "'@SUM"
    assert [safe_cell(v) for v in ("-2", "\tx", "\rx", "＝1", "正常", 5)] == ["'-2", "'\tx", "'\rx", "'＝1", "正常", 5]


def test_an_export_is_recorded_in_the_audit_history(roster, make_user, login):
    leader = make_user("leader")
    export(login(leader), q="zw")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == leader
    assert "个人信息已脱敏" in entry.note
