"""Form fields of the number-checking kit (core.numbers): every money and quantity input of the pages uses them;
and the one way a view shows a form's or a service's errors (``form_errors``, ``errors_to_messages``,
``errors_to_form``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import numbers
from core.widgets import PlainTextInput


class NumberField(forms.Field):
    """A text input checked by core.numbers (no NaN, no exponent, digits and range of the stored field)."""

    widget = PlainTextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(
        self,
        *,
        max_digits: int = numbers.QUANTITY["max_digits"],
        decimal_places: int = numbers.QUANTITY["decimal_places"],
        min_value: Decimal | int | None = 0,
        max_value: Decimal | int | None = numbers.QUANTITY_MAX,
        **kwargs: Any,
    ) -> None:
        self.max_digits, self.decimal_places = max_digits, decimal_places
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def parse(self, value: Any) -> Any:
        return numbers.parse_decimal(
            value,
            field_label=str(self.label or ""),
            max_digits=self.max_digits,
            decimal_places=self.decimal_places,
            min_value=self.min_value,
            max_value=self.max_value,
        )

    def to_python(self, value: Any) -> Any:
        try:
            return self.parse(value)
        except numbers.NumberError as exc:
            raise ValidationError(exc.message, code="invalid") from exc

    def prepare_value(self, value: Any) -> Any:
        """A stored Decimal shown for editing without trailing zeros (2.0000 → "2")."""
        if isinstance(value, Decimal) and not isinstance(value, bool):
            text = numbers.quantity_text(value, places=self.decimal_places)
            return "" if text == numbers.ABNORMAL else text
        return value

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")


class QuantityField(NumberField):
    """An indicator value or target: Decimal, 4 decimals, 0 … 10^10 by default."""


class CountField(NumberField):
    """A whole number of people or times (0 … 10^9): int."""

    def __init__(self, *, max_value: int = numbers.COUNT_MAX, **kwargs: Any) -> None:
        super().__init__(max_digits=12, decimal_places=0, min_value=0, max_value=max_value, **kwargs)
        self.widget.attrs["inputmode"] = "numeric"

    def parse(self, value: Any) -> Any:
        return numbers.parse_count(
            value, field_label=str(self.label or ""), max_value=int(self.max_value or 0)
        )


class MoneyField(NumberField):
    """Typed in 万元 (at most 2 decimals, 0 … 1,000,000 万元 unless told otherwise); cleaned value Decimal 元.

    An unbound form shows its initial value (元) in 万元."""

    def __init__(
        self,
        *,
        decimal_places: int = 2,
        min_wan: Decimal | int | None = 0,
        max_wan: Decimal | int | None = numbers.MONEY_MAX_WAN,
        **kwargs: Any,
    ) -> None:
        super().__init__(decimal_places=decimal_places, min_value=min_wan, max_value=max_wan, **kwargs)

    def parse(self, value: Any) -> Any:
        return numbers.parse_money(
            value,
            field_label=str(self.label or ""),
            decimal_places=self.decimal_places,
            min_wan=self.min_value,
            max_wan=self.max_value,
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            text = numbers.wan_text(value)
            return text.replace(",", "") if text != numbers.ABNORMAL else ""
        return value


class AuditFilterForm(forms.Form):
    """The audit log's filters: who, what (object kind, action), when (local dates, both ends included). The
    choices offer only the people and kinds found in the rows the user may view."""

    actor = forms.ChoiceField(label=gettext_lazy("操作人"), required=False)
    content_type = forms.ChoiceField(label=gettext_lazy("对象类型"), required=False)
    action = forms.ChoiceField(label=gettext_lazy("操作"), required=False)
    since = forms.DateField(
        label=gettext_lazy("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, actors: list[tuple[int, str]], kinds: list[tuple[int, str]], **kwargs: Any
    ):
        from core.models import AuditEvent

        super().__init__(*args, **kwargs)
        everyone = [("", _("全部"))]
        self.fields["actor"].choices = everyone + [(str(pk), label) for pk, label in actors]
        self.fields["content_type"].choices = everyone + [(str(pk), label) for pk, label in kinds]
        self.fields["action"].choices = everyone + list(AuditEvent.Action.choices)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("结束日期不能早于开始日期"))
        return data


def cap_text(form: forms.Form, limit: int = numbers.TEXT_MAX) -> None:
    """Give every free-text field of ``form`` without a limit a maximum length (TextField has none)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length is None:
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs.setdefault("maxlength", str(limit))


def form_errors(form: forms.BaseForm) -> list[str]:
    """A bound form's errors as Chinese sentences naming the field (“年初预算（万元）：不能为负数”)."""
    out = []
    for name, errors in form.errors.items():
        label = str(form.fields[name].label or "") if name in form.fields else ""
        for message in errors:
            out.append(message if not label or message.startswith(label) else f"{label}：{message}")
    return out


def refusal_messages(exc: Exception, *, conflict: str | None = None) -> list[str]:
    """What a service's refusal says to the user: a ValidationError's messages, a ConflictError as ``conflict``
    (someone else saved first), a PermissionDenied's text."""
    from core.services import ConflictError

    if isinstance(exc, ValidationError):
        return list(exc.messages)
    if isinstance(exc, ConflictError):
        return [str(conflict or _("保存失败：数据已被其他人修改，请刷新后重试。"))]
    if isinstance(exc, PermissionDenied):
        return [str(exc) or str(_("无权操作。"))]
    return [str(exc)]


def errors_to_messages(request: HttpRequest, exc: Exception, *, conflict: str | None = None) -> None:
    """Show a service's refusal as the page's error messages (``refusal_messages``)."""
    for message in refusal_messages(exc, conflict=conflict):
        messages.error(request, message)


def errors_to_form(form: forms.BaseForm, exc: Exception, *, conflict: str | None = None) -> None:
    """Put a service's refusal on the form: a ValidationError's field errors on their fields (when the form has
    them), everything else as the form's own errors."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        return
    for message in refusal_messages(exc, conflict=conflict):
        form.add_error(None, message)


def id_or_404(raw: Any) -> int:
    """An id taken from a form value or a URL part: a valid database id, or 404 (never a server error)."""
    from django.http import Http404

    try:
        return numbers.parse_id(raw, field_label="编号")
    except numbers.NumberError as exc:
        raise Http404(exc.message) from exc
