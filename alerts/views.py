from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from alerts import selectors, services
from alerts.forms import AlertRuleForm
from alerts.models import MEASURES, AlertRule, Kind
from alerts.rules import ALL_PROGRAMS, may_manage_rules, may_see_alerts
from catalogue.models import Program
from catalogue.selectors import program_get
from core.forms import errors_to_form, form_errors, id_or_404
from core.policy import can_any
from core.services import ConflictError


def _program(request: HttpRequest) -> Program | None:
    raw = request.GET.get("program")
    if raw:
        return program_get(user=request.user, pk=id_or_404(raw))
    return selectors.alert_program()


def _month(request: HttpRequest) -> int | None:
    raw = request.GET.get("month")
    if not raw:
        return None
    month = id_or_404(raw)
    if not 1 <= month <= 12:
        raise Http404
    return month


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The alerts the user may see (a town its own), grouped by kind, red first."""
    if not may_see_alerts(request.user):
        raise PermissionDenied(_("您无权查看预警。"))
    program = _program(request)
    alerts = (
        selectors.alerts_for(user=request.user, program=program, month=_month(request)) if program else []
    )
    context = {
        "program": program,
        "groups": selectors.alerts_by_kind(alerts),
        "counts": selectors.alert_counts(alerts),
        "digest": selectors.latest_digest(user=request.user),
        "may_rules": can_any(request.user, "view", AlertRule),
    }
    return render(request, "alerts/index.html", context)


@login_required
def data(request: HttpRequest) -> JsonResponse:
    """The same alerts as JSON (for the dashboard and other clients), through the same scope."""
    if not may_see_alerts(request.user):
        raise PermissionDenied
    program = _program(request)
    alerts = (
        selectors.alerts_for(user=request.user, program=program, month=_month(request)) if program else []
    )
    return JsonResponse(
        {
            "program": program.pk if program else None,
            "counts": selectors.alert_counts(alerts),
            "alerts": [a.as_dict() for a in alerts],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The rules in force (per program, or the defaults), each with its edit link for 民生办."""
    if not can_any(request.user, "view", AlertRule):
        raise PermissionDenied(_("您无权查看预警规则。"))
    program = None
    if request.GET.get("program"):
        program = program_get(user=request.user, pk=id_or_404(request.GET["program"]))
    context = {
        "program": program,
        "programs": selectors.rule_programs(user=request.user),
        "rows": selectors.rule_rows(program=program),
        "manage": may_manage_rules(request.user, program or ALL_PROGRAMS),
    }
    return render(request, "alerts/rules.html", context)


@login_required
def rule_edit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Kind.values:
        raise Http404
    if not can_any(request.user, "view", AlertRule):
        raise PermissionDenied(_("您无权查看预警规则。"))
    program = None
    raw = request.GET.get("program") or request.POST.get("program")
    if raw:
        program = program_get(user=request.user, pk=id_or_404(raw))
    manage = may_manage_rules(request.user, program or ALL_PROGRAMS)
    current = selectors.thresholds(program=program)[kind]
    scope_id = program.pk if program else None
    own = current.rule if current.rule is not None and current.rule.program_id == scope_id else None
    initial = {
        "label": current.label,
        "yellow": current.yellow,
        "red": current.red,
        "enabled": current.enabled,
        "version": own.version if own else None,
    }
    form = AlertRuleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("只有民生办可以维护预警规则。"))
        if form.is_valid():
            try:
                services.alert_rule_set(
                    actor=request.user,
                    program=program,
                    kind=kind,
                    data=form.data_for_service(),
                    expected_version=form.cleaned_data["version"] or 0,  # 0: created since read
                    reason=form.cleaned_data["reason"],
                )
            except (ConflictError, ValidationError, PermissionDenied) as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("预警规则已保存。"))
                return redirect(reverse("alerts:rules") + (f"?program={program.pk}" if program else ""))
        for message in form_errors(form):
            messages.error(request, message)
    context = {
        "kind": kind,
        "kind_label": Kind(kind).label,
        "measure": MEASURES[Kind(kind)],
        "program": program,
        "form": form,
        "manage": manage,
        "own": own,
    }
    return render(request, "alerts/rule_form.html", context)


@login_required
def digest(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(selectors.digests(user=request.user), pk=pk)
    return render(request, "alerts/digest.html", {"digest": row})
