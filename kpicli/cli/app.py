"""kpicli's command line: parse options, call the library, render, choose the exit code.

Each command is a thin wrapper over kpicli.api; shared options and error handling are in cli_common.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import (
    EXIT_DATA,
    AllowBlankOpt,
    ChineseCommand,
    ChineseGroup,
    CompanyOpt,
    DataError,
    FileArg,
    FormatOpt,
    KpiError,
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
    files: Annotated[list[Path], typer.Argument(help="检查表工作簿(.xlsx / .xlsm),可以给多个,或给文件夹", metavar="文件…", show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="结果工作簿(默认:输入文件旁的 <文件名>_评分结果.xlsx);多个文件时为输出文件夹", show_default=False)] = None,
    fmt: FormatOpt = "table",
    rules: RulesOpt = None,
    force: Annotated[bool, typer.Option("--force", help="允许覆盖不是 kpicli 生成的同名文件")] = False,
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
    if several_paths(files):
        return score_files(expand_inputs(files), fmt=fmt, rules=rules, output=output, force=force,
                           in_place=in_place, period=period_options(company, year, quarter, allow_blank))
    file = files[0]
    try:
        result, written, copy = api.score(file, output, rules_path=rules, force=force, in_place=in_place,
                                          **period_options(company, year, quarter, allow_blank))
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


@app.command(cls=ChineseCommand)
def rank(
    files: Annotated[list[Path], typer.Argument(help="检查表工作簿(.xlsx / .xlsm),可以给多个,或给文件夹", metavar="文件…", show_default=False)],
    fmt: FormatOpt = "table",
    rules: RulesOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
    allow_blank: AllowBlankOpt = False,
) -> int:
    """只计算并显示排名和奖惩,不写任何文件。--format json 输出机器可读结果。

    给多个文件或文件夹时逐个文件显示;--format json 输出每个文件一个对象的数组(带 "file")。

    示例:kpicli rank 2026Q1_客户触点检查表.xlsx --format json
    """
    from kpicli import api
    from kpicli.cli.inputs import expand_inputs, rank_files, several_paths
    from kpicli.render.terminal import print_json, print_rankings

    check_format(fmt)
    if several_paths(files):
        return rank_files(expand_inputs(files), fmt=fmt, rules=rules,
                          period=period_options(company, year, quarter, allow_blank))
    file = files[0]
    try:
        result = api.rank(file, rules_path=rules, **period_options(company, year, quarter, allow_blank))
    except DataError as exc:
        return blocked(exc, file, fmt)
    if fmt == "json":
        print_json(result.to_dict())
    else:
        print_rankings(result)
    return 0


@app.command(cls=ChineseCommand)
def check(
    files: Annotated[list[Path], typer.Argument(help="检查表工作簿(.xlsx / .xlsm),可以给多个,或给文件夹", metavar="文件…", show_default=False)],
    rules: RulesOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
    allow_blank: AllowBlankOpt = False,
) -> int:
    """只校验工作簿:列出每个问题所在的工作表和单元格。没有错误时退出码为 0,有错误为 1。

    给多个文件或文件夹时逐个文件列出问题;有文件无法读取时退出码为 2。

    示例:kpicli check 2026Q1_客户触点检查表.xlsx
    """
    from kpicli import api
    from kpicli.cli.inputs import check_files, expand_inputs, several_paths
    from kpicli.render.terminal import print_problems

    if several_paths(files):
        return check_files(expand_inputs(files), rules=rules,
                           period=period_options(company, year, quarter, allow_blank))
    file = files[0]

    result = api.check(file, rules_path=rules, **period_options(company, year, quarter, allow_blank))
    print_problems(result.problems, file=f"{file.name}({result.period_label})")
    return EXIT_DATA if result.has_errors else 0


@app.command(cls=ChineseCommand)
def template(
    year: Annotated[int, typer.Option("--year", help="考核年度,如 2026", show_default=False)],
    quarter: Annotated[int, typer.Option("--quarter", min=1, max=4, help="考核季度 1–4", show_default=False)],
    project: Annotated[list[str], typer.Option("--project", "-p", help="项目名称;可重复,每个项目一次", show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件(默认:<年度>Q<季度>_客户触点检查表.xlsx)", show_default=False)] = None,
    catalog: Annotated[Path | None, typer.Option("--catalog", help="自定义触点目录工作簿(列同内置目录)", show_default=False)] = None,
    company: CompanyOpt = None,
    force: Annotated[bool, typer.Option("--force", help="允许覆盖不是 kpicli 生成的同名文件")] = False,
    roster: Annotated[Path | None, typer.Option("--roster", help="复制该工作簿(如上季度检查表)的人员名单到新模板", show_default=False)] = None,
) -> int:
    """生成空白检查表:五个职能工作表,每个项目一组 自查/检查/备注 列,带下拉选项。

    示例:kpicli template --year 2026 --quarter 1 -p 云栖府 -p 望江台 --roster 2025Q4_客户触点检查表.xlsx
    """
    from kpicli import api

    out = output or Path(f"{year}Q{quarter}_客户触点检查表.xlsx")
    if roster is None:
        written = api.template(out, year=year, quarter=quarter, projects=project, company=company,
                               catalog_path=catalog, force=force)
    else:
        written, notes = api.template_with_roster(out, year=year, quarter=quarter, projects=project,
                                                  company=company, catalog_path=catalog, roster_path=roster,
                                                  force=force)
        for note in notes:
            typer.echo(f"警告:{note}", err=True)
    typer.echo(f"空白检查表已写入:{written}")
    return 0


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
    from kpicli.checklist.explain import explain as explain_unit
    from kpicli.render.terminal import print_explanation, print_json

    check_format(fmt)
    try:
        result = api.rank(file, rules_path=rules, **period_options(company, year, quarter, allow_blank))
    except DataError as exc:
        return blocked(exc, file, fmt)
    ex = explain_unit(result, project=project, function=function)
    if fmt == "json":
        print_json(ex.to_dict())
    else:
        print_explanation(ex, result.rules.grades.names)
    return 0


rules_app = typer.Typer(cls=ChineseGroup, help="评分规则:生成规则文件、查看生效的规则。", no_args_is_help=True,
                        pretty_exceptions_enable=False,
                        context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(rules_app, name="rules")


@rules_app.command("init", cls=ChineseCommand)
def rules_init(
    output: Annotated[Path, typer.Option("--output", "-o", help="规则文件路径")] = Path("kpicli.toml"),
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的文件")] = False,
) -> int:
    """写出默认规则文件(每一项都有中文注释),修改后放在检查表旁即可生效。

    示例:kpicli rules init -o kpicli.toml
    """
    from kpicli.io.outputs import atomic_write
    from kpicli.rules.model import DEFAULT_RULES
    from kpicli.rules.text import to_toml

    if output.exists() and not force:
        raise KpiError(f"{output} 已存在;确认覆盖请加 --force")
    if output.is_dir() or not output.parent.exists():
        raise KpiError(f"无法写入 {output}:请给出一个文件夹已存在的文件路径")
    text = to_toml(DEFAULT_RULES)
    atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    typer.echo(f"默认规则已写入:{output}")
    return 0


@rules_app.command("show", cls=ChineseCommand)
def rules_show(
    rules: RulesOpt = None,
    near: Annotated[Path | None, typer.Option("--for", help="按该工作簿的位置查找 kpicli.toml", show_default=False)] = None,
) -> int:
    """显示生效的规则和来源(--rules 指定的文件、工作簿旁的 kpicli.toml,或内置默认)。

    示例:kpicli rules show --rules kpicli.toml
    """
    from kpicli.rules.model import resolve_rules
    from kpicli.rules.text import to_toml

    effective, source = resolve_rules(rules, near if near is not None else Path.cwd() / "_")
    typer.echo(f"# 规则来源:{source}")
    typer.echo(to_toml(effective, show_derived=True))
    return 0


from kpicli.cli import annual as cli_annual  # noqa: E402, F401  (registers `kpicli annual` on app)
from kpicli.cli.collect import collect  # noqa: E402, F401  (registers `kpicli collect` on app)


def main() -> None:
    """Console entry point: run the command, then leave without Python's interpreter teardown.

    By the time a command returns, every output file is written, renamed into place and closed. What is left
    is freeing pandas' and numpy's module graphs object by object, 0.15–0.2 s of a 1 s city-scale run
    (issue #6), which no user needs to wait for.
    """
    # Reference counting frees almost everything a command allocates; the cycle collector would mostly re-walk
    # the freshly imported pandas, numpy and openpyxl objects, several times over (about 0.05 s of a 1 s run).
    # Loops over many files collect after each file (inputs.each_file).
    gc.disable()
    try:
        app(prog_name="kpicli")
    except SystemExit as exit_:
        code = exit_.code
        if code is not None and not isinstance(code, int):
            raise
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (kpicli … | head): nothing more to say anyway
                pass
        os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
