"""Organisations of a district and the membership that gives a user a role in one of them."""

from __future__ import annotations

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

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_local(self) -> bool:
        return self.kind in LOCAL_KINDS


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
