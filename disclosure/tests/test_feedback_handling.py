"""Public feedback handled by 民生办 outside the admin: answered or closed with a reply, audited, versioned."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from catalogue.models import Program
from core.models import AuditEvent
from core.services import ConflictError
from disclosure.models import Feedback
from disclosure.services import feedback_handle, feedback_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def feedback() -> Feedback:
    return feedback_submit(
        program=Program.objects.get(year=2021), project=None, satisfaction=2, aware=True, text="道路修得太慢"
    )


def test_office_answers_feedback_and_it_is_audited(office: Any, feedback: Feedback) -> None:
    feedback_handle(
        actor=office, feedback=feedback, outcome="answered", reply="已转区交通运输局", expected_version=1
    )
    feedback.refresh_from_db()
    assert feedback.handled and feedback.outcome == "answered" and feedback.handled_by == office
    event = AuditEvent.objects.get(action="state", object_id=str(feedback.pk))
    assert event.reason == "已转区交通运输局" and event.before["handled"] is False
    assert "token_nonce" not in event.after


def test_handling_needs_a_reply(office: Any, feedback: Feedback) -> None:
    with pytest.raises(ValidationError) as exc:
        feedback_handle(actor=office, feedback=feedback, outcome="closed", reply="  ", expected_version=1)
    assert "reply" in exc.value.message_dict


def test_handling_refuses_a_stale_version(office: Any, feedback: Feedback) -> None:
    feedback_handle(actor=office, feedback=feedback, outcome="closed", reply="重复意见", expected_version=1)
    with pytest.raises(ConflictError):
        feedback_handle(
            actor=office, feedback=feedback, outcome="answered", reply="再答复", expected_version=1
        )


@pytest.mark.parametrize("role", ["leader", "dept_health", "town_shitai", "supervisor"])
def test_only_the_office_handles_feedback(persona: Any, feedback: Feedback, role: str) -> None:
    with pytest.raises(PermissionDenied):
        feedback_handle(
            actor=persona(role), feedback=feedback, outcome="closed", reply="x", expected_version=1
        )


def test_office_handles_feedback_on_the_page(client_for: Any, feedback: Feedback) -> None:
    client = client_for("office")
    listing = client.get(reverse("disclosure:feedback_list")).content.decode()
    assert "道路修得太慢" in listing and reverse("disclosure:feedback_detail", args=[feedback.pk]) in listing
    url = reverse("disclosure:feedback_detail", args=[feedback.pk])
    response = client.post(url, {"outcome": "answered", "reply": "已转办", "version": 1})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.handled and feedback.reply == "已转办"
    assert "道路修得太慢" not in client.get(reverse("disclosure:feedback_list")).content.decode()
    handled = client.get(reverse("disclosure:feedback_list") + "?status=handled").content.decode()
    assert "道路修得太慢" in handled and "已答复" in handled
    page = client.get(url).content.decode()
    assert "已转办" in page and 'id="history"' in page


def test_page_shows_an_empty_reply_error(client_for: Any, feedback: Feedback) -> None:
    url = reverse("disclosure:feedback_detail", args=[feedback.pk])
    response = client_for("office").post(url, {"outcome": "answered", "reply": "", "version": 1})
    assert response.status_code == 200 and "答复（处理意见）" in response.content.decode()
    feedback.refresh_from_db()
    assert not feedback.handled


def test_leader_reads_but_cannot_handle(client_for: Any, feedback: Feedback) -> None:
    client = client_for("leader")
    url = reverse("disclosure:feedback_detail", args=[feedback.pk])
    page = client.get(url).content.decode()
    assert "道路修得太慢" in page and 'data-testid="feedback-form"' not in page
    assert client.post(url, {"outcome": "closed", "reply": "x", "version": 1}).status_code == 403


def test_home_todo_links_to_the_feedback_page(client_for: Any, feedback: Feedback) -> None:
    client = client_for("office")
    page = client.get("/").content.decode()
    assert reverse("disclosure:feedback_detail", args=[feedback.pk]) in page  # exactly one: straight to it
    feedback_submit(program=feedback.program, project=None, satisfaction=3, aware=True, text="第二条")
    page = client.get("/").content.decode()
    assert reverse("disclosure:feedback_list") + "?status=open" in page
