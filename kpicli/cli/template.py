"""kpicli template: a blank checklist for a quarter (optionally with last quarter's roster), or blank scorecards."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import ChineseCommand, CompanyOpt, ForceOpt, KpiError, app


@app.command(cls=ChineseCommand)
def template(
    year: Annotated[int | None, typer.Option("--year", help="考核年度，如 2026（检查表必填）", show_default=False)] = None,
    quarter: Annotated[int | None, typer.Option("--quarter", min=1, max=4, help="考核季度 1–4（检查表必填）", show_default=False)] = None,
    project: Annotated[list[str] | None, typer.Option("--project", "-p", help="项目名称；可重复，每个项目一次（检查表必填）", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件（默认：<年度>Q<季度>_客户触点检查表.xlsx；绩效考核表默认 <期间>_<部门>绩效考核表.xlsx，--split 时为同名文件夹）", show_default=False)] = None,
    catalog: Annotated[Path | None, typer.Option("--catalog", help="自定义触点目录工作簿（列同内置目录）", show_default=False)] = None,
    company: CompanyOpt = None,
    force: ForceOpt = False,
    roster: Annotated[Path | None, typer.Option("--roster", help="人员名单：检查表复制该工作簿（如上季度检查表）的人员名单；绩效考核表为名单中每人生成一张表", show_default=False)] = None,
    period: Annotated[str | None, typer.Option("--period", help="绩效考核表的考核期间，如 2026Q1、2026年3月、2026年度", show_default=False)] = None,
    indicators: Annotated[list[str] | None, typer.Option("--indicators", help="绩效考核表的指标套：内置名称（客服专员、客服主管、客服经理、物业客服）或自己的 .csv/.xlsx 文件；可重复", show_default=False)] = None,
    person: Annotated[list[str] | None, typer.Option("--person", help="没有人员名单时，为这些姓名各生成一张绩效考核表；可重复", show_default=False)] = None,
    split: Annotated[bool, typer.Option("--split", help="绩效考核表每人一个文件，写入 -o 指定的文件夹")] = False,
) -> int:
    """生成空白检查表（五个职能工作表，每个项目一组 自查/检查/备注 列，带下拉选项），或空白绩效考核表（给出 --period 时，每人一张表）。

    示例：kpicli template --year 2026 --quarter 1 -p 云栖府 -p 望江台 --roster 2025Q4_客户触点检查表.xlsx

    示例：kpicli template --period 2026Q1 --indicators 客服专员 --roster 人员名单.xlsx
    """
    from kpicli import api

    if period is not None or indicators or person or split:
        return _scorecards(output, period=period, indicators=indicators or [], roster=roster, person=person or [],
                           company=company, split=split, force=force,
                           checklist={"--year": year, "--quarter": quarter, "-p": project, "--catalog": catalog})
    missing = [name for name, value in (("--year", year), ("--quarter", quarter), ("-p", project)) if not value]
    if missing:
        raise KpiError(f"缺少必填选项 {'、'.join(missing)}：生成检查表需要 --year、--quarter 和 -p；"
                       "生成绩效考核表请给出 --period（如 --period 2026Q1 --indicators 客服专员）")
    out = output or Path(f"{year}Q{quarter}_客户触点检查表.xlsx")
    if roster is None:
        written = api.template(out, year=year, quarter=quarter, projects=project, company=company,
                               catalog_path=catalog, force=force)
    else:
        written, notes = api.template_with_roster(out, year=year, quarter=quarter, projects=project,
                                                  company=company, catalog_path=catalog, roster_path=roster,
                                                  force=force)
        for note in notes:
            typer.echo(f"警告：{note}", err=True)
    typer.echo(f"空白检查表已写入：{written}")
    return 0


def _scorecards(output: Path | None, *, period: str | None, indicators: list[str], roster: Path | None,
                person: list[str], company: str | None, split: bool, force: bool,
                checklist: dict[str, object]) -> int:
    from kpicli import api

    given = [name for name, value in checklist.items() if value]
    if given:
        raise KpiError(f"{'、'.join(given)} 只用于检查表，不能与绩效考核表的选项（--period、--indicators、--person、"
                       "--split）同时使用")
    if period is None:
        raise KpiError("生成绩效考核表需要 --period，如 --period 2026Q1")
    written = api.scorecard_template(output, period=period, indicators=indicators, roster_path=roster,
                                     people=person, company=company, split=split, force=force)
    if split:
        typer.echo(f"空白绩效考核表已写入 {written[0].parent}（每人一个文件，共 {len(written)} 个）")
    else:
        typer.echo(f"空白绩效考核表已写入：{written[0]}")
    return 0
