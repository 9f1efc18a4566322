from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from core.models import AuditEvent
from core.policy import restrict


def history_for(obj: models.Model, *, limit: int = 50) -> list[AuditEvent]:
    """The change history of one object, newest first. The caller has checked can_see_history."""
    from core.changes import changes_attach

    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return changes_attach(
        list(
            AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related(
                "actor", "content_type"
            )[:limit]
        ),
        known=obj,
    )


def audit_log(
    *,
    user: Any,
    actor_id: int | None = None,
    content_type_id: int | None = None,
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit rows ``user`` may view, narrowed by who, what and when (local dates, both ends included)."""
    qs = restrict(AuditEvent.objects.all(), user, "view").select_related("content_type", "actor")
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if content_type_id:
        qs = qs.filter(content_type_id=content_type_id)
    if action:
        qs = qs.filter(action=action)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        qs = qs.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs


def audit_filter_choices(*, user: Any) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(people, object kinds) found in the audit rows ``user`` may view — the audit log's filter choices."""
    from django.contrib.auth import get_user_model

    visible = restrict(AuditEvent.objects.all(), user, "view")
    people = get_user_model().objects.filter(pk__in=visible.values("actor_id")).order_by("username")
    actors = [(u.pk, (u.get_full_name() or u.get_username())) for u in people]
    types = ContentType.objects.filter(pk__in=visible.values("content_type_id"))
    kinds = sorted(((ct.pk, str(ct.name)) for ct in types), key=lambda k: k[1])
    return actors, kinds
