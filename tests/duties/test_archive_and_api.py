"""一人一册 (PDF with readable Chinese, the command, the bundle), the norm checks, and the API's scopes."""

import datetime as dt
import io

from django.core.management import call_command
from django.urls import reverse
from pdfminer.high_level import extract_text
from rest_framework.test import APIClient

from duties import norms, services
from duties.models import DutyRecord, DutyType

DAY = dt.date(2025, 5, 6)


def verified(person, code, title, n=1, year=2025):
    for i in range(n):
        services.record_duty(
            person=person, type_code=code, date=dt.date(year, 4, 1 + i), title=title, source=f"t:{code}:{title}:{i}"
        )


def test_the_archive_pdf_contains_the_deputys_records_in_readable_chinese(client, duties):
    verified(duties.alice, "inspection", "视察城关镇污水处理厂")
    verified(duties.alice, "reception", "接待河坝村选民反映道路问题")
    verified(duties.bob, "inspection", "鲍勃的视察不应出现")
    client.force_login(duties.staff)
    response = client.get(reverse("duties:archive_pdf", args=[duties.alice.pk]) + "?year=2025")
    assert response["Content-Type"] == "application/pdf"
    text = extract_text(io.BytesIO(response.content))
    assert "艾丽代表履职档案" in text
    assert "视察城关镇污水处理厂" in text and "接待河坝村选民反映道路问题" in text
    assert "鲍勃的视察不应出现" not in text


def test_the_deputy_downloads_their_own_archive_from_the_phone(client, duties):
    verified(duties.alice, "voter_contact", "走访独居老人")
    client.force_login(duties.alice_user)
    response = client.get(reverse("duties:m_archive_pdf") + "?year=2025")
    assert "走访独居老人" in extract_text(io.BytesIO(response.content))


def test_a_liaison_cannot_open_the_archive_of_another_groups_deputy(client, duties):
    client.force_login(duties.liaison2)
    assert client.get(reverse("duties:archive", args=[duties.alice.pk])).status_code == 404
    assert client.get(reverse("duties:archive_pdf", args=[duties.alice.pk])).status_code == 404


def test_the_annual_report_command_writes_the_pdf(duties, tmp_path):
    verified(duties.carol, "research", "调研乡村学校校车")
    out = tmp_path / "carol.pdf"
    call_command(
        "annual_report", "--kind", "deputy", "--deputy", str(duties.carol.pk), "--year", "2025",
        "--format", "pdf", "--output", str(out), stdout=io.StringIO(),
    )  # fmt: skip
    text = extract_text(str(out))
    assert "卡罗代表履职档案" in text and "调研乡村学校校车" in text


def test_the_group_bundle_has_each_members_archive(client, duties):
    verified(duties.alice, "inspection", "艾丽视察")
    verified(duties.carol, "inspection", "卡罗视察")
    client.force_login(duties.staff)
    response = client.get(reverse("duties:bundle") + f"?group={duties.group1.pk}&year=2025")
    text = extract_text(io.BytesIO(response.content))
    assert "艾丽代表履职档案" in text and "卡罗代表履职档案" in text and "鲍勃" not in text


# --- norm checks -------------------------------------------------------------------------------------------------


def test_norm_checks_find_few_contacts_no_station_visit_few_group_activities_and_no_report(duties, world):
    verified(duties.alice, "reception", "接待", n=6)
    verified(duties.alice, "voter_contact", "联系", n=4)  # alice: 10 contacts, at the station
    verified(duties.bob, "voter_contact", "联系", n=9)  # bob: 9 contacts, never at the station
    services.record_voter_report(
        actor=duties.staff,
        person=duties.alice,
        data={"date": DAY, "place": "代表之家", "voters_present": 55, "satisfied": 50},
    )
    for day in (1, 2):  # two activities of group 1 on two days
        services.log_duty(
            actor=duties.staff,
            person=duties.alice,
            data={"type": DutyType.objects.get(code="research"), "date": dt.date(2025, 6, day), "title": "小组调研"}
            | {"group": duties.group1},
        )
    persons = norms.seated_persons(world.county, 2025)
    assert set(norms.few_voter_contacts(persons, 2025)) == {duties.bob, duties.carol}
    assert set(norms.never_at_station(persons, 2025)) == {duties.bob, duties.carol}
    from deputies.models import ActivityGroup

    assert set(norms.groups_with_few_activities(ActivityGroup.objects.all(), 2025)) == {duties.group2}
    unreported, term = norms.not_reported_this_term(world.county, persons, on=dt.date(2025, 12, 1))
    assert term == world.term
    assert set(unreported) == {duties.bob, duties.carol}


def test_figures_count_per_group_and_township(duties, world):
    verified(duties.alice, "reception", "接待", n=3)
    verified(duties.bob, "voter_contact", "联系", n=2)
    data = norms.figures(world.county, norms.seated_persons(world.county, 2025), 2025)
    groups = {b["label"]: b for b in data["group"]}
    assert (groups["城关代表小组"]["deputies"], groups["城关代表小组"]["contacts"]) == (2, 3)
    assert (groups["河西代表小组"]["deputies"], groups["河西代表小组"]["contacts"]) == (1, 2)
    towns = {b["label"]: b["records"] for b in data["township"]}
    assert towns == {"城关镇": 3, "河西镇": 2}
    assert [b["label"] for b in data["level"]] == ["县"]


# --- API ---------------------------------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_lists_only_a_deputys_own_records(duties):
    verified(duties.alice, "inspection", "艾丽的")
    verified(duties.bob, "inspection", "鲍勃的")
    body = api(duties.alice_user).get("/api/v1/duty-records/").json()
    assert [r["title"] for r in body["results"]] == ["艾丽的"]


def test_a_deputy_logs_and_submits_through_the_api_but_cannot_verify(duties):
    client = api(duties.alice_user)
    response = client.post(
        "/api/v1/duty-records/",
        {"person": duties.alice.pk, "type": "voter_contact", "date": "2025-05-06", "title": "走访", "submit": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    record_id = response.json()["id"]
    assert client.post(f"/api/v1/duty-records/{record_id}/verify/").status_code == 403
    assert DutyRecord.objects.get(pk=record_id).status == "submitted"


def test_verification_through_the_api_by_the_right_liaison_only(duties):
    record = services.log_duty(
        actor=duties.alice_user,
        person=duties.alice,
        data={"type": DutyType.objects.get(code="voter_contact"), "date": DAY, "title": "走访"},
        submit=True,
    )
    assert api(duties.liaison2).post(f"/api/v1/duty-records/{record.pk}/verify/").status_code == 404
    response = api(duties.liaison1).post(f"/api/v1/duty-records/{record.pk}/verify/")
    assert response.status_code == 200 and response.json()["status"] == "verified"
    # Verifying again is an illegal state change.
    assert api(duties.liaison1).post(f"/api/v1/duty-records/{record.pk}/verify/").status_code == 409


def test_a_deputy_cannot_log_for_another_deputy_through_the_api(duties):
    response = api(duties.alice_user).post(
        "/api/v1/duty-records/",
        {"person": duties.bob.pk, "type": "voter_contact", "date": "2025-05-06", "title": "走访"},
        format="json",
    )
    assert response.status_code == 400
    assert not DutyRecord.objects.filter(person=duties.bob).exists()


def test_scores_and_rules_through_the_api(duties, world):
    rules = services.ensure_rule_set(actor=duties.staff, congress=world.county, year=2025)
    staff = api(duties.staff).get("/api/v1/scores/", {"rule_set": rules.pk}).json()
    assert [s["person_name"] for s in staff["results"]] == ["艾丽", "鲍勃", "卡罗"]  # by name
    own = api(duties.alice_user).get("/api/v1/scores/").json()
    assert [s["person"] for s in own["results"]] == [duties.alice.pk]
    assert api(duties.alice_user).get("/api/v1/assessment-rules/").json()["count"] == 1
    assert (
        api(duties.alice_user)
        .post("/api/v1/interviews/", {"person": duties.alice.pk, "year": 2025}, format="json")
        .status_code
        == 403
    )


def test_api_list_query_count_is_constant(duties):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    kind = DutyType.objects.get(code="voter_contact")
    counts = []
    for n in (20, 200):
        DutyRecord.objects.all().delete()
        DutyRecord.objects.bulk_create(
            DutyRecord(person=duties.alice, type=kind, date=DAY, title=f"r{i}", source=f"b:{i}") for i in range(n)
        )
        client = api(User.objects.get(pk=duties.staff.pk))  # a fresh user: no roles or scope cached from before
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/duty-records/?page_size=200").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 8
