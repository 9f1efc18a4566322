"""Pages of 满意度调查: thin — forms in, services for writes, selectors for reads, surveys.rules for access.
The public answer page needs no login and asks nothing personal; it is rate-limited by the portal's feedback
limits (portal.views: per visitor and per target, each hour)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalogue.models import Project
from core import staging
from core.downloads import download_response
from core.forms import errors_to_form, errors_to_messages
from core.policy import can_any, restrict
from core.services import ConflictError
from portal.views import _too_many as too_many  # the feedback form's limits, shared
from surveys import excel, exports, selectors, services
from surveys.forms import AnswerForm, ImportForm, WaveEditForm, WaveForm
from surveys.models import Questionnaire, Source, Wave
from surveys.rules import may_enter, may_manage, may_see_surveys

IMPORT_PURPOSE = "surveys.responses"


def _require_see(request: HttpRequest) -> None:
    if not may_see_surveys(request.user):
        raise PermissionDenied


def _manageable_projects(user: Any) -> Any:
    return restrict(Project.objects.select_related("program"), user, "plan").order_by(
        "-program__year", "order"
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_see(request)
    rows = selectors.wave_rows(selectors.waves(user=request.user))
    return render(
        request,
        "surveys/index.html",
        {
            "rows": rows,
            "questionnaires": selectors.questionnaires(user=request.user),
            "may_add_questionnaire": can_any(request.user, "add", Questionnaire),
            "may_add_wave": may_manage(request.user) and can_any(request.user, "add", Wave),
        },
    )


@login_required
@require_POST
def questionnaire_default(request: HttpRequest) -> HttpResponse:
    try:
        services.questionnaire_create_default(actor=request.user)
    except PermissionDenied as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("默认问卷已创建。"))
    return redirect("surveys:index")


@login_required
def wave_new(request: HttpRequest) -> HttpResponse:
    _require_see(request)
    if not may_manage(request.user):
        raise PermissionDenied
    form = WaveForm(
        request.POST or None,
        projects=_manageable_projects(request.user),
        questionnaires=selectors.questionnaires(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            wave = services.wave_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("调查已创建。"))
            return redirect("surveys:wave", pk=wave.pk)
    return render(request, "surveys/wave_form.html", {"form": form, "wave": None})


@login_required
def wave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wave = selectors.wave_get(user=request.user, pk=pk)
    figures = selectors.figures_for([wave.pk])[wave.pk]
    counts = selectors.option_counts(wave)
    feedback = selectors.feedback_summary(wave.project)
    questions = list(wave.questionnaire.questions.prefetch_related("options"))
    if request.GET.get("format") == "xlsx":
        return download_response(
            exports.wave_xlsx(wave, figures, questions, counts, feedback),
            filename=f"{wave.name}满意度调查结果.xlsx",
        )
    return render(
        request,
        "surveys/wave.html",
        {
            "wave": wave,
            "f": figures,
            "questions": [(q, [(o, counts.get(o.pk, 0)) for o in q.options.all()]) for q in questions],
            "feedback": feedback,
            "may_enter": may_enter(request.user, wave),
            "may_manage": may_manage(request.user, wave=wave),
        },
    )


@login_required
def wave_edit(request: HttpRequest, pk: int) -> HttpResponse:
    wave = selectors.wave_get(user=request.user, pk=pk)
    if not may_manage(request.user, wave=wave):
        raise PermissionDenied
    form = WaveEditForm(request.POST or None, wave=wave)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.wave_update(
                actor=request.user, wave=wave, data=data, expected_version=form.cleaned_data["version"]
            )
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            errors_to_form(form, exc, conflict=_("保存失败：该调查已被其他人修改，请刷新后重新填写。"))
        else:
            messages.success(request, _("调查已保存。"))
            return redirect("surveys:wave", pk=wave.pk)
    return render(request, "surveys/wave_form.html", {"form": form, "wave": wave})


@login_required
def enter(request: HttpRequest, pk: int) -> HttpResponse:
    """The surveyor's phone page: one answer sheet per screen; saved, the next blank sheet."""
    wave = selectors.wave_get(user=request.user, pk=pk)
    if not may_enter(request.user, wave):
        raise PermissionDenied
    form = AnswerForm(request.POST or None, wave=wave)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_record(
                wave=wave, choices=form.choices(), source=Source.SURVEYOR, actor=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存一份答卷，请录入下一份。"))
            return redirect("surveys:enter", pk=wave.pk)
    count = wave.responses.count()
    return render(request, "surveys/enter.html", {"wave": wave, "form": form, "count": count})


def _import_context(wave: Wave, form: Any, preview: Any = None, token: str = "") -> dict[str, Any]:
    return {"wave": wave, "form": form, "preview": preview, "token": token, "max_rows": excel.MAX_ROWS}


@login_required
def import_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the upload form. POST: check the sheet and show its errors or what it will import."""
    wave = selectors.wave_get(user=request.user, pk=pk)
    if not may_enter(request.user, wave):
        raise PermissionDenied
    if request.GET.get("template"):
        return download_response(
            excel.responses_template(wave=wave), filename=f"{wave.name}答卷导入模板.xlsx"
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    context = _import_context(wave, form)
    purpose = f"{IMPORT_PURPOSE}:{wave.pk}"
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staging.discard(request, purpose=purpose)
        if upload.size and upload.size > excel.MAX_BYTES:
            preview = excel.ResponsesPreview(errors=[_("文件过大（不能超过2MB），请分批导入。")])
            content = b""
        else:
            content = upload.read()
            preview = excel.responses_import_preview(wave=wave, content=content)
        context["preview"] = preview
        if preview.ok:
            context["token"] = staging.stage(request, purpose=purpose, data=content)
    return render(request, "surveys/import.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    wave = selectors.wave_get(user=request.user, pk=pk)
    if not may_enter(request.user, wave):
        raise PermissionDenied
    purpose = f"{IMPORT_PURPOSE}:{wave.pk}"
    pending = staging.staged(request, purpose=purpose, token=request.POST.get("token", ""))
    if pending is None:
        messages.error(request, _("待导入的答卷已失效（可能已经导入或已重新上传），请重新上传。"))
        return redirect("surveys:import", pk=wave.pk)
    staging.discard(request, purpose=purpose)
    preview = excel.responses_import_preview(wave=wave, content=pending.data)
    if preview.ok:
        try:
            created = services.responses_import(actor=request.user, wave=wave, sheets=preview.sheets)
        except (ValidationError, PermissionDenied) as exc:
            preview = excel.ResponsesPreview(errors=list(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已导入%(n)s份答卷。") % {"n": len(created)})
            return redirect("surveys:wave", pk=wave.pk)
    messages.error(request, _("导入失败，没有导入任何答卷。请修改后重新上传。"))
    return render(request, "surveys/import.html", _import_context(wave, ImportForm(), preview))


def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The public answer page of an online wave: phone-friendly, no login, nothing personal asked."""
    wave = selectors.open_wave_get(pk)
    if request.GET.get("done"):
        return render(request, "surveys/answer_done.html", {"wave": wave})
    form = AnswerForm(request.POST or None, wave=wave, public=True)
    if request.method == "POST":
        if too_many(request, f"survey:{wave.pk}"):
            messages.error(request, _("提交次数过多，请稍后再试。"))
        elif form.is_valid():
            try:
                services.response_record(
                    wave=wave, choices=form.choices(), source=Source.PORTAL, nonce=form.cleaned_data["nonce"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(f"{request.path}?done=1")
    return render(request, "surveys/answer.html", {"wave": wave, "form": form})
