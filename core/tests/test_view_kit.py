"""The small kit views share instead of copies: refusals shown as messages or form errors, generated downloads."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from core import numbers
from core.downloads import download_response
from core.forms import errors_to_form, refusal_messages
from core.services import ConflictError


class _Form(forms.Form):
    name = forms.CharField(label="名称")


def test_refusal_messages_name_each_kind_of_refusal() -> None:
    assert refusal_messages(ValidationError(["甲", "乙"])) == ["甲", "乙"]
    assert refusal_messages(ConflictError(_Form()), conflict="已被修改") == ["已被修改"]
    assert refusal_messages(ConflictError(_Form())) == ["保存失败：数据已被其他人修改，请刷新后重试。"]
    assert refusal_messages(PermissionDenied("无权设置")) == ["无权设置"]


def test_errors_to_form_puts_field_errors_on_their_fields() -> None:
    form = _Form({"name": "x"})
    assert form.is_valid()
    errors_to_form(form, ValidationError({"name": "重名", "other": "别的"}))
    assert form.errors["name"] == ["重名"] and form.non_field_errors() == ["别的"]
    form = _Form({"name": "x"})
    form.is_valid()
    errors_to_form(form, ConflictError(_Form()))
    assert form.non_field_errors() == ["保存失败：数据已被其他人修改，请刷新后重试。"]


def test_download_response_types_the_file_by_its_extension_and_encodes_the_name() -> None:
    response = download_response(b"data", filename="2021年责任分工矩阵.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''2021%E5%B9%B4")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert download_response(b"%PDF", filename="a.pdf")["Content-Type"] == "application/pdf"


def test_money_conversion_is_one_pair_of_functions() -> None:
    assert numbers.wan_to_yuan(Decimal("1.234567")) == Decimal("12345.67")
    assert numbers.yuan_to_wan(Decimal("12345.67")) == Decimal("1.234567")
