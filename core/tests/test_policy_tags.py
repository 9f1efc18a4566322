"""The policy template tags answer as the policy does."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template, TemplateSyntaxError

pytestmark = pytest.mark.django_db


def _render(source: str, **context: Any) -> str:
    return Template("{% load policy %}" + source).render(Context(context)).strip()


@pytest.mark.parametrize(("name", "shown"), [("office", "yes"), ("town_shitai", "no"), ("anon", "no")])
def test_can_any_filter(persona: Any, name: str, shown: str) -> None:
    source = "{% if user|can_any:'reporting.Period:change' %}yes{% else %}no{% endif %}"
    assert _render(source, user=persona(name)) == shown


def test_can_tag_and_may_filter(persona: Any) -> None:
    from orgs.models import Organisation

    shitai = Organisation.objects.get(code="shitai")
    source = "{% can 'change' org as may %}{{ may }}|{{ user|may:'orgs.rules.may_choose_unit' }}"
    assert _render(source, user=persona("town_shitai"), org=shitai) == "True|False"
    assert _render(source, user=persona("town_duanyuan"), org=shitai) == "False|False"
    assert _render(source, user=persona("office"), org=shitai) == "True|True"


def test_may_filter_accepts_only_rule_functions(persona: Any) -> None:
    with pytest.raises(TemplateSyntaxError):
        _render("{{ user|may:'os.system' }}", user=persona("office"))
