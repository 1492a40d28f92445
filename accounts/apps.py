from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import signals
        from .middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="accounts.stamp_login")
        user_logged_in.connect(signals.logged_in, dispatch_uid="accounts.audit_login")
        user_login_failed.connect(signals.login_failed, dispatch_uid="accounts.audit_login_failed")
        user_locked_out.connect(signals.locked_out, dispatch_uid="accounts.audit_locked_out")
