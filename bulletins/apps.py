from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "进度简报"

    def ready(self) -> None:
        from bulletins import rules  # noqa: F401  (registers the access rules with core.policy)
