"""kpicli score: score, rank and write the result workbook, one file or several."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import (
    AllowBlankOpt,
    ChineseCommand,
    CompanyOpt,
    DataError,
    FilesArg,
    ForceOpt,
    FormatOpt,
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
    output: Annotated[Path | None, typer.Option("--output", "-o", help="结果工作簿(默认:输入文件旁的 <文件名>_评分结果.xlsx);多个文件时为输出文件夹", show_default=False)] = None,
    fmt: FormatOpt = "table",
    rules: RulesOpt = None,
    force: ForceOpt = False,
    in_place: Annotated[bool, typer.Option("--in-place", help="把结果表直接写进输入工作簿(会先在旁边生成带时间戳的备份)")] = False,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
    allow_blank: AllowBlankOpt = False,
) -> int:
    """评分并写出结果工作簿(原工作表 + 评分汇总、排名、奖惩等结果表),终端显示排名和奖惩。

    示例:kpicli score 2026Q1_客户触点检查表.xlsx;kpicli score 各项目提交/ -o 结果/
    """
    from kpicli import api
    from kpicli.cli.inputs import expand_inputs, score_files, several_paths
    from kpicli.render.terminal import console, print_json, print_rankings

    check_format(fmt)
    period = period_options(company, year, quarter, allow_blank)
    if several_paths(files):
        return score_files(expand_inputs(files), fmt=fmt, rules=rules, output=output, force=force,
                           in_place=in_place, period=period)
    file = files[0]
    try:
        result, written, copy = api.score(file, output, rules_path=rules, force=force, in_place=in_place, **period)
    except DataError as exc:
        return blocked(exc, file, fmt)
    if fmt == "json":
        print_json(result.to_dict())
    else:
        out = console()
        print_rankings(result, out)
        out.print(f"结果已写入:{written}", style="bold green")
        if copy is not None:
            out.print(f"写入前已备份原文件\uff1a{copy}", style="dim", markup=False)
    return 0
