"""The performance tables of the demo year (``make demo``): after reporting.demo has made the year, the lead
departments' demo accounts draft 绩效目标申报表 (some submitted, approved or returned by 示例·民生办), a July
双监控 sheet and draft 自评表 — all through the services, recorded in core.sample's ledger (``demo_clear``
removes them), every text starting with 【示例】."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import time_machine
from django.utils import timezone

from catalogue.models import Program
from core import sample
from evaluation import services
from evaluation.models import Likelihood
from orgs.models import Membership

FIRST = 8  # projects given a 申报表; the first ones of the year's order


def _at(day: dt.date) -> Any:
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(10))), tick=False)


def _demo_user(organisation_id: int | None) -> Any:
    found = (
        Membership.objects.filter(organisation_id=organisation_id, user__username__startswith="demo_")
        .select_related("user")
        .first()
    )
    return found.user if found else None


def evaluation_demo(*, program: Program) -> dict[str, int]:
    """Add the performance tables to the demo year; returns the demo rows per model (sample.sample_counts)."""
    office = Membership.objects.filter(user__username="demo_office").select_related("user").first()
    if office is None:
        return sample.sample_counts()
    with sample.recording():
        projects = [
            p
            for p in program.projects.filter(lead_department__isnull=False).order_by("order")
            if p.indicators.exists()
        ][:FIRST]
        for n, project in enumerate(projects):
            lead = _demo_user(project.lead_department_id)
            if lead is None:
                continue
            with _at(dt.date(program.year, 2, 10 + n)):
                form = services.performance_target_save(
                    actor=lead,
                    project=project,
                    data={
                        "overall_goal": f"【示例】按期完成{project.name}年度任务，群众受益面和满意度持续提高。",
                        "annual_goal": f"【示例】{program.year}年完成{project.name}各项年度目标，资金按序时进度支出。",
                        "contact": "示例·联系人",
                    },
                )
                if n % 4 == 3 or services.target_problems(form):
                    continue  # left as a draft
                services.performance_target_submit(actor=lead, form=form)
            if n % 4 == 2:
                continue  # waiting for 民生办
            with _at(dt.date(program.year, 2, 20 + n)):
                services.performance_target_decide(
                    actor=office.user,
                    form=form,
                    approve=n % 4 != 1,
                    reason="" if n % 4 != 1 else "【示例】年度目标请量化到户数",
                )
            with _at(dt.date(program.year, 8, 5)):
                services.monitoring_save(
                    actor=lead,
                    project=project,
                    month=7,
                    data={
                        "forecast_spent": None,
                        "deviation_reason": "funds" if n % 3 == 0 else "",
                        "likelihood": Likelihood.POSSIBLE if n % 3 == 0 else Likelihood.CERTAIN,
                        "measures": "【示例】督促资金拨付，加快项目实施" if n % 3 == 0 else "",
                    },
                )
            if n < 2:
                services.self_evaluation_save(
                    actor=lead,
                    project=project,
                    data={
                        "department_opinion": "【示例】项目总体按计划实施，部分指标尚未完成。",
                        "satisfaction_value": Decimal(92)
                        if project.indicators.filter(category="satisfaction").exists()
                        else None,
                        "satisfaction_source": "【示例】电话回访"
                        if project.indicators.filter(category="satisfaction").exists()
                        else "",
                    },
                )
        assessment_demo(program=program, office=office.user)
    return sample.sample_counts()


def assessment_demo(*, program: Program, office: Any) -> None:
    """The default 考评办法 and a December run (computed now, so the objection window is open): manual items
    scored with evidence, the first sampled record of one town found failing; left unapproved for the office."""
    from evaluation.models import ItemScore, RuleKind, SampleCheck, Scheme

    if Scheme.objects.filter(program=program).exists():
        return
    scheme = services.scheme_create_from_template(actor=office, program=program)
    run = services.run_compute(actor=office, scheme=scheme, month=12)
    for score in ItemScore.objects.filter(result__run=run, detail__manual=True).select_related(
        "item", "result__run"
    ):
        points = Decimal(score.item.points)
        services.manual_score_save(
            actor=office,
            score=score,
            value=points if score.result.unit_id % 3 else points - 1,
            evidence="【示例】查阅会议记录、宣传资料和工作台账",
            scorer_name="示例·民生办",
        )
    check = (
        SampleCheck.objects.filter(score__result__run=run, score__item__rule=RuleKind.SAMPLE)
        .select_related("score__item", "score__result__run")
        .order_by("id")
        .first()
    )
    if check is not None:
        services.sample_result_save(
            actor=office, check=check, passed=False, note="【示例】报表数据与台账不一致"
        )
    project = program.projects.order_by("order").first()
    if project is not None:  # a draft 以奖代补 pool: the office sees the preview, allocates once approved
        services.reward_pool_save(
            actor=office,
            run=run,
            data={
                "amount": Decimal("1000000"),
                "rule": "proportional",
                "applies_to": "local",
                "target": "adjustment",
                "project": project,
                "source": "district",
                "note": "【示例】以奖代补资金，按考评得分比例分配",
            },
        )
