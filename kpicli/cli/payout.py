"""kpicli payout: read back the filled 奖惩分配表 (result workbook and/or returned files), check, list for HR."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import ChineseCommand, ForceOpt, KpiError, RulesOpt, app

PAYOUT_FORMATS = ("table", "json", "csv")


@app.command(cls=ChineseCommand)
def payout(
    files: Annotated[list[Path], typer.Argument(help="评分结果工作簿和/或负责人交回的奖惩分配表，可以给多个文件或文件夹", metavar="文件或文件夹…", show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="发放清单（.xlsx 打印用；.csv 为 UTF-8 带 BOM，可导入工资系统；.json）；有错误时不写入", show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="终端输出格式：table（表格）、json 或 csv")] = "table",
    rules: RulesOpt = None,
    force: ForceOpt = False,
) -> int:
    """核对负责人交回的奖惩分配，列出发给每个人的金额（发放清单）。

    有错误时列出文件、工作表和单元格，不写入任何文件（退出码 1）。给出几个季度的文件时，清单按季度列出，个人合计为全年合计。

    {各种类}
    """
    from kpicli import api
    from kpicli.render.terminal import console, print_json, print_problems

    if fmt not in PAYOUT_FORMATS:
        raise KpiError(f"--format 只能是 table、json 或 csv，而不是「{fmt}」")
    run = api.payout(files, output, rules_path=rules, force=force)
    result = run.payout
    if fmt == "json":
        print_json(result.to_dict())
    elif fmt == "csv":
        import csv
        import sys

        from kpicli.render.payout_book import csv_rows

        if not result.has_errors:
            csv.writer(sys.stdout, lineterminator="\n").writerows(csv_rows(result))
    out = console(stderr=fmt != "table")
    for path, why in run.skipped:
        out.print(f"已跳过 {path.name}：{why}", style="dim", markup=False)
    if result.has_errors:
        out.print("分配有错误，未写入发放清单：", style="bold red")
        print_problems(result.problems, out, advice=False)
        return 1
    if fmt == "table":
        from kpicli.render.payout_terminal import print_payout

        print_payout(result, out)
        if result.problems:
            print_problems(result.problems, out, advice=False)
    if run.path is not None:
        out.print(f"发放清单已写入：{run.path}", style="bold green", markup=False)
    if run.backup is not None:
        out.print(f"写入前已备份原文件：{run.backup}", style="dim", markup=False)
    return 0
