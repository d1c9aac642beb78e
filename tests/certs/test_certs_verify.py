"""Verification by number and by document, revocation and key rotation, through the action layer."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from onestop.access import AccessDenied
from onestop.actions.certs import (
    CertConflict,
    export_certificate,
    issue_certificate,
    list_certificates,
    load_certificate,
    revoke_certificate,
    valid_certificates,
    verify_document,
    verify_number,
)
from onestop.actions.certs_keys import list_keys, rotate_key
from onestop.certs.errors import CertError, CertNotFound, SigningUnavailable
from onestop.certs.outcome import Outcome
from onestop.certs.qr import short_digest
from onestop.db.engine import read, write
from onestop.db.tables import audit_log, cert_keys, certificates
from tests.certs.conftest import START, County

TODAY = START.date()


def _issue(county: County, cert_type: str = "food_business_license", **extra: object) -> str:
    values: dict[str, object] = {
        "cert_type": cert_type,
        "holder_party_id": county.firm.id,
        "data": {"经营项目": "预包装食品销售"},
        "issuing_unit_id": county.amr.id,
        "valid_from": TODAY,
        "valid_until": date(2027, 9, 27),
        "source_case_id": None,
        "now": county.clock(),
    }
    values.update(extra)
    with write(county.rt.engine) as conn:
        return issue_certificate(conn, **values).number  # type: ignore[arg-type]


def _verify(county: County, number: str, on: date = TODAY, digest: str | None = None):
    with read(county.rt.engine) as conn:
        return verify_number(conn, number, on=on, digest=digest)


def test_a_stored_certificate_verifies_with_its_public_face(county: County) -> None:
    number = _issue(county)
    result = _verify(county, number.replace("-", "").lower())
    assert result.outcome is Outcome.VALID
    assert result.number == number
    assert result.holder_name == "和平县青松商贸有限公司"
    assert result.issuer_name == "和平县市场监督管理局"
    assert result.valid_until == date(2027, 9, 27)
    public = result.public_dict()
    assert public["outcome_label"] == "有效"
    assert "data" not in public


def test_a_person_holder_is_shown_masked(county: County) -> None:
    number = _issue(county, holder_party_id=county.person.id)
    result = _verify(county, number)
    assert county.person.id_number not in json.dumps(result.public_dict(), ensure_ascii=False)
    assert result.holder_id_masked == county.person.id_number[:4] + "*" * 10 + county.person.id_number[-4:]


def test_expired_unknown_and_the_qr_digest(county: County) -> None:
    number = _issue(county)
    assert _verify(county, number, on=date(2027, 9, 28)).outcome is Outcome.EXPIRED
    assert _verify(county, "YYZZ-441624-2026-999999").outcome is Outcome.UNKNOWN
    assert _verify(county, "not a number").outcome is Outcome.UNKNOWN
    with read(county.rt.engine) as conn:
        good = short_digest(export_certificate(conn, number))
    assert _verify(county, number, digest=good).outcome is Outcome.VALID
    assert _verify(county, number, digest="0" * 16).outcome is Outcome.ALTERED


def test_an_edited_row_verifies_as_altered(county: County) -> None:
    number = _issue(county)
    with write(county.rt.engine) as conn:
        conn.execute(
            sa.update(certificates).where(certificates.c.number == number).values(valid_until=date(2099, 12, 31))
        )
    result = _verify(county, number)
    assert result.outcome is Outcome.ALTERED
    assert result.verdict.label == "已被篡改"


def test_revocation_by_the_issuing_unit_is_recorded(county: County) -> None:
    number = _issue(county)
    county.clock.set(START + timedelta(days=2))
    with pytest.raises(CertNotFound):  # another unit's approver does not even see it
        revoke_certificate(county.rt, number=number, actor=county.tax_approver, reason="错误")
    with pytest.raises(CertError) as caught:
        revoke_certificate(county.rt, number=number, actor=county.approver, reason="  ")
    assert caught.value.field == "reason"
    revoked = revoke_certificate(county.rt, number=number, actor=county.approver, reason="企业申请注销")
    assert revoked.revoked_at == START + timedelta(days=2)
    with pytest.raises(CertConflict):
        revoke_certificate(county.rt, number=number, actor=county.approver, reason="再次注销")
    result = _verify(county, number)
    assert result.outcome is Outcome.REVOKED
    assert "企业申请注销" in result.verdict.reason
    with read(county.rt.engine) as conn:
        entry = conn.execute(sa.select(audit_log).where(audit_log.c.action == "cert_revoked")).mappings().one()
        still_valid = valid_certificates(
            conn, holder_party_id=county.firm.id, cert_types=["food_business_license"], on=TODAY
        )
    assert entry["username"] == "amr1"
    assert entry["target"] == number
    assert entry["detail"]["reason"] == "企业申请注销"
    assert still_valid == {}


def test_a_supervisor_role_cannot_revoke_but_an_admin_can(county: County) -> None:
    number = _issue(county)
    from onestop.org.roles import Role
    from onestop.org.users import Actor

    supervisor = Actor(user_id=99, username="sup", roles=frozenset({Role.SUPERVISOR}), unit_id=county.amr.id)
    with pytest.raises(AccessDenied):
        revoke_certificate(county.rt, number=number, actor=supervisor, reason="越权")
    revoke_certificate(county.rt, number=number, actor=county.admin, reason="管理员注销")
    assert _verify(county, number).outcome is Outcome.REVOKED


def test_documents_verify_offline_and_tampering_shows(county: County) -> None:
    number = _issue(county)
    with read(county.rt.engine) as conn:
        document = export_certificate(conn, number).export()
        assert verify_document(conn, document, on=TODAY).outcome is Outcome.VALID
        forged = {**document, "valid_until": "2099-12-31"}
        assert verify_document(conn, forged, on=TODAY).outcome is Outcome.ALTERED
        with pytest.raises(CertError) as caught:
            verify_document(conn, {**document, "valid_from": "someday"}, on=TODAY)
    assert caught.value.field == "valid_from"
    revoke_certificate(county.rt, number=number, actor=county.approver, reason="吊销")
    with read(county.rt.engine) as conn:
        assert verify_document(conn, document, on=TODAY).outcome is Outcome.REVOKED


def test_old_certificates_verify_after_rotation(county: County, key_dir) -> None:
    old_number = _issue(county)
    with read(county.rt.engine) as conn:
        old_key = conn.execute(sa.select(cert_keys.c.key_id)).scalar_one()
    county.clock.set(START + timedelta(days=1))
    with write(county.rt.engine) as conn:
        new_key, retired = rotate_key(conn, county.clock())
    assert retired == [old_key]
    new_number = _issue(county)
    with read(county.rt.engine) as conn:
        keys = {k.key_id: k for k in list_keys(conn)}
        signed_with = dict(conn.execute(sa.select(certificates.c.number, certificates.c.key_id)).all())
    assert keys[old_key].retired_at == START + timedelta(days=1)
    assert keys[new_key.key_id].retired_at is None
    assert signed_with == {old_number: old_key, new_number: new_key.key_id}
    # The old private key can go: verification needs only the public keys in the database.
    (key_dir / f"{old_key}.pem").unlink()
    assert _verify(county, old_number).outcome is Outcome.VALID
    assert _verify(county, new_number).outcome is Outcome.VALID


def test_a_lost_private_key_stops_issuing_with_a_clear_error(county: County, key_dir) -> None:
    _issue(county)
    for path in key_dir.iterdir():
        path.unlink()
    from onestop.certs import keystore

    keystore._stores.clear()  # a fresh process: nothing cached
    with pytest.raises(SigningUnavailable) as caught:
        _issue(county)
    assert caught.value.status == 503
    assert "rotate-key" in caught.value.message


def test_staff_lists_are_scoped_to_their_units(county: County) -> None:
    amr_number = _issue(county)
    tax_number = _issue(county, "tax_invoice_approval", issuing_unit_id=county.tax.id)
    amr_rows, amr_total = list_certificates(county.rt, county.approver)
    tax_rows, _ = list_certificates(county.rt, county.tax_approver)
    admin_rows, admin_total = list_certificates(county.rt, county.admin)
    assert [r.number for r in amr_rows] == [amr_number]
    assert amr_total == 1
    assert [r.number for r in tax_rows] == [tax_number]
    assert admin_total == 2
    assert {r.number for r in admin_rows} == {amr_number, tax_number}
    assert load_certificate(county.rt, county.approver, amr_number)[0].number == amr_number
    with pytest.raises(CertNotFound):
        load_certificate(county.rt, county.approver, tax_number)
