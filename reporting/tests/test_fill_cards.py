"""reporting/cards.py writes the fill page's project cards as the Django template loop did (kept below as the
reference): the same elements, attributes, texts, labels ``for`` the inputs and the error ids the refused inputs'
``aria-describedby`` point at — for a page with no reports, with drafts and warnings, with a refused figure, with
a returned report and its opinion, read-only after submission and for a user who may only look."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reporting import services
from reporting.cards import fill_cards
from reporting.models import Report, Status, Transition

pytestmark = pytest.mark.django_db

#: reporting/templates/reporting/fill.html's card loop before it moved to reporting/cards.py
REFERENCE = """{% load i18n labels %}
{# the loop's fixed words, translated once for the page, not once per project #}
{% translate "有错误" as has_errors %}
{% translate "已填完待提交" as ready_label %}
{% translate "未填报" as not_started %}
{% translate "查看报表与流转记录" as detail_link %}
{% translate "退回意见" as return_opinion %}
{% translate "该项目尚未设置指标。" as no_indicators %}
{% translate "受益人数（累计）" as beneficiaries_label %}
{% translate "资金来源" as source_head %}
{% translate "累计到位（万元）" as arrived_head %}
{% translate "累计支出（万元）" as spent_head %}
{% translate "工作进展" as progress_label %}
{% translate "存在问题" as problems_label %}
{% translate "下步打算" as next_steps_label %}
{% translate "情况说明（对提示作出解释）" as explanation_label %}
{% translate "保存并提交本项目" as submit_one %}
{% for it in items %}
  {% with p=it.project r=it.report f=it.form %}
    <section class="card mb-3{% if it.issues %} border-danger{% endif %}"
             id="p{{ p.pk }}"
             data-testid="project-{{ p.pk }}">
      <details class="fill-project"
               data-fill-project{% if it.open %}
               open{% endif %}>
        <summary class="card-header d-flex flex-wrap justify-content-between gap-2">
          <strong>{{ p.order }}. {{ p.name }}</strong>
          <span class="d-flex flex-wrap gap-1">
            {% if it.issues %}
              <span class="badge bg-danger">{{ has_errors }}</span>
            {% endif %}
            {% if it.ready %}
              <span class="badge bg-warning text-dark" data-testid="ready-{{ p.pk }}">{{ ready_label }}</span>
            {% endif %}
            {% if r %}
              <span class="badge {% if r.status == 'confirmed' %}bg-success{% elif r.status == 'returned' %}bg-danger{% elif r.status == 'draft' %}bg-secondary{% else %}bg-primary{% endif %}"
                    data-testid="status-{{ p.pk }}">{{ r.get_status_display }}</span>
            {% else %}
              <span class="badge bg-light text-dark border"
                    data-testid="status-{{ p.pk }}">{{ not_started }}</span>
            {% endif %}
          </span>
        </summary>
        <div class="card-body">
          {% if r %}
            <p class="small mb-2">
              <a href="{% url 'reporting:report_detail' r.pk %}"
                 data-testid="report-link-{{ p.pk }}">{{ detail_link }}</a>
            </p>
          {% endif %}
          {% if it.issues %}
            <div id="p{{ p.pk }}-issues">
              {% for m in it.issues %}<div class="alert alert-danger py-1 mb-2">{{ m }}</div>{% endfor %}
            </div>
          {% endif %}
          {% for m in it.warnings %}
            <div class="alert alert-warning py-1 mb-2">{{ m }}</div>
          {% endfor %}
          {% if it.last_opinion and r.status == "returned" %}
            <div class="alert alert-danger py-1 mb-2">{{ return_opinion }}{% colon %}{{ it.last_opinion }}</div>
          {% endif %}
          {% if it.editable %}
            {{ f.version }}
          {% endif %}
          <div class="row g-2">
            {% for field, ind in f.indicator_fields %}
              <div class="col-6 col-md-3">
                <label class="form-label small"
                       for="{{ field.id_for_label }}">{{ ind.name }}（{{ ind.unit }}）</label>
                {{ field }}
              </div>
            {% empty %}
              <div class="col-12 small text-muted">{{ no_indicators }}</div>
            {% endfor %}
            <div class="col-6 col-md-3">
              <label class="form-label small"
                     for="{{ f.beneficiaries.id_for_label }}">{{ beneficiaries_label }}</label>
              {{ f.beneficiaries }}
            </div>
          </div>
          <div class="table-responsive mt-2">
            <table class="table table-sm mb-2">
              <thead>
                <tr>
                  <th>{{ source_head }}</th>
                  <th>{{ arrived_head }}</th>
                  <th>{{ spent_head }}</th>
                </tr>
              </thead>
              <tbody>
                {% for label, arrived, spent in f.money_rows %}
                  <tr>
                    <td>{{ label }}</td>
                    <td>{{ arrived }}</td>
                    <td>{{ spent }}</td>
                  </tr>
                {% endfor %}
              </tbody>
            </table>
          </div>
          <div class="row g-2">
            <div class="col-md-6">
              <label class="form-label small" for="{{ f.progress.id_for_label }}">{{ progress_label }} *</label>
              {{ f.progress }}
            </div>
            <div class="col-md-6">
              <label class="form-label small" for="{{ f.problems.id_for_label }}">{{ problems_label }}</label>
              {{ f.problems }}
            </div>
            <div class="col-md-6">
              <label class="form-label small" for="{{ f.next_steps.id_for_label }}">{{ next_steps_label }}</label>
              {{ f.next_steps }}
            </div>
            <div class="col-md-6">
              <label class="form-label small"
                     for="{{ f.explanation.id_for_label }}">{{ explanation_label }}</label>
              {{ f.explanation }}
            </div>
          </div>
          {% if it.editable %}
            <div class="mt-2 text-end">
              <button type="submit"
                      class="btn btn-sm btn-outline-danger"
                      name="action"
                      value="submit-{{ p.pk }}"
                      data-testid="submit-{{ p.pk }}">{{ submit_one }}</button>
            </div>
          {% endif %}
        </div>
      </details>
    </section>
  {% endwith %}
{% endfor %}
"""


class _Tokens(HTMLParser):
    """The document as (start tag, sorted attributes) / end tag / text tokens, whitespace between tags dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(("<", tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag: str) -> None:
        self.out.append((">", tag))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.out.append(("text", " ".join(data.split())))


def _tokens(html: str) -> list[tuple[Any, ...]]:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.out


def _url(period: Any) -> str:
    return reverse("reporting:fill", args=[period.program_id, period.month])


def _same_as_reference(response: Any) -> None:
    assert response.status_code == 200
    items = response.context["items"]
    assert items
    reference = engines["django"].from_string(REFERENCE).render({"items": items})
    assert _tokens(str(fill_cards(items))) == _tokens(reference)
    assert str(response.context["cards"]) in response.content.decode()


def _draft(month: dict[str, Any], actor: Any, **narrative: str) -> Report:
    result = services.report_fill(
        actor=actor,
        project=month["project"],
        unit=month["shitai"],
        period=month["periods"][6],
        values={month["indicators"][0].pk: 5},
        funds={"province": (300000, 100000)},
        narrative={"progress": "已开工<b>5</b>户", **narrative},
        expected_version=0,
    )
    return result.report


def test_cards_match_the_template_with_no_reports(client_for: Any, month: dict[str, Any]) -> None:
    _same_as_reference(client_for("town_shitai").get(_url(month["periods"][6])))


def test_cards_match_the_template_with_a_draft_and_warnings(
    client_for: Any, month: dict[str, Any], town_shitai: Any
) -> None:
    _draft(month, town_shitai)
    response = client_for("town_shitai").get(_url(month["periods"][6]))
    assert any(it["warnings"] for it in response.context["items"])
    _same_as_reference(response)


def test_cards_match_the_template_with_a_refused_figure(client_for: Any, month: dict[str, Any]) -> None:
    period, p = month["periods"][6], month["project"]
    started = month["indicators"][0]
    data = {
        "action": "save",
        f"r{p.pk}-version": "0",
        f"r{p.pk}-v{started.pk}": "五户",
        f"r{p.pk}-progress": "已开工",
    }
    response = client_for("town_shitai").post(_url(period), data)
    assert any(it["issues"] for it in response.context["items"])
    _same_as_reference(response)
    assert f'aria-describedby="p{p.pk}-issues"' in str(response.context["cards"])


def test_cards_match_the_template_with_a_returned_report_and_its_opinion(
    client_for: Any, month: dict[str, Any], town_shitai: Any
) -> None:
    report = _draft(month, town_shitai)
    Report.objects.filter(pk=report.pk).update(status=Status.RETURNED)
    Transition.objects.create(
        report=report, from_status=Status.SUBMITTED, to_status=Status.RETURNED, opinion="请补充<照片>"
    )
    response = client_for("town_shitai").get(_url(month["periods"][6]))
    assert "请补充&lt;照片&gt;" in str(response.context["cards"])
    _same_as_reference(response)


def test_cards_match_the_template_read_only(client_for: Any, month: dict[str, Any], town_shitai: Any) -> None:
    report = _draft(month, town_shitai)
    Report.objects.filter(pk=report.pk).update(status=Status.SUBMITTED)
    for persona in ("town_shitai", "office"):
        response = client_for(persona).get(_url(month["periods"][6]) + "?unit=shitai")
        _same_as_reference(response)


def test_cards_match_the_template_in_english(
    client_for: Any, month: dict[str, Any], town_shitai: Any
) -> None:
    _draft(month, town_shitai)
    client = client_for("town_shitai")
    client.cookies["django_language"] = "en"
    response = client.get(_url(month["periods"][6]))
    with translation.override("en"):
        _same_as_reference(response)
        assert translation.gettext("资金来源") in str(fill_cards(response.context["items"]))


def test_fill_page_get_reads_no_more_than_before(
    client_for: Any, month: dict[str, Any], town_shitai: Any
) -> None:
    client = client_for("town_shitai")
    url = _url(month["periods"][6])
    client.get(url)
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    _draft(month, town_shitai)
    with CaptureQueriesContext(connection) as drafts:
        client.get(url)
    # the drafts' checks read the indicators the projects were read with, not again
    assert len(empty) <= 12 and len(drafts) <= 18, (len(empty), len(drafts))
