"""A simulated month of 12345 traffic in the demo county, every step through the action layer at its own instant.

Texts are real message-board posts (teddycup2020, ``../shared/data``) when that folder is there at build time,
else a small built-in sample; place names are the demo county's. Each working day brings calls and web posts:
consultations answered from the knowledge base, requests dispatched to the unit the router suggests (sometimes
the wrong one, which returns it), extensions, replies, return visits (some unsatisfied, reopened), duplicates
merged, and a tick at the end so overdue clocks show.
"""

from __future__ import annotations

import csv
import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from onestop.actions import hotline as hl
from onestop.actions import hotline_kb as kb
from onestop.actions import hotline_router as router_actions
from onestop.actions.org import create_user
from onestop.actions.runtime import Runtime
from onestop.demo.county import DemoCounty
from onestop.errors import DomainError
from onestop.hotline.kinds import Channel
from onestop.org.roles import Role
from onestop.org.users import Actor, User
from onestop.worktime import TZ

SHARED = (
    Path(__file__).resolve().parents[4] / "shared" / "data" / "teddycup2020" / "附件2_labeled_messages_sample495.csv"
)
# teddycup's 一级分类 → the demo unit that handles it.
LABEL_UNITS = {
    "城乡建设": "ZJJ",
    "环境保护": "YMZ",
    "交通运输": "GAJ",
    "商贸旅游": "SCJ",
    "卫生计生": "WJJ",
    "劳动和社会保障": "RSJ",
    "教育文体": "YMZ",
}
HANDLING_UNITS = ("SCJ", "GAJ", "RSJ", "ZJJ", "WJJ", "ZRZY", "GDJ", "YMZ", "SWJ", "GJJ")
BUILT_IN: tuple[tuple[str, str], ...] = (
    ("小区楼下烧烤店每晚油烟和噪音扰民，到凌晨两点还不停，请相关部门处理。", "ZJJ"),
    ("超市出售过期食品，店家拒绝退换，请市场监管部门查处。", "SCJ"),
    ("公司拖欠三个月工资不发，多次讨要无果，请求劳动监察介入。", "RSJ"),
    ("东风村水渠堵塞，农田灌溉困难，请求镇政府组织疏通。", "YMZ"),
    ("县城东环路红绿灯故障，早晚高峰交通拥堵严重。", "GAJ"),
    ("小区物业擅自提高物业费，业主不认可，请住建部门协调。", "ZJJ"),
    ("医院挂号排队时间过长，希望增加自助挂号机。", "WJJ"),
    ("我家所在片区频繁停电，影响生产生活，请供电部门排查线路。", "GDJ"),
    ("不动产登记办理时间太长，房产证三个月还没拿到。", "ZRZY"),
    ("饭店后厨卫生条件差，发现老鼠，请求检查。", "SCJ"),
    ("建筑工地夜间施工噪音很大，影响居民休息。", "ZJJ"),
    ("灵活就业人员社保缴费标准是多少？如何办理缴费？", "RSJ"),
    ("学校周边道路占道经营严重，学生上下学不安全。", "YMZ"),
    ("药店销售处方药不凭处方，存在安全隐患。", "SCJ"),
    ("村道路面破损严重，雨天积水，车辆无法通行。", "YMZ"),
)
PLACES = ("阳明镇东风路", "阳明镇和平大道", "彭寨镇彭寨村", "热水镇新街", "林寨镇古村", "合水镇合水圩", "县城东环路")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑"
KB_ENTRIES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        "个体工商户营业执照怎么办理？",
        "携带身份证到县政务服务中心市场监管窗口办理，或在网上办事大厅申请，一般 3 个工作日内办结。",
        ("营业执照", "个体户"),
        "SCJ",
    ),
    (
        "灵活就业人员如何缴纳社保？",
        "持身份证到县人社局社保窗口或通过“粤省事”小程序办理灵活就业人员参保登记和缴费。",
        ("社保", "灵活就业"),
        "RSJ",
    ),
    ("停电了找谁？", "拨打 95598 供电服务热线报修，或在“南网在线”App 查询计划停电信息。", ("停电", "报修"), "GDJ"),
    (
        "不动产权证书办理需要多长时间？",
        "一般登记 5 个工作日内办结；资料齐全的可当场受理，网上预约可减少等候。",
        ("房产证", "不动产登记"),
        "ZRZY",
    ),
    (
        "居民身份证丢失怎么补办？",
        "本人携带户口簿到户籍所在地派出所或县政务服务中心公安窗口办理，可申请临时身份证。",
        ("身份证", "补办"),
        "GAJ",
    ),
    (
        "公积金怎么提取？",
        "购房、租房、退休等情形可提取，持身份证和相关证明到公积金管理部或在网上办理。",
        ("公积金", "提取"),
        "GJJ",
    ),
)
CONSULTATIONS = (
    "请问个体户营业执照在哪里办？需要带什么材料？",
    "我是灵活就业人员，社保怎么交？",
    "家里停电了，该打哪个电话报修？",
    "房产证办下来要多久？",
    "身份证丢了怎么补办？",
    "公积金怎么取出来？",
)


@dataclass
class HotlineReport:
    requests: int = 0
    direct_answers: int = 0
    dispatched: int = 0
    returns: int = 0
    extensions: int = 0
    replies: int = 0
    visits: int = 0
    reopened: int = 0
    merged: int = 0
    auto_accepted: int = 0
    texts_from: str = "built-in"
    handlers: dict[str, str] = field(default_factory=dict)  # username → one-time password of accounts added
    skipped: list[str] = field(default_factory=list)


def load_texts(path: Path | None = None, *, limit: int = 400) -> tuple[list[tuple[str, str]], str]:
    """(text, unit code) pairs: the real posts with their label's unit when the data is there, else built-ins."""
    path = path or SHARED
    if not path.is_file():
        return list(BUILT_IN), "built-in"
    out: list[tuple[str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            unit = LABEL_UNITS.get((row.get("一级分类") or "").strip())
            text = re.sub(r"\s+", " ", (row.get("留言详情") or "")).strip()
            subject = (row.get("留言主题") or "").strip()
            if unit and text:
                # Place names of the board's anonymised city become the demo county's.
                body = re.sub(r"[A-Z]\d*市|[A-Z]\d+区|[A-Z]市", "和平县", f"{subject}。{text}")[:1500]
                out.append((body, unit))
    return (out[:limit] or list(BUILT_IN)), "teddycup2020"


def _handlers(rt: Runtime, county: DemoCounty, report: HotlineReport) -> dict[str, Actor]:
    """A 承办员 for every unit that handles requests (the county's own where it has one)."""
    out: dict[str, Actor] = {}
    for user in county.users.values():
        if user.has_role(Role.HANDLER) and user.unit_id is not None:
            code = next((c for c, u in county.units.items() if u.id == user.unit_id), None)
            if code:
                out[code] = user.as_actor()
    for code in HANDLING_UNITS:
        if code in out or code not in county.units:
            continue
        unit = county.units[code]
        password = secrets.token_urlsafe(9)
        name = f"hotline_{code.lower()}"
        user = create_user(rt, User(0, name, f"{unit.name}承办员", unit.id, frozenset({Role.HANDLER})), password)
        report.handlers[name] = password
        # Demo accounts are for logging in: they go where the demo's password file is written from.
        county.users[name] = user
        county.passwords[name] = password
        out[code] = user.as_actor()
    return out


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(8, 30), TZ) + timedelta(minutes=minutes)


def simulate_hotline(  # noqa: PLR0915 - one scripted month, step by step
    rt: Runtime, county: DemoCounty, *, now: datetime, days: int = 30, seed: int = 2026
) -> HotlineReport:
    """Fills the demo county with ``days`` of hotline traffic ending before ``now``; returns what it did."""
    rng = random.Random(seed)
    report = HotlineReport()
    texts, report.texts_from = load_texts()
    real_now = rt.now
    operator = county.users["operator"].as_actor()
    supervisor = county.users["supervisor"].as_actor()
    handlers = _handlers(rt, county, report)
    units = {code: county.units[code].id for code in HANDLING_UNITS if code in county.units}
    first = (now - timedelta(days=days)).date()
    try:
        rt.now = lambda: _at(first, 0)
        entries = [
            kb.add_entry(rt, operator, question=q, answer=a, keywords=k, unit_id=units.get(u))
            for q, a, k, u in KB_ENTRIES
        ]
        wt = rt.working_time()
        workdays = [d.date for d in wt.days(first, now.date() - timedelta(days=1)) if d.workday]
        pending: list[tuple[datetime, str, str]] = []  # (when, number, right unit code)
        recent: list[tuple[str, str, str]] = []  # (number, text, place) of the last requests, for duplicates
        for day in workdays:
            for k in range(rng.randint(5, 9)):
                when = _at(day, rng.randint(0, 480))
                if when >= now:
                    continue
                rt.now = lambda when=when: when  # type: ignore[misc]
                if rng.random() < 0.2:
                    _consultation(rt, operator, rng, entries, report)
                    continue
                text, right = texts[rng.randrange(len(texts))]
                place = rng.choice(PLACES)
                dup = recent and rng.random() < 0.06
                if dup:
                    _, text, place = rng.choice(recent)
                values = {
                    "category": rng.choice(("complaint", "complaint", "help", "report", "suggestion")),
                    "requester_name": rng.choice(SURNAMES) + rng.choice(("先生", "女士")),
                    "phone": f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                    "address": place if dup else f"{place}{rng.randint(1, 99)}号",
                    "text": text,
                }
                channel = Channel.PHONE if k % 3 else Channel.WEB
                try:
                    reg = hl.register_request(rt, operator, values, channel=channel)
                except DomainError as exc:
                    report.skipped.append(f"intake: {exc.message}")
                    continue
                report.requests += 1
                if dup and reg.duplicates:
                    hl.merge(rt, operator, reg.case.number, master=reg.duplicates[0].case_number)
                    report.merged += 1
                    continue
                recent = [*recent[-30:], (reg.case.number, text, values["address"])]
                pending.append((when, reg.case.number, right))
        for when, number, right in pending:
            _work(rt, rng, number, right, when, now, operator, supervisor, handlers, units, report)
        rt.now = lambda: now
        report.auto_accepted = hl.on_tick(rt, now)
        from onestop.actions.tick import tick

        tick(rt, now=now)
    finally:
        rt.now = real_now
    return report


def _consultation(rt: Runtime, operator: Actor, rng: random.Random, entries: list[kb.KbEntry],
                  report: HotlineReport) -> None:  # fmt: skip
    question = rng.choice(CONSULTATIONS)
    values = {"category": "consult", "requester_name": rng.choice(SURNAMES) + "先生",
              "phone": f"139{rng.randint(0, 99999999):08d}", "text": question}  # fmt: skip
    reg = hl.register_request(rt, operator, values, channel=Channel.PHONE)
    report.requests += 1
    hits = kb.search(rt, question, k=1)
    entry = hits[0].entry.id if hits else entries[0].id
    hl.direct_answer(rt, operator, reg.case.number, reply_text="", kb_entry_id=entry)
    report.direct_answers += 1


def _step(rt: Runtime, when: datetime, now: datetime) -> bool:
    if when >= now:
        return False
    rt.now = lambda: when
    return True


def _work(  # noqa: PLR0915, PLR0917 - a scripted story, one request at a time
    rt: Runtime,
    rng: random.Random,
    number: str,
    right: str,
    start: datetime,
    now: datetime,
    operator: Actor,
    supervisor: Actor,
    handlers: dict[str, Actor],
    units: dict[str, int],
    report: HotlineReport,
) -> None:
    try:
        row = hl.get_request(rt, operator, number)
        suggestions = router_actions.suggest(rt, f"{row.address} {row.text}")
        code_of = {v: k for k, v in units.items()}
        first = suggestions[0].unit_id if suggestions else units[right]
        if first not in code_of:  # a unit without hotline duties here (e.g. the 营商办)
            first = units[right]
        # The router's first choice, unless the operator knows better (a third of its misses).
        if code_of.get(first) != right and rng.random() < 0.3:
            first = units[right]
        t = start + timedelta(minutes=5)
        if not _step(rt, t, now):
            return
        order = hl.DispatchOrder(first, suggested=tuple(s.unit_id for s in suggestions))
        hl.dispatch(rt, operator, number, order)
        report.dispatched += 1
        lead = code_of.get(first, right)
        t += timedelta(hours=rng.uniform(1, 6))
        if lead != right:
            if not _step(rt, t, now):
                return
            hl.return_request(rt, handlers[lead], number, reason="经核实不属于本单位职责，请改派")
            report.returns += 1
            t += timedelta(hours=1)
            if not _step(rt, t, now):
                return
            hl.dispatch(rt, operator, number, hl.DispatchOrder(units[right]))
            lead = right
            t += timedelta(hours=2)
        handler = handlers[lead]
        if not _step(rt, t, now):
            return
        hl.accept(rt, handler, number)
        if rng.random() < 0.12:
            t += timedelta(days=rng.uniform(1, 3))
            if not _step(rt, t, now):
                return
            hl.request_extension(
                rt, handler, number, extension=f"{rng.randint(2, 5)}d", reason="需现场核查，协调相关方"
            )
            t += timedelta(hours=3)
            if not _step(rt, t, now):
                return
            hl.decide_extension(rt, supervisor, number, approve=True)
            report.extensions += 1
        for attempt in range(2):
            t += timedelta(days=rng.uniform(0.5, 9 if attempt == 0 else 4))
            if not _step(rt, t, now):
                return
            hl.reply(rt, handler, number, text=rng.choice(REPLIES))
            report.replies += 1
            t += timedelta(hours=rng.uniform(1, 8))
            if not _step(rt, t, now):
                return
            hl.review_reply(rt, operator, number, approve=True)
            t += timedelta(hours=rng.uniform(2, 30))
            if not _step(rt, t, now):
                return
            roll = rng.random()
            result = "satisfied" if roll < 0.8 else ("basic" if roll < 0.9 else "unsatisfied")
            case = hl.return_visit(rt, operator, number, result=result, solved=result != "unsatisfied")
            report.visits += 1
            if case.state != "handling":
                return
            report.reopened += 1
    except DomainError as exc:  # e.g. the sign-for window passed and the tick signed for it
        report.skipped.append(f"{number}: {exc.message}")


REPLIES = (
    "经现场核查，情况属实，已责令整改到位，并将持续跟踪。",
    "已联系诉求人说明有关政策，并协调相关单位予以解决。",
    "已组织执法人员现场处置，问题已解决。",
    "经调查，已督促责任单位限期整改，整改完成后将回复诉求人。",
)
