"""Reference programs of 杜集区: 2021 exactly as the notice prints it, and 2020 as the notice implies it.

Primary source: 杜集区人民政府《关于2021年实施33项民生工程的通知》（淮杜政〔2021〕21号，2021年6月2日）,
kept in the repository at ``docs/reference/duji-2021-notice.txt``. Every name, title and text below
that comes from the notice is copied character for character (curly quotes “ ” as printed).

What the notice does NOT say — project kind, lead department (牵头单位), co-lead departments and
implementing units — is filled with inferred defaults (see ``ASSIGNMENTS``) and every project is marked
``assignment_is_default=True`` until the office confirms it. A project whose assignment has been
confirmed locally (``assignment_is_default=False``) keeps its assignment when the data is loaded again.

``reference_data_load`` is idempotent: it upserts by natural keys, writes an audit row only for a real
change, and never deletes anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max

from catalogue.models import AdjustKind, ChangeKind, ContentItem, Program, Project, ProjectChange, ProjectKind
from core.services import model_snapshot
from orgs.models import Organisation
from orgs.reference_data import (
    CREATED,
    STREET_CODES,
    TOWN_CODES,
    UNCHANGED,
    UPDATED,
    ZONE_CODES,
    organisations_load,
    reference_upsert,
)

NOTICE_2021 = "杜集区人民政府《关于2021年实施33项民生工程的通知》（淮杜政〔2021〕21号，2021年6月2日）"

# ---------------------------------------------------------------------------------------------------------
# The 2021 notice
# ---------------------------------------------------------------------------------------------------------

PROGRAM_2021: dict[str, Any] = {
    "year": 2021,
    "issuer": "gov",
    "level": Program.Level.DISTRICT,
    "issuer_name": "杜集区人民政府",
    "noun": "民生工程",
    "title": "",  # derived: 2021年实施33项民生工程
    "doc_number": "淮杜政〔2021〕21号",
    "doc_date": dt.date(2021, 6, 2),
    "basis": "《淮北市人民政府关于2021年实施33项民生工程的通知》（淮政〔2021〕15号）",
    "recipients": "各镇人民政府，各街道办事处，开发区管委会，区政府各部门、各直属机构",
    "preamble": (
        "为全面贯彻落实党的十九大和十九届二中、三中、四中、五中全会精神，认真贯彻习近平总书记考察安徽重要讲话"
        "指示精神，切实保障和改善民生，不断满足人民日益增长的美好生活需要。根据《淮北市人民政府关于2021年实施"
        "33项民生工程的通知》（淮政〔2021〕15号）精神，结合我区实际，区政府决定，2021年继续实施33项民生工程。"
        "现将有关事项通知如下："
    ),
    "requirements": "\n".join(
        [
            "2021年是实施“十四五”规划、开启全面建设社会主义现代化国家新征程的第一年，各级各部门要坚持以人民为"
            "中心的发展思想，紧紧围绕“七有”目标，以民生工程实施为抓手，不断增进人民群众获得感、幸福感、安全感。",
            "（一）强化资金保障。既尽力而为，贴近群众需要，回应群众关切，不断提升就业、教育、医疗、社会保障、文化"
            "等公共服务供给能力，又量力而行，确保民生支出与经济发展相协调、与财力状况相匹配，把有限资金用在刀刃上，"
            "坚决避免脱离实际、寅吃卯粮。",
            "（二）聚焦精准推进。进一步提高项目调度实施、运行维护、宣传引导等关键环节的精准度。在用好财政资金改善"
            "民生的同时，注重调动社会力量和资本推进民生工程，满足人民群众多样化多层次需求。",
            "（三）突出绩效导向。进一步构建全方位绩效导向，在实施过程中加强跟踪问效，落实特邀监督员制度，建立绩效"
            "评价常态机制，突出正向激励和刚性约束，发挥目标管理绩效考评“指挥棒”作用，确保民生工程建好用好。",
            "（四）严格责任落实。强化党委领导、政府负责、财政牵头、部门主管、镇（街道）实施责任体系，细化并签订目标"
            "责任状，压实责任传导；力戒形式主义、官僚主义，上下贯通、联动互动，切实以责任落实加快构建经济强、百姓富、"
            "生态美的新阶段现代化美好杜集民生发展新格局。",
        ]
    ),
    "cc": "区委各部门，区人大常委会办公室，区政协办公室，区监委，区法院、检察院，区人武部。",
    "status": Program.Status.PUBLISHED,
    "is_reconstructed": False,
    "source_note": (
        f"{NOTICE_2021}原文。项目名称、简介、建设内容和项目变化均照录通知；项目类型及牵头、配合、实施单位"
        "通知未载，系按安徽同类项目推定的默认值，待民生办确认。"
    ),
}

#: 一、新增 — in printed order. ``summary`` is the text printed after "name。".
NEW_2021: list[dict[str, Any]] = [
    {
        "name": "城市社区卫生机构和村卫生室标准化建设",
        "summary": "根据深化医药卫生体制改革重点部署，补齐社区卫生服务机构和村卫生室基础设施修缮、医疗设备更新补充、"
        "医疗服务能力培训等标准化建设短板，推动城市和农村医疗卫生网底服务能力进一步提升。",
    },
    {
        "name": "中小学及中职学校教师培训",
        "summary": "为贯彻全面深化新时代教师队伍建设改革意见，推动落实立德树人根本任务，采取集中培训、线上线下培训"
        "等方式，支持提高中小学及中职学校教师综合素质、专业化水平和创新能力。",
    },
    {
        "name": "城乡适龄妇女“两癌”免费筛查",
        "summary": "为贯彻妇女发展纲要，提高妇女“两癌”早诊早治率，对全区35—64岁城镇低保以及农村适龄妇女开展宫颈癌"
        "和乳腺癌免费筛查。",
    },
    {
        "name": "农田建设工程",
        "summary": "为贯彻实施粮食安全战略，推动提高农业质量效益，开展土地平整、土壤改良、灌溉排水、田间道路、农田"
        "防护林与生态环境保持、农田输配电、科技服务和建后管护等。",
    },
    {
        "name": "农作物秸秆产业化利用",
        "summary": "实施乡村振兴战略，推进培育农业产业和改善农村环境，支持开展秸秆标准化收储点（中心）、秸秆产业化"
        "利用、秸秆博览会签约项目、秸秆大中型沼气工程等建设。",
    },
    {
        "name": "小型病险水库除险加固",
        "summary": "聚焦防汛减灾和供水保障，对水库大坝、泄洪建筑物、放水建筑物等采取必要的工程措施，加强水库安全监测、"
        "防汛道路、通讯、房屋等设施管理，进一步增强水库防洪、灌溉、调蓄能力。",
    },
]

#: 二、退出 — the paragraph as printed, and each retired 2020 project with its printed reason.
EXIT_TEXT_2021 = (
    "水利薄弱环节治理三年行动、农产品质量安全追溯任务已完成，资产收益扶贫已实现预期目标，健康脱贫医疗保障平稳过渡"
    "到现有基本医疗保险、大病保险和医疗救助三重保障制度框架内，4个项目不再列为民生工程。"
)
EXITED_2021: list[dict[str, str]] = [
    {"name": "水利薄弱环节治理三年行动", "reason": "任务已完成"},
    {"name": "农产品质量安全追溯", "reason": "任务已完成"},
    {"name": "资产收益扶贫", "reason": "已实现预期目标"},
    {
        "name": "健康脱贫医疗保障",
        "reason": "平稳过渡到现有基本医疗保险、大病保险和医疗救助三重保障制度框架内",
    },
]

#: 三、调整实施 — in printed order. ``printed_title`` is the heading without its number, ``text`` the body
#: printed after it (also used as the 2021 project's summary), ``sources`` the 2020 predecessors,
#: ``name`` the 2021 project and ``items`` its content. ``reason`` only where the notice prints one.
ADJUSTED_2021: list[dict[str, Any]] = [
    {
        "printed_title": "增加幼儿托育内容",
        "text": "与妇幼健康和职业病防治合并为幼儿托育、妇幼健康和职业病防治项目，按照政府引导、部门协同、家庭为主、"
        "社会参与的总体思路，坚持普惠优先，采取多种方式鼓励和支持各类社会力量开办普惠托育机构，为家庭提供科学"
        "养育指导，并对确有婴幼儿照护困难的家庭提供必要服务。",
        "name": "幼儿托育、妇幼健康和职业病防治",
        "sources": ["妇幼健康和职业病防治"],
        "adjust_kinds": [AdjustKind.ADD_CONTENT, AdjustKind.RENAME],
        "reason": "",
        "added_items": ["幼儿托育"],
        "removed_items": [],
        "items": ["幼儿托育", "妇幼健康", "职业病防治"],
    },
    {
        "printed_title": "调整智慧医疗项目",
        "text": "智慧医疗项目中智医助理已实现基层医疗卫生机构全覆盖、智联网医院已常态推进，两项内容退出民生工程，"
        "调整后保留实施“安康码”应用内容。",
        "name": "智慧医疗",
        "sources": ["智慧医疗"],
        "adjust_kinds": [AdjustKind.DROP_CONTENT],
        "reason": "智医助理已实现基层医疗卫生机构全覆盖、智联网医院已常态推进",
        "added_items": [],
        "removed_items": ["智医助理", "智联网医院"],
        "items": ["“安康码”应用"],
    },
    {
        "printed_title": "调整文化惠民工程",
        "text": "增加公共体育场馆免费低收费开放、科技馆免费开放；保留公共文化场馆免费开放、农村文化活动、农村应急广播"
        "体系建设内容；文化信息共享工程因建设任务已完成并已纳入村级综合性文化中心共建共享，农村体育活动因纳入"
        "群众体育竞赛统筹实施，两项内容退出民生工程。",
        "name": "文化惠民工程",
        "sources": ["文化惠民工程"],
        "adjust_kinds": [AdjustKind.ADD_CONTENT, AdjustKind.DROP_CONTENT],
        "reason": "文化信息共享工程因建设任务已完成并已纳入村级综合性文化中心共建共享，"
        "农村体育活动因纳入群众体育竞赛统筹实施",
        "added_items": ["公共体育场馆免费低收费开放", "科技馆免费开放"],
        "removed_items": ["文化信息共享工程", "农村体育活动"],
        "items": [
            "公共文化场馆免费开放",
            "农村文化活动",
            "农村应急广播体系建设",
            "公共体育场馆免费低收费开放",
            "科技馆免费开放",
        ],
    },
    {
        "printed_title": "调整义务教育经费保障项目",
        "text": "将智慧学校建设纳入义务教育经费保障内容，以教育信息化建设推动全区义务教育优质资源共享。",
        "name": "义务教育经费保障",
        "sources": ["义务教育经费保障", "智慧学校建设"],
        "adjust_kinds": [AdjustKind.ABSORB],
        "reason": "",
        "added_items": ["智慧学校建设"],
        "removed_items": [],
        "items": ["义务教育经费保障", "智慧学校建设"],
    },
    {
        "printed_title": "统筹棚户区、城镇老旧小区改造项目",
        "text": "加大统筹力度，将棚户区改造、城镇老旧小区改造合并为棚户区和老旧小区改造。",
        "name": "棚户区和老旧小区改造",
        "sources": ["棚户区改造", "城镇老旧小区改造"],
        "adjust_kinds": [AdjustKind.MERGE],
        "reason": "",
        "added_items": [],
        "removed_items": [],
        "items": ["棚户区改造", "城镇老旧小区改造"],
    },
    {
        "printed_title": "调整党建引领扶贫工程",
        "text": "将党建引领扶贫工程调整为党建引领乡村振兴工程，以加强党的建设为带动，有力促进乡村振兴发展。探索开展"
        "村党组织书记、村委会主任“一肩挑”考核激励试点工作。",
        "name": "党建引领乡村振兴工程",
        "sources": ["党建引领扶贫工程"],
        "adjust_kinds": [AdjustKind.RENAME],
        "reason": "",
        "added_items": [],
        "removed_items": [],
        "items": [],
    },
    {
        "printed_title": "调整“四带一自”产业扶贫项目",
        "text": "将“四带一自”产业扶贫调整为“四带一自”特色种养业提升行动，完善新型农业经营主体和脱贫群众联动发展的"
        "利益联结机制。",
        "name": "“四带一自”特色种养业提升行动",
        "sources": ["“四带一自”产业扶贫"],
        "adjust_kinds": [AdjustKind.RENAME],
        "reason": "",
        "added_items": [],
        "removed_items": [],
        "items": [],
    },
    {
        "printed_title": "调整技能培训提升项目",
        "text": "将技能培训提升中技能脱贫培训调整为脱贫稳就业技能培训，组织易返贫致贫人口参加免费就业技能培训和创业"
        "培训，保留企业新录用人员岗前技能培训、新技工系统培养、退役军人培训、新型职业农民培训内容。",
        "name": "技能培训提升",
        "sources": ["技能培训提升"],
        # A content item renamed (技能脱贫培训 → 脱贫稳就业技能培训): recorded as one out, one in.
        "adjust_kinds": [AdjustKind.ADD_CONTENT, AdjustKind.DROP_CONTENT],
        "reason": "",
        "added_items": ["脱贫稳就业技能培训"],
        "removed_items": ["技能脱贫培训"],
        "items": [
            "脱贫稳就业技能培训",
            "企业新录用人员岗前技能培训",
            "新技工系统培养",
            "退役军人培训",
            "新型职业农民培训",
        ],
    },
]

#: 四、继续实施 — the names in the order of the printed sentence; the notice gives no descriptions.
CONTINUED_2021: list[str] = [
    "农村危房改造",
    "出生缺陷防治",
    "“四好农村路”建设",
    "困难残疾人康复",
    "城乡困难群体法律援助",
    "就业创业促进",
    "农村饮水工程维修养护",
    "美丽乡村建设",
    "农村厕所改造及粪污资源化利用",
    "农村电商提质增效",
    "养老服务和智慧养老",
    "困难人员救助暨困难职工帮扶",
    "城乡居民基本医疗保险",
    "城乡居民大病保险",
    "城乡居民基本养老保险",
    "义务教育营养改善",
    "学前教育促进",
    "家庭经济困难学生资助",
    "水环境生态补偿",
]

#: The 2021 projects in the notice's order: new, then adjusted, then continued.
PROJECTS_2021: list[dict[str, Any]] = [
    *({"name": p["name"], "summary": p["summary"], "items": []} for p in NEW_2021),
    *({"name": a["name"], "summary": a["text"], "items": a["items"]} for a in ADJUSTED_2021),
    *({"name": name, "summary": "", "items": []} for name in CONTINUED_2021),
]

# ---------------------------------------------------------------------------------------------------------
# 2020, reconstructed from the 2021 notice (no 2020 notice was found)
# ---------------------------------------------------------------------------------------------------------

PROGRAM_2020: dict[str, Any] = {
    "year": 2020,
    "issuer": "gov",
    "level": Program.Level.DISTRICT,
    "issuer_name": "杜集区人民政府",
    "noun": "民生工程",
    "title": "",
    "doc_number": "",  # unknown
    "doc_date": None,  # unknown
    "basis": "",
    "recipients": "",
    "preamble": "",
    "requirements": "",
    "cc": "",
    "status": Program.Status.PUBLISHED,
    "is_reconstructed": True,
    "source_note": (
        f"未取得2020年度原始通知。本计划由{NOTICE_2021}推定重建：2021年继续实施的项目、2021年退出的项目，"
        "以及2021年调整实施项目的上年项目（含合并、纳入前的各项）。发文字号、成文日期和项目次序不详；"
        "项目类型及牵头、配合、实施单位系推定默认值。"
    ),
}

#: Predecessors of the 2021 adjusted projects, with the content the 2021 notice attributes to them.
PREDECESSORS_2020: list[dict[str, Any]] = [
    {"name": "妇幼健康和职业病防治", "items": []},
    {"name": "智慧医疗", "items": ["智医助理", "智联网医院", "“安康码”应用"]},
    {
        "name": "文化惠民工程",
        "items": [
            "公共文化场馆免费开放",
            "农村文化活动",
            "农村应急广播体系建设",
            "文化信息共享工程",
            "农村体育活动",
        ],
    },
    {"name": "义务教育经费保障", "items": []},
    {"name": "智慧学校建设", "items": []},
    {"name": "棚户区改造", "items": []},
    {"name": "城镇老旧小区改造", "items": []},
    {"name": "党建引领扶贫工程", "items": []},
    {"name": "“四带一自”产业扶贫", "items": []},
    {
        "name": "技能培训提升",
        "items": [
            "技能脱贫培训",
            "企业新录用人员岗前技能培训",
            "新技工系统培养",
            "退役军人培训",
            "新型职业农民培训",
        ],
    },
]

#: The reconstructed 2020 list: continued, retired, predecessors (the original order is unknown).
PROJECTS_2020: list[dict[str, Any]] = [
    *({"name": name, "summary": "", "items": []} for name in CONTINUED_2021),
    *({"name": e["name"], "summary": "", "items": []} for e in EXITED_2021),
    *({"name": p["name"], "summary": "", "items": p["items"]} for p in PREDECESSORS_2020),
]

# ---------------------------------------------------------------------------------------------------------
# Inferred default assignments — NOT in the notice.
#
# Lead departments follow the "typical lead departments" of Anhui (docs: domain.md). Implementing units:
# projects carried out locally (rural works, enrolment, local relief and care) go to the towns and streets;
# the development zone only joins the urban item (棚户区和老旧小区改造); projects a department delivers
# itself (training, school funding, legal aid, reservoirs, insurance paid from the fund) go to the lead
# department; a project with both kinds of content gets both.
# ---------------------------------------------------------------------------------------------------------

LOCAL_RURAL = (*TOWN_CODES, *STREET_CODES)
LOCAL_ALL = (*TOWN_CODES, *STREET_CODES, *ZONE_CODES)


def _assign(kind: str, lead: str, co: tuple[str, ...] = (), units: tuple[str, ...] | None = None) -> dict:
    return {"kind": kind, "lead": lead, "co": co, "units": units if units is not None else (lead,)}


#: Default assignment by project name (both years, unless ``ASSIGNMENTS_2020`` says otherwise).
ASSIGNMENTS: dict[str, dict[str, Any]] = {
    # 2021 new
    "城市社区卫生机构和村卫生室标准化建设": _assign(ProjectKind.WORKS, "wjw", units=LOCAL_RURAL),
    "中小学及中职学校教师培训": _assign(ProjectKind.TRAINING, "jtj"),
    "城乡适龄妇女“两癌”免费筛查": _assign(ProjectKind.SERVICE, "wjw", co=("fl",), units=LOCAL_RURAL),
    "农田建设工程": _assign(ProjectKind.WORKS, "nyncj", units=LOCAL_RURAL),
    "农作物秸秆产业化利用": _assign(ProjectKind.WORKS, "nyncj", units=LOCAL_RURAL),
    "小型病险水库除险加固": _assign(ProjectKind.WORKS, "slj"),
    # 2021 adjusted
    "幼儿托育、妇幼健康和职业病防治": _assign(ProjectKind.SERVICE, "wjw"),
    "智慧医疗": _assign(ProjectKind.SERVICE, "sjzyj", co=("wjw",)),  # 2021: only “安康码”应用 left
    "文化惠民工程": _assign(ProjectKind.SERVICE, "wltj", co=("kx",), units=("wltj", "kx", *LOCAL_RURAL)),
    "义务教育经费保障": _assign(ProjectKind.SUBSIDY, "jtj"),
    "棚户区和老旧小区改造": _assign(ProjectKind.WORKS, "zjj", units=LOCAL_ALL),
    "党建引领乡村振兴工程": _assign(ProjectKind.SUBSIDY, "zzb", units=LOCAL_RURAL),
    "“四带一自”特色种养业提升行动": _assign(ProjectKind.SUBSIDY, "nyncj", units=LOCAL_RURAL),
    "技能培训提升": _assign(
        ProjectKind.TRAINING, "rsj", co=("tyjrj", "nyncj"), units=("rsj", "tyjrj", "nyncj")
    ),
    # continued (2020 and 2021)
    "农村危房改造": _assign(ProjectKind.WORKS, "zjj", units=LOCAL_RURAL),
    "出生缺陷防治": _assign(ProjectKind.SERVICE, "wjw"),
    "“四好农村路”建设": _assign(ProjectKind.WORKS, "jtysj", units=LOCAL_RURAL),
    "困难残疾人康复": _assign(ProjectKind.SERVICE, "cl"),
    "城乡困难群体法律援助": _assign(ProjectKind.SERVICE, "sfj"),
    "就业创业促进": _assign(ProjectKind.SUBSIDY, "rsj"),
    "农村饮水工程维修养护": _assign(ProjectKind.WORKS, "slj", units=LOCAL_RURAL),
    "美丽乡村建设": _assign(ProjectKind.WORKS, "nyncj", units=LOCAL_RURAL),
    "农村厕所改造及粪污资源化利用": _assign(ProjectKind.WORKS, "nyncj", units=LOCAL_RURAL),
    "农村电商提质增效": _assign(ProjectKind.SUBSIDY, "swj"),
    "养老服务和智慧养老": _assign(ProjectKind.SERVICE, "mzj", units=LOCAL_RURAL),
    "困难人员救助暨困难职工帮扶": _assign(
        ProjectKind.SUBSIDY, "mzj", co=("zgh",), units=(*LOCAL_RURAL, "zgh")
    ),
    "城乡居民基本医疗保险": _assign(ProjectKind.INSURANCE, "ybj", units=LOCAL_RURAL),
    "城乡居民大病保险": _assign(ProjectKind.INSURANCE, "ybj"),
    "城乡居民基本养老保险": _assign(ProjectKind.INSURANCE, "rsj", units=LOCAL_RURAL),
    "义务教育营养改善": _assign(ProjectKind.SUBSIDY, "jtj"),
    "学前教育促进": _assign(ProjectKind.SUBSIDY, "jtj"),
    "家庭经济困难学生资助": _assign(ProjectKind.SUBSIDY, "jtj"),
    "水环境生态补偿": _assign(ProjectKind.SUBSIDY, "sthjfj"),
}

#: 2020-only projects, and 2020 projects whose content (hence owner) differed from 2021.
ASSIGNMENTS_2020: dict[str, dict[str, Any]] = {
    # retired in 2021
    "水利薄弱环节治理三年行动": _assign(ProjectKind.WORKS, "slj", units=LOCAL_RURAL),
    "农产品质量安全追溯": _assign(ProjectKind.SERVICE, "nyncj"),
    "资产收益扶贫": _assign(ProjectKind.SUBSIDY, "nyncj", units=LOCAL_RURAL),
    "健康脱贫医疗保障": _assign(ProjectKind.SUBSIDY, "ybj", co=("wjw",)),
    # predecessors of the 2021 adjusted projects
    "妇幼健康和职业病防治": _assign(ProjectKind.SERVICE, "wjw"),
    "智慧医疗": _assign(ProjectKind.SERVICE, "wjw", co=("sjzyj",)),  # 智医助理、智联网医院 were health work
    "文化惠民工程": _assign(ProjectKind.SERVICE, "wltj", units=("wltj", *LOCAL_RURAL)),
    "智慧学校建设": _assign(ProjectKind.WORKS, "jtj"),
    "棚户区改造": _assign(ProjectKind.WORKS, "zjj", units=LOCAL_ALL),
    "城镇老旧小区改造": _assign(ProjectKind.WORKS, "zjj", units=LOCAL_ALL),
    "党建引领扶贫工程": _assign(ProjectKind.SUBSIDY, "zzb", units=LOCAL_RURAL),
    "“四带一自”产业扶贫": _assign(ProjectKind.SUBSIDY, "nyncj", units=LOCAL_RURAL),
}

PROGRAMS: list[tuple[dict[str, Any], list[dict[str, Any]], dict[str, dict[str, Any]]]] = [
    (PROGRAM_2020, PROJECTS_2020, {**ASSIGNMENTS, **ASSIGNMENTS_2020}),
    (PROGRAM_2021, PROJECTS_2021, ASSIGNMENTS),
]


# ---------------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------------


def _counter() -> dict[str, int]:
    return {CREATED: 0, UPDATED: 0, UNCHANGED: 0}


def _program_upsert(data: dict[str, Any], orgs: dict[str, Organisation], actor: Any, counts: dict) -> Program:
    values = {k: v for k, v in data.items() if k not in ("year", "issuer")}
    program, outcome = reference_upsert(
        Program, lookup={"year": data["year"], "issuer": orgs[data["issuer"]]}, values=values, actor=actor
    )
    counts[outcome] += 1
    return program


def _free_orders(program: Program, rows: list[dict[str, Any]]) -> dict[str, dict]:
    """Make the printed order reachable: move reference projects whose order must change out of the way.

    Returns the snapshots taken before the move, so the audit shows the real previous order.
    """
    wanted = {row["name"]: i for i, row in enumerate(rows, start=1)}
    existing = list(program.projects.all())
    movers = [p for p in existing if p.name in wanted and p.order != wanted[p.name]]
    if not movers:
        return {}
    blocked = [p for p in existing if p.name not in wanted and p.order in set(wanted.values())]
    if blocked:
        raise ValueError(
            f"{program.year}年度计划中“{blocked[0].name}”占用了参考数据的序号{blocked[0].order}，请先调整其序号。"
        )
    before = {p.name: model_snapshot(p) for p in movers}
    top = (program.projects.aggregate(m=Max("order"))["m"] or 0) + len(rows)
    for i, project in enumerate(movers, start=1):
        Project.objects.filter(pk=project.pk).update(order=top + i)
    return before


def _projects_upsert(
    program: Program,
    rows: list[dict[str, Any]],
    assignments: dict[str, dict[str, Any]],
    orgs: dict[str, Organisation],
    actor: Any,
    counts: dict,
) -> dict[str, Project]:
    before = _free_orders(program, rows)
    confirmed = set(program.projects.filter(assignment_is_default=False).values_list("name", flat=True))
    projects: dict[str, Project] = {}
    for order, row in enumerate(rows, start=1):
        values: dict[str, Any] = {"order": order, "summary": row["summary"]}
        m2m: dict[str, list[Organisation]] = {}
        if row["name"] not in confirmed:  # a locally confirmed assignment is kept as it is
            a = assignments[row["name"]]
            values.update(kind=a["kind"], lead_department=orgs[a["lead"]], assignment_is_default=True)
            m2m = {
                "co_lead_departments": [orgs[c] for c in a["co"]],
                "implementing_units": [orgs[u] for u in a["units"]],
            }
        project, outcome = reference_upsert(
            Project,
            lookup={"program": program, "name": row["name"]},
            values=values,
            m2m=m2m,
            actor=actor,
            before=before.get(row["name"]),
        )
        counts["projects"][outcome] += 1
        projects[project.name] = project
        for item_order, item in enumerate(row["items"], start=1):
            _, outcome = reference_upsert(
                ContentItem,
                lookup={"project": project, "name": item},
                values={"order": item_order},
                actor=actor,
            )
            counts["content_items"][outcome] += 1
    return projects


def _changes_2021(previous: dict[str, Project], current: dict[str, Project]) -> list[dict[str, Any]]:
    """The ProjectChange rows of 2021, keyed by (kind, order) within the program."""
    blank = {
        "adjust_kinds": [],
        "reason": "",
        "printed_title": "",
        "printed_text": "",
        "added_items": [],
        "removed_items": [],
    }
    rows: list[dict[str, Any]] = []
    for order, new in enumerate(NEW_2021, start=1):
        rows.append(
            {
                **blank,
                "kind": ChangeKind.NEW,
                "order": order,
                "sources": [],
                "result": current[new["name"]],
                "printed_title": new["name"],
                "printed_text": new["summary"],
            }
        )
    for order, gone in enumerate(EXITED_2021, start=1):
        rows.append(
            {
                **blank,
                "kind": ChangeKind.EXIT,
                "order": order,
                "sources": [previous[gone["name"]]],
                "result": None,
                "reason": gone["reason"],
                "printed_text": EXIT_TEXT_2021,
            }
        )
    for order, adj in enumerate(ADJUSTED_2021, start=1):
        rows.append(
            {
                "kind": ChangeKind.ADJUST,
                "order": order,
                "sources": [previous[name] for name in adj["sources"]],
                "result": current[adj["name"]],
                "adjust_kinds": [str(k) for k in adj["adjust_kinds"]],
                "reason": adj["reason"],
                "printed_title": adj["printed_title"],
                "printed_text": adj["text"],
                "added_items": list(adj["added_items"]),
                "removed_items": list(adj["removed_items"]),
            }
        )
    for order, name in enumerate(CONTINUED_2021, start=1):
        rows.append(
            {
                **blank,
                "kind": ChangeKind.CONTINUE,
                "order": order,
                "sources": [previous[name]],
                "result": current[name],
            }
        )
    return rows


def reference_data_load(*, actor: Any = None) -> dict[str, dict[str, int]]:
    """Load the organisations, the 2020 and 2021 programs, their projects, content and 2021 changes.

    Idempotent: a second run creates and updates nothing and writes no audit rows. Returns, per kind of
    record, how many were created, updated and left unchanged.
    """
    counts: dict[str, dict[str, int]] = {
        key: _counter() for key in ("programs", "projects", "content_items", "changes")
    }
    with transaction.atomic():
        org_counts = organisations_load(actor=actor)
        orgs = {o.code: o for o in Organisation.objects.all()}
        loaded: dict[int, tuple[Program, dict[str, Project]]] = {}
        for program_data, rows, assignments in PROGRAMS:
            program = _program_upsert(program_data, orgs, actor, counts["programs"])
            loaded[program.year] = (
                program,
                _projects_upsert(program, rows, assignments, orgs, actor, counts),
            )

        program_2021, current = loaded[PROGRAM_2021["year"]]
        _, previous = loaded[PROGRAM_2020["year"]]
        for row in _changes_2021(previous, current):
            values = {k: v for k, v in row.items() if k not in ("kind", "order", "sources")}
            _, outcome = reference_upsert(
                ProjectChange,
                lookup={"program": program_2021, "kind": row["kind"], "order": row["order"]},
                values=values,
                m2m={"sources": row["sources"]},
                actor=actor,
            )
            counts["changes"][outcome] += 1
    return {"organisations": org_counts, **counts}
