from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from catalogue.models import Program, Project
from core.services import audit_record, model_snapshot
from disclosure.models import Disclosure, Feedback, Publicity
from disclosure.rules import may_record_disclosure

#: Identity numbers and phone numbers never belong in public text.
PERSONAL = re.compile(r"\d{17}[\dXx]|\d{15}|1[3-9]\d{9}")


def _own_or_office(actor: Any, unit_id: int) -> None:
    if not may_record_disclosure(actor, unit_id):
        raise PermissionDenied("只能登记本单位的宣传和公示")


@transaction.atomic
def publicity_record(*, actor: Any, data: dict[str, Any]) -> Publicity:
    _own_or_office(actor, data["unit"].id)
    item = Publicity(**data)
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="create", obj=item, after=model_snapshot(item))
    return item


@transaction.atomic
def disclosure_record(
    *, actor: Any, data: dict[str, Any], disclosure: Disclosure | None = None
) -> Disclosure:
    _own_or_office(actor, (disclosure.unit_id if disclosure else data["unit"].id))
    if PERSONAL.search(data.get("summary", "") or ""):
        raise ValidationError({"summary": "公示摘要中含有身份证号或手机号，请删去个人信息"})
    before = model_snapshot(disclosure) if disclosure else None
    item = disclosure or Disclosure()
    for name, value in data.items():
        setattr(item, name, value)
    if item.start and item.end and item.end < item.start:
        raise ValidationError({"end": "公示结束不能早于开始"})
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=item,
        before=before,
        after=model_snapshot(item),
    )
    return item


@transaction.atomic
def feedback_submit(
    *, program: Program, project: Project | None, satisfaction: int, aware: bool, text: str
) -> Feedback:
    """Anonymous: nothing about the sender is stored; personal data typed into the text is masked."""
    if project is not None and project.program_id != program.id:
        raise ValidationError("项目不属于该年度计划")
    clean = PERSONAL.sub("***", text.strip())[:1000]
    item = Feedback(program=program, project=project, satisfaction=satisfaction, aware=aware, text=clean)
    item.full_clean()
    item.save()
    return item
