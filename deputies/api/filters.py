"""Roster filters for the API: the same criteria as the list page (level, status, township, group, party,
代表构成), through django-filter. Level and status apply to the same seat (an active county seat)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from rest_framework.exceptions import ValidationError

from deputies import permissions
from deputies.models import ActivityGroup, Composition, GroupMembership, Person, Seat
from organization.models import Congress


class PersonFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Congress.Level.choices, method="filter_seat", label="代表层级")
    status = django_filters.ChoiceFilter(choices=Seat.Status.choices, method="filter_seat", label="资格状态")
    congress = django_filters.NumberFilter(method="filter_seat", label="人大（有该人大的代表资格）")
    township = django_filters.NumberFilter(field_name="township_id", label="所属镇街")
    group = django_filters.NumberFilter(method="filter_group", label="代表小组")
    party = django_filters.CharFilter(method="filter_party", label="党派")
    composition = django_filters.ChoiceFilter(choices=Composition.choices, label="代表构成")
    name_initials = django_filters.CharFilter(method="filter_initials", label="拼音首字母（如 zw）")

    class Meta:
        model = Person
        fields = ["level", "status", "congress", "township", "group", "party", "composition", "name_initials"]

    def filter_seat(self, qs, name, value):
        return qs  # applied once in filter_queryset, so level, status and congress match the same seat

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        cond = Q()
        if data.get("level"):
            cond &= Q(congress__level=data["level"])
        if data.get("status"):
            cond &= Q(status=data["status"])
        if data.get("congress"):
            cond &= Q(congress_id=data["congress"])
        if cond:
            qs = qs.filter(Exists(Seat.objects.filter(cond, person=OuterRef("pk"))))
        return qs

    def filter_group(self, qs, name, value):
        return qs.filter(Exists(GroupMembership.objects.filter(person=OuterRef("pk"), group_id=value)))

    def filter_party(self, qs, name, value):
        # Filtering by a masked field would reveal it: only roles that see 党派 may filter by it.
        if not permissions.can_see_personal_data(self.request.user):
            raise ValidationError({"party": "当前角色无权按党派筛选。"})
        return qs.filter(party=value)

    def filter_initials(self, qs, name, value):
        return qs.filter(name_initials__startswith=value.strip().lower())


class SeatFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Congress.Level.choices, field_name="congress__level", label="层级")
    person = django_filters.NumberFilter(field_name="person_id", label="代表")
    congress = django_filters.NumberFilter(field_name="congress_id", label="人大")
    term = django_filters.NumberFilter(field_name="term_id", label="届次")

    class Meta:
        model = Seat
        fields = ["person", "congress", "term", "status", "level"]


class GroupFilter(django_filters.FilterSet):
    congress = django_filters.NumberFilter(field_name="congress_id", label="人大")
    area = django_filters.NumberFilter(field_name="area_id", label="所属镇街")
    person = django_filters.NumberFilter(method="filter_person", label="含该代表")

    def filter_person(self, qs, name, value):
        return qs.filter(Exists(GroupMembership.objects.filter(group=OuterRef("pk"), person_id=value)))

    class Meta:
        model = ActivityGroup
        fields = ["congress", "kind", "area", "person"]
