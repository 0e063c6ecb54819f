"""kpicli check: validate workbooks and list every problem by sheet and cell."""

from __future__ import annotations

from kpicli.cli.common import (
    EXIT_DATA,
    AllowBlankOpt,
    CatalogCheckOpt,
    ChineseCommand,
    CompanyOpt,
    FilesArg,
    IndicatorsCheckOpt,
    QuarterOpt,
    RulesOpt,
    YearOpt,
    app,
    period_options,
)


@app.command(cls=ChineseCommand)
def check(
    files: FilesArg,
    rules: RulesOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
    allow_blank: AllowBlankOpt = False,
    catalog: CatalogCheckOpt = None,
    indicators: IndicatorsCheckOpt = None,
) -> int:
    """只校验工作簿（{种类}）：列出每个问题所在的工作表和单元格。没有错误时退出码为 0，有错误为 1。

    给多个文件或文件夹时逐个文件列出问题{成组:（其中的*作为一组检查）}；有文件无法读取时退出码为 2。

    {各种类}
    """
    from kpicli import api
    from kpicli.cli.batch import check_files, expand_inputs, several_paths
    from kpicli.cli.common import check_heading
    from kpicli.render.terminal import print_problems

    period = period_options(company, year, quarter, allow_blank, catalog, indicators)
    if several_paths(files):
        return check_files(expand_inputs(files), rules=rules, period=period)
    file = files[0]
    result = api.check(file, rules_path=rules, **period)
    print_problems(result.problems, file=check_heading(file.name, result))
    return EXIT_DATA if result.has_errors else 0
