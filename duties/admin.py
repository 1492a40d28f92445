"""Admin for the duty archive's reference data: duty types (seeded by a migration, editable) and standing meetings.
Records, scores and interviews are kept through the staff pages, which apply the rules and write the audit."""

from django.contrib import admin

from .models import DutyType, StandingMeeting


@admin.register(DutyType)
class DutyTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active", "self_reported"]
    list_editable = ["order", "is_active", "self_reported"]
    readonly_fields = ["code"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # records point at their type; deactivate instead


@admin.register(StandingMeeting)
class StandingMeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "congress"]
    list_filter = ["congress"]
    date_hierarchy = "date"
