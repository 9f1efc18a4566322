from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "系统"

    def ready(self) -> None:
        from core import rules  # noqa: F401  (registers the access rules)
        from core.security import connect_signals

        connect_signals()
