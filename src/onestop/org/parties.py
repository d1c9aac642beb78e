"""Parties (当事人): the citizens and enterprises who apply, call and rate.

A party is valid from the moment it exists: the identifier is checked and normalised on construction, so code
that holds a ``Party`` never re-validates and two spellings of one ID number cannot become two parties.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from datetime import date

from onestop.choices import ChoiceSet
from onestop.org.errors import InvalidOrgData
from onestop.org.identifiers import validate_credit_code, validate_resident_id
from onestop.org.masking import mask_phone, mask_resident_id
from onestop.org.phones import validate_phone

PartyId = int
NAME_MAX_LENGTH = 200


class PartyKind(ChoiceSet, verbose_name="当事人类型"):
    PERSON = "person", "个人", "blue"
    ENTERPRISE = "enterprise", "企业", "purple"


@dataclass(frozen=True, slots=True, repr=False)
class Party:
    kind: PartyKind
    name: str
    id_number: str  # 居民身份证号 for a person, 统一社会信用代码 for an enterprise; compact form
    phone: str | None = None
    id: PartyId | None = None  # database id; None until persisted
    # When given, a person's birth date may not lie after it; the domain reads no clock of its own.
    today: InitVar[date | None] = None

    def __post_init__(self, today: date | None) -> None:
        kind = PartyKind.parse(self.kind, field="kind")
        name = self.name.strip()
        if not name or len(name) > NAME_MAX_LENGTH:
            noun = "姓名" if kind is PartyKind.PERSON else "名称"
            raise InvalidOrgData(f"{noun}须为 1–{NAME_MAX_LENGTH} 个字符", field="name")
        if kind is PartyKind.PERSON:
            id_number = validate_resident_id(self.id_number, field="id_number", today=today)
        else:
            id_number = validate_credit_code(self.id_number, field="id_number")
        phone = validate_phone(self.phone, field="phone") if self.phone and self.phone.strip() else None
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "id_number", id_number)
        object.__setattr__(self, "phone", phone)

    def __repr__(self) -> str:
        # Parties end up in logs and tracebacks; the generated repr would print the full ID and phone numbers.
        phone = None if self.phone is None else mask_phone(self.phone)
        return (
            f"Party(id={self.id!r}, kind={self.kind.value!r}, name={self.name!r}, "
            f"id_number={self.masked_id_number!r}, phone={phone!r})"
        )

    @property
    def masked_id_number(self) -> str:
        """The ID number as lists and notices show it; credit codes are public and shown whole."""
        return mask_resident_id(self.id_number) if self.kind is PartyKind.PERSON else self.id_number
