"""Writes to organisations. Atomic, checked with core.policy, audited."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from core.policy import can
from core.services import audit_record, audit_record_many, model_snapshot, versioned_save
from orgs import rules
from orgs.models import ROLE_KINDS, Membership, Organisation, OrgKind, Role

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
    phone: str | None = None,
    must_change_password: bool | None = None,
) -> Membership:
    """Give ``user`` a role in ``organisation`` (replacing any earlier one); 民生办 also gets the admin site.
    ``phone`` and ``must_change_password`` are kept as they are unless given."""
    existing = Membership.objects.filter(user=user).first()
    before = model_snapshot(existing) if existing else None
    defaults: dict[str, Any] = {
        "organisation": organisation,
        "role": role,
        "title": title,
        "is_demo": is_demo,
    }
    if phone is not None:
        defaults["phone"] = phone
    if must_change_password is not None:
        defaults["must_change_password"] = must_change_password
    membership, _ = Membership.objects.update_or_create(user=user, defaults=defaults)
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


# --- user management (系统管理员 and 民生办, see orgs.rules) -------------------------------------------------

#: Letters and digits that cannot be mistaken for each other when read aloud or copied from a screen.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class AccountData:
    """What the office types (or a sheet row holds) for one account."""

    username: str
    name: str
    organisation: Organisation
    role: str
    phone: str = ""
    title: str = ""

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


def one_time_password(user: Any = None) -> str:
    """A random password that passes the configured validators; shown once, never stored in clear."""
    from django.contrib.auth import password_validation

    while True:
        value = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if not (any(c.isdigit() for c in value) and any(c.isupper() for c in value)):
            continue
        if any(c.islower() for c in value):
            try:
                password_validation.validate_password(value, user)
            except ValidationError:
                continue
            return value


def one_time_hash(password: str) -> str:
    """The stored hash of a one-time password: the light hasher of ``orgs.hashers`` when it is configured
    (it is in settings; tests run with a single fast hasher), else the default one."""
    from django.contrib.auth.hashers import get_hasher, make_password

    from orgs.hashers import ALGORITHM

    try:
        get_hasher(ALGORITHM)
    except ValueError:
        return make_password(password)
    return make_password(password, hasher=ALGORITHM)


def _require_manager(actor: Any) -> None:
    if not rules.may_manage_users(actor):
        raise PermissionDenied("只有系统管理员和民生办可以管理用户")


def _require_account(actor: Any, account: Any) -> None:
    _require_manager(actor)
    if not rules.may_manage_account(actor, account):
        raise PermissionDenied("只有系统管理员可以管理系统管理员的账号")


def usernames_taken(usernames: list[str]) -> set[str]:
    """Which of ``usernames`` (compared case-insensitively, lower-cased) exist already — one query."""
    from django.db.models.functions import Lower

    keys = {u.strip().lower() for u in usernames if u.strip()}
    return set(
        get_user_model()
        .objects.annotate(key=Lower("username"))
        .filter(key__in=keys)
        .values_list("key", flat=True)
    )


def account_problems(
    *, actor: Any, data: AccountData, account: Any = None, taken: set[str] | None = None
) -> dict[str, str]:
    """Field → Chinese message for everything wrong with ``data`` (empty: it may be written). ``taken``: the
    lower-cased usernames known to exist (a bulk caller's one query), else the database is asked."""
    User = get_user_model()
    problems: dict[str, str] = {}
    username = data.username.strip()
    valid = True
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError:
        valid = False
    if not username:
        problems["username"] = "账号不能为空"
    elif not valid:
        problems["username"] = f"账号“{username[:40]}”不合规：只能包含字母、数字、汉字和 @.+-_，最长150个字符"
    elif taken is not None:
        if username.lower() in taken:
            problems["username"] = f"账号“{username}”已存在"
    else:
        clash = User.objects.filter(username__iexact=username)
        if account is not None:
            clash = clash.exclude(pk=account.pk)
        if clash.exists():
            problems["username"] = f"账号“{username}”已存在"
    if not data.name.strip():
        problems["name"] = "姓名不能为空"
    elif len(data.name) > 150:
        problems["name"] = "姓名不能超过150个字符"
    if data.role not in Role.values:
        problems["role"] = "角色无效"
    elif data.role not in rules.assignable_roles(actor):
        problems["role"] = f"无权授予“{Role(data.role).label}”角色：只有系统管理员可以创建系统管理员"
    else:
        org = data.organisation
        if org is None or not org.is_active:
            problems["organisation"] = "单位无效或已停用"
        elif not rules.in_own_government(actor, org.pk):
            problems["organisation"] = gettext("“%(name)s”不属于本级政府，不能在此设账号") % {
                "name": org.name
            }
        elif org.kind not in ROLE_KINDS[data.role]:
            kinds = "、".join(str(OrgKind(k).label) for k in ROLE_KINDS[data.role])
            problems["organisation"] = (
                f"“{org.name}”不能设“{Role(data.role).label}”账号（该角色的单位应为：{kinds}）"
            )
    if len(data.phone) > 30:
        problems["phone"] = "手机号不能超过30个字符"
    elif data.phone and not re.fullmatch(r"[0-9+\- ]{5,30}", data.phone):
        problems["phone"] = f"“{data.phone[:30]}”不是有效的手机号"
    return problems


def _check(actor: Any, data: AccountData, account: Any = None) -> None:
    problems = account_problems(actor=actor, data=data, account=account)
    if problems:
        raise ValidationError(problems)


def _user_snapshot(user: Any) -> dict[str, Any]:
    return model_snapshot(user, exclude=("version", "last_login", "date_joined"))


def _new_user_snapshot(user: Any) -> dict[str, Any]:
    """The audited fields of an account just created in bulk (no many-to-many queries per row)."""
    return {f: getattr(user, f) for f in ("username", "first_name", "is_active", "is_staff", "is_superuser")}


def _write_account(*, actor: Any, user: Any, data: AccountData, reason: str, created: bool) -> None:
    """The user row's role-dependent flags and the membership (audited by ``membership_grant``)."""
    existing = Membership.objects.filter(user=user).first()
    is_admin = data.role == Role.ADMIN
    if user.is_superuser != is_admin:
        user.is_superuser = is_admin
        user.save(update_fields=["is_superuser"])
    membership_grant(
        actor=actor,
        user=user,
        organisation=data.organisation,
        role=data.role,
        title=data.title,
        is_demo=existing.is_demo if existing else False,
        phone=data.phone,
        must_change_password=True if created else None,
        reason=reason,
    )


@transaction.atomic
def user_create(*, actor: Any, data: AccountData, reason: str = "") -> tuple[Any, str]:
    """A new account with its role and organisation; returns it and its one-time password (show it once)."""
    _require_manager(actor)
    _check(actor, data)
    User = get_user_model()
    password = one_time_password()
    user = User(
        username=data.username.strip(),
        first_name=data.name.strip(),
        is_active=True,
        password=one_time_hash(password),
    )
    user.save()
    reason = reason or "新建用户"
    audit_record(actor=actor, action="create", obj=user, after=_user_snapshot(user), reason=reason)
    _write_account(actor=actor, user=user, data=data, reason=reason, created=True)
    return user, password


@transaction.atomic
def user_update(*, actor: Any, account: Any, data: AccountData, reason: str = "") -> Any:
    """Change an account's name, username, role, organisation, phone and title."""
    _require_account(actor, account)
    _check(actor, data, account)
    if account.pk == actor.pk and rules.account_role(account) != data.role:
        raise ValidationError({"role": "不能修改自己的角色"})
    User = get_user_model()
    account = User.objects.select_for_update().get(pk=account.pk)
    before = _user_snapshot(account)
    account.username = data.username.strip()
    account.first_name = data.name.strip()
    account.save(update_fields=["username", "first_name"])
    reason = reason or "修改用户"
    _write_account(actor=actor, user=account, data=data, reason=reason, created=False)
    account.refresh_from_db()
    after = _user_snapshot(account)
    if after != before:
        audit_record(actor=actor, action="update", obj=account, before=before, after=after, reason=reason)
    return account


def _revoke_access(account: Any) -> None:
    """End the account's API tokens (its browser sessions end with the password or the active flag)."""
    from knox.models import AuthToken

    AuthToken.objects.filter(user=account).delete()


@transaction.atomic
def user_deactivate(*, actor: Any, account: Any, active: bool = False, reason: str) -> Any:
    """Switch an account off (``active=False``) or on again; accounts are never deleted. Not one's own."""
    _require_account(actor, account)
    if not rules.may_deactivate_account(actor, account):
        raise ValidationError({"active": "不能停用或启用自己的账号"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写原因"})
    User = get_user_model()
    account = User.objects.select_for_update().get(pk=account.pk)
    if account.is_active == active:
        return account
    before = _user_snapshot(account)
    account.is_active = active
    account.save(update_fields=["is_active"])
    if not active:
        _revoke_access(account)
    audit_record(
        actor=actor, action="state", obj=account, before=before, after=_user_snapshot(account), reason=reason
    )
    return account


def user_reactivate(*, actor: Any, account: Any, reason: str) -> Any:
    return user_deactivate(actor=actor, account=account, active=True, reason=reason)


@transaction.atomic
def user_password_reset(*, actor: Any, account: Any, reason: str = "") -> str:
    """A new one-time password (returned to be shown once); the old one, the account's sessions and API
    tokens stop working, any login lockout of the account is lifted, and the user must change it at the next
    login. The password itself is never stored in clear nor written to the audit trail."""
    _require_account(actor, account)
    if account.pk == actor.pk:
        raise ValidationError({"account": "不能重置自己的密码，请使用“修改密码”"})
    membership = Membership.objects.select_for_update().filter(user=account).first()
    if membership is None:
        raise ValidationError({"account": "该账号尚未分配单位和角色，请先修改账号"})
    password = one_time_password(account)
    account.password = one_time_hash(password)
    account.save(update_fields=["password"])
    before = {"must_change_password": membership.must_change_password}
    membership.must_change_password = True
    membership.save(update_fields=["must_change_password"])
    _revoke_access(account)
    from axes.utils import reset as axes_reset

    axes_reset(username=account.get_username())
    audit_record(
        actor=actor,
        action="update",
        obj=account,
        before=before,
        after={"must_change_password": True, "password": "（已重置）"},
        reason=reason or "重置密码",
    )
    return password


@transaction.atomic
def user_password_changed(*, user: Any) -> None:
    """The user chose a new password: the one-time password's obligation ends (audited)."""
    updated = Membership.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False
    )
    audit_record(
        actor=user,
        action="update",
        obj=user,
        before={"must_change_password": True} if updated else None,
        after={"must_change_password": False, "password": "（已修改）"},
        reason="本人修改密码",
    )


def users_import(
    *, actor: Any, rows: list[AccountData], reason: str = "Excel批量导入"
) -> list[tuple[Any, str]]:
    """Create every account of a checked sheet, all or nothing; returns (account, one-time password) pairs.

    The rows are checked again here (a username may have been taken since the preview). Passwords are hashed
    before the transaction, which then writes the users, memberships and audit rows in bulk."""
    _require_manager(actor)
    problems = []
    seen: set[str] = set()
    taken = usernames_taken([d.username for d in rows])
    for n, data in enumerate(rows, start=1):
        key = data.username.strip().lower()
        if key in seen:
            problems.append(f"第{n}个账号：账号“{data.username}”重复")
        seen.add(key)
        for message in account_problems(actor=actor, data=data, taken=taken).values():
            problems.append(f"第{n}个账号（{data.username}）：{message}")
    if problems:
        raise ValidationError(problems)
    passwords = [one_time_password() for _ in rows]
    hashes = [one_time_hash(p) for p in passwords]
    return _users_import_write(actor=actor, rows=rows, hashes=hashes, passwords=passwords, reason=reason)


@transaction.atomic
def _users_import_write(
    *, actor: Any, rows: list[AccountData], hashes: list[str], passwords: list[str], reason: str
) -> list[tuple[Any, str]]:
    User = get_user_model()
    names = [d.username.strip() for d in rows]
    clash = list(User.objects.filter(username__in=names).values_list("username", flat=True))
    if clash:
        raise ValidationError([f"账号“{u}”已存在" for u in clash])
    users = User.objects.bulk_create(
        [
            User(
                username=d.username.strip(),
                first_name=d.name.strip(),
                password=h,
                is_active=True,
                is_superuser=d.role == Role.ADMIN,
                is_staff=d.role in (Role.OFFICE, Role.ADMIN),
            )
            for d, h in zip(rows, hashes, strict=True)
        ]
    )
    if any(u.pk is None for u in users):  # backends that do not return ids
        users = list(User.objects.filter(username__in=names).order_by("id"))
        by_name = {u.username: u for u in users}
        users = [by_name[n] for n in names]
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                organisation=d.organisation,
                role=d.role,
                title=d.title,
                phone=d.phone,
                must_change_password=True,
            )
            for u, d in zip(users, rows, strict=True)
        ]
    )
    office = [u for u, d in zip(users, rows, strict=True) if d.role == Role.OFFICE]
    if office:
        _office_group().user_set.add(*office)
    memberships = list(Membership.objects.filter(user__in=users).select_related("user", "organisation"))
    audit_record_many(
        actor=actor,
        action="create",
        items=[(u, None, _new_user_snapshot(u)) for u in users]
        + [(m, None, model_snapshot(m)) for m in memberships],
        reason=reason,
    )
    return list(zip(users, passwords, strict=True))
