from __future__ import annotations

from datetime import date

import pytest

from onestop.choices import InvalidChoice
from onestop.org import InvalidIdentifier, InvalidOrgData, Party, PartyKind
from onestop.org.synthetic import make_credit_code, make_resident_id

RESIDENT_ID = make_resident_id("650102", date(1985, 6, 15), 42)
CREDIT_CODE = make_credit_code("650102", "MA7ABCDE1")


def test_person_is_normalised_on_creation() -> None:
    party = Party(kind=PartyKind.PERSON, name=" 李四 ", id_number=f" {RESIDENT_ID.lower()} ", phone="138 1234 5678")
    assert party.name == "李四"
    assert party.id_number == RESIDENT_ID
    assert party.phone == "13812345678"
    assert party.id is None


def test_enterprise_takes_a_credit_code() -> None:
    party = Party(kind="enterprise", name="某某有限公司", id_number=CREDIT_CODE.lower())  # type: ignore[arg-type]
    assert party.kind is PartyKind.ENTERPRISE
    assert party.id_number == CREDIT_CODE
    assert party.masked_id_number == CREDIT_CODE
    assert party.phone is None


def test_blank_phone_is_no_phone() -> None:
    assert Party(kind=PartyKind.PERSON, name="李四", id_number=RESIDENT_ID, phone="  ").phone is None


def test_invalid_id_number_names_the_party_field() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        Party(kind=PartyKind.PERSON, name="李四", id_number=RESIDENT_ID[:-1])
    assert caught.value.field == "id_number"
    with pytest.raises(InvalidIdentifier, match="统一社会信用代码"):
        Party(kind=PartyKind.ENTERPRISE, name="某公司", id_number=RESIDENT_ID)


def test_invalid_phone() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        Party(kind=PartyKind.PERSON, name="李四", id_number=RESIDENT_ID, phone="12345")
    assert caught.value.field == "phone"


def test_name_required() -> None:
    with pytest.raises(InvalidOrgData, match="姓名须为"):
        Party(kind=PartyKind.PERSON, name=" ", id_number=RESIDENT_ID)
    with pytest.raises(InvalidOrgData, match="名称须为"):
        Party(kind=PartyKind.ENTERPRISE, name="x" * 201, id_number=CREDIT_CODE)


def test_unknown_kind() -> None:
    with pytest.raises(InvalidChoice):
        Party(kind="robot", name="R2", id_number=RESIDENT_ID)  # type: ignore[arg-type]


def test_future_birth_date_checked_against_today_when_given() -> None:
    unborn = make_resident_id("650102", date(2030, 1, 1), 1)
    with pytest.raises(InvalidIdentifier, match="晚于今天"):
        Party(kind=PartyKind.PERSON, name="未来", id_number=unborn, today=date(2026, 1, 1))


def test_repr_masks_personal_numbers() -> None:
    party = Party(kind=PartyKind.PERSON, name="李四", id_number=RESIDENT_ID, phone="13812345678", id=5)
    text = repr(party)
    assert RESIDENT_ID not in text
    assert "13812345678" not in text
    assert text == (
        f"Party(id=5, kind='person', name='李四', id_number='{RESIDENT_ID[:4]}**********{RESIDENT_ID[-4:]}', "
        "phone='138****5678')"
    )


def test_equal_parties_from_different_spellings() -> None:
    a = Party(kind=PartyKind.PERSON, name="李四", id_number=RESIDENT_ID, phone="+86 138-1234-5678")
    b = Party(kind=PartyKind.PERSON, name="李四 ", id_number=RESIDENT_ID.lower(), phone="13812345678")
    assert a == b
