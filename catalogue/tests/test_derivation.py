"""Programs derived from the level above: 杜集区 2021 from 淮北市 2021, item by item, and an upper amendment offered
as a diff and accepted or declined item by item."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalogue import derivation as d
from catalogue import services
from catalogue.diff import program_diff
from catalogue.models import Derivation, Program, Project, UpperChangeDecision
from catalogue.reference_lineage import lineage_load
from orgs.models import Organisation

pytestmark = pytest.mark.django_db
STATUSES = {"adopted", "adjusted", "not_applicable", "local"}


def _city() -> Program:
    return Program.objects.get(issuer__code="huaibei", year=2021)


@pytest.fixture
def derived(office: Any) -> Program:
    """杜集区's 2021 program generated afresh from 淮北市's (the reference one removed first)."""
    lineage_load()
    Program.objects.filter(issuer__code="gov", year=2021).delete()
    return d.program_derive(upper=_city(), government=Organisation.objects.get(code="duji"), actor=office)


def test_derived_program_follows_every_upper_item(derived: Program) -> None:
    city = _city()
    assert derived.derived_from == city and derived.status == "draft" and derived.issuer.code == "gov"
    assert derived.projects.count() == city.projects.count() == 33
    for project in derived.projects.select_related("derives_from"):
        assert project.derives_from.program == city and project.derivation.status == "adopted"
        assert project.derivation.baseline["name"] == project.derives_from.name


def test_derived_program_keeps_the_year_on_year_changes(derived: Program) -> None:
    diff = program_diff(later=derived)
    assert diff.ok, diff.errors
    assert (
        diff.counts["new"],
        diff.counts["adjusted"],
        diff.counts["continued"],
        diff.counts["retired"],
    ) == (
        6,
        8,
        19,
        4,
    )


def test_every_item_is_adopted_adjusted_not_applicable_or_local(derived: Program, office: Any) -> None:
    items = {i.upper_name: i for i in derived.derivations.all()}
    d.derivation_set_status(
        actor=office,
        derivation=items["小型病险水库除险加固"],
        status="not_applicable",
        reason="本区无小型水库",
    )
    d.derivation_set_status(
        actor=office,
        derivation=items["文化惠民工程"],
        status="adjusted",
        reason="本区增加全民健身内容",
        overrides={"name": "文化惠民和全民健身工程"},
    )
    local = d.derivation_add_local(
        actor=office, program=derived, name="老旧管网改造", kind="works", reason="本区自行增加"
    )
    view = d.derivation_view(user=office, program=derived)
    assert {i.status for i in view.items} <= STATUSES and not view.unregistered
    assert view.counts == {"adopted": 31, "adjusted": 1, "not_applicable": 1, "local": 1}
    assert local.is_local and local.project.derives_from is None
    assert not Project.objects.get(pk=local.project_id).assessed  # outside the upper level's assessment
    assert not derived.projects.filter(name="小型病险水库除险加固").exists()
    adjusted = Derivation.objects.get(pk=items["文化惠民工程"].pk)
    assert d.local_overrides(adjusted) == ["name"] and adjusted.upper_project.name == "文化惠民工程"
    assert program_diff(later=derived).ok


def test_not_applicable_and_adjusted_need_a_reason(derived: Program, office: Any) -> None:
    item = derived.derivations.first()
    for status in ("not_applicable", "adjusted"):
        with pytest.raises(ValidationError):
            d.derivation_set_status(actor=office, derivation=item, status=status, reason=" ")


def test_adopting_again_puts_the_upper_values_back(derived: Program, office: Any) -> None:
    item = derived.derivations.get(upper_name="农田建设工程")
    d.derivation_set_status(
        actor=office, derivation=item, status="adjusted", reason="改名", overrides={"name": "高标准农田建设"}
    )
    d.derivation_set_status(actor=office, derivation=Derivation.objects.get(pk=item.pk), status="adopted")
    assert Derivation.objects.get(pk=item.pk).project.name == "农田建设工程"


def test_only_the_own_office_decides(derived: Program, persona: Any) -> None:
    item = derived.derivations.first()
    for role in ("city_office", "office_b", "leader", "dept_health"):
        with pytest.raises(PermissionDenied):
            d.derivation_set_status(actor=persona(role), derivation=item, status="not_applicable", reason="x")


def test_only_the_level_directly_above_is_derived_from(office: Any) -> None:
    lineage_load()
    province = Program.objects.get(issuer__code="anhui", year=2021)
    Program.objects.filter(issuer__code="gov", year=2021).delete()
    with pytest.raises(ValidationError):
        d.program_derive(upper=province, government=Organisation.objects.get(code="duji"), actor=office)


def _amend_city(persona: Any) -> dict[str, Any]:
    """淮北市 amends its 2021 program mid-year: a rename, a content change, a new item and a retired one."""
    city_office, city = persona("city_office"), _city()
    services.program_amend(actor=city_office, program=city, reason="年中调整")
    projects = {p.name: p for p in city.projects.all()}
    services.project_rename(
        actor=city_office, project=projects["农村电商提质增效"], name="农村电商提质增效行动", reason="更名"
    )
    services.project_content_change(
        actor=city_office, project=projects["智慧医疗"], add=["互联网医院"], reason="增加内容"
    )
    services.project_create_new(actor=city_office, program=city, name="城市更新", kind="works", reason="新增")
    services.project_retire(actor=city_office, project=projects["水环境生态补偿"], reason="纳入其他项目")
    Program.objects.filter(pk=city.pk).update(
        preamble="（推定）", doc_number="淮政〔2021〕15号", doc_date=dt.date(2021, 5, 1)
    )
    city.refresh_from_db()
    services.program_publish(actor=city_office, program=city, confirm_warnings=True)
    return projects


def test_upper_amendment_is_shown_only_once_republished(derived: Program, persona: Any) -> None:
    services.program_amend(actor=persona("city_office"), program=_city(), reason="年中调整")
    changes, amending = d.upper_changes(derived)
    assert amending and changes == []


def test_upper_amendment_is_a_diff_accepted_item_by_item(derived: Program, persona: Any, office: Any) -> None:
    _amend_city(persona)
    changes, amending = d.upper_changes(derived)
    by = {(c.kind, c.upper_name, c.field): c for c in changes}
    assert not amending and set(by) == {
        ("changed", "农村电商提质增效行动", "name"),
        ("changed", "智慧医疗", "content_items"),
        ("added", "城市更新", ""),
        ("removed", "水环境生态补偿", ""),
    }
    rename = by[("changed", "农村电商提质增效行动", "name")]
    assert (rename.before, rename.after, rename.local) == (
        "农村电商提质增效",
        "农村电商提质增效行动",
        "农村电商提质增效",
    )
    # nothing reached the district yet: never overwritten silently
    assert derived.projects.filter(name="农村电商提质增效").exists()
    assert derived.projects.filter(name="水环境生态补偿").exists()

    d.upper_change_accept(actor=office, program=derived, key=rename.key, reason="随市更名")
    d.upper_change_decline(
        actor=office,
        program=derived,
        key=by[("changed", "智慧医疗", "content_items")].key,
        reason="本区已另行实施",
    )
    d.upper_change_accept(actor=office, program=derived, key=by[("added", "城市更新", "")].key)
    with pytest.raises(ValidationError):  # declining needs a reason
        d.upper_change_decline(
            actor=office, program=derived, key=by[("removed", "水环境生态补偿", "")].key, reason=""
        )
    d.upper_change_accept(actor=office, program=derived, key=by[("removed", "水环境生态补偿", "")].key)

    assert d.upper_changes(derived) == ([], False)
    names = set(derived.projects.values_list("name", flat=True))
    assert {"农村电商提质增效行动", "城市更新"} <= names and not {
        "农村电商提质增效",
        "水环境生态补偿",
    } & names
    medical = derived.derivations.get(upper_name="智慧医疗")
    assert medical.status == "adjusted" and "互联网医院" not in [
        c.name for c in medical.project.content_items.all()
    ]
    assert derived.derivations.get(upper_name="水环境生态补偿").status == "not_applicable"
    decisions = list(UpperChangeDecision.objects.filter(program=derived).order_by("id"))
    assert [(x.kind, x.decision) for x in decisions] == [
        ("changed", "accepted"),
        ("changed", "declined"),
        ("added", "accepted"),
        ("removed", "accepted"),
    ]
    assert all(x.decided_by == office and x.decided_at for x in decisions)
    assert decisions[1].reason == "本区已另行实施" and decisions[0].before == "农村电商提质增效"


def test_accepting_needs_the_lower_program_open(derived: Program, persona: Any, office: Any) -> None:
    _amend_city(persona)
    Program.objects.filter(pk=derived.pk).update(status="published")
    derived.refresh_from_db()
    key = next(c.key for c in d.upper_changes(derived)[0] if c.kind == "added")
    with pytest.raises(ValidationError):
        d.upper_change_accept(actor=office, program=derived, key=key)
    with pytest.raises(PermissionDenied):
        d.upper_change_decline(actor=persona("city_office"), program=derived, key=key, reason="x")
