"""kpicli explain: one checklist unit's score item by item, or one person's scorecard indicator by indicator; the
contributions add up to the score shown everywhere else."""

from __future__ import annotations

from typing import Annotated

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
    kind_option,
    period_options,
)


@app.command(cls=ChineseCommand)
def explain(
    file: FileArg,
    project: Annotated[str | None, kind_option("--project", "--project", "-p", key="project")] = None,
    function: Annotated[str | None, kind_option("--function")] = None,
    person: Annotated[str | None, kind_option("--person", key="person")] = None,
    department: Annotated[str | None, kind_option("--department")] = None,
    fmt: FormatOpt = "table",
    rules: RulesOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
    allow_blank: AllowBlankOpt = False,
    catalog: CatalogCheckOpt = None,
    indicators: IndicatorsCheckOpt = None,
) -> int:
    """逐项解释一个单位的得分（触点检查表）或一个人的得分（绩效考核表），合计等于得分。

    触点检查表用 --project / --function：权重、结果、采用哪次检查、完成度和得分贡献。绩效考核表用 --person（同名时加 --department）：每个指标的计分方式、实际完成、计算过程、采用哪个评分，各部分得分和总分公式。

    示例：kpicli explain 2026Q1_客户触点检查表.xlsx --project 望江台 --function 工程；kpicli explain 2026Q1_客服部绩效考核表.xlsx --person 周晓琳
    """
    from kpicli import api, kinds
    from kpicli.render.terminal import print_json

    check_format(fmt)
    try:
        explained = api.explain(file, project=project, function=function, person=person, department=department,
                                rules_path=rules, **period_options(company, year, quarter, allow_blank, catalog, indicators))
    except DataError as exc:
        return blocked(exc, file, fmt)
    result = explained.result
    if fmt == "json":
        print_json(explained.explanation.to_json())
    else:
        kinds.kind_of(result).print_explanation(explained.explanation, result)
    return 0
