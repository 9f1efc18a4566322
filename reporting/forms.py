"""Forms of the reporting pages: one fill form per project on the unit's fill page, the period controls and the
batch confirmation. Money is typed in 万元 and cleaned to Decimal 元 (core.forms.MoneyField)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalogue.models import Project
from core import numbers
from core.forms import CountField, MoneyField, QuantityField
from core.widgets import PlainHiddenInput, PlainTextarea
from funding.models import Source
from reporting.models import Report

TEXTS = ("progress", "problems", "next_steps", "explanation")


_LABELS: dict[tuple[str | None, str], str] = {}


def _label(key: str) -> str:
    """The translated label of a report field (``beneficiaries``, the narrative) or of a money input
    (``a-<source>`` 到位, ``s-<source>`` 支出), kept per language: a page builds 33 forms with the same labels."""
    language = get_language()
    found = _LABELS.get((language, key))
    if found is None:
        if key[:2] in ("a-", "s-"):
            text = _("%(label)s到位") if key[0] == "a" else _("%(label)s支出")
            found = text % {"label": Source(key[2:]).label}
        else:
            found = str(Report._meta.get_field(key).verbose_name)
        _LABELS[(language, key)] = found
    return found


def _text_field(name: str) -> forms.CharField:
    return forms.CharField(
        label=_label(name),
        required=False,
        strip=False,
        max_length=numbers.TEXT_MAX,
        error_messages={"max_length": _("不超过%(limit_value)s字")},
        widget=PlainTextarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


_SMALL = {"class": "form-control form-control-sm"}


def _make_field(kind: str, label: str) -> forms.Field:
    """A new field of the fill form: ``v`` an indicator value, ``a``/``s`` money, ``beneficiaries``, a text."""
    if kind == "v":
        field: forms.Field = QuantityField(label=label, required=False)
        field.widget.attrs.update(_SMALL)
    elif kind in ("a", "s"):
        field = MoneyField(label=label, required=False)
        field.widget.attrs.update({**_SMALL, "aria-label": label})
    elif kind == "beneficiaries":
        field = CountField(label=label, required=False)
        field.widget.attrs.update(_SMALL)
    else:
        field = _text_field(kind)
    return field


_PROTOTYPES: dict[tuple[str, str], forms.Field] = {}


def _field(kind: str, label: str) -> forms.Field:
    """A fill form's field, copied from a prototype kept per kind and label: a page builds 33 forms of about 10
    fields, and ``Field.__init__`` (its widget deep-copied, its error messages gathered from the class chain)
    costs more than the rest of building them. The copy is what ``deepcopy`` of a declared field makes — its
    own widget, widget attrs, error messages and validators — for less: a form may change its fields (disable
    them, point them at its errors) without touching another form's."""
    key = (kind, label)
    proto = _PROTOTYPES.get(key)
    if proto is None:
        if len(_PROTOTYPES) > 4096:  # indicator names are data: keep the cache bounded
            _PROTOTYPES.clear()
        proto = _PROTOTYPES[key] = _make_field(kind, label)
    field = object.__new__(type(proto))
    field.__dict__.update(proto.__dict__)
    widget = field.widget = object.__new__(type(proto.widget))
    widget.__dict__.update(proto.widget.__dict__)
    widget.attrs = dict(proto.widget.attrs)
    field.error_messages = dict(proto.error_messages)
    field.validators = list(proto.validators)
    return field


class ReportFillForm(forms.Form):
    """The figures and text of one project's report (prefix ``r<project id>``): cumulative indicator values,
    money arrived/spent by source (万元), 受益人数 and the narrative; ``version`` is the report version the page
    was rendered with (0: no report yet)."""

    version = forms.CharField(required=False, widget=PlainHiddenInput)

    def __init__(
        self,
        *args: Any,
        project: Project,
        sources: list[str],
        report: Report | None = None,
        **kwargs: Any,
    ) -> None:
        self.project, self.sources, self.report = project, sources, report
        kwargs.setdefault("prefix", f"r{project.pk}")
        kwargs.setdefault("initial", self._initial(report))
        super().__init__(*args, **kwargs)
        fields = self.fields
        self.indicator_names: list[tuple[str, Any]] = []
        for ind in project.indicators.all():
            name = f"v{ind.pk}"
            fields[name] = _field("v", ind.name)
            self.indicator_names.append((name, ind))
        for source in sources:
            for key in (f"a-{source}", f"s-{source}"):
                fields[key] = _field(key[0], _label(key))
        fields["beneficiaries"] = _field("beneficiaries", _label("beneficiaries"))
        for name in TEXTS:
            fields[name] = _field(name, _label(name))

    @staticmethod
    def _initial(report: Report | None) -> dict[str, Any]:
        if report is None:
            return {"version": "0"}
        data: dict[str, Any] = {"version": str(report.version), "beneficiaries": report.beneficiaries}
        data.update({name: getattr(report, name) for name in TEXTS})
        data.update({f"v{v.indicator_id}": v.value for v in report.values.all()})
        for f in report.funds.all():
            data[f"a-{f.source}"], data[f"s-{f.source}"] = f.arrived, f.spent
        return data

    def disable(self) -> None:
        """Shown read-only (a report already submitted, or a user who may not fill)."""
        for field in self.fields.values():
            field.disabled = True

    def describe_errors_by(self, element_id: str) -> None:
        """The inputs refused by validation point at the page's error messages of this project
        (``aria-describedby``; Django marks them ``aria-invalid``)."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = element_id

    def posted(self) -> bool:
        """Whether this project's form was on the page that was sent (a read-only one sends no version)."""
        return self.is_bound and self.add_prefix("version") in self.data

    def touched(self) -> bool:
        """Whether the user typed anything (the version alone does not count). On a valid form, what
        ``changed_data`` says (each field's ``has_changed``: its cleaned value differs from the initial one, None
        counting as empty) from the cleaned values, without parsing every input a second time."""
        if not self.is_bound or self.errors:
            return any(name != "version" for name in self.changed_data)
        initial, cleaned = self.initial, self.cleaned_data
        for name in self.fields:
            if name == "version":
                continue
            before, after = initial.get(name), cleaned.get(name)
            if (before if before is not None else "") != (after if after is not None else ""):
                return True
        return False

    def expected_version(self) -> int:
        """The version the page was rendered with; anything that is not a version (empty, text, huge) counts as
        0 — "the page saw no report" — so it is refused as stale when a report exists."""
        try:
            return (
                numbers.parse_count(self.data.get(self.add_prefix("version"), ""), field_label="version") or 0
            )
        except numbers.NumberError:
            return 0

    def payload(self) -> dict[str, Any]:
        """The cleaned figures in the shape reporting.services.report_fill takes (money in 元)."""
        data = self.cleaned_data
        values: dict[int, Decimal | None] = {ind.pk: data.get(name) for name, ind in self.indicator_names}
        funds = {
            source: (data.get(f"a-{source}"), data.get(f"s-{source}"))
            for source in self.sources
            if self.add_prefix(f"a-{source}") in self.data
        }
        narrative = {name: data.get(name, "") for name in TEXTS}
        narrative["beneficiaries"] = data.get("beneficiaries")
        return {"values": values, "funds": funds, "narrative": narrative}

    def money_rows(self) -> list[tuple[str, Any, Any]]:
        """(source label, arrived field, spent field) for the money table."""
        return [(Source(s).label, self[f"a-{s}"], self[f"s-{s}"]) for s in self.sources]

    def indicator_fields(self) -> list[tuple[Any, Any]]:
        return [(self[name], ind) for name, ind in self.indicator_names]


class PeriodChangeForm(forms.Form):
    """Open, close or move the deadline of one period (民生办), with a reason; ``version`` refuses a stale page."""

    ACTIONS = (("open", _("开放报送")), ("close", _("关闭报送")), ("deadline", _("调整截止日")))

    action = forms.ChoiceField(label=_("操作"), choices=ACTIONS)
    deadline = forms.DateField(
        label=_("新的截止日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    version = forms.IntegerField(label=_("版本"), widget=forms.HiddenInput, min_value=0)

    #: What the page says after each action: a whole sentence per action (a translator sees no glued parts).
    DONE = {
        "open": _("%(period)s：已开放报送。"),
        "close": _("%(period)s：已关闭报送。"),
        "deadline": _("%(period)s：已调整截止日。"),
    }

    def done_message(self, period_label: str) -> str:
        return str(self.DONE[self.cleaned_data["action"]]) % {"period": period_label}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "deadline" and not data.get("deadline"):
            self.add_error("deadline", _("请填写新的截止日"))
        return data


class BatchConfirmForm(forms.Form):
    """Several reports waiting for 民生办确认, confirmed in one action."""

    reports = forms.TypedMultipleChoiceField(label=_("报表"), coerce=int, choices=())
    opinion = forms.CharField(label=_("意见"), required=False, max_length=500)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reports"].choices = choices
        self.fields["reports"].error_messages["required"] = _("请至少选择一份报表")
