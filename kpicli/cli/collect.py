"""kpicli collect: merge the submissions of one period into one workbook, for the kind that collects
(kpicli.kinds.collecting)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import (
    EXIT_DATA,
    EXIT_USAGE,
    ChineseCommand,
    CompanyOpt,
    ForceOpt,
    QuarterOpt,
    YearOpt,
    app,
    kind_option,
    year_and_quarter,
)
from kpicli.core.period import label_of

PathsArg = Annotated[list[Path], typer.Argument(
    help="各项目提交的工作簿，或放有这些工作簿的文件夹（可以给多个）", metavar="文件或文件夹…",
    show_default=False)]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="汇总后的工作簿（.xlsx）", show_default=False)]
CatalogOpt = Annotated[Path | None, kind_option(
    "--catalog", help="按这份触点目录汇总（默认：各文件中出现的全部触点）")]


@app.command(cls=ChineseCommand)
def collect(
    paths: PathsArg,
    output: OutputOpt,
    catalog: CatalogOpt = None,
    force: ForceOpt = False,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
) -> int:
    """汇总各单位提交的工作簿：合并成一份，之后可直接 kpicli score。

    {各种类}
    """
    from kpicli import api
    from kpicli.cli.batch import print_skipped, progress
    from kpicli.render.terminal import console, print_problems

    year_number, quarter_number = year_and_quarter(year, quarter)
    done = api.collect(paths, output, catalog_path=catalog, force=force, company=company, year=year_number,
                       quarter=quarter_number, progress=lambda files: progress(files, "读取"))
    collected, written = done.collected, done.path
    out = console()
    print_skipped(done.skipped, out)
    print_problems(collected.problems, out, empty="没有发现问题。", advice=False)
    if written is None:
        out.print("有错误，未写入汇总表。请修正上面的错误（或移走有问题的文件）后重新汇总。", style="bold red",
                  markup=False)
        return EXIT_USAGE if collected.unreadable else EXIT_DATA
    period = label_of(collected.year, collected.quarter)
    company_name = collected.company or "（未填写公司名称）"
    company_group = "，另有城市公司列组" if collected.has_company_group else ""
    out.print(f"已汇总 {len(collected.files)} 个文件：{company_name} {period}，{len(collected.projects)} 个项目"
              f"{company_group}，{collected.n_items} 个触点。", markup=False)
    if collected.blanks:
        out.print(f"有 {collected.blanks} 处自查和检查都为空白，评分时按未完成计（可在汇总表中补填检查结果）。",
                  style="yellow", markup=False)
    out.print(f"汇总表已写入：{written}", style="bold green", markup=False)
    shown = f'"{written}"' if " " in str(written) else str(written)
    out.print(f"下一步：kpicli score {shown}", markup=False)
    return 0
