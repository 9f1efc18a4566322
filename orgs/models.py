"""Organisations of a district and the membership that gives a user a role in one of them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    DISTRICT = "district", _("区")
    PARTY = "party", _("党委")
    GOVERNMENT = "government", _("政府")
    FINANCE = "finance", _("财政")
    OFFICE = "office", _("民生办")
    DEPARTMENT = "department", _("部门")
    TOWN = "town", _("镇")
    STREET = "street", _("街道")
    ZONE = "zone", _("开发区")
    VILLAGE = "village", _("村/社区")
    OTHER = "other", _("其他")


#: Kinds that implement projects locally and report as a "镇街" unit.
LOCAL_KINDS = (OrgKind.TOWN, OrgKind.STREET, OrgKind.ZONE)
#: Kinds that may lead a project (牵头单位) or hold a 部门 account.
DEPARTMENT_KINDS = (OrgKind.DEPARTMENT,)
#: Units that carry out projects and report (implementing units, inspected units).
UNIT_KINDS = (*DEPARTMENT_KINDS, *LOCAL_KINDS)
#: Units that publicise and disclose (the office too).
PUBLISHER_KINDS = (OrgKind.OFFICE, *UNIT_KINDS)
#: Who may look after a built asset (管护主体): the units and villages/communities.
CUSTODIAN_KINDS = (*UNIT_KINDS, OrgKind.VILLAGE)
#: Kinds whose staff read everything as 领导.
LEADERSHIP_KINDS = (OrgKind.DISTRICT, OrgKind.PARTY, OrgKind.GOVERNMENT, OrgKind.FINANCE)


class Level(models.TextChoices):
    """The government level of an organisation that stands for a government (its node in the tree)."""

    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区（县）")


class Organisation(models.Model):
    code = models.SlugField(
        _("代码"), max_length=60, unique=True, help_text=_("稳定的英文代码，用于导入和接口")
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    level = models.CharField(
        _("政府层级"),
        max_length=10,
        choices=Level.choices,
        blank=True,
        default="",
        help_text=_("本单位代表一级政府（省、市、区县）时填写；其下的单位都属于这一级政府"),
    )
    government = models.ForeignKey(
        "self",
        verbose_name=_("所属政府"),
        null=True,
        blank=True,
        editable=False,
        related_name="governed",
        on_delete=models.SET_NULL,
        help_text=_("最近的、设有政府层级的上级（或本单位），由系统维护"),
    )
    is_default = models.BooleanField(
        _("默认数据"), default=False, help_text=_("随系统装入的默认设置，可按本地实际修改")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    is_sample = models.BooleanField(_("示例数据"), default=False, help_text=_("合成的示例单位，不是真实单位"))
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep ``government`` true: a new or unmoved organisation takes its own (it has a level) or its parent's;
        a moved one, or one whose level changed, recomputes the whole tree (its descendants follow)."""
        moved = getattr(self, "_tree_state", None) not in (None, (self.parent_id, self.level))
        if not self.level:
            parent = self.parent if self.parent_id else None
            self.government_id = parent.government_id if parent is not None else None
        super().save(*args, **kwargs)
        if self.level and self.government_id != self.pk:
            type(self).objects.filter(pk=self.pk).update(government_id=self.pk)
            self.government_id = self.pk
        if moved:
            governments_refresh()
            self.government_id = type(self).objects.values_list("government_id", flat=True).get(pk=self.pk)
        self._tree_state = (self.parent_id, self.level)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Organisation:
        obj = super().from_db(db, field_names, values)
        obj._tree_state = (obj.__dict__.get("parent_id"), obj.__dict__.get("level"))
        return obj

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_local(self) -> bool:
        return self.kind in LOCAL_KINDS


def governments_of(rows: list[tuple[int, int | None, str]]) -> dict[int, int | None]:
    """Each organisation's government from ``(id, parent_id, level)`` rows: the nearest ancestor-or-self with a
    level (None when there is none). Shared by :func:`governments_refresh` and the data migration."""
    parent = {pk: parent_id for pk, parent_id, _level in rows}
    has_level = {pk for pk, _parent, level in rows if level}
    result: dict[int, int | None] = {}

    def find(pk: int) -> int | None:
        seen: list[int] = []
        node: int | None = pk
        found: int | None = None
        while node is not None:
            if node in result:
                found = result[node]
                break
            if node in has_level:
                found = node
                break
            if node in seen:  # a cycle (refused by the forms): no government
                break
            seen.append(node)
            node = parent.get(node)
        for visited in seen:
            result[visited] = found
        return found

    for pk in parent:
        find(pk)
    return result


def governments_refresh(model: Any = None) -> int:
    """Recompute every organisation's ``government`` (precomputed, so the policy's scoping is one SQL filter);
    two queries plus one update per changed row. Returns the number of rows changed."""
    model = model or Organisation
    rows = list(model.objects.values_list("id", "parent_id", "level", "government_id"))
    wanted = governments_of([(pk, parent, level) for pk, parent, level, _gov in rows])
    changed = 0
    for pk, _parent, _level, government_id in rows:
        if wanted.get(pk) != government_id:
            model.objects.filter(pk=pk).update(government_id=wanted.get(pk))
            changed += 1
    return changed


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    OFFICE = "office", _("民生办")
    DEPARTMENT = "department", _("部门")
    TOWN = "town", _("镇街")
    SUPERVISOR = "supervisor", _("特邀监督员")
    LEADER = "leader", _("领导")


#: Which kinds of organisation fit each role (the choices of the user forms and the import).
ROLE_KINDS: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (OrgKind.OFFICE, *LEADERSHIP_KINDS),
    Role.OFFICE: (OrgKind.OFFICE,),
    Role.DEPARTMENT: DEPARTMENT_KINDS,
    Role.TOWN: LOCAL_KINDS,
    Role.SUPERVISOR: (OrgKind.OTHER,),
    Role.LEADER: LEADERSHIP_KINDS,
}


class Membership(models.Model):
    """A user's place: one organisation and one role. A user has at most one membership."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), related_name="membership", on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属单位"), related_name="memberships", on_delete=models.PROTECT
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    is_demo = models.BooleanField(_("示例账号"), default=False)
    phone = models.CharField(_("手机"), max_length=30, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("密码由民生办重置或批量生成，下次登录时须先修改")
    )

    class Meta:
        ordering = ["organisation__order", "user__username"]
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
