"""Public feedback: single-use form tokens, limits per visitor and per project, personal data masked."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from catalogue.models import Program, Project
from disclosure.models import Feedback
from disclosure.services import personal_mask
from portal import views
from portal.forms import feedback_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db: Any) -> Project:
    cache.clear()
    return Project.objects.filter(program__year=2021, program__status=Program.Status.PUBLISHED).first() or (
        Project.objects.filter(program__year=2021).first()
    )


def _post(client: Any, project: Project, token: str | None = None, ip: str = "10.1.0.1", **extra: Any) -> Any:
    data = {
        "satisfaction": "4",
        "aware": "1",
        "text": "路修得很好",
        "website": "",
        "token": token or feedback_token(time.time() - 10),
        **extra,
    }
    return client.post(reverse("portal:project", args=[project.pk]), data, REMOTE_ADDR=ip)


def test_form_token_is_single_use(client: Any, project: Project) -> None:
    token = feedback_token(time.time() - 10)
    assert _post(client, project, token).status_code == 302
    again = _post(client, project, token, ip="10.1.0.2")
    assert again.status_code == 200 and "已经提交过" in again.content.decode()
    assert Feedback.objects.count() == 1


def test_token_spent_by_a_simultaneous_submission_is_refused(project: Project) -> None:
    """Two submissions that both passed the form's check (different server processes): the unique nonce
    column lets only the first one in."""
    from django.core.exceptions import ValidationError

    from disclosure.services import feedback_submit

    args = {"program": project.program, "project": project, "satisfaction": 5, "aware": True, "text": ""}
    feedback_submit(**args, nonce="n-1")
    with pytest.raises(ValidationError, match="已经提交过"):
        feedback_submit(**args, nonce="n-1")
    assert Feedback.objects.count() == 1


def test_invalid_submission_does_not_spend_the_token(client: Any, project: Project) -> None:
    token = feedback_token(time.time() - 10)
    assert _post(client, project, token, satisfaction="").status_code == 200
    assert _post(client, project, token).status_code == 302


def test_old_token_without_nonce_is_refused(client: Any, project: Project) -> None:
    from django.core import signing

    from portal.forms import SALT

    response = _post(client, project, signing.dumps(time.time() - 10, salt=SALT))
    assert "页面已过期" in response.content.decode() and not Feedback.objects.exists()


def test_limit_per_visitor(client: Any, project: Project) -> None:
    for _ in range(views.FEEDBACK_PER_HOUR):
        assert _post(client, project).status_code == 302
    assert "提交次数过多" in _post(client, project).content.decode()
    assert _post(client, project, ip="10.1.0.99").status_code == 302


def test_limit_per_project_across_visitors(client: Any, project: Project, monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "FEEDBACK_PER_TARGET_HOUR", 3)
    for i in range(3):
        assert _post(client, project, ip=f"10.2.0.{i}").status_code == 302
    assert "提交次数过多" in _post(client, project, ip="10.2.0.50").content.decode()
    other = Project.objects.filter(program=project.program).exclude(pk=project.pk).first()
    assert _post(client, other, ip="10.2.0.51").status_code == 302
    assert Feedback.objects.filter(project=project).count() == 3


def test_one_visitor_cannot_use_up_a_projects_quota(client: Any, project: Project, monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "FEEDBACK_PER_TARGET_HOUR", views.FEEDBACK_PER_HOUR + 1)
    for _ in range(views.FEEDBACK_PER_HOUR + 5):
        _post(client, project, ip="10.3.0.1")
    assert _post(client, project, ip="10.3.0.2").status_code == 302


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我叫张三，路面很好", "我叫***，路面很好"),
        ("本人李四，希望加快进度", "本人***，希望加快进度"),
        ("姓名：王五", "姓名：***"),
        ("联系人: 欧阳娜娜", "联系人: ***"),
        ("我是王小明", "我是***"),
        ("身份证号34062119900101123X", "身份证号***"),
        ("身份证 340621199001011234 ", "身份证 *** "),
        ("老证件340621900101123", "老证件***"),
        ("电话138-1234-5678", "电话***"),
    ],
)
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert personal_mask(text) == masked


@pytest.mark.parametrize("text", ["本人认为很好", "我是村民", "2021年完成12个村", "编号20210001"])
def test_ordinary_text_is_kept(text: str) -> None:
    assert personal_mask(text) == text


def test_submitted_feedback_is_stored_masked(client: Any, project: Project) -> None:
    assert _post(client, project, text="我叫张三，身份证34062119900101123X").status_code == 302
    assert Feedback.objects.get().text == "我叫***，身份证***"
