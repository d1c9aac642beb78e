"""The pure core: canonical bytes, signing and verification, outcomes, types, numbers, the QR payload."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime

import numpy as np
import pytest
import segno
import zxingcpp

from onestop.certs.document import CertificateBody, Holder, Issuer, SignedCertificate, canonical_bytes, parse_document
from onestop.certs.errors import CertError
from onestop.certs.numbers import format_cert_number, normalise_cert_number
from onestop.certs.outcome import Outcome, decide
from onestop.certs.qr import qr_code, short_digest, verify_url
from onestop.certs.signing import Algorithm, digest, generate_key, load_public_key
from onestop.certs.types import add_months, cert_types, parse_types

ISSUED = datetime(2026, 9, 28, 2, 0, tzinfo=UTC)


def _body(algorithm: Algorithm, key_id: str) -> CertificateBody:
    return CertificateBody(
        number="YYZZ-441624-2026-000001",
        cert_type="business_license",
        type_label="营业执照",
        holder=Holder("enterprise", "和平县青松商贸有限公司", "91441624MA5T123453"),
        valid_from=date(2026, 9, 28),
        valid_until=date(2031, 9, 27),
        data={"法定代表人": "李四", "经营范围": ["日用百货", "五金"]},
        issuer=Issuer("AMR", "和平县市场监督管理局"),
        issued_at=ISSUED,
        algorithm=algorithm.value,
        key_id=key_id,
    )


def _signed(algorithm: Algorithm = Algorithm.SM2_SM3):
    key = generate_key(algorithm)
    body = _body(algorithm, key.key_id)
    return SignedCertificate(body, key.sign(body.signed_bytes())), key.public_key()


def test_canonical_bytes_are_sorted_compact_utf8() -> None:
    assert canonical_bytes({"b": 1, "a": ["名", True, None]}) == '{"a":["名",true,null],"b":1}'.encode()
    # The exact signed bytes of a document: hand-written, so any change of the format shows here.
    expected = (
        '{"algorithm":"SM2-SM3","data":{"法定代表人":"李四","经营范围":["日用百货","五金"]},'
        '"format":"onestop-cert/1","holder":{"id_number":"91441624MA5T123453","kind":"enterprise",'
        '"name":"和平县青松商贸有限公司"},"issued_at":"2026-09-28T02:00:00.000000+00:00",'
        '"issuer":{"code":"AMR","name":"和平县市场监督管理局"},"key_id":"k1","number":"YYZZ-441624-2026-000001",'
        '"type":"business_license","type_label":"营业执照","valid_from":"2026-09-28","valid_until":"2031-09-27"}'
    )
    assert _body(Algorithm.SM2_SM3, "k1").signed_bytes() == expected.encode("utf-8")


def test_sm3_is_the_standard_hash() -> None:
    # GB/T 32905 example 1: SM3("abc").
    assert digest(Algorithm.SM2_SM3, b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


@pytest.mark.parametrize("algorithm", list(Algorithm))
def test_round_trip_through_the_exported_document(algorithm: Algorithm) -> None:
    cert, public = _signed(algorithm)
    exported = json.loads(json.dumps(cert.export()))
    back = parse_document(exported)
    assert back == cert
    assert decide(back, public, on=date(2026, 10, 1)).outcome is Outcome.VALID
    # The public key survives its PEM form.
    again = load_public_key(algorithm, public.pem)
    assert again.key_id == cert.body.key_id
    assert decide(back, again, on=date(2026, 10, 1)).outcome is Outcome.VALID


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("holder", "name"), "和平县冒名有限公司"),
        (("holder", "id_number"), "91441624MA5T123454"),
        (("valid_until",), "2099-12-31"),
        (("valid_from",), "2026-09-27"),
        (("data", "法定代表人"), "王五"),
        (("issuer", "name"), "和平县税务局"),
        (("type",), "food_business_license"),
        (("number",), "YYZZ-441624-2026-000002"),
        (("issued_at",), "2026-09-28T02:00:01.000000+00:00"),
    ],
)
def test_changing_any_one_field_is_altered(path: tuple[str, ...], value: str) -> None:
    cert, public = _signed()
    document = copy.deepcopy(cert.export())
    target = document
    for step in path[:-1]:
        target = target[step]
    assert target[path[-1]] != value
    target[path[-1]] = value
    verdict = decide(parse_document(document), public, on=date(2026, 10, 1))
    assert verdict.outcome is Outcome.ALTERED
    assert verdict.label == "已被篡改"


def test_a_signature_by_another_key_or_swapped_algorithm_is_altered() -> None:
    cert, public = _signed()
    _other, other_public = _signed()
    assert decide(cert, other_public, on=date(2026, 10, 1)).outcome is Outcome.ALTERED
    assert decide(cert, None, on=date(2026, 10, 1)).outcome is Outcome.ALTERED
    document = cert.export()
    document["signature"] = "AAAA"  # Base64, but no signature at all
    assert decide(parse_document(document), public, on=date(2026, 10, 1)).outcome is Outcome.ALTERED


def test_outcome_by_day_and_revocation() -> None:
    cert, public = _signed()
    assert decide(cert, public, on=date(2031, 9, 27)).outcome is Outcome.VALID  # last day
    assert decide(cert, public, on=date(2031, 9, 28)).outcome is Outcome.EXPIRED
    assert decide(cert, public, on=date(2026, 9, 27)).outcome is Outcome.NOT_YET_VALID
    revoked = decide(cert, public, on=date(2026, 10, 1), revoked_at=ISSUED, revoke_reason="企业注销")
    assert revoked.outcome is Outcome.REVOKED
    assert "企业注销" in revoked.reason


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ([], "document"),
        ({"format": "other"}, "format"),
    ],
)
def test_malformed_documents_are_bad_input(document: object, field: str) -> None:
    with pytest.raises(CertError) as caught:
        parse_document(document)
    assert caught.value.field == field


def test_malformed_members_are_named() -> None:
    cert, _public = _signed()
    for member, value, field in [
        ("signature", "not base64!", "signature"),
        ("valid_from", "28/09/2026", "valid_from"),
        ("issued_at", "2026-09-28T02:00:00", "issued_at"),
        ("extra", 1, "extra"),
    ]:
        document = cert.export()
        document[member] = value
        with pytest.raises(CertError) as caught:
            parse_document(document)
        assert caught.value.field == field, member


def test_types_file_holds_the_contract_codes() -> None:
    types = cert_types()
    assert len(types) >= 15
    assert types["business_license"].label == "营业执照"
    assert types["mortgage_certificate"].label == "不动产登记证明（抵押权）"
    assert types["food_business_license"].validity_months == 60
    assert types.by_prefix("SGXK") is types["construction_permit"]
    with pytest.raises(ValueError, match="declared twice"):
        parse_types('[[type]]\ncode="a_b"\nlabel="x"\nprefix="AB"\n[[type]]\ncode="a_c"\nlabel="y"\nprefix="AB"\n')


def test_months_clamp_to_the_end_of_the_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert cert_types()["construction_permit"].default_valid_until(date(2026, 11, 30)) == date(2027, 2, 27)


def test_numbers_are_normalised_from_what_people_type() -> None:
    assert format_cert_number("YYZZ", "441624", 2026, 42) == "YYZZ-441624-2026-000042"
    assert normalise_cert_number(" yyzz 4416242026000042 ") == "YYZZ-441624-2026-000042"
    assert normalise_cert_number("YYZZ-441624-2026-000042") == "YYZZ-441624-2026-000042"
    assert normalise_cert_number("SQ20260928000001") is None
    assert normalise_cert_number("<script>") is None


def test_the_qr_code_carries_the_verify_url() -> None:
    cert, _public = _signed()
    url = verify_url("https://zwfw.example.gov.cn/", cert)
    s = short_digest(cert)
    assert url == f"https://zwfw.example.gov.cn/verify/YYZZ-441624-2026-000001?s={s}"
    assert len(s) == 16
    assert s == digest(Algorithm.SM2_SM3, cert.signature).hex()[:16]
    code = qr_code(url)
    assert code.error == "M"
    assert code.mode == "byte"
    # Decoded by an independent reader (zxing-cpp) from the symbol's modules: the URL, and nothing else.
    assert decode_qr(code) == [url]


def decode_qr(code: segno.QRCode) -> list[str]:
    """The texts a QR reader finds in ``code`` rendered black on white with a quiet zone, 4 px a module."""
    modules = np.array(code.matrix, dtype=np.uint8)
    image = np.kron(np.pad(1 - modules, 4, constant_values=1), np.ones((4, 4), dtype=np.uint8)) * 255
    return [found.text for found in zxingcpp.read_barcodes(image)]
