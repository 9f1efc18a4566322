from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "监督与整改"

    def ready(self) -> None:
        from supervision import rules  # noqa: F401  (registers the access rules with core.policy)
