"""Access rules of the bulletins, registered with core.policy from BulletinsConfig.ready().

民生办 (and the administrator) generate, edit and issue; a draft is theirs alone. An issued bulletin is an
official document sent to every unit: every staff role sees it; the public sees the issued ones marked public."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from bulletins.models import Bulletin, Status
from catalogue.rules import program_tenant
from core.policy import Actor, Scope, actor_for, can, rule


@rule(Bulletin, **program_tenant("period__program", released=Q(status=Status.ISSUED)))
def bulletin_rule(actor: Actor, action: str) -> Scope:
    if actor.is_manager:
        return Q(status=Status.DRAFT) if action == "delete" else True
    if action != "view":
        return False
    if actor.is_public:
        return Q(status=Status.ISSUED, is_public=True)
    return Q(status=Status.ISSUED)


def may_manage_bulletins(user: Any) -> bool:
    """Generate bulletins (the 新建 button): whoever may add one."""
    from core.policy import can_any

    return can_any(user, "add", Bulletin)


def may_edit(user: Any, bulletin: Bulletin) -> bool:
    """Edit the free text or issue: a draft, by whoever may change it."""
    return bulletin.is_draft and can(user, "change", bulletin)


def may_see_bulletins(user: Any) -> bool:
    """The 进度简报 menu entry and list: staff (the public reads the public ones on the portal)."""
    return not actor_for(user).is_public
