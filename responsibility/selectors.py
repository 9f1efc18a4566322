from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Program, Project
from core.policy import actor_for, restrict
from core.todo import INFO, WARNING, TodoItem
from funding.models import FundingLine, Source
from funding.selectors import with_current
from orgs.models import LOCAL_KINDS, Organisation, OrgKind
from responsibility.models import Indicator, Letter, Target
from responsibility.rules import may_manage_letters

ROLE_LEAD, ROLE_CO, ROLE_IMPL = "牵头", "配合", "实施"


def fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def responsible_units(*, program: Program) -> list[Organisation]:
    """Units that sign a letter: every lead department and every local unit (镇、街道、开发区) with projects."""
    leads = Q(led_projects__program=program)
    local = Q(kind__in=LOCAL_KINDS, implemented_projects__program=program)
    return list(Organisation.objects.filter(leads | local).distinct().order_by("kind", "order"))


def unit_roles(*, program: Program, organisation: Organisation) -> list[tuple[Project, str]]:
    projects = (
        program.projects.filter(
            Q(lead_department=organisation)
            | Q(co_lead_departments=organisation)
            | Q(implementing_units=organisation)
        )
        .distinct()
        .select_related("lead_department")
        .prefetch_related("co_lead_departments", "implementing_units")
        .order_by("order")
    )
    out = []
    for p in projects:
        if p.lead_department_id == organisation.id:
            out.append((p, ROLE_LEAD))
        elif any(o.id == organisation.id for o in p.implementing_units.all()):
            out.append((p, ROLE_IMPL))
        else:
            out.append((p, ROLE_CO))
    return out


def unit_duties(*, program: Program, organisation: Organisation) -> dict[str, Any]:
    """The content of a unit's 目标责任状: its projects with role, targets and funds (a JSON snapshot)."""
    roles = unit_roles(program=program, organisation=organisation)
    project_ids = [p.id for p, _ in roles]
    targets = defaultdict(list)
    indicators = (
        Indicator.objects.filter(project_id__in=project_ids).prefetch_related("targets").order_by("order")
    )
    lead_ids = {p.id for p, role in roles if role == ROLE_LEAD}
    for ind in indicators:
        own = next((t for t in ind.targets.all() if t.unit_id == organisation.id), None)
        value = own.value if own else (ind.target if ind.project_id in lead_ids else None)
        if value is not None:
            targets[ind.project_id].append(
                {
                    "indicator": ind.name,
                    "unit": ind.unit,
                    "direction": ind.get_direction_display(),
                    "value": fmt(value),
                }
            )
    funds: dict[int, dict[str, str]] = defaultdict(dict)
    labels = dict(Source.choices)
    lines = with_current(FundingLine.objects.filter(project_id__in=project_ids)).filter(
        Q(unit=organisation) | Q(unit__isnull=True, project_id__in=lead_ids)
    )
    for line in lines:
        funds[line.project_id][str(labels[line.source])] = f"{line.current:.2f}"
    return {
        "year": program.year,
        "noun": program.noun,
        "issuer": program.issuer_name,
        "unit": organisation.name,
        "unit_kind": organisation.get_kind_display(),
        "projects": [
            {
                "order": p.order,
                "name": p.name,
                "role": role,
                "targets": targets.get(p.id, []),
                "funds": funds.get(p.id, {}),
            }
            for p, role in roles
        ],
    }


@dataclass
class MatrixRow:
    project: Project
    cells: dict[int, dict[str, Any]] = field(default_factory=dict)


def responsibility_matrix(
    *, user: Any, program: Program, unit_kind: str = ""
) -> tuple[list[Organisation], list[MatrixRow]]:
    """Projects × units with the unit's role and its targets ("name value unit"), scoped to what the user sees."""
    projects = list(
        restrict(Project.objects.filter(program=program), user, "view")
        .select_related("lead_department")
        .prefetch_related("co_lead_departments", "implementing_units")
        .order_by("order")
    )
    targets = defaultdict(list)
    for t in restrict(
        Target.objects.filter(indicator__project__program=program), user, "view"
    ).select_related("indicator"):
        targets[(t.indicator.project_id, t.unit_id)].append(
            f"{t.indicator.name}{fmt(t.value)}{t.indicator.unit}"
        )
    units: dict[int, Organisation] = {}
    rows = []
    for p in projects:
        row = MatrixRow(project=p)
        roles = [(p.lead_department, ROLE_LEAD)] if p.lead_department else []
        roles += [(o, ROLE_CO) for o in p.co_lead_departments.all()]
        roles += [(o, ROLE_IMPL) for o in p.implementing_units.all() if o.id != p.lead_department_id]
        for org, role in roles:
            if (
                unit_kind == "local"
                and org.kind not in LOCAL_KINDS
                or unit_kind == "department"
                and org.kind != OrgKind.DEPARTMENT
            ):
                continue
            units[org.id] = org
            row.cells[org.id] = {"role": role, "targets": targets.get((p.id, org.id), [])}
        rows.append(row)
    ordered = sorted(units.values(), key=lambda o: (o.kind not in LOCAL_KINDS, o.order, o.name))
    return ordered, rows


def target_problems(*, user: Any, program: Program) -> list[str]:
    """Indicators whose unit targets do not add up to the project target (of those ``user`` may see in full: a
    partial view of the targets would report false gaps, so only whoever sees all targets gets the check)."""
    from core.policy import can, role_scope

    if role_scope(Target, user, "view") is not True or not can(user, "view", program):
        return []
    sums = dict(
        Target.objects.filter(indicator__project__program=program, indicator__additive=True)
        .values_list("indicator_id")
        .annotate(s=Sum("value"))
    )
    problems = []
    for ind in Indicator.objects.filter(
        project__program=program, additive=True, target__isnull=False
    ).select_related("project"):
        total = sums.get(ind.id)
        if total is not None and total != ind.target:
            problems.append(
                _(
                    "%(project)s·%(indicator)s：各单位目标合计%(total)s%(unit)s，与项目目标%(target)s%(unit)s不一致"
                )
                % {
                    "project": ind.project.name,
                    "indicator": ind.name,
                    "total": fmt(total),
                    "target": fmt(ind.target),
                    "unit": ind.unit,
                }
            )
    return problems


def letters_overview(*, user: Any, program: Program) -> list[tuple[Organisation, Letter | None]]:
    letters = {
        letter.organisation_id: letter
        for letter in restrict(Letter.objects.filter(program=program), user, "view")
    }
    units = responsible_units(program=program)
    visible = set(
        restrict(Organisation.objects.filter(id__in=[u.id for u in units]), user, "view").values_list(
            "id", flat=True
        )
    )
    visible_units = [u for u in units if u.id in visible]
    return [(u, letters.get(u.id)) for u in visible_units]


def letter_list(*, user: Any) -> QuerySet[Letter]:
    return restrict(Letter.objects.all(), user, "view").select_related("program", "organisation")


#: An issued letter still unsigned after this many days is flagged for 民生办.
UNSIGNED_AFTER_DAYS = 14


def todo_items(*, user: Any) -> list[TodoItem]:
    """The home page's letter queues (see core.todo): issued letters this user's unit must sign; for who manages
    letters (民生办), letters drafted but not issued and letters unsigned ``UNSIGNED_AFTER_DAYS`` after issue.
    One query per queue."""
    from orgs.rules import is_unit_staff

    actor = actor_for(user)
    items = []
    if is_unit_staff(actor):
        agg = restrict(
            Letter.objects.filter(organisation_id=actor.org_id, status=Letter.Status.ISSUED), user, "change"
        ).aggregate(n=Count("id"), first=Min("id"), program=Min("program_id"))
        n = agg["n"]
        url = (
            reverse("responsibility:letter_detail", args=[agg["first"]])
            if n == 1
            else reverse("responsibility:program_letters", args=[agg["program"]])
            if n
            else ""
        )
        if n:  # a unit's letter queue exists only once a letter is issued to it
            items.append(
                TodoItem(
                    key="responsibility.sign",
                    place=_("目标责任状"),
                    label=_("目标责任状待签订"),
                    count=n,
                    url=url,
                    severity=WARNING,
                )
            )
    if may_manage_letters(user):
        programs = Program.objects.filter(status=Program.Status.PUBLISHED, is_sample=False)
        if (
            actor.government_id is not None
        ):  # the letters of the actor's own government: a lower one's are its own
            programs = programs.filter(issuer__government_id=actor.government_id)
        program = programs.order_by("-year").first()
        if program is None:
            return items
        units = {u.id for u in responsible_units(program=program)}
        stale = timezone.now() - dt.timedelta(days=UNSIGNED_AFTER_DAYS)
        agg = restrict(
            Letter.objects.filter(program=program, organisation_id__in=units), user, "view"
        ).aggregate(
            out=Count("id", filter=~Q(status=Letter.Status.DRAFTED)),
            stale=Count("id", filter=Q(status=Letter.Status.ISSUED, issued_at__lt=stale)),
        )
        url = reverse("responsibility:program_letters", args=[program.pk])
        for key, label, n, severity in (
            ("drafted", _("目标责任状待起草或下达"), len(units) - agg["out"], INFO),
            (
                "stale",
                _("目标责任状下达%(days)d天未签订") % {"days": UNSIGNED_AFTER_DAYS},
                agg["stale"],
                WARNING,
            ),
        ):
            if (
                n or key == "drafted"
            ):  # the letters page is 民生办's standing queue; the stale one only when due
                items.append(
                    TodoItem(
                        key=f"responsibility.{key}",
                        place=_("目标责任状"),
                        label=label,
                        count=n,
                        url=url,
                        severity=severity,
                    )
                )
    return items
