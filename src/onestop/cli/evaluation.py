"""`onestop evaluation`: the indicator tree, scores and ranking of a period, reports, the Doing Business proof."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from onestop.errors import DomainError

if TYPE_CHECKING:
    from onestop.actions.evaluation_reads.evaluate import Evaluation
    from onestop.actions.runtime import Runtime
    from onestop.evaluation.scoring import Scorecard

app = typer.Typer(
    name="evaluation",
    help="营商环境评价：指标体系、前沿距离计分、各地区排名、评价报告（.xlsx/.docx）、世界银行营商环境数据复现。",
    no_args_is_help=True,
)


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    DOCX = "docx"


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=1)


def _echo_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=1))


TreeOption = Annotated[Path | None, typer.Option("--tree", help="本地指标体系文件（JSON），默认用内置指标体系")]
RootOption = Annotated[str | None, typer.Option("--root", help="参评地区的上级单位代码（如某市），默认所有末级行政区")]
PeriodOption = Annotated[str, typer.Option("--period", help="评价期间：2026、2026H1、2026Q3 或 2026M07")]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


@app.command("doing-business")
def doing_business_command(
    csv_file: Annotated[
        Path, typer.Option("--csv", help="世界银行营商环境数据导出（Starting a Business，全部经济体）")
    ],
    year: Annotated[int, typer.Option("--year", help="营商环境报告年度（DB2006–DB2020，如 2020）")],
    as_json: JsonOption = False,
    economy: Annotated[str | None, typer.Option("--economy", help="只输出该经济体（英文名或三字母代码）")] = None,
    check: Annotated[bool, typer.Option("--check", help="任一经济体相差超过 0.05 时以状态 1 退出")] = False,
) -> None:
    """用本平台的前沿距离计分复现世界银行“开办企业”得分，并与公布值逐一对照。"""
    from onestop.evaluation.doing_business import TOLERANCE, disagreements, read_databank, reproduce

    try:
        results = reproduce(read_databank(csv_file), year)
    except DomainError as exc:
        raise _fail(exc.message) from None
    if economy is not None:
        wanted = economy.strip().casefold()
        results = [r for r in results if wanted in {r.economy.casefold(), r.code.casefold()}]
    bad = disagreements(results)
    if as_json:
        _echo_json([r.to_json() for r in results])
    else:
        for r in results:
            name = r.economy if r.city is None else f"{r.economy} — {r.city}"
            computed = "—" if r.computed is None else f"{r.computed:8.3f}"
            published = "—" if r.published is None else f"{r.published:6.1f}"
            difference = "" if r.difference is None else f"{r.difference:+.4f}"
            typer.echo(f"{name:<40} {computed} {published} {difference} {'' if r.agrees else '✗'}")
        largest = max((abs(r.difference) for r in results if r.difference is not None), default=0.0)
        typer.echo(f"DB{year}: {len(results)} 个经济体/城市，最大差 {largest:.4f}，超过 {TOLERANCE} 的 {len(bad)} 个")
    if check and bad:
        raise typer.Exit(code=1)


@app.command("tree")
def tree_command(
    year: Annotated[int | None, typer.Option("--year", help="评价年度，默认当年")] = None,
    tree_file: TreeOption = None,
    as_json: JsonOption = False,
) -> None:
    """显示某评价年度的指标体系：一级、二级指标及其单位、方向、前沿值、最差值、权重和数据来源。"""
    from onestop.actions.evaluation_reads.computed import get_measure
    from onestop.evaluation.tree import load_tree
    from onestop.worktime import TZ

    try:
        tree = load_tree(year or datetime.now(TZ).year, tree_file)
    except DomainError as exc:
        raise _fail(exc.message) from None
    if as_json:
        _echo_json(
            {
                "title": tree.title,
                "year": tree.year,
                "configured_year": tree.configured_year,
                "indicators": [
                    {
                        "code": i.code,
                        "name": i.name,
                        "weight": i.weight,
                        "components": [
                            {
                                "key": c.key,
                                "name": c.name,
                                "unit": c.unit,
                                "direction": c.direction.value,
                                "frontier": c.frontier,
                                "worst": c.worst,
                                "weight": c.weight,
                                "source": c.source.value,
                                "measure": c.measure,
                                "measure_available": c.measure is not None and get_measure(c.measure) is not None,
                            }
                            for c in i.components
                        ],
                    }
                    for i in tree
                ],
            }
        )
        return
    carried = f"（沿用 {tree.configured_year} 年度参数）" if tree.carried_forward else ""
    typer.echo(f"{tree.title} · {tree.year} 年度{carried}")
    for indicator in tree:
        typer.echo(f"{indicator.name}（{indicator.code}，权重 {indicator.weight:g}）")
        for c in indicator.components:
            source = c.source.label
            if c.measure:
                source += f" {c.measure}" + ("" if get_measure(c.measure) else "（未接入）")
            typer.echo(
                f"  {c.name} [{c.unit}] {c.direction.label} 前沿 {c.frontier:g} 最差 {c.worst:g} "
                f"权重 {c.weight:g} · {source}"
            )


@app.command("measures")
def measures_command() -> None:
    """列出已接入的平台计算指标（计算方法）。"""
    from onestop.actions.evaluation_reads.computed import measures

    for m in measures():
        typer.echo(f"{m.code}\t{m.label}\t[{m.unit}]\t{', '.join(m.source_kinds())}")


@contextmanager
def _runtime() -> Iterator[Runtime]:
    from onestop.cli.context import runtime

    rt = runtime()
    try:
        yield rt
    finally:
        rt.engine.dispose()  # a CLI command is the whole life of its engine: close the pool's connections


def _evaluate(
    rt: Runtime, period: str, root: str | None, tree_file: Path | None, bottom: int
) -> tuple[Evaluation, str | None]:
    from onestop.actions.evaluation import evaluate_period
    from onestop.db.engine import read
    from onestop.db.org_repo import load_unit_tree

    root_id, root_name = None, None
    try:
        if root is not None:
            with read(rt.engine) as conn:
                unit = load_unit_tree(conn).by_code(root)
            root_id, root_name = unit.id, unit.name
        return evaluate_period(rt, period, root_id=root_id, tree_path=tree_file, bottom=bottom), root_name
    except DomainError as exc:
        raise _fail(exc.message) from None


@app.command("score")
def score_command(
    period: PeriodOption,
    root: RootOption = None,
    tree_file: TreeOption = None,
    bottom: Annotated[int, typer.Option("--bottom", min=0, help="标记末位的名次数")] = 1,
    as_json: JsonOption = False,
) -> None:
    """计算某期间各地区的指标值和得分，并排名（末位标出）。"""
    with _runtime() as rt:
        evaluation, _ = _evaluate(rt, period, root, tree_file, bottom)
    ranks = {r.subject: r for r in evaluation.ranking}
    if as_json:
        _echo_json(
            {
                "period": evaluation.period.code,
                "tree_year": evaluation.tree.configured_year,
                "unavailable_measures": list(evaluation.unavailable),
                "regions": [
                    {
                        "region": r.card.subject,
                        "code": r.region.code,
                        "overall": r.card.overall,
                        "rank": ranks[r.card.subject].rank,
                        "bottom": ranks[r.card.subject].bottom,
                        "coverage": list(r.card.coverage),
                        "indicators": {i.indicator.code: i.score for i in r.card.indicators},
                        "values": {
                            c.component.key: {"value": c.value.value, "source": c.value.source, "score": c.score}
                            for i in r.card.indicators
                            for c in i.components
                            if c.value.value is not None
                        },
                    }
                    for r in evaluation.results
                ],
            }
        )
        return
    typer.echo(f"{evaluation.period.label} 营商环境评价（{evaluation.tree.title}）")
    for item in evaluation.ranking:
        score = "—" if item.score is None else f"{item.score:.2f}"
        rank = "—" if item.rank is None else str(item.rank)
        typer.echo(f"{rank:>3}  {item.subject:<20} {score:>7} {'末位' if item.bottom else ''}")
    if evaluation.unavailable:
        typer.echo(f"尚未接入的计算方法（采用审核通过的填报值）：{', '.join(evaluation.unavailable)}")


@app.command("compare")
def compare_command(
    periods: Annotated[list[str], typer.Option("--period", help="评价期间，可重复：--period 2026Q1 --period 2026Q2")],
    root: RootOption = None,
    tree_file: TreeOption = None,
    components: Annotated[bool, typer.Option("--components", help="同时列出二级指标得分")] = False,
    as_json: JsonOption = False,
) -> None:
    """各地区、各期间得分并列对比（一级指标、综合得分；末位标出）。"""
    from onestop.evaluation.compare import side_by_side

    columns: dict[str, list[Scorecard]] = {}
    bottoms: dict[str, set[str]] = {}
    with _runtime() as rt:
        for period in periods:
            evaluation, _ = _evaluate(rt, period, root, tree_file, 1)
            for card in evaluation.cards:
                columns.setdefault(card.subject, []).append(card)
            bottoms[evaluation.period.code] = {r.subject for r in evaluation.ranking if r.bottom}
    tables = {
        subject: side_by_side(cards, column=lambda card: card.period, components=components)
        for subject, cards in columns.items()
    }
    flagged = {subject: [p for p in table.columns if subject in bottoms[p]] for subject, table in tables.items()}
    if as_json:
        _echo_json(
            {
                subject: {
                    "periods": list(table.columns),
                    "bottom": flagged[subject],
                    "rows": [{"key": row.key, "name": row.label, "scores": list(row.cells)} for row in table.rows],
                }
                for subject, table in tables.items()
            }
        )
        return
    for subject, table in tables.items():
        typer.echo(f"{subject}（末位：{'、'.join(flagged[subject]) or '无'}）")
        typer.echo(" " * 26 + "".join(f"{p:>10}" for p in table.columns))
        for row in table.rows:
            cells = "".join("         —" if v is None else f"{v:10.2f}" for v in row.cells)
            typer.echo(f"  {row.label:<24}{cells}")


@app.command("report")
def report_command(
    *,
    period: PeriodOption,
    report_format: Annotated[ReportFormat, typer.Option("--format", help="xlsx 或 docx")],
    out: Annotated[Path, typer.Option("--out", help="输出文件")],
    root: RootOption = None,
    tree_file: TreeOption = None,
    bottom: Annotated[int, typer.Option("--bottom", min=0, help="标记末位的名次数")] = 1,
    previous: Annotated[bool, typer.Option("--previous/--no-previous", help="对比上一期间的综合得分")] = True,
) -> None:
    """导出评价报告：综合排名、一级指标得分、二级指标明细、指标体系。"""
    from onestop.evaluation.reports import ReportData, write_docx, write_xlsx
    from onestop.worktime import TZ

    before: list[Scorecard] = []
    with _runtime() as rt:
        evaluation, root_name = _evaluate(rt, period, root, tree_file, bottom)
        if previous:
            try:
                before = _evaluate(rt, evaluation.period.previous().code, root, tree_file, bottom)[0].cards
            except typer.Exit:
                before = []  # no tree configured for the previous period: nothing to compare with
    notes = []
    if evaluation.unavailable:
        notes.append("以下计算方法尚未接入，相应指标采用审核通过的填报值：" + "、".join(evaluation.unavailable))
    data = ReportData(
        title=f"{root_name or ''}营商环境评价报告",
        period=evaluation.period,
        tree=evaluation.tree,
        cards=evaluation.cards,
        ranking=evaluation.ranking,
        generated_at=datetime.now(TZ),
        previous=before,
        notes=notes,
    )
    writer = write_xlsx if report_format is ReportFormat.XLSX else write_docx
    path = writer(data, out)
    typer.echo(f"已导出 {path}（{len(evaluation.results)} 个地区，{evaluation.period.label}）")
