from django.contrib import admin

from .models import Checklist, ChecklistItem, Message, Reception, Station, StationDeputy


class StationDeputyInline(admin.TabularInline):
    model = StationDeputy
    raw_id_fields = ["person"]
    extra = 0


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "congress", "township", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "address"]
    inlines = [StationDeputyInline]
    filter_horizontal = ["liaisons"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["name", "congress"]
    inlines = [ChecklistItemInline]


@admin.register(Reception)
class ReceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "station", "topic", "handling", "status"]
    list_filter = ["handling", "status", "category"]
    # The visitor's phone is personal data: not shown in the admin list.
    exclude = ["visitor_phone"]
    raw_id_fields = ["slot", "deputy", "suggestion", "unit"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "code", "station", "topic", "status"]
    list_filter = ["status"]
    search_fields = ["code", "topic"]
    exclude = ["contact_phone"]
    raw_id_fields = ["person", "suggestion", "unit"]
