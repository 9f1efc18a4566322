"""core is the mechanism: it imports no domain app (each app registers its own rules at start-up)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from core import policy

CORE = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_no_domain_app() -> None:
    domain = {c.name.split(".")[0] for c in apps.get_app_configs()} - {"core"}
    domain = {d for d in domain if Path(d).is_dir() or (CORE.parent / d).is_dir()}
    found = {
        str(path.relative_to(CORE.parent)): sorted(_imports(path) & domain)
        for path in CORE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    }
    assert {k: v for k, v in found.items() if v} == {}


def test_every_model_of_every_app_has_a_rule_registered_by_its_own_app() -> None:
    registered = set(policy.registered_models())
    for model in registered:
        rule_module = policy._RULES[model].__module__
        assert rule_module == f"{model._meta.app_label}.rules", (model, rule_module)
