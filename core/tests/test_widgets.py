"""core.widgets writes the same markup as Django's widget templates."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from core.widgets import PlainHiddenInput, PlainTextarea, PlainTextInput

VALUES: list[Any] = [None, "", "12.5", 0, "a\"<b>&'c", "第一行\n第二行", "{} {0} {x}"]
ATTRS: list[dict[str, Any]] = [
    {},
    {"id": "id_x", "class": "form-control form-control-sm", "inputmode": "decimal"},
    {"required": True, "disabled": True, "aria-invalid": "true", "hidden": False, "data-x": '"q"'},
    {"title": "{}", "aria-label": "{0}", "placeholder": None},
]


@pytest.mark.parametrize(
    ("plain", "django"),
    [
        (PlainTextInput, forms.TextInput),
        (PlainHiddenInput, forms.HiddenInput),
        (PlainTextarea, forms.Textarea),
    ],
)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_plain_widget_renders_as_django_template(
    plain: type[forms.Widget], django: type[forms.Widget], value: Any, attrs: dict[str, Any]
) -> None:
    own = {"autocomplete": "off"}
    assert plain(attrs=own).render("r1-v2", value, attrs=attrs) == django(attrs=own).render(
        "r1-v2", value, attrs=attrs
    )


def test_plain_input_escapes_value_and_attributes() -> None:
    html = PlainTextInput().render("n", '"><script>', attrs={"title": "<b>"})
    assert "<script>" not in html and "<b>" not in html


@pytest.mark.parametrize("name", ['a"b', "on{}", "x y", "", "a>b"])
def test_plain_widget_refuses_attribute_name_that_is_not_one(name: str) -> None:
    with pytest.raises(ValueError):
        PlainTextInput().render("n", "1", attrs={name: "v"})
