"""Annual reports: the same figures in the PDF, the Excel file and the stats API; issued years frozen; jobs queued
on request, built once, failing cleanly; scope."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from accounts.models import Role
from reports import services
from reports.models import ReportJob, YearSnapshot
from reports.schedules import ANNUAL, ensure_schedules
from reports.tasks import build_report, sweep_queued
from suggestions.models import Rating

STATS = "/api/v1/stats/suggestions/"
API = "/api/v1/reports/"


def _api_total(client, **params):
    return client.get(STATS, {"year": 2026, **params}).json()


def _cells(path_or_bytes) -> list:
    book = load_workbook(io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes)
    return [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c is not None]


def test_the_suggestions_pdf_holds_the_chinese_headings_and_the_stats_api_figures_in_an_embedded_cjk_font(
    client, make_user, year_2026, tmp_path
):
    client.force_login(make_user(Role.STAFF))
    api = _api_total(client)["total"]["figures"]
    out = tmp_path / "suggestions.pdf"
    call_command(
        "annual_report", "--year", "2026", "--kind", "suggestions", "--format", "pdf", "--output", str(out),
        "--congress", str(year_2026.county.pk), stdout=io.StringIO(),
    )  # fmt: skip
    text = extract_text(str(out)).replace(" ", "")
    assert "关于2026年度代表建议办理情况的报告" in text
    for heading in (
        "一、总体情况",
        "三、各承办单位办理情况",
        "五、重点督办建议及办理结果",
        "六、不满意建议重新办理情况",
    ):
        assert heading in text
    flat = text.replace("\n", "")
    counts = client.get(STATS, {"year": 2026}).json()["total"]["counts"]
    assert f"交办代表建议{counts['assigned']}件" in flat and f"已答复{counts['answered']}件" in flat
    for phrase, code in (
        ("答复率", "answer_rate"),
        ("按期答复率", "ontime_rate"),
        ("见面率", "meet_rate"),
        ("办结率", "close_rate"),
        ("首轮满意率", "first_satisfied_rate"),
        ("最终满意率", "final_satisfied_rate"),
        ("满意和基本满意率", "final_positive_rate"),
    ):
        assert f"{phrase}{api[code]['display']}" in flat, phrase
    # Titles may wrap inside a table cell (column widths follow unit names, which come from factory sequences).
    assert "关于推进县城停车场建设的建议" in flat and "关于改善城关镇农贸市场排水的建议" in flat
    assert not list(tmp_path.glob(".*partial"))

    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed: the embedded-font check cannot run")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    cjk = [
        line for line in fonts.splitlines() if "WenQuanYi" in line or "NotoSansCJK" in line or "Noto Sans CJK" in line
    ]
    assert cjk, fonts
    # A subset font is named with a six-letter tag (ABCDEF+Name) and flagged emb=yes, sub=yes.
    assert any("+" in line.split()[0] and " yes yes " in f" {' '.join(line.split()[-5:])} " for line in cjk), fonts


def test_the_excel_report_holds_the_same_figures_as_the_stats_api(client, make_user, year_2026, tmp_path):
    client.force_login(make_user(Role.STAFF))
    body = _api_total(client, breakdown="unit")
    out = tmp_path / "suggestions.xlsx"
    call_command(
        "annual_report", "--year", "2026", "--kind", "suggestions", "--format", "xlsx", "--output", str(out),
        "--congress", str(year_2026.county.pk), stdout=io.StringIO(),
    )  # fmt: skip
    book = load_workbook(out)
    rows = {r[0]: r for r in book["总体情况"].iter_rows(values_only=True) if r and r[0]}
    for f in body["total"]["figures"].values():
        assert rows[f["label"]][1:4] == (f["numerator"], f["denominator"], f["display"])
    by_unit = {r[0]: r for r in book["按承办单位"].iter_rows(values_only=True)}
    for r in body["rows"]:
        assert by_unit[r["label"]][1] == r["counts"]["assigned"]
        assert by_unit[r["label"]][2] == r["figures"]["meet_rate"]["display"]


def test_an_issued_year_keeps_its_figures_after_data_edits_and_live_flags_the_difference(client, make_user, year_2026):
    staff = make_user(Role.STAFF)
    client.force_login(staff)
    before = _api_total(client)
    services.issue_year(actor=staff, congress=year_2026.county, year=2026)
    Rating.objects.filter(value=Rating.Value.UNSATISFIED).update(value=Rating.Value.SATISFIED)

    issued = _api_total(client)
    assert issued["figures_source"]["source"] == "snapshot"
    assert issued["total"]["figures"] == before["total"]["figures"]
    live = _api_total(client, live=1)
    assert live["figures_source"]["differs_from_issued"] is True
    assert live["total"]["figures"]["first_satisfied_rate"] != before["total"]["figures"]["first_satisfied_rate"]
    changed = {c["code"] for c in live["figures_source"]["changes"]}
    assert "first_satisfied_rate" in changed and "meet_rate" not in changed

    page = client.get("/stats/suggestions/", {"year": 2026}).content.decode()
    assert "签发时冻结的数据" in page and before["total"]["figures"]["first_satisfied_rate"]["display"] in page
    assert "与签发数据不同" in client.get("/stats/suggestions/", {"year": 2026, "live": 1}).content.decode()


def test_live_figures_of_an_issued_year_without_edits_do_not_differ(client, make_user, year_2026):
    staff = make_user(Role.STAFF)
    client.force_login(staff)
    services.issue_year(actor=staff, congress=year_2026.county, year=2026)
    live = _api_total(client, live=1)
    assert live["figures_source"]["differs_from_issued"] is False and live["figures_source"]["changes"] == []


def test_a_regenerated_report_of_an_issued_year_states_the_difference(make_user, year_2026):
    staff = make_user(Role.STAFF)
    services.issue_year(actor=staff, congress=year_2026.county, year=2026)
    Rating.objects.filter(value=Rating.Value.UNSATISFIED).update(value=Rating.Value.SATISFIED)
    job = services.request_report(actor=staff, congress=year_2026.county, kind="suggestions", year=2026, fmt="xlsx")
    assert services.run_job(job.pk) == "done"
    job.refresh_from_db()
    cells = _cells(job.file.path)
    assert "签发后数据变化" in cells and "满意率（首轮）" in cells


def test_the_request_returns_before_the_report_is_built(
    client, make_user, year_2026, django_capture_on_commit_callbacks
):
    client.force_login(make_user(Role.STAFF))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            API, {"kind": "suggestions", "year": 2026, "format": "pdf"}, content_type="application/json"
        )
    assert response.status_code == 202
    job = ReportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.file.name, response.json()["download_url"]) == ("queued", "", None)
    assert len(callbacks) == 1  # the build is queued on commit, not run in the request

    page = client.post("/reports/request/", {"kind": "unit", "year": 2026, "format": "xlsx", "unit": year_2026.unit.pk})
    assert page.status_code == 302
    assert ReportJob.objects.filter(kind="unit", status="queued", file="").count() == 1
    detail = client.get(page["Location"]).content.decode()
    assert "排队中" in detail and 'http-equiv="refresh"' in detail


def test_a_failing_build_marks_the_job_failed_with_a_reason_and_leaves_no_file(client, make_user, year_2026, settings):
    staff = make_user(Role.STAFF)
    job = ReportJob.objects.create(congress=year_2026.county, kind="unit", year=2026, format="pdf", requested_by=staff)
    assert services.run_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "承办单位报告需要指定承办单位" and not job.file
    reports_dir = settings.MEDIA_ROOT / "reports"
    assert not [p for p in reports_dir.rglob("*") if p.is_file()]

    client.force_login(staff)
    page = client.get(f"/reports/{job.pk}/").content.decode()
    assert "失败原因：承办单位报告需要指定承办单位" in page and "重试" in page
    assert client.get(f"/reports/{job.pk}/download/").status_code == 404
    assert client.post(f"/reports/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error) == ("queued", "")


def test_the_task_run_twice_builds_once(make_user, year_2026):
    staff = make_user(Role.STAFF)
    job = services.request_report(actor=staff, congress=year_2026.county, kind="suggestions", year=2026, fmt="xlsx")
    assert build_report.run(job.pk) == "done"
    job.refresh_from_db()
    first = (job.finished_at, job.file.name)
    assert build_report.run(job.pk) == "skipped"
    job.refresh_from_db()
    assert (job.finished_at, job.file.name, job.attempts) == (*first, 1)
    assert job.requested_by.notifications.filter(title="报告已生成").count() == 1
    with pytest.raises(Exception):  # noqa: B017, PT011 - IllegalTransition (409): only a failed job is retried
        services.retry_job(job, actor=staff)


def test_a_unit_cannot_request_or_see_another_units_report(client, make_user, year_2026):
    staff = make_user(Role.STAFF)
    theirs = services.request_report(
        actor=staff, congress=year_2026.county, kind="unit", year=2026, fmt="xlsx", unit=year_2026.other_unit
    )
    county = services.request_report(actor=staff, congress=year_2026.county, kind="suggestions", year=2026)
    client.force_login(make_user(Role.UNIT_STAFF, unit=year_2026.unit))
    other = client.post(
        API, {"kind": "unit", "year": 2026, "unit": year_2026.other_unit.pk}, content_type="application/json"
    )
    assert other.status_code == 404
    assert client.post(API, {"kind": "suggestions", "year": 2026}, content_type="application/json").status_code == 403
    own = client.post(API, {"kind": "unit", "year": 2026}, content_type="application/json")
    assert own.status_code == 202 and own.json()["unit"] == year_2026.unit.pk
    assert [j["id"] for j in client.get(API).json()["results"]] == [own.json()["id"]]
    for job in (theirs, county):
        assert client.get(f"{API}{job.pk}/").status_code == 404
        assert client.get(f"/reports/{job.pk}/").status_code == 404


def test_a_deputy_has_no_reports_page(client, make_user, year_2026):
    client.force_login(make_user(Role.DEPUTY))
    assert client.get("/reports/").status_code == 403
    assert client.get(API).status_code == 403


def test_the_unit_report_shows_the_units_own_figures(make_user, year_2026, client):
    staff = make_user(Role.STAFF)
    client.force_login(staff)
    api = client.get(STATS, {"year": 2026, "breakdown": "unit"}).json()
    row = next(r for r in api["rows"] if r["key"] == year_2026.unit.pk)
    job = services.request_report(
        actor=staff, congress=year_2026.county, kind="unit", year=2026, fmt="xlsx", unit=year_2026.unit
    )
    services.run_job(job.pk)
    job.refresh_from_db()
    rows = {r[0]: r for r in load_workbook(job.file.path).active.iter_rows(values_only=True) if r and r[0]}
    assert rows["答复率"][1:4] == (
        row["figures"]["answer_rate"]["numerator"],
        row["figures"]["answer_rate"]["denominator"],
        row["figures"]["answer_rate"]["display"],
    )


def test_text_that_looks_like_a_formula_is_written_as_text(make_user, year_2026, build):
    build("answered", answered_on=dt.date(2026, 5, 2), is_key=True, title='=HYPERLINK("http://x.invalid","点击")')
    job = services.request_report(actor=None, congress=year_2026.county, kind="suggestions", year=2026, fmt="xlsx")
    services.run_job(job.pk)
    job.refresh_from_db()
    cells = _cells(job.file.path)
    assert '\'=HYPERLINK("http://x.invalid","点击")' in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)


def test_the_deputies_report_counts_training_duties_groups_and_bands(make_user, year_2026):
    job = services.request_report(actor=None, congress=year_2026.county, kind="deputies", year=2026, fmt="xlsx")
    assert services.run_job(job.pk) == "done"
    job.refresh_from_db()
    cells = _cells(job.file.path)
    assert (
        "培训班次" in cells
        and "考核等次" in cells
        and "好" in cells
        and "代表之家接待" in load_workbook(job.file.path).sheetnames
    )


def test_the_january_schedule_and_the_sweep_are_registered_once(db):
    from django_celery_beat.models import PeriodicTask

    ensure_schedules()
    ensure_schedules()
    task = PeriodicTask.objects.get(name=ANNUAL)
    assert (task.crontab.day_of_month, task.crontab.month_of_year, task.task) == (
        "5", "1", "reports.tasks.issue_previous_year",
    )  # fmt: skip
    assert PeriodicTask.objects.filter(task="reports.tasks.sweep_queued").count() == 1


def test_the_sweep_queues_again_jobs_left_queued(make_user, year_2026):
    from django.utils import timezone

    stale = services.request_report(actor=None, congress=year_2026.county, kind="suggestions", year=2026)
    fresh = services.request_report(actor=None, congress=year_2026.county, kind="deputies", year=2026)
    ReportJob.objects.filter(pk=stale.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=10))
    assert sweep_queued.run() == 1
    assert ReportJob.objects.get(pk=fresh.pk).status == "queued"


def test_the_january_run_issues_last_year_once(make_user, year_2026):
    jobs = services.issue_and_build(actor=None, congress=year_2026.county, year=2026)
    assert sorted((j.kind, j.format) for j in jobs) == [
        ("deputies", "pdf"), ("deputies", "xlsx"), ("suggestions", "pdf"), ("suggestions", "xlsx"),
    ]  # fmt: skip
    assert YearSnapshot.objects.filter(congress=year_2026.county, year=2026).count() == 2
    assert services.issue_and_build(actor=None, congress=year_2026.county, year=2026) == []


@pytest.mark.parametrize("rows", [20, 200])
def test_the_reports_page_runs_a_fixed_number_of_queries(
    client, make_user, year_2026, rows, django_assert_max_num_queries
):
    staff = make_user(Role.STAFF)
    ReportJob.objects.bulk_create(
        ReportJob(congress=year_2026.county, kind="suggestions", year=2026, requested_by=staff, title=f"报告{i}")
        for i in range(rows)
    )
    client.force_login(staff)
    client.get("/reports/")  # warm the session and the user's roles
    with django_assert_max_num_queries(8):
        response = client.get("/reports/")
    assert response.status_code == 200 and "报告列表" in response.content.decode()


def test_the_report_figures_take_the_same_number_of_queries_whatever_the_number_of_suggestions(
    year_2026, build, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import figures

    with CaptureQueriesContext(connection) as few:
        figures.suggestion_figures(year_2026.county.pk, 2026)
    for _ in range(8):
        build("answered", answered_on=dt.date(2026, 5, 3), contact=True, ratings=["basic"])
    with django_assert_num_queries(len(few)):
        figures.suggestion_figures(year_2026.county.pk, 2026)


def test_a_done_report_is_downloaded_through_the_api(client, make_user, year_2026):
    staff = make_user(Role.STAFF)
    job = services.request_report(actor=staff, congress=year_2026.county, kind="deputies", year=2026, fmt="xlsx")
    services.run_job(job.pk)
    client.force_login(staff)
    body = client.get(f"{API}{job.pk}/").json()
    assert (body["status"], body["progress"]) == ("done", 100)
    response = client.get(body["download_url"])
    assert response.status_code == 200
    assert "代表工作" in load_workbook(io.BytesIO(b"".join(response.streaming_content))).sheetnames


def test_the_request_form_offers_a_unit_only_its_own_report(client, make_user, year_2026):
    client.force_login(make_user(Role.STAFF))
    staff_page = client.get("/reports/new/").content.decode()
    assert "签发年度数据" in staff_page and year_2026.other_unit.name in staff_page
    client.force_login(make_user(Role.UNIT_STAFF, unit=year_2026.unit))
    unit_page = client.get("/reports/new/").content.decode()
    assert "签发年度数据" not in unit_page and "代表建议办理情况报告" not in unit_page
    assert "承办单位年度办理情况" in unit_page


def test_a_running_job_no_worker_will_finish_is_failed_with_its_reason_and_can_be_retried(year_2026, make_user):
    from django.utils import timezone

    staff = make_user(Role.STAFF)
    abandoned = services.request_report(actor=staff, congress=year_2026.county, kind="suggestions", year=2026)
    building = services.request_report(actor=staff, congress=year_2026.county, kind="deputies", year=2026)
    limit = services.abandoned_after()
    # Past the redelivery window (the visibility timeout, longer than the build's time limit): nobody will end it.
    assert limit > dt.timedelta(seconds=build_report.time_limit)
    now = timezone.now()
    ReportJob.objects.filter(pk=abandoned.pk).update(status="running", started_at=now - limit - dt.timedelta(minutes=1))
    ReportJob.objects.filter(pk=building.pk).update(status="running", started_at=now - dt.timedelta(minutes=20))

    assert sweep_queued.run() == 1
    abandoned.refresh_from_db()
    assert abandoned.status == "failed" and "超时或后台进程中止" in abandoned.error and not abandoned.file
    assert ReportJob.objects.get(pk=building.pk).status == "running"
    assert services.fail_abandoned() == 0  # idempotent
    services.retry_job(abandoned, actor=staff)
    assert ReportJob.objects.get(pk=abandoned.pk).status == "queued"
