"""What the lists show: due-date marks and order on the unit's to-do list, the filters of the office list."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from suggestions.models import Assignment


def _due_in(s, drive, days):
    lead = drive.lead_assignment(s)
    Assignment.objects.filter(pk=lead.pk).update(due_date=timezone.localdate() + dt.timedelta(days=days))


def test_the_to_do_list_is_ordered_by_due_date_with_overdue_and_near_due_marks(cast, drive, client):
    later = drive.to("handling", title="期限尚远的建议")
    overdue = drive.to("handling", title="已经逾期的建议")
    near = drive.to("handling", title="即将到期的建议")
    _due_in(later, drive, 60)
    _due_in(overdue, drive, -3)
    _due_in(near, drive, 10)
    client.force_login(cast.unit_staff)
    page = client.get(reverse("suggestions:todo")).content.decode()
    assert page.index("已经逾期的建议") < page.index("即将到期的建议") < page.index("期限尚远的建议")
    assert "逾期3天" in page and "临期（剩10天）" in page
    row_of_later = next(row for row in page.split("<tr>") if "期限尚远的建议" in row)
    assert "逾期" not in row_of_later and "临期" not in row_of_later


def test_the_office_list_filters_overdue_key_state_and_search(cast, drive, client):
    overdue = drive.to("handling", title="已经逾期的建议")
    on_time = drive.to("handling", title="按期办理的建议")
    _due_in(overdue, drive, -1)
    _due_in(on_time, drive, 30)
    submitted = drive.to("submitted", title="刚提交的建议")
    client.force_login(cast.staff)
    url = reverse("suggestions:list")
    page = client.get(url, {"overdue": "on"}).content.decode()
    assert overdue.title in page and on_time.title not in page
    page = client.get(url, {"state": "submitted"}).content.decode()
    assert submitted.title in page and overdue.title not in page
    page = client.get(url, {"q": "按期"}).content.decode()
    assert on_time.title in page and overdue.title not in page
    page = client.get(url, {"q": overdue.number_display}).content.decode()
    assert overdue.title in page and on_time.title not in page


def test_the_office_list_shows_each_items_units_and_pages(world, cast, drive, client):
    s = drive.to("handling", title="关于城关小学扩建的建议")
    client.force_login(cast.staff)
    page = client.get(reverse("suggestions:list")).content.decode()
    assert "县教育局（主办）" in page and s.number_display in page
