"""The default organisation tree of 杜集区 (under 淮北市 and 安徽省) and its idempotent loader.

Everything here is *default* data (``is_default=True``): department names differ between districts and
the local administrator may rename, add or deactivate units. Loading again brings the listed fields back
to these values and records every change in the audit trail; nothing is written when nothing differs.

Full names are given only where the official form is certain; otherwise the short form doubles as the
name. The development zone's official name is unconfirmed (the notice addresses "开发区管委会"), so it is
called "开发区" here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from core.models import AuditEvent
from core.services import audit_record, model_snapshot
from orgs.models import Level, Organisation, OrgKind

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

# Codes of the local implementing units (镇、街道、开发区), used by the project defaults.
TOWN_CODES = ("duanyuan", "shitai", "shuoli")
STREET_CODES = ("gaoyue", "kuangshanji")
ZONE_CODES = ("kfq",)

#: The tree, parents before children. ``parent`` is the parent's code; ``level`` marks a government's node.
#: Above 杜集区: 淮北市 and 安徽省, each with its 民生办 (领导小组办公室) and its government for the leaders.
ORGANISATIONS: list[dict[str, Any]] = [
    {
        "code": "anhui",
        "name": "安徽省人民政府",
        "short_name": "安徽省",
        "kind": OrgKind.GOVERNMENT,
        "parent": None,
        "order": 0,
        "level": Level.PROVINCE,
    },
    {
        "code": "anhui-msb",
        "name": "安徽省民生工程领导小组办公室",
        "short_name": "省民生办",
        "kind": OrgKind.OFFICE,
        "parent": "anhui",
        "order": 10,
    },
    {
        "code": "huaibei",
        "name": "淮北市人民政府",
        "short_name": "淮北市",
        "kind": OrgKind.GOVERNMENT,
        "parent": "anhui",
        "order": 100,
        "level": Level.CITY,
    },
    {
        "code": "huaibei-msb",
        "name": "淮北市民生工程领导小组办公室",
        "short_name": "市民生办",
        "kind": OrgKind.OFFICE,
        "parent": "huaibei",
        "order": 10,
    },
    {
        "code": "duji",
        "name": "杜集区",
        "short_name": "杜集区",
        "kind": OrgKind.DISTRICT,
        "parent": "huaibei",
        "order": 100,
        "level": Level.DISTRICT,
    },
    # 区委 and its department(s)
    {
        "code": "qw",
        "name": "中共杜集区委",
        "short_name": "区委",
        "kind": OrgKind.PARTY,
        "parent": "duji",
        "order": 10,
    },
    {
        "code": "zzb",
        "name": "中共杜集区委组织部",
        "short_name": "区委组织部",
        "kind": OrgKind.DEPARTMENT,
        "parent": "qw",
        "order": 10,
    },
    # 区政府, the finance bureau and the livelihood office inside it
    {
        "code": "gov",
        "name": "杜集区人民政府",
        "short_name": "区政府",
        "kind": OrgKind.GOVERNMENT,
        "parent": "duji",
        "order": 20,
    },
    {
        "code": "czj",
        "name": "杜集区财政局",
        "short_name": "区财政局",
        "kind": OrgKind.FINANCE,
        "parent": "gov",
        "order": 10,
    },
    {
        "code": "msb",
        "name": "杜集区民生工程管理中心",
        "short_name": "区民生工程管理中心",
        "kind": OrgKind.OFFICE,
        "parent": "czj",
        "order": 10,
    },
    # The office's invited supervisors (特邀监督员) are people, not a unit: they belong to this group.
    {
        "code": "supervisors",
        "name": "民生工程特邀监督员",
        "short_name": "特邀监督员",
        "kind": OrgKind.OTHER,
        "parent": "msb",
        "order": 10,
    },
    # Departments of the government (and the mass organisations that lead projects)
    {
        "code": "wjw",
        "name": "杜集区卫生健康委员会",
        "short_name": "区卫健委",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 110,
    },
    {
        "code": "jtj",
        "name": "杜集区教育体育局",
        "short_name": "区教体局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 120,
    },
    {
        "code": "nyncj",
        "name": "杜集区农业农村局",
        "short_name": "区农业农村局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 130,
    },
    {
        "code": "slj",
        "name": "杜集区水利局",
        "short_name": "区水利局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 140,
    },
    {
        "code": "sjzyj",
        "name": "区数据资源局",
        "short_name": "区数据资源局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 150,
    },
    {
        "code": "zjj",
        "name": "杜集区住房和城乡建设局",
        "short_name": "区住建局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 160,
    },
    {
        "code": "rsj",
        "name": "杜集区人力资源和社会保障局",
        "short_name": "区人社局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 170,
    },
    {
        "code": "tyjrj",
        "name": "杜集区退役军人事务局",
        "short_name": "区退役军人事务局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 180,
    },
    {
        "code": "jtysj",
        "name": "杜集区交通运输局",
        "short_name": "区交通运输局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 190,
    },
    {
        "code": "cl",
        "name": "杜集区残疾人联合会",
        "short_name": "区残联",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 200,
    },
    {
        "code": "sfj",
        "name": "杜集区司法局",
        "short_name": "区司法局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 210,
    },
    {
        "code": "mzj",
        "name": "杜集区民政局",
        "short_name": "区民政局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 220,
    },
    {
        "code": "zgh",
        "name": "杜集区总工会",
        "short_name": "区总工会",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 230,
    },
    {
        "code": "wltj",
        "name": "区文旅体局",
        "short_name": "区文旅体局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 240,
    },
    {
        "code": "kx",
        "name": "杜集区科学技术协会",
        "short_name": "区科协",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 250,
    },
    {
        "code": "swj",
        "name": "区商务局",
        "short_name": "区商务局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 260,
    },
    {
        "code": "ybj",
        "name": "杜集区医疗保障局",
        "short_name": "区医保局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 270,
    },
    {
        "code": "sthjfj",
        "name": "区生态环境分局",
        "short_name": "区生态环境分局",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 280,
    },
    {
        "code": "fl",
        "name": "杜集区妇女联合会",
        "short_name": "区妇联",
        "kind": OrgKind.DEPARTMENT,
        "parent": "gov",
        "order": 290,
    },
    # Local implementing units: 3 towns, 2 streets, the development zone
    {
        "code": "duanyuan",
        "name": "段园镇",
        "short_name": "段园镇",
        "kind": OrgKind.TOWN,
        "parent": "duji",
        "order": 310,
    },
    {
        "code": "shitai",
        "name": "石台镇",
        "short_name": "石台镇",
        "kind": OrgKind.TOWN,
        "parent": "duji",
        "order": 320,
    },
    {
        "code": "shuoli",
        "name": "朔里镇",
        "short_name": "朔里镇",
        "kind": OrgKind.TOWN,
        "parent": "duji",
        "order": 330,
    },
    {
        "code": "gaoyue",
        "name": "高岳街道",
        "short_name": "高岳街道",
        "kind": OrgKind.STREET,
        "parent": "duji",
        "order": 340,
    },
    {
        "code": "kuangshanji",
        "name": "矿山集街道",
        "short_name": "矿山集街道",
        "kind": OrgKind.STREET,
        "parent": "duji",
        "order": 350,
    },
    {
        "code": "kfq",
        "name": "开发区",
        "short_name": "开发区",
        "kind": OrgKind.ZONE,
        "parent": "duji",
        "order": 360,
    },
]


def reference_upsert(
    model: type[models.Model],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    m2m: dict[str, Iterable[models.Model]] | None = None,
    actor: Any = None,
    before: dict[str, Any] | None = None,
) -> tuple[models.Model, str]:
    """Create or update one row found by its natural key ``lookup``; audit only a real change.

    ``values`` are field values (foreign keys as objects); ``m2m`` maps a many-to-many field to the exact
    set of related objects it must hold. Returns the object and ``created``/``updated``/``unchanged``.
    Models with a ``version`` field get it bumped on every real update. ``before`` is a snapshot taken
    earlier, for a caller that had to touch the row first (e.g. a temporary reorder).
    """
    m2m = m2m or {}
    has_version = any(f.name == "version" for f in model._meta.concrete_fields)
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        for name, related in m2m.items():
            getattr(obj, name).set(list(related))
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=obj, after=model_snapshot(obj))
        return obj, CREATED

    if before is None:
        before = model_snapshot(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    fields_changed = model_snapshot(obj) != before  # in-memory fields, many-to-many still as stored
    m2m_changed = [
        name
        for name, related in m2m.items()
        if set(getattr(obj, name).values_list("pk", flat=True)) != {o.pk for o in related}
    ]
    if not fields_changed and not m2m_changed:
        return obj, UNCHANGED
    if has_version:
        obj.version += 1
    if fields_changed:
        obj.full_clean()
        obj.save()
    elif has_version:
        obj.save(update_fields=["version"])
    for name in m2m_changed:
        getattr(obj, name).set(list(m2m[name]))
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=obj, before=before, after=model_snapshot(obj)
    )
    return obj, UPDATED


def organisations_load(*, actor: Any = None) -> dict[str, int]:
    """Upsert the default organisation tree by ``code``. Idempotent; returns created/updated/unchanged."""
    counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
    by_code: dict[str, Organisation] = {}
    with transaction.atomic():
        for row in ORGANISATIONS:
            parent_code = row["parent"]
            parent = None
            if parent_code:
                parent = by_code.get(parent_code) or Organisation.objects.get(code=parent_code)
            org, outcome = reference_upsert(
                Organisation,
                lookup={"code": row["code"]},
                values={
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "kind": row["kind"],
                    "parent": parent,
                    "order": row["order"],
                    "level": row.get("level", ""),
                    "is_default": True,
                },
                actor=actor,
            )
            by_code[org.code] = org
            counts[outcome] += 1
    return counts
