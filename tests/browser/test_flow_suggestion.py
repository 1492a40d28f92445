"""A suggestion handled end to end in the browser: the unit signs, records the meeting, answers with a PDF letter; the
unit head signs the answer off; the deputy rates it on a 375 px phone; staff close it, download the feedback form and
the year's report on suggestion handling (PDF) with this item's figures. test_flow_import_and_assign.py shows the
chain's start: the roster import and the assignment (交办)."""

import shutil
import subprocess

import pytest
from django.utils import timezone

from reports.models import ReportJob
from reports.tasks import build_report
from suggestions.models import Answer, Assignment, Suggestion

from .conftest import horizontal_overflow, log_in

pytestmark = pytest.mark.browser

TITLE = "关于改善城关小学周边交通安全的建议"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: run `make system-deps` (poppler-utils).")
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def test_a_suggestion_goes_from_the_unit_to_the_deputys_rating_and_is_closed(new_page, people, flow, tmp_path):
    s = flow.to("handling", title=TITLE)
    lead = flow.lead_assignment(s)

    # The unit sees it on its to-do list, waiting to be signed, and signs it.
    unit = new_page()
    log_in(unit, people.unit_staff.username)
    unit.goto("/suggestions/todo/")
    todo = unit.locator("main").inner_text()
    assert TITLE in todo and "待签收" in todo and f"{lead.due_date:%Y-%m-%d}" in todo
    unit.get_by_role("link", name=TITLE).first.click()
    unit.get_by_role("button", name="签收").click()
    assert Assignment.objects.get(pk=lead.pk).state == Assignment.State.HANDLING

    # The meeting with the deputy, then the answer with its letter.
    unit.get_by_role("link", name="登记见面沟通").click()
    unit.locator("#id_date").fill(timezone.localdate().isoformat())
    unit.locator("#id_form").select_option("meeting")
    unit.locator("#id_participants").fill("李代表、王科长")
    unit.get_by_role("button", name="登记见面沟通").click()
    unit.get_by_role("link", name="答复", exact=True).click()
    letter = tmp_path / "答复函.pdf"
    letter.write_bytes(PDF_BYTES)
    unit.locator("#id_result_class input[value=A]").check()
    unit.locator("#id_text").fill("已在城关小学门前增设护学岗两处、减速带三条。")
    unit.locator("#id_letter").set_input_files(str(letter))
    unit.get_by_role("button", name="答复", exact=True).click()
    answer = Answer.objects.get(assignment=lead)
    assert answer.status == Answer.Status.PENDING_APPROVAL

    # The unit head signs the answer off from the to-do list.
    head = new_page()
    log_in(head, people.unit_head.username)
    head.goto("/suggestions/todo/")
    assert "待审核签发的答复" in head.locator("main").inner_text()
    head.get_by_role("link", name=TITLE).first.click()
    head.get_by_role("link", name="审核签发").first.click()
    head.get_by_role("button", name="审核签发").click()
    assert Suggestion.objects.get(pk=s.pk).state == Suggestion.State.ANSWERED

    # The deputy, on a phone, reads the answer and rates it.
    phone = new_page(phone=True)
    log_in(phone, people.deputy.username)
    assert "待测评的答复" in phone.locator("main").inner_text()
    phone.goto(f"/suggestions/{s.pk}/")
    detail = phone.locator("main").inner_text()
    assert "增设护学岗两处" in detail
    assert horizontal_overflow(phone) <= 0
    phone.get_by_role("link", name="对答复进行测评").first.click()
    assert horizontal_overflow(phone) <= 0
    phone.get_by_label("满意", exact=True).check()
    phone.locator("#id_comment").fill("落实很快")
    phone.get_by_role("button", name="提交测评").click()
    assert Suggestion.objects.get(pk=s.pk).state == Suggestion.State.RATED
    assert "满意" in phone.locator("main").inner_text()

    # Staff close it, see it closed, and download the feedback form as a PDF.
    staff = new_page()
    log_in(staff, people.staff.username)
    staff.goto(f"/suggestions/{s.pk}/")
    staff.get_by_role("link", name="办结").or_(staff.get_by_role("button", name="办结")).first.click()
    if staff.get_by_role("button", name="办结").count():
        staff.get_by_role("button", name="办结").click()
    staff.goto(f"/suggestions/{s.pk}/")
    assert "已办结" in staff.locator("main").inner_text()
    assert Suggestion.objects.get(pk=s.pk).state == Suggestion.State.CLOSED
    response = staff.request.get(f"/suggestions/answers/{answer.pk}/feedback-form.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "feedback.pdf"
    pdf.write_bytes(response.body())
    assert "城关小学" in pdf_text(pdf)

    # The year's report on suggestion handling: requested on the reports page, built in the background (here the
    # test runs the worker's task), then downloaded from the job's page. One item assigned, answered, met, closed.
    year = timezone.localdate().year
    staff.goto("/reports/new/")
    request_form = staff.locator("form[action$='/reports/request/']")
    request_form.locator("select[name=kind]").select_option(label="代表建议办理情况报告")
    request_form.locator("select[name=year]").select_option(str(year))
    request_form.locator("select[name=format]").select_option(label="PDF")
    staff.get_by_role("button", name="提交生成").click()
    title = f"测试县人大常委会代表工委关于{year}年度代表建议办理情况的报告"
    assert f"已提交生成“{title}”" in staff.locator("main").inner_text()
    job = ReportJob.objects.get(kind="suggestions", year=year)
    build_report(job.pk)
    staff.reload()
    assert "状态：已完成" in staff.locator("#job-status").inner_text()
    with staff.expect_download() as download:
        staff.get_by_role("link", name="下载").click()
    report = tmp_path / "report.pdf"
    download.value.save_as(report)
    text = pdf_text(report)
    assert f"关于{year}年度代表建议办理情况的报告" in text
    assert "交办代表建议1件" in text and "已答复1件" in text
    assert "县教育局" in text
