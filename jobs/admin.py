from django.contrib import admin

from jobs.models import Job, ScheduledRun, WorkerBeat


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "status",
        "done",
        "total",
        "attempts",
        "created_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "status")
    exclude = ("input",)
    readonly_fields = [f.name for f in Job._meta.fields if f.name != "input"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("name", "last_run_at", "next_run_at", "last_job")
    readonly_fields = ("name", "last_run_at", "last_job")


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "role", "process", "started_at", "seen_at", "stopped_at")
    list_filter = ("role",)
    readonly_fields = [f.name for f in WorkerBeat._meta.fields]
