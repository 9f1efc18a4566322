from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from jobs import (
            rules,  # noqa: F401  (registers the access rules with core.policy)
            scheduled,  # noqa: F401  (registers the scheduled jobs with jobs.schedule)
        )
