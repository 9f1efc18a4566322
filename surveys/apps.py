from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "满意度调查"

    def ready(self) -> None:
        from surveys import rules  # noqa: F401  (registers the access rules with core.policy)
