"""Writes to organisations. Atomic, checked with core.policy, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.policy import can
from core.services import audit_record, model_snapshot, versioned_save
from orgs.models import Membership, Organisation, Role

#: What a unit may change about itself: how to reach it.
CONTACT_FIELDS = ("contact_person", "phone", "address")


@transaction.atomic
def organisation_update_contact(
    *, actor: Any, organisation: Organisation, data: dict[str, str], expected_version: int, reason: str = ""
) -> Organisation:
    if not can(actor, "change", organisation):
        raise PermissionDenied("不能修改该单位信息")
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise PermissionDenied("无权修改：" + "、".join(sorted(unknown)))
    before = model_snapshot(organisation)
    for name, value in data.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    versioned_save(organisation, expected_version=expected_version, fields=list(data))
    after = model_snapshot(organisation)
    if after != before:
        audit_record(
            actor=actor, action="update", obj=organisation, before=before, after=after, reason=reason
        )
    return organisation


#: Django model permissions an office (民生办) user gets for the admin site ("系统设置").
OFFICE_ADMIN_MODELS = (
    ("orgs", "organisation"),
    ("catalogue", "program"),
    ("catalogue", "project"),
    ("catalogue", "contentitem"),
    ("catalogue", "projectchange"),
    ("funding", "fiscalyear"),
    ("supervision", "supervisor"),
    ("upkeep", "asset"),
    ("disclosure", "publicity"),
    ("disclosure", "disclosure"),
    ("disclosure", "feedback"),
)


def _office_group() -> Any:
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="民生办")
    perms = Permission.objects.filter(
        content_type__app_label__in={a for a, _ in OFFICE_ADMIN_MODELS},
        content_type__model__in={m for _, m in OFFICE_ADMIN_MODELS},
    )
    group.permissions.set(perms)
    return group


@transaction.atomic
def membership_grant(
    *,
    actor: Any,
    user: Any,
    organisation: Organisation,
    role: str,
    title: str = "",
    is_demo: bool = False,
    reason: str = "",
) -> Membership:
    """Give ``user`` a role in ``organisation`` (replacing any earlier one); 民生办 also gets the admin site."""
    existing = Membership.objects.filter(user=user).first()
    before = model_snapshot(existing) if existing else None
    membership, _ = Membership.objects.update_or_create(
        user=user, defaults={"organisation": organisation, "role": role, "title": title, "is_demo": is_demo}
    )
    office = role in (Role.OFFICE, Role.ADMIN)
    if user.is_staff != office:
        user.is_staff = office
        user.save(update_fields=["is_staff"])
    group = _office_group()
    if role == Role.OFFICE:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    after = model_snapshot(membership)
    if before != after:
        audit_record(
            actor=actor,
            action="update" if existing else "create",
            obj=membership,
            before=before,
            after=after,
            reason=reason,
        )
    return membership
