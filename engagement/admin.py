"""Read-only admin: the records are changed through the services (audited), never here."""

from django.contrib import admin

from . import models as m


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Notice)
class NoticeAdmin(ReadOnly):
    list_display = ["title", "kind", "important", "congress", "published_at"]
    list_filter = ["kind", "important"]
    search_fields = ["title"]


@admin.register(m.ReportRound)
class ReportRoundAdmin(ReadOnly):
    list_display = ["title", "period", "due_date", "congress"]


@admin.register(m.ReportRequest)
class ReportRequestAdmin(ReadOnly):
    list_display = ["round", "unit", "status", "submitted_at"]
    list_filter = ["status"]


@admin.register(m.Topic)
class TopicAdmin(ReadOnly):
    list_display = ["title", "kind", "plan"]


@admin.register(m.Invitation)
class InvitationAdmin(ReadOnly):
    list_display = ["title", "kind", "date", "congress"]
    list_filter = ["kind"]


@admin.register(m.SpecialSupervisor)
class SpecialSupervisorAdmin(ReadOnly):
    list_display = ["person", "unit", "start", "end"]


@admin.register(m.Visit)
class VisitAdmin(ReadOnly):
    list_display = ["member", "date", "way", "group"]


@admin.register(m.ConsultationItem)
class ConsultationItemAdmin(ReadOnly):
    list_display = ["title", "status", "source_label", "meeting_date"]
    list_filter = ["status"]


@admin.register(m.SpecialReport)
class SpecialReportAdmin(ReadOnly):
    list_display = ["title", "year", "number", "status"]
    list_filter = ["status", "year"]
