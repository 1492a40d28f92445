"""Read-only admin views of training records, for support. Changes go through the staff pages, which apply the
rules (targets, leave decisions, check-in codes) and write the audit."""

from django.contrib import admin

from .models import CheckIn, Enrolment, Material, MaterialHandout, TrainingDay, TrainingSession


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DayInline(admin.TabularInline):
    model = TrainingDay
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "congress", "planned_hours", "invited_at"]
    list_filter = ["kind", "congress"]
    search_fields = ["title", "lecturers"]
    inlines = [DayInline]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["session", "person", "status", "outside_target"]
    list_filter = ["status", "outside_target"]
    list_select_related = ["session", "person"]
    search_fields = ["person__name", "session__title"]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "day", "checked_at", "method", "flagged"]
    list_filter = ["method", "flagged"]
    list_select_related = ["enrolment__person", "enrolment__session", "day"]


@admin.register(Material)
class MaterialAdmin(ReadOnlyAdmin):
    list_display = ["title", "congress", "uploaded_at"]


@admin.register(MaterialHandout)
class MaterialHandoutAdmin(ReadOnlyAdmin):
    list_display = ["material", "person", "session", "handed_at"]
    list_select_related = ["material", "person", "session"]
