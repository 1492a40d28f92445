import django_filters

from organization.models import Area, CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee, Term


class AreaFilter(django_filters.FilterSet):
    parent = django_filters.NumberFilter(field_name="parent_id", label="上级")

    class Meta:
        model = Area
        fields = ["level", "parent", "is_street"]


class CongressFilter(django_filters.FilterSet):
    parent = django_filters.NumberFilter(field_name="parent_id", label="上级人大")

    class Meta:
        model = Congress
        fields = ["level", "parent", "is_managed"]


class TermFilter(django_filters.FilterSet):
    congress = django_filters.NumberFilter(field_name="congress_id", label="人大")

    class Meta:
        model = Term
        fields = ["congress", "number"]


class MeetingFilter(django_filters.FilterSet):
    congress = django_filters.NumberFilter(field_name="term__congress_id", label="人大")
    term = django_filters.NumberFilter(field_name="term_id", label="届")

    class Meta:
        model = Meeting
        fields = ["congress", "term", "number"]


class CommitteeFilter(django_filters.FilterSet):
    congress = django_filters.NumberFilter(field_name="congress_id", label="人大")

    class Meta:
        model = SpecialCommittee
        fields = ["congress"]


class UnitFilter(django_filters.FilterSet):
    congress = django_filters.NumberFilter(field_name="congress_id", label="人大")

    class Meta:
        model = HandlingUnit
        fields = ["congress", "kind", "is_active"]


class CommitteeMemberFilter(django_filters.FilterSet):
    congress = django_filters.NumberFilter(field_name="congress_id", label="人大")
    group = django_filters.NumberFilter(field_name="groups", label="联系的代表小组")

    class Meta:
        model = CommitteeMember
        fields = ["congress", "is_leader", "group"]
