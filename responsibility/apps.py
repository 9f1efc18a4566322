from django.apps import AppConfig


class ResponsibilityConfig(AppConfig):
    name = "responsibility"
    verbose_name = "责任与目标"

    def ready(self) -> None:
        from responsibility import rules  # noqa: F401  (registers the access rules with core.policy)
