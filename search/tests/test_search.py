"""Search: Chinese words found by jieba's segmentation through the database's full-text index, grouped by kind,
the index written after commit (never on a page view), and every hit narrowed by the policy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Project
from core.tests.scoping import ALL_MARKERS, FORBIDDEN, ROLES, build_scene
from search.models import SearchEntry
from search.selectors import search
from search.tokens import query_words

pytestmark = pytest.mark.django_db


def _kinds(html: str) -> list[str]:
    return re.findall(r'data-kind="(\w+)"', html)


@pytest.mark.parametrize("word", ["秸秆", "养老"])
def test_finds_a_project_by_a_two_character_word(client_for: Any, word: str) -> None:
    html = client_for("town_shitai").get("/search/", {"q": word}).content.decode()
    assert _kinds(html)[0] == "project"
    for project in Project.objects.filter(name__contains=word, program__status="published"):
        assert f'href="/projects/{project.pk}/"' in html
    assert Project.objects.filter(name__contains=word).exists()


def test_a_longer_query_finds_by_its_words() -> None:
    assert query_words("农作物秸秆的综合利用") == [
        "农作",
        "作物",
        "农作物",
        "秸秆",
        "综合",
        "利用",
        "综合利用",
    ]
    _, groups = search(user=None, query="秸秆产业化")
    assert [h.title for g in groups for h in g.hits] == ["农作物秸秆产业化利用"]
    _, groups = search(user=None, query="智慧养老服务")  # every word must occur
    assert {h.title for g in groups for h in g.hits} == {"养老服务和智慧养老"}


def test_results_are_grouped_by_kind_with_links(client_for: Any, office: Any) -> None:
    from orgs.models import Organisation

    shitai = Organisation.objects.get(code="shitai")
    html = client_for("office").get("/search/", {"q": "石台"}).content.decode()
    assert "organisation" in _kinds(html)
    assert f'href="/orgs/{shitai.pk}/"' in html
    assert 'href="#kind-organisation"' in html


def test_nothing_found_says_so_and_offers_a_way_forward(client_for: Any) -> None:
    html = client_for("office").get("/search/", {"q": "量子计算机"}).content.decode()
    assert 'data-testid="search-empty"' in html
    assert 'href="/programs/"' in html


def test_empty_query_and_punctuation_only_show_the_hint(client_for: Any) -> None:
    for q in ("", "！？", "  "):
        response = client_for("office").get("/search/", {"q": q})
        assert response.status_code == 200
        assert 'data-testid="search-empty"' in response.content.decode()


def test_the_public_is_sent_to_log_in(client_for: Any) -> None:
    assert client_for("anon").get("/search/", {"q": "养老"}).status_code == 302


def test_search_box_in_the_navigation_of_every_role(client_for: Any) -> None:
    for role in ROLES[:-1]:
        html = client_for(role).get("/").content.decode()
        assert 'data-testid="nav-search"' in html, role
    assert 'data-testid="nav-search"' not in client_for("anon").get("/login/").content.decode()


def test_index_is_written_after_commit_not_on_page_views(
    month: dict[str, Any], office: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from reporting import services

    period = month["periods"][3]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.report_open(
            actor=office, project=month["project"], unit=month["shitai"], period=period
        )
        report.problems = "屋面渗漏，墙体开裂"
        report.save()
    assert search(user=office, query="渗漏")[1] == []  # not yet committed
    for callback in callbacks:
        callback()
    (group,) = search(user=office, query="渗漏")[1]
    assert group.kind == "report" and group.hits[0].url == f"/reports/{report.pk}/"
    assert "屋面渗漏" in group.hits[0].snippet
    client = client_for("office")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/search/", {"q": "渗漏"})
    writes = [q["sql"] for q in ctx.captured_queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"])]
    assert not [w for w in writes if "search_entry" in w]


def test_a_rolled_back_change_is_not_indexed(office: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django.db import transaction

    from orgs.models import Organisation

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                Organisation.objects.create(name="幻影街道办事处", code="huanying", kind="street")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert search(user=office, query="幻影")[1] == []


def test_deleting_and_renaming_keep_the_index_true(
    office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from orgs.models import Organisation

    with django_capture_on_commit_callbacks(execute=True):
        org = Organisation.objects.create(name="示例湿地保护站", code="shidi", kind="department")
    assert search(user=office, query="湿地")[1][0].hits[0].title == "示例湿地保护站"
    with django_capture_on_commit_callbacks(execute=True):
        org.name = "示例森林保护站"
        org.save()
    assert search(user=office, query="湿地")[1] == []
    assert search(user=office, query="森林")[1]
    pk = org.pk
    with django_capture_on_commit_callbacks(execute=True):
        org.delete()
    assert search(user=office, query="森林")[1] == []  # its index row is left behind, found by no one
    call_command("search_rebuild", stdout=open("/dev/null", "w"))
    assert not SearchEntry.objects.filter(kind="organisation", object_id=pk).exists()


def test_content_items_are_found_through_their_project(
    office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    project = Project.objects.filter(program__year=2021).order_by("order").first()
    with django_capture_on_commit_callbacks(execute=True):
        project.content_items.create(order=99, name="独立储能电站试点")
    (group,) = search(user=office, query="储能")[1]
    assert group.kind == "project" and group.hits[0].url == f"/projects/{project.pk}/"


def test_rebuild_command_restores_the_index(office: Any) -> None:
    SearchEntry.objects.all().delete()
    assert search(user=office, query="养老")[1] == []
    call_command("search_rebuild", stdout=open("/dev/null", "w"))
    assert search(user=office, query="养老")[1][0].count >= 2


SEARCHABLE = (
    "进展",
    "问题",
    "资产",
    "公示",
)  # the scene's kinds that are indexed: report, finding, asset, disclosure


@pytest.fixture
def scene(office: Any, persona: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    scene = build_scene(office, persona)
    call_command("search_rebuild", stdout=open("/dev/null", "w"))  # the scene writes some text with update()
    return scene


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
def test_search_matrix_per_persona(client_for: Any, scene: dict[str, Any], role: str) -> None:
    """Each persona searches the scene's marker word: it finds exactly the markers its own pages show it — a town
    never another town's unconfirmed report text, a department none of the scene, a supervisor no draft report."""
    html = client_for(role).get("/search/", {"q": "标记"}).content.decode()
    html = re.sub(r"</?mark>", "", html)  # the searched word is marked in the snippets
    searchable = {m for m in ALL_MARKERS if m.rsplit("-", 1)[1] in SEARCHABLE}
    found = {m for m in searchable if m in html}
    assert found == searchable - FORBIDDEN[role]


def test_a_word_in_many_rows_is_counted_up_to_the_cap(office: Any, monkeypatch: Any) -> None:
    from search import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    monkeypatch.setattr(selectors, "SHOWN", 1)
    (group,) = [g for g in search(user=office, query="养老")[1] if g.kind == "project"]
    assert group.count == 3 and group.more and group.shown_count == "2+" and len(group.hits) == 1
