"""kpicli annual: one company's quarterly workbooks of one year → the annual cap list, per person; or the scorecards
of one year (monthly or quarterly forms, the year-end form, 民主评议) → each person's 年度总得分."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import (
    EXIT_DATA,
    AllowBlankOpt,
    CatalogCheckOpt,
    ChineseCommand,
    CompanyOpt,
    DataError,
    ForceOpt,
    FormatOpt,
    IndicatorsCheckOpt,
    RulesOpt,
    app,
    check_format,
    kind_values,
)

FilesArg = Annotated[list[Path], typer.Argument(
    help="同一公司同一年度的季度工作簿（或其所在的文件夹）：检查表或 kpicli 评分结果均可，顺序不限，每个季度一个；"
         "或同一年度的绩效考核表：月度（或季度）考核表、年终考核表和含「民主评议」表的工作簿，每个期间一个",
    metavar="文件…", show_default=False)]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="写出年度汇总工作簿（趋势与折线图、封顶名单、奖惩台账、人员结果；"
                           "绩效考核表：年度汇总与个人趋势折线图、未计算名单、问题清单）",
    show_default=False)]


@app.command(cls=ChineseCommand)
def annual(
    files: FilesArg,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    rules: RulesOpt = None,
    force: ForceOpt = False,
    allow_blank: AllowBlankOpt = False,
    catalog: CatalogCheckOpt = None,
    company: CompanyOpt = None,
    indicators: IndicatorsCheckOpt = None,
) -> int:
    """年度汇总：每个职能、项目的四个季度得分和等级、年度绩效是否封顶及原因、全年奖惩，以及每个人是否封顶。

    连续两个季度或全年累计三个季度为 B- 及以下的职能/项目，相关被考核人员年度绩效不得高于 B-（数字以规则文件为准）。

    绩效考核表（由表头识别）：每人 年度总得分 = 月度（季度）平均 × 30% + 年终考核 × 65% + 民主评议 × 5%（权重以规则文件为准），以及等级、绩效系数、奖金和排名；缺少年终考核、平时考核或民主评议的人列出原因，不计算。

    示例：kpicli annual 2026Q1_客户触点检查表.xlsx 2026Q2_客户触点检查表.xlsx 2026Q3_客户触点检查表.xlsx 2026Q4_客户触点检查表.xlsx -o 2026年度汇总.xlsx

    示例：kpicli annual 2026年01月_客服部绩效考核表.xlsx 2026年02月_客服部绩效考核表.xlsx 2026年03月_客服部绩效考核表.xlsx 2026年度_客服部年终考核表.xlsx -o 2026年度绩效汇总.xlsx
    """
    from kpicli import api, kinds
    from kpicli.render.terminal import console, print_json

    check_format(fmt)
    try:
        result, written = api.annual(files, output=output, rules_path=rules, force=force, allow_blank=allow_blank,
                                     catalog=catalog, company=company, indicators=indicators, **kind_values())
    except DataError as exc:
        refused = kinds.annual_refused_json(exc) if fmt == "json" else None
        if refused is None:
            raise  # the message names the files and the first errors of each
        print_json(refused)
        typer.echo(f"错误：{exc.message}", err=True)
        return EXIT_DATA
    if fmt == "json":
        print_json(result.to_json())
    else:
        out = console()
        kinds.kind_of(result).print_annual(result, out)
        if written is not None:
            out.print(f"年度汇总已写入：{written}", style="bold green")
    return 0
