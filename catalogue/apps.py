from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "项目目录"

    def ready(self) -> None:
        from catalogue import rules  # noqa: F401  (registers the access rules with core.policy)
