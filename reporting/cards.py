"""The project cards of the fill page, written in Python instead of a Django template loop.

A unit's fill page holds one card per project (a town: 30-odd cards, 300 inputs); rendered by the template
engine, the loop's variable lookups, ``{% url %}``s and badges cost more than everything else of the request.
Here each card is built with MarkupSafe (``Markup(...) % values`` escapes every value unless it is HTML
already — a bound field, another ``Markup`` — as ``format_html`` does, at a fraction of its cost;
``Markup.format`` goes through Python's ``string.Formatter`` and is slower), the fixed words translated once per
page; the inputs are the forms' own bound fields (core.widgets writes them). The markup is the one the
template wrote (reporting/tests/test_fill_cards.py compares both): same elements, attributes, labels ``for``
the inputs, error ids the refused inputs' ``aria-describedby`` points at.

The argument is the list of items the view builds (``reporting.views.fill``): per project ``project``,
``report`` (or None), ``form`` (a ReportFillForm), ``issues``, ``warnings``, ``editable``, ``ready``, ``open``,
``last_opinion``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from markupsafe import Markup

from reporting.models import Status

#: the status badge's colour; any other status (submitted, dept-approved, …) is blue
_STATUS_CLASS = {
    Status.CONFIRMED: "bg-success",
    Status.RETURNED: "bg-danger",
    Status.DRAFT: "bg-secondary",
}
#: the report page's address is reversed once per page with this id, then each report's id put in its place
_SENTINEL = "987654321"

_CARD = Markup(
    '<section class="card mb-3%(border)s" id="p%(pk)s" data-testid="project-%(pk)s">'
    '<details class="fill-project" data-fill-project%(open)s>'
    '<summary class="card-header d-flex flex-wrap justify-content-between gap-2">'
    "<strong>%(order)s. %(name)s</strong>"
    '<span class="d-flex flex-wrap gap-1">%(badges)s</span>'
    "</summary>"
    '<div class="card-body">%(head)s'
    '<div class="row g-2">%(indicators)s'
    '<div class="col-6 col-md-3">'
    '<label class="form-label small" for="%(b_id)s">%(b_label)s</label>%(b_input)s'
    "</div>"
    "</div>"
    '<div class="table-responsive mt-2"><table class="table table-sm mb-2">'
    "<thead><tr><th>%(source_head)s</th><th>%(arrived_head)s</th><th>%(spent_head)s</th></tr></thead>"
    "<tbody>%(money)s</tbody></table></div>"
    '<div class="row g-2">%(texts)s</div>'
    "%(submit)s"
    "</div></details></section>"
)
_INDICATOR = Markup(
    '<div class="col-6 col-md-3"><label class="form-label small" for="%s">%s（%s）</label>%s</div>'
)
_TEXT = Markup('<div class="col-md-6"><label class="form-label small" for="%s">%s</label>%s</div>')
_MONEY = Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>")
_ALERT = Markup('<div class="alert alert-%s py-1 mb-2">%s</div>')
_NO_INDICATORS = Markup('<div class="col-12 small text-muted">%s</div>')
_LINK = Markup('<p class="small mb-2"><a href="%s" data-testid="report-link-%s">%s</a></p>')
_ISSUES = Markup('<div id="p%s-issues">%s</div>')
_SUBMIT = Markup(
    '<div class="mt-2 text-end"><button type="submit" class="btn btn-sm btn-outline-danger"'
    ' name="action" value="submit-%(pk)s" data-testid="submit-%(pk)s">%(label)s</button></div>'
)
_ERRORS_BADGE = Markup('<span class="badge bg-danger">%s</span>')
_READY_BADGE = Markup('<span class="badge bg-warning text-dark" data-testid="ready-%s">%s</span>')
_STATUS_BADGE = Markup('<span class="badge %s" data-testid="status-%s">%s</span>')
_NOT_STARTED_BADGE = Markup('<span class="badge bg-light text-dark border" data-testid="status-%s">%s</span>')
_JOIN = Markup("")


def _words() -> dict[str, Any]:
    """The loop's fixed words, translated once for the page (the msgids of the template they came from)."""
    return {
        "has_errors": _("有错误"),
        "ready": _("已填完待提交"),
        "not_started": _("未填报"),
        "detail_link": _("查看报表与流转记录"),
        "return_opinion": _("退回意见"),
        "no_indicators": _("该项目尚未设置指标。"),
        "beneficiaries": _("受益人数（累计）"),
        "source_head": _("资金来源"),
        "arrived_head": _("累计到位（万元）"),
        "spent_head": _("累计支出（万元）"),
        "submit_one": _("保存并提交本项目"),
        "colon": pgettext("label separator", "："),
        "detail_url": reverse("reporting:report_detail", args=[_SENTINEL]),
        "texts": (
            ("progress", _("工作进展") + " *"),
            ("problems", _("存在问题")),
            ("next_steps", _("下步打算")),
            ("explanation", _("情况说明（对提示作出解释）")),
        ),
    }


def _badges(it: dict[str, Any], pk: int, words: dict[str, Any]) -> Markup:
    report = it["report"]
    parts = []
    if it["issues"]:
        parts.append(_ERRORS_BADGE % (words["has_errors"],))
    if it["ready"]:
        parts.append(_READY_BADGE % (pk, words["ready"]))
    if report is not None:
        colour = _STATUS_CLASS.get(report.status, "bg-primary")
        parts.append(_STATUS_BADGE % (colour, pk, report.get_status_display()))
    else:
        parts.append(_NOT_STARTED_BADGE % (pk, words["not_started"]))
    return _JOIN.join(parts)


def _head(it: dict[str, Any], pk: int, words: dict[str, Any]) -> Markup:
    """What comes before the inputs: the report's link, the refusals, the warnings, the return opinion, the
    version the page was rendered with."""
    report = it["report"]
    parts = []
    if report is not None:
        url = words["detail_url"].replace(_SENTINEL, str(int(report.pk)))
        parts.append(_LINK % (url, pk, words["detail_link"]))
    if it["issues"]:
        parts.append(_ISSUES % (pk, _JOIN.join(_ALERT % ("danger", m) for m in it["issues"])))
    parts.extend(_ALERT % ("warning", m) for m in it["warnings"])
    if it["last_opinion"] and report is not None and report.status == Status.RETURNED:
        parts.append(
            _ALERT
            % ("danger", Markup("%s%s%s") % (words["return_opinion"], words["colon"], it["last_opinion"]))
        )
    if it["editable"]:
        parts.append(it["form"]["version"])
    return _JOIN.join(parts)


def fill_card(it: dict[str, Any], words: dict[str, Any] | None = None) -> Markup:
    """One project's card (``words``: from ``_words()``, passed by ``fill_cards`` to translate once)."""
    words = words or _words()
    project, form = it["project"], it["form"]
    pk = int(project.pk)
    indicators = [(form[name], ind) for name, ind in form.indicator_names]
    if indicators:
        inputs = _JOIN.join(_INDICATOR % (f.id_for_label, ind.name, ind.unit, f) for f, ind in indicators)
    else:
        inputs = _NO_INDICATORS % (words["no_indicators"],)
    beneficiaries = form["beneficiaries"]
    return _CARD % {
        "border": " border-danger" if it["issues"] else "",
        "pk": pk,
        "open": " open" if it["open"] else "",
        "order": project.order,
        "name": project.name,
        "badges": _badges(it, pk, words),
        "head": _head(it, pk, words),
        "indicators": inputs,
        "b_id": beneficiaries.id_for_label,
        "b_label": words["beneficiaries"],
        "b_input": beneficiaries,
        "source_head": words["source_head"],
        "arrived_head": words["arrived_head"],
        "spent_head": words["spent_head"],
        "money": _JOIN.join(_MONEY % (label, a, s) for label, a, s in form.money_rows()),
        "texts": _JOIN.join(
            _TEXT % (form[name].id_for_label, label, form[name]) for name, label in words["texts"]
        ),
        "submit": _SUBMIT % {"pk": pk, "label": words["submit_one"]} if it["editable"] else "",
    }


def fill_cards(items: list[dict[str, Any]]) -> Markup:
    """Every project's card of the page, in order (HTML: ``{{ cards }}`` writes it as it is)."""
    words = _words()
    return _JOIN.join(fill_card(it, words) for it in items)
