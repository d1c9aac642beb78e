"""What the oversight pages and API share: drill-down links into the workbench, labels, file downloads."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

from fastapi.responses import Response

from onestop.actions.oversight import FORMATS, render_bulletin
from onestop.cases.errors import UnknownKind
from onestop.cases.kinds import get_kind
from onestop.oversight.bulletin import Bulletin
from onestop.oversight.errors import OversightError
from onestop.oversight.kinds import SUPERVISION_ORDER
from onestop.oversight.periods import Period

ORDER_STATES = {code: spec.label for code, spec in SUPERVISION_ORDER.states.items()}


def period_or_current(text: str | None, now: datetime) -> Period:
    return Period.parse(text, field="period") if text and text.strip() else Period.month_of(now)


def drill_url(unit_id: int, *, colour: str | None = None, kind: str | None = None, state: str | None = None) -> str:
    """The workbench's list of the unit's cases (every case the supervisor may see, not only theirs to act on)."""
    params = {"scope": "all", "unit_id": str(unit_id)}
    for key, value in (("colour", colour), ("kind", kind), ("state", state)):
        if value:
            params[key] = value
    return "/workbench?" + urlencode(params)


def kind_state_label(kind: str, state: str) -> str:
    try:
        spec = get_kind(kind)
    except UnknownKind:
        return f"{kind} · {state}"
    return f"{spec.label} · {spec.states[state].label if state in spec.states else state}"


def bulletin_response(b: Bulletin, fmt: str) -> Response:
    if fmt not in FORMATS:
        raise OversightError(f"「格式」无效：{fmt}，可选：docx、xlsx、pdf", field="format", code="invalid_format")
    data = render_bulletin(b, fmt)
    ascii_name = f"bulletin-{b.period.code}.{fmt}"
    headers = {
        "Content-Disposition": f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(b.title + '.' + fmt)}",
        "Cache-Control": "no-store",
    }
    return Response(data, media_type=FORMATS[fmt], headers=headers)
