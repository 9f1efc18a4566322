"""Roll-ups up the government tree (issue 14, item 4): the city's table of its districts and the province's table of
its cities, from the districts' confirmed figures only.

A district's figures count upward once its 民生办 has confirmed them: the tables read the ``Summary`` rows (the
official, confirmed-only read model rewritten after each confirmation, reporting.rollup.summary_refresh) of the
districts' programs that the policy lets the user view (core.policy on Program: a lower government's program
once published). Like the district's 进度表 and ranking, each table is one SQL query, scoped.

Reports owed (the 确认率's denominator) are counted as reporting.rules.REPORTING_PAIRS_SQL defines them (the
implementing units, or the lead department of a project without them), written here per district so that the
province's query stays one pass over its projects (tests/test_city_rollup.py checks it against ``reporting_units``).
The summaries are read by period (the ``(period, unit)`` index), projects materialized once: the plans that keep the
province's table within reach of the raw SQL (docs/performance.md).

Which district projects count for an upper government's project (the table of one project):
``linked_projects_sql`` — by ``Project.derives_from`` once the catalogue has it, else by the project's name within
the same year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy

from catalogue.models import Program, Project
from core.policy import actor_for, restrict
from orgs.models import Level, Organisation
from reporting.rollup import BEHIND_TOLERANCE, UnitRef, _ratio, assign_ranks, read_sum

TREE_FORMULA = gettext_lazy(
    "综合得分 = 40 × 任务完成率 + 20 × 资金到位率 + 20 × 资金支出率 + 20 × 确认率（各率以100%封顶；"
    "只计各区县民生办已确认的数据，确认率 = 已确认报表 ÷ 应报报表）"
)
WEIGHTS = (Decimal(40), Decimal(20), Decimal(20), Decimal(20))


@dataclass(slots=True)
class TreeRow:
    """One district (in a city's table) or one city (in the province's): confirmed figures only."""

    unit: UnitRef
    month: int
    budget: Decimal = Decimal(0)
    arrived: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    completion: Decimal | None = None
    owed: int = 0  # reports owed for the month
    confirmed: int = 0  # reports confirmed by the district's 民生办
    districts: int = 1  # districts rolled up (the province's table)
    districts_reporting: int = 0  # of which with confirmed figures
    score: Decimal = Decimal(0)
    rank: int = 0

    @property
    def schedule(self) -> Decimal:
        return Decimal(self.month) / Decimal(12)

    @property
    def arrival_rate(self) -> Decimal | None:
        return _ratio(self.arrived, self.budget)

    @property
    def spending_rate(self) -> Decimal | None:
        return _ratio(self.spent, self.arrived)

    @property
    def confirmed_rate(self) -> Decimal | None:
        return _ratio(Decimal(self.confirmed), Decimal(self.owed)) if self.owed else None

    @property
    def gap(self) -> Decimal | None:
        return None if self.completion is None else self.completion - self.schedule

    @property
    def behind(self) -> bool:
        return self.gap is not None and self.gap < -BEHIND_TOLERANCE

    @property
    def has_figures(self) -> bool:
        return self.districts_reporting > 0


def _link_column() -> str | None:
    """The column of ``Project.derives_from`` when the catalogue has it (issue 14 item 2), else None."""
    try:
        return Project._meta.get_field("derives_from").column
    except Exception:  # FieldDoesNotExist: not yet in this install's catalogue
        return None


def linked_projects_sql(hops: int) -> str:
    """The SQL condition on a district project ``p`` linking it to the upper government's project ``%s`` that is
    ``hops`` levels above (1: the city's, 2: the province's). One parameter (the upper project's id)."""
    column = _link_column()
    if column is None:  # by name within the same year (the programs are already of that year)
        return "p.name = (SELECT u.name FROM catalogue_project u WHERE u.id = %s)"
    inner = "%s"
    for _ in range(hops - 1):
        inner = f'SELECT m.id FROM catalogue_project m WHERE m."{column}" IN ({inner})'
    return f'p."{column}" IN ({inner})'


def _districts_sql(level: str) -> str:
    """The districts (id, group) of the government ``%s``: a city's own districts (group: the district), or the
    districts of a province's cities (group: the city)."""
    if level == Level.CITY:
        return """
  SELECT d.id, d.id AS grp FROM orgs_organisation d JOIN orgs_organisation dp ON dp.id = d.parent_id
  WHERE d.level = 'district' AND dp.government_id = %s"""
    return """
  SELECT d.id, c.id AS grp FROM orgs_organisation d JOIN orgs_organisation dp ON dp.id = d.parent_id
  JOIN orgs_organisation c ON c.id = dp.government_id JOIN orgs_organisation cp ON cp.id = c.parent_id
  WHERE d.level = 'district' AND c.level = 'city' AND cp.government_id = %s"""


_TREE_SQL = """
WITH dist AS ({districts}),
prog AS (SELECT g.id, o.government_id AS district FROM catalogue_program g
  JOIN orgs_organisation o ON o.id = g.issuer_id
  WHERE g.year = %s AND o.government_id IN (SELECT id FROM dist){programs}),
per AS (SELECT pe.id, pe.program_id, prog.district FROM reporting_period pe JOIN prog ON prog.id = pe.program_id
  WHERE pe.month = %s),
prj AS MATERIALIZED (SELECT p.id, per.district FROM catalogue_project p
  JOIN per ON per.program_id = p.program_id WHERE 1 = 1{link}),
fig AS (SELECT per.district, SUM(s.budget) AS b, SUM(s.arrived) AS a, SUM(s.spent) AS sp,
  SUM(ROUND(s.completion, 4)) AS c, COUNT(s.completion) AS cn, SUM(s.reports_confirmed) AS rc
  FROM per JOIN reporting_summary s ON s.period_id = per.id
  WHERE s.unit_id IS NULL AND s.reports_confirmed > 0{linked} GROUP BY per.district),
owed AS (SELECT prj.district, COUNT(*) AS n FROM prj
  JOIN catalogue_project_implementing_units iu ON iu.project_id = prj.id GROUP BY prj.district
  UNION ALL
  SELECT prj.district, COUNT(*) FROM prj
  WHERE NOT EXISTS (SELECT 1 FROM catalogue_project_implementing_units iu WHERE iu.project_id = prj.id)
  AND (SELECT p.lead_department_id FROM catalogue_project p WHERE p.id = prj.id) IS NOT NULL
  GROUP BY prj.district),
owing AS (SELECT district, SUM(n) AS n FROM owed GROUP BY district)
SELECT d.id, d.code, d.name, d.short_name, d."order", g.id, g.code, g.name, g.short_name, g."order",
  f.b, f.a, f.sp, f.c, f.cn, f.rc, w.n
FROM dist JOIN orgs_organisation d ON d.id = dist.id JOIN orgs_organisation g ON g.id = dist.grp
LEFT JOIN fig f ON f.district = d.id LEFT JOIN owing w ON w.district = d.id
"""


#: The policy's scope of programs compiled to SQL, per actor (core.policy rules are functions of the Actor alone,
#: their subqueries evaluated by the database): compiling the ORM filter costs more than the whole table's query.
_SCOPES: dict[Any, tuple[str, tuple[Any, ...]]] = {}
_SQL: dict[tuple[str, bool, str], str] = {}  # the table's SQL text per level, project filter and scope


def _program_scope(user: Any) -> tuple[str, list[Any]]:
    """The policy's scope on the districts' programs (``AND g.id IN (...)``): a lower government's program once
    published, never a draft."""
    a = actor_for(user)
    key = (
        a.role,
        a.org_id,
        a.org_ids,
        a.staff_wide,
        a.manager,
        a.government_id,
        a.lower_government_ids,
        a.unscoped,
    )
    known = _SCOPES.get(key)
    if known is None:
        visible = restrict(Program.objects.all(), user, "view").order_by().values("id")
        sub, params = visible.query.sql_with_params()
        if len(_SCOPES) >= 512:
            _SCOPES.clear()
        known = _SCOPES[key] = (f" AND g.id IN ({sub})", tuple(params))
    return known[0], list(known[1])


def _fetch(
    *, user: Any, government: Organisation, year: int, month: int, project: Project | None
) -> list[Any]:
    scope_sql, scope_params = _program_scope(user)
    sql_key = (government.level, project is not None, scope_sql)
    sql = _SQL.get(sql_key)
    if sql is None:
        if len(_SQL) >= 512:
            _SQL.clear()
        hops = 1 if government.level == Level.CITY else 2
        link = f" AND {linked_projects_sql(hops)}" if project is not None else ""
        sql = _SQL[sql_key] = _named(
            _TREE_SQL.format(
                districts=_districts_sql(government.level),
                programs=scope_sql,
                link=link,
                linked=" AND s.project_id IN (SELECT id FROM prj)" if project is not None else "",
            )
        )
    params: list[Any] = [government.pk, year, *scope_params, month]
    if project is not None:
        params.append(project.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, {f"p{i}": value for i, value in enumerate(params)})
        return cursor.fetchall()


_FORMAT = re.compile(r"(?<!%)%s")


def _named(sql: str) -> str:
    """The query with its positional ``%s`` placeholders numbered (``%(p0)s``, ``%(p1)s``…), once per text: the
    SQLite backend turns positional placeholders into ``?`` with a regular expression on every execution (on
    this 2 KB query about as long as the database's own work), named ones with a plain ``%`` formatting."""
    numbers = iter(range(10_000))
    return _FORMAT.sub(lambda _m: f"%(p{next(numbers)})s", sql)


def _ref(pk: int, code: str, name: str, short: str | None, order: int, kind: str) -> UnitRef:
    return UnitRef(id=pk, code=code, name=name, short_name=short or "", order=order, kind=kind)


def _score(rows: list[TreeRow]) -> list[TreeRow]:
    zero, one = Decimal(0), Decimal(1)
    for r in rows:
        parts = (r.completion, r.arrival_rate, r.spending_rate, r.confirmed_rate)
        r.score = sum((w * min(p or zero, one) for w, p in zip(WEIGHTS, parts, strict=True)), zero)
    rows.sort(key=lambda r: (-r.score, r.unit.order, r.unit.name))
    assign_ranks(rows)  # type: ignore[arg-type]  # duck-typed: score and rank
    return rows


def may_see_tree(user: Any, government: Organisation | None) -> bool:
    """The roll-up of ``government`` (a city or the province): its own staff-wide roles, the staff-wide roles of
    the governments above it, and the 系统管理员."""
    if government is None or government.level not in (Level.CITY, Level.PROVINCE):
        return False
    actor = actor_for(user)
    if actor.unscoped:
        return True
    if not actor.is_staff_wide:
        return False
    return government.pk == actor.government_id or government.pk in actor.lower_government_ids


def city_table(
    *, user: Any, city: Organisation, year: int, month: int, project: Project | None = None
) -> list[TreeRow]:
    """The city's table: one row per district, from the district's confirmed figures for ``month`` of ``year``
    (every project, or those linked to the city's ``project``), ranked (equal scores share a rank). One query."""
    if not may_see_tree(user, city) or city.level != Level.CITY:
        return []
    zero = Decimal(0)
    rows = []
    for pk, code, name, short, order, *_grp, b, a, sp, c, cn, rc, owed in _fetch(
        user=user, government=city, year=year, month=month, project=project
    ):
        completion = read_sum(c, 4)
        rows.append(
            TreeRow(
                unit=_ref(pk, code, name, short, order, "district"),
                month=month,
                budget=read_sum(b, 2) or zero,
                arrived=read_sum(a, 2) or zero,
                spent=read_sum(sp, 2) or zero,
                completion=completion / cn if cn and completion is not None else None,
                owed=int(owed or 0),
                confirmed=int(rc or 0),
                districts_reporting=1 if rc else 0,
            )
        )
    return _score(rows)


def province_table(
    *, user: Any, province: Organisation, year: int, month: int, project: Project | None = None
) -> list[TreeRow]:
    """The province's table: one row per city, summed over its districts' confirmed figures (completion: the
    mean of the districts' completion rates, over those with confirmed figures), ranked. One query."""
    if not may_see_tree(user, province) or province.level != Level.PROVINCE:
        return []
    zero = Decimal(0)
    cities: dict[int, TreeRow] = {}
    completions: dict[int, list[Decimal]] = {}
    for row in _fetch(user=user, government=province, year=year, month=month, project=project):
        gid, gcode, gname, gshort, gorder, b, a, sp, c, cn, rc, owed = row[5:]
        total = cities.get(gid)
        if total is None:
            unit = _ref(gid, gcode, gname, gshort, gorder, "city")
            total = cities[gid] = TreeRow(unit=unit, month=month, districts=0)
            completions[gid] = []
        total.districts += 1
        total.budget += read_sum(b, 2) or zero
        total.arrived += read_sum(a, 2) or zero
        total.spent += read_sum(sp, 2) or zero
        total.owed += int(owed or 0)
        total.confirmed += int(rc or 0)
        if rc:
            total.districts_reporting += 1
        completion = read_sum(c, 4)
        if cn and completion is not None:
            completions[gid].append(completion / cn)
    for gid, total in cities.items():
        done = completions[gid]
        total.completion = sum(done, zero) / len(done) if done else None
    return _score(list(cities.values()))


def tree_table(
    *, user: Any, government: Organisation, year: int, month: int, project: Project | None = None
) -> list[TreeRow]:
    """The roll-up of ``government``: the city's table of districts or the province's of cities."""
    fn = city_table if government.level == Level.CITY else province_table
    kwargs = {"city" if government.level == Level.CITY else "province": government}
    return fn(user=user, year=year, month=month, project=project, **kwargs)


# --- selectors for the pages -------------------------------------------------------------------------------


def tree_governments(user: Any) -> list[Organisation]:
    """The governments whose roll-up the user may open: its own (a city or the province) and the cities below
    it; the 系统管理员 every province and city."""
    actor = actor_for(user)
    qs = Organisation.objects.filter(level__in=(Level.CITY, Level.PROVINCE))
    if not actor.unscoped:
        if not actor.is_staff_wide:
            return []
        qs = qs.filter(pk__in=[actor.government_id, *actor.lower_government_ids])
    order = {Level.PROVINCE: 0, Level.CITY: 1}
    return sorted(qs, key=lambda o: (order[o.level], o.order, o.name))


def tree_government(user: Any, code: str | None) -> Organisation | None:
    """The government of the page: ``code`` if the user may open its roll-up, else the user's own (the first one
    it may open); None when it may open none (or ``code`` is not one of them)."""
    governments = tree_governments(user)
    if code:
        return next((g for g in governments if g.code == code), None)
    own = actor_for(user).government_id
    return next((g for g in governments if g.pk == own), governments[0] if governments else None)


def tree_projects(user: Any, government: Organisation, year: int) -> list[Project]:
    """The government's own projects of ``year`` the user may view (the table of one project)."""
    qs = Project.objects.filter(program__year=year, program__issuer__government=government)
    return list(restrict(qs, user, "view").order_by("order", "id"))


def tree_latest(user: Any, government: Organisation) -> tuple[int | None, int | None]:
    """The latest year with a published program below ``government`` that the user may view, and the latest month
    of that year with confirmed figures (None: none yet)."""
    from reporting.models import Summary

    below = restrict(Program.objects.exclude(issuer__government=government), user, "view")
    if government.level == Level.CITY:
        below = below.filter(issuer__government__parent__government=government)
    else:
        below = below.filter(issuer__government__parent__government__parent__government=government)
    year = below.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return None, None
    month = (
        Summary.objects.filter(
            period__program__in=below.filter(year=year), unit__isnull=True, reports_confirmed__gt=0
        )
        .order_by("-period__month")
        .values_list("period__month", flat=True)
        .first()
    )
    return year, month
