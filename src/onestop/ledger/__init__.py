"""改革任务台账: reading a work plan into tasks, and the ledger that tracks them (issue 7).

Pure module code (no database, no web): ``parser`` (plan → tasks), ``attribution`` (the 牵头单位 bracket),
``deadlines``, ``targets``, ``unitnames`` (splitting, shared prefixes), ``matching`` (names → the deployment's
units), ``readers`` (.txt/.docx/.pdf), ``kinds`` (the case kinds), ``export`` (.xlsx and .docx). The action
layer is ``onestop.actions.ledger``; the command is ``onestop ledger``.
"""

from onestop.ledger.model import Plan, Target, Task
from onestop.ledger.parser import parse_lines, parse_text
from onestop.ledger.readers import read_plan_lines


def parse_file(path: str, data: bytes | None = None) -> Plan:
    """Parses a plan file (.txt, .docx, .pdf)."""
    return parse_lines(read_plan_lines(path, data))


__all__ = ["Plan", "Target", "Task", "parse_file", "parse_lines", "parse_text", "read_plan_lines"]
