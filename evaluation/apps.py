from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "绩效管理"

    def ready(self) -> None:
        from evaluation import rules  # noqa: F401  (registers the access rules with core.policy)
