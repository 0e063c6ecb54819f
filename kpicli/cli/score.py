"""kpicli score: score, rank and write the result workbook, one file or several."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import (
    AllowBlankOpt,
    CatalogCheckOpt,
    ChineseCommand,
    CompanyOpt,
    DataError,
    FilesArg,
    ForceOpt,
    FormatOpt,
    IndicatorsCheckOpt,
    QuarterOpt,
    RulesOpt,
    YearOpt,
    app,
    blocked,
    check_format,
    period_options,
)


@app.command(cls=ChineseCommand)
def score(
    files: FilesArg,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="结果工作簿（默认：输入文件旁的 <文件名>_评分结果.xlsx）；多个文件时为输出文件夹{成组:，一组*也可以是一个结果工作簿}", show_default=False)] = None,
    fmt: FormatOpt = "table",
    rules: RulesOpt = None,
    force: ForceOpt = False,
    in_place: Annotated[bool, typer.Option("--in-place", help="把结果表直接写进输入工作簿（会先在旁边生成带时间戳的备份）")] = False,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
    allow_blank: AllowBlankOpt = False,
    catalog: CatalogCheckOpt = None,
    indicators: IndicatorsCheckOpt = None,
    open_result: Annotated[bool, typer.Option("--open", help="写完后打开结果：一个结果工作簿时用 Excel/WPS 打开它，多个时打开所在的文件夹（规则文件 kpicli.toml 的 output 一节写 open_result = true 则每次都打开）")] = False,
) -> int:
    """评分并写出结果工作簿（结果表 + 原工作表），终端显示排名和奖惩。

    {各种类}
    """
    from kpicli import api, kinds
    from kpicli.cli.batch import expand_inputs, score_files, several_paths
    from kpicli.cli.common import print_result
    from kpicli.cli.window import open_written
    from kpicli.render.terminal import console, print_json

    check_format(fmt)
    period = period_options(company, year, quarter, allow_blank, catalog, indicators)
    if several_paths(files):
        return score_files(expand_inputs(files), fmt=fmt, rules=rules, output=output, force=force,
                           in_place=in_place, period=period, open_result=open_result)
    file = files[0]
    try:
        result, written, copy = api.score(file, output, rules_path=rules, force=force, in_place=in_place, **period)
    except DataError as exc:
        return blocked(exc, file, fmt)
    if fmt == "json":
        print_json(result.to_json())
    else:
        out = console()
        print_result(result, out)
        out.print(f"结果已写入：{written}", style="bold green")
        kinds.kind_of(result).print_extras(result, period, out)  # what the kind's options wrote besides
        if copy is not None:
            out.print(f"写入前已备份原文件\uff1a{copy}", style="dim", markup=False)
    open_written([written], asked=open_result, workbook=file, rules=rules, out=console(stderr=fmt == "json"))
    return 0
