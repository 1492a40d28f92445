"""The permission matrix: every role × every resource × list, detail, create, update, delete, export, API and files.

One table (MATRIX) says, for each resource and action, which roles may do it. Every other answer follows from the
rules of the issue and of accounts.scopes:

- anonymous: the login page (web) or 401/403 (API);
- a role that may do the action: success on an object in its scope (a page or file 200; an API write 200/201/204;
  a web form POST a redirect, or 200 with the form's errors), and 404 on the nearest object outside its scope (the
  neighbouring township's, another unit's, another committee's, another deputy's, another county's — see Scene);
  only the system administrator reads everything;
- a role that never has the action: 403 on an object in its scope; on an object outside it, 403 or 404 (both
  refuse without telling more);
- lists and exports never contain the object of another county.

Objects are built directly with the ORM (fast); each case is one request. "Own" means the object the role would
normally work on: in its congress (a township's office: its township; a unit: items assigned to it; a deputy: their
own; a liaison: the group or station they keep)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role

from .. import factories as f

pytestmark = pytest.mark.django_db

ANON = "anonymous"
ROLES = [ANON, *[r.value for r in Role]]
A, SEC, AUD = Role.ADMIN.value, Role.SECADMIN.value, Role.AUDITOR.value
STAFF, LEADER, COMM = Role.STAFF.value, Role.LEADER.value, Role.COMMITTEE.value
UNIT, HEAD, TOWN = Role.UNIT_STAFF.value, Role.UNIT_HEAD.value, Role.TOWN_STAFF.value
LIAISON, DEPUTY = Role.LIAISON.value, Role.DEPUTY.value

OFFICE = {A, STAFF, LEADER, COMM, TOWN}  # the office roles (and the system administrator)
KEEPERS = {A, STAFF, TOWN}  # who keep the records of their congress
ROSTER = OFFICE | {LIAISON}
UNITS = {UNIT, HEAD}

FAR = "外县"  # every object outside the role's scope ("far") carries this in its name or title


_SEQ = iter(range(1, 10**9))


def _title(own: bool, text: str) -> str:
    """A unique name; the other county's carries FAR."""
    text = f"{text}{next(_SEQ)}号"
    return text if own else FAR + text


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG")
    return out.getvalue()


class Scene:
    """The user of one role, and on demand the objects of each resource: "own" (in the role's scope) or "far" — the
    nearest object the role must not reach: for a township's office the neighbouring township's, for a unit the
    other unit's item, for a committee another committee's field, for a liaison a group or station they do not
    keep, for a deputy another deputy's, and for the county office and its leaders and committees (and the
    administrator, who reads it) another county's."""

    def __init__(self, world, role: str):
        self.w = world
        self.role = role
        n = next(_SEQ)
        far_area = f.AreaFactory(name=f"外县{n}")
        self.far = f.CongressFactory(name=f"外县{n}人民代表大会", short_name=f"外县{n}人大", area=far_area)
        self.far_term = f.TermFactory(congress=self.far)
        self.far_unit = f.UnitFactory(congress=self.far, name="外县教育局")
        self.home = world.town_a if role == TOWN else world.county
        self.home_term = world.town_a_term if role == TOWN else world.term
        # Where the nearest forbidden object lives: the neighbouring township for a township's office, the same
        # county for the roles scoped inside it (their far object differs by unit, committee, group or person).
        if role == TOWN:
            self.other, self.other_term = world.town_b, f.TermFactory(congress=world.town_b)
        elif role in UNITS | {LIAISON, DEPUTY}:
            self.other, self.other_term = world.county, world.term
        else:
            self.other, self.other_term = self.far, self.far_term
        self.user = None
        if role != ANON:
            kwargs = {"congress": self.home}
            if role in UNITS:
                kwargs["unit"] = world.unit
            if role == COMM:
                kwargs["committee"] = world.committee
            if role == DEPUTY:
                kwargs["person"] = self._seated(self.home, self.home_term)
            self.user = f.UserFactory(roles=[role], **kwargs)

    @property
    def other_unit(self):
        return self.far_unit if self.other == self.far else self.w.other_unit

    # --- people and groups ---------------------------------------------------------------------------------------
    def _seated(self, congress, term, name=None):
        person = f.PersonFactory(**({"name": name} if name else {}))
        f.SeatFactory(person=person, congress=congress, term=term)
        return person

    def person(self, own: bool):
        if not own:
            return self._seated(self.other, self.other_term, _title(False, "代表"))
        if self.role == DEPUTY:
            return self.user.person
        person = self._seated(self.home, self.home_term)
        if self.role == LIAISON:
            group = f.GroupFactory(congress=self.home, liaison_user=self.user)
            f.MembershipFactory(group=group, person=person)
        return person

    def group(self, own: bool):
        if not own:
            return f.GroupFactory(congress=self.other, name=_title(False, "代表小组"))
        group = f.GroupFactory(congress=self.home, liaison_user=self.user if self.role == LIAISON else None)
        f.MembershipFactory(group=group, person=self.person(True))
        return group

    # --- suggestions ---------------------------------------------------------------------------------------------
    def suggestion(self, own: bool):
        from suggestions.models import Assignment, Suggestion

        now = timezone.now()
        # A committee reads its field in the whole county office's scope: its far item is another field's.
        congress = self.home if own or self.role == COMM else self.other
        committee = self.w.committee
        if not own and self.role == COMM:
            committee = f.CommitteeFactory(congress=congress, name=_title(False, "委员会"))
        s = Suggestion.objects.create(
            congress=congress,
            year=now.year,
            number=next(_SEQ),
            title=_title(own, "关于加强校园周边交通安全的建议"),
            content="建议增设护学岗。",
            committee=committee,
            lead_deputy=self.person(own) if self.role == DEPUTY or not own else self._seated(congress, self.home_term),
            state=Suggestion.State.HANDLING,
            submitted_at=now,
            accepted_at=now,
            assigned_at=now,
        )
        Assignment.objects.create(
            suggestion=s,
            unit=self.w.unit if own else self.w.other_unit if congress == self.w.county else self.far_unit,
            role=Assignment.Role.LEAD,
            state=Assignment.State.HANDLING,
            assigned_at=now,
            due_date=now.date() + dt.timedelta(days=90),
        )
        return s

    def attachment(self, own: bool):
        from suggestions.models import Attachment

        s = self.suggestion(own)
        return Attachment.objects.create(
            suggestion=s, file=ContentFile(PDF, "a.pdf"), name="材料.pdf", size=len(PDF), content_type="application/pdf"
        )

    # --- stations ------------------------------------------------------------------------------------------------
    def station(self, own: bool):
        from stations.models import Station, StationDeputy

        station = Station.objects.create(
            congress=self.home if own else self.other, kind=Station.Kind.HOME, name=_title(own, "代表之家")
        )
        if own and self.role == LIAISON:
            station.liaisons.add(self.user)
        if own and self.role == DEPUTY:
            StationDeputy.objects.create(station=station, person=self.user.person)
        return station

    def station_photo(self, own: bool):
        from stations.models import StationPhoto

        return StationPhoto.objects.create(station=self.station(own), image=ContentFile(_jpeg(), "p.jpg"))

    def station_document(self, own: bool):
        from stations.models import StationDocument

        station = self.station(own)
        return StationDocument.objects.create(station=station, title="接待制度", file=ContentFile(PDF, "d.pdf"))

    def evidence(self, own: bool):
        from stations.models import Checklist, ChecklistItem, Evidence

        station = self.station(own)
        checklist = Checklist.objects.create(congress=station.congress, name=_title(own, "六有"))
        item = ChecklistItem.objects.create(checklist=checklist, name="有制度")
        return Evidence.objects.create(station=station, item=item, note="制度上墙照片", file=ContentFile(PDF, "e.pdf"))

    # --- training ------------------------------------------------------------------------------------------------
    def session(self, own: bool):
        from training.models import Enrolment, Kind, TrainingSession

        session = TrainingSession.objects.create(
            congress=self.home if own else self.other,
            kind=Kind.DUTY,
            title=_title(own, "履职培训班"),
            planned_hours=4,
        )
        if own and self.role == DEPUTY:
            Enrolment.objects.create(session=session, person=self.user.person)
        return session

    def material(self, own: bool):
        from training.models import Material

        material = Material.objects.create(
            congress=self.home if own else self.other, title=_title(own, "代表法讲义"), file=ContentFile(PDF, "m.pdf")
        )
        self.session(own).materials.add(material)
        return material

    # --- duties --------------------------------------------------------------------------------------------------
    def record(self, own: bool):
        from duties.models import DutyRecord, DutyType

        person = self.person(own)
        draft = own and self.role == DEPUTY  # the deputy's own draft (editable by them); others see it submitted
        return DutyRecord.objects.create(
            person=person,
            # its own type: a transactional test elsewhere may have flushed the seeded ones
            type=DutyType.objects.get_or_create(code="matrix-visit", defaults={"name": "矩阵测试走访"})[0],
            date=dt.date(2026, 3, 1),
            title=_title(own, "参加代表小组活动"),
            status=DutyRecord.Status.DRAFT if draft else DutyRecord.Status.SUBMITTED,
        )

    def duty_photo(self, own: bool):
        from duties.models import DutyPhoto

        return DutyPhoto.objects.create(record=self.record(own), image=ContentFile(_jpeg(), "p.jpg"))

    def voter_report(self, own: bool):
        from duties.models import VoterReport

        return VoterReport.objects.create(
            person=self.person(own),
            date=dt.date(2026, 3, 1),
            place="城关镇",
            voters_present=60,
            report_file=ContentFile(PDF, "r.pdf"),
        )

    # --- engagement, reports, organisation -----------------------------------------------------------------------
    def notice(self, own: bool):
        from engagement.models import Notice, NoticeReceipt

        notice = Notice.objects.create(
            congress=self.home if own else self.other,
            title=_title(own, "关于开展集中视察的通知"),
            published_at=timezone.now(),
            attachment=ContentFile(PDF, "n.pdf"),
        )
        if own and self.role == DEPUTY:
            NoticeReceipt.objects.create(notice=notice, person=self.user.person)
        return notice

    def report_request(self, own: bool):
        from engagement.models import ReportRequest, ReportRound

        congress = self.home if own or self.role in UNITS else self.other
        rnd = ReportRound.objects.create(
            congress=congress, title=_title(own, "上半年工作报告"), period="2026年上半年", due_date=dt.date(2026, 7, 10)
        )
        unit = self.w.unit if own else self.w.other_unit if congress == self.w.county else self.far_unit
        return ReportRequest.objects.create(round=rnd, unit=unit, content="工作情况", file=ContentFile(PDF, "q.pdf"))

    def job(self, own: bool):
        from reports.models import Kind, ReportJob

        return ReportJob.objects.create(
            congress=self.home if own else self.other,
            kind=Kind.UNIT,
            unit=self.w.unit if own else self.other_unit,
            year=2026,
            status=ReportJob.Status.DONE,
            title=_title(own, "承办单位年度办理情况"),
            file=ContentFile(PDF, "job.pdf"),
            size=len(PDF),
        )

    def unit(self, own: bool):
        return f.UnitFactory(congress=self.home if own else self.other, name=_title(own, "住建局"))


# --- the table ---------------------------------------------------------------------------------------------------
# (resource, action, method, url, roles that may, kind)
#   url: a function (scene, obj) → URL; obj is the resource's object (None for a collection)
#   kind: "list" (GET a collection: the far object must not be in it), "create" (a collection write, POSTed
#   empty: the API answers 400 and a web form shows its errors — the permission passed), or "object" (own and
#   far variants).
def web(name, *args):
    return lambda s, o: reverse(name, args=[o.pk, *args] if o is not None else list(args))


def api(path):
    return lambda s, o: f"/api/v1/{path}/" + (f"{o.pk}/" if o is not None else "")


def api_action(path, action):
    return lambda s, o: f"/api/v1/{path}/{o.pk}/{action}/"


def station_file(s, o):
    kind = {"StationPhoto": "photo", "StationDocument": "document", "Evidence": "evidence"}[o.__class__.__name__]
    return reverse("stations:file", args=[kind, o.pk])


MATRIX = [
    # deputies (the roster): read by the office roles and liaisons, kept by the office and township staff
    ("person", "list", "get", web("deputies:list"), ROSTER, "list"),
    ("person", "export", "get", web("deputies:export"), ROSTER, "list"),
    ("person", "detail", "get", web("deputies:detail"), ROSTER, "object"),
    ("person", "create", "get", web("deputies:create"), KEEPERS, "list"),
    ("person", "create_post", "post", web("deputies:create"), KEEPERS, "create"),
    ("person", "update", "get", web("deputies:edit"), KEEPERS, "object"),
    ("person", "update_post", "post", web("deputies:edit"), KEEPERS, "object"),
    ("person", "delete", "post", web("deputies:delete"), KEEPERS, "object"),
    ("person", "api_list", "get", api("deputies"), ROSTER, "list"),
    ("person", "api_detail", "get", api("deputies"), ROSTER | {DEPUTY}, "object"),  # a deputy reads their own
    ("person", "api_create", "post", api("deputies"), KEEPERS, "create"),
    ("person", "api_update", "patch", api("deputies"), KEEPERS, "object"),
    ("person", "api_delete", "delete", api("deputies"), KEEPERS, "object"),
    # activity groups
    ("group", "list", "get", web("deputies:group_list"), ROSTER, "list"),
    ("group", "detail", "get", web("deputies:group_detail"), ROSTER, "object"),
    ("group", "create", "get", web("deputies:group_create"), KEEPERS, "list"),
    ("group", "create_post", "post", web("deputies:group_create"), KEEPERS, "create"),
    ("group", "update", "get", web("deputies:group_edit"), KEEPERS, "object"),
    ("group", "delete", "post", web("deputies:group_delete"), KEEPERS, "object"),
    ("group", "api_detail", "get", api("groups"), ROSTER | {DEPUTY}, "object"),  # a member reads their group
    ("group", "api_update", "patch", api("groups"), KEEPERS, "object"),
    ("group", "api_delete", "delete", api("groups"), KEEPERS, "object"),
    # suggestions: the office of the congress, the committee of the field, the units assigned, the lead deputy
    ("suggestion", "list", "get", web("suggestions:list"), OFFICE, "list"),
    ("suggestion", "export", "get", web("suggestions:export"), OFFICE, "list"),
    ("suggestion", "detail", "get", web("suggestions:detail"), OFFICE | UNITS | {DEPUTY}, "object"),
    ("suggestion", "create", "get", web("suggestions:draft_create"), {DEPUTY}, "list"),
    ("suggestion", "api_list", "get", api("suggestions"), OFFICE | UNITS | {DEPUTY}, "list"),
    ("suggestion", "api_detail", "get", api("suggestions"), OFFICE | UNITS | {DEPUTY}, "object"),
    ("attachment", "file", "get", web("suggestions:attachment"), OFFICE | UNITS | {DEPUTY}, "object"),
    ("attachment", "api_file", "get", api_action("attachments", "download"), OFFICE | UNITS | {DEPUTY}, "object"),
    # stations: the office roles of the congress, the station's liaisons, the deputies stationed there
    ("station", "list", "get", web("stations:list"), ROSTER, "list"),
    ("station", "detail", "get", web("stations:detail"), ROSTER, "object"),  # a deputy: the phone pages
    ("station", "create", "get", web("stations:create"), KEEPERS, "list"),
    ("station", "create_post", "post", web("stations:create"), KEEPERS, "create"),
    ("station", "update", "get", web("stations:edit"), KEEPERS, "object"),
    ("station", "update_post", "post", web("stations:edit"), KEEPERS, "object"),
    ("station", "api_detail", "get", api("stations"), ROSTER, "object"),
    ("station_photo", "file", "get", station_file, ROSTER | {DEPUTY}, "object"),
    ("station_document", "file", "get", station_file, ROSTER | {DEPUTY}, "object"),
    ("evidence", "file", "get", station_file, ROSTER | {DEPUTY}, "object"),
    # training: the office roles read, the office and township staff run sessions, a deputy opens their own
    ("session", "list", "get", web("training:list"), OFFICE, "list"),
    ("session", "detail", "get", web("training:detail"), OFFICE, "object"),
    ("session", "create", "get", web("training:create"), KEEPERS, "list"),
    ("session", "create_post", "post", web("training:create"), KEEPERS, "create"),
    ("session", "update", "get", web("training:edit"), KEEPERS, "object"),
    ("session", "update_post", "post", web("training:edit"), KEEPERS, "object"),
    ("session", "export", "get", web("training:attendance_xlsx"), KEEPERS, "object"),
    ("session", "api_detail", "get", api("training/sessions"), OFFICE | {DEPUTY}, "object"),
    ("material", "file", "get", web("training:material_download"), OFFICE | {DEPUTY}, "object"),
    # duty records: the office roles read, the staff and the group's liaison verify, the deputy keeps their own
    ("record", "list", "get", web("duties:record_list"), ROSTER, "list"),
    ("record", "export", "get", web("duties:record_export"), ROSTER, "list"),
    ("record", "detail", "get", web("duties:record_detail"), ROSTER, "object"),
    ("record", "update", "get", web("duties:record_edit"), KEEPERS | {LIAISON}, "object"),
    ("record", "update_post", "post", web("duties:record_edit"), KEEPERS | {LIAISON}, "object"),
    ("record", "delete", "post", web("duties:record_delete"), KEEPERS | {LIAISON}, "object"),  # while unverified
    ("record", "api_detail", "get", api("duty-records"), ROSTER | {DEPUTY}, "object"),
    ("record", "api_update", "patch", api("duty-records"), KEEPERS | {LIAISON, DEPUTY}, "object"),
    ("record", "api_delete", "delete", api("duty-records"), KEEPERS | {LIAISON, DEPUTY}, "object"),
    ("record", "mobile_update", "get", web("duties:m_record_edit"), {DEPUTY}, "object"),
    ("duty_photo", "file", "get", web("duties:photo"), ROSTER | {DEPUTY}, "object"),
    ("voter_report", "file", "get", web("duties:voter_report_file"), ROSTER | {DEPUTY}, "object"),
    # engagement (notices): the office roles read, the office and township staff publish, a deputy reads theirs
    ("notice", "list", "get", web("engagement:notice_list"), OFFICE, "list"),
    ("notice", "detail", "get", web("engagement:notice_detail"), OFFICE, "object"),
    ("notice", "create", "get", web("engagement:notice_new"), KEEPERS, "list"),
    ("notice", "create_post", "post", web("engagement:notice_new"), KEEPERS, "create"),
    ("notice", "mobile_detail", "get", web("engagement:m_notice"), {DEPUTY}, "object"),
    (
        "notice",
        "file",
        "get",
        lambda s, o: reverse("engagement:file", args=["notice", o.pk]),
        OFFICE | {DEPUTY},
        "object",
    ),
    ("notice", "api_detail", "get", api("notices"), OFFICE | {DEPUTY}, "object"),
    # a department's report to the office: the office roles, and the unit that wrote it
    (
        "report_request",
        "file",
        "get",
        lambda s, o: reverse("engagement:file", args=["report", o.pk]),
        OFFICE | UNITS,
        "object",
    ),
    ("report_request", "api_detail", "get", api("department-reports"), OFFICE | UNITS, "object"),
    # annual reports: the office, leaders and township staff; a unit its own unit report
    ("job", "list", "get", web("reports:list"), {A, STAFF, LEADER, TOWN} | UNITS, "list"),
    ("job", "detail", "get", web("reports:detail"), {A, STAFF, LEADER, TOWN} | UNITS, "object"),
    ("job", "file", "get", web("reports:download"), {A, STAFF, LEADER, TOWN} | UNITS, "object"),
    ("job", "api_file", "get", api_action("reports", "download"), {A, STAFF, LEADER, TOWN} | UNITS, "object"),
    # organisation (handling units): kept by the office and township staff of the congress
    ("unit", "update", "get", web("organization:unit_edit"), KEEPERS, "object"),
    ("unit", "update_post", "post", web("organization:unit_edit"), KEEPERS, "object"),
    ("unit", "api_update", "patch", api("units"), KEEPERS, "object"),
    ("unit", "api_delete", "delete", api("units"), KEEPERS, "object"),
]


# Roles that see each resource at all (in some page, the API or a file). A role outside this set never meets the
# resource: it may answer 403 or 404 (and an empty list), never the object.
SEES = {
    "person": ROSTER | {DEPUTY},
    "group": ROSTER | {DEPUTY},
    "suggestion": OFFICE | UNITS | {DEPUTY},
    "attachment": OFFICE | UNITS | {DEPUTY},
    "station": ROSTER | {DEPUTY},
    "station_photo": ROSTER | {DEPUTY},
    "station_document": ROSTER | {DEPUTY},
    "evidence": ROSTER | {DEPUTY},
    "report_request": OFFICE | UNITS,
    "session": OFFICE | {DEPUTY},
    "material": OFFICE | {DEPUTY},
    "record": ROSTER | {DEPUTY},
    "duty_photo": ROSTER | {DEPUTY},
    "voter_report": ROSTER | {DEPUTY},
    "notice": OFFICE | {DEPUTY},
    "job": {A, STAFF, LEADER, TOWN} | UNITS,
    "unit": ROLES[1:],  # the organisation chart is read by every login of the congress
}
# Where a role that may not use an office page is sent to its own page instead of refused (not a leak: the target
# lists only its own items). (resource, action, role) → the URL name it redirects to.
REDIRECTS = {
    ("suggestion", "list", UNIT): "suggestions:todo",
    ("suggestion", "list", HEAD): "suggestions:todo",
    ("suggestion", "list", DEPUTY): "suggestions:mine",
    ("session", "detail", DEPUTY): "training:my",  # the deputy's phone page of the sessions they are on
}
RESOURCES = list(dict.fromkeys(row[0] for row in MATRIX))


def expected(resource, action, allowed, kind, role, own) -> str:
    """What the rules say `role` gets: login, ok, 404, 403, or refused (403 or 404)."""
    if role == ANON:
        return "login"
    if (resource, action, role) in REDIRECTS:
        return "redirect"
    if role in allowed:
        return "ok" if own or role == A else "404"
    if role in SEES[resource] and own:
        return "403"
    return "refused"


def _check(client, scene, resource, action, method, url, allowed, kind, own) -> str | None:
    """One request; the reason it breaks the rule, or None."""
    role = scene.role
    builder = getattr(scene, resource)
    obj = builder(own) if kind == "object" else None
    listed = (builder(True), builder(False)) if kind == "list" else None
    target = url(scene, obj)
    is_api = target.startswith("/api/")
    if method == "get":
        response = client.get(target)
    elif is_api:
        response = getattr(client, method)(target, {}, content_type="application/json")
    else:
        response = client.post(target, {})
    code = response.status_code
    want = expected(resource, action, allowed, kind, role, own)
    where = f"{action}: {method.upper()} {target} ({'own' if own else 'far'}) → {code}, expected {want}"
    login = code == 302 and response["Location"].startswith(reverse("accounts:login"))
    if want == "login":
        good = code in (401, 403) if is_api else login
    elif want == "redirect":
        good = code == 302 and response["Location"].startswith(reverse(REDIRECTS[(resource, action, role)]))
    elif want == "ok":
        # A page or file answers 200; a write 200/201/204 or, from a web form, a redirect; an empty API create 400
        # (the permission passed, the data did not).
        # A web form POSTed empty shows itself again with its errors (200): the permission passed.
        allowed_codes = {200} if method == "get" else {200, 201, 204} if is_api else {200, 302}
        good = code in (allowed_codes | ({400} if kind == "create" and is_api else set())) and not login
        if good and kind == "list" and code == 200 and role != A:
            problem = _listed(response, listed[1])
            if problem:
                return f"{where}: the object outside the scope is listed ({problem})"
    elif want == "404":
        good = code == 404
    elif want == "403":
        good = code == 403
    else:
        good = code in (403, 404) or (kind == "list" and code == 200 and not any(_listed(response, o) for o in listed))
    return None if good else where


def _listed(response, obj) -> str:
    """Whether `obj` appears in a list page, an API page or an exported workbook: what was found, or ""."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "json" in content_type:
        rows = response.json() if not response.streaming else []
        rows = rows.get("results", rows) if isinstance(rows, dict) else rows
        if isinstance(rows, list) and obj.pk in [row.get("id") for row in rows if isinstance(row, dict)]:
            return f"id {obj.pk}"
        text = body.decode()
    elif "spreadsheet" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body))
        text = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    else:
        text = body.decode()
    name = getattr(obj, "title", None) or getattr(obj, "name", None) or str(obj)
    return name if name and name in text else ""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# The object outside the scope is tried with one role of each kind of scope (leader and unit head share the scope
# of staff and unit staff).
FAR_ROLES = {A, STAFF, COMM, UNIT, TOWN, LIAISON, DEPUTY}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", RESOURCES)
def test_permission_matrix(client, world, resource, role):
    """Every action on `resource` for `role`, on its own object and (where it may act) on another county's."""
    scene = Scene(world, role)
    if scene.user is not None:
        client.force_login(scene.user)
    broken = []
    for res, action, method, url, allowed, kind in MATRIX:
        if res != resource:
            continue
        variants = [True] + ([False] if kind == "object" and role in allowed and role in FAR_ROLES else [])
        for own in variants:
            problem = _check(client, scene, resource, action, method, url, allowed, kind, own)
            if problem:
                broken.append(problem)
    assert not broken, f"{resource} as {role}:\n" + "\n".join(broken)


def test_the_matrix_covers_every_action_of_every_resource_with_files():
    """The table itself: each resource has its read actions, the roster and records have every write, and every
    model with an uploaded file has a download row (a new file field needs a row here)."""
    from django.apps import apps
    from django.db.models import FileField

    actions = {}
    for resource, action, *_rest in MATRIX:
        actions.setdefault(resource, set()).add(action)
    for resource in ("person", "group"):
        assert {"list", "detail", "create", "update", "delete"} <= actions[resource], resource
    assert {"list", "export", "detail", "api_detail", "api_update", "update", "delete"} <= actions["record"]
    assert {"list", "export", "detail", "create", "api_list", "api_detail"} <= actions["suggestion"]
    served = {
        "suggestions.Attachment": "attachment",
        "stations.StationPhoto": "station_photo",
        "stations.StationDocument": "station_document",
        "stations.Evidence": "evidence",
        "engagement.ReportRequest": "report_request",
        "training.Material": "material",
        "duties.DutyPhoto": "duty_photo",
        "duties.VoterReport": "voter_report",
        "engagement.Notice": "notice",
        "reports.ReportJob": "job",
    }
    with_files = {
        m._meta.label for m in apps.get_models() if any(isinstance(fl, FileField) for fl in m._meta.get_fields())
    }
    # Served through the same check as a row above (stations.station_file, engagement.notice_file …), by kind:
    same_view = {"stations.ActivityPhoto", "engagement.TopicClaim"}
    assert with_files - set(served) - same_view == set(), "a model with files the matrix does not cover"
    for label, resource in served.items():
        assert {"file", "api_file"} & actions[resource], label


def test_uploaded_files_are_never_public_media_urls(client, world):
    """Every kind of upload answers 404 at its MEDIA_URL path (logged in or not: nothing serves MEDIA_ROOT), and the
    pages that offer a file link to the permission-checked view, never to MEDIA_URL."""
    import re

    from django.conf import settings
    from django.urls import Resolver404, resolve

    staff = Scene(world, STAFF)
    files = {
        "attachment": staff.attachment(True).file,
        "station_photo": staff.station_photo(True).image,
        "station_document": staff.station_document(True).file,
        "material": staff.material(True).file,
        "duty_photo": staff.duty_photo(True).image,
        "voter_report": staff.voter_report(True).report_file,
        "notice": staff.notice(True).attachment,
        "job": staff.job(True).file,
    }
    assert settings.MEDIA_URL == "/files/"
    for name, field in files.items():
        assert field.storage.exists(field.name), name
        public = settings.MEDIA_URL + field.name
        with pytest.raises(Resolver404):
            resolve(public)
        assert client.get(public).status_code == 404, name
    client.force_login(staff.user)
    for name, field in files.items():
        assert client.get(settings.MEDIA_URL + field.name).status_code == 404, name
    media_link = re.compile(r'(?:href|src)="' + re.escape(settings.MEDIA_URL))
    notice = staff.notice(True)
    record = staff.duty_photo(True).record
    pages = [
        reverse("engagement:notice_detail", args=[notice.pk]),
        reverse("suggestions:detail", args=[staff.attachment(True).suggestion_id]),
        reverse("stations:detail", args=[staff.station_photo(True).station_id]),
        reverse("duties:record_detail", args=[record.pk]),
        reverse("training:materials"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not media_link.search(response.content.decode()), url
    assert reverse("engagement:file", args=["notice", notice.pk]) in client.get(pages[0]).content.decode()
    deputy = Scene(world, DEPUTY)
    client.force_login(deputy.user)
    own = deputy.notice(True)
    page = client.get(reverse("engagement:m_notice", args=[own.pk])).content.decode()
    assert not media_link.search(page)
    assert reverse("engagement:file", args=["notice", own.pk]) in page
    assert client.get(reverse("engagement:file", args=["notice", own.pk])).status_code == 200
