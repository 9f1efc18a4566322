from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "宣传与公开"

    def ready(self) -> None:
        from disclosure import rules  # noqa: F401  (registers the access rules with core.policy)
