from django.contrib.auth import views as auth_views
from django.urls import path

from core import security_views

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/otp/", views.login_otp, name="login_otp"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mfa/", views.mfa_setup, name="mfa_setup"),
    path("mfa/disable/", views.mfa_disable, name="mfa_disable"),
    path("mfa/reset/", views.mfa_reset, name="mfa_reset"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("audit/", security_views.audit_log, name="audit_log"),
    path("audit/export/", security_views.audit_export, name="audit_export"),
]
