"""kpicli rank: rankings and rewards on the terminal (or JSON), nothing written."""

from __future__ import annotations

from kpicli.cli.common import (
    AllowBlankOpt,
    CatalogCheckOpt,
    ChineseCommand,
    CompanyOpt,
    DataError,
    FilesArg,
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
def rank(
    files: FilesArg,
    fmt: FormatOpt = "table",
    rules: RulesOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
    allow_blank: AllowBlankOpt = False,
    catalog: CatalogCheckOpt = None,
    indicators: IndicatorsCheckOpt = None,
) -> int:
    """只计算并显示排名和奖惩，不写任何文件。--format json 输出机器可读结果。

    给多个文件或文件夹时逐个文件显示；--format json 输出每个文件一个对象的数组（带 "file"）。{成组:一个文件夹的*作为一组，全体一起排名，--format json 输出一个对象。}

    {各种类}
    """
    from kpicli import api
    from kpicli.cli.batch import expand_inputs, rank_files, several_paths
    from kpicli.cli.common import print_result
    from kpicli.render.terminal import print_json

    check_format(fmt)
    period = period_options(company, year, quarter, allow_blank, catalog, indicators)
    if several_paths(files):
        return rank_files(expand_inputs(files), fmt=fmt, rules=rules, period=period)
    file = files[0]
    try:
        result = api.rank(file, rules_path=rules, **period)
    except DataError as exc:
        return blocked(exc, file, fmt)
    if fmt == "json":
        print_json(result.to_json())
    else:
        print_result(result, book=False)
    return 0
