"""Benchmark: signing and verifying e-certificates through ``onestop.certs``, beside the raw library.

    .venv/bin/python -m bench.certs

* ours, sign: build a ``CertificateBody`` (a 营业执照 with a dozen data fields), its canonical JSON bytes, the
  SM2/SM3 signature through ``PrivateKey.sign`` → a ``SignedCertificate``.
* ours, verify: ``decide`` on a certificate: canonical bytes again, key id and algorithm checks, the SM2
  verification, the validity window → an ``Outcome``.
* raw: ``tongsuopy`` signing and verifying the same canonical bytes (computed once) with the same key: the
  floor our code stands on. The gap is our canonical serialisation and checks.
* ``issue_sqlite_per_s``: whole issues through ``onestop.actions.certs.issue_certificate`` on a SQLite file, one
  write transaction each (party and unit reads, the serial counter, signing, the insert): what the window
  module pays per certificate.

``measure_sign_verify(n)`` returns the four contract figures (``bench.window`` reports them). Each figure is
the best of interleaved rounds, both sides meeting the same disturbances. The last line is
``RESULT sign_per_s=… verify_per_s=… raw_sign_per_s=… raw_verify_per_s=…`` followed by the other figures.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from tongsuopy.crypto import hashes as t_hashes
from tongsuopy.crypto.asymciphers import ec as t_ec

from onestop.certs.document import CertificateBody, Holder, Issuer, SignedCertificate
from onestop.certs.outcome import Outcome, decide
from onestop.certs.signing import Algorithm, generate_key

ROUNDS = 3
ISSUED = datetime(2026, 9, 28, 2, 0, tzinfo=UTC)
DATA = {
    "法定代表人": "李四",
    "注册资本": "人民币壹佰万元整",
    "类型": "有限责任公司（自然人投资或控股）",
    "成立日期": "2026-09-28",
    "营业期限": "长期",
    "住所": "和平县阳明镇建设路8号",
    "经营范围": ["日用百货销售", "五金产品零售", "食品销售（仅销售预包装食品）", "互联网销售"],
    "登记机关": "和平县市场监督管理局",
    "统一社会信用代码": "91441624MA5T123453",
    "股东": [{"姓名": "李四", "出资额": "60万元"}, {"姓名": "王五", "出资额": "40万元"}],
    "来源办件": "SL20260928000001",
    "版本": 1,
}


def _body(serial: int, key_id: str) -> CertificateBody:
    return CertificateBody(
        number=f"YYZZ-441624-2026-{serial:06d}",
        cert_type="business_license",
        type_label="营业执照",
        holder=Holder("enterprise", "和平县青松商贸有限公司", "91441624MA5T123453"),
        valid_from=date(2026, 9, 28),
        valid_until=None,
        data=DATA,
        issuer=Issuer("AMR", "和平县市场监督管理局"),
        issued_at=ISSUED,
        algorithm=Algorithm.SM2_SM3.value,
        key_id=key_id,
    )


def _rate(work: Callable[[], None], n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        work()
    return n / (time.perf_counter() - started)


def measure_sign_verify(n: int) -> dict[str, float]:
    """Per second, best of interleaved rounds of ``n`` operations each: ours (``onestop.certs``) and raw
    (``tongsuopy`` on pre-computed canonical bytes), same SM2 key."""
    key = generate_key(Algorithm.SM2_SM3)
    public = key.public_key()
    raw_key = key._key  # the library object under our wrapper: the same key for both sides
    raw_public = raw_key.public_key()
    body = _body(1, key.key_id)
    message = body.signed_bytes()
    signature = raw_key.sign(message, t_ec.ECDSA(t_hashes.SM3()))
    cert = SignedCertificate(body, signature)
    on = date(2026, 10, 1)
    assert decide(cert, public, on=on).outcome is Outcome.VALID

    def ours_sign() -> None:
        b = _body(2, key.key_id)
        SignedCertificate(b, key.sign(b.signed_bytes()))

    def ours_verify() -> None:
        if decide(cert, public, on=on).outcome is not Outcome.VALID:
            raise AssertionError("verification failed")

    def raw_sign() -> None:
        raw_key.sign(message, t_ec.ECDSA(t_hashes.SM3()))

    def raw_verify() -> None:
        raw_public.verify(signature, message, t_ec.ECDSA(t_hashes.SM3()))

    works = {
        "sign_per_s": ours_sign,
        "verify_per_s": ours_verify,
        "raw_sign_per_s": raw_sign,
        "raw_verify_per_s": raw_verify,
    }
    best = dict.fromkeys(works, 0.0)
    for _ in range(ROUNDS):
        for name, work in works.items():
            best[name] = max(best[name], _rate(work, n))
    return best


def measure_issue_sqlite(n: int) -> float:
    """Whole issues per second through the action layer on a fresh SQLite file (best of rounds)."""
    from onestop.actions.certs import issue_certificate
    from onestop.actions.org import create_units, register_party
    from onestop.actions.runtime import Runtime
    from onestop.db.engine import make_engine, write
    from onestop.db.migrate import upgrade
    from onestop.org.parties import Party, PartyKind
    from onestop.org.units import Unit, UnitKind

    previous = os.environ.get("ONESTOP_CERT_KEY_DIR")
    with TemporaryDirectory() as tmp:
        # The bench's keys live and die with its temporary database, never in the deployment's key directory.
        os.environ["ONESTOP_CERT_KEY_DIR"] = str(Path(tmp) / "keys")
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        rt = Runtime(engine=engine, now=lambda: ISSUED)
        (region,) = create_units(rt, [Unit(0, "R", "和平县人民政府", UnitKind.REGION, None, "441624")])
        (amr,) = create_units(rt, [Unit(0, "AMR", "和平县市场监督管理局", UnitKind.DEPARTMENT, region.id)])
        party = register_party(rt, Party(PartyKind.ENTERPRISE, "和平县青松商贸有限公司", "91441624MA5T123453"))
        assert party.id is not None
        counter = iter(range(10**9))

        def issue() -> None:
            with write(engine) as conn:
                issue_certificate(
                    conn,
                    cert_type="business_license",
                    holder_party_id=party.id,  # type: ignore[arg-type]
                    data=DATA,
                    issuing_unit_id=amr.id,
                    valid_from=date(2026, 9, 28),
                    valid_until=None,
                    source_case_id=None,
                    now=ISSUED + timedelta(seconds=next(counter)),
                )

        try:
            issue()  # the first issue makes the key; not measured
            return max(_rate(issue, n) for _ in range(ROUNDS))
        finally:
            engine.dispose()
            if previous is None:
                os.environ.pop("ONESTOP_CERT_KEY_DIR", None)
            else:
                os.environ["ONESTOP_CERT_KEY_DIR"] = previous


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    figures = measure_sign_verify(n)
    print(f"SM2/SM3 via tongsuopy, {n} operations a round, best of {ROUNDS} interleaved rounds")
    print(
        f"  sign:   ours {figures['sign_per_s']:,.0f}/s   raw {figures['raw_sign_per_s']:,.0f}/s   "
        f"ratio {figures['sign_per_s'] / figures['raw_sign_per_s']:.2f}"
    )
    print(
        f"  verify: ours {figures['verify_per_s']:,.0f}/s   raw {figures['raw_verify_per_s']:,.0f}/s   "
        f"ratio {figures['verify_per_s'] / figures['raw_verify_per_s']:.2f}"
    )
    issue = measure_issue_sqlite(max(50, n // 10))
    print(f"  issue_certificate on SQLite (one transaction each): {issue:,.0f}/s")
    print(
        "RESULT "
        + " ".join(f"{k}={v:.0f}" for k, v in figures.items())
        + f" ratio_sign={figures['sign_per_s'] / figures['raw_sign_per_s']:.2f}"
        + f" ratio_verify={figures['verify_per_s'] / figures['raw_verify_per_s']:.2f}"
        + f" issue_sqlite_per_s={issue:.0f}"
    )


if __name__ == "__main__":
    main()
