"""What can be searched: one ``Source`` per kind of object — its model, the text that is indexed, and how a hit is
shown (title, a line of context, the link to its page). The objects a user finds are the source rows narrowed by
``core.policy.restrict(..., "view")``, the same as on their own pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Source:
    kind: str
    label: str | Promise
    model_label: str
    texts: Callable[[Any], list[str]]
    title: Callable[[Any], str]
    context: Callable[[Any], str]
    url: Callable[[Any], str]
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    #: the order of the hits (default: the model's own); newest years first where the kind has years
    order: tuple[str, ...] = ()
    #: other models whose change changes this source's text: (model label, attribute naming the source's pk)
    dependants: tuple[tuple[str, str], ...] = field(default=())

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


def _project_texts(p: Any) -> list[str]:
    return [p.name, p.summary, *(c.name for c in p.content_items.all())]


def _report_context(r: Any) -> str:
    return f"{r.unit.display_name} · {r.period.program.year}年{r.period.label} · {r.get_status_display()}"


SOURCES: tuple[Source, ...] = (
    Source(
        kind="project",
        label=_("项目"),
        model_label="catalogue.Project",
        texts=_project_texts,
        title=lambda p: p.name,
        context=lambda p: f"{p.program.year}年"
        + (f" · {p.lead_department.display_name}" if p.lead_department_id else ""),
        url=lambda p: reverse("catalogue:project_detail", args=[p.pk]),
        related=("program", "lead_department"),
        prefetch=("content_items",),
        order=("-program__year", "order"),
        dependants=(("catalogue.ContentItem", "project_id"),),
    ),
    Source(
        kind="organisation",
        label=_("单位"),
        model_label="orgs.Organisation",
        texts=lambda o: [o.name, o.short_name],
        title=lambda o: o.name,
        context=lambda o: str(o.get_kind_display()),
        order=("order", "name"),
        url=lambda o: reverse("orgs:detail", args=[o.pk]),
    ),
    Source(
        kind="report",
        label=_("调度报表"),
        model_label="reporting.Report",
        texts=lambda r: [r.progress, r.problems, r.next_steps, r.explanation],
        title=lambda r: r.project.name,
        context=_report_context,
        url=lambda r: reverse("reporting:report_detail", args=[r.pk]),
        related=("project", "unit", "period__program"),
        order=("-period__program__year", "-period__month", "project__order", "unit__order"),
    ),
    Source(
        kind="finding",
        label=_("问题整改"),
        model_label="supervision.Finding",
        texts=lambda f: [f.description],
        title=lambda f: str(f),
        context=lambda f: f"{f.responsible.display_name} · {f.get_status_display()}",
        url=lambda f: reverse("supervision:finding_detail", args=[f.pk]),
        related=("responsible",),
    ),
    Source(
        kind="asset",
        label=_("管护资产"),
        model_label="upkeep.Asset",
        texts=lambda a: [a.name, a.location, a.owner, a.quantity],
        title=lambda a: str(a),
        context=lambda a: f"{a.project.program.year}年 · {a.project.name}",
        url=lambda a: reverse("upkeep:asset_detail", args=[a.pk]),
        related=("project__program",),
        order=("-project__program__year", "project__order", "name"),
    ),
    Source(
        kind="disclosure",
        label=_("公示"),
        model_label="disclosure.Disclosure",
        texts=lambda d: [d.title, d.place, d.summary],
        title=lambda d: d.title,
        context=lambda d: f"{d.unit.display_name} · {d.place}",
        url=lambda d: reverse("disclosure:index"),
        related=("unit",),
    ),
)

BY_KIND: dict[str, Source] = {s.kind: s for s in SOURCES}
