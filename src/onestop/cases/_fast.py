"""Building frozen dataclasses on the hot path.

A frozen dataclass's generated ``__init__`` pays one ``object.__setattr__`` call per field; every action
builds a case, an event, a clock and segments, and those calls were a measurable share of an action's cost
(bench/engine.py). ``build`` fills the instance dict directly. Callers pass every field, already valid:
no defaults, no ``__post_init__``.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def build(cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of ``cls`` whose attribute dict IS ``fields`` (so pass a fresh dict, never reuse it)."""
    instance: T = object.__new__(cls)
    object.__setattr__(instance, "__dict__", fields)
    return instance
