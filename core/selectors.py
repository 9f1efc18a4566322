from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from core.models import AuditEvent
from core.policy import restrict


def history_for(obj: models.Model, *, limit: int = 50) -> list[AuditEvent]:
    """The change history of one object, newest first. The caller has checked can_see_history."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return list(
        AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related(
            "actor", "content_type"
        )[:limit]
    )


def audit_log(*, user: Any) -> QuerySet[AuditEvent]:
    return restrict(AuditEvent.objects.all(), user, "view").select_related("content_type", "actor")
