"""Issuing certificates and the 免提交 lookup, through the action layer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from onestop.actions.certs import issue_certificate, valid_certificates
from onestop.certs.errors import CertError
from onestop.db.engine import read, write
from onestop.db.tables import cert_keys, certificates
from tests.certs.conftest import REGION, START, County


def _issue(county: County, cert_type: str = "business_license", *, party_id: int | None = None, **extra: object):
    values: dict[str, object] = {
        "cert_type": cert_type,
        "holder_party_id": party_id if party_id is not None else county.firm.id,
        "data": {"法定代表人": "李四", "注册资本": "100万元"},
        "issuing_unit_id": county.amr.id,
        "valid_from": START.date(),
        "valid_until": None,
        "source_case_id": None,
        "now": county.clock(),
    }
    values.update(extra)
    with write(county.rt.engine) as conn:
        return issue_certificate(conn, **values)  # type: ignore[arg-type]


def test_numbers_carry_type_region_year_and_a_serial_per_series(county: County) -> None:
    first = _issue(county)
    second = _issue(county, party_id=county.other_firm.id)
    food = _issue(county, "food_business_license")
    assert first.number == f"YYZZ-{REGION}-2026-000001"
    assert second.number == f"YYZZ-{REGION}-2026-000002"
    assert food.number == f"SPJY-{REGION}-2026-000001"
    assert first.cert_type == "business_license"


def test_default_validity_comes_from_the_type(county: County) -> None:
    food = _issue(county, "food_business_license")  # five years
    licence = _issue(county)  # 长期
    with read(county.rt.engine) as conn:
        until = dict(conn.execute(sa.select(certificates.c.number, certificates.c.valid_until)).all())
    # 2026-09-28 + 60 months - 1 day
    assert until[food.number] == date(2031, 9, 27)
    assert until[licence.number] is None


def test_first_issue_makes_a_key_file_readable_by_the_owner_only(county: County, key_dir) -> None:
    _issue(county)
    with read(county.rt.engine) as conn:
        rows = conn.execute(sa.select(cert_keys)).mappings().all()
    assert len(rows) == 1
    assert rows[0]["algorithm"] == "SM2-SM3"
    assert "PRIVATE" not in rows[0]["public_key"]
    files = list(key_dir.iterdir())
    assert [f.name for f in files] == [f"{rows[0]['key_id']}.pem"]
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE KEY" in files[0].read_bytes()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cert_type": "driving_licence"}, "cert_type"),
        ({"holder_party_id": 9999}, "holder_party_id"),
        ({"issuing_unit_id": 9999}, "issuing_unit_id"),
        ({"valid_until": START.date() - timedelta(days=1)}, "valid_until"),
        ({"data": {"注册资本": 1.5}}, "data.注册资本"),
        ({"source_case_id": 9999}, "source_case_id"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(county: County, change: dict[str, object], field: str) -> None:
    with pytest.raises(CertError) as caught:
        _issue(county, **change)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert caught.value.status in {404, 422}
    with read(county.rt.engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(certificates)).scalar_one() == 0


def test_valid_certificates_finds_the_newest_valid_one_per_type(county: County) -> None:
    old = _issue(county, "food_business_license", valid_until=date(2026, 12, 31))
    county.clock.set(START + timedelta(days=1))
    new = _issue(county, "food_business_license", valid_from=date(2026, 9, 29))
    licence = _issue(county)
    with read(county.rt.engine) as conn:
        found = valid_certificates(
            conn,
            holder_party_id=county.firm.id,
            cert_types=["food_business_license", "business_license", "seal_record"],
            on=date(2026, 10, 8),
        )
        later = valid_certificates(
            conn, holder_party_id=county.firm.id, cert_types=["food_business_license"], on=date(2031, 9, 29)
        )
    assert set(found) == {"food_business_license", "business_license"}  # no 印章备案 issued
    assert found["food_business_license"].number == new.number != old.number
    assert found["food_business_license"].label == "食品经营许可证"
    assert found["food_business_license"].valid_until == date(2031, 9, 28)
    assert found["business_license"].number == licence.number
    assert found["business_license"].valid_until is None
    assert later == {}  # the new one ran to 2031-09-28 inclusive


def test_valid_certificates_ignores_other_holders_expired_and_unknown_types(county: County) -> None:
    _issue(county, "food_business_license", valid_until=date(2026, 10, 31))
    _issue(county, "business_license", party_id=county.other_firm.id)
    with read(county.rt.engine) as conn:
        on_last_day = valid_certificates(
            conn, holder_party_id=county.firm.id, cert_types=["food_business_license"], on=date(2026, 10, 31)
        )
        day_after = valid_certificates(
            conn, holder_party_id=county.firm.id, cert_types=["food_business_license"], on=date(2026, 11, 1)
        )
        other_holder = valid_certificates(
            conn, holder_party_id=county.firm.id, cert_types=["business_license"], on=date(2026, 10, 1)
        )
        before_start = valid_certificates(
            conn, holder_party_id=county.firm.id, cert_types=["food_business_license"], on=date(2026, 9, 27)
        )
        with pytest.raises(CertError) as caught:
            valid_certificates(conn, holder_party_id=county.firm.id, cert_types=["no_such_type"], on=date(2026, 10, 1))
    assert set(on_last_day) == {"food_business_license"}
    assert day_after == {}
    assert other_holder == {}
    assert before_start == {}
    assert caught.value.field == "cert_types"


def test_a_row_edited_in_the_database_is_not_proof(county: County) -> None:
    issued = _issue(county)
    with write(county.rt.engine) as conn:
        conn.execute(sa.update(certificates).where(certificates.c.id == issued.id).values(holder_name="和平县冒名公司"))
    with read(county.rt.engine) as conn:
        found = valid_certificates(
            conn, holder_party_id=county.firm.id, cert_types=["business_license"], on=date(2026, 10, 1)
        )
    assert found == {}
