"""Choice sets: a stored value, a Chinese label and a colour per status, role or kind (NetBox's pattern).

A member *is* its value (``StrEnum``), so it goes into JSON, SQL and ``frozenset[str]`` role checks unchanged,
while templates read ``.label`` and ``.colour`` from the same object instead of keeping a parallel table.

    class Status(ChoiceSet, verbose_name="状态"):
        OPEN = "open", "办理中", "blue"
        DONE = "done", "已办结", "green"
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Self

from onestop.errors import DomainError

# Bootstrap/Tabler colour names: the web layer maps each to a badge class, so a typo here must fail at import
# time rather than render an unstyled badge.
COLOURS = frozenset(
    {"blue", "indigo", "purple", "pink", "red", "orange", "yellow", "green", "teal", "cyan", "gray", "dark"}
)


class InvalidChoice(DomainError, ValueError):
    """A value is not one of a choice set's values."""

    code: str = "invalid_choice"
    status: int = 422


class ChoiceSet(StrEnum):
    """Base for choice sets; subclasses declare ``NAME = "value", "中文标签", "colour"``."""

    _value_: str
    label: str
    colour: str
    # The set's own Chinese name, used in error messages ("角色无效：…").
    verbose_name: ClassVar[str]

    def __init_subclass__(cls, *, verbose_name: str = "取值", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.verbose_name = verbose_name

    if TYPE_CHECKING:
        # What callers see: `Role("approver")` looks a member up by value, as with any enum.
        def __new__(cls, value: str) -> Self: ...

    else:
        # What the enum machinery calls once per declared member, with the declared triple.
        def __new__(cls, value, label, colour):
            if colour not in COLOURS:
                raise ValueError(f"{cls.__name__}.{value}: unknown colour {colour!r}; use one of {sorted(COLOURS)}")
            member = str.__new__(cls, value)
            member._value_ = value
            member.label = label
            member.colour = colour
            return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(value, label)`` pairs in declaration order, for select boxes."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def parse(cls, value: str, *, field: str | None = None) -> Self:
        """The member for ``value``, or ``InvalidChoice`` with a Chinese message listing the allowed ones."""
        try:
            return cls(value.strip())
        except ValueError:
            allowed = "、".join(f"{member.label}（{member.value}）" for member in cls)
            raise InvalidChoice(f"{cls.verbose_name}无效：“{value}”，可选：{allowed}", field=field) from None
