from django.apps import AppConfig


class ResponsibilityConfig(AppConfig):
    name = "responsibility"
    verbose_name = "责任与目标"
