"""The levels above 杜集区 as reference data: 安徽省 → 淮北市 → 杜集区, reconstructed, linked item by item."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.models import ChangeKind, Derivation, Program
from catalogue.reference_lineage import lineage_load
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _program(code: str, year: int = 2021) -> Program:
    return Program.objects.get(issuer__code=code, year=year)


def test_province_2021_has_the_change_counts_of_its_notice() -> None:
    lineage_load()
    province = _program("anhui")
    kinds = [c.kind for c in province.changes.all()]
    assert province.projects.count() == 33
    assert province.doc_number == "皖政〔2021〕24号" and province.is_reconstructed
    assert "未取得原文" in province.source_note
    assert (
        kinds.count(ChangeKind.NEW),
        kinds.count(ChangeKind.ADJUST),
        kinds.count(ChangeKind.CONTINUE),
    ) == (6, 8, 19)
    assert sum(c.sources.count() for c in province.changes.filter(kind=ChangeKind.EXIT)) == 4
    assert _program("anhui", 2020).projects.count() == 33


def test_duji_2021_derives_from_huaibei_which_derives_from_the_province() -> None:
    lineage_load()
    duji, city, province = _program("gov"), _program("huaibei"), _program("anhui")
    assert duji.derived_from == city and city.derived_from == province
    for lower, upper in ((duji, city), (city, province)):
        for project in lower.projects.select_related("derives_from"):
            assert project.derives_from.program_id == upper.pk and project.derives_from.name == project.name
            assert project.derivation.status == "adopted"
    assert Derivation.objects.filter(program=duji).count() == 33


def test_loading_again_writes_nothing() -> None:
    first = lineage_load()
    assert first["derivations"]["created"] == 33 * 4
    events = AuditEvent.objects.count()
    again = lineage_load()
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.values()), again
    assert AuditEvent.objects.count() == events


def test_an_office_decision_survives_loading_again(office: Any) -> None:
    from catalogue.derivation import derivation_set_status
    from catalogue.services import program_amend

    lineage_load()
    program_amend(actor=office, program=_program("gov"), reason="按市级计划调整")
    item = _program("gov").derivations.get(upper_name="农田建设工程")
    derivation_set_status(actor=office, derivation=item, status="adjusted", reason="本区按市定标准实施")
    lineage_load()
    item.refresh_from_db()
    assert (item.status, item.reason) == ("adjusted", "本区按市定标准实施")
