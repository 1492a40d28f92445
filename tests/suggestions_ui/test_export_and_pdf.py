"""The Excel export honours the filters and masks the phone; the PDFs carry the Chinese text and the numbers."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from suggestions.models import Assignment


def pdf_text(content: bytes) -> str:
    """The PDF's text without line breaks and spaces (pdfminer breaks lines where the layout wraps)."""
    return "".join(extract_text(io.BytesIO(content)).split())


def _rows(response):
    wb = load_workbook(io.BytesIO(response.content))
    return [[c.value for c in row] for row in wb.active.iter_rows()]


def test_the_export_masks_the_lead_deputys_phone_for_roles_that_may_not_see_it(cast, drive, client):
    drive.to("accepted")
    client.force_login(cast.leader)
    rows = _rows(client.get(reverse("suggestions:export")))
    phone_col = rows[0].index("联系电话")
    assert rows[1][phone_col] == "139****5678"
    client.force_login(cast.staff)
    rows = _rows(client.get(reverse("suggestions:export")))
    assert rows[1][phone_col] == "13912345678"


def test_the_export_honours_the_lists_filters(cast, drive, client):
    drive.to("accepted", title="关于教师队伍建设的建议")
    drive.to("submitted", title="关于财政预算公开的建议", category=cast.other_category)
    client.force_login(cast.staff)
    rows = _rows(client.get(reverse("suggestions:export"), {"state": "accepted"}))
    titles = [r[1] for r in rows[1:]]
    assert titles == ["关于教师队伍建设的建议"]
    rows = _rows(client.get(reverse("suggestions:export"), {"q": "第1号"}))
    assert [r[0] for r in rows[1:]] == ["第1号"]


def test_the_export_neutralises_formulas(cast, drive, client):
    drive.to("accepted", title='=HYPERLINK("http://x")关于的建议')
    client.force_login(cast.staff)
    rows = _rows(client.get(reverse("suggestions:export")))
    assert rows[1][1].startswith("'=")


def test_the_assignment_letter_lists_the_units_items_with_their_numbers(world, cast, drive, client):
    first = drive.to("handling", title="关于城关小学扩建的建议")
    second = drive.to("handling", title="关于增加幼儿园学位的建议")
    drive.to("handling", title="关于公交线路调整的建议", unit=world.other_unit)
    client.force_login(cast.staff)
    response = client.get(reverse("suggestions:assignment_letter"), {"unit": world.unit.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "关于交办代表建议的函" in text and "县教育局" in text
    assert first.number_display in text and second.number_display in text
    assert "公交线路" not in text


def test_a_unit_prints_only_its_own_assignment_letter(world, cast, drive, client):
    drive.to("handling", title="关于公交线路调整的建议", unit=world.other_unit)
    client.force_login(cast.unit_staff)
    response = client.get(reverse("suggestions:assignment_letter"), {"unit": world.other_unit.pk})
    text = pdf_text(response.content)
    assert "县教育局" in text and "公交线路" not in text


def test_the_feedback_form_carries_the_answer_and_the_rating_choices(cast, drive, client):
    s = drive.to("answered")
    answer = drive.sent_answer(s)
    client.force_login(cast.deputy)
    response = client.get(reverse("suggestions:feedback_form", args=[answer.pk]))
    text = pdf_text(response.content)
    assert "代表建议办理情况征询意见表" in text
    assert s.number_display in text and "李明" in text and "县教育局" in text
    for choice in ("满意", "基本满意", "不满意"):
        assert choice in text


def test_the_compilation_lists_a_meetings_accepted_suggestions_by_number(cast, drive, client):
    a = drive.to("accepted", title="关于教师队伍建设的建议")
    b = drive.to("accepted", title="关于增加幼儿园学位的建议")
    drive.to("submitted", title="尚未立案的建议")
    client.force_login(cast.staff)
    response = client.get(reverse("suggestions:compilation"), {"meeting": cast.meeting.pk})
    text = pdf_text(response.content)
    assert "代表建议汇编" in text and "目" in text
    assert "第1号" in text and "第2号" in text
    assert a.title in text and b.title in text and "尚未立案" not in text


def test_pdfs_cannot_fetch_local_files(cast, drive):
    """A title that smuggles an <img src=file://…> stays text: the fetcher serves only static files."""
    from core.pdf import StaticOnlyFetcher

    fetcher = StaticOnlyFetcher()
    for url in ("file:///etc/passwd", "http://example.com/x.png", "http://renda.invalid/static/../../etc/passwd"):
        try:
            fetcher.fetch(url)
        except ValueError:
            continue
        raise AssertionError(f"fetched {url}")
    s = drive.to("accepted", title='<img src="file:///etc/passwd">的建议')
    assert Assignment.objects.filter(suggestion=s).count() == 0
    from suggestions import pdf
    from suggestions.models import Suggestion

    text = extract_text(
        io.BytesIO(pdf.compilation(Suggestion.objects.filter(pk=s.pk), title="测试汇编", congress=None))
    )
    assert "<img" in text


def test_a_committee_may_not_print_the_assignment_letter(cast, client, world):
    client.force_login(cast.committee)
    assert client.get(reverse("suggestions:assignment_letter"), {"unit": world.unit.pk}).status_code == 403
