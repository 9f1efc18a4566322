from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from catalogue.models import Program, Project
from core.services import audit_record, model_snapshot
from disclosure.models import Disclosure, Feedback, Publicity
from disclosure.rules import may_record_disclosure

#: Identity numbers (身份证号, 18 digits the last possibly X, or 15) and mobile numbers, also written with
#: spaces or dashes between the groups, never belong in public text.
PERSONAL = re.compile(
    r"(?<![\dA-Za-z])(?:\d{6}[\s-]?\d{8}[\s-]?\d{3}[\dXx]|\d{15}|1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?![\dA-Za-z])"
)

#: The commonest Chinese surnames (single and compound); a self-introduction followed by one is a name.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_COMPOUND = "欧阳|司马|诸葛|上官|东方|皇甫|尉迟|公孙|慕容|长孙|令狐|夏侯"
#: "姓名：王五", "联系人: 赵六": whatever name follows a label; "我叫张三", "本人李四", "我是王小明": a name
#: that starts with a surname (so "本人认为…", "我是村民" stay as written).
_LABELLED_NAME = re.compile(r"((?:姓名|名字|联系人|签名|落款)\s*[:：]?\s*)[\u4e00-\u9fff·]{2,4}")
_INTRODUCED_NAME = re.compile(
    rf"((?:我叫|我是|我姓|本人叫|本人是|本人)\s*)(?:{_COMPOUND}|[{_SURNAMES}])[\u4e00-\u9fff]{{0,2}}"
)


def personal_mask(text: str) -> str:
    """Public text with identity numbers, phone numbers and personal names replaced by ***."""
    text = PERSONAL.sub("***", text)
    text = _LABELLED_NAME.sub(r"\1***", text)
    return _INTRODUCED_NAME.sub(r"\1***", text)


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
        raise ValidationError({"summary": _("公示摘要中含有身份证号或手机号，请删去个人信息")})
    before = model_snapshot(disclosure) if disclosure else None
    item = disclosure or Disclosure()
    for name, value in data.items():
        setattr(item, name, value)
    if item.start and item.end and item.end < item.start:
        raise ValidationError({"end": _("公示结束不能早于开始")})
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


FEEDBACK_TOKEN_SPENT = _("此表单已经提交过，请刷新页面后再提交。")


@transaction.atomic
def feedback_submit(
    *,
    program: Program,
    project: Project | None,
    satisfaction: int,
    aware: bool,
    text: str,
    nonce: str | None = None,
) -> Feedback:
    """Anonymous: nothing about the sender is stored; personal data typed into the text is masked. ``nonce`` is
    the form's one-time token: a second submission with it is refused (a unique column, so also when two arrive
    at the same moment in different server processes)."""
    if project is not None and project.program_id != program.id:
        raise ValidationError(_("项目不属于该年度计划"))
    clean = personal_mask(text.strip())[:1000]
    item = Feedback(
        program=program,
        project=project,
        satisfaction=satisfaction,
        aware=aware,
        text=clean,
        token_nonce=nonce,
    )
    item.full_clean(exclude=["token_nonce"])
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError(FEEDBACK_TOKEN_SPENT) from exc
    return item


FEEDBACK_OUTCOMES = ("answered", "closed")


@transaction.atomic
def feedback_handle(
    *, actor: Any, feedback: Feedback, outcome: str, reply: str, expected_version: int
) -> Feedback:
    """处理群众意见: answered (答复/转办) or closed (无需答复), always with the reply or the reason written down;
    handling again replaces the reply (optimistic lock on ``version``; audited)."""
    from django.utils import timezone

    from core.policy import can
    from core.services import versioned_save

    if not can(actor, "change", feedback):
        raise PermissionDenied("只有民生办可以处理群众意见")
    if outcome not in FEEDBACK_OUTCOMES:
        raise ValidationError({"outcome": _("请选择处理结果。")})
    reply = reply.strip()
    if not reply:
        raise ValidationError({"reply": _("请填写答复（处理意见）：答复内容，或关闭的理由。")})
    before = model_snapshot(feedback, exclude=("version", "token_nonce"))
    feedback.outcome, feedback.reply, feedback.handled = outcome, reply, True
    feedback.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    feedback.handled_at = timezone.now()
    feedback.full_clean(exclude=["token_nonce", "program", "project"])
    fields = ["outcome", "reply", "handled", "handled_by", "handled_at"]
    versioned_save(feedback, expected_version=expected_version, fields=fields)
    audit_record(
        actor=actor,
        action="state",
        obj=feedback,
        before=before,
        after=model_snapshot(feedback, exclude=("version", "token_nonce")),
        reason=reply,
    )
    return feedback
