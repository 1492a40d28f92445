"""Staff pages and the deputy's phone: who sees what (404 outside the scope, 403 for a role that never may), the
mobile pages render, photos are compressed, and list pages keep a constant number of queries."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from accounts.models import Role
from duties import services
from duties.models import DutyPhoto, DutyRecord, DutyType

DAY = dt.date(2025, 5, 6)


def log(user, person, *, submit=True, title="走访选民"):
    data = {"type": DutyType.objects.get(code="voter_contact"), "date": DAY, "title": title}
    return services.log_duty(actor=user, person=person, data=data, submit=submit)


def jpeg_with_exif(size=(3200, 2400)) -> io.BytesIO:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0132] = "2025:05:06 10:00:00"  # DateTime
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    buf.seek(0)
    buf.name = "photo.jpg"
    return buf


# --- the deputy's phone -----------------------------------------------------------------------------------------


def test_the_deputy_home_shows_returned_records_and_the_log_button(client, duties):
    record = log(duties.alice_user, duties.alice)
    services.return_duty(record, actor=duties.liaison1, reason="请补充照片")
    client.force_login(duties.alice_user)
    html = client.get(reverse("core:home")).content.decode()
    assert "记录履职" in html and "被退回的履职记录" in html and "请补充照片" in html


@pytest.mark.parametrize("name", ["m_records", "m_record_new", "m_archive"])
def test_the_mobile_pages_render_for_a_deputy(client, duties, name):
    log(duties.alice_user, duties.alice)
    client.force_login(duties.alice_user)
    response = client.get(reverse(f"duties:{name}"))
    assert response.status_code == 200
    assert 'name="viewport"' in response.content.decode()


def test_a_deputy_logs_a_duty_with_a_photo_that_is_compressed_without_exif(client, duties):
    client.force_login(duties.alice_user)
    response = client.post(
        reverse("duties:m_record_new"),
        {
            "type": DutyType.objects.get(code="reception").pk,
            "date": "2025-05-06",
            "place": "城关镇代表之家",
            "title": "接待选民",
            "content": "听取道路修缮意见",
            "co_participants": [duties.carol.pk],
            "photos": [jpeg_with_exif()],
            "action": "submit",
        },
    )
    record = DutyRecord.objects.get(person=duties.alice)
    assert response.status_code == 302
    assert record.status == DutyRecord.Status.SUBMITTED
    assert list(record.co_participants.all()) == [duties.carol]
    photo = DutyPhoto.objects.get(record=record)
    with Image.open(photo.image.path) as img:
        assert img.format == "JPEG"
        assert max(img.size) == 1600
        assert not img.getexif()


def test_a_broken_image_is_refused_in_chinese_and_nothing_is_saved(client, duties):
    client.force_login(duties.alice_user)
    bad = io.BytesIO(b"not an image at all")
    bad.name = "x.jpg"
    response = client.post(
        reverse("duties:m_record_new"),
        {"type": DutyType.objects.get(code="reception").pk, "date": "2025-05-06", "title": "接待", "photos": [bad]},
    )
    assert response.status_code == 200
    assert "图片" in response.content.decode()
    assert not DutyRecord.objects.filter(person=duties.alice).exists()


def test_a_deputy_cannot_open_or_change_another_deputys_record(client, duties):
    other = log(duties.bob_user, duties.bob)
    client.force_login(duties.alice_user)
    assert client.get(reverse("duties:m_record_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("duties:m_record_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("duties:m_record_delete", args=[other.pk])).status_code == 404
    assert DutyRecord.objects.filter(pk=other.pk).exists()


def test_a_deputy_edits_a_draft_but_not_a_submitted_record(client, duties):
    draft = log(duties.alice_user, duties.alice, submit=False)
    client.force_login(duties.alice_user)
    data = {"type": draft.type_id, "date": "2025-05-07", "title": "改过的标题", "action": "draft"}
    assert client.post(reverse("duties:m_record_edit", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "改过的标题"
    services.submit_duty(draft, actor=duties.alice_user)
    client.post(reverse("duties:m_record_edit", args=[draft.pk]), {**data, "title": "再改"})
    draft.refresh_from_db()
    assert draft.title == "改过的标题"


def test_a_deputy_cannot_open_staff_pages_or_verify(client, duties):
    record = log(duties.alice_user, duties.alice)
    client.force_login(duties.alice_user)
    assert client.get(reverse("duties:record_list")).status_code == 403
    assert client.post(reverse("duties:record_verify", args=[record.pk])).status_code == 403
    record.refresh_from_db()
    assert record.status == DutyRecord.Status.SUBMITTED


# --- staff pages ------------------------------------------------------------------------------------------------


def test_the_right_liaison_verifies_on_the_record_page(client, duties):
    record = log(duties.alice_user, duties.alice)
    client.force_login(duties.liaison1)
    page = client.get(reverse("duties:record_detail", args=[record.pk]))
    assert "审核通过" in page.content.decode()
    client.post(reverse("duties:record_verify", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == DutyRecord.Status.VERIFIED


def test_another_groups_liaison_gets_404_and_cannot_verify(client, duties):
    record = log(duties.alice_user, duties.alice)
    client.force_login(duties.liaison2)
    assert client.get(reverse("duties:record_detail", args=[record.pk])).status_code == 404
    assert client.post(reverse("duties:record_verify", args=[record.pk])).status_code == 404
    listing = client.get(reverse("duties:record_list")).content.decode()
    assert record.title not in listing
    record.refresh_from_db()
    assert record.status == DutyRecord.Status.SUBMITTED


def test_a_liaison_cannot_open_the_assessment(client, duties):
    client.force_login(duties.liaison1)
    assert client.get(reverse("duties:rule_list")).status_code == 403


def test_a_photo_is_served_only_to_those_who_see_its_record(client, duties):
    record = services.log_duty(
        actor=duties.alice_user,
        person=duties.alice,
        data={"type": DutyType.objects.get(code="reception"), "date": DAY, "title": "接待"},
        photos=[jpeg_with_exif((400, 300))],
    )
    photo = record.photos.get()
    client.force_login(duties.bob_user)
    assert client.get(reverse("duties:photo", args=[photo.pk])).status_code == 404
    client.force_login(duties.liaison1)
    response = client.get(reverse("duties:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    "name",
    ["record_list", "attendance", "voter_report_list", "rule_list", "norms", "figures", "bundle", "record_create"],
)
def test_staff_pages_render(client, duties, name):
    log(duties.staff, duties.alice)
    client.force_login(duties.staff)
    response = client.get(reverse(f"duties:{name}"))
    assert response.status_code == 200
    assert "履职管理" in response.content.decode()  # the nav entry


def test_the_assessment_pages_render_with_bands_sorted_by_name(client, duties, world):
    rules = services.ensure_rule_set(actor=duties.staff, congress=world.county, year=2025)
    client.force_login(duties.staff)
    html = client.get(reverse("duties:scores", args=[rules.pk])).content.decode()
    # Sorted by name (pinyin initials): 艾丽 (al), 鲍勃 (bb), 卡罗 (kl) — never by points.
    assert html.index("艾丽") < html.index("鲍勃") < html.index("卡罗")
    assert client.get(reverse("duties:below_line", args=[rules.pk])).status_code == 200
    assert client.get(reverse("duties:rule_edit", args=[rules.pk])).status_code == 200


def test_the_export_is_an_excel_file(client, duties):
    log(duties.staff, duties.alice)
    client.force_login(duties.staff)
    response = client.get(reverse("duties:record_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


# --- query counts ----------------------------------------------------------------------------------------------


def make_records(person, n, status=DutyRecord.Status.VERIFIED):
    kind = DutyType.objects.get(code="voter_contact")
    DutyRecord.objects.bulk_create(
        DutyRecord(person=person, type=kind, date=DAY, title=f"记录{i}", source=f"bulk:{i}", status=status)
        for i in range(n)
    )


@pytest.mark.parametrize("page", ["duties:record_list", "duties:m_records"])
def test_list_query_counts_do_not_grow_with_rows(client, duties, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = duties.staff if page == "duties:record_list" else duties.alice_user
    client.force_login(user)
    counts = []
    for n in (20, 200):
        DutyRecord.objects.all().delete()
        make_records(duties.alice, n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(page)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    # Session, user, roles, the congress scope, the bell and the session save come with every page; the page's own
    # queries (count, rows, filter choices) stay within 8.
    assert counts[1] <= 16


# --- the phone's CSS ------------------------------------------------------------------------------------------


def test_the_mobile_css_and_templates_have_no_fixed_width_wider_than_the_phone():
    root = Path(settings.BASE_DIR)
    css = (root / "static/css/duties.css").read_text()
    widths = [int(w) for w in re.findall(r"(?:^|[;{\s])(?:min-)?width:\s*(\d+)px", css)]
    assert widths and max(widths) <= 375 or not widths
    for name in ["duty_list", "duty_form", "duty_detail", "duty_archive"]:
        html = (root / f"templates/mobile/{name}.html").read_text()
        assert not [int(w) for w in re.findall(r'width="(\d+)"', html) if int(w) > 375]


def test_township_staff_see_only_their_townships_records(client, duties, world, make_user):
    log(duties.staff, duties.alice, title="城关镇记录")  # alice: 城关镇
    log(duties.staff, duties.bob, title="河西镇记录")  # bob: 河西镇
    client.force_login(make_user(Role.TOWN_STAFF, congress=world.town_a))
    html = client.get(reverse("duties:record_list")).content.decode()
    assert "城关镇记录" in html and "河西镇记录" not in html


def test_the_attendance_sheet_saves_nothing_when_one_row_is_wrong(client, duties, world):
    from duties.models import MeetingAttendance
    from tests import factories as f

    meeting = f.MeetingFactory(term=world.term, start=dt.date(2025, 1, 10), end=dt.date(2025, 1, 13))
    client.force_login(duties.staff)
    url = reverse("duties:attendance_meeting", args=[meeting.pk])
    bad = {f"status_{duties.alice.pk}": "present", f"status_{duties.bob.pk}": "leave", f"half_{duties.bob.pk}": ""}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "请假天数" in response.content.decode()
    assert not MeetingAttendance.objects.exists()
    good = {**bad, f"half_{duties.bob.pk}": "2"}
    assert client.post(url, good).status_code == 302
    assert MeetingAttendance.objects.get(person=duties.bob).leave_half_days == 2
    assert DutyRecord.objects.filter(person=duties.alice, source=f"meeting:{meeting.pk}").exists()


def test_an_interview_is_recorded_for_a_deputy_below_the_line(client, duties, world):
    from duties.models import Interview

    rules = services.ensure_rule_set(actor=duties.staff, congress=world.county, year=2025)
    client.force_login(duties.staff)
    below = client.get(reverse("duties:below_line", args=[rules.pk])).content.decode()
    assert "艾丽" in below and "未约谈" in below  # nothing recorded: 50 points, 差
    response = client.post(
        reverse("duties:interview_new", args=[rules.pk, duties.alice.pk]),
        {"date": dt.date.today().isoformat(), "interviewers": "常委会副主任王某", "outcome": "表示改进"},
    )
    assert response.status_code == 302
    interview = Interview.objects.get(person=duties.alice)
    assert (interview.year, interview.congress) == (2025, world.county)
    assert "常委会副主任王某" in client.get(reverse("duties:below_line", args=[rules.pk])).content.decode()
