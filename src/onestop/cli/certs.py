"""`onestop certs verify|export|export-keys|keys|rotate-key`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import Connection

from onestop.actions.certs import VerifyResult, export_certificate, public_result, verify_document, verify_number
from onestop.actions.certs_keys import list_keys, public_keys_document, rotate_signing_key
from onestop.certs.document import parse_document
from onestop.certs.errors import CertError
from onestop.certs.outcome import Outcome, decide
from onestop.certs.signing import Algorithm, load_public_key
from onestop.cli.context import runtime
from onestop.db.engine import read
from onestop.errors import DomainError
from onestop.worktime import TZ

app = typer.Typer(no_args_is_help=True)

OnOption = Annotated[str | None, typer.Option("--on", help="核验日期 YYYY-MM-DD（默认今天）")]


@contextmanager
def _reading() -> Iterator[Connection]:
    """A read transaction on the configured database; the engine is disposed after (no pooled connection is
    left for the interpreter to close)."""
    engine = runtime().engine
    try:
        with read(engine) as conn:
            yield conn
    finally:
        engine.dispose()


def _day(text: str | None) -> date:
    if text is None:
        return date.today()  # noqa: DTZ011  -- the operator's calendar day is what "today" means here
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"日期格式须为 YYYY-MM-DD：{text}") from None


def _echo(result: VerifyResult) -> None:
    typer.echo(f"{result.number}  {result.outcome.label}（{result.outcome.value}）")
    typer.echo(f"  {result.verdict.reason}")
    if result.type_label:
        until = "长期" if result.valid_until is None else str(result.valid_until)
        typer.echo(f"  {result.type_label} · {result.holder_name}（{result.holder_id_masked}）")
        typer.echo(f"  有效期 {result.valid_from} 至 {until} · 发证单位 {result.issuer_name}")


def _load_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise typer.BadParameter(f"无法读取 {path}：{exc}") from None


@app.command("verify", help="核验证照：证照文件（JSON，onestop certs export 导出）或证照编号。有效时退出码为 0。")
def verify_command(
    target: Annotated[str, typer.Argument(help="证照文件路径或证照编号")],
    on: OnOption = None,
    keys: Annotated[
        Path | None, typer.Option("--keys", help="公钥文件（onestop certs export-keys 导出）：不连数据库，离线核验")
    ] = None,
) -> None:
    day = _day(on)
    path = Path(target)
    try:
        if keys is not None:
            if not path.is_file():
                raise typer.BadParameter("离线核验须给出证照文件")
            result = _verify_offline(_load_json(path), _load_json(keys), day)
        else:
            with _reading() as conn:
                if path.is_file():
                    result = verify_document(conn, _load_json(path), on=day)
                else:
                    result = verify_number(conn, target, on=day)
    except DomainError as exc:
        typer.echo(f"✗ {exc.message}", err=True)
        raise typer.Exit(2) from None
    _echo(result)
    if result.outcome is not Outcome.VALID:
        raise typer.Exit(1)


def _verify_offline(document: object, keys: object, day: date) -> VerifyResult:
    """Against a public-keys file only: no database, so no revocation register (said in the reason)."""
    cert = parse_document(document)
    entry = keys.get(cert.body.key_id) if isinstance(keys, dict) else None
    key = None
    if isinstance(entry, dict):
        key = load_public_key(
            Algorithm.parse(str(entry.get("algorithm")), field="algorithm"), str(entry.get("public_key"))
        )
    verdict = decide(cert, key, on=day)
    result = public_result(cert, verdict)
    if verdict.outcome is Outcome.VALID:
        typer.echo("（离线核验：签名与有效期已核对；是否已注销须在线查询）")
    return result


@app.command("export", help="导出证照的签名文件（JSON，含持证主体完整证件号，交持证人保存）。")
def export_command(
    number: Annotated[str, typer.Argument(help="证照编号")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="写入文件（默认打印）")] = None,
) -> None:
    try:
        with _reading() as conn:
            text = export_certificate(conn, number).export_json()
    except CertError as exc:
        typer.echo(f"✗ {exc.message}", err=True)
        raise typer.Exit(2) from None
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"已导出 {output}")


@app.command("export-keys", help="导出全部发证公钥（JSON），供离线核验（onestop certs verify --keys）。")
def export_keys_command() -> None:
    with _reading() as conn:
        typer.echo(json.dumps(public_keys_document(conn), ensure_ascii=False, indent=2, sort_keys=True))


@app.command("keys", help="列出发证密钥：编号、算法、启用与停用时间。")
def keys_command() -> None:
    with _reading() as conn:
        found = list_keys(conn)
    if not found:
        typer.echo("尚无发证密钥（首次签发证照时自动生成）")
    for key in found:
        state = "在用" if key.retired_at is None else f"停用于 {key.retired_at.astimezone(TZ):%Y-%m-%d %H:%M}"
        typer.echo(f"{key.key_id}  {key.algorithm}  启用于 {key.created_at.astimezone(TZ):%Y-%m-%d %H:%M}  {state}")


@app.command("rotate-key", help="轮换发证密钥：停用在用密钥（其签发的证照仍可核验），生成新密钥。")
def rotate_key_command(
    algorithm: Annotated[str, typer.Option("--algorithm", help="SM2-SM3（默认）或 Ed25519")] = "SM2-SM3",
) -> None:
    try:
        chosen = Algorithm.parse(algorithm, field="algorithm")
    except DomainError as exc:
        raise typer.BadParameter(exc.message) from None
    rt = runtime()
    try:
        new_id, retired = rotate_signing_key(rt, username="cli", algorithm=chosen)
    finally:
        rt.engine.dispose()
    typer.echo(f"新发证密钥 {new_id}（{chosen.value}）；已停用：{'、'.join(retired) or '无'}")
