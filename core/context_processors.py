"""The navigation and the unread count for every page."""

from django.urls import reverse

from .notifications import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from deputies.permissions import can_view_roster

    items = [("首页", reverse("core:home"))]
    if can_view_roster(user):
        items.append(("代表名册", reverse("deputies:list")))
        items.append(("代表小组", reverse("deputies:group_list")))
    from organization.permissions import can_open_pages as can_view_organization

    if can_view_organization(user):
        items.append(("组织机构", reverse("organization:congress_list")))
    from training.permissions import can_view_office_pages as can_view_training

    if can_view_training(user):
        items.append(("培训", reverse("training:list")))
    from suggestions.views.common import suggestion_nav

    items.extend(suggestion_nav(user))
    from accounts.models import Role

    if user.is_superuser or user.has_role(
        Role.ADMIN, Role.STAFF, Role.LEADER, Role.COMMITTEE, Role.TOWN_STAFF, Role.UNIT_STAFF, Role.UNIT_HEAD
    ):
        items.append(("办理统计", reverse("suggestions_stats:page")))
    from stations.permissions import can_open_staff_pages as can_view_stations

    if can_view_stations(user):
        items.append(("代表之家", reverse("stations:list")))
    from duties.permissions import can_open_staff_pages as can_view_duties

    if can_view_duties(user):
        items.append(("履职管理", reverse("duties:record_list")))
    from engagement.permissions import can_open_staff_pages as can_view_engagement

    if can_view_engagement(user):
        items.append(("联系代表", reverse("engagement:overview")))
    from reports.permissions import can_open as can_view_reports

    if can_view_reports(user):
        items.append(("年度报告", reverse("reports:list")))
    if user.has_role(Role.AUDITOR, Role.SECADMIN):
        items.append(("审计日志", reverse("accounts:audit_log")))
    if user.is_superuser or user.has_role(Role.SECADMIN, Role.ADMIN):
        items.append(("登录锁定", reverse("accounts:lockouts")))
    if user.has_role(Role.SECADMIN):
        items.append(("重置双因素", reverse("accounts:mfa_reset")))
    if user.is_superuser or user.has_role(Role.ADMIN):
        items.append(("系统运行", reverse("ops:work")))
    return {
        "nav_items": items,
        "unread_count": unread_count(user),
    }
