from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from core.policy import set_actor_resolver
        from orgs import rules  # (registers the access rules with core.policy)

        set_actor_resolver(rules.resolve_actor)
