"""Alerts (亮灯) computed from the current data, never stored: each rule kind reads its source in one or two
queries, the organisations named by the alerts are read once at the end, so the whole set costs a fixed number of
queries whatever the number of projects, units and rows. Behind-序时 alerts count confirmed figures only (the
official read model, ``reporting.rollup.progress_table(user=None)``). An alert clears itself as soon as the data
changes (a report submitted, a finding answered, a letter signed …), since nothing remembers it."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import DEFAULTS, AlertRule, Digest, Kind
from alerts.rules import alert_visible, alerts_in_todo, alerts_of_own_government, may_see_alerts
from catalogue.models import Program
from core.policy import actor_for, own_government, restrict
from core.todo import DANGER, WARNING, TodoItem, TodoPart
from orgs.models import Organisation

RED, YELLOW = "red", "yellow"
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Threshold:
    kind: str
    label: str
    yellow: Decimal
    red: Decimal
    enabled: bool
    rule: AlertRule | None  # the row in force (the program's own, the default one) or None for the built-in

    def level(self, value: Decimal | int) -> str | None:
        """Red when ``value`` is strictly above the red threshold, yellow when strictly above the yellow one."""
        if value > self.red:
            return RED
        if value > self.yellow:
            return YELLOW
        return None


@dataclass(slots=True)
class Alert:
    kind: str
    level: str  # red | yellow
    unit_id: int
    leads: frozenset[int]  # the lead departments of the projects concerned, who also see the alert
    text: str
    url: str
    value: Decimal
    subject: str = ""  # the project (or the object) concerned
    unit: Organisation | None = field(default=None)

    @property
    def is_red(self) -> bool:
        return self.level == RED

    @property
    def unit_name(self) -> str:
        return self.unit.display_name if self.unit else ""

    @property
    def person(self) -> str:
        """The unit's responsible person (its contact on orgs.Organisation) and phone."""
        if self.unit is None or not self.unit.contact_person:
            return ""
        return f"{self.unit.contact_person} {self.unit.phone}".strip()

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "kind_label": self.kind_label,
            "level": self.level,
            "unit": self.unit_name,
            "person": self.person,
            "subject": self.subject,
            "text": self.text,
            "url": self.url,
        }


def alert_program(user: Any = None) -> Program | None:
    """The program alerts are raised on: the latest published (real) program that has reporting periods — of the
    user's own government when a user is given (alerts are a government's own working signals)."""
    programs = Program.objects.filter(status=Program.Status.PUBLISHED, periods__isnull=False, is_sample=False)
    if user is not None:
        own = own_government(user, Program)
        programs = programs.filter(own) if not isinstance(own, bool) else programs if own else programs.none()
    return programs.select_related("issuer__parent").order_by("-year", "level", "id").distinct().first()


def thresholds(*, program: Program | None) -> dict[str, Threshold]:
    """The rule in force per kind: the program's own row, else the default row, else the built-in default.
    One query."""
    rows = (
        AlertRule.objects.filter(Q(program=None) | Q(program=program))
        if program
        else AlertRule.objects.filter(program=None)
    )
    own: dict[str, AlertRule] = {}
    default: dict[str, AlertRule] = {}
    for r in rows:
        (default if r.program_id is None else own)[r.kind] = r
    out = {}
    for kind in Kind:
        r = own.get(kind) or default.get(kind)
        yellow, red = (r.yellow, r.red) if r else DEFAULTS[kind]
        out[kind.value] = Threshold(
            kind=kind.value,
            label=(r.label if r and r.label else str(kind.label)),
            yellow=yellow,
            red=red,
            enabled=r.enabled if r else True,
            rule=r,
        )
    return out


# --- the rule kinds: each returns its alerts (organisations are attached afterwards) --------------------------


def _leads(lead_id: int | None) -> frozenset[int]:
    return frozenset() if lead_id is None else frozenset([lead_id])


def _points(value: Decimal) -> str:
    return f"{value:.1f}"


def _behind(program: Program, month: int | None, rule: Threshold) -> list[Alert]:
    from reporting.rollup import progress_table

    if month is None:
        return []
    out = []
    fill = reverse("reporting:progress", args=[program.pk, month])
    for row in progress_table(user=None, program=program, month=month, per_unit=True):
        if row.unit is None or row.completion is None:
            continue
        points = (row.schedule - row.completion) * HUNDRED
        level = rule.level(points)
        if level:
            out.append(
                Alert(
                    kind=Kind.BEHIND,
                    level=level,
                    unit_id=row.unit.id,
                    leads=_leads(row.project.lead_department.id if row.project.lead_department else None),
                    subject=row.project.name,
                    text=_("%(month)d月已确认完成率%(done)s%%，落后序时进度%(points)s个百分点")
                    % {
                        "month": month,
                        "done": _points(row.completion * HUNDRED),
                        "points": _points(points),
                    },
                    url=f"{fill}?per_unit=1",
                    value=points,
                )
            )
    return out


def _deadline(program: Program, periods: list[Any], today: dt.date, rule: Threshold) -> list[Alert]:
    """One alert per unit and month with reports not submitted: yellow from ``rule.yellow`` days before the
    deadline (the deadline day included), red more than ``rule.red`` days after it."""
    from reporting.models import Report, Status
    from reporting.rules import reporting_units

    due = []
    for p in periods:
        if not p.is_open or dt.date(program.year, p.month, 1) > today:
            continue
        days_left = (p.deadline - today).days
        if -days_left > rule.red:
            due.append((p, RED, Decimal(-days_left)))
        elif 0 <= days_left <= rule.yellow:
            due.append((p, YELLOW, Decimal(days_left)))
    if not due:
        return []
    projects = list(program.projects.prefetch_related("implementing_units").select_related("lead_department"))
    pairs = [(p.id, u.id, p.lead_department_id) for p in projects for u in reporting_units(p)]
    submitted = set(
        Report.objects.filter(period__in=[p for p, _l, _v in due])
        .exclude(status__in=(Status.DRAFT, Status.RETURNED))
        .values_list("period_id", "project_id", "unit_id")
    )
    names = {p.id: p.name for p in projects}
    out = []
    for period, level, value in due:
        missing: dict[int, list[int]] = defaultdict(list)
        leads: dict[int, set[int]] = defaultdict(set)
        for project_id, unit_id, lead_id in pairs:
            if (period.pk, project_id, unit_id) not in submitted:
                missing[unit_id].append(project_id)
                if lead_id:
                    leads[unit_id].add(lead_id)
        for unit_id, projects in missing.items():
            if level == RED:
                text = _("%(period)s报表已逾期%(days)d天，%(n)d个项目未提交") % {
                    "period": period.label,
                    "days": int(value),
                    "n": len(projects),
                }
            else:
                text = _("%(period)s报表%(date)s截止（剩%(days)d天），%(n)d个项目未提交") % {
                    "period": period.label,
                    "date": f"{period.deadline:%m-%d}",
                    "days": int(value),
                    "n": len(projects),
                }
            out.append(
                Alert(
                    kind=Kind.DEADLINE,
                    level=level,
                    unit_id=unit_id,
                    leads=frozenset(leads.get(unit_id, ())),
                    subject=_names(names, projects),
                    text=text,
                    url=reverse("reporting:fill", args=[program.pk, period.month]),
                    value=value,
                )
            )
    return out


def _names(names: dict[int, str], projects: list[int]) -> str:
    """The first three projects' names (then 等), as a short subject."""
    shown = _("、").join(names.get(p, "") for p in projects[:3])
    return _("%(names)s等") % {"names": shown} if len(projects) > 3 else shown


def _findings(program: Program, today: dt.date, rule: Threshold) -> list[Alert]:
    from supervision.models import Finding

    rows = (
        Finding.objects.filter(Q(project__program=program) | Q(inspection__program=program))
        .filter(status__in=(Finding.Status.OPEN, Finding.Status.REOPENED), deadline__lt=today)
        .order_by("deadline", "id")
        .values_list("pk", "responsible_id", "project__lead_department_id", "project__name", "deadline")
    )
    out = []
    for pk, unit_id, lead_id, project_name, deadline in rows:
        days = Decimal((today - deadline).days)
        level = rule.level(days)
        if level:
            out.append(
                Alert(
                    kind=Kind.FINDING,
                    level=level,
                    unit_id=unit_id,
                    leads=_leads(lead_id),
                    subject=project_name or "",
                    text=_("整改期限%(date)s，已超期%(days)d天未整改反馈")
                    % {"date": f"{deadline:%Y-%m-%d}", "days": int(days)},
                    url=reverse("supervision:finding_detail", args=[pk]),
                    value=days,
                )
            )
    return out


def _letters(program: Program, today: dt.date, rule: Threshold) -> list[Alert]:
    from responsibility.models import Letter

    rows = Letter.objects.filter(program=program, status=Letter.Status.ISSUED, issued_at__isnull=False)
    out = []
    for pk, unit_id, issued_at in rows.order_by("id").values_list("pk", "organisation_id", "issued_at"):
        days = Decimal((today - timezone.localtime(issued_at).date()).days)
        level = rule.level(days)
        if level:
            out.append(
                Alert(
                    kind=Kind.LETTER,
                    level=level,
                    unit_id=unit_id,
                    leads=_leads(None),
                    subject=_("%(year)s年目标责任状") % {"year": program.year},
                    text=_("下达已%(days)d天仍未签订") % {"days": int(days)},
                    url=reverse("responsibility:letter_detail", args=[pk]),
                    value=days,
                )
            )
    return out


def _assets(program: Program, today: dt.date, custodian: Threshold, check: Threshold) -> list[Alert]:
    from upkeep.models import Asset

    rows = (
        Asset.objects.filter(project__program=program)
        .annotate(last_check=Max("checks__date"))
        .order_by("id")
        .values_list(
            "pk",
            "name",
            "custodian_id",
            "project__lead_department_id",
            "created_at",
            "last_check",
            "check_interval_days",
        )
    )
    out = []
    for pk, name, custodian_id, lead_id, created_at, last_check, interval in rows:
        url = reverse("upkeep:asset_detail", args=[pk])
        registered = timezone.localtime(created_at).date()
        if custodian_id is None:
            if custodian.enabled and lead_id:
                days = Decimal((today - registered).days)
                level = custodian.level(days)
                if level:
                    out.append(
                        Alert(
                            kind=Kind.ASSET_CUSTODIAN,
                            level=level,
                            unit_id=lead_id,
                            leads=_leads(lead_id),
                            subject=name,
                            text=_("登记%(days)d天仍未落实管护主体") % {"days": int(days)},
                            url=url,
                            value=days,
                        )
                    )
            continue
        if not check.enabled:
            continue
        over = Decimal((today - (last_check or registered)).days - interval)
        level = check.level(over)
        if level:
            out.append(
                Alert(
                    kind=Kind.ASSET_CHECK,
                    level=level,
                    unit_id=custodian_id,
                    leads=_leads(lead_id),
                    subject=name,
                    text=_("超过检查周期%(days)d天未检查") % {"days": int(over)},
                    url=url,
                    value=over,
                )
            )
    return out


def _disclosures(program: Program, today: dt.date, rule: Threshold) -> list[Alert]:
    from disclosure.models import Disclosure

    rows = (
        Disclosure.objects.filter(program=program, start__isnull=True, due__lt=today)
        .order_by("due", "id")
        .values_list("title", "unit_id", "project__lead_department_id", "due")
    )
    out = []
    url = reverse("disclosure:index") + "#late"
    for title, unit_id, lead_id, due in rows:
        days = Decimal((today - due).days)
        level = rule.level(days)
        if level:
            out.append(
                Alert(
                    kind=Kind.DISCLOSURE,
                    level=level,
                    unit_id=unit_id,
                    leads=_leads(lead_id),
                    subject=title,
                    text=_("应于%(date)s公示，已逾期%(days)d天未登记")
                    % {"date": f"{due:%Y-%m-%d}", "days": int(days)},
                    url=url,
                    value=days,
                )
            )
    return out


def _fiscal(program: Program, rule: Threshold) -> list[Alert]:
    """The district's own livelihood money against its general public budget expenditure (财力匹配), as the
    funding page computes it (own commitment when stated, else the district-level funding lines)."""
    from funding.models import FiscalYear, FundingLine, Source
    from funding.selectors import fiscal_area, with_current

    area = fiscal_area(program)
    fiscal = FiscalYear.objects.filter(organisation=area, year=program.year).first()
    if fiscal is None or not fiscal.budget_expenditure:
        return []
    own = fiscal.own_commitment
    if own is None:
        lines = with_current(FundingLine.objects.filter(project__program=program, source=Source.DISTRICT))
        own = sum((line.current for line in lines), Decimal(0))
    share = own / fiscal.budget_expenditure * HUNDRED
    level = rule.level(share)
    if not level:
        return []
    return [
        Alert(
            kind=Kind.FISCAL,
            level=level,
            unit_id=area.pk,
            leads=_leads(None),
            subject=_("%(year)s年财力匹配") % {"year": program.year},
            text=_("本级民生支出占一般公共预算支出%(share)s%%，超过%(limit)s%%")
            % {"share": f"{share:.2f}", "limit": f"{(rule.red if level == RED else rule.yellow):.2f}"},
            url=reverse("funding:fiscal_year", args=[program.pk]),
            value=share,
        )
    ]


def _report_month(program: Program, today: dt.date) -> int | None:
    """The month judged against 序时: the latest one past its deadline that has confirmed figures. One query."""
    from django.db.models import Max as _Max

    from reporting.models import Report, Status

    return Report.objects.filter(
        period__program=program, status=Status.CONFIRMED, period__deadline__lt=today
    ).aggregate(m=_Max("period__month"))["m"]


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def as_of(program: Program, periods: list[Any], month: int | None, today: dt.date) -> dt.date | None:
    """The day a finished program's alerts are judged on: the end of the chosen month (the dashboard's), else of
    its last period — so that a past year reads "截至2021年12月底 …逾期5天", not "逾期1976天". None while the
    program runs (its last period's month has not ended): then alerts are judged today."""
    if not periods:
        return None
    last = month_end(program.year, max(p.month for p in periods))
    if today <= last:
        return None
    return month_end(program.year, month) if month else last


def alerts_all(
    *,
    program: Program | None = None,
    month: int | None = None,
    today: dt.date | None = None,
    district_wide: bool = True,
) -> list[Alert]:
    """Every alert of ``program`` (by default ``alert_program()``), reds first, with their units attached. A fixed
    number of queries (about a dozen) whatever the size of the program. A finished program's alerts are judged
    as of its chosen (or last) month's end (``as_of``), their texts saying so."""
    from reporting.models import Period

    program = program or alert_program()
    if program is None:
        return []
    today = today or timezone.localdate()
    periods = list(Period.objects.filter(program=program).order_by("month"))
    if month is not None and month not in {p.month for p in periods}:
        month = None
    judged = as_of(program, periods, month, today)
    if judged is not None:
        today = judged
    rules = thresholds(program=program)
    if month is None and Kind.BEHIND in rules and rules[Kind.BEHIND].enabled:
        month = _report_month(program, today)
    on = {k: r for k, r in rules.items() if r.enabled}
    found: list[Alert] = []
    if Kind.BEHIND in on:
        found += _behind(program, month, on[Kind.BEHIND])
    if Kind.DEADLINE in on:
        found += _deadline(program, periods, today, on[Kind.DEADLINE])
    if Kind.FINDING in on:
        found += _findings(program, today, on[Kind.FINDING])
    if Kind.LETTER in on:
        found += _letters(program, today, on[Kind.LETTER])
    if Kind.ASSET_CUSTODIAN in on or Kind.ASSET_CHECK in on:
        found += _assets(program, today, rules[Kind.ASSET_CUSTODIAN], rules[Kind.ASSET_CHECK])
    if Kind.DISCLOSURE in on:
        found += _disclosures(program, today, on[Kind.DISCLOSURE])
    if Kind.FISCAL in on and district_wide:  # the district's own figure: only district-wide roles see it
        found += _fiscal(program, on[Kind.FISCAL])
    if judged is not None:
        prefix = _("截至%(year)d年%(month)d月底，") % {"year": judged.year, "month": judged.month}
        for a in found:
            a.text = prefix + a.text
    _attach_units(found)
    order = {k.value: n for n, k in enumerate(Kind)}
    found.sort(key=lambda a: (a.level != RED, order[a.kind], a.unit.order if a.unit else 0, a.unit_id))
    return found


def _attach_units(alerts: Iterable[Alert]) -> None:
    alerts = list(alerts)
    units = Organisation.objects.in_bulk({a.unit_id for a in alerts})
    for a in alerts:
        a.unit = units.get(a.unit_id)


def alerts_for(
    *,
    user: Any,
    program: Program | None = None,
    month: int | None = None,
    today: dt.date | None = None,
    every: list[Alert] | None = None,
) -> list[Alert]:
    """The alerts ``user`` may see (alerts.rules.alert_visible)."""
    if not may_see_alerts(user):
        return []
    if every is None:
        program = program or alert_program(user)
        if not alerts_of_own_government(user, program):
            return []
        wide = actor_for(user).is_staff_wide
        every = alerts_all(program=program, month=month, today=today, district_wide=wide)
    visible = alert_visible(user)
    return [a for a in every if visible(a)]


def alert_counts(alerts: list[Alert]) -> dict[str, int]:
    red = sum(1 for a in alerts if a.is_red)
    return {"red": red, "yellow": len(alerts) - red, "total": len(alerts)}


def alerts_by_kind(alerts: list[Alert]) -> list[tuple[str, str, list[Alert]]]:
    """(kind, label, alerts) for the kinds that have alerts, in the kinds' order."""
    groups: dict[str, list[Alert]] = defaultdict(list)
    for a in alerts:
        groups[a.kind].append(a)
    return [(k.value, str(k.label), groups[k.value]) for k in Kind if groups.get(k.value)]


def rule_rows(*, program: Program | None) -> list[dict[str, Any]]:
    """The rules page: per kind the rule in force for ``program`` (or the defaults), where it comes from, and
    what the thresholds measure."""
    from alerts.models import MEASURES

    rows = []
    for kind, t in thresholds(program=program).items():
        own = t.rule is not None and t.rule.program_id is not None and program is not None
        rows.append(
            {
                "kind": kind,
                "kind_label": str(Kind(kind).label),
                "threshold": t,
                "measure": str(MEASURES[Kind(kind)]),
                "source": _("本年度规则") if own else (_("全局默认规则") if t.rule else _("系统内置默认值")),
            }
        )
    return rows


def latest_digest(*, user: Any, today: dt.date | None = None) -> Digest | None:
    today = today or timezone.localdate()
    return (
        restrict(Digest.objects.filter(day__gte=today - dt.timedelta(days=1)), user, "view")
        .order_by("-day", "-id")
        .first()
    )


def rule_programs(*, user: Any) -> list[Program]:
    """The programs whose rules the rules page offers: the latest published ones of the user's own government."""
    own = own_government(user, Program)
    programs = Program.objects.filter(status=Program.Status.PUBLISHED)
    programs = programs.filter(own) if not isinstance(own, bool) else programs if own else programs.none()
    return list(programs.order_by("-year", "id")[:10])


def digests(*, user: Any) -> Any:
    return restrict(Digest.objects.all(), user, "view").order_by("-day", "-id")


def todo_items(*, user: Any, today: dt.date | None = None) -> list[TodoItem]:
    """The home page's alert queue (see core.todo): the alerts this user's units must put right, by kind, red
    first — for every staff member; plus today's digest when one was written. A fixed number of queries."""
    if not alerts_in_todo(user):
        return []
    mine = alerts_for(user=user, today=today)
    page = reverse("alerts:index")
    parts = tuple(
        TodoPart(
            label=label,
            count=len(group),
            url=(group[0].url if len(group) == 1 else f"{page}#{kind}"),
            severity=DANGER if any(a.is_red for a in group) else WARNING,
        )
        for kind, label, group in alerts_by_kind(mine)
    )
    counts = alert_counts(mine)
    items = [
        TodoItem(
            key="alerts.lit",
            place=_("亮灯预警"),
            label=_("亮灯预警待处理"),
            count=counts["total"],
            url=page,
            severity=DANGER if counts["red"] else WARNING,
            note=_("红灯%(red)d项、黄灯%(yellow)d项") % counts if counts["total"] else "",
            parts=parts,
        )
    ]
    digest = latest_digest(user=user, today=today)
    if digest is not None and (digest.red or digest.yellow):
        items.append(
            TodoItem(
                key="alerts.digest",
                place=_("每日预警摘要"),
                label=_("每日预警摘要（%(day)s）") % {"day": f"{digest.day:%m-%d}"},
                count=digest.red + digest.yellow,
                url=reverse("alerts:digest", args=[digest.pk]),
                severity=WARNING,
                note=_("红灯%(red)d项、黄灯%(yellow)d项") % {"red": digest.red, "yellow": digest.yellow},
            )
        )
    return items
