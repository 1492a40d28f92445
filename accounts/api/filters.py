import django_filters

from accounts.models import Role, User


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, field_name="roles__role", distinct=True, label="角色")

    class Meta:
        model = User
        fields = ["congress", "unit", "committee", "is_active", "role"]
