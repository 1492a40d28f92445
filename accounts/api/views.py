import logging

from django.contrib.auth import authenticate
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import mfa, passwords, services
from accounts.models import ApiToken, User, UserRole
from accounts.scopes import is_system_admin
from core.api.viewsets import ScopedViewSet

from .filters import UserFilter
from .serializers import TokenRequestSerializer, TokenResponseSerializer, UserSerializer
from .throttles import UsernameRateThrottle

logger = logging.getLogger(__name__)

# One answer for an unknown user and a wrong password, so the endpoint does not tell which usernames exist.
LOGIN_FAILED = "用户名（手机号）或密码错误。"
OTP_FAILED = "需要正确的动态验证码（otp）。"
MFA_SETUP_FIRST = "您的角色须使用双因素认证，请先登录网页完成设置。"
LOCKED_OUT = "登录失败次数过多，账号已暂时锁定，请稍后再试或联系管理员。"

_detail = inline_serializer("Detail", {"detail": serializers.CharField()})


class TokenView(APIView):
    """POST: log in with a username (or phone number) and password, get a token. DELETE: revoke the current token."""

    def _posting(self) -> bool:
        return getattr(getattr(self, "request", None), "method", None) == "POST"

    def get_authenticators(self):
        if self._posting():
            return []  # logging in needs no credentials (and a stale token header must not get in the way)
        return super().get_authenticators()

    def get_permissions(self):
        if self._posting():
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self._posting():
            return [UsernameRateThrottle()]
        return []

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail="登录尝试过于频繁，请稍后再试。")

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(_detail, description="用户名、密码或动态验证码错误"),
            403: OpenApiResponse(_detail, description="须先在网页上修改密码或启用双因素认证"),
            429: OpenApiResponse(_detail, description="尝试过于频繁或账号已锁定"),
        },
        auth=[],
        summary="登录，取得 API 令牌",
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            django_request, username=form.validated_data["username"], password=form.validated_data["password"]
        )
        if getattr(django_request, "axes_locked_out", False):
            # Answer in JSON here rather than with axes' HTML lockout page.
            django_request.axes_locked_out = False
            return Response({"detail": LOCKED_OUT}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            return Response({"detail": LOGIN_FAILED}, status=status.HTTP_400_BAD_REQUEST)
        address = django_request.META.get("REMOTE_ADDR")
        if mfa.enabled(user):
            if not mfa.verify(user, form.validated_data.get("otp", ""), address=address):
                return Response({"detail": OTP_FAILED}, status=status.HTTP_400_BAD_REQUEST)
        elif mfa.required(user):
            return Response({"detail": MFA_SETUP_FIRST}, status=status.HTTP_403_FORBIDDEN)
        reason = passwords.must_change(user)
        if reason:
            return Response({"detail": reason + "（请先登录网页修改密码）"}, status=status.HTTP_403_FORBIDDEN)
        key, token = services.issue_api_token(user, address=django_request.META.get("REMOTE_ADDR"))
        return Response(TokenResponseSerializer({"token": key, "expires": token.expires_at}).data)

    @extend_schema(
        request=None,
        responses={204: None, 400: OpenApiResponse(_detail, description="当前请求未使用令牌")},
        summary="撤销当前 API 令牌",
    )
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            return Response({"detail": "当前请求未使用 API 令牌。"}, status=status.HTTP_400_BAD_REQUEST)
        services.revoke_api_token(request.auth, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="用户列表（仅系统管理员）"),
    retrieve=extend_schema(summary="用户详情（仅系统管理员）"),
    create=extend_schema(summary="新建用户（仅系统管理员）"),
    update=extend_schema(summary="修改用户（仅系统管理员）"),
    partial_update=extend_schema(summary="修改用户（仅系统管理员）"),
    destroy=extend_schema(summary="停用用户（仅系统管理员）"),
)
class UserViewSet(ScopedViewSet):
    """Users and their roles, for system administrators only (others: 403). Deleting a user deactivates it."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_class = UserFilter
    search_fields = ["username", "display_name", "phone"]
    ordering_fields = ["id", "username", "last_login"]

    def can_list(self, user) -> bool:
        return is_system_admin(user)

    can_read = can_write = can_list

    def visible(self, user):
        return User.objects.all() if is_system_admin(user) else User.objects.none()

    def optimise(self, qs):
        return qs.select_related("congress").prefetch_related(Prefetch("roles", queryset=UserRole.objects.all()))

    def _split(self, data):
        roles = data.pop("role_set", None)
        password = data.pop("password", "")
        return data, roles, password

    def create_object(self, data):
        data, roles, password = self._split(data)
        return services.create_user(actor=self.request.user, data=data, roles=roles or (), password=password)

    def update_object(self, instance, data):
        data, roles, _password = self._split(data)
        return services.update_user(instance, actor=self.request.user, data=data, roles=roles)

    def delete_object(self, instance):
        services.update_user(instance, actor=self.request.user, data={"is_active": False})
