from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Role, User
from core.api.fields import TextField
from deputies.models import Person
from organization.models import Congress, HandlingUnit, SpecialCommittee


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名或手机号", max_length=150)
    password = serializers.CharField(
        label="密码", max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )
    otp = serializers.CharField(
        label="动态验证码", max_length=20, required=False, allow_blank=True, help_text="已启用双因素认证的账号必填"
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="在请求头中使用：Authorization: Token <token>")
    expires = serializers.DateTimeField()


class UserSerializer(serializers.ModelSerializer):
    """A login with its roles. Only system administrators read or change users."""

    name = serializers.CharField(read_only=True)
    roles = serializers.ListField(
        source="role_set", child=serializers.ChoiceField(choices=Role.choices), required=False, help_text="角色代码列表"
    )
    role_labels = serializers.SerializerMethodField()
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=True, style={"input_type": "password"}, help_text="初始密码"
    )
    congress = serializers.PrimaryKeyRelatedField(queryset=Congress.objects.all(), allow_null=True, required=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.all(), allow_null=True, required=False)
    committee = serializers.PrimaryKeyRelatedField(
        queryset=SpecialCommittee.objects.all(), allow_null=True, required=False
    )
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), allow_null=True, required=False)
    congress_name = TextField(source="congress")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "display_name",
            "phone",
            "email",
            "congress",
            "congress_name",
            "unit",
            "committee",
            "person",
            "roles",
            "role_labels",
            "is_active",
            "is_superuser",
            "last_login",
            "must_change_password",
            "password",
        ]
        read_only_fields = ["is_superuser", "last_login", "must_change_password"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["roles"] = sorted(data["roles"])
        return data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_role_labels(self, obj) -> list[str]:
        return obj.role_labels()
