"""Notices in the forms they really take: category-grouped lists, Arabic item numbers, bracketed 牵头单位,
领导小组办公室 issuers without a 文号, other program nouns, and counts that do not add up."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from catalogue.models import Program
from catalogue.notice import (
    ITEM_MARKS,
    Item,
    NoticeData,
    Style,
    docx_text,
    notice_document,
    notice_text,
    parse_text,
    render_text,
)
from catalogue.services import program_create_from_notice
from catalogue.tests.test_notice import notices
from orgs.models import Organisation

NOTICES = Path(__file__).parent / "notices"


def fixture(name: str) -> str:
    return (NOTICES / name).read_text(encoding="utf-8")


def shape(data: NoticeData) -> list[tuple[str, list[tuple[str, str, list[str]]]]]:
    return [(name, [(i.title, i.text, i.leads) for i in items]) for name, items in data.categories]


def test_grouped_minsheng_shishi_notice_has_no_unplaced_line() -> None:
    parsed = parse_text(fixture("minsheng-shishi-grouped.txt"))
    assert parsed.problems == []
    data = parsed.data
    assert (data.year, data.count, data.noun, data.doc_number) == (2023, 12, "民生实事", "")
    assert data.issuer_name == data.signature == "示例区民生工作领导小组办公室"
    assert [name for name, _ in data.categories] == [
        "就业创业类",
        "教育类",
        "医疗卫生类",
        "养老服务类",
        "城乡建设类",
    ]
    assert (data.style.categories, data.style.items, data.style.across) == ("一、", "1.", True)
    second = data.categories[0][1][1]
    assert (second.title, second.text, second.leads) == (
        "实施创业担保贷款贴息",
        "发放创业担保贷款3000万元，扶持带动就业1000人。",
        ["区人社局", "区财政局"],
    )
    assert data.categories[3][1][0].text == "" and data.categories[3][1][0].leads == ["区民政局"]
    assert data.requirements.startswith("（一）加强组织领导。") and data.date == "2023年2月20日"


def test_paren_numbers_under_paren_categories_with_lenticular_leads() -> None:
    parsed = parse_text(fixture("nuanminxin-paren.txt"))
    assert parsed.problems == []
    data = parsed.data
    assert (data.noun, data.count, data.count_stated) == ("暖民心行动", 3, False)
    assert data.title == "关于印发2024年示例市暖民心行动重点任务清单的通知"
    assert (data.style.categories, data.style.items, data.style.leads) == (
        "（一）",
        "（1）",
        "【牵头单位】{}",
    )
    assert shape(data)[1] == ("老年助餐", [("新建老年食堂20个", "", ["市民政局", "市财政局"])])


def test_flat_list_with_full_width_stops_and_ascii_brackets() -> None:
    parsed = parse_text(fixture("flat-arabic-dot.txt"))
    data = parsed.data
    assert [name for name, _ in data.categories] == [""] and data.style.categories == ""
    assert data.style.items == "1．" and data.style.leads == "(责任单位：{})"
    assert [i.leads for i in data.categories[0][1]] == [["县文旅局"], ["县住建局"], ["县住建局", "县城管局"]]
    # the title states 十项 in Chinese numerals; three are listed: warned, never corrected
    assert data.count == 10 and data.title == "关于2022年实施十项民生实事的通知"
    assert [(p.line, p.message, p.level) for p in parsed.problems] == [
        (2, "标题称10项，正文列出3项", "warning")
    ]


@pytest.mark.parametrize("item_mark", ["1、", "1.", "（1）", "(1)"])
def test_each_arabic_numbering_under_chinese_categories(item_mark: str) -> None:
    def m(n: int) -> str:
        return item_mark.replace("1", str(n))

    text = "\n".join(
        [
            "示例县民生工程领导小组办公室",
            "关于2025年实施3项民生工程的通知",
            "一、教育类",
            f"{m(1)}新建幼儿园1所。（牵头单位：县教体局）",
            f"{m(2)}改造校舍。改造面积2000平方米。（牵头单位：县教体局）",
            "二、卫生类",
            f"{m(3)}建设中医馆。（责任单位：县卫健委、县医保局）",
        ]
    )
    parsed = parse_text(text)
    assert parsed.problems == []
    assert parsed.data.style.items == item_mark and parsed.data.style.across
    assert shape(parsed.data) == [
        ("教育类", [("新建幼儿园1所", "", ["县教体局"]), ("改造校舍", "改造面积2000平方米。", ["县教体局"])]),
        ("卫生类", [("建设中医馆", "", ["县卫健委", "县医保局"])]),
    ]


def test_wrapper_heading_over_paren_categories_and_restarting_numbers() -> None:
    text = "\n".join(
        [
            "示例市人民政府",
            "关于2024年实施3项民生实事的通知",
            "各县区人民政府：",
            "一、民生实事项目",
            "（一）就业创业",
            "1.就业帮扶。新增就业1万人。（牵头单位：市人社局）",
            "2.创业贷款。发放贷款1亿元。（牵头单位：市人社局）",
            "（二）养老服务",
            "1.老年食堂。新建20个。（牵头单位：市民政局）",
            "二、保障措施",
            "加强调度。",
        ]
    )
    parsed = parse_text(text)
    assert parsed.problems == []
    style = parsed.data.style
    assert (style.wrapper, style.categories, style.items, style.across) == (
        "民生实事项目",
        "（一）",
        "1.",
        False,
    )
    assert (style.requirements, parsed.data.requirements) == ("保障措施", "加强调度。")
    assert [len(items) for _, items in parsed.data.categories] == [2, 1]


def test_unplaced_lines_of_a_grouped_notice_are_reported_with_their_line_numbers() -> None:
    text = fixture("minsheng-shishi-grouped.txt").replace(
        "二、教育类\n", "二、教育类\n本类项目由教体局统筹。\n"
    )
    parsed = parse_text(text)
    line = text.splitlines().index("本类项目由教体局统筹。") + 1
    assert [(p.line, p.level) for p in parsed.problems] == [(line, "error")]
    assert "本类项目由教体局统筹" in parsed.problems[0].message and not parsed.ok


def test_counts_that_do_not_add_up_are_warned_not_corrected() -> None:
    text = "\n".join(
        [
            "示例区民生工作领导小组办公室",
            "关于2023年实施5项民生实事的通知",
            "区政府决定2023年实施4项民生实事。",
            "一、教育类（3项）",
            "1.新建幼儿园。（牵头单位：区教体局）",
            "2.改造校舍。（牵头单位：区教体局）",
            "二、卫生类",
            "4.建设中医馆。（牵头单位：区卫健委）",
        ]
    )
    parsed = parse_text(text)
    assert parsed.ok and parsed.data.count == 5
    assert [(p.line, p.message) for p in parsed.problems] == [
        (2, "标题称5项，正文列出3项"),
        (3, "开头语称4项民生实事，正文列出3项"),
        (4, "“教育类”称3项，实际列出2项"),
        (8, "序号为4，按顺序应为3"),
    ]
    assert all(p.level == "warning" for p in parsed.problems)


def test_title_over_two_lines_and_lead_units_on_their_own_line() -> None:
    text = "\n".join(
        [
            "示例县人民政府",
            "关于2026年实施2项",
            "民生实事的通知",
            "1、建设城市书房。",
            "牵头单位：县文旅局",
            "2、改造公厕。（牵头单位：县城管局）",
        ]
    )
    parsed = parse_text(text)
    assert parsed.problems == [] and parsed.data.title == "关于2026年实施2项民生实事的通知"
    assert [i.leads for i in parsed.data.categories[0][1]] == [["县文旅局"], ["县城管局"]]


TITLE = st.text(alphabet="甲乙丙丁农村教育医疗养老就业住房水利文化体育道路环境", min_size=2, max_size=10)
UNIT = st.sampled_from(["区教体局", "区卫健委", "区民政局", "省人力资源社会保障厅", "市住建局"])


@st.composite
def grouped_notices(draw: Any) -> NoticeData:
    item_mark = draw(st.sampled_from(ITEM_MARKS))
    flat = draw(st.booleans())
    # a category is numbered above its items: "（一）" items go under "一、" categories
    category_mark = (
        "" if flat else draw(st.sampled_from(["一、"] if item_mark == "（一）" else ["一、", "（一）"]))
    )
    wrapper = draw(st.sampled_from(["", "民生实事项目"])) if category_mark == "（一）" else ""
    style = Style(
        categories=category_mark,
        items=item_mark,
        across=not flat and item_mark != "（一）" and draw(st.booleans()),
        leads=draw(st.sampled_from(["（牵头单位：{}）", "(责任单位：{})", "【牵头单位】{}"])),
        wrapper=wrapper,
        category_counts=not flat and draw(st.booleans()),
        requirements=draw(st.sampled_from(["工作要求", "保障措施"])),
    )
    titles = iter(draw(st.lists(TITLE, min_size=12, max_size=12, unique=True)))
    names = draw(
        st.lists(
            st.sampled_from(["教育类", "就业创业", "医疗卫生", "养老服务"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    categories = []
    for name in [""] if flat else names:
        items = [
            Item(
                next(titles),
                draw(st.sampled_from(["", "示例内容。", "新增学位900个，惠及1.2万人。"])),
                leads=draw(st.lists(UNIT, min_size=0, max_size=2, unique=True)),
            )
            for _ in range(draw(st.integers(1, 4)))
        ]
        categories.append((name, items))
    data = NoticeData(
        year=draw(st.integers(2015, 2035)),
        count=sum(len(items) for _, items in categories),
        noun=draw(st.sampled_from(["民生工程", "民生实事", "暖民心行动"])),
        issuer_name=draw(st.sampled_from(["示例区人民政府", "示例市民生工作领导小组办公室"])),
        recipients=draw(st.sampled_from(["", "各镇人民政府"])),
        preamble=draw(st.sampled_from(["", "现将有关事项通知如下："])),
        requirements=draw(st.sampled_from(["", "加强调度。"])),
        date=draw(st.sampled_from(["", "2023年2月20日"])),
        categories=categories,
        style=style,
    )
    # what a text cannot show: the form of lead units when none is printed, numbering across one category
    if not data.requirements:
        data.style.requirements = "工作要求"
    if not any(i.leads for _, items in categories for i in items):
        data.style.leads = "（牵头单位：{}）"
    if len(categories) < 2:
        data.style.across = False
    return data


@hsettings(max_examples=80, deadline=None)
@given(grouped_notices())
def test_round_trip_over_the_styles(data: NoticeData) -> None:
    parsed = parse_text(render_text(data))
    assert parsed.problems == []
    assert shape(parsed.data) == shape(data)
    assert parsed.data.style == data.style
    assert (parsed.data.title, parsed.data.noun, parsed.data.issuer_name) == (
        data.title,
        data.noun,
        data.issuer_name,
    )
    assert parsed.data.requirements == data.requirements


def _import(client: Any, text: str) -> Any:
    url = reverse("catalogue:program_import")
    preview = client.post(url, {"text": text, "action": "preview"})
    token = preview.context["token"]
    issuer = Organisation.objects.get(code="gov")
    return preview, client.post(url, {"token": token, "issuer": issuer.pk, "action": "confirm"})


@pytest.mark.django_db
def test_grouped_notice_imports_as_a_program_and_renders_back_grouped(client_for: Any) -> None:
    text = fixture("minsheng-shishi-grouped.txt")
    preview, confirm = _import(client_for("office"), text)
    page = preview.content.decode()
    assert 'data-testid="parse-clean"' in page and "就业创业类：3" in page
    assert confirm.status_code == 302
    program = Program.objects.get(year=2023, noun="民生实事")
    assert program.status == "draft" and program.projects.count() == 12
    assert list(program.categories.values_list("name", flat=True)) == [
        "就业创业类",
        "教育类",
        "医疗卫生类",
        "养老服务类",
        "城乡建设类",
    ]
    assert program.notice_style["items"] == "1." and program.level == "district"
    project = program.projects.get(name="实施创业担保贷款贴息")
    assert project.category.name == "就业创业类" and project.lead_names == "区人社局、区财政局"
    again = parse_text(notice_text(program))
    assert again.problems == [] and shape(again.data) == shape(parse_text(text).data)
    assert "一、就业创业类" in notice_text(
        program
    ) and "12.新建改造农村公路30公里（牵头单位：区交通运输局）" in notice_text(program)
    # the .docx through the GB/T 9704 renderer reads back to the same list
    from documents.render import render_docx

    buffer = io.BytesIO()
    render_docx(notice_document(program), buffer)
    buffer.seek(0)
    assert shape(parse_text(docx_text(buffer)).data) == shape(parse_text(text).data)


@pytest.mark.django_db
def test_lead_units_are_matched_to_departments_by_name(office: Any) -> None:
    department = Organisation.objects.filter(kind="department").order_by("order").first()
    text = "\n".join(
        [
            "示例区人民政府",
            "关于2031年实施1项民生实事的通知",
            f"1.示例项目。（牵头单位：{department.name}、省某厅）",
        ]
    )
    program = program_create_from_notice(
        actor=office, data=parse_text(text).data, issuer=Organisation.objects.get(code="gov")
    )
    project = program.projects.get()
    assert project.lead_department == department and project.lead_names == f"{department.name}、省某厅"


@pytest.mark.django_db
def test_upper_level_notice_is_marked_with_its_level(office: Any) -> None:
    text = "\n".join(["示例市暖民心行动领导小组办公室", "关于2031年实施1项暖民心行动的通知", "1.示例行动。"])
    program = program_create_from_notice(
        actor=office, data=parse_text(text).data, issuer=Organisation.objects.get(code="gov")
    )
    assert program.level == "city" and program.noun == "暖民心行动"


@pytest.mark.django_db
def test_import_refuses_a_huge_text(client_for: Any) -> None:
    response = client_for("office").post(
        reverse("catalogue:program_import"), {"text": "一" * 200_001, "action": "preview"}
    )
    assert "超过200000字的限制" in response.content.decode() and response.context["parsed"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("通知.docx", b"this is not a zip", "通知.docx"),
        ("通知.txt", b"\x00\x01\x02binary", "不是文本文件"),
    ],
)
def test_import_refuses_wrong_file_content(client_for: Any, name: str, content: bytes, message: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("office").post(
        reverse("catalogue:program_import"), {"file": SimpleUploadedFile(name, content), "action": "preview"}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert response.context["parsed"] is None


@hsettings(max_examples=40, deadline=None)
@given(st.data())
def test_round_trip_of_change_sections_in_each_item_numbering(draw: Any) -> None:
    data = draw.draw(notices())
    data.style.items = draw.draw(st.sampled_from(ITEM_MARKS))
    for item in data.sections["new"] + data.sections["adjust"]:
        item.leads = draw.draw(st.lists(UNIT, max_size=2, unique=True))
    if any(i.leads for i in data.sections["new"] + data.sections["adjust"]):
        data.style.leads = draw.draw(st.sampled_from(["（牵头单位：{}）", "【牵头单位】{}"]))
    parsed = parse_text(render_text(data))
    assert [p for p in parsed.problems if p.level == "error"] == []
    for kind in ("new", "adjust"):
        assert [(i.title, i.text, i.leads) for i in parsed.data.sections[kind]] == [
            (i.title, i.text, i.leads) for i in data.sections[kind]
        ]
    if data.sections["new"] or data.sections["adjust"]:
        assert parsed.data.style.items == data.style.items


def test_change_sections_with_arabic_items_and_lead_units() -> None:
    text = "\n".join(
        [
            "示例区人民政府",
            "关于2022年实施3项民生实事的通知",
            "一、新增2项民生实事",
            "1.新建城市书房。建设2个。（牵头单位：区文旅局）",
            "2.改造农贸市场。改造3个。（牵头单位：区商务局）",
            "二、继续实施1项民生实事",
            "继续实施农村危房改造等1个项目。",
        ]
    )
    parsed = parse_text(text)
    assert parsed.problems == [] and parsed.data.style.items == "1."
    assert [(i.title, i.leads) for i in parsed.data.sections["new"]] == [
        ("新建城市书房", ["区文旅局"]),
        ("改造农贸市场", ["区商务局"]),
    ]


@pytest.mark.django_db
def test_roll_over_keeps_a_program_grouped(office: Any) -> None:
    from catalogue.services import program_roll_over

    program = program_create_from_notice(
        actor=office,
        data=parse_text(fixture("minsheng-shishi-grouped.txt")).data,
        issuer=Organisation.objects.get(code="gov"),
    )
    program.status = Program.Status.PUBLISHED
    program.save()
    draft = program_roll_over(actor=office, program=program)
    parsed = parse_text(notice_text(draft))
    assert parsed.problems == [] and parsed.data.year == 2024
    assert [(name, [(i.title, i.leads) for i in items]) for name, items in parsed.data.categories] == [
        (name, [(i.title, i.leads) for i in items])
        for name, items in parse_text(notice_text(program)).data.categories
    ]


@pytest.mark.django_db
def test_program_page_lists_the_notice_categories(client_for: Any, office: Any) -> None:
    program = program_create_from_notice(
        actor=office,
        data=parse_text(fixture("nuanminxin-paren.txt")).data,
        issuer=Organisation.objects.get(code="gov"),
    )
    page = client_for("office").get(reverse("catalogue:program_detail", args=[program.pk])).content.decode()
    block = page[page.index('data-testid="program-categories"') :]
    assert block.index("就业促进（2）") < block.index("老年助餐（1）")
    assert (
        "市民政局、市财政局" in block
    )  # lead units the district has no department for, as the notice names them


@pytest.mark.django_db
def test_grouped_notice_uploaded_as_docx_previews_without_problems(client_for: Any) -> None:
    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = docx.Document()
    for line in fixture("minsheng-shishi-grouped.txt").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("民生实事.docx", buffer.getvalue())
    response = client_for("office").post(
        reverse("catalogue:program_import"), {"file": upload, "action": "preview"}
    )
    parsed = response.context["parsed"]
    assert parsed.ok and parsed.problems == [] and parsed.data.count == 12
    assert 'data-testid="parse-clean"' in response.content.decode() and response.context["token"]


def test_cooperating_units_in_the_brackets_are_not_taken_for_leads() -> None:
    text = "\n".join(
        [
            "示例县人民政府",
            "关于2025年实施1项民生实事的通知",
            "1.建设城市书房。（牵头单位：县文旅局，配合单位：县财政局）",
        ]
    )
    parsed = parse_text(text)
    assert parsed.problems == [] and parsed.data.categories[0][1][0].leads == ["县文旅局"]


def test_title_without_a_year_takes_it_from_the_date() -> None:
    text = "\n".join(
        [
            "示例省人民政府",
            "关于实施十大暖民心行动的通知",
            "一、就业促进",
            "1.就业帮扶。（牵头单位：省人力资源社会保障厅）",
            "二、老年助餐",
            "2.老年食堂。（牵头单位：省民政厅）",
            "2023年2月8日",
        ]
    )
    parsed = parse_text(text)
    data = parsed.data
    assert (data.year, data.noun, data.count) == (2023, "暖民心行动", 10)
    assert data.title == "关于实施十大暖民心行动的通知"
    assert [(p.line, p.message) for p in parsed.problems] == [(2, "标题称10项，正文列出2项")]


def test_title_naming_a_document_in_book_brackets() -> None:
    text = "示例省人民政府\n关于印发《示例省暖民心行动方案》的通知\n1.就业帮扶。\n2023年2月8日"
    parsed = parse_text(text)
    assert parsed.problems == [] and (parsed.data.year, parsed.data.noun) == (2023, "暖民心行动")
    assert parsed.data.title == "关于印发《示例省暖民心行动方案》的通知"
