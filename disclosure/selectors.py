from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Program
from core.policy import can_any, restrict
from core.todo import DANGER, INFO, WARNING, TodoItem
from disclosure.models import Disclosure, Feedback, Publicity
from disclosure.rules import disclosures_to_record


def disclosure_program() -> Program | None:
    """The program the disclosure page works on: the latest published one (not a sample)."""
    return Program.objects.filter(status=Program.Status.PUBLISHED, is_sample=False).order_by("-year").first()


def disclosure_page(*, user: Any, program: Program | None) -> dict[str, Any]:
    """What the disclosure page lists for the user: publicity (latest 100), disclosures and the late ones
    (not made by the due date, or made after it), feedback (latest 50) and its count and mean satisfaction."""
    today = timezone.localdate()
    disclosures = restrict(Disclosure.objects.filter(program=program), user, "view").select_related(
        "unit", "project"
    )
    feedback = restrict(Feedback.objects.filter(program=program), user, "view")
    return {
        "publicity": restrict(Publicity.objects.filter(program=program), user, "view").select_related("unit")[
            :100
        ],
        "disclosures": disclosures,
        "late": [d for d in disclosures if d.start is None and d.due < today]
        + [d for d in disclosures if d.start is not None and d.start > d.due],
        "feedback": feedback[:50],
        "feedback_stats": feedback.aggregate(n=Count("id"), avg=Avg("satisfaction")),
    }


def todo_items(*, user: Any, today: Any = None) -> list[TodoItem]:
    """The home page's disclosure queues (see core.todo): disclosures past their due date and not yet made, for
    who records them (the unit its own, 民生办 all); public feedback not yet handled, for who handles it. One
    query each, plus one for the program."""
    recording = disclosures_to_record(user)
    handler = can_any(user, "change", Feedback)
    if recording is False and not handler:
        return []
    program = disclosure_program()
    if program is None:
        return []
    today = today or timezone.localdate()
    page = reverse("disclosure:index")
    items = []
    if recording is not False:
        late = restrict(
            Disclosure.objects.filter(program=program, start__isnull=True, due__lt=today), user, "view"
        )
        n = (late if recording is True else late.filter(recording)).count()
        items.append(
            TodoItem(
                key="disclosure.late",
                place=_("宣传与公开"),
                label=_("公示逾期未登记"),
                count=n,
                url=f"{page}#late" if n else page,
                severity=DANGER if n else INFO,
            )
        )
    if handler:
        waiting = restrict(Feedback.objects.filter(program=program, handled=False), user, "change").aggregate(
            n=Count("id"), first=Min("id")
        )
        n = waiting["n"]
        feedback_page = reverse("disclosure:feedback_list")
        items.append(
            TodoItem(
                key="disclosure.feedback",
                place=_("宣传与公开"),
                label=_("群众意见待处理"),
                count=n,
                url=reverse("disclosure:feedback_detail", args=[waiting["first"]])
                if n == 1
                else f"{feedback_page}?status=open",
                severity=WARNING if n else INFO,
            )
        )
    return items
