from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "调度报送"

    def ready(self) -> None:
        from reporting import rules  # noqa: F401  (registers the access rules with core.policy)
