"""The living demo year (示例数据) on the reference program: ``make demo`` → ``manage.py demo``.

Everything is made through the project's services, acting as the demo accounts, so transitions, audit rows and
summaries are the ones real work leaves behind; the clock is set (time-machine) to the day each step happens in
the program's year, so on-time and late reports, deadlines and the audit trail read like a real year. Every
row created is recorded in ``core.sample``'s ledger and removed by ``demo_clear``; texts start with 【示例】 and
the accounts are named 示例·…, so the data is labelled wherever it shows. Rows that already exist (real targets,
funding lines, letters, reports) are left alone: the demo only adds.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from catalogue.models import Program
from core import sample
from core.files import write_private
from orgs.models import LOCAL_KINDS, Membership, Organisation, Role
from orgs.services import membership_grant
from reporting import services as reporting
from reporting.models import Period, Report, Status, Summary
from reporting.rules import reporting_units

LABEL = "【示例】"
PREFIX = "示例·"
DEMO_MONTHS_PAST_YEAR = 6  # a past program year is shown as it stood at the end of June
MONEY_UNITS = ("万元", "元")
#: target per counted item (个) in other units: 25 万元 of investment, 60 people helped
TARGET_FACTOR = {"万元": 25, "元": 250000, "人": 60}


class DemoRefused(Exception):
    """The demo may not run here (production) or is already loaded."""


def production() -> bool:
    env = os.environ.get("MINSHENG_PRODUCTION", "").lower() in {"1", "true", "yes"}
    return bool(getattr(settings, "PRODUCTION", False)) or env


def refuse_in_production() -> None:
    if production():
        raise DemoRefused("生产环境（MINSHENG_PRODUCTION=1）不创建也不删除示例数据。")


def reference_program() -> Program:
    program = (
        Program.objects.filter(is_sample=False, is_reconstructed=False, status=Program.Status.PUBLISHED)
        .order_by("year")
        .first()
    )
    if program is None:
        raise DemoRefused("找不到参考年度计划：请先运行 load_reference_data")
    return program


def demo_months(program: Program, today: dt.date) -> int:
    """January … the current month in the program's year; June when the year is over (or not yet begun)."""
    if today.year == program.year:
        return today.month
    return DEMO_MONTHS_PAST_YEAR


# --- accounts -------------------------------------------------------------------------------------------------

#: Kept from the first demo (README, tests of others use them); the rest are demo_dept_<code> / demo_town_<code>.
FIXED_NAMES = {("department", "wjw"): "demo_dept_health", ("town", "shitai"): "demo_town_shitai"}


#: The upper governments' accounts: username, label, organisation code (reference data), role.
UPPER_ACCOUNTS = (
    ("demo_city_office", "示例·市民生办", "huaibei-msb", Role.OFFICE),
    ("demo_city_leader", "示例·市领导", "huaibei", Role.LEADER),
    ("demo_province_office", "示例·省民生办", "anhui-msb", Role.OFFICE),
)


@dataclass
class Account:
    username: str
    label: str
    organisation: Organisation
    role: str


def demo_accounts(program: Program) -> list[Account]:
    """One account per role, one per lead department of the program and one per town/street/zone it covers."""

    def org(code: str) -> Organisation:
        try:
            return Organisation.objects.get(code=code)
        except Organisation.DoesNotExist as exc:
            raise DemoRefused(f"找不到单位 {code}：请先运行 load_reference_data") from exc

    accounts = [
        Account("demo_admin", "示例·系统管理员", org("msb"), Role.ADMIN),
        Account("demo_office", "示例·民生办", org("msb"), Role.OFFICE),
        Account("demo_leader", "示例·区领导", org("gov"), Role.LEADER),
        Account("demo_supervisor", "示例·特邀监督员", org("supervisors"), Role.SUPERVISOR),
    ]
    # the governments above the district (issue 14): they read its confirmed figures in their roll-up tables
    for username, label, code, role in UPPER_ACCOUNTS:
        accounts.append(Account(username, label, org(code), role))
    leads = Organisation.objects.filter(led_projects__program=program).distinct().order_by("order", "code")
    towns = (
        Organisation.objects.filter(kind__in=LOCAL_KINDS, implemented_projects__program=program)
        .distinct()
        .order_by("order", "code")
    )
    for role, units in ((Role.DEPARTMENT, leads), (Role.TOWN, towns)):
        for unit in units:
            name = FIXED_NAMES.get(
                (role, unit.code), f"demo_{'dept' if role == Role.DEPARTMENT else 'town'}_{unit.code}"
            )
            accounts.append(Account(name, PREFIX + (unit.short_name or unit.name), unit, role))
    return accounts


def accounts_create(*, program: Program, password: str) -> dict[str, Any]:
    """Create (or reset the password of) the demo accounts; membership is_demo (示例账号)."""
    User = get_user_model()
    hashed = make_password(
        password
    )  # one hash for all: they share the password, and hashing is slow on purpose
    users: dict[str, Any] = {}
    for account in demo_accounts(program):
        user, _ = User.objects.get_or_create(username=account.username)
        user.first_name = account.label
        user.is_superuser = account.role == Role.ADMIN
        user.password = hashed
        user.save()
        membership_grant(
            actor=None,
            user=user,
            organisation=account.organisation,
            role=account.role,
            is_demo=True,
            reason="创建示例账号",
        )
        users[account.username] = user
    return users


def accounts_listing(program: Program) -> list[str]:
    return [
        f"  {a.username:<24} {a.label}（{a.organisation.name}，{Role(a.role).label}）"
        for a in demo_accounts(program)
    ]


def accounts_save(program: Program, password: str) -> Any:
    path = settings.VAR_DIR / "demo-accounts.txt"
    text = "示例账号（仅供试用）\n" + "\n".join(accounts_listing(program)) + f"\n密码 password: {password}\n"
    write_private(path, text)
    return path


# --- the year --------------------------------------------------------------------------------------------------


@dataclass
class Demo:
    program: Program
    users: dict[str, Any]
    months: int
    rng: random.Random
    by_unit: dict[int, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for account in demo_accounts(self.program):
            if account.role in (Role.DEPARTMENT, Role.TOWN):
                self.by_unit[account.organisation.pk] = self.users[account.username]

    def user_for(self, unit: Organisation) -> Any:
        """The demo account of a unit (a town or a lead department), else 民生办 acting for it."""
        return self.by_unit.get(unit.pk, self.office)

    @property
    def office(self) -> Any:
        return self.users["demo_office"]


def _at(day: dt.date, hour: int = 10) -> Any:
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


def _png() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 28), (220, 230, 240)).save(buffer, format="PNG")
    return SimpleUploadedFile("示例扫描件.png", buffer.getvalue(), content_type="image/png")


def _targets_and_funds(demo: Demo) -> None:
    from funding.models import FundingLine
    from funding.services import funding_line_create
    from responsibility import services as rs
    from responsibility.models import Target

    office, rng = demo.office, demo.rng
    for project in demo.program.projects.order_by("order"):
        indicators = rs.indicators_apply_defaults(actor=office, project=project)
        for unit in reporting_units(project):
            base = Decimal(rng.choice((4, 5, 8, 10, 12, 20, 30, 50)))
            for ind in indicators:
                if Target.objects.filter(indicator=ind, unit=unit).exists():
                    continue
                value = base * TARGET_FACTOR.get(ind.unit, 1)
                rs.target_set(actor=office, indicator=ind, unit=unit, value=value, reason=LABEL + "设置目标")
            if not FundingLine.objects.filter(project=project, unit=unit).exists():
                for source, share in (("province", 0.6), ("district", 0.4)):
                    amount = Decimal(rng.randint(20, 400) * 10000) * Decimal(str(share))
                    funding_line_create(
                        actor=office, project=project, unit=unit, source=source, original=amount, reason=LABEL
                    )


#: The 示例 财力: the district's own livelihood money is this share of its general public budget expenditure
#: (below the default 10% 提示阈值, so the program page shows an ok 财力匹配), revenue this share of expenditure.
DEMO_FISCAL_SHARE, DEMO_REVENUE_SHARE = Decimal("0.068"), Decimal("0.42")


def _fiscal_year(demo: Demo) -> None:
    """The year's 财力 (示例 figures) through ``fiscal_year_set``, sized on the district's funding lines; a
    FiscalYear already entered is left alone."""
    from django.db.models import Sum

    from funding.models import FiscalYear, FundingLine, Source
    from funding.selectors import fiscal_area
    from funding.services import fiscal_year_set

    program = demo.program
    area = fiscal_area(program)
    if FiscalYear.objects.filter(organisation=area, year=program.year).exists():
        return
    lines = FundingLine.objects.filter(project__program=program, source=Source.DISTRICT)
    district = lines.aggregate(t=Sum("original"))["t"] or Decimal(10_000_000)
    wan = Decimal(10000)
    expenditure = (district / DEMO_FISCAL_SHARE / wan).quantize(Decimal(1)) * wan
    fiscal_year_set(
        actor=demo.office,
        organisation=area,
        year=program.year,
        data={
            "budget_expenditure": expenditure,
            "budget_revenue": (expenditure * DEMO_REVENUE_SHARE / wan).quantize(Decimal(1)) * wan,
            "is_sample": True,
            "note": LABEL + "示例财力数据，不是真实数字",
        },
        reason=LABEL + "录入年度财力",
    )


def _letters(demo: Demo) -> None:
    from responsibility import services as rs
    from responsibility.models import Letter
    from responsibility.selectors import responsible_units

    start = dt.date(demo.program.year, 2, 20)
    with _at(start):
        drafted = []
        for unit in responsible_units(program=demo.program):
            if not Letter.objects.filter(program=demo.program, organisation=unit).exists():
                drafted.append(rs.letter_draft(actor=demo.office, program=demo.program, organisation=unit))
    with _at(start + dt.timedelta(days=3)):
        issued = [
            # the demo sets targets on a few projects only; the office reads the warning and issues anyway
            rs.letter_issue(actor=demo.office, letter=letter, confirm_missing_targets=True)
            for letter in drafted
            if letter.snapshot.get("projects")
        ]
    for i, letter in enumerate(issued):
        if i % 3 == 2:
            continue  # a third still to be signed: a to-do for those units
        signed = start + dt.timedelta(days=6 + i % 5)
        with _at(signed):
            rs.letter_sign(
                actor=demo.user_for(letter.organisation),
                letter=letter,
                signed_date=signed,
                scan=_png(),
                signer=PREFIX + "负责人",
            )


def _values(report: Report, month: int, pace: float) -> dict[int, Decimal]:
    from responsibility.models import Target

    targets = {
        t.indicator_id: t.value
        for t in Target.objects.filter(indicator__project=report.project, unit=report.unit)
    }
    out = {}
    for ind in report.project.indicators.all():
        target = targets.get(ind.pk, Decimal(10))
        ahead = Decimal("1.15") if ind.order == 1 else Decimal(1)  # started runs ahead of finished
        share = (
            min(Decimal(1), Decimal(month) / 12 * Decimal(str(pace)) * ahead)
            if ind.cumulative
            else Decimal(str(min(1.0, pace)))
        )
        places = Decimal("0.01") if ind.unit in MONEY_UNITS else Decimal(1)
        out[ind.pk] = (target * share).quantize(places)
    return out


def _funds(report: Report, month: int, pace: float) -> dict[str, tuple[Decimal, Decimal]]:
    from funding.models import FundingLine

    out = {}
    for line in FundingLine.objects.filter(project=report.project, unit=report.unit):
        arrived = (line.original * min(Decimal(1), Decimal(month) / 12 * Decimal("1.1"))).quantize(
            Decimal("0.01")
        )
        spent = (arrived * Decimal(str(min(0.95, 0.7 + pace / 5)))).quantize(Decimal("0.01"))
        out[line.source] = (arrived, spent)
    return out


def _report_month(demo: Demo, period: Period, last: bool) -> None:
    rng, month = demo.rng, period.month
    for project in demo.program.projects.order_by("order").prefetch_related("indicators"):
        reviewer = demo.user_for(project.lead_department) if project.lead_department_id else demo.office
        for unit in reporting_units(project):
            if Report.objects.filter(project=project, unit=unit, period=period).exists():
                continue  # real data: left alone
            roll = rng.random()
            if last and roll < 0.08:
                continue  # not reported yet: overdue
            late = roll > 0.88
            filed = period.deadline + dt.timedelta(days=rng.randint(2, 6) if late else -rng.randint(1, 6))
            actor = demo.user_for(unit)
            pace = 0.85 + (hash((project.pk, unit.pk)) % 30) / 100
            with _at(filed - dt.timedelta(days=1), 15):
                report = reporting.report_open(actor=actor, project=project, unit=unit, period=period)
                reporting.report_save(
                    actor=actor,
                    report=report,
                    values=_values(report, month, pace),
                    funds=_funds(report, month, pace),
                    narrative={
                        "beneficiaries": rng.randint(50, 3000) * month,
                        "progress": f"{LABEL}{period.label}按计划推进，累计完成约{min(100, round(month / 12 * pace * 100))}%。",
                        "problems": f"{LABEL}个别点位施工进度偏慢。" if roll < 0.3 else "",
                        "next_steps": f"{LABEL}下月继续推进，加快资金支出。",
                        "explanation": f"{LABEL}数据为示例，按实际进度填报。",
                    },
                    expected_version=report.version,
                )
            with _at(filed):
                report = reporting.report_submit(actor=actor, report=report)
            if last and 0.08 <= roll < 0.2:
                continue  # submitted, waiting for the department's review
            returned = 0.2 <= roll < 0.3
            step = rules_step(report)
            with _at(filed + dt.timedelta(days=1), 16):
                if returned:
                    report = _decide(demo, report, reviewer, approve=False)
                    if last:
                        continue  # returned: the unit must correct it
                    with _at(filed + dt.timedelta(days=2)):
                        report = reporting.report_save(
                            actor=actor,
                            report=report,
                            values={},
                            funds={},
                            narrative={"progress": report.progress + f"{LABEL}已按意见补充完成情况。"},
                            expected_version=report.version,
                        )
                        report = reporting.report_submit(actor=actor, report=report)
                    step = rules_step(report)
            if step == "review":
                with _at(filed + dt.timedelta(days=3), 9):
                    report = _decide(demo, report, reviewer, approve=True)
            if last and 0.3 <= roll < 0.4:
                continue  # approved by the department, waiting for 民生办
            with _at(filed + dt.timedelta(days=4), 11):
                _decide(demo, report, demo.office, approve=True)


def rules_step(report: Report) -> str | None:
    from reporting import rules

    return rules.report_next_step(report)


def _decide(demo: Demo, report: Report, actor: Any, approve: bool) -> Report:
    step = rules_step(report)
    if step == "review" and not approve:
        return reporting.report_review(
            actor=actor,
            report=report,
            approve=False,
            opinion=f"{LABEL}完成数与上报材料不一致，请核实后重新提交。",
        )
    if step == "review":
        return reporting.report_review(actor=actor, report=report, approve=True, opinion=f"{LABEL}审核通过")
    if not approve:
        return reporting.report_confirm(
            actor=demo.office, report=report, approve=False, opinion=f"{LABEL}请补充资金支出说明。"
        )
    return reporting.report_confirm(actor=demo.office, report=report, approve=True, opinion=f"{LABEL}确认")


def _supervision(demo: Demo) -> None:
    from supervision import services as sv
    from supervision.models import Supervisor

    year, user = demo.program.year, demo.users["demo_supervisor"]
    supervisor = Supervisor.objects.filter(user=user).first()
    towns = list(
        Organisation.objects.filter(kind__in=LOCAL_KINDS, implemented_projects__program=demo.program)
        .distinct()
        .order_by("order")
    )
    if supervisor is None:
        with _at(dt.date(year, 1, 15)):
            supervisor = sv.supervisor_register(
                actor=demo.office,
                data={
                    "user": user,
                    "name": PREFIX + "监督员",
                    "category": Supervisor.Category.DEPUTY,
                    "affiliation": LABEL + "区人大代表",
                    "certificate_no": f"示例-{year}-{secrets.token_hex(3)}",
                    "term_start": dt.date(year, 1, 1),
                    "term_end": dt.date(year + 2, 12, 31),
                },
                units=towns,
                reason=LABEL + "聘任",
            )
    works = list(demo.program.projects.filter(implementing_units__in=towns).distinct().order_by("order")[:6])
    for i, town in enumerate(towns[:4]):
        day = dt.date(year, 3 + i, 10 + i)
        projects = [p for p in works if town in reporting_units(p)][:2]
        if not projects:
            continue
        with _at(day):
            inspection = sv.inspection_file(
                actor=user,
                supervisor=supervisor,
                program=demo.program,
                date=day,
                projects=projects,
                unit=town,
                place=f"{LABEL}{town.name}项目现场",
                methods=["site", "visit"],
                summary=f"{LABEL}实地查看{projects[0].name}，总体进展顺利。",
                suggestions=f"{LABEL}加强资金公示。",
                findings=[
                    {
                        "description": f"{LABEL}{projects[0].name}公示栏未更新资金使用情况",
                        "responsible": town,
                        "deadline": day + dt.timedelta(days=20),
                        "project": projects[0],
                    },
                    {
                        "description": f"{LABEL}部分施工台账不全",
                        "responsible": town,
                        "deadline": day + dt.timedelta(days=30),
                        "project": projects[-1],
                    },
                ],
            )
        findings = list(inspection.findings.order_by("id")) if hasattr(inspection, "findings") else []
        for j, finding in enumerate(findings):
            if (i + j) % 3 == 2:
                continue  # still open
            with _at(day + dt.timedelta(days=7)):
                finding = sv.finding_answer(
                    actor=demo.user_for(town), finding=finding, text=f"{LABEL}已更新公示栏并补齐台账。"
                )
            if (i + j) % 3 == 1:
                continue  # answered, waiting for verification
            with _at(day + dt.timedelta(days=9)):
                sv.finding_verify(
                    actor=user, finding=finding, close=(i + j) % 4 != 3, text=f"{LABEL}经复查，整改到位。"
                )


def _upkeep(demo: Demo) -> None:
    from upkeep.models import Check
    from upkeep.services import asset_check, asset_save

    year = demo.program.year
    works = demo.program.projects.filter(kind="works").order_by("order")[:4]
    conditions = [Check.Condition.GOOD, Check.Condition.FAIR, Check.Condition.POOR, Check.Condition.GOOD]
    for i, project in enumerate(works):
        units = reporting_units(project)
        custodian = units[i % len(units)]
        with _at(dt.date(year, 1, 20 + i)):
            asset = asset_save(
                actor=demo.office,
                data={
                    "project": project,
                    "name": f"{LABEL}{project.name}设施{i + 1}",
                    "location": f"{custodian.name}",
                    "quantity": "1处",
                    "owner": custodian.name,
                    "custodian": custodian,
                    "responsible_person": PREFIX + "管护员",
                    "period_start": dt.date(year, 1, 1),
                    "period_end": dt.date(year + 4, 12, 31),
                    "check_interval_days": 90,
                },
                reason=LABEL + "登记资产",
            )
        for k in range(2 if i % 2 == 0 else 1):
            day = dt.date(year, 3 + 2 * k, 5 + i)
            with _at(day):
                asset_check(
                    actor=demo.office,
                    asset=asset,
                    date=day,
                    condition=conditions[(i + k) % 4],
                    note=f"{LABEL}例行检查",
                )


def _disclosure(demo: Demo) -> None:
    from disclosure.models import Publicity
    from disclosure.services import disclosure_record, feedback_handle, feedback_submit, publicity_record

    year, rng = demo.program.year, demo.rng
    projects = list(demo.program.projects.order_by("order")[:5])
    for i, project in enumerate(projects):
        unit = reporting_units(project)[0]
        due = dt.date(year, 3 + i, 15)
        start = None if i == 4 else due + dt.timedelta(days=(6 if i == 3 else -2))  # one late, one not yet
        with _at(start or due):
            disclosure_record(
                actor=demo.user_for(unit),
                data={
                    "program": demo.program,
                    "project": project,
                    "unit": unit,
                    "title": f"{LABEL}{project.name}资金和受益对象公示",
                    "place": f"{LABEL}{unit.name}政务公开栏",
                    "due": due,
                    "start": start,
                    "end": start + dt.timedelta(days=7) if start else None,
                    "summary": f"{LABEL}公示{project.name}年度资金安排和受益对象。",
                },
            )
        if i < 3:
            with _at(due):
                publicity_record(
                    actor=demo.user_for(unit),
                    data={
                        "program": demo.program,
                        "project": project,
                        "unit": unit,
                        "date": due,
                        "kind": Publicity.Kind.values[i % len(Publicity.Kind.values)],
                        "title": f"{LABEL}{project.name}政策宣传",
                        "reach": 200 + 50 * i,
                        "note": LABEL,
                    },
                )
    for i in range(8):
        day = dt.date(year, 2 + i % 5, 3 + i)
        with _at(day):
            item = feedback_submit(
                program=demo.program,
                project=projects[i % len(projects)],
                satisfaction=rng.choice((5, 5, 4, 4, 3, 2)),
                aware=i % 3 != 0,
                text=f"{LABEL}希望进一步公开项目进度。",
            )
        if i < 3:  # some answered by 民生办 a few days later, the rest still waiting
            with _at(day + dt.timedelta(days=4)):
                feedback_handle(
                    actor=demo.office,
                    feedback=item,
                    outcome="answered",
                    reply=f"{LABEL}已转项目牵头单位，在门户网站按月公开项目进度。",
                    expected_version=item.version,
                )


@transaction.atomic
def demo_load(
    *, password: str | None = None, today: dt.date | None = None, seed: int = 2021
) -> dict[str, Any]:
    """Create the demo year; returns the password and the rows created per model. Refused in production and when
    demo data already exists (remove it first with ``demo_clear``)."""
    refuse_in_production()
    if sample.sample_exists():
        raise DemoRefused("示例数据已经存在（再次运行不会重复创建）；如需重建，请先运行 make demo-clear")
    program = reference_program()
    password = password or secrets.token_urlsafe(9)
    months = demo_months(program, today or timezone.localdate())
    with sample.recording():
        users = accounts_create(program=program, password=password)
        demo = Demo(program=program, users=users, months=months, rng=random.Random(seed))
        with _at(dt.date(program.year, 1, 8)):
            existing = set(program.periods.values_list("month", flat=True))
            periods = reporting.periods_open(actor=demo.office, program=program)
            for period in periods:  # months not yet reached are not open (real periods are left alone)
                if period.month > months and period.month not in existing:
                    reporting.period_set_open(
                        actor=demo.office, period=period, is_open=False, reason=f"{LABEL}尚未到该月"
                    )
            _targets_and_funds(demo)
            _fiscal_year(demo)
        _letters(demo)
        for period in periods:
            if period.month <= months:
                _report_month(demo, period, last=period.month == months)
        _supervision(demo)
        _upkeep(demo)
        _disclosure(demo)
    return {"password": password, "months": months, "program": program, "counts": sample.sample_counts()}


def _made_by_demo_accounts() -> list[tuple[Any, Any]]:
    """Rows the demo accounts created after ``make demo`` (trying the system) and their audit rows, newest first:
    they are demo rows too."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import AuditEvent

    rows: list[tuple[Any, Any]] = []
    events = AuditEvent.objects.filter(actor__membership__is_demo=True).order_by("-id")
    for event_id, ct_id, object_id, action in events.values_list("id", "content_type", "object_id", "action"):
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if action == AuditEvent.Action.CREATE and model is not None:
            rows.append((model, model._meta.pk.to_python(object_id)))
        rows.append((AuditEvent, event_id))
    return rows


def demo_clear() -> dict[str, int]:
    """Remove exactly the demo rows; summaries of the projects and months they touched are rebuilt."""
    from reporting.rollup import summary_refresh

    refuse_in_production()
    report_ids = sample.sample_ids(Report)
    touched = set(Report.objects.filter(pk__in=report_ids).values_list("project_id", "period_id"))
    demo_periods = set(sample.sample_ids(Period))
    removed = sample.sample_clear(derived=[Summary], adopted=_made_by_demo_accounts())
    for project_id, period_id in sorted(touched):
        if period_id in demo_periods:
            continue
        if Report.objects.filter(
            project_id=project_id, period_id=period_id, status=Status.CONFIRMED
        ).exists():
            summary_refresh(project_id=project_id, period_id=period_id)
        else:  # summaries exist only where something was confirmed
            Summary.objects.filter(project_id=project_id, period_id=period_id).delete()
    Membership.objects.filter(is_demo=True, user__isnull=True).delete()
    return removed
