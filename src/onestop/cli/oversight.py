"""`onestop oversight`: the monthly bulletin (.docx/.xlsx/.pdf), unit scorecards, supervision rules, and the
deployment's settings (`rules show|set|reset`, `scorecard show|set|reset`: TOML in, TOML out)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from onestop.errors import DomainError

if TYPE_CHECKING:
    from onestop.actions.oversight import SettingState
    from onestop.actions.runtime import Runtime

app = typer.Typer(
    name="oversight",
    help="效能监察：月度通报（.docx/.xlsx/.pdf）、单位综合考评排名、督办规则。",
    no_args_is_help=True,
)
rules_app = typer.Typer(name="rules", help="督办规则：列出、运行、查看/修改/恢复默认", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
scorecard_app = typer.Typer(
    name="scorecard", help="综合考评设置（权重、扣分、约谈、通报阈值）：查看/修改/恢复默认", no_args_is_help=True
)
app.add_typer(scorecard_app, name="scorecard")
BAD_SETTINGS = 2  # a refused settings file: like a usage error, nothing was stored


class BulletinFormat(StrEnum):
    DOCX = "docx"
    XLSX = "xlsx"
    PDF = "pdf"


RegionOption = Annotated[str | None, typer.Option("--region", help="行政区划代码（如 441624），默认本部署的行政区")]


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=1)


@contextmanager
def _runtime() -> Iterator[Runtime]:
    """The runtime of one command; its connections are closed when the command ends."""
    from onestop.cli.context import runtime

    rt = runtime()
    try:
        yield rt
    finally:
        rt.engine.dispose()


def _instant(text: str | None) -> datetime | None:
    from onestop.cli.tick import _parse_instant

    return _parse_instant(text) if text else None


@app.command("bulletin")
def bulletin_command(
    month: Annotated[str, typer.Option("--month", help="统计期间：2026-10（月）、2026Q4（季度）或 2026（年）")],
    fmt: Annotated[BulletinFormat, typer.Option("--format", help="输出格式")],
    out: Annotated[Path, typer.Option("--out", help="输出文件", dir_okay=False, writable=True)],
    region: RegionOption = None,
    at: Annotated[str | None, typer.Option("--at", help="以此时刻统计（ISO 8601，默认现在）")] = None,
) -> None:
    """生成效能监察通报：总体情况、各单位情况（低于阈值标红）、综合排名、热点问题、典型案例。"""
    from onestop.actions.oversight import CLI_ACTOR, bulletin, render_bulletin

    with _runtime() as rt:
        when = _instant(at)
        if when is not None:
            rt.now = lambda: when
        try:
            figures = bulletin(rt, CLI_ACTOR, month, region=region)
            data = render_bulletin(figures, fmt.value)
        except DomainError as exc:
            raise _fail(exc.message) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    h = figures.headline
    typer.echo(
        f"{figures.title}：{len(figures.units)} 个单位，受理 {h.received} 件，办结 {h.finished} 件，"
        f"督办 {h.orders} 件 → {out}（{len(data)} 字节）"
    )


@app.command("scorecards")
def scorecards_command(
    period: Annotated[str, typer.Option("--period", "--month", help="统计期间：2026-10、2026Q4 或 2026")],
    region: RegionOption = None,
) -> None:
    """各单位综合考评得分与排名（末位约谈标记）。"""
    from onestop.actions.oversight import CLI_ACTOR, scorecards
    from onestop.oversight.bulletin.figures import ranking_header, ranking_row

    with _runtime() as rt:
        try:
            view = scorecards(rt, CLI_ACTOR, period, region=region)
        except DomainError as exc:
            raise _fail(exc.message) from None
    typer.echo(f"{view.region.name} {view.period.label} 综合考评")
    typer.echo("\t".join(ranking_header()))
    for card in view.cards:
        typer.echo("\t".join(ranking_row(card)))


@rules_app.command("list")
def rules_list_command() -> None:
    """列出生效的督办规则。"""
    from onestop.actions.oversight import current_rules

    with _runtime() as rt:
        rules = current_rules(rt)
    for rule in rules:
        state = "" if rule.enabled else "（停用）"
        extra = f"，退回操作 {','.join(rule.actions)}" if rule.actions else ""
        typer.echo(
            f"{rule.code}\t{rule.label}{state}\t检查 {rule.check.value}，阈值 {rule.threshold}{extra}，"
            f"答复时限 {rule.order_limit} 个工作日，类型 {','.join(rule.kinds)}"
        )


@rules_app.command("run")
def rules_run_command(
    at: Annotated[str | None, typer.Option("--at", help="以此时刻运行（ISO 8601，默认现在）")] = None,
) -> None:
    """运行督办规则：对新命中的办件发出督办单（同一规则同一办件只有一张未办结的督办单）。"""
    from onestop.actions.oversight import run_rules

    with _runtime() as rt:
        try:
            run = run_rules(rt, _instant(at))
        except DomainError as exc:
            raise _fail(exc.message) from None
    for code, n in run.checked.items():
        typer.echo(f"{code}: 命中 {n} 件")
    for raised in run.raised:
        typer.echo(f"督办单 {raised.order} ← {raised.subject}（{raised.rule}）")
    typer.echo(f"共发出督办单 {len(run.raised)} 件")


# -- settings ----------------------------------------------------------------------------------------------------

SettingsFile = Annotated[
    Path, typer.Argument(help="TOML 文件", exists=True, dir_okay=False, readable=True, show_default=False)
]


def _header(what: str, state: SettingState, shipped: Path, command: str) -> str:
    if not state.is_override:
        return f"# {what}：内置默认设置（{shipped.name}）"
    from onestop.worktime import TZ

    assert state.updated_at is not None
    when = state.updated_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    return (
        f"# {what}：本部署的覆盖设置（{state.updated_by} 于 {when} 修改；恢复默认：onestop oversight {command} reset）"
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        typer.echo(f"设置文件 {path} 不是 UTF-8 编码的文本", err=True)
        raise typer.Exit(code=BAD_SETTINGS) from None


@contextmanager
def _settings_change() -> Iterator[Runtime]:
    """A settings change as the command line's administrator: a refused file says why and exits 2."""
    with _runtime() as rt:
        try:
            yield rt
        except DomainError as exc:
            typer.echo(exc.message, err=True)
            raise typer.Exit(code=BAD_SETTINGS) from None


@rules_app.command("show")
def rules_show_command() -> None:
    """以 TOML 打印生效的督办规则，并注明是内置默认还是本部署的覆盖设置。"""
    from onestop.actions.oversight import CLI_ACTOR, settings
    from onestop.oversight.rules import RULES_FILE
    from onestop.oversight.settings import dump_toml, rules_document

    with _runtime() as rt:
        view = settings(rt, CLI_ACTOR)
    typer.echo(_header("督办规则", view.rules_state, RULES_FILE, "rules"))
    typer.echo(dump_toml(rules_document(view.rules)), nl=False)


@rules_app.command("set")
def rules_set_command(file: SettingsFile) -> None:
    """以 TOML 文件（[[rule]] 表，格式同 rules show）替换督办规则；校验不通过则不保存（退出码 2）。"""
    from onestop.actions.oversight import CLI_ACTOR, set_rules_text

    text = _read(file)
    with _settings_change() as rt:
        rules = set_rules_text(rt, CLI_ACTOR, text)
    typer.echo(f"督办规则已更新：{len(rules)} 条（{'、'.join(r.code for r in rules)}），下次运行规则时生效")


@rules_app.command("reset")
def rules_reset_command() -> None:
    """删除本部署的覆盖设置，恢复内置默认督办规则。"""
    from onestop.actions.oversight import CLI_ACTOR, set_rules

    with _settings_change() as rt:
        rules = set_rules(rt, CLI_ACTOR, None)
    typer.echo(f"督办规则已恢复内置默认：{len(rules)} 条")


@scorecard_app.command("show")
def scorecard_show_command() -> None:
    """以 TOML 打印生效的综合考评设置（内置默认叠加覆盖设置），并注明是否有覆盖设置。"""
    from onestop.actions.oversight import CLI_ACTOR, settings
    from onestop.oversight.config import CONFIG_FILE
    from onestop.oversight.settings import dump_toml

    with _runtime() as rt:
        view = settings(rt, CLI_ACTOR)
    typer.echo(_header("综合考评设置", view.config_state, CONFIG_FILE, "scorecard"))
    if view.config_state.is_override:
        typer.echo(f"# 覆盖的部分：{', '.join(sorted(view.config_state.override))}")
    typer.echo(dump_toml(view.config_document), nl=False)


@scorecard_app.command("set")
def scorecard_set_command(file: SettingsFile) -> None:
    """以 TOML 文件覆盖综合考评设置（可只写要改的部分，如 [weights] orders = 20）；校验不通过则不保存（退出码 2）。"""
    from onestop.actions.oversight import CLI_ACTOR, set_config_text

    text = _read(file)
    with _settings_change() as rt:
        config = set_config_text(rt, CLI_ACTOR, text)
    weights = "、".join(f"{k} {v:g}" for k, v in config.weights.items())
    typer.echo(f"综合考评设置已更新（权重：{weights}），下次计算考评时生效")


@scorecard_app.command("reset")
def scorecard_reset_command() -> None:
    """删除本部署的覆盖设置，恢复内置默认的综合考评设置。"""
    from onestop.actions.oversight import CLI_ACTOR, set_config

    with _settings_change() as rt:
        set_config(rt, CLI_ACTOR, None)
    typer.echo("综合考评设置已恢复内置默认")
