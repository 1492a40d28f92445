from django.contrib import admin

from .models import TaskRun


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    list_display = ("task_name", "status", "started_at", "finished_at", "error_type")
    list_filter = ("status", "task_name")
    readonly_fields = [f.name for f in TaskRun._meta.fields]
