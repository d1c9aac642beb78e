"""`onestop certs verify|export|export-keys|keys|rotate-key` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onestop.actions.certs import issue_certificate
from onestop.cli import app
from onestop.db.engine import write
from tests.certs.conftest import START, County

runner = CliRunner()


@pytest.fixture
def number(county: County, db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ONESTOP_DATABASE_URL", db_url)
    with write(county.rt.engine) as conn:
        issued = issue_certificate(
            conn,
            cert_type="business_license",
            holder_party_id=county.firm.id,
            data={"法定代表人": "李四"},
            issuing_unit_id=county.amr.id,
            valid_from=START.date(),
            valid_until=None,
            source_case_id=None,
            now=START,
        )
    return issued.number


def test_verify_by_number_and_unknown(number: str) -> None:
    result = runner.invoke(app, ["certs", "verify", number, "--on", "2026-10-01"])
    assert result.exit_code == 0, result.output
    assert "有效（valid）" in result.stdout
    assert "和平县青松商贸有限公司" in result.stdout
    missing = runner.invoke(app, ["certs", "verify", "YYZZ-441624-2026-000099"])
    assert missing.exit_code == 1
    assert "不存在（unknown）" in missing.stdout


def test_export_then_verify_the_file_online_and_offline(number: str, tmp_path: Path) -> None:
    exported = tmp_path / "cert.json"
    assert runner.invoke(app, ["certs", "export", number, "-o", str(exported)]).exit_code == 0
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["number"] == number
    assert runner.invoke(app, ["certs", "verify", str(exported), "--on", "2026-10-01"]).exit_code == 0

    keys = tmp_path / "keys.json"
    keys_out = runner.invoke(app, ["certs", "export-keys"])
    assert keys_out.exit_code == 0
    keys.write_text(keys_out.stdout, encoding="utf-8")
    assert set(json.loads(keys_out.stdout)) == {document["key_id"]}
    offline = runner.invoke(app, ["certs", "verify", str(exported), "--keys", str(keys), "--on", "2026-10-01"])
    assert offline.exit_code == 0, offline.output
    assert "离线核验" in offline.stdout

    document["holder"]["name"] = "和平县冒名公司"
    exported.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    altered = runner.invoke(app, ["certs", "verify", str(exported), "--keys", str(keys), "--on", "2026-10-01"])
    assert altered.exit_code == 1
    assert "已被篡改（altered）" in altered.stdout


def test_rotate_key_keeps_old_certificates_valid(number: str) -> None:
    before = runner.invoke(app, ["certs", "keys"]).stdout
    assert before.count("在用") == 1
    rotated = runner.invoke(app, ["certs", "rotate-key"])
    assert rotated.exit_code == 0, rotated.output
    after = runner.invoke(app, ["certs", "keys"]).stdout
    assert after.count("在用") == 1
    assert after.count("停用于") == 1
    assert runner.invoke(app, ["certs", "verify", number, "--on", "2026-10-01"]).exit_code == 0
    bad = runner.invoke(app, ["certs", "rotate-key", "--algorithm", "RSA"])
    assert bad.exit_code == 2
