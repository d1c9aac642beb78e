"""The bench entry point other benches rely on (``bench.window``) returns its four figures."""

from __future__ import annotations

from bench.certs import measure_sign_verify


def test_measure_sign_verify_reports_the_contract_keys() -> None:
    figures = measure_sign_verify(5)
    assert set(figures) == {"sign_per_s", "verify_per_s", "raw_sign_per_s", "raw_verify_per_s"}
    assert all(value > 0 for value in figures.values())
