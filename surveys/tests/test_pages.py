"""The survey pages: the visitor's answer page (no personal data, single-use token, the portal's rate limits),
the surveyor's one-sheet-per-screen page, the Excel import (preview → confirm, all or nothing, sheet/row/column
errors), the results page and its Excel export with the portal feedback beside the figures."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
import xlsxwriter
from django.core.cache import cache
from django.urls import reverse

from portal import views as portal_views
from portal.forms import feedback_token
from surveys.models import Response
from surveys.tests.conftest import SHEETS, answer

pytestmark = pytest.mark.django_db


def _post_answer(client: Any, survey: dict[str, Any], ip: str = "10.9.0.1", **extra: Any) -> Any:
    q_aware, q_satisfied = survey["questions"]
    data = {
        f"q{q_aware.pk}": survey["aware"]["知道"].pk,
        f"q{q_satisfied.pk}": survey["satisfied"]["比较满意"].pk,
        "website": "",
        "token": feedback_token(time.time() - 10),
        **extra,
    }
    return client.post(reverse("surveys:answer", args=[survey["wave"].pk]), data, REMOTE_ADDR=ip)


def test_visitor_answers_without_login_and_nothing_personal_is_asked(
    client: Any, survey: dict[str, Any]
) -> None:
    cache.clear()
    page = client.get(reverse("surveys:answer", args=[survey["wave"].pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "满意度" in html
    for personal in ('name="name"', 'name="phone"', "身份证", 'name="address"'):
        assert personal not in html
    done = _post_answer(client, survey)
    assert done.status_code == 302 and "done=1" in done["Location"]
    response = Response.objects.get()
    assert response.source == "portal" and response.entered_by is None and response.answers.count() == 2


def test_answer_page_of_a_closed_wave_is_not_found(client: Any, office: Any, survey: dict[str, Any]) -> None:
    from surveys import services

    wave = survey["wave"]
    services.wave_update(actor=office, wave=wave, data={"is_open": False}, expected_version=wave.version)
    assert client.get(reverse("surveys:answer", args=[wave.pk])).status_code == 404


def test_form_token_is_single_use(client: Any, survey: dict[str, Any]) -> None:
    cache.clear()
    token = feedback_token(time.time() - 10)
    assert _post_answer(client, survey, token=token).status_code == 302
    again = _post_answer(client, survey, ip="10.9.0.2", token=token)
    assert again.status_code == 200 and "请勿重复提交" in again.content.decode()
    assert Response.objects.count() == 1


def test_rate_limit_per_visitor_as_the_feedback_form(client: Any, survey: dict[str, Any]) -> None:
    cache.clear()
    for _ in range(portal_views.FEEDBACK_PER_HOUR):
        assert _post_answer(client, survey).status_code == 302
    refused = _post_answer(client, survey)
    assert refused.status_code == 200 and "提交次数过多" in refused.content.decode()
    assert _post_answer(client, survey, ip="10.9.0.77").status_code == 302
    assert Response.objects.count() == portal_views.FEEDBACK_PER_HOUR + 1


def test_rate_limit_per_wave_across_visitors(client: Any, survey: dict[str, Any], monkeypatch: Any) -> None:
    cache.clear()
    monkeypatch.setattr(portal_views, "FEEDBACK_PER_TARGET_HOUR", 3)
    for i in range(3):
        assert _post_answer(client, survey, ip=f"10.8.0.{i}").status_code == 302
    assert "提交次数过多" in _post_answer(client, survey, ip="10.8.0.50").content.decode()
    assert Response.objects.count() == 3


def test_surveyor_enters_one_sheet_per_screen(client_for: Any, survey: dict[str, Any]) -> None:
    client = client_for("town_shitai")
    q_aware, q_satisfied = survey["questions"]
    url = reverse("surveys:enter", args=[survey["wave"].pk])
    assert client.get(url).status_code == 200
    saved = client.post(
        url,
        {f"q{q_aware.pk}": survey["aware"]["知道"].pk, f"q{q_satisfied.pk}": survey["satisfied"]["满意"].pk},
    )
    assert saved.status_code == 302 and saved["Location"] == url
    missing = client.post(url, {f"q{q_aware.pk}": survey["aware"]["知道"].pk})
    assert missing.status_code == 200 and "请选择一项" in missing.content.decode()
    assert Response.objects.get().source == "surveyor"


def _sheet(rows: list[list[Any]], header: list[str] | None = None, sheet: str = "答卷") -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(sheet)
    for c, text in enumerate(header or []):
        ws.write(0, c, text)
    for r, cells in enumerate(rows, start=1):
        for c, value in enumerate(cells):
            if value is not None:
                ws.write(r, c, value)
    book.close()
    return buffer.getvalue()


def _headers(survey: dict[str, Any]) -> list[str]:
    from surveys.excel import header

    return ["序号", *(header(q) for q in survey["questions"])]


def _upload(client: Any, survey: dict[str, Any], content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("surveys:import", args=[survey["wave"].pk]),
        {"file": SimpleUploadedFile("答卷.xlsx", content)},
    )


def test_template_downloads_with_a_column_per_question(client_for: Any, survey: dict[str, Any]) -> None:
    from python_calamine import CalamineWorkbook

    answer_ = client_for("office").get(reverse("surveys:import", args=[survey["wave"].pk]) + "?template=1")
    assert answer_.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(answer_.content))
    assert book.sheet_names == ["答卷", "说明"]
    assert book.get_sheet_by_name("答卷").to_python()[0] == _headers(survey)


def test_bad_sheet_is_refused_whole_with_row_and_column(client_for: Any, survey: dict[str, Any]) -> None:
    client = client_for("office")
    content = _sheet(
        [[1, "知道", "满意"], [2, "知道", "很好"], [3, None, "一般"], [4, "不知道", 9]],
        header=_headers(survey),
    )
    page = _upload(client, survey, content).content.decode()
    assert "发现3处错误，没有导入任何答卷" in page
    assert "工作表“答卷”第3行C列“2、您对该项民生工程的实施效果是否满意？”：“很好”不是该题的选项" in page
    assert "工作表“答卷”第4行B列“1、您是否知道本地实施了该项民生工程？”：未填写" in page
    assert "第5行C列" in page and "“9”不是该题的选项" in page
    assert 'name="token"' not in page
    assert not Response.objects.exists()


def test_sheet_without_the_header_is_refused(client_for: Any, survey: dict[str, Any]) -> None:
    page = _upload(
        client_for("office"), survey, _sheet([["知道", "满意"]], header=["甲", "乙"])
    ).content.decode()
    assert "找不到表头行" in page and not Response.objects.exists()


def test_good_sheet_previews_then_imports_on_confirm(client_for: Any, survey: dict[str, Any]) -> None:
    import re

    client = client_for("dept_health")
    rows = [[n, a, s] for n, (a, s) in enumerate(SHEETS, start=1)]
    rows[0][1] = 1  # an option's number is accepted (1 = 知道)
    page = _upload(client, survey, _sheet(rows, header=_headers(survey))).content.decode()
    assert "检查通过：将导入10份答卷" in page and not Response.objects.exists()
    token = re.search(r'name="token"\s+value="([^"]+)"', page).group(1)
    done = client.post(reverse("surveys:import_confirm", args=[survey["wave"].pk]), {"token": token})
    assert done.status_code == 302
    assert Response.objects.filter(source="import").count() == 10
    from surveys.selectors import figures_for

    f = figures_for([survey["wave"].pk])[survey["wave"].pk]
    assert (str(f.awareness_rate), str(f.satisfaction_rate), str(f.score)) == ("66.67", "62.50", "72.50")
    again = client.post(reverse("surveys:import_confirm", args=[survey["wave"].pk]), {"token": token})
    assert again.status_code == 302 and Response.objects.count() == 10  # a spent token imports nothing


def test_results_page_shows_figures_and_feedback_beside(
    client_for: Any, office: Any, survey: dict[str, Any]
) -> None:
    from disclosure.services import feedback_submit

    for aware, satisfied in SHEETS:
        answer(office, survey, aware, satisfied)
    project = survey["project"]
    feedback_submit(program=project.program, project=project, satisfaction=2, aware=True, text="")
    feedback_submit(program=project.program, project=project, satisfaction=5, aware=False, text="")
    client = client_for("leader")
    page = client.get(reverse("surveys:wave", args=[survey["wave"].pk])).content.decode()
    assert "66.67%" in page and "62.50%" in page and "72.50" in page
    assert "共2条，平均评分3.50（满分5分），其中1条表示知道该项目" in page
    export = client.get(reverse("surveys:wave", args=[survey["wave"].pk]) + "?format=xlsx")
    from python_calamine import CalamineWorkbook

    cells = (
        CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_name("调查结果").to_python()
    )
    flat = {row[0]: row[1] for row in cells if row and row[0]}
    assert flat["知晓率"] == "66.67%" and flat["满意率（满意＋比较满意）"] == "62.50%"
    assert flat["满意度得分（0—100）"] == "72.50" and flat["意见条数"] == 2


def test_office_makes_the_default_questionnaire_with_one_click(client_for: Any) -> None:
    from surveys.models import Questionnaire

    client = client_for("office")
    assert client.post(reverse("surveys:questionnaire_default")).status_code == 302
    assert Questionnaire.objects.get().questions.count() == 2
    town = client_for("town_shitai")
    town.post(reverse("surveys:questionnaire_default"))
    assert Questionnaire.objects.count() == 1


def test_lead_department_creates_a_wave(client_for: Any, survey: dict[str, Any]) -> None:
    from surveys.models import Wave

    client = client_for("dept_health")
    data = {
        "project": survey["project"].pk,
        "unit": survey["shitai"].pk,
        "questionnaire": survey["questionnaire"].pk,
        "name": "测试·入户调查",
        "method": "visit",
        "sample_size": "30",
        "start": "2021-11-01",
        "end": "2021-11-20",
    }
    assert client.get(reverse("surveys:wave_new")).status_code == 200
    done = client.post(reverse("surveys:wave_new"), data)
    assert done.status_code == 302, done.content.decode()[:3000]
    assert Wave.objects.filter(name="测试·入户调查", method="visit", sample_size=30).exists()
    bad = client.post(reverse("surveys:wave_new"), {**data, "name": "测试·错", "end": "2021-10-01"})
    assert "结束日期不能早于开始日期" in bad.content.decode()


def test_portal_project_links_the_open_survey_and_shows_published_figures(
    client: Any, office: Any, survey: dict[str, Any]
) -> None:
    from surveys import services

    for aware, satisfied in SHEETS:
        answer(office, survey, aware, satisfied)
    url = reverse("portal:project", args=[survey["project"].pk])
    page = client.get(url).content.decode()
    assert reverse("surveys:answer", args=[survey["wave"].pk]) in page and "72.50" not in page
    wave = survey["wave"]
    services.wave_update(actor=office, wave=wave, data={"is_published": True}, expected_version=wave.version)
    page = client.get(url).content.decode()
    assert "66.67%" in page and "62.50%" in page and "72.50" in page
