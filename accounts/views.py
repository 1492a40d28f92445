from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from core import audit
from core.models import AuditEntry

from . import mfa
from .models import Role, User

PENDING = "_mfa_pending"
MAX_OTP_TRIES = 5


class LoginForm(AuthenticationForm):
    # One message for an unknown user and a wrong password, so the page does not tell which usernames exist.
    error_messages = {
        "invalid_login": "用户名（手机号）或密码错误。",
        "inactive": "用户名（手机号）或密码错误。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名或手机号"
        self.fields["password"].label = "密码"


def _address(request):
    return request.META.get("REMOTE_ADDR")


def _safe_next(request, value) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure()):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Password first; an account with a second factor is then asked its code (LoginOTPView) before it is in."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if mfa.enabled(user):
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_redirect_url(),
                "tries": 0,
            }
            return redirect("accounts:login_otp")
        return super().form_valid(form)


class OTPForm(forms.Form):
    code = forms.CharField(
        label="动态验证码或恢复码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@require_http_methods(["GET", "POST"])
def login_otp(request):
    pending = request.session.get(PENDING)
    user = User.objects.filter(pk=pending["user"], is_active=True).first() if pending else None
    if user is None:
        return redirect("accounts:login")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(user, form.cleaned_data["code"], address=_address(request)):
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"])
            return redirect(_safe_next(request, pending.get("next")))
        pending["tries"] += 1
        if pending["tries"] >= MAX_OTP_TRIES:
            del request.session[PENDING]
            messages.error(request, "验证码错误次数过多，请重新登录。")
            return redirect("accounts:login")
        request.session[PENDING] = pending
        form.add_error("code", "验证码不正确或已使用，请重新输入。")
    return render(request, "accounts/login_otp.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)  # saves: password_changed_at stamped, API tokens revoked
            user = form.user
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
            audit.record(
                actor=user, action=AuditEntry.Action.SECURITY, obj=user, note="修改密码", address=_address(self.request)
            )
        update_session_auth_hash(self.request, user)  # this session stays; every other session ends
        messages.success(self.request, "密码已修改，其他设备上的登录和 API 令牌均已失效。")
        return response

    def get_success_url(self):
        return _safe_next(self.request, self.request.GET.get("next"))


class OTPSetupForm(forms.Form):
    code = forms.CharField(label="验证码", max_length=6, min_length=6)


@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    user = request.user
    if mfa.enabled(user):
        return render(request, "accounts/mfa_status.html", {"required": mfa.required(user)})
    form = OTPSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_setup(user, form.cleaned_data["code"], address=_address(request))
        if codes:
            return render(request, "accounts/mfa_codes.html", {"codes": codes})
        form.add_error("code", "验证码不正确，请核对手机时间后重试。")
    secret = mfa.pending_secret(user) if request.method == "POST" else ""
    if not secret:
        secret = mfa.start_setup(user)
    uri = mfa.provisioning_uri(user, secret)
    qr = ""
    try:
        import segno

        qr = segno.make(uri, error="m").svg_data_uri(scale=4)
    except ImportError:  # pragma: no cover - segno is in requirements
        pass
    return render(request, "accounts/mfa_setup.html", {"form": form, "secret": secret, "uri": uri, "qr": qr})


@require_http_methods(["POST"])
def mfa_disable(request):
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if mfa.required(request.user):
        raise PermissionDenied("您的角色必须使用双因素认证。")
    mfa.disable(request.user, actor=request.user, address=_address(request))
    messages.success(request, "已停用双因素认证。")
    return redirect("core:home")


class MFAResetForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="原因", max_length=200, help_text="如：手机丢失、更换手机（记入审计日志）")


def can_reset_mfa(user) -> bool:
    """Only the security administrator resets another login's second factor (三权分立)."""
    return user.is_authenticated and user.has_role(Role.SECADMIN)


@require_http_methods(["GET", "POST"])
def mfa_reset(request):
    """A user lost their phone: the security administrator finds the login and resets its second factor."""
    from django.db.models import Q

    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not can_reset_mfa(request.user):
        raise PermissionDenied("只有安全管理员可以重置双因素认证。")
    form = MFAResetForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            target = User.objects.filter(pk=form.cleaned_data["user"]).first()
            if target is None:
                form.add_error(None, "账号不存在。")
            elif target.pk == request.user.pk:
                form.add_error(None, "不能重置自己的双因素认证，请由另一位安全管理员办理。")
            else:
                mfa.reset(target, actor=request.user, reason=form.cleaned_data["reason"], address=_address(request))
                messages.success(request, f"已重置 {target.username} 的双因素认证，其下次登录须重新绑定。")
                return redirect(f"{reverse('accounts:mfa_reset')}?q={target.username}")
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()
    users = []
    if q:
        users = list(
            User.objects.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(phone=q))
            .select_related("totp")
            .order_by("username")[:50]
        )
        for u in users:
            u.mfa_on = mfa.enabled(u)
    return render(request, "accounts/mfa_reset.html", {"q": q, "users": users, "form": MFAResetForm()})


def can_unlock(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECADMIN, Role.ADMIN))


@require_http_methods(["GET", "POST"])
def lockouts(request):
    """Current login lockouts; a security (or system) administrator unlocks one, and the unlock is audited."""
    from axes.models import AccessAttempt
    from axes.utils import reset

    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not can_unlock(request.user):
        raise PermissionDenied
    if request.method == "POST":
        attempt = AccessAttempt.objects.filter(pk=request.POST.get("attempt")).first()
        if attempt is not None:
            with transaction.atomic():
                reset(ip=attempt.ip_address, username=attempt.username)
                audit.record(
                    actor=request.user,
                    action=AuditEntry.Action.SECURITY,
                    note=f"解除登录锁定：{attempt.username} @ {attempt.ip_address}",
                    address=_address(request),
                )
            messages.success(request, f"已解除 {attempt.username} 的登录锁定。")
        return redirect("accounts:lockouts")
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).order_by(
        "-attempt_time"
    )[:200]
    return render(
        request, "accounts/lockouts.html", {"attempts": attempts, "perms_reset_mfa": can_reset_mfa(request.user)}
    )
