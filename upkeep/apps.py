from django.apps import AppConfig


class UpkeepConfig(AppConfig):
    name = "upkeep"
    verbose_name = "长效管护"

    def ready(self) -> None:
        from upkeep import rules  # noqa: F401  (registers the access rules with core.policy)
