"""Writes of the alerts app: the rules (民生办, audited, optimistic lock) and the daily digest rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from alerts.models import AlertRule, Digest, Kind
from alerts.rules import ALL_PROGRAMS, may_manage_rules
from catalogue.models import Program
from core.services import audit_record, model_snapshot, versioned_save

RULE_FIELDS = ("label", "yellow", "red", "enabled")


@transaction.atomic
def alert_rule_set(
    *,
    actor: Any,
    program: Program | None,
    kind: str,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> AlertRule:
    """Create or change the rule of ``kind`` for ``program`` (None: the default of every program); 民生办 only.
    A changed rule is written only if nobody saved it since it was read (``expected_version``)."""
    if not may_manage_rules(actor):
        raise PermissionDenied(_("只有民生办可以维护预警规则"))
    if not may_manage_rules(actor, program if program is not None else ALL_PROGRAMS):
        raise PermissionDenied(
            _("默认预警规则适用于本系统的所有政府，只有系统管理员可以修改；请选择本级的年度计划再设置")
            if program is None
            else _("只能维护本级政府年度计划的预警规则")
        )
    if kind not in Kind.values:
        raise ValidationError({"kind": _("预警类型无效")})
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(_("未知字段：") + "、".join(sorted(unknown)))
    yellow, red = Decimal(data["yellow"]), Decimal(data["red"])
    if yellow < 0 or red < 0:
        raise ValidationError({"yellow": _("阈值不能为负数")})
    if kind != Kind.DEADLINE and red < yellow:
        raise ValidationError({"red": _("红灯阈值不能低于黄灯阈值")})
    rule = AlertRule.objects.select_for_update().filter(program=program, kind=kind).first()
    before = model_snapshot(rule) if rule else None
    if rule is None:
        rule = AlertRule(program=program, kind=kind)
    for name, value in data.items():
        setattr(rule, name, value)
    rule.full_clean(validate_unique=False)
    if before is None:
        rule.save()
    else:
        versioned_save(
            rule,
            expected_version=rule.version if expected_version is None else expected_version,
            fields=list(data),
        )
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=rule,
        before=before,
        after=model_snapshot(rule),
        reason=reason or _("维护预警规则"),
    )
    return rule


def _email_configured() -> bool:
    """Mail goes out when an SMTP host is set, or when another mail backend is configured (tests: locmem)."""
    backend = settings.EMAIL_BACKEND
    return bool(settings.EMAIL_HOST) or not backend.endswith("smtp.EmailBackend")


def digest_write(*, user: Any, day: dt.date, alerts: list[Any], site: str = "") -> Digest | None:
    """Write (or rewrite) ``user``'s digest of ``day`` and e-mail it when mail is configured and the user has an
    address. Nothing is written for a user without alerts. Returns the digest."""
    if not alerts:
        Digest.objects.filter(user=user, day=day).delete()
        return None
    red = sum(1 for a in alerts if a.is_red)
    with transaction.atomic():
        digest, created = Digest.objects.update_or_create(
            user=user,
            day=day,
            defaults={"red": red, "yellow": len(alerts) - red, "items": [a.as_dict() for a in alerts[:200]]},
        )
    if _email_configured() and user.email and not digest.emailed:
        lines = [
            f"[{_('红灯') if a.is_red else _('黄灯')}] {a.unit_name} {a.subject}：{a.text}"
            + (f"（{_('责任人')}：{a.person}）" if a.person else "")
            + f"\n    {site}{a.url}"
            for a in alerts[:100]
        ]
        body = "\n".join(
            [
                _("%(day)s预警摘要：红灯%(red)d项、黄灯%(yellow)d项。")
                % {"day": f"{day:%Y-%m-%d}", "red": digest.red, "yellow": digest.yellow},
                "",
                *lines,
                "",
                _("全部预警：") + f"{site}{reverse('alerts:index')}",
            ]
        )
        send_mail(
            _("民生工程每日预警摘要（%(day)s）") % {"day": f"{day:%Y-%m-%d}"},
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        Digest.objects.filter(pk=digest.pk).update(emailed=True)
        digest.emailed = True
    return digest
