from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.selectors import program_get
from core import numbers
from core.downloads import download_response, file_response
from core.forms import errors_to_messages
from core.policy import actor_for, can, can_any, restrict
from core.services import ConflictError
from funding.models import Source
from orgs.models import Organisation
from orgs.rules import may_act_for_unit, may_choose_unit
from reporting import rollup, selectors, services
from reporting.models import Period, Report
from reporting.rules import may_see_pending

TEN_THOUSAND = Decimal(10000)


def _errors(request: HttpRequest, exc: Exception) -> None:
    errors_to_messages(request, exc, conflict=_("保存失败：该报表已被其他人修改，请刷新后重新填写。"))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    program = selectors.current_program(user=request.user)
    if program is None:
        return render(request, "reporting/index.html", {"program": None})
    periods = list(program.periods.order_by("month"))
    today = timezone.localdate()
    current = next(
        (p for p in periods if p.is_open and p.deadline >= today), periods[-1] if periods else None
    )
    return render(
        request,
        "reporting/index.html",
        {"program": program, "periods": periods, "current": current},
    )


def _number(parse: Any, raw: str, label: str, problems: list[str], **kwargs: Any) -> Any:
    try:
        return parse(raw, field_label=label, **kwargs)
    except numbers.NumberError as exc:
        problems.append(exc.message)
        return None


def _version(raw: str) -> int:
    """The version the form was rendered with; 0 means the page saw no report yet, and anything that is not a
    version (empty, text, huge) counts as 0 too, so it is refused as stale when a report exists."""
    try:
        return numbers.parse_count(raw, field_label="version") or 0
    except numbers.NumberError:
        return 0


@login_required
def fill(request: HttpRequest, program_pk: int, month: int) -> HttpResponse:
    """One screen for all the projects a unit reports in one period."""
    period = selectors.period_get(user=request.user, program_pk=program_pk, month=month)
    unit = _unit_for(request, default_any_org=True)
    projects = selectors.unit_projects(unit=unit, program=period.program)
    if not projects:
        return render(request, "reporting/fill.html", {"period": period, "unit": unit, "items": []})
    may_fill = may_act_for_unit(request.user, unit.id)
    reports = {
        r.project_id: r
        for r in restrict(
            Report.objects.filter(period=period, unit=unit, project__in=projects), request.user, "view"
        ).prefetch_related("values", "funds", "transitions")
    }
    issues: dict[int, dict[str, list[str]]] = {}
    if request.method == "POST":
        if not may_fill:
            raise PermissionDenied
        submit = request.POST.get("action") == "submit"
        saved = submitted = 0
        for project in projects:
            prefix = f"r{project.pk}"
            if f"{prefix}-version" not in request.POST:
                continue
            problems: list[str] = []
            values = {
                ind.pk: _number(
                    numbers.parse_quantity, request.POST.get(f"{prefix}-v{ind.pk}", ""), ind.name, problems
                )
                for ind in project.indicators.all()
            }
            funds = {}
            for source in Source.values:
                label = Source(source).label
                a = _number(
                    numbers.parse_money,
                    request.POST.get(f"{prefix}-a-{source}", ""),
                    f"{label}到位",
                    problems,
                )
                s = _number(
                    numbers.parse_money,
                    request.POST.get(f"{prefix}-s-{source}", ""),
                    f"{label}支出",
                    problems,
                )
                if f"{prefix}-a-{source}" in request.POST:
                    funds[source] = (a, s)
            narrative: dict[str, Any] = {}
            for k in ("progress", "problems", "next_steps", "explanation"):
                narrative[k] = request.POST.get(f"{prefix}-{k}", "")
                if len(narrative[k]) > numbers.TEXT_MAX:
                    label = Report._meta.get_field(k).verbose_name
                    problems.append(_("%(field)s：不超过%(n)s字") % {"field": label, "n": numbers.TEXT_MAX})
            narrative["beneficiaries"] = _number(
                numbers.parse_count,
                request.POST.get(f"{prefix}-beneficiaries", ""),
                str(Report._meta.get_field("beneficiaries").verbose_name),
                problems,
            )
            if problems:
                issues[project.pk] = {"form": problems}
                continue
            try:
                existing = reports.get(project.pk)
                report = existing or services.report_open(
                    actor=request.user, project=project, unit=unit, period=period
                )
                # the version the page saw; 0: no report yet — refused if another save created it since
                expected = _version(request.POST[f"{prefix}-version"])
                if existing is None:
                    expected = report.version  # created by this very save
                if report.status in services.EDITABLE:
                    services.report_save(
                        actor=request.user,
                        report=report,
                        values=values,
                        funds=funds,
                        narrative=narrative,
                        expected_version=expected,
                    )
                    saved += 1
                    if submit:
                        report.refresh_from_db()
                        services.report_submit(actor=request.user, report=report)
                        submitted += 1
            except (ValidationError, ConflictError, PermissionDenied) as exc:
                text = (
                    [_("该报表已被其他人修改，请刷新后重新填写。")]
                    if isinstance(exc, ConflictError)
                    else (exc.messages if isinstance(exc, ValidationError) else [str(exc)])
                )
                issues[project.pk] = {"form": text}
        if issues:
            messages.error(
                request,
                _("有%(n)s个项目未能%(what)s，请查看标红的项目。")
                % {"n": len(issues), "what": _("提交") if submit else _("保存")},
            )
        else:
            messages.success(
                request,
                _("已保存%(saved)s个项目，提交%(submitted)s个。") % {"saved": saved, "submitted": submitted},
            )
            return redirect(request.get_full_path())
        reports = {
            r.project_id: r
            for r in restrict(
                Report.objects.filter(period=period, unit=unit, project__in=projects), request.user, "view"
            ).prefetch_related("values", "funds", "transitions")
        }
    sources = selectors.unit_sources(unit=unit, projects=projects)
    items = []
    for project in projects:
        report = reports.get(project.pk)
        values = {v.indicator_id: v.value for v in report.values.all()} if report else {}
        funds = {f.source: f for f in report.funds.all()} if report else {}
        warnings = []
        if report and report.status in services.EDITABLE and request.method != "POST":
            errs, warns = services.report_validate(report)
            warnings = [w.message for w in warns]
        items.append(
            {
                "project": project,
                "report": report,
                "values": values,
                "issues": issues.get(project.pk, {}),
                "warnings": warnings,
                "editable": may_fill and (report is None or report.status in services.EDITABLE),
                "sources": [(s, Source(s).label, funds.get(s)) for s in sources[project.pk]],
                "last_opinion": next(
                    (t.opinion for t in reversed(list(report.transitions.all())) if t.opinion), ""
                )
                if report
                else "",
            }
        )
    return render(
        request, "reporting/fill.html", {"period": period, "unit": unit, "items": items, "may_fill": may_fill}
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    if request.method == "POST":
        action, opinion = request.POST.get("action", ""), request.POST.get("opinion", "")
        try:
            if action == "attach":
                for upload in request.FILES.getlist("files"):
                    services.attachment_add(
                        actor=request.user,
                        report=report,
                        upload=upload,
                        is_public=request.POST.get("is_public") == "on",
                    )
            elif action in ("approve", "return", "unlock", "submit"):
                services.report_decide(actor=request.user, report=report, action=action, opinion=opinion)
            messages.success(request, _("已处理。"))
        except (ValidationError, ConflictError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect("reporting:report_detail", pk=pk)
    errors, warnings = services.report_validate(report)
    step, actions = services.report_next_step(request.user, report)
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "values": report.values.select_related("indicator"),
            "funds": report.funds.all(),
            "transitions": report.transitions.select_related("actor"),
            "warnings": warnings,
            "step": step,
            "actions": actions,
            "may_edit": can(request.user, "change", report),
            "attachments": report.attachments.all(),
        },
    )


@login_required
def attachment_file(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)  # scoped: 404 for other units
    attachment = get_object_or_404(report.attachments, pk=attachment_pk)
    return file_response(
        attachment.file, content_type=attachment.content_type, filename=attachment.original_name
    )


@login_required
def review(request: HttpRequest, program_pk: int, month: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, program_pk=program_pk, month=month)
    return render(
        request,
        "reporting/review.html",
        {"period": period, "queue": selectors.review_queue(user=request.user, period=period)},
    )


@login_required
def progress(request: HttpRequest, program_pk: int, month: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, program_pk=program_pk, month=month)
    pending = request.GET.get("pending") == "1" and may_see_pending(request.user)
    per_unit = request.GET.get("per_unit") == "1"
    rows = rollup.progress_table(
        user=request.user, program=period.program, month=month, per_unit=per_unit, include_pending=pending
    )
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf"):
        from reporting.exports import progress_pdf, progress_xlsx

        data = (progress_xlsx if fmt == "xlsx" else progress_pdf)(
            period=period, rows=rows, per_unit=per_unit, pending=pending
        )
        return download_response(data, filename=f"{period}进度表.{fmt}")
    return render(
        request,
        "reporting/progress.html",
        {
            "period": period,
            "rows": rows,
            "pending": pending,
            "per_unit": per_unit,
            "sources": [str(label) for _, label in Source.choices],
        },
    )


@login_required
def ranking(request: HttpRequest, program_pk: int, month: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, program_pk=program_pk, month=month)
    return render(
        request,
        "reporting/ranking.html",
        {
            "period": period,
            "towns": rollup.ranking(user=request.user, period=period, kind="local"),
            "departments": rollup.ranking(user=request.user, period=period, kind="department"),
            "formula": rollup.FORMULA,
        },
    )


@login_required
def overdue(request: HttpRequest, program_pk: int, month: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, program_pk=program_pk, month=month)
    items = rollup.overdue(user=request.user, period=period, today=timezone.localdate())
    rates = rollup.on_time(user=request.user, period=period)  # scoped to the units the user may view
    units = {o.id: o for o in Organisation.objects.filter(id__in=rates)}
    table = sorted(((units[u], n, t) for u, (n, t) in rates.items()), key=lambda r: (r[0].kind, r[0].order))
    return render(request, "reporting/overdue.html", {"period": period, "items": items, "rates": table})


@login_required
def periods(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = program_get(user=request.user, pk=program_pk)
    if request.method == "POST":
        try:
            services.periods_open(
                actor=request.user,
                program=program,
                frequency=request.POST.get("frequency") or None,
                deadline_day=numbers.parse_count(
                    request.POST.get("deadline_day"), field_label=_("截止日（次月几日）"), max_value=28
                )
                or None,
            )
            messages.success(request, _("报送期已设置。"))
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        except numbers.NumberError as exc:
            messages.error(request, exc.message)
        return redirect("reporting:periods", program_pk=program_pk)
    return render(
        request,
        "reporting/periods.html",
        {
            "program": program,
            "periods": program.periods.order_by("month"),
            "manage": can_any(request.user, "change", Period),
        },
    )


MAX_UPLOAD = 5 * 1024 * 1024


def _unit_for(request: HttpRequest, default_any_org: bool = False) -> Organisation:
    """The unit a page acts for: the one chosen with ``?unit=`` by who may choose (orgs.rules.may_choose_unit),
    else the caller's own (any organisation for reading with ``default_any_org``, a unit for writing)."""
    code = request.GET.get("unit") or (request.POST.get("unit") if not default_any_org else None)
    if code and may_choose_unit(request.user):
        return get_object_or_404(Organisation, code=code)
    actor = actor_for(request.user)
    if actor.org_id and (default_any_org or may_act_for_unit(request.user, actor.org_id)):
        return get_object_or_404(Organisation, pk=actor.org_id)
    raise PermissionDenied


@login_required
def excel(request: HttpRequest, program_pk: int, month: int) -> HttpResponse:
    """Download the unit's pre-filled sheet; upload it back → preview → confirm (all-or-nothing). The checked
    file waits for the confirmation in ``core.staging`` (the session holds its token)."""
    from core import staging
    from reporting import excel as sheets

    period = selectors.period_get(user=request.user, program_pk=program_pk, month=month)
    unit = _unit_for(request)
    if request.method == "GET" and request.GET.get("download"):
        return download_response(
            sheets.template(period=period, unit=unit), filename=f"{unit.name}{period}报表.xlsx"
        )
    key = f"report-import-{period.pk}-{unit.pk}"
    result = None
    if request.method == "POST" and request.POST.get("action") == "confirm":
        pending = staging.staged(request, purpose=key)
        data = pending.data if pending else b""
        versions: dict[int, int] | None = None  # versions the preview saw; absent: no check
        if "versions" in request.POST:
            try:
                versions = {int(k): int(v) for k, v in json.loads(request.POST["versions"] or "{}").items()}
            except (TypeError, ValueError, AttributeError):
                versions = {}
        if sheets.is_large(data):
            job = sheets.apply_start(
                actor=request.user, period=period, unit=unit, data=data, versions=versions
            )
            staging.discard(request, purpose=key)
            return redirect("jobs:job_detail", pk=job.pk)
        try:
            count = sheets.apply(actor=request.user, period=period, unit=unit, data=data, versions=versions)
            staging.discard(request, purpose=key)
            messages.success(request, sheets.import_message(count))
            return redirect("reporting:fill", program_pk=program_pk, month=month)
        except ConflictError:
            staging.discard(request, purpose=key)
            messages.error(
                request, _("导入失败：预览之后有报表被其他人修改，未写入任何数据。请重新下载、填写后上传。")
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择文件。"))
        elif upload.size > MAX_UPLOAD:
            messages.error(request, _("文件过大（不超过5MB）。"))
        else:
            data = upload.read()
            staging.stage(request, purpose=key, data=data, name=upload.name or "")
            if sheets.is_large(data):
                job = sheets.preview_start(actor=request.user, period=period, unit=unit, data=data)
                return redirect("jobs:job_detail", pk=job.pk)
            result = sheets.preview(period=period, unit=unit, data=data)
            if result.errors:
                staging.discard(request, purpose=key)
            else:
                result.versions_json = json.dumps(result.versions)
    return render(request, "reporting/excel.html", {"period": period, "unit": unit, "result": result})
