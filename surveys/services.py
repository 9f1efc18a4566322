"""Writes of the satisfaction surveys: keyword-only, atomic, checked with core.policy and surveys.rules,
audited, concurrent edits refused (core.services.versioned_save)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalogue.models import Project
from core.policy import can_any
from core.services import audit_record, audit_record_many, model_snapshot, versioned_save
from orgs.models import Organisation
from surveys.models import Answer, Measure, Method, Option, Question, Questionnaire, Response, Source, Wave
from surveys.rules import may_enter, may_manage

#: The default questionnaire (one click): a 知晓 question and a 满意 question with the usual five options.
DEFAULT_NAME = "民生工程满意度调查问卷（默认）"
DEFAULT_QUESTIONS: list[tuple[str, str, list[tuple[str, Decimal | None, bool, bool, bool]]]] = [
    (
        "您是否知道本地实施了该项民生工程？",
        Measure.AWARE,
        [
            ("知道", None, True, False, False),
            ("不知道", None, False, False, False),
            ("不清楚", None, False, False, True),
        ],
    ),
    (
        "您对该项民生工程的实施效果是否满意？",
        Measure.SATISFACTION,
        [
            ("满意", Decimal(100), False, True, False),
            ("比较满意", Decimal(80), False, True, False),
            ("一般", Decimal(60), False, False, False),
            ("不满意", Decimal(0), False, False, False),
            ("不清楚", None, False, False, True),
        ],
    ),
]
WAVE_FIELDS = ("name", "method", "sample_size", "start", "end", "is_open", "is_published")
TOKEN_SPENT = "该答卷已提交，请勿重复提交"


@transaction.atomic
def questionnaire_create_default(*, actor: Any) -> Questionnaire:
    """The default questionnaire (知晓 + 满意 questions; 满意/比较满意/一般/不满意/不清楚 = 100/80/60/0/excluded);
    the existing one when it was made before."""
    if not can_any(actor, "add", Questionnaire):
        raise PermissionDenied(_("只有民生办可以创建调查问卷"))
    found = Questionnaire.objects.filter(name=DEFAULT_NAME).first()
    if found is not None:
        return found
    questionnaire = Questionnaire.objects.create(
        name=DEFAULT_NAME,
        intro="本调查不记录您的姓名、电话等个人信息，结果仅用于民生工程绩效评价。",
        is_default=True,
    )
    for q, (text, measure, options) in enumerate(DEFAULT_QUESTIONS, start=1):
        question = Question.objects.create(questionnaire=questionnaire, order=q, text=text, measure=measure)
        for o, (label, score, aware, satisfied, excluded) in enumerate(options, start=1):
            Option.objects.create(
                question=question,
                order=o,
                label=label,
                score=score,
                counts_aware=aware,
                counts_satisfied=satisfied,
                excluded=excluded,
            )
    audit_record(actor=actor, action="create", obj=questionnaire, after=model_snapshot(questionnaire))
    return questionnaire


def _wave_check(wave: Wave) -> None:
    errors: dict[str, list[str]] = {}
    if wave.start and wave.end and wave.end < wave.start:
        errors["end"] = [_("结束日期不能早于开始日期")]
    if wave.is_open and wave.method != Method.ONLINE:
        errors["is_open"] = [_("只有调查方式为“线上”的调查可以接受网上答卷")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def wave_create(
    *,
    actor: Any,
    project: Project,
    unit: Organisation,
    questionnaire: Questionnaire,
    name: str,
    method: str,
    sample_size: int,
    start: dt.date,
    end: dt.date,
    is_open: bool = False,
) -> Wave:
    if not may_manage(actor, project=project):
        raise PermissionDenied(_("只有民生办和项目牵头部门可以安排满意度调查"))
    wave = Wave(
        project=project,
        unit=unit,
        questionnaire=questionnaire,
        name=name.strip(),
        method=method,
        sample_size=sample_size,
        start=start,
        end=end,
        is_open=is_open,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    wave.full_clean()
    _wave_check(wave)
    wave.save()
    audit_record(actor=actor, action="create", obj=wave, after=model_snapshot(wave))
    return wave


@transaction.atomic
def wave_update(
    *, actor: Any, wave: Wave, data: dict[str, Any], expected_version: int, reason: str = ""
) -> Wave:
    """Change a wave's name, method, sample size, dates, whether it takes online answers, whether its figures
    are public. Optimistic lock on ``version``; audited."""
    if not may_manage(actor, wave=wave):
        raise PermissionDenied(_("只有民生办和项目牵头部门可以修改满意度调查"))
    unknown = set(data) - set(WAVE_FIELDS)
    if unknown:
        raise ValidationError(_("未知字段：") + "、".join(sorted(unknown)))
    before = model_snapshot(wave)
    for name, value in data.items():
        setattr(wave, name, value)
    wave.full_clean()
    _wave_check(wave)
    versioned_save(wave, expected_version=expected_version, fields=list(data))
    wave.version = expected_version + 1
    audit_record(
        actor=actor, action="update", obj=wave, before=before, after=model_snapshot(wave), reason=reason
    )
    return wave


def answers_check(wave: Wave, choices: dict[int, int]) -> list[tuple[Question, Option]]:
    """The answer sheet ``{question id: option id}`` checked against the wave's questionnaire: every question
    answered with one of its own options. Returns (question, option) pairs; raises ValidationError in Chinese."""
    questions = list(wave.questionnaire.questions.prefetch_related("options"))
    return answers_match(questions, choices)


def answers_match(questions: list[Question], choices: dict[int, int]) -> list[tuple[Question, Option]]:
    pairs, errors = [], []
    known = {q.pk for q in questions}
    if set(choices) - known:
        errors.append(_("答卷中有不属于该问卷的题目"))
    for question in questions:
        option_id = choices.get(question.pk)
        if option_id is None:
            errors.append(_("请回答第%(n)s题“%(text)s”") % {"n": question.order, "text": question.text})
            continue
        option = next((o for o in question.options.all() if o.pk == option_id), None)
        if option is None:
            errors.append(_("第%(n)s题的选项无效") % {"n": question.order})
            continue
        pairs.append((question, option))
    if errors:
        raise ValidationError(errors)
    return pairs


@transaction.atomic
def response_record(
    *,
    wave: Wave,
    choices: dict[int, int],
    source: str,
    actor: Any = None,
    nonce: str | None = None,
) -> Response:
    """Record one anonymous answer sheet. From the portal (``source='portal'``, no actor): only while the wave is
    open online (民生办 or the lead department closes it; its dates are the plan, not a switch); a form token (``nonce``) is spent once. From a surveyor: who may enter
    responses of the wave (surveys.rules.may_enter)."""
    if source == Source.PORTAL:
        if not wave.is_open or wave.method != Method.ONLINE:
            raise ValidationError(_("该调查目前不接受网上答卷"))
    elif not may_enter(actor, wave):
        raise PermissionDenied(_("您不能录入该调查的答卷"))
    pairs = answers_check(wave, choices)
    response = Response(
        wave=wave,
        source=source,
        entered_by=actor if source != Source.PORTAL and getattr(actor, "is_authenticated", False) else None,
        token_nonce=nonce,
    )
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as exc:
        raise ValidationError(TOKEN_SPENT) from exc
    for (
        question,
        option,
    ) in pairs:  # saved one by one: a handful per sheet, and post_save (core.sample) sees them
        Answer.objects.create(response=response, question=question, option=option)
    if source != Source.PORTAL:
        audit_record(
            actor=actor,
            action="create",
            obj=response,
            after={"wave": wave.pk, "answers": {str(q.pk): o.pk for q, o in pairs}},
        )
    return response


@transaction.atomic
def responses_import(*, actor: Any, wave: Wave, sheets: list[dict[int, int]]) -> list[Response]:
    """All or nothing: every answer sheet checked, then written in a fixed number of queries (one audit row per
    response)."""
    if not may_enter(actor, wave):
        raise PermissionDenied(_("您不能录入该调查的答卷"))
    questions = list(wave.questionnaire.questions.prefetch_related("options"))
    checked = []
    for n, choices in enumerate(sheets, start=1):
        try:
            checked.append(answers_match(questions, choices))
        except ValidationError as exc:
            raise ValidationError(
                [_("第%(n)s份答卷：%(m)s") % {"n": n, "m": m} for m in exc.messages]
            ) from exc
    Wave.objects.select_for_update().filter(pk=wave.pk).first()
    responses = Response.objects.bulk_create(
        [Response(wave=wave, source=Source.IMPORT, entered_by=actor) for _pairs in checked]
    )
    if any(r.pk is None for r in responses):  # backends without RETURNING: read the ids back
        responses = list(
            Response.objects.filter(wave=wave, source=Source.IMPORT).order_by("-id")[: len(checked)]
        )[::-1]
    Answer.objects.bulk_create(
        [
            Answer(response=r, question=q, option=o)
            for r, pairs in zip(responses, checked, strict=True)
            for q, o in pairs
        ]
    )
    audit_record_many(
        actor=actor,
        action="create",
        items=[(r, None, {"wave": wave.pk, "source": Source.IMPORT}) for r in responses],
        reason=_("Excel导入"),
    )
    return responses
