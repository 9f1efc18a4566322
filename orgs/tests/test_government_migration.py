"""Migration 0004 (government levels) on an install from before it: the reference tree and the synthetic districts
get their levels and every organisation its government; nothing else changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("orgs", "0003_account_flags")]
AFTER = [("orgs", "0004_government_level")]
ABOVE = ["xiangshan-town", "xiangshan-msb", "xiangshan-gov", "xiangshan", "huaibei-msb", "anhui-msb"]


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_existing_single_district_install_gets_levels(world_reloaded: None) -> None:
    old = _migrate(BEFORE)
    try:
        Org, Membership = old.get_model("orgs", "Organisation"), old.get_model("orgs", "Membership")
        # the install as it was: 杜集区 the root, no city nor province, one synthetic 示例 district
        Membership.objects.filter(organisation__code__in=[*ABOVE, "huaibei", "anhui"]).delete()
        Org.objects.filter(code="duji").update(parent=None)
        for code in ABOVE:
            Org.objects.filter(code=code).delete()
        Org.objects.filter(code="huaibei").delete()
        Org.objects.filter(code="anhui").delete()
        root = Org.objects.create(code="sample-province", name="示例省", kind="other", is_sample=True)
        sample = Org.objects.create(
            code="sample-001", name="示例区001", kind="district", parent=root, is_sample=True
        )
        Org.objects.create(
            code="sample-001-u0", name="示例区001甲镇", kind="town", parent=sample, is_sample=True
        )
        names = dict(Org.objects.values_list("code", "name"))

        new = _migrate(AFTER)
        Org = new.get_model("orgs", "Organisation")
        by_code = {o.code: o for o in Org.objects.all()}
        assert by_code["duji"].level == "district" and by_code["sample-001"].level == "district"
        assert {o.code for o in by_code.values() if o.level} == {"duji", "sample-001"}
        assert by_code["msb"].government_id == by_code["shitai"].government_id == by_code["duji"].pk
        assert by_code["sample-001-u0"].government_id == by_code["sample-001"].pk
        assert by_code["sample-province"].government_id is None
        assert dict(Org.objects.values_list("code", "name")) == names
        # the district's office keeps its scope: it sees and changes its own program (the schema is current now)
        from django.contrib.auth import get_user_model

        from catalogue.models import Program
        from core.policy import can

        office, program = get_user_model().objects.get(username="t_office"), Program.objects.get(year=2021)
        assert can(office, "view", program) and can(office, "change", program)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
