#!/usr/bin/env python3
"""One entry point for the two quick-start commands.

    ./dev.py demo   # make .venv, install onestop, build the demo county, serve it on 127.0.0.1:8000
    ./dev.py test   # make .venv, install onestop with test extras, run ruff, mypy and the whole test suite
                    # (set ONESTOP_TEST_POSTGRES_URL to run it on PostgreSQL too, as CI does)

Only the standard library is used here, so it runs on any fresh Python 3.11+.
Extra arguments after the command are passed on (to `onestop demo` or to pytest).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def _ensure_venv(extras: str) -> None:
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
        _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", target)


def demo(args: list[str]) -> None:
    _ensure_venv("")
    _run(BIN / "onestop", "demo", *args)


def test(args: list[str]) -> None:
    _ensure_venv("test")
    _run(BIN / "ruff", "check", "src", "tests", "bench", "dev.py")
    _run(BIN / "mypy")
    pytest_args = args or ["-q", "-n", "2"]
    print("== tests on SQLite ==", flush=True)
    _run(BIN / "python", "-m", "pytest", *pytest_args)
    postgres = os.environ.get("ONESTOP_TEST_POSTGRES_URL")
    if postgres:
        # The same suite again with PostgreSQL as the main database: both are supported, both are tested.
        print("== tests on PostgreSQL ==", flush=True)
        _run(BIN / "python", "-m", "pytest", *pytest_args, env={**os.environ, "ONESTOP_TEST_DATABASE_URL": postgres})


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 -- this script is what tells a user on an old Python
        sys.exit("onestop 需要 Python 3.11 或更高版本 (needs Python 3.11+)")
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
