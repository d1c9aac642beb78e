"""A person's corrections to a parsed task before the ledger is created (导入核对): its text, its lead and
co-units, its deadline. Fields are shown as a person writes them (units joined by 、, the deadline in the
plan's words) and read back the same way; a field left as shown leaves the parse untouched.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from onestop.errors import DomainError
from onestop.ledger.deadlines import parse_deadline
from onestop.ledger.model import Task
from onestop.ledger.targets import find_targets
from onestop.ledger.unitnames import clean_unit, split_units

MAX_TEXT = 5000
MAX_UNITS = 500


class PlanEditError(DomainError):
    code = "validation_error"
    status = 422


def lead_names(task: Task) -> list[str]:
    """Who leads as the review shows it: the 牵头单位, else the 责任单位."""
    return task.lead_units or task.responsible_units


def co_names(task: Task) -> list[str]:
    return task.cooperating_units + (task.responsible_units if task.lead_units else [])


def units_field(names: list[str]) -> str:
    return "、".join(names)


def deadline_field(task: Task) -> str:
    if task.deadline_text:
        return task.deadline_text
    if isinstance(task.deadline, list):
        return "、".join("长期" if d == "ongoing" else d for d in task.deadline)
    if task.deadline == "ongoing":
        return "长期"
    return task.deadline or ""


def read_units(text: str, field: str, label: str) -> list[str]:
    if len(text) > MAX_UNITS or "\x00" in text:
        raise PlanEditError(f"「{label}」不能超过 {MAX_UNITS} 个字符", field=field)
    return [name for name in (clean_unit(n) for n in split_units(text.replace("，", ",").replace("；", ";"))) if name]


def edit_task(
    task: Task,
    *,
    seq: int,
    text: str,
    lead: str,
    co: str,
    deadline: str,
    plan_year: int | None,
    issued: date | None = None,
) -> Task:
    """The task with the person's corrections; ``seq`` names the row in error messages (字段 t{seq}_…)."""
    changed = task
    text = text.replace("\r\n", "\n").strip()  # a browser sends a textarea's line breaks as CRLF
    if text != task.text.strip():
        if not text:
            raise PlanEditError(f"第 {seq} 项任务的「任务内容」不能为空", field=f"t{seq}_text")
        if len(text) > MAX_TEXT or "\x00" in text:
            raise PlanEditError(f"第 {seq} 项任务的「任务内容」不能超过 {MAX_TEXT} 个字符", field=f"t{seq}_text")
        # The targets are the text's: corrected text, re-read targets.
        changed = replace(changed, text=text, targets=find_targets(text))
    if lead.strip() != units_field(lead_names(task)):
        leads = read_units(lead, f"t{seq}_lead", f"第 {seq} 项任务的牵头单位")
        if not leads:
            raise PlanEditError(f"第 {seq} 项任务须有牵头单位", field=f"t{seq}_lead")
        changed = replace(changed, lead_units=leads, responsible_units=[], cooperating_units=co_names(task))
    if co.strip() != units_field(co_names(task)):
        cos = read_units(co, f"t{seq}_co", f"第 {seq} 项任务的配合单位")
        if not changed.lead_units:
            # the 责任单位 led; keep them leading, now as 牵头单位, so the co-units are read as what they are
            changed = replace(changed, lead_units=task.responsible_units, responsible_units=[])
        changed = replace(changed, cooperating_units=cos)
    deadline = re.sub(r"\s+", "", deadline)
    if deadline != re.sub(r"\s+", "", deadline_field(task)):
        changed = _edit_deadline(changed, deadline, seq, plan_year, issued)
    return changed


def _edit_deadline(task: Task, text: str, seq: int, plan_year: int | None, issued: date | None) -> Task:
    if not text:
        return replace(task, deadline=None, deadline_text=None)
    if len(text) > 100:
        raise PlanEditError(f"第 {seq} 项任务的「完成时限」过长", field=f"t{seq}_deadline")
    value = parse_deadline(text, year=plan_year, issued=issued)
    if value is None:
        raise PlanEditError(
            f"第 {seq} 项任务的「完成时限」无法识别：“{text}”，请写作 2021-06-30、2021年6月底 或 长期",
            field=f"t{seq}_deadline",
        )
    return replace(task, deadline=value, deadline_text=text)
