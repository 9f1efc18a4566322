"""Shared by the scoping matrices: a scene with one object per unit in every app (each carrying a marker text
that must never appear on a page of someone who may not see it), the personas, and the probe counter."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.tests.files import pdf

ROLES = ["admin", "office", "leader", "dept_health", "town_shitai", "supervisor", "anon"]


@dataclass
class Probes:
    """Counts every request the matrices make (reported at the end of the run by core/tests/conftest.py)."""

    count: int = 0
    leaks: list[str] = field(default_factory=list)


PROBES = Probes()


def jpeg(colour: str = "blue") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def build_scene(office: Any, persona: Any) -> dict[str, Any]:
    """Per unit (石台镇 = the town persona's own, 段园镇 = another unit): a report with an attachment, an
    inspection with a photo and a finding, an asset, a disclosure not yet shown, a responsibility letter, a
    background job; plus an inspection of another supervisor. Marker texts: ``标记-<owner>-<kind>``."""
    from catalogue.models import Program
    from disclosure import services as disclosure_services
    from jobs.models import Job
    from orgs.models import Organisation
    from reporting import services as reporting_services
    from reporting.models import Report
    from responsibility import services as letter_services
    from supervision import services as supervision_services
    from upkeep import services as upkeep_services

    program = Program.objects.get(year=2021)
    shitai, duanyuan = Organisation.objects.get(code="shitai"), Organisation.objects.get(code="duanyuan")
    wjw = Organisation.objects.get(code="wjw")
    units = {"own": shitai, "other": duanyuan}
    period = reporting_services.periods_open(actor=office, program=program)[5]
    housing = program.projects.get(name="农村危房改造")
    toilets = program.projects.get(name="农村厕所改造及粪污资源化利用")
    reservoir = program.projects.get(name="小型病险水库除险加固")
    for project in (housing, toilets, reservoir):  # the department persona leads none of them
        assert project.lead_department_id != wjw.id, project
    if not housing.indicators.exists():
        from responsibility.services import indicators_apply_defaults

        indicators_apply_defaults(actor=office, project=housing)
    from decimal import Decimal

    from funding.services import funding_line_create
    from responsibility.services import target_set

    for unit in (shitai, duanyuan):
        target_set(actor=office, indicator=housing.indicators.first(), unit=unit, value=Decimal(3))
        funding_line_create(actor=office, project=housing, unit=unit, source="province", original="100000")
    scene: dict[str, Any] = {"program": program, "period": period, "units": units}
    me = persona("supervisor")
    mine = supervision_services.supervisor_register(
        actor=office,
        data={
            "name": "示例监督员甲",
            "category": "deputy",
            "certificate_no": "示例-甲",
            "user": me,
            "term_start": dt.date(2021, 1, 1),
            "term_end": dt.date(2030, 12, 31),
        },
    )
    theirs = supervision_services.supervisor_register(
        actor=office,
        data={
            "name": "示例监督员乙",
            "category": "deputy",
            "certificate_no": "示例-乙",
            "term_start": dt.date(2021, 1, 1),
            "term_end": dt.date(2030, 12, 31),
        },
    )
    scene["supervisors"] = {"mine": mine, "theirs": theirs}
    for key, unit in units.items():
        report = reporting_services.report_open(actor=office, project=housing, unit=unit, period=period)
        Report.objects.filter(pk=report.pk).update(progress=f"标记-{key}-进展")
        report.refresh_from_db()
        attachment = reporting_services.attachment_add(
            actor=office, report=report, upload=SimpleUploadedFile(f"标记-{key}-附件.jpg", jpeg())
        )
        inspection = supervision_services.inspection_file(
            actor=me,
            supervisor=mine,
            program=program,
            date=dt.date(2021, 9, 1),
            projects=[toilets],
            unit=unit,
            place=f"{unit.name}某村",
            methods=["site"],
            summary=f"标记-{key}-督查",
            photos=[SimpleUploadedFile(f"标记-{key}-照片.jpg", jpeg())],
            findings=[
                {"description": f"标记-{key}-问题", "responsible": unit, "deadline": dt.date(2021, 10, 1)}
            ],
        )
        asset = upkeep_services.asset_save(
            actor=office,
            data={
                "project": reservoir,
                "name": f"标记-{key}-资产",
                "location": unit.name,
                "owner": "区水利局",
                "custodian": unit,
                "check_interval_days": 90,
            },
        )
        disclosure = disclosure_services.disclosure_record(
            actor=office,
            data={
                "program": program,
                "unit": unit,
                "title": f"标记-{key}-公示",
                "place": "村务公开栏",
                "due": dt.date(2021, 4, 1),
            },
        )
        letter = letter_services.letter_draft(actor=office, program=program, organisation=unit)
        job = Job.objects.create(
            kind="test", title=f"标记-{key}-任务", total=1, created_by=persona("town_shitai")
        )
        scene[key] = {
            "report": report,
            "attachment": attachment,
            "inspection": inspection,
            "photo": inspection.photos.get(),
            "finding": inspection.findings.get(),
            "asset": asset,
            "disclosure": disclosure,
            "letter": letter,
            "job": job,
        }
    # the other unit's job was started by somebody else
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user(username="t_stranger", password="x-pass-123")
    Job.objects.filter(pk=scene["other"]["job"].pk).update(created_by=stranger)
    # the own job is a finished large export of the 进度表, with its file (jobs.exports)
    from django.core.files.base import ContentFile

    own_job, period = scene["own"]["job"], scene["own"]["report"].period
    own_job.status, own_job.result = Job.Status.SUCCEEDED, {"filename": "进度表.xlsx"}
    own_job.params = {
        "export": "reporting.background.progress_file",
        "args": {"program": period.program_id, "month": period.month, "format": "xlsx"},
    }
    from reporting.background import progress_file

    data, _name = progress_file(persona("town_shitai"), own_job.params["args"])
    own_job.output.save(f"{own_job.pk}/export.xlsx", ContentFile(data), save=False)
    own_job.save()
    letter_services.letter_issue(actor=office, letter=scene["own"]["letter"], confirm_missing_targets=True)
    scene["own"]["letter"].refresh_from_db()
    letter_services.letter_sign(
        actor=office,
        letter=scene["own"]["letter"],
        signed_date=dt.date(2021, 6, 20),
        scan=SimpleUploadedFile("标记-own-责任状.pdf", pdf()),
    )
    foreign = supervision_services.inspection_file(
        actor=office,
        supervisor=theirs,
        program=program,
        date=dt.date(2021, 9, 2),
        projects=[toilets],
        unit=duanyuan,
        place="段园镇某村",
        methods=["site"],
        summary="标记-theirs-督查",
        photos=[SimpleUploadedFile("标记-theirs-照片.jpg", jpeg())],
        findings=[
            {"description": "标记-theirs-问题", "responsible": duanyuan, "deadline": dt.date(2021, 10, 1)}
        ],
    )
    scene["theirs"] = {
        "inspection": foreign,
        "photo": foreign.photos.get(),
        "finding": foreign.findings.get(),
    }
    return scene


ALL_MARKERS = {
    f"标记-{owner}-{kind}"
    for owner in ("own", "other")
    for kind in ("进展", "附件", "督查", "照片", "问题", "资产", "公示", "任务")
} | {"标记-theirs-督查", "标记-theirs-照片", "标记-theirs-问题"}


def _of(owner: str, *kinds: str) -> set[str]:
    return {f"标记-{owner}-{kind}" for kind in kinds}


#: Marker texts each persona must never be shown (on any page, list, API answer or download name).
FORBIDDEN: dict[str, set[str]] = {
    "admin": set(),
    "office": set(),
    "leader": {"标记-own-任务", "标记-other-任务"},  # a job is its starter's (and 民生办's)
    # 卫健委 leads none of the scene's projects and is no scene unit: it sees none of the scene's rows
    "dept_health": ALL_MARKERS,
    # 石台镇 sees its own, never 段园镇's nor another's job
    "town_shitai": _of("other", "进展", "附件", "督查", "照片", "问题", "资产", "公示", "任务")
    | {"标记-theirs-督查", "标记-theirs-照片", "标记-theirs-问题"},
    # a supervisor sees his own inspections and findings, all assets and disclosures; no draft report, no job,
    # nobody else's inspection
    "supervisor": _of("own", "进展", "附件", "任务")
    | _of("other", "进展", "附件", "任务")
    | {"标记-theirs-督查", "标记-theirs-照片", "标记-theirs-问题"},
    "anon": ALL_MARKERS,
}
