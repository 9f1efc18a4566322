"""以奖代补: a reward pool split among the units of an approved run (hand-computed: by score to the 分 with the
largest remainder, by 档次), recorded as funding lines through funding.services, reversed, refused when wrong."""

from __future__ import annotations

import io
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation import incentives, services
from evaluation.models import PoolStatus, RewardPool, RewardShare, RunStatus, UnitResult
from funding.models import FundingLine
from funding.services import funding_current

pytestmark = pytest.mark.django_db


def _pool(office: Any, s: dict[str, Any], **data: Any) -> RewardPool:
    base = {
        "amount": D("1000000"),
        "rule": "proportional",
        "min_band": "良好",
        "applies_to": "local",
        "target": "next_year",
        "project": s["next_project"],
        "source": "district",
    }
    return services.reward_pool_save(actor=office, run=s["run"], data={**base, **data})


def _shares(pool: RewardPool) -> dict[str, D]:
    return {s.result.unit.code: s.amount for s in pool.shares.select_related("result__unit")}


def test_proportional_shares_are_rounded_to_the_fen_by_largest_remainder(office: Any, assessed: Any) -> None:
    # 1,000,000 × 90/175 = 514,285.714… → 514,285.71; × 85/175 = 485,714.285… → 485,714.28; the 分 left over goes
    # to 段园镇 (remainder .57 > .43)
    pool = _pool(office, assessed)
    planned = incentives.plan(pool, list(assessed["run"].results.select_related("unit")))
    assert {p.result.unit.code: p.amount for p in planned} == {
        "shitai": D("514285.71"),
        "duanyuan": D("485714.29"),
    }
    assert sum(p.amount for p in planned) == D("1000000.00")
    by_code = {p.result.unit.code: p.formula for p in planned}
    assert by_code["shitai"] == "得分 90.00 ÷ 得分合计 175.00 × 1,000,000.00元 = 514,285.71元"
    assert by_code["duanyuan"].endswith("= 485,714.29元（含尾差0.01元）")


def test_equal_scores_share_the_leftover_fen_by_unit_order(office: Any, assessed: Any) -> None:
    run = assessed["run"]
    UnitResult.objects.filter(run=run, unit=assessed["duanyuan"]).update(score=D(90), band="优秀", rank=1)
    pool = _pool(office, assessed, amount=D("100.00"), min_band="优秀")
    planned = incentives.plan(pool, list(run.results.select_related("unit")))
    amounts = sorted(p.amount for p in planned)
    assert amounts == [D("50.00"), D("50.00")]
    third = UnitResult.objects.filter(run=run, group="local").exclude(
        unit__in=[assessed["shitai"], assessed["duanyuan"]]
    )[:1]
    UnitResult.objects.filter(pk__in=third).update(score=D(90), band="优秀", rank=1)
    planned = incentives.plan(pool, list(run.results.select_related("unit")))
    assert sorted(p.amount for p in planned) == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(p.amount for p in planned) == D("100.00")


def test_band_amounts_are_fixed_per_unit_and_may_not_exceed_the_pool(office: Any, assessed: Any) -> None:
    pool = _pool(
        office, assessed, rule="band", amount=D("100000"), band_amounts={"优秀": "50000", "良好": "30000"}
    )
    planned = incentives.plan(pool, list(assessed["run"].results.select_related("unit")))
    assert {p.result.unit.code: p.amount for p in planned} == {"shitai": D("50000"), "duanyuan": D("30000")}
    assert planned[0].formula == "优秀档定额 50,000.00元"
    pool = _pool(
        office, assessed, rule="band", amount=D("100000"), band_amounts={"优秀": "80000", "良好": "30000"}
    )
    with pytest.raises(ValidationError) as exc:
        incentives.plan(pool, list(assessed["run"].results.select_related("unit")))
    assert "band_amounts" in exc.value.message_dict and "超过奖补资金总额" in str(exc.value)


def test_allocation_creates_next_year_funding_lines_and_reversal_takes_them_back(
    office: Any, assessed: Any
) -> None:
    pool = _pool(office, assessed)
    services.reward_pool_allocate(actor=office, pool=pool, expected_version=pool.version)
    pool.refresh_from_db()
    assert pool.status == PoolStatus.ALLOCATED
    line = FundingLine.objects.get(
        project=assessed["next_project"], unit=assessed["shitai"], source="district"
    )
    assert line.original == D("514285.71") and RewardShare.objects.get(line=line).created_line
    with pytest.raises(ValidationError):
        services.reward_pool_allocate(actor=office, pool=pool, expected_version=pool.version)
    with pytest.raises(ValidationError):
        _pool(office, assessed, amount=D("5"))
    services.reward_pool_reverse(
        actor=office, pool=pool, reason="考评结果更正", expected_version=pool.version
    )
    pool.refresh_from_db()
    line.refresh_from_db()
    assert pool.status == PoolStatus.DRAFT and not pool.shares.exists()
    assert funding_current(line) == 0 and "撤销以奖代补分配" in line.adjustments.get().reason
    services.reward_pool_allocate(
        actor=office, pool=pool, expected_version=pool.version
    )  # again, after reversal
    line.refresh_from_db()
    assert funding_current(line) == D("514285.71")


def test_this_years_adjustment_adds_to_the_units_existing_line(office: Any, assessed: Any) -> None:
    pool = _pool(office, assessed, target="adjustment", project=assessed["project"], source="province")
    services.reward_pool_allocate(actor=office, pool=pool, expected_version=pool.version)
    line = FundingLine.objects.get(project=assessed["project"], unit=assessed["shitai"], source="province")
    assert line.original == D("600000") and funding_current(line) == D("600000") + D("514285.71")
    assert "以奖代补" in line.adjustments.get().reason


def test_allocation_waits_for_approval_and_is_the_offices(
    office: Any, town_shitai: Any, assessed: Any
) -> None:
    from evaluation.models import Run

    pool = _pool(office, assessed)
    with pytest.raises(PermissionDenied):
        services.reward_pool_allocate(actor=town_shitai, pool=pool, expected_version=pool.version)
    Run.objects.filter(pk=assessed["run"].pk).update(status=RunStatus.COMPUTED)
    pool.refresh_from_db()
    with pytest.raises(ValidationError, match="审定"):
        services.reward_pool_allocate(actor=office, pool=pool, expected_version=pool.version)
    assert not FundingLine.objects.filter(project=assessed["next_project"]).exists()


def test_a_project_of_the_wrong_year_is_refused_naming_the_field(office: Any, assessed: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _pool(office, assessed, target="next_year", project=assessed["project"])
    assert "project" in exc.value.message_dict and "2022年度" in str(exc.value)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("NaN", "奖补资金总额"),
        ("1e30", "奖补资金总额"),
        ("-5", "奖补资金总额"),
        ("100001", "奖补资金总额"),
        ("", "必填"),
    ],
)
def test_the_pool_form_refuses_bad_amounts_naming_the_field(
    client_for: Any, assessed: Any, amount: str, message: str
) -> None:
    url = reverse("evaluation:incentives", args=[assessed["run"].pk])
    body = client_for("office").post(url, _form(assessed, {"pool-amount": amount})).content.decode()
    assert message in body and not RewardPool.objects.exists()


def test_the_pool_form_refuses_huge_text(client_for: Any, assessed: Any) -> None:
    url = reverse("evaluation:incentives", args=[assessed["run"].pk])
    response = client_for("office").post(url, _form(assessed, {"pool-note": "长" * 5000}))
    assert response.status_code == 200 and not RewardPool.objects.exists()


def _form(s: dict[str, Any], extra: dict[str, str]) -> dict[str, Any]:
    return {
        "action": "pool",
        "pool-amount": "100",
        "pool-rule": "proportional",
        "pool-applies_to": "local",
        "pool-min_band": "良好",
        "pool-target": "next_year",
        "pool-project": str(s["next_project"].pk),
        "pool-source": "district",
        **extra,
    }


def test_page_previews_then_allocates_and_the_town_sees_its_own_reward(
    client_for: Any, assessed: Any
) -> None:
    url = reverse("evaluation:incentives", args=[assessed["run"].pk])
    c = client_for("office")
    body = c.post(url, {**_form(assessed, {}), "action": "preview"}).content.decode()
    assert "分配预览" in body and "得分 90.00 ÷ 得分合计 175.00 × 1,000,000.00元" in body
    assert not RewardPool.objects.exists()
    assert c.post(url, _form(assessed, {})).status_code == 302
    pool = RewardPool.objects.get()
    assert c.post(url, {"action": "allocate", "version": pool.version}).status_code == 302
    assert RewardPool.objects.get().status == PoolStatus.ALLOCATED
    assert "51.43" in c.get(url).content.decode()

    town = client_for("town_shitai")
    assert town.get(url).status_code == 403
    mine = UnitResult.objects.get(run=assessed["run"], unit=assessed["shitai"])
    page = town.get(reverse("evaluation:result", args=[mine.pk])).content.decode()
    assert "以奖代补奖补资金 51.43 万元" in page and "48.57" not in page
    assert RewardShare.objects.count() == 2


def test_results_notice_lists_the_rewards_with_their_formula(
    client_for: Any, office: Any, assessed: Any
) -> None:
    import docx
    from pypdf import PdfReader

    pool = _pool(office, assessed)
    services.reward_pool_allocate(actor=office, pool=pool, expected_version=pool.version)
    url = reverse("evaluation:run", args=[assessed["run"].pk])
    c = client_for("office")
    document = docx.Document(io.BytesIO(c.get(url + "?format=docx").content))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + ["\t".join(cell.text for cell in row.cells) for t in document.tables for row in t.rows]
    )
    assert "奖补资金分配（以奖代补）" in text and "安排奖补资金100.00万元" in text
    assert "单位奖补金额 = 奖补资金总额 × 单位得分 ÷ 参与分配单位得分合计（175.00）" in text
    assert (
        "石台镇\t90.00\t优秀\t514,285.71\t51.43" in text and "段园镇\t85.00\t良好\t485,714.29\t48.57" in text
    )
    assert "合计\t\t\t1,000,000.00\t100.00" in text
    pdf = PdfReader(io.BytesIO(c.get(url + "?format=pdf").content))
    pdf_text = "".join(page.extract_text() for page in pdf.pages).replace("\n", "").replace(" ", "")
    assert "奖补资金分配" in pdf_text and "51.43" in pdf_text


def test_api_allocates_and_a_town_lists_only_its_own_share(client_for: Any, assessed: Any) -> None:
    c = client_for("office")
    body = {
        "run": assessed["run"].pk,
        "amount": "1000000",
        "rule": "proportional",
        "min_band": "良好",
        "applies_to": "local",
        "target": "next_year",
        "project": assessed["next_project"].pk,
        "source": "district",
    }
    assert (
        c.post("/api/reward-pools/", {**body, "amount": "NaN"}, content_type="application/json").status_code
        == 400
    )
    wrong = c.post(
        "/api/reward-pools/", {**body, "project": assessed["project"].pk}, content_type="application/json"
    )
    assert wrong.status_code == 400 and "project" in wrong.json()
    created = c.post("/api/reward-pools/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pool = created.json()
    url = f"/api/reward-pools/{pool['id']}/allocate/"
    assert (
        c.post(url, {"expected_version": pool["version"] + 5}, content_type="application/json").status_code
        == 409
    )
    done = c.post(url, {"expected_version": pool["version"]}, content_type="application/json").json()
    assert done["status"] == "allocated" and {s["amount"] for s in done["shares"]} == {
        "514285.71",
        "485714.29",
    }

    town = client_for("town_shitai")
    assert town.get(f"/api/reward-pools/{pool['id']}/").status_code in (403, 404)
    mine = town.get("/api/reward-shares/").json()["results"]
    assert [s["unit"] for s in mine] == [assessed["shitai"].pk]
    assert town.post(url, {"expected_version": 1}, content_type="application/json").status_code in (403, 404)


def test_a_stale_pool_edit_is_refused_and_every_step_is_audited(office: Any, assessed: Any) -> None:
    from core.models import AuditEvent
    from core.services import ConflictError

    pool = _pool(office, assessed)
    with pytest.raises(ConflictError):
        services.reward_pool_save(
            actor=office, run=assessed["run"], data={"amount": D("5")}, expected_version=pool.version + 1
        )
    services.reward_pool_allocate(actor=office, pool=pool, expected_version=pool.version)
    services.reward_pool_reverse(actor=office, pool=pool, reason="更正", expected_version=pool.version)
    reasons = list(AuditEvent.objects.filter(object_id=str(pool.pk)).values_list("reason", flat=True))
    assert {"奖补资金方案", "分配奖补资金", "撤销分配：更正"} <= set(reasons)


def test_a_band_scheme_giving_nobody_anything_is_refused(office: Any, assessed: Any) -> None:
    pool = _pool(office, assessed, rule="band", amount=D("100000"), band_amounts={"合格": "1000"})
    with pytest.raises(ValidationError) as exc:
        services.reward_pool_allocate(actor=office, pool=pool, expected_version=pool.version)
    assert "band_amounts" in exc.value.message_dict
