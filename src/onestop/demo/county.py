"""The demo county's organisation: its units and staff accounts.

The names are those of an ordinary Chinese county government; the people are invented.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from onestop.actions.org import create_units, create_user
from onestop.actions.runtime import Runtime
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import User

REGION_CODE = "441624"  # 和平县 (GB/T 2260)

# code, name, kind, parent code, duties (职责, read later by hotline dispatch)
UNITS: tuple[tuple[str, str, UnitKind, str | None, str], ...] = (
    ("HPX", "和平县人民政府", UnitKind.REGION, None, "全县行政管理"),
    ("ZWFW", "和平县政务服务中心", UnitKind.CENTER, "HPX", "综合受理、统一出件、12345 热线"),
    ("YSB", "和平县营商环境建设办公室", UnitKind.DEPARTMENT, "HPX", "营商环境评价、改革任务督办"),
    ("SCJ", "和平县市场监督管理局", UnitKind.DEPARTMENT, "HPX", "企业登记、食品药品安全、价格与质量监管"),
    ("GAJ", "和平县公安局", UnitKind.DEPARTMENT, "HPX", "户籍、治安、公章刻制备案、交通管理"),
    ("SWJ", "国家税务总局和平县税务局", UnitKind.DEPARTMENT, "HPX", "税务登记、发票领用、纳税服务"),
    ("RSJ", "和平县人力资源和社会保障局", UnitKind.DEPARTMENT, "HPX", "社会保险登记、就业、劳动监察"),
    ("GJJ", "河源市住房公积金管理中心和平县管理部", UnitKind.DEPARTMENT, "HPX", "住房公积金缴存登记"),
    ("ZRZY", "和平县自然资源局", UnitKind.DEPARTMENT, "HPX", "不动产登记、用地规划"),
    ("ZJJ", "和平县住房和城乡建设局", UnitKind.DEPARTMENT, "HPX", "施工许可、竣工验收、物业管理"),
    ("WJJ", "和平县卫生健康局", UnitKind.DEPARTMENT, "HPX", "医疗机构许可、公共卫生"),
    ("FGJ", "和平县发展和改革局", UnitKind.DEPARTMENT, "HPX", "投资项目审批、核准和备案"),
    ("NSH", "广东和平农村商业银行股份有限公司", UnitKind.UTILITY, "HPX", "驻中心开户窗口：企业基本存款账户开立"),
    ("YMZ", "和平县阳明镇人民政府", UnitKind.TOWN, "HPX", "镇域内基层治理、民生诉求"),
    ("GDJ", "和平供电局", UnitKind.UTILITY, "HPX", "供电、用电报装、停电抢修"),
)

# username, display name, unit code, roles
STAFF: tuple[tuple[str, str, str | None, tuple[Role, ...]], ...] = (
    ("admin", "系统管理员", None, (Role.ADMIN,)),
    ("clerk", "窗口受理员 李敏", "ZWFW", (Role.WINDOW_CLERK,)),
    ("scj", "市场监管局审批员 王强", "SCJ", (Role.APPROVER,)),
    ("gaj", "公安局审批员 陈刚", "GAJ", (Role.APPROVER,)),
    ("swj", "税务局审批员 刘芳", "SWJ", (Role.APPROVER,)),
    ("rsj", "人社局审批员 黄磊", "RSJ", (Role.APPROVER,)),
    ("gjj", "公积金审批员 周洁", "GJJ", (Role.APPROVER,)),
    ("operator", "12345 话务员 吴静", "ZWFW", (Role.OPERATOR,)),
    ("handler", "阳明镇承办员 郑伟", "YMZ", (Role.HANDLER,)),
    ("supervisor", "县营商办督查员 赵丽", "YSB", (Role.SUPERVISOR,)),
)

APPROVING_UNITS = ("SCJ", "GAJ", "SWJ", "RSJ", "GJJ")


@dataclass(frozen=True)
class DemoCounty:
    units: dict[str, Unit]
    users: dict[str, User]
    passwords: dict[str, str]


def build_county(rt: Runtime) -> DemoCounty:
    units: dict[str, Unit] = {}
    for code, name, kind, parent, duties in UNITS:
        parent_id = units[parent].id if parent else None
        region = REGION_CODE if kind is UnitKind.REGION else None
        (created,) = create_units(rt, [Unit(0, code, name, kind, parent_id, region, duties)])
        units[code] = created
    users: dict[str, User] = {}
    passwords: dict[str, str] = {}
    for username, display_name, unit_code, roles in STAFF:
        # A fresh password per demo build: printed once, never a well-known default.
        password = secrets.token_urlsafe(9)
        unit_id = units[unit_code].id if unit_code else None
        users[username] = create_user(rt, User(0, username, display_name, unit_id, frozenset(roles)), password)
        passwords[username] = password
    return DemoCounty(units=units, users=users, passwords=passwords)
