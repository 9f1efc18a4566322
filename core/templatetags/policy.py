"""Templates ask core.policy too, for menus and buttons — never a role name.

{% load policy %}
{% if user|can_any:'reporting.Period:change' %}…{% endif %}   {# some rows of the model, e.g. a menu #}
{% can 'change' report as may_edit %}{% if may_edit %}…{% endif %}  {# one object, e.g. a button #}
{% if user|may:'reporting.rules.may_review_report' %}…            {# a named rule taking only the user #}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.module_loading import import_string

from core import policy

register = template.Library()


@register.filter(name="can_any")
def can_any_filter(user: Any, spec: str) -> bool:
    """``user|can_any:'app_label.Model:action'`` (action defaults to ``view``)."""
    return policy.can_action(user, spec)


@register.simple_tag(takes_context=True)
def can(context: Any, action: str, obj: Any) -> bool:
    """``{% can 'change' obj as may %}``: may the current user do ``action`` on ``obj``."""
    return obj is not None and policy.can(context.get("user"), action, obj)


@register.filter(name="may")
def may_filter(user: Any, rule_path: str) -> bool:
    """``user|may:'app.rules.function'``: a named rule function of one argument (the user); only functions in
    an app's ``rules`` module are accepted."""
    module, _, name = rule_path.rpartition(".")
    if not module.endswith(".rules") or not name.startswith("may_"):
        raise template.TemplateSyntaxError(f"not a rule function: {rule_path}")
    return bool(import_string(rule_path)(user))
