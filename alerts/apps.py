from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "亮灯预警"

    def ready(self) -> None:
        from alerts import digest, rules  # noqa: F401  (access rules; the "alert_digest" scheduled job)
