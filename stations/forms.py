"""Forms of the staff and deputy pages. Choices come from the user's scope (stations.permissions, deputies)."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Role, User
from accounts.scopes import managed_congresses
from core.pagination import fast_selects
from deputies import picker
from deputies.filters import bounded_choices, bounded_rows, int_or_none, option_rows, read_options
from deputies.models import Person, Seat
from deputies.permissions import visible_persons, visible_townships
from organization.models import Area, HandlingUnit

from .models import Activity, Category, Checklist, Message, Reception, Station

DATE = forms.DateInput(attrs={"type": "date"})


class StationFilterForm(forms.Form):
    q = forms.CharField(label="名称/地址", required=False)
    township = forms.ModelChoiceField(label="镇街", queryset=Area.objects.none(), required=False)
    kind = forms.ChoiceField(label="类型", choices=[("", "全部")] + Station.Kind.choices, required=False)
    short = forms.ChoiceField(
        label="达标情况", choices=[("", "全部"), ("1", "未全部达标"), ("0", "全部达标")], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = visible_townships(user).order_by("code", "name")


class StationForm(forms.ModelForm):
    liaisons = forms.ModelMultipleChoiceField(
        label="联络员", queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Station
        fields = [
            "congress",
            "kind",
            "name",
            "area",
            "sector",
            "address",
            "opening_hours",
            "reception_weekdays",
            "reception_hours",
            "deputies_per_day",
            "phone",
            "checklist",
            "description",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        congresses = managed_congresses(user)
        self.fields["congress"].queryset = congresses
        self.fields["area"].queryset = Area.objects.filter(
            level__in=[Area.Level.TOWNSHIP, Area.Level.VILLAGE, Area.Level.COUNTY]
        ).order_by("code", "name")
        self.fields["checklist"].queryset = Checklist.objects.filter(congress__in=congresses)
        self.fields["liaisons"].queryset = User.objects.filter(roles__role=Role.LIAISON, is_active=True).distinct()
        if self.instance.pk:
            self.fields["liaisons"].initial = list(self.instance.liaisons.all())


def stationable_persons(user):
    """Deputies `user` may station: visible, with an active seat."""
    active = Seat.objects.filter(person=OuterRef("pk"), status=Seat.Status.ACTIVE)
    return visible_persons(user).filter(Exists(active)).order_by("name_initials", "id")


def addable_persons(user, station):
    """Deputies `user` may station at `station` and who are not stationed there now."""
    return stationable_persons(user).exclude(pk__in=station.memberships.filter(is_active=True).values("person_id"))


def picker_choices(user, station, q: str = "") -> tuple[list[Person], bool]:
    """(up to PICKER_LIMIT deputies for the picker, whether there may be more). With a search: by name or the initials
    of its pinyin (as the roster's search); without one: the deputies of the station's township. Never the whole
    roster, which is 180,000 people in a province. The candidates have an active seat (an index-friendly query) and
    only then are checked against the scope (deputies.picker.pick)."""
    active = Seat.objects.filter(person=OuterRef("pk"), status=Seat.Status.ACTIVE)
    candidates = Person.objects.filter(Exists(active))
    if q:
        candidates = picker.matching(candidates, q)
    elif station.township_id:
        candidates = candidates.filter(township_id=station.township_id)
    else:
        return [], False
    return picker.pick(candidates, addable_persons(user, station))


class StationDeputyForm(forms.Form):
    """Station a deputy. The person is chosen with the search-as-you-type picker (deputies/picker.py): the field
    posts a person id and validates it against the whole scope, but never renders the scope as options."""

    person = picker.PersonPickField(invalid="所选代表不能进驻本站（不在您的范围内、没有在任代表资格或已经进站）。")
    order = forms.IntegerField(label="轮值顺序", min_value=0, initial=0, required=False)

    def __init__(self, *args, user, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = addable_persons(user, station)


class EquipmentForm(forms.Form):
    name = forms.CharField(label="设备名称", max_length=60)
    quantity = forms.IntegerField(label="数量", min_value=1, initial=1)
    note = forms.CharField(label="备注", max_length=200, required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label="制度名称", max_length=100)
    file = forms.FileField(label="文件", required=False)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class PhotoForm(forms.Form):
    image = forms.FileField(label="照片")
    caption = forms.CharField(label="说明", max_length=100, required=False)


class ChecklistForm(forms.Form):
    congress = forms.ModelChoiceField(label="制定人大", queryset=None)
    name = forms.CharField(label="名称", max_length=40)
    items = forms.CharField(
        label="标准项",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="每行一项：标准项名称｜应提供的佐证，如：有标识｜门牌、标识牌照片",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = managed_congresses(user)

    def parsed_items(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data["items"].splitlines():
            if not line.strip():
                continue
            name, _, evidence = line.replace("|", "｜").partition("｜")
            out.append((name.strip(), evidence.strip()))
        return out


class EvidenceForm(forms.Form):
    item = forms.ModelChoiceField(label="标准项", queryset=None)
    note = forms.CharField(label="佐证说明", max_length=300)
    file = forms.FileField(label="佐证文件", required=False)

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = (
            station.checklist.items.all() if station.checklist_id else Checklist.objects.none()
        )


class RosterForm(forms.Form):
    kind = forms.ChoiceField(label="周期", choices=[("month", "月"), ("quarter", "季度")])
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    number = forms.IntegerField(label="月份/季度", min_value=1, max_value=12)
    publish = forms.BooleanField(label="生成后立即公布", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["number"].initial = today.month


class LeaveForm(forms.Form):
    person = forms.ModelChoiceField(label="代表", queryset=Person.objects.none())
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(label="事由", max_length=200)

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            pk__in=station.memberships.filter(is_active=True).values("person_id")
        )


class ReceptionForm(forms.ModelForm):
    class Meta:
        model = Reception
        fields = ["date", "deputy", "visitor_name", "visitor_phone", "visitor_count", "category", "topic", "content"]
        widgets = {"date": DATE, "content": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = Person.objects.filter(pk__in=station.memberships.values("person_id")).order_by(
            "name_initials"
        )
        self.fields["date"].initial = timezone.localdate()


STATION_OPTIONS_LIMIT = 300  # more visible stations than this: the filter offers those of the chosen township
STATIONS_NARROWED_HELP = "先选择镇街，再选该镇街的站点"


def offer_station_options(form, stations, data) -> None:
    """Give a list filter's `township` and `station` selects their choices, read in one query (a UNION), bounded: the
    townships of the visible stations (a semi-join, no station row fetched), and the stations when there are at most
    STATION_OPTIONS_LIMIT of them, else those of the chosen township (and the chosen station) only. A province office
    sees 6,720 stations. A visible station is offered whenever it is the chosen one, so the form accepts exactly the
    visible stations; any other is refused."""
    township, station = int_or_none(data.get("township")), int_or_none(data.get("station"))
    chosen = Q()
    if township:
        chosen |= Q(township_id=township)
    if station:
        chosen |= Q(pk=station)
    towns = Area.objects.filter(pk__in=stations.order_by().values("township_id"))
    by_kind = read_options(
        option_rows(towns, "t", order="name"),
        *bounded_rows(stations, "s", chosen or None, STATION_OPTIONS_LIMIT, order="name"),
    )
    choices, narrowed = bounded_choices(by_kind, "s", STATION_OPTIONS_LIMIT)
    form.fields["township"].choices = [("", "全部")] + by_kind.pop("t", [])
    form.fields["station"].choices = [("", "全部")] + choices
    form.fields["township"].error_messages["invalid_choice"] = "请从列表中选择您可查看的镇街。"
    form.fields["station"].error_messages["invalid_choice"] = "请从列表中选择您可查看的站点。"
    if narrowed:
        form.fields["station"].help_text = STATIONS_NARROWED_HELP
    fast_selects(form, "station", "township")


class ReceptionFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False)
    station = forms.TypedChoiceField(label="站点", coerce=int, empty_value=None, required=False)
    township = forms.TypedChoiceField(label="镇街", coerce=int, empty_value=None, required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部")] + Reception.Status.choices, required=False)
    handling = forms.ChoiceField(label="处理方式", choices=[("", "全部")] + Reception.Handling.choices, required=False)
    category = forms.ChoiceField(label="类别", choices=[("", "全部")] + Category.choices, required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=DATE)
    date_to = forms.DateField(label="截止日期", required=False, widget=DATE)

    def __init__(self, *args, user, stations, **kwargs):
        super().__init__(*args, **kwargs)
        offer_station_options(self, stations, self.data if self.is_bound else {})


class MessageFilterForm(forms.Form):
    q = forms.CharField(label="关键词/查询码", required=False)
    station = forms.TypedChoiceField(label="站点", coerce=int, empty_value=None, required=False)
    township = forms.TypedChoiceField(label="镇街", coerce=int, empty_value=None, required=False)
    status = forms.ChoiceField(label="状态", required=False)

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        offer_station_options(self, stations, self.data if self.is_bound else {})
        self.fields["status"].choices = [("", "全部"), ("unclosed", "未办结")] + Message.Status.choices


class TextForm(forms.Form):
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class ReferForm(forms.Form):
    unit = forms.ModelChoiceField(label="转交部门", queryset=HandlingUnit.objects.none())
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        ids = {congress.pk, congress.parent_id} - {None}
        self.fields["unit"].queryset = HandlingUnit.objects.filter(congress_id__in=ids, is_active=True)


class ActivityForm(forms.ModelForm):
    photos = forms.FileField(label="照片", required=False, widget=forms.ClearableFileInput(attrs={"multiple": False}))

    class Meta:
        model = Activity
        fields = ["kind", "date", "title", "content", "attendees", "other_attendance"]
        widgets = {
            "date": DATE,
            "content": forms.Textarea(attrs={"rows": 4}),
            "attendees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Person.objects.filter(
            pk__in=station.memberships.values("person_id")
        ).order_by("name_initials")


class PeriodForm(forms.Form):
    date_from = forms.DateField(label="起始日期", required=False, widget=DATE)
    date_to = forms.DateField(label="截止日期", required=False, widget=DATE)
    by = forms.ChoiceField(label="分组", choices=[("township", "按镇街"), ("station", "按站点")], required=False)
