from __future__ import annotations

import io
import re
from typing import Any

import xlsxwriter
from django.contrib.auth import get_user_model
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.models import AuditEvent
from orgs.models import Membership

HEADER = ["姓名", "账号", "单位", "角色", "手机"]
UNITS = [("石台镇", "镇街"), ("区卫健委", "部门"), ("shuoli", "镇街"), ("杜集区交通运输局", "部门")]


def _sheet(rows: list[list[Any]]) -> io.BytesIO:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet("用户")
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    book.close()
    buffer.seek(0)
    buffer.name = "users.xlsx"
    return buffer


def _thirty() -> list[list[Any]]:
    return [
        [f"测试{n}", f"import_{n:02d}", UNITS[n % 4][0], UNITS[n % 4][1], 13900000000 + n] for n in range(30)
    ]


def _upload(client: Any, rows: list[list[Any]]) -> Any:
    return client.post(reverse("orgs:users_import"), {"file": _sheet(rows)})


def test_template_has_the_columns_and_the_units(client_for: Any) -> None:
    response = client_for("office").get(reverse("orgs:users_template"))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["用户", "说明"]
    assert book.get_sheet_by_name("用户").to_python()[0][:5] == HEADER
    units = {row[0] for row in book.get_sheet_by_name("说明").to_python()}
    assert "石台镇" in units


def test_bulk_import_of_30_accounts(client_for: Any) -> None:
    client = client_for("office")
    preview = _upload(client, _thirty())
    page = preview.content.decode()
    assert "将创建30个账号" in page, page
    assert (
        not get_user_model().objects.filter(username__startswith="import_").exists()
    )  # preview writes nothing
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = client.post(reverse("orgs:users_import_confirm"), {"token": token})
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    users = get_user_model().objects.filter(username__startswith="import_")
    assert users.count() == 30
    m = Membership.objects.get(user__username="import_05")
    assert (m.organisation.short_name, m.role, m.phone, m.must_change_password) == (
        "区卫健委",
        "department",
        "13900000005",
        True,
    )
    assert Membership.objects.get(user__username="import_02").organisation.code == "shuoli"
    passwords = re.findall(r'<code class="user-select-all">([^<]+)</code>', done.content.decode())
    assert len(set(passwords)) == 30
    assert users.get(username="import_00").check_password(passwords[0])
    assert (
        AuditEvent.objects.filter(
            content_type__model="user", object_id__in=[str(u.pk) for u in users]
        ).count()
        == 30
    )
    # the token is spent: a second confirm creates nothing and shows no passwords
    again = client.post(reverse("orgs:users_import_confirm"), {"token": token})
    assert again.status_code == 302


def test_bad_sheet_is_refused_whole_with_row_and_column(client_for: Any) -> None:
    rows = _thirty()
    rows[3][2] = "不存在的单位"
    rows[7][1] = "import_01"
    rows[11][3] = "局长"
    rows[15][1] = "t_town_shitai"
    rows[20][2], rows[20][3] = "杜集区", "部门"
    page = _upload(client_for("office"), rows).content.decode()
    assert "将创建" not in page and 'name="token"' not in page
    assert "工作表“用户”第5行“单位”列：“不存在的单位”不是已知的单位" in page
    assert "工作表“用户”第9行“账号”列：账号“import_01”与第3行重复" in page
    assert "工作表“用户”第13行“角色”列：“局长”不是角色" in page
    assert "工作表“用户”第17行“账号”列：账号“t_town_shitai”已存在" in page
    assert "工作表“用户”第22行“单位”列：“杜集区”不能设“部门”账号" in page
    assert not get_user_model().objects.filter(username__startswith="import_").exists()


def test_office_cannot_import_administrators(client_for: Any) -> None:
    page = _upload(client_for("office"), [["某", "import_admin", "msb", "系统管理员", ""]]).content.decode()
    assert "第2行“角色”列：无权授予“系统管理员”角色" in page


def test_username_taken_after_the_preview_fails_the_whole_import(client_for: Any) -> None:
    from orgs.tests._accounts import new_account

    client = client_for("office")
    page = _upload(client, _thirty()).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    new_account("import_29")
    response = client.post(reverse("orgs:users_import_confirm"), {"token": token})
    assert "没有创建任何账号" in response.content.decode()
    assert get_user_model().objects.filter(username__startswith="import_").count() == 1


def test_not_a_spreadsheet(client_for: Any) -> None:
    upload = io.BytesIO(b"not a workbook")
    upload.name = "x.xlsx"
    page = client_for("office").post(reverse("orgs:users_import"), {"file": upload}).content.decode()
    assert "无法读取该文件" in page


def test_import_writes_in_a_fixed_number_of_queries(office: Any, django_assert_max_num_queries: Any) -> None:
    from orgs.models import Organisation
    from orgs.services import AccountData, users_import

    shitai = Organisation.objects.get(code="shitai")
    rows = [
        AccountData(username=f"q_{n}", name=f"测{n}", organisation=shitai, role="town") for n in range(60)
    ]
    with django_assert_max_num_queries(20):
        users_import(actor=office, rows=rows)


def test_preview_holds_the_file_in_staging_and_only_its_token_in_the_session(client_for: Any) -> None:
    from core import staging

    client = client_for("office")
    page = _upload(client, _thirty()).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    held = {k: v for k, v in client.session.items() if k.startswith("staging:")}
    assert held == {"staging:orgs-users-import": token}
    assert (staging.staging_dir() / f"{token}.bin").exists()
    client.post(reverse("orgs:users_import_confirm"), {"token": token})
    assert not (staging.staging_dir() / f"{token}.bin").exists()  # confirmed: gone
    assert get_user_model().objects.filter(username__startswith="import_").count() == 30
