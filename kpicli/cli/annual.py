"""kpicli annual: one year's workbooks of one kind → that kind's year (what it is: the kind's annual, and its
paragraph of the help)."""

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
    help="同一公司同一年度的{种类}（或其所在的文件夹），顺序不限，每个期间一个；各种类需要哪些工作簿见命令说明",
    metavar="文件…", show_default=False)]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="写出年度汇总工作簿（其中的表因种类而异，见命令说明）",
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
    """年度汇总：同一年度的工作簿汇总为全年的得分、等级和结果（种类由表头识别）。

    {各种类}
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
