"""kpicli explain: one unit's score item by item, the contributions adding up to the score."""

from __future__ import annotations

from typing import Annotated

import typer

from kpicli.cli.common import (
    AllowBlankOpt,
    ChineseCommand,
    CompanyOpt,
    DataError,
    FileArg,
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
def explain(
    file: FileArg,
    project: Annotated[str | None, typer.Option("--project", "-p", help="项目名称", show_default=False)] = None,
    function: Annotated[str | None, typer.Option("--function", help="职能:营销、研发、工程、客服、物业", show_default=False)] = None,
    fmt: FormatOpt = "table",
    rules: RulesOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
    allow_blank: AllowBlankOpt = False,
) -> int:
    """逐项解释一个单位的得分:权重、结果、采用哪次检查、完成度和得分贡献,合计等于得分。

    示例:kpicli explain 2026Q1_客户触点检查表.xlsx --project 望江台 --function 工程
    """
    from kpicli import api
    from kpicli.render.terminal import print_explanation, print_json

    check_format(fmt)
    try:
        explained = api.explain(file, project=project, function=function, rules_path=rules,
                                **period_options(company, year, quarter, allow_blank))
    except DataError as exc:
        return blocked(exc, file, fmt)
    if fmt == "json":
        print_json(explained.explanation.to_dict())
    else:
        print_explanation(explained.explanation, explained.result.rules.grades.names)
    return 0
