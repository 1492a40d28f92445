"""The deputies report of an issued year states which figures changed since issue (issued value → live value), and
the January run issues reports for county-level congresses and above only."""

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook
from pdfminer.high_level import extract_text
from pdfminer.layout import LAParams

from duties.models import DutyRecord, DutyType
from organization.models import Congress
from reports import builders, services
from reports.models import ReportJob, YearSnapshot
from reports.tasks import annual_congresses, issue_previous_year
from tests import factories as f


def _verified_duty(person, on: dt.date, code: str = DutyType.RECEPTION) -> DutyRecord:
    return DutyRecord.objects.create(
        person=person,
        type=DutyType.objects.get(code=code),
        date=on,
        title="到代表联络站接待选民",
        status=DutyRecord.Status.VERIFIED,
    )


def test_a_regenerated_deputies_report_of_an_issued_year_states_each_changed_figure(make_user, world):
    seated = f.SeatFactory(term=world.term, start=dt.date(2022, 1, 5)).person
    other = f.SeatFactory(term=world.term, start=dt.date(2022, 1, 5)).person
    _verified_duty(seated, dt.date(2026, 3, 1))
    _verified_duty(seated, dt.date(2026, 4, 1))
    reception = DutyType.objects.get(code=DutyType.RECEPTION).name
    staff = make_user("staff")
    services.issue_year(actor=staff, congress=world.county, year=2026, kind="deputies")

    # After issue: a third reception by the same deputy and a first one by another deputy are verified.
    _verified_duty(seated, dt.date(2026, 5, 1))
    _verified_duty(other, dt.date(2026, 6, 1))

    ctx = builders.deputies_context(world.county, 2026)
    changes = {c["label"]: (c["issued"], c["current"]) for c in ctx["changes"]}
    # 2 records by 1 deputy when issued; 4 records by 2 deputies now. Nothing else changed.
    assert changes == {
        f"履职记录：{reception}（条）": ("2", "4"),
        f"履职记录：{reception}（人）": ("1", "2"),
        "履职记录：合计（条）": ("2", "4"),
    }

    job = services.request_report(actor=staff, congress=world.county, kind="deputies", year=2026, fmt="xlsx")
    assert services.run_job(job.pk) == "done"
    job.refresh_from_db()
    rows = [r for r in load_workbook(job.file.path)["代表工作"].iter_rows(values_only=True)]
    header = rows.index(("签发后数据变化", "签发时", "当前"))
    assert rows[header + 1 : header + 4] == [
        (f"履职记录：{reception}（条）", "2", "4"),
        (f"履职记录：{reception}（人）", "1", "2"),
        ("履职记录：合计（条）", "2", "4"),
    ]
    pdf = builders.build("deputies", 2026, "pdf", congress=world.county).content
    # Boxes in reading order by position (a table row's cells side by side), not by pdfminer's column flow.
    text = extract_text(io.BytesIO(pdf), laparams=LAParams(boxes_flow=None)).replace(" ", "").replace("\n", "")
    assert "签发后数据有以下变化" in text and "履职记录：合计（条）24" in text


def test_a_deputies_report_of_an_issued_year_without_edits_states_no_change(make_user, world):
    seated = f.SeatFactory(term=world.term, start=dt.date(2022, 1, 5)).person
    _verified_duty(seated, dt.date(2026, 3, 1))
    services.issue_year(actor=None, congress=world.county, year=2026, kind="deputies")
    ctx = builders.deputies_context(world.county, 2026)
    assert ctx["snapshot"] is not None and ctx["changes"] == []


def test_a_row_that_appears_after_issue_is_a_change_from_nothing(world):
    from reports.snapshots import changed_deputy_figures

    issued = {"duties": [], "duties_total": 0, "groups": [], "bands": [], "training": {}, "stations": {}}
    live = {**issued, "groups": [{"name": "第一代表小组", "members": 12, "activities": 3}], "group_activities": 3}
    issued["group_activities"] = 0
    changes = {c["label"]: (c["issued"], c["current"]) for c in changed_deputy_figures(issued, live)}
    assert changes == {
        "代表小组：第一代表小组成员（人）": ("—", "12"),
        "代表小组：第一代表小组活动（次）": ("—", "3"),
        "代表小组：活动合计（次）": ("0", "3"),
    }


def test_the_january_run_builds_reports_for_county_level_and_above_not_townships(make_user, world):
    city_area = f.AreaFactory(name="测试市", level="city")
    city = f.CongressFactory(name="测试市人民代表大会", level=Congress.Level.CITY, area=city_area)
    Congress.objects.filter(pk=world.county.pk).update(parent=city)
    # A managed township congress under the county (world.town_a, world.town_b) and one not managed above.
    province = f.CongressFactory(name="测试省人民代表大会", level=Congress.Level.PROVINCE, is_managed=False)
    Congress.objects.filter(pk=city.pk).update(parent=province)
    assert Congress.objects.filter(is_managed=True, level=Congress.Level.TOWNSHIP).count() == 2

    assert list(annual_congresses()) == [world.county, city]
    year = timezone.localdate().year - 1
    assert issue_previous_year.run() == 8  # two congresses × (suggestions, deputies) × (PDF, Excel)
    issued = set(YearSnapshot.objects.filter(year=year).values_list("congress_id", "kind"))
    assert issued == {(c.pk, k) for c in (world.county, city) for k in ("suggestions", "deputies")}
    assert set(ReportJob.objects.values_list("congress_id", flat=True)) == {world.county.pk, city.pk}
    assert not ReportJob.objects.filter(congress__level=Congress.Level.TOWNSHIP).exists()


def test_an_issued_year_report_prints_the_issued_figures_after_edits_and_the_snapshot_stays_unchanged(
    make_user, year_2026
):
    from suggestions.models import Rating

    staff = make_user("staff")
    snap = services.issue_year(actor=staff, congress=year_2026.county, year=2026)
    frozen = YearSnapshot.objects.get(pk=snap.pk).figures
    issued = frozen["by"][""]["total"]["figures"]["first_satisfied_rate"]
    Rating.objects.filter(value=Rating.Value.UNSATISFIED).update(value=Rating.Value.SATISFIED)

    assert YearSnapshot.objects.get(pk=snap.pk).figures == frozen
    job = services.request_report(actor=staff, congress=year_2026.county, kind="suggestions", year=2026, fmt="xlsx")
    assert services.run_job(job.pk) == "done"
    job.refresh_from_db()
    rows = [r for r in load_workbook(job.file.path)["总体情况"].iter_rows(values_only=True) if r and r[0]]
    figure, change = [r for r in rows if r[0] == "满意率（首轮）"]  # the figures table, then the changes table
    # The figure as issued (1 satisfied of 2 rated in the first round), not the live one (2 of 2) …
    assert figure[1:4] == (issued["numerator"], issued["denominator"], issued["display"]) == (1, 2, "50.0%")
    # … and the change since issue stated beside it.
    assert change[1:3] == ("50.0%（1/2）", "100.0%（2/2）")
