from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "系统"

    def ready(self) -> None:
        from django.urls import register_converter

        from core import rules  # noqa: F401  (registers the access rules)
        from core.api import install_decimal_field
        from core.numbers import IdConverter
        from core.security import connect_signals

        install_decimal_field()
        register_converter(IdConverter, "id")  # <id:pk> in every URL: ids beyond 2^63-1 are a 404
        connect_signals()
