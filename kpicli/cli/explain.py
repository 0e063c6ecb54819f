"""kpicli explain: one unit's or person's score item by item, as the workbook's kind explains it; the contributions
add up to the score shown everywhere else."""

from __future__ import annotations

from kpicli.cli.common import (
    AllowBlankOpt,
    CatalogCheckOpt,
    ChineseCommand,
    CompanyOpt,
    DataError,
    FileArg,
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
def explain(
    file: FileArg,
    fmt: FormatOpt = "table",
    rules: RulesOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
    allow_blank: AllowBlankOpt = False,
    catalog: CatalogCheckOpt = None,
    indicators: IndicatorsCheckOpt = None,
) -> int:
    """逐项解释得分：每一项怎样计分、对得分贡献多少，合计等于得分。

    {各种类}
    """
    from kpicli import api, kinds
    from kpicli.render.terminal import print_json

    check_format(fmt)
    try:
        explained = api.explain(file, rules_path=rules,
                                **period_options(company, year, quarter, allow_blank, catalog, indicators))
    except DataError as exc:
        return blocked(exc, file, fmt)
    result = explained.result
    if fmt == "json":
        print_json(explained.explanation.to_json())
    else:
        kinds.kind_of(result).print_explanation(explained.explanation, result)
    return 0
