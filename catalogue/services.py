"""Writes to the catalogue. Each is atomic, checks the caller with core.policy and writes an audit row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from catalogue.models import ContentItem, Project
from core.policy import actor_for, can
from core.services import audit_record, model_snapshot, versioned_save

#: What a department may edit on a project it leads; 民生办 and admin may edit all of PROJECT_FIELDS.
DEPARTMENT_FIELDS = ("summary",)
PROJECT_FIELDS = ("name", "kind", "summary", "lead_department", "assignment_is_default")
PROJECT_M2M = ("co_lead_departments", "implementing_units")


def project_editable_fields(*, user: Any) -> tuple[str, ...]:
    return PROJECT_FIELDS if actor_for(user).is_manager else DEPARTMENT_FIELDS


def _snapshot(project: Project) -> dict[str, Any]:
    data = model_snapshot(project)
    data["content_items"] = [c.name for c in project.content_items.order_by("order")]
    return data


@transaction.atomic
def project_update(
    *,
    actor: Any,
    project: Project,
    data: dict[str, Any],
    content_items: list[str] | None,
    expected_version: int,
    reason: str = "",
) -> Project:
    """Change a project's description, assignment and content items (optimistic lock on ``version``)."""
    if not can(actor, "change", project):
        raise PermissionDenied("不能修改该项目")
    allowed = set(project_editable_fields(user=actor)) | (
        set(PROJECT_M2M) if actor_for(actor).is_manager else set()
    )
    unknown = set(data) - allowed
    if unknown:
        raise PermissionDenied("无权修改：" + "、".join(sorted(unknown)))
    before = _snapshot(project)
    for name, value in data.items():
        if name not in PROJECT_M2M:
            setattr(project, name, value)
    project.full_clean(exclude=["program", "order"], validate_unique=True)
    versioned_save(
        project, expected_version=expected_version, fields=[f for f in data if f not in PROJECT_M2M]
    )
    for name in PROJECT_M2M:
        if name in data:
            getattr(project, name).set(data[name])
    if content_items is not None:
        names = [n.strip() for n in content_items if n.strip()]
        if len(set(names)) != len(names):
            raise ValidationError({"content_items": "建设内容有重复"})
        project.content_items.all().delete()
        ContentItem.objects.bulk_create(
            ContentItem(project=project, order=i, name=n) for i, n in enumerate(names, start=1)
        )
    after = _snapshot(project)
    if after != before:
        audit_record(actor=actor, action="update", obj=project, before=before, after=after, reason=reason)
    return project
