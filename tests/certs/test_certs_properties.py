"""Property tests: any data a certificate may hold survives the database and the export unchanged, so the
signature still verifies; data it may not hold is refused with a field, never a 500."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.actions.certs import export_certificate, issue_certificate, verify_document, verify_number
from onestop.certs.document import check_data
from onestop.certs.errors import CertError
from onestop.certs.outcome import Outcome
from onestop.db.engine import read, write
from tests.certs.conftest import START, County

leaves = st.none() | st.booleans() | st.integers(min_value=-(2**62), max_value=2**62) | st.text(max_size=30)
values = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
data_strategy = st.dictionaries(st.text(min_size=1, max_size=10), values, max_size=6)


def _storable(data: dict[str, object]) -> bool:
    try:
        check_data(data)
    except CertError:
        return False
    return True


@given(data=data_strategy)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_any_storable_data_round_trips_and_verifies(county: County, data: dict[str, object]) -> None:
    if not _storable(data):
        with write(county.rt.engine) as conn, pytest.raises(CertError) as caught:
            issue_certificate(
                conn,
                cert_type="seal_record",
                holder_party_id=county.firm.id,
                data=data,
                issuing_unit_id=county.amr.id,
                valid_from=START.date(),
                valid_until=None,
                source_case_id=None,
                now=START,
            )
        assert caught.value.field is not None
        assert caught.value.field.startswith("data")
        return
    with write(county.rt.engine) as conn:
        number = issue_certificate(
            conn,
            cert_type="seal_record",
            holder_party_id=county.firm.id,
            data=data,
            issuing_unit_id=county.amr.id,
            valid_from=START.date(),
            valid_until=None,
            source_case_id=None,
            now=START,
        ).number
    on = date(2026, 10, 1)
    with read(county.rt.engine) as conn:
        assert verify_number(conn, number, on=on).outcome is Outcome.VALID
        document = json.loads(json.dumps(export_certificate(conn, number).export(), ensure_ascii=False))
        assert document["data"] == data
        assert verify_document(conn, document, on=on).outcome is Outcome.VALID


def test_text_without_a_utf8_form_or_with_nul_is_refused() -> None:
    for bad in ({"a": "x\x00y"}, {"a": "\ud800"}, {"\ud800": 1}, {"a": [{"b": 1.5}]}):
        with pytest.raises(CertError) as caught:
            check_data(bad)
        assert caught.value.field is not None
        assert caught.value.field.startswith("data")
