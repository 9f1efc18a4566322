"""The replica router: with a second alias ``replica`` pointing at the same database (as a streaming standby would
hold the same data), the read-only pages read there and everything else, writes included, stays on the primary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Program
from core.db_router import REPLICA, replica_reads

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup: None) -> Iterator[None]:
    """The alias ``replica`` on the test database, as MINSHENG_REPLICA_URL would add it: its own connection, so
    its queries can be told apart (module-scoped: it must exist before the test case checks its databases)."""
    primary = connections["default"].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary.get("TEST", {}), "MIRROR": "default"}}
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def replica(world_reloaded: None) -> Any:
    return connections[REPLICA]


def _tables(ctx: CaptureQueriesContext) -> str:
    return " ".join(q["sql"] for q in ctx.captured_queries)


def test_router_sends_reads_in_replica_context_only(replica: Any) -> None:
    assert router.db_for_read(Program) == "default"
    with replica_reads():
        assert router.db_for_read(Program) == REPLICA
        assert router.db_for_read(Session) == "default"  # sessions: read-your-own-writes
        assert router.db_for_write(Program) == "default"
        with CaptureQueriesContext(replica) as ctx:
            program = Program.objects.order_by("pk").first()
        assert program is not None and program._state.db == REPLICA
        assert "catalogue_program" in _tables(ctx)
    assert router.db_for_write(Program, instance=program) == "default"  # never written back to the replica
    assert router.allow_migrate(REPLICA, "catalogue") is False


def test_public_portal_and_dashboard_read_from_replica(replica: Any, client_for: Any) -> None:
    with CaptureQueriesContext(replica) as ctx:
        assert client_for("anon").get(reverse("portal:index")).status_code == 200
    assert "catalogue_program" in _tables(ctx)

    program = Program.objects.order_by("pk").first()
    office = client_for("office")
    with CaptureQueriesContext(replica) as ctx:
        assert office.get(reverse("catalogue:program_detail", args=[program.pk])).status_code == 200
    assert "catalogue_project" in _tables(ctx)
    for primary_only in ("django_session", "auth_user", "orgs_membership"):  # who may see what: the primary's
        assert f'FROM "{primary_only}"' not in _tables(ctx)


def test_other_pages_and_posts_stay_on_primary(replica: Any, client_for: Any) -> None:
    office = client_for("office")
    program = Program.objects.order_by("pk").first()
    with CaptureQueriesContext(replica) as ctx:
        assert office.get(reverse("catalogue:program_list")).status_code == 200
        office.post(reverse("catalogue:program_detail", args=[program.pk]), {})
    assert ctx.captured_queries == []
