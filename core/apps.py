from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "系统"

    def ready(self) -> None:
        from core import rules  # noqa: F401  (registers the access rules)
        from core.api import install_decimal_field

        install_decimal_field()
