"""Words the read models show: engine actions, data field labels, channels, and what the public may see."""

from __future__ import annotations

from typing import Literal

from onestop.cases.kinds import FIELD_LABELS

ClockColour = Literal["normal", "warning", "overdue", "paused", "stopped", "not_started"]
MAX_PER_PAGE = 100

# Engine events (not declared by kinds) in Chinese.
ENGINE_ACTIONS: dict[str, str] = {
    "open": "登记",
    "clock_warned": "进入预警",
    "clock_overdue": "已超期",
    "due_changed": "期限重新推算",
}
DATA_LABELS: dict[str, str] = {
    **FIELD_LABELS,
    "opinion": "意见",
    "limit": "办理时限",
    "children": "各部门办理结果",
    "due": "期限",
    "from": "原",
    "to": "新",
    "provisional": "暂定",
    "item": "申请事项",
    "description": "申请内容",
    "address": "联系地址",
    "applicant": "申请人",
    "form": "表单",
    "channel": "渠道",
}
HIDDEN_DATA = frozenset({"kind", "unit_id", "parent_id", "party_id", "alarm", "form"})
# What the public sees of an event's data: what they must do or why it ended.
PUBLIC_DATA = frozenset({"items", "reason", "reply"})
CHANNELS = {"web": "网上办事大厅", "api": "接口", "window": "窗口登记"}
# Inputs of action forms by data field; other required fields get a multi-line text box.
ACTION_INPUTS: dict[str, str] = {"items": "lines", "extension": "text"}
