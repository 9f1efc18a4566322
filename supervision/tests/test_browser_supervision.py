"""Browser journeys: a supervisor files an inspection with a photo from a phone-sized screen → the town answers →
the office verifies and closes; a public visitor browses the portal and leaves feedback."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from core.tests.test_browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_supervisor_town_office_loop_on_a_phone(browser_page: Any, tmp_path: Path, settings: Any) -> None:
    from django.contrib.auth import get_user_model
    from PIL import Image

    from catalogue.models import Program
    from supervision.models import Finding
    from supervision.services import supervisor_register

    settings.MEDIA_ROOT = tmp_path / "media"
    User = get_user_model()
    supervisor_register(
        actor=User.objects.get(username="t_office"),
        data={
            "name": "示例监督员",
            "category": "cppcc",
            "certificate_no": "示例-2021-009",
            "user": User.objects.get(username="t_supervisor"),
            "term_start": dt.date(2021, 1, 1),
            "term_end": dt.date(2030, 12, 31),
        },
    )
    program = Program.objects.filter(status="published", is_sample=False).order_by("-year").first()
    project = program.projects.get(name="农村厕所改造及粪污资源化利用")
    photo = tmp_path / "现场.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "orange").save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "supervisor")
    page.goto(page.base_url + "/supervision/inspections/new/")
    page.fill("#id_date", "2021-09-01")
    page.select_option("#id_unit", label="石台镇")
    page.select_option("#id_projects", value=str(project.pk))
    page.fill("#id_place", "示例村")
    page.check("input[name=methods][value=site]")
    page.fill("#id_summary", "抽查10户，2户厕具损坏")
    page.fill("#id_finding", "2户厕具损坏未维修")
    page.fill("#id_deadline", "2021-10-01")
    page.set_input_files("#photos", str(photo))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form is {width}px wide on a phone"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-inspection.png"), full_page=True)
    page.click("button:has-text('提交')")
    assert "已提交监督情况表" in page.inner_text("main")
    finding = Finding.objects.get(description="2户厕具损坏未维修")

    page.click("text=退出登录") if page.is_visible("text=退出登录") else page.goto(page.base_url + "/")
    page.context.clear_cookies()
    login(page, "town_shitai")
    page.goto(page.base_url + f"/supervision/findings/{finding.pk}/")
    page.fill("textarea[name=text]", "已更换2户厕具")
    page.set_input_files("#evidence", str(photo))
    page.click("button[value=answer]")
    assert page.inner_text("[data-testid=finding-status]") == "已反馈"

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "office")
    page.goto(page.base_url + f"/supervision/findings/{finding.pk}/")
    page.click("button[value=close]")
    assert page.inner_text("[data-testid=finding-status]") == "已销号"


def test_public_visitor_browses_and_leaves_feedback(browser_page: Any) -> None:
    from disclosure.models import Feedback

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/public/")
    page.click("text=杜集区人民政府关于2021年实施33项民生工程的通知")
    page.click("[data-testid=project-cards] >> text=农村危房改造")  # a phone shows the projects as cards
    assert page.inner_text("[data-testid=public-project]") == "农村危房改造"
    page.check("input[name=satisfaction][value='5']")
    page.fill("textarea[name=text]", "示例意见：希望扩大覆盖面")
    page.wait_for_timeout(3200)  # the form refuses submissions faster than a person types
    page.click("[data-testid=feedback-form] button")
    assert "感谢您的意见" in page.inner_text("main")
    assert Feedback.objects.filter(text="示例意见：希望扩大覆盖面", satisfaction=5).exists()
    page.screenshot(path=str(ARTIFACTS / "phone-portal.png"), full_page=True)
