from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "资金"

    def ready(self) -> None:
        from funding import rules  # noqa: F401  (registers the access rules with core.policy)
