"""The catalogue pages as users see them: grouped like the notice, with lineage both ways."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from catalogue.models import Program, Project

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_program_page_groups_like_the_notice(client_for: Any) -> None:
    program = Program.objects.get(year=2021)
    response = client_for("office").get(reverse("catalogue:program_detail", args=[program.pk]))
    text = _text(response)
    assert "杜集区人民政府关于2021年实施33项民生工程的通知" in text
    assert "淮杜政〔2021〕21号" in text
    for heading in (
        "一、新增6项民生工程",
        "二、退出4项民生工程",
        "三、调整实施8项民生工程",
        "四、继续实施19项民生工程",
    ):
        assert heading in text
    assert "任务已完成" in text and "已实现预期目标" in text
    assert 'data-testid="reconstructed"' not in response.content.decode()


def test_reconstructed_program_is_marked_and_shows_fates(client_for: Any) -> None:
    program = Program.objects.get(year=2020)
    response = client_for("town_shitai").get(reverse("catalogue:program_detail", args=[program.pk]))
    text = _text(response)
    assert "推定重建" in text
    assert "2021年去向" in text
    assert text.count("继续实施 →") == 19
    assert "任务已完成" in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("棚户区和老旧小区改造", ["棚户区改造", "城镇老旧小区改造", "合并"]),
        ("义务教育经费保障", ["智慧学校建设", "纳入"]),
        ("党建引领乡村振兴工程", ["党建引领扶贫工程", "更名"]),
        ("城市社区卫生机构和村卫生室标准化建设", ["本年新增项目"]),
    ],
)
def test_project_page_shows_origin(client_for: Any, name: str, expected: list[str]) -> None:
    project = Project.objects.get(program__year=2021, name=name)
    text = _text(client_for("dept_health").get(reverse("catalogue:project_detail", args=[project.pk])))
    for fragment in expected:
        assert fragment in text, fragment
    assert "默认分工，待确认" in text


def test_project_page_shows_fate(client_for: Any) -> None:
    project = Project.objects.get(program__year=2020, name="棚户区改造")
    text = _text(client_for("anon").get(reverse("catalogue:project_detail", args=[project.pk])))
    assert "成为" in text and "2021年 棚户区和老旧小区改造" in text
    retired = Project.objects.get(program__year=2020, name="资产收益扶贫")
    text = _text(client_for("anon").get(reverse("catalogue:project_detail", args=[retired.pk])))
    assert "不再列入" in text and "已实现预期目标" in text


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_have_constant_query_counts(client_for: Any, office: Any) -> None:
    """N+1 guard: a page costs the same queries for 33 projects as for 2, and stays under a small baseline."""
    from catalogue.services import program_roll_over, project_create_new

    client = client_for("office")
    client.get("/")  # warm the session
    p2021 = Program.objects.get(year=2021)
    small = Program.objects.create(year=2098, issuer=p2021.issuer, issuer_name="示例", status="draft")
    for name in ("示例甲", "示例乙"):
        project_create_new(actor=office, program=small, name=name, kind="service")
    big = program_roll_over(actor=office, program=p2021)  # 33 continued projects
    for view, baseline in (("catalogue:program_detail", 20), ("catalogue:program_diff", 14)):
        counts = {p.year: _queries(client, reverse(view, args=[p.pk])) for p in (small, big)}
        assert counts[2098] == counts[2022] <= baseline, (view, counts)
    # a published program's page asks can() a few times; with governments each answer is a query (was a bool)
    assert _queries(client, reverse("catalogue:program_detail", args=[p2021.pk])) <= 23
    assert _queries(client, reverse("catalogue:program_list")) <= 10
    assert _queries(client, reverse("orgs:tree")) <= 10
    project = Project.objects.get(program__year=2021, name="文化惠民工程")
    assert _queries(client, reverse("catalogue:project_detail", args=[project.pk])) <= 24


def test_english_through_i18n(client_for: Any) -> None:
    client = client_for("office")
    client.cookies["django_language"] = "en"
    text = _text(client.get(reverse("catalogue:program_list")))
    assert "Annual programs" in text


def test_chinese_unless_english_is_chosen(client_for: Any) -> None:
    """An English browser still gets Chinese; English only after choosing it."""
    client = client_for("anon")
    text = _text(client.get(reverse("catalogue:program_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert "年度计划" in text and "Annual programs" not in text
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Annual programs" in _text(client.get(reverse("catalogue:program_list")))
