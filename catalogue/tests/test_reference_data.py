"""The reference data against the notice it comes from (淮杜政〔2021〕21号), and its loader."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from catalogue.models import ChangeKind, ContentItem, Program, Project, ProjectChange, validate_doc_number
from catalogue.reference_data import ADJUSTED_2021, EXITED_2021, NEW_2021, PROGRAMS, reference_data_load
from core.models import AuditEvent
from core.services import model_snapshot
from orgs.models import LOCAL_KINDS, Organisation, OrgKind
from orgs.reference_data import ORGANISATIONS, organisations_load

NOTICE_PATHS = (
    Path(settings.BASE_DIR) / "docs/reference/duji-2021-notice.txt",
    Path(settings.BASE_DIR).parent / "shared/source/duji-2021-notice.txt",
)


@pytest.fixture(scope="module")
def notice() -> str:
    for path in NOTICE_PATHS:
        if path.exists():
            return path.read_text(encoding="utf-8")
    pytest.fail("notice not found: " + ", ".join(str(p) for p in NOTICE_PATHS))


@pytest.fixture(scope="module")
def notice_lines(notice: str) -> list[str]:
    return [line.strip() for line in notice.splitlines() if line.strip()]


def section(lines: list[str], start: str, end: str) -> list[str]:
    i = next(n for n, line in enumerate(lines) if line.startswith(start))
    j = next(n for n, line in enumerate(lines) if line.startswith(end))
    return lines[i + 1 : j]


NUMBERED = re.compile(r"^（[一二三四五六七八九十]+）(?P<title>[^。]+)。(?P<text>.*)$")


@pytest.fixture
def loaded(db) -> dict:
    return reference_data_load()


def program(year: int) -> Program:
    return Program.objects.get(year=year, issuer__code="gov")


def changes(year: int, kind: str):
    return ProjectChange.objects.filter(program__year=year, kind=kind).order_by("order")


# --- composition -------------------------------------------------------------------------------------


def test_2021_has_new_adjusted_continued(loaded):
    p = program(2021)
    assert p.projects.count() == 33
    assert changes(2021, ChangeKind.NEW).count() == 6
    assert changes(2021, ChangeKind.ADJUST).count() == 8
    assert changes(2021, ChangeKind.CONTINUE).count() == 19
    assert p.display_title == "2021年实施33项民生工程"
    # the notice's order: new, then adjusted, then continued
    ordered = [c.result.name for kind in ("new", "adjust", "continue") for c in changes(2021, kind)]
    assert ordered == list(p.projects.order_by("order").values_list("name", flat=True))


def test_2021_exits_with_reasons(loaded):
    exits = list(changes(2021, ChangeKind.EXIT))
    got = [(c.sources.get().name, c.reason, c.result_id) for c in exits]
    assert got == [
        ("水利薄弱环节治理三年行动", "任务已完成", None),
        ("农产品质量安全追溯", "任务已完成", None),
        ("资产收益扶贫", "已实现预期目标", None),
        ("健康脱贫医疗保障", "平稳过渡到现有基本医疗保险、大病保险和医疗救助三重保障制度框架内", None),
    ]
    for change in ProjectChange.objects.all():
        change.full_clean()


def test_2020_is_reconstructed(loaded):
    p = program(2020)
    assert p.is_reconstructed and p.projects.count() == 33
    assert p.doc_number == "" and p.doc_date is None
    assert "淮杜政〔2021〕21号" in p.source_note
    assert not p.changes.exists()
    assert list(
        Project.objects.get(program=p, name="智慧医疗").content_items.values_list("name", flat=True)
    ) == [
        "智医助理",
        "智联网医院",
        "“安康码”应用",
    ]


def test_every_2020_project_has_exactly_one_fate(loaded):
    for project in program(2020).projects.all():
        assert project.fates.count() == 1, project.name
    adjust_sources = Project.objects.filter(fates__kind=ChangeKind.ADJUST).distinct()
    assert adjust_sources.count() == 10
    by_result = {
        c.result.name: sorted(s.name for s in c.sources.all()) for c in changes(2021, ChangeKind.ADJUST)
    }
    assert by_result["义务教育经费保障"] == ["义务教育经费保障", "智慧学校建设"]
    assert by_result["棚户区和老旧小区改造"] == ["城镇老旧小区改造", "棚户区改造"]


def test_every_2021_project_has_exactly_one_origin(loaded):
    for project in program(2021).projects.all():
        assert project.origins.count() == 1, project.name
    for change in changes(2021, ChangeKind.CONTINUE):
        assert change.sources.get().name == change.result.name
        assert change.sources.get().program.year == 2020


def test_default_assignments(loaded):
    zone = Organisation.objects.get(code="kfq")
    for project in Project.objects.all():
        assert project.assignment_is_default, project.name
        assert project.kind and project.lead_department_id, project.name
        assert project.lead_department.kind == OrgKind.DEPARTMENT, project.name
        assert project.implementing_units.exists(), project.name
    assert set(zone.implemented_projects.values_list("name", flat=True)) <= {
        "棚户区和老旧小区改造",
        "棚户区改造",
        "城镇老旧小区改造",
    }
    local = Project.objects.get(program__year=2021, name="农村危房改造").implementing_units
    assert set(local.values_list("kind", flat=True)) <= set(LOCAL_KINDS)
    assert list(
        Project.objects.get(
            program__year=2021, name="中小学及中职学校教师培训"
        ).implementing_units.values_list("code", flat=True)
    ) == ["jtj"]


# --- the data against the notice text ----------------------------------------------------------------


def test_retired_and_adjusted_names_occur_in_the_notice(loaded, notice):
    names = {c.sources.get().name for c in changes(2021, ChangeKind.EXIT)}
    for change in changes(2021, ChangeKind.ADJUST):
        names |= {s.name for s in change.sources.all()} | {change.result.name}
        names |= set(change.added_items) | set(change.removed_items)
        names |= set(change.result.content_items.values_list("name", flat=True))
    names |= set(ContentItem.objects.values_list("name", flat=True))
    missing = sorted(n for n in names if n not in notice)
    assert not missing


def test_continued_names_equal_the_printed_sentence(loaded, notice):
    match = re.search(r"继续实施(?P<names>[^。\n]+?)等(?P<count>\d+)个项目", notice)
    assert match
    printed = match["names"].split("、")
    assert len(printed) == int(match["count"])
    assert [c.result.name for c in changes(2021, ChangeKind.CONTINUE)] == printed


def test_new_projects_as_printed(loaded, notice_lines):
    printed = [NUMBERED.match(line).groupdict() for line in section(notice_lines, "一、", "二、")]
    got = [{"title": c.printed_title, "text": c.printed_text} for c in changes(2021, ChangeKind.NEW)]
    assert got == printed
    assert [(c.result.name, c.result.summary) for c in changes(2021, ChangeKind.NEW)] == [
        (p["title"], p["text"]) for p in printed
    ]
    assert len(NEW_2021) == len(printed)


def test_adjustments_as_printed(loaded, notice_lines):
    printed = [NUMBERED.match(line).groupdict() for line in section(notice_lines, "三、", "四、")]
    adjust = list(changes(2021, ChangeKind.ADJUST))
    assert [{"title": c.printed_title, "text": c.printed_text} for c in adjust] == printed
    assert [c.result.summary for c in adjust] == [p["text"] for p in printed]
    for change in adjust:
        assert change.adjust_kinds
        assert change.reason in change.printed_text
    assert len(ADJUSTED_2021) == len(printed)


def test_exit_paragraph_as_printed(loaded, notice_lines):
    (paragraph,) = section(notice_lines, "二、", "三、")
    for change in changes(2021, ChangeKind.EXIT):
        assert change.printed_text == paragraph
        assert change.sources.get().name in paragraph and change.reason in paragraph
    assert len(EXITED_2021) == changes(2021, ChangeKind.EXIT).count()


def test_program_2021_fields_as_printed(loaded, notice, notice_lines):
    p = program(2021)
    p.full_clean()
    assert p.doc_number == notice_lines[0] == "淮杜政〔2021〕21号"
    assert p.issuer_name == notice_lines[1] and p.issuer.code == "gov"
    assert p.doc_date.isoformat() == "2021-06-02"
    assert p.status == Program.Status.PUBLISHED and not p.is_reconstructed
    assert notice_lines[3] == p.recipients + "："
    assert p.preamble in notice_lines and p.basis in p.preamble
    assert p.requirements == "\n".join(section(notice_lines, "五、", "2021年6月2日"))
    cc_line = "".join(notice_lines[notice_lines.index("2021年6月2日") + 1 :])
    assert cc_line == "抄送：" + p.cc
    assert p.title == ""


def test_doc_number_validates():
    validate_doc_number("淮杜政〔2021〕21号")
    validate_doc_number("")
    for bad in (
        "淮杜政[2021]21号",
        "淮杜政（2021）21号",
        "淮杜政〔2021〕021号",
        "淮杜政〔21〕21号",
        "淮杜政2021年21号",
    ):
        with pytest.raises(ValidationError):
            validate_doc_number(bad)


# --- the loader -------------------------------------------------------------------------------------------


def _state() -> dict:
    return {
        model.__name__: sorted(
            (json.dumps({**model_snapshot(o, exclude=()), "pk": o.pk}, ensure_ascii=False, sort_keys=True))
            for o in model.objects.all()
        )
        for model in (Organisation, Program, Project, ContentItem, ProjectChange)
    }


def test_loading_from_scratch_then_again_changes_nothing(loaded):
    # The session may have loaded the reference data already: start the programs from scratch.
    Program.objects.all().delete()
    events = AuditEvent.objects.count()

    first = reference_data_load()

    assert first["programs"]["created"] == len(PROGRAMS)
    assert first["projects"]["created"] == sum(len(rows) for _, rows, _ in PROGRAMS) == 66
    assert first["changes"]["created"] == ProjectChange.objects.count() == 37
    assert first["organisations"]["created"] == first["organisations"]["updated"] == 0
    created = sum(c["created"] for key, c in first.items() if key != "organisations")
    assert AuditEvent.objects.count() == events + created
    assert set(AuditEvent.objects.order_by("-id")[:created].values_list("action", flat=True)) == {"create"}
    events, state = AuditEvent.objects.count(), _state()

    again = reference_data_load()

    for key, counts in again.items():
        assert counts["created"] == counts["updated"] == 0, key
    assert again["projects"]["unchanged"] == first["projects"]["created"]
    assert again["organisations"]["unchanged"] == len(ORGANISATIONS)
    assert AuditEvent.objects.count() == events
    assert _state() == state


def test_reload_restores_reference_values_and_audits_it(loaded):
    project = Project.objects.get(program__year=2021, name="农田建设工程")
    Project.objects.filter(pk=project.pk).update(summary="改过")
    first = Project.objects.get(program__year=2021, name="农村危房改造")
    second = Project.objects.get(program__year=2021, name="出生缺陷防治")
    Project.objects.filter(pk=first.pk).update(order=999)
    Project.objects.filter(pk=second.pk).update(order=first.order)
    Project.objects.filter(pk=first.pk).update(order=second.order)
    events = AuditEvent.objects.count()

    counts = reference_data_load()

    assert counts["projects"]["updated"] == 3
    assert AuditEvent.objects.count() == events + 3
    project.refresh_from_db()
    assert project.summary.startswith("为贯彻实施粮食安全战略") and project.version == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (15, 16)
    event = AuditEvent.objects.filter(action="update", object_id=str(first.pk)).get()
    assert (event.before["order"], event.after["order"]) == (16, 15)


def test_confirmed_assignment_is_kept(loaded):
    project = Project.objects.get(program__year=2021, name="水环境生态补偿")
    own = Organisation.objects.get(code="czj")
    Project.objects.filter(pk=project.pk).update(assignment_is_default=False, lead_department=own)

    counts = reference_data_load()

    assert counts["projects"]["updated"] == 0
    project.refresh_from_db()
    assert project.lead_department == own and not project.assignment_is_default


def test_organisation_tree(db):
    counts = organisations_load()
    assert sum(counts.values()) == len(ORGANISATIONS)
    assert organisations_load() == {"created": 0, "updated": 0, "unchanged": len(ORGANISATIONS)}
    codes = [row["code"] for row in ORGANISATIONS]
    assert len(set(codes)) == len(codes)
    assert not Organisation.objects.filter(code__in=codes, is_default=False).exists()
    root = Organisation.objects.get(parent=None, is_sample=False)
    assert (root.code, root.level) == ("anhui", "province")
    duji = Organisation.objects.get(code="duji")
    assert (duji.kind, duji.level, duji.parent.code, duji.parent.level) == (
        OrgKind.DISTRICT,
        "district",
        "huaibei",
        "city",
    )
    assert Organisation.objects.get(code="msb").government == duji
    assert Organisation.objects.get(code="huaibei-msb").government.code == "huaibei"
    assert Organisation.objects.get(code="msb").parent.code == "czj"
    assert Organisation.objects.get(code="czj").parent.code == "gov"
    assert Organisation.objects.get(code="zzb").parent.kind == OrgKind.PARTY
    assert sorted(
        Organisation.objects.filter(kind=OrgKind.TOWN, government=duji).values_list("name", flat=True)
    ) == sorted(["段园镇", "石台镇", "朔里镇"])
    assert Organisation.objects.filter(kind=OrgKind.STREET).count() == 2
    assert Organisation.objects.get(code="kfq").name == "开发区"


def test_organisation_renamed_locally_is_restored_and_audited(db):
    organisations_load()
    Organisation.objects.filter(code="wjw").update(name="改名")
    events = AuditEvent.objects.count()
    assert organisations_load()["updated"] == 1
    wjw = Organisation.objects.get(code="wjw")
    event = AuditEvent.objects.filter(action="update", object_id=str(wjw.pk)).latest("id")
    assert (event.before["name"], event.after["name"]) == ("改名", "杜集区卫生健康委员会")
    assert AuditEvent.objects.count() == events + 1


# --- stats ------------------------------------------------------------------------------------------------


def stats(*args: str) -> dict:
    out = io.StringIO()
    call_command("catalogue_stats", *args, stdout=out)
    return json.loads(out.getvalue())


def test_catalogue_stats_2021(loaded):
    got = stats("2021")
    assert {
        k: got[k] for k in ("year", "projects", "new", "adjusted", "continued", "exited", "predecessors")
    } == {
        "year": 2021,
        "projects": 33,
        "new": 6,
        "adjusted": 8,
        "continued": 19,
        "exited": 4,
        "predecessors": 10,
    }
    assert got["is_reconstructed"] is False
    assert stats("2021", "--issuer", "gov") == got


def test_catalogue_stats_2020(loaded):
    got = stats("2020")
    assert got["projects"] == 33 and got["is_reconstructed"] is True
    assert got["new"] == got["adjusted"] == got["continued"] == got["exited"] == got["predecessors"] == 0


def test_catalogue_stats_unknown_year(loaded):
    with pytest.raises(CommandError):
        stats("2019")
    with pytest.raises(CommandError):
        stats("2021", "--issuer", "nobody")


def test_load_reference_data_command(db):
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    assert "项目：" in out.getvalue()
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    assert "项目：新建 0，更新 0，未变 66" in out.getvalue()
    assert (
        "逐项采纳情况：新建 0，更新 0，未变 132" in out.getvalue()
    )  # 杜集区 ← 淮北市 ← 安徽省, 2020 and 2021
