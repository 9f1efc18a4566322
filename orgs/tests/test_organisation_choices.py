"""Every organisation dropdown lists only organisations of the kind that fits; the roster lists only
supervisor accounts."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.models import Program, Project
from orgs.models import Organisation


def _names(field: Any) -> set[str]:
    return set(field.queryset.values_list("name", flat=True))


@pytest.fixture
def program(db: Any) -> Program:
    return Program.objects.get(year=2021)


def test_lead_department_only_among_departments(program: Program) -> None:
    from catalogue.forms import NewProjectForm, ProjectForm, ProposalForm

    project = Project.objects.filter(program=program).first()
    fields = ProjectForm(instance=project, editable=("lead_department", "co_lead_departments")).fields
    new, proposal = NewProjectForm().fields, ProposalForm().fields
    for field in (
        fields["lead_department"],
        fields["co_lead_departments"],
        new["lead_department"],
        proposal["lead_department"],
    ):
        names = _names(field)
        assert "杜集区卫生健康委员会" in names
        assert not names & {"杜集区", "民生工程特邀监督员", "杜集区人民政府", "石台镇"}, names


def test_implementing_units_are_departments_and_towns(program: Program) -> None:
    from catalogue.forms import ProjectForm

    project = Project.objects.filter(program=program).first()
    names = _names(
        ProjectForm(instance=project, editable=("implementing_units",)).fields["implementing_units"]
    )
    assert {"石台镇", "杜集区卫生健康委员会"} <= names
    assert not names & {"杜集区", "民生工程特邀监督员"}


def test_supervisor_roster_lists_only_supervisor_accounts(program: Program) -> None:
    from supervision.forms import SupervisorForm

    usernames = set(
        SupervisorForm(program=program).fields["user"].queryset.values_list("username", flat=True)
    )
    assert "t_supervisor" in usernames
    assert not usernames & {"t_office", "t_town_shitai", "t_admin", "t_leader"}


def test_inspection_upkeep_and_disclosure_units(program: Program, office: Any) -> None:
    from disclosure.forms import DisclosureForm, PublicityForm
    from supervision.forms import InspectionForm
    from upkeep.forms import AssetForm

    for field in (
        InspectionForm(program=program).fields["unit"],
        AssetForm(user=office).fields["custodian"],
        DisclosureForm(program=program).fields["unit"],
        PublicityForm(program=program).fields["unit"],
    ):
        names = _names(field)
        assert "石台镇" in names
        assert not names & {"杜集区", "民生工程特邀监督员", "中共杜集区委"}, names


def test_a_choice_already_made_stays_choosable(program: Program) -> None:
    from catalogue.forms import ProjectForm

    project = Project.objects.filter(program=program).first()
    project.lead_department = Organisation.objects.get(code="gov")
    assert "杜集区人民政府" in _names(
        ProjectForm(instance=project, editable=("lead_department",)).fields["lead_department"]
    )
