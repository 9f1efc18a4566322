from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.selectors import program_get
from core import numbers
from core.downloads import download_response, file_response
from core.forms import errors_to_messages, form_errors
from core.policy import can, can_any, restrict
from core.services import ConflictError
from funding.models import Source
from jobs import exports
from orgs.models import Organisation
from orgs.rules import may_act_for_unit, unit_to_act_for
from reporting import background, rollup, selectors, services
from reporting.cards import fill_cards
from reporting.forms import PeriodChangeForm, ReportFillForm
from reporting.models import Period, Report, Status
from reporting.rules import may_confirm_report, may_see_pending, may_see_rollup

TEN_THOUSAND = Decimal(10000)


def _errors(request: HttpRequest, exc: Exception) -> None:
    errors_to_messages(request, exc, conflict=_("保存失败：该报表已被其他人修改，请刷新后重新填写。"))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    program = selectors.current_program(user=request.user)
    if program is None:
        return render(request, "reporting/index.html", {"program": None})
    periods = list(program.periods.order_by("month"))
    current = selectors.current_period(periods, timezone.localdate())
    return render(
        request,
        "reporting/index.html",
        {"program": program, "periods": periods, "current": current},
    )


def _fill_forms(
    data: Any, *, projects: list[Any], reports: dict[int, Report], sources: dict[int, list[str]]
) -> dict[int, ReportFillForm]:
    return {
        p.pk: ReportFillForm(data, project=p, sources=sources[p.pk], report=reports.get(p.pk))
        for p in projects
    }


def _fill_reports(
    user: Any, *, period: Period, unit: Organisation, projects: list[Any], shown: bool = True
) -> dict[int, Report]:
    """The unit's reports of the page; ``shown``: with their transitions, for the page (a POST that is
    redirected only compares the typed figures with the stored ones)."""
    related = ("values", "funds", "transitions") if shown else ("values", "funds")
    return {
        r.project_id: r
        for r in restrict(
            Report.objects.filter(period=period, unit=unit, project__in=projects), user, "view"
        ).prefetch_related(*related)
    }


def _submit_target(action: str) -> tuple[bool, int | None]:
    """``submit`` → every project; ``submit-<project id>`` → that one; anything else → none."""
    if action == "submit":
        return True, None
    if action.startswith("submit-"):
        try:
            return True, numbers.parse_id(action.removeprefix("submit-"), field_label="project")
        except numbers.NumberError:
            return False, None
    return False, None


def _tally(items: list[dict[str, Any]]) -> dict[str, int]:
    """How many of the page's projects are not started, in draft, ready to submit, returned, submitted."""
    tally = {"total": len(items), "todo": 0, "ready": 0, "returned": 0, "sent": 0}
    for it in items:
        report = it["report"]
        if report is None or (report.status == Status.DRAFT and not it["ready"]):
            tally["todo"] += 1
        elif report.status == Status.RETURNED:
            tally["returned"] += 1
        elif it["ready"]:
            tally["ready"] += 1
        else:
            tally["sent"] += 1
    return tally


@login_required
def fill(request: HttpRequest, program_pk: int, month: int) -> HttpResponse:
    """One screen for all the projects a unit reports in one period: save all, submit all, or submit one."""
    period = selectors.period_get(user=request.user, program_pk=program_pk, month=month)
    unit = _unit_for(request, default_any_org=True)
    projects = selectors.unit_projects(unit=unit, program=period.program)
    if not projects:
        return render(request, "reporting/fill.html", {"period": period, "unit": unit, "items": []})
    may_fill = may_act_for_unit(request.user, unit.id)
    reports = _fill_reports(
        request.user, period=period, unit=unit, projects=projects, shown=request.method != "POST"
    )
    sources = selectors.unit_sources(unit=unit, projects=projects)
    issues: dict[int, list[str]] = {}
    bound: dict[int, ReportFillForm] = {}
    if request.method == "POST":
        if not may_fill:
            raise PermissionDenied
        action = request.POST.get("action", "")
        submitting, only = _submit_target(action)
        submitted: list[str] = []
        saved = 0
        untouched: list[str] = []
        batch: list[tuple[ReportFillForm, services.FillItem]] = []
        for form in _fill_forms(request.POST, projects=projects, reports=reports, sources=sources).values():
            project = form.project
            if not form.posted():
                continue
            wants_submit = submitting and (only is None or only == project.pk)
            if not form.is_valid():
                issues[project.pk] = form_errors(form)
                form.describe_errors_by(f"p{project.pk}-issues")
                bound[project.pk] = form
                continue
            report = reports.get(project.pk)
            touched = form.touched()
            if report is None and not touched:
                if wants_submit:
                    untouched.append(project.name)  # nothing typed: no empty draft is made
                continue
            stale = report is not None and form.expected_version() != report.version
            if not (touched or wants_submit or stale):
                continue
            item = services.FillItem(
                project=project,
                **form.payload(),
                expected_version=form.expected_version(),
                save=touched,
                submit=wants_submit,
            )
            batch.append((form, item))
        try:
            results = services.reports_fill(
                actor=request.user,
                unit=unit,
                period=period,
                items=[item for _, item in batch],
                read=reports,
            )
        except (
            ConflictError
        ) as exc:  # a draft created by another page meanwhile: nothing of this page written
            results = [services.FillResult(report=None, error=exc) for _ in batch]
        for (form, item), result in zip(batch, results, strict=True):
            project = item.project
            exc = result.error
            if isinstance(exc, ConflictError):
                issues[project.pk] = [_("该报表已被其他人修改，请刷新后重新填写。")]
                continue
            if exc is not None:
                issues[project.pk] = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                bound[project.pk] = form
                continue
            saved += result.saved
            if result.submitted:
                submitted.append(project.name)
            elif result.problems:
                issues[project.pk] = result.problems
        what = _("提交") if submitting else _("保存")
        if submitted:
            messages.success(request, _("已提交：%(names)s。") % {"names": "、".join(submitted)})
        if untouched and submitting and only is None:
            messages.info(
                request,
                _("%(n)s个项目尚未填写，未提交：%(names)s。")
                % {"n": len(untouched), "names": "、".join(untouched)},
            )
        if issues:
            names = "、".join(p.name for p in projects if p.pk in issues)
            messages.error(
                request,
                _("有%(n)s个项目未能%(what)s，请查看标红的项目：%(names)s。")
                % {"n": len(issues), "what": what, "names": names},
            )
        else:
            messages.success(
                request,
                _("已保存%(saved)s个项目，提交%(submitted)s个。")
                % {"saved": saved, "submitted": len(submitted)},
            )
            return redirect(request.get_full_path())
        reports = _fill_reports(request.user, period=period, unit=unit, projects=projects)
    forms_ = _fill_forms(None, projects=projects, reports=reports, sources=sources)
    forms_.update(bound)  # the ones refused keep what was typed
    checks = services.reports_validate(
        [r for r in reports.values() if r.status in services.EDITABLE],
        unit=unit,
        period=period,
        indicators={p.pk: list(p.indicators.all()) for p in projects},  # prefetched with the projects
    )
    items = []
    for project in projects:
        report = reports.get(project.pk)
        form = forms_[project.pk]
        editable = may_fill and period.is_open and (report is None or report.status in services.EDITABLE)
        if not editable:
            form.disable()
        errors: list[Any] = []
        warnings: list[str] = []
        if report and report.status in services.EDITABLE:
            errs, warns = checks[project.pk]
            errors, warnings = errs, [w.message for w in warns]
        ready = report is not None and report.status in services.EDITABLE and not errors
        items.append(
            {
                "project": project,
                "report": report,
                "form": form,
                "issues": issues.get(project.pk, []),
                "warnings": warnings if request.method != "POST" or project.pk not in issues else [],
                "editable": editable,
                "ready": ready,
                "open": bool(issues.get(project.pk))
                or (report is not None and report.status == Status.RETURNED)
                or len(projects) == 1,
                "last_opinion": next(
                    (t.opinion for t in reversed(list(report.transitions.all())) if t.opinion), ""
                )
                if report
                else "",
            }
        )
    return render(
        request,
        "reporting/fill.html",
        {
            "period": period,
            "unit": unit,
            "items": items,
            "cards": fill_cards(items),
            "may_fill": may_fill,
            "tally": _tally(items),
        },
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


def _batch_choices(request: HttpRequest) -> dict[int, int]:
    """The ticked reports of the review page: values ``<report id>-<version the page saw>``."""
    chosen: dict[int, int] = {}
    for raw in request.POST.getlist("reports"):
        pk, _sep, version = str(raw).partition("-")
        try:
            chosen[numbers.parse_id(pk, field_label=_("报表"))] = (
                numbers.parse_count(version, field_label=_("版本")) or 0
            )
        except numbers.NumberError:
            continue
    return chosen


@login_required
def review(request: HttpRequest, program_pk: int, month: int) -> HttpResponse:
    """The reports waiting for this user's decision; 民生办 may confirm several at once (all or nothing)."""
    period = selectors.period_get(user=request.user, program_pk=program_pk, month=month)
    if request.method == "POST":
        chosen = _batch_choices(request)
        try:
            done = services.reports_confirm(
                actor=request.user, reports=chosen, opinion=request.POST.get("opinion", "")[:500]
            )
            messages.success(request, _("已确认%(n)s份报表。") % {"n": len(done)})
        except ValidationError as exc:
            messages.error(request, _("未确认任何报表（批量确认要么全部成功，要么全部不做）："))
            for message in exc.messages:
                messages.error(request, message)
        return redirect("reporting:review", program_pk=program_pk, month=month)
    queue = list(
        selectors.review_queue(user=request.user, period=period).select_related("project__lead_department")
    )
    rows = [(r, may_confirm_report(request.user, r)) for r in queue]
    return render(
        request,
        "reporting/review.html",
        {"period": period, "rows": rows, "batch": any(ok for _r, ok in rows)},
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

        if exports.is_large(
            len(rows)
        ):  # a province-scale table: made by a worker, fetched from the job's page
            args = {
                "program": program_pk,
                "month": month,
                "per_unit": per_unit,
                "pending": pending,
                "format": fmt,
            }
            job = exports.export_start(
                actor=request.user,
                maker="reporting.background.progress_file",
                args=args,
                title=_("导出%(period)s进度表（%(fmt)s）") % {"period": period, "fmt": fmt.upper()},
                rows=len(rows),
                return_url=request.path,
            )
            return redirect("jobs:job_detail", pk=job.pk)
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


def _period_change(request: HttpRequest, program: Any) -> None:
    """One period opened, closed or given a new deadline from the periods page (民生办)."""
    try:
        month_ = numbers.parse_id(request.POST.get("month", ""), field_label=_("报送期"))
    except numbers.NumberError as exc:
        messages.error(request, exc.message)
        return
    period = get_object_or_404(restrict(program.periods.all(), request.user, "view"), month=month_)
    form = PeriodChangeForm(request.POST)
    if not form.is_valid():
        for message in form_errors(form):
            messages.error(request, f"{period.label}：{message}")
        return
    data = form.cleaned_data
    try:
        services.period_change(
            actor=request.user,
            period=period,
            action=data["action"],
            reason=data["reason"],
            deadline=data.get("deadline"),
            expected_version=data["version"],
        )
        messages.success(request, form.done_message(period.label))
    except ConflictError:
        messages.error(request, _("%(period)s：已被其他人修改，请刷新后重试。") % {"period": period.label})
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)


@login_required
def periods(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = program_get(user=request.user, pk=program_pk)
    if request.method == "POST":
        if "month" in request.POST:
            _period_change(request, program)
            return redirect("reporting:periods", program_pk=program_pk)
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
    """The unit the page acts for (orgs.rules.unit_to_act_for): ``?unit=`` (or the form's ``unit`` when writing)."""
    code = request.GET.get("unit") or (request.POST.get("unit") if not default_any_org else None)
    return unit_to_act_for(request.user, code, writing=not default_any_org)


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


def _tree_context(request: HttpRequest, year: int, month: int) -> dict[str, Any]:
    from reporting import governments as tree

    scope = background.tree_scope(
        request.user,
        year=year,
        month=month,
        government=request.GET.get("government"),
        project=request.GET.get("project"),
    )
    return {
        **scope,
        "governments": tree.tree_governments(request.user),
        "months": range(1, 13),
        "rows": background.tree_rows(request.user, scope),
        "schedule": Decimal(month) / Decimal(12),
        "formula": tree.TREE_FORMULA,
    }


@login_required
def tree_index(request: HttpRequest) -> HttpResponse:
    """The roll-up up the government tree: the latest year and month with confirmed figures below."""
    from reporting import governments as tree

    if not may_see_rollup(request.user):
        raise PermissionDenied
    government = tree.tree_government(request.user, request.GET.get("government"))
    if government is None:
        raise Http404
    year, month = tree.tree_latest(request.user, government)
    today = timezone.localdate()
    url = reverse("reporting:tree", args=(year or today.year, month or today.month))
    return redirect(f"{url}?government={government.code}")


@login_required
def tree(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The city's table of its districts, the province's of its cities (confirmed figures only), ranked."""
    ctx = _tree_context(request, year, month)
    if request.GET.get("format") == "xlsx":
        from reporting.exports import tree_xlsx

        filename = background.tree_filename(ctx)
        if exports.is_large(len(ctx["rows"])):  # made by a worker, fetched from the job's page
            project = ctx["project"]
            job = exports.export_start(
                actor=request.user,
                maker="reporting.background.tree_file",
                args={
                    "year": year,
                    "month": month,
                    "government": ctx["government"].code,
                    "project": project.pk if project else None,
                },
                title=_("导出%(name)s") % {"name": filename.removesuffix(".xlsx")},
                rows=len(ctx["rows"]),
                return_url=request.get_full_path().replace("format=xlsx", "").rstrip("?&"),
            )
            return redirect("jobs:job_detail", pk=job.pk)
        data = tree_xlsx(**{k: ctx[k] for k in ("government", "year", "month", "project", "rows")})
        return download_response(data, filename=filename)
    return render(request, "reporting/tree.html", ctx)
