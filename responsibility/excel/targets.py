"""The 目标 sheet: one row per indicator × responsible unit; unit targets and the project's annual target."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError

from catalogue.models import Project
from orgs.models import Organisation
from responsibility import services
from responsibility.excel.common import (
    C_CODE,
    C_INDICATOR,
    C_PROJECT_TARGET,
    C_UNIT_TARGET,
    INDICATOR_TARGET,
    REASON,
    SHEET_TARGETS,
    TARGET_COLUMNS,
    TARGET_CREATE,
    TARGET_PLACES,
    TARGET_UPDATE,
    Change,
    Formats,
    ImportPreview,
    _error_sink,
    _number,
    _Reader,
    _Sheet,
    _text,
    target_units,
    write_table,
)
from responsibility.selectors import fmt


def write_targets(formats: Formats, projects: list[Project], units_seen: dict[int, Organisation]) -> None:
    """Write the sheet; every unit named is added to ``units_seen`` (for the 说明 sheet's code list)."""
    f = formats
    # 目标: one row per indicator × responsible unit (plus any unit that already has a target)
    target_rows: list[list[Any]] = []
    for p in projects:
        base_units = target_units(p)
        for ind in p.indicators.all():
            existing = {t.unit_id: t for t in ind.targets.all()}
            units = base_units + [t.unit for t in ind.targets.all() if t.unit not in base_units]
            for unit in units:
                units_seen[unit.id] = unit
                t = existing.get(unit.id)
                target_rows.append(
                    [
                        p.order,
                        p.name,
                        ind.name,
                        ind.unit,
                        ind.target,
                        unit.name,
                        unit.code,
                        t.value if t else None,
                    ]
                )
    ws = write_table(
        formats,
        SHEET_TARGETS,
        TARGET_COLUMNS,
        [8, 30, 16, 9, 12, 18, 14, 12],
        target_rows,
        [f.cell, f.cell, f.cell, f.cell, f.number, f.cell, f.cell, f.number],
    )
    for col in (4, 7):
        ws.data_validation(
            1,
            col,
            max(len(target_rows), 1) + 500,
            col,
            {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "error_title": "目标值有误",
                "error_message": "请填写不小于0的数字",
            },
        )


def check_targets(reader: _Reader, sheet: _Sheet, preview: ImportPreview) -> None:
    seen: dict[tuple[int, int], int] = {}
    project_targets: dict[int, tuple[int, Decimal]] = {}
    col = sheet.columns
    for row, cells in sheet.rows:
        before = len(preview.errors)
        err = _error_sink(sheet.name, row, preview.errors)
        unit_value = _number(sheet.get(cells, col.get(C_UNIT_TARGET)))
        if isinstance(unit_value, str):
            err(C_UNIT_TARGET, unit_value)
            unit_value = None
        project_value = _number(sheet.get(cells, col.get(C_PROJECT_TARGET)))
        if isinstance(project_value, str):
            err(C_PROJECT_TARGET, project_value)
            project_value = None
        project = reader.project(sheet, row, cells, err)
        ok, unit = reader.unit(sheet.get(cells, col.get(C_CODE)), err, blank_ok=False)
        if project is None:
            continue
        ind_name = _text(sheet.get(cells, col.get(C_INDICATOR)))
        indicator = reader.indicators.get((project.id, ind_name))
        if not ind_name:
            err(C_INDICATOR, "指标名称不能为空")
        elif indicator is None:
            err(
                C_INDICATOR,
                f"项目“{project.name}”没有指标“{ind_name}”（不能从Excel新增指标，请先在系统中设置）",
            )
        if indicator is None or unit is None or not ok:
            continue
        target = reader.targets.get((indicator.id, unit.id))
        if target is None and unit not in target_units(project):
            err(C_CODE, f"“{unit.name}（{unit.code}）”不是项目“{project.name}”的责任单位")
            continue
        key = (indicator.id, unit.id)
        if key in seen:
            err("", f"与第{seen[key]}行重复（同一项目、指标和单位只能有一行）")
            continue
        seen[key] = row
        label = f"{project.name}·{indicator.name}"
        if project_value is not None:
            project_value = project_value.quantize(TARGET_PLACES, rounding=ROUND_HALF_UP)
            first = project_targets.get(indicator.id)
            if first is not None and first[1] != project_value:
                err(C_PROJECT_TARGET, f"与第{first[0]}行的项目年度目标（{fmt(first[1])}）不一致")
            elif first is None:
                project_targets[indicator.id] = (row, project_value)
                if indicator.target is None or indicator.target != project_value:
                    old = "未设" if indicator.target is None else fmt(indicator.target)
                    preview.changes.append(
                        Change(
                            INDICATOR_TARGET,
                            sheet.name,
                            row,
                            f"{label}：项目年度目标 {old} → {fmt(project_value)}{indicator.unit}",
                            project,
                            indicator=indicator,
                            old=indicator.target,
                            new=project_value,
                        )
                    )
        if unit_value is None or len(preview.errors) > before:
            continue
        unit_value = unit_value.quantize(TARGET_PLACES, rounding=ROUND_HALF_UP)
        if target is not None and target.value == unit_value:
            continue
        if target is not None and target.plan:
            try:
                services._validate_plan(target.plan, unit_value, indicator)
            except ValidationError as exc:
                err(C_UNIT_TARGET, "；".join(exc.messages) + "（请先在系统中调整该单位的序时进度计划）")
                continue
        where = f"{label}·{unit.display_name}"
        preview.changes.append(
            Change(
                TARGET_UPDATE if target else TARGET_CREATE,
                sheet.name,
                row,
                f"{where}：目标 {fmt(target.value)} → {fmt(unit_value)}{indicator.unit}"
                if target
                else f"{where}：新设目标 {fmt(unit_value)}{indicator.unit}",
                project,
                indicator=indicator,
                unit=unit,
                target=target,
                old=target.value if target else None,
                new=unit_value,
            )
        )


def apply_target_change(user: Any, change: Change) -> None:
    if change.kind == INDICATOR_TARGET:
        assert change.indicator is not None
        services.indicator_save(
            actor=user,
            project=change.project,
            indicator=change.indicator,
            data={"target": change.new},
            expected_version=change.indicator.version,
            reason=REASON,
        )
    else:
        assert change.kind in (TARGET_CREATE, TARGET_UPDATE)
        assert change.indicator is not None and change.unit is not None and change.new is not None
        services.target_set(
            actor=user,
            indicator=change.indicator,
            unit=change.unit,
            value=change.new,
            plan=list(change.target.plan) if change.target else None,
            expected_version=change.target.version if change.target else None,
            reason=REASON,
        )
