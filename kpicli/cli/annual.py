"""kpicli annual: one company's quarterly workbooks of one year → the annual cap list, per person."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import AllowBlankOpt, ChineseCommand, ForceOpt, FormatOpt, RulesOpt, app, check_format

FilesArg = Annotated[list[Path], typer.Argument(
    help="同一公司同一年度的季度工作簿:检查表或 kpicli 评分结果均可,顺序不限,每个季度一个",
    metavar="文件…", show_default=False)]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="写出年度汇总工作簿(趋势与折线图、封顶名单、奖惩台账、人员结果)",
    show_default=False)]


@app.command(cls=ChineseCommand)
def annual(
    files: FilesArg,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    rules: RulesOpt = None,
    force: ForceOpt = False,
    allow_blank: AllowBlankOpt = False,
) -> int:
    """年度汇总:每个职能、项目的四个季度得分和等级、年度绩效是否封顶及原因、全年奖惩,以及每个人是否封顶。

    连续两个季度或全年累计三个季度为 B- 及以下的职能/项目,相关被考核人员年度绩效不得高于 B-(数字以规则文件为准)。

    示例:kpicli annual 2026Q1_客户触点检查表.xlsx 2026Q2_客户触点检查表.xlsx 2026Q3_客户触点检查表.xlsx 2026Q4_客户触点检查表.xlsx -o 2026年度汇总.xlsx
    """
    from kpicli import api
    from kpicli.render.annual_terminal import print_annual
    from kpicli.render.terminal import console, print_json

    check_format(fmt)
    result, written = api.annual(files, output=output, rules_path=rules, force=force, allow_blank=allow_blank)
    if fmt == "json":
        print_json(result.to_dict())
    else:
        out = console()
        print_annual(result, out)
        if written is not None:
            out.print(f"年度汇总已写入:{written}", style="bold green")
    return 0
