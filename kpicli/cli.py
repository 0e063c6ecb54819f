"""kpicli's command line: parse options, call the library, render, choose the exit code.

Heavy libraries (pandas, openpyxl) are imported inside the commands, so `kpicli --help` stays fast.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__
from .errors import EXIT_DATA, EXIT_USAGE, DataError, KpiError

try:  # typer ≥ 0.20 vendors click
    from typer._click import exceptions as click_errors
    from typer.exceptions import Abort
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors
    from click.exceptions import Abort

STATE = {"debug": False}
FORMATS = ("table", "json")


def _localise_help() -> None:
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.DEFAULT_STRING = "[默认:{}]"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"


def _usage_message(exc: Exception) -> str:
    """Click's English usage errors, said in Chinese."""
    if isinstance(exc, click_errors.NoSuchOption):
        text = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            text += f"(是不是想用 {'、'.join(exc.possibilities)}?)"
        return text
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param
        if param is not None and getattr(param, "param_type_name", "") == "argument":
            return f"缺少参数 {param.human_readable_name}"
        name = "/".join(param.opts) if param is not None else "?"
        return f"缺少必填选项 {name}"
    if isinstance(exc, click_errors.BadParameter):
        hint = exc.param_hint or (exc.param.opts[0] if exc.param is not None and exc.param.opts else "参数")
        if isinstance(hint, (list, tuple)):
            hint = "/".join(hint)
        message = exc.message
        for english, chinese in (("is not a valid integer", "不是整数"), ("is not a valid float", "不是数字"),
                                 ("is not one of", "只能是以下之一:"), ("is not in the range", "超出范围")):
            message = message.replace(english, chinese)
        return f"{hint} 的取值无效:{message}"
    if isinstance(exc, click_errors.NoSuchCommand if hasattr(click_errors, "NoSuchCommand") else ()):
        return f"没有这个命令:{exc.message}"
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if message.startswith("No such command"):
        return "没有这个命令:" + message.removeprefix("No such command").strip(" .'\"")
    if message.startswith("Got unexpected extra argument"):
        return "多余的参数:" + message.split("(", 1)[-1].rstrip(")")
    return f"用法错误:{message}"


def _chinese_help_option(option: Any) -> Any:
    if option is not None:
        option.help = "显示帮助并退出"
    return option


class ChineseCommand(TyperCommand):
    def get_help_option(self, ctx: Any) -> Any:
        return _chinese_help_option(super().get_help_option(ctx))


class ChineseGroup(TyperGroup):
    """Runs a command and turns every failure into a Chinese message and an exit code."""

    command_class = ChineseCommand

    def get_help_option(self, ctx: Any) -> Any:
        return _chinese_help_option(super().get_help_option(ctx))

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if len([a for a in argv if not a.startswith("-")]) <= 1 or "-h" in argv or "--help" in argv:
            _localise_help()  # only when help may be shown: rich_utils is not needed otherwise
        code = 0
        try:
            result = super().main(argv, prog_name or "kpicli", complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except Abort:
            typer.echo("已取消。", err=True)
            code = EXIT_USAGE
        except click_errors.NoArgsIsHelpError:
            code = 0  # the help has been printed already
        except click_errors.ClickException as exc:
            typer.echo(f"错误:{_usage_message(exc)}", err=True)
            typer.echo("运行 kpicli -h 或 kpicli 命令 -h 查看用法。", err=True)
            code = EXIT_USAGE
        except KpiError as exc:
            if STATE["debug"]:
                traceback.print_exc()
            typer.echo(f"错误:{exc.message}", err=True)
            code = exc.exit_code
        except Exception as exc:  # a bug must still not show a traceback
            if STATE["debug"]:
                traceback.print_exc()
            typer.echo(f"kpicli 内部错误({type(exc).__name__}):{exc}", err=True)
            typer.echo("请加 --debug 重新运行并把输出反馈给维护者。", err=True)
            code = EXIT_USAGE
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=ChineseGroup,
    name="kpicli",
    help="客户触点分级管理考核:读取检查表工作簿,校验、评分、排名、奖惩,并写回评分结果。",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

FileArg = Annotated[Path, typer.Argument(help="检查表工作簿(.xlsx / .xlsm)", metavar="文件", show_default=False)]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="输出格式:table(表格)或 json")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="规则文件 kpicli.toml(默认:工作簿所在文件夹中的 kpicli.toml,没有则用内置规则)", show_default=False)]
YearOpt = Annotated[int | None, typer.Option("--year", help="考核年度(覆盖「基本信息」和文件名)", show_default=False)]
QuarterOpt = Annotated[int | None, typer.Option("--quarter", min=1, max=4, help="考核季度 1–4", show_default=False)]
CompanyOpt = Annotated[str | None, typer.Option("--company", help="公司名称(覆盖「基本信息」)", show_default=False)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kpicli {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的 Python 错误信息(供排查)")] = False,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="显示版本号")] = False,
) -> None:
    """客户触点分级管理考核工具。"""
    STATE["debug"] = debug


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise KpiError(f"--format 只能是 table 或 json,而不是「{fmt}」")
    return fmt


def _period(company: str | None, year: int | None, quarter: int | None) -> dict:
    return {"company": company, "year": year, "quarter": quarter}


def _blocked(exc: DataError, path: Path, fmt: str) -> int:
    """Errors in the workbook: list them (or the JSON with the problems) and exit 1."""
    from .report_terminal import console, print_json, print_problems

    if fmt == "json":
        print_json({"company": None, "year": None, "quarter": None, "functions": [], "projects": [],
                    "units": [], "problems": [p.to_dict() for p in exc.problems]})
    else:
        out = console()
        out.print(f"{path.name} 有错误,未评分,也未写入任何文件:", style="bold red")
        print_problems(exc.problems, out)
    return EXIT_DATA


@app.command(cls=ChineseCommand)
def score(
    file: FileArg,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="结果工作簿(默认:输入文件旁的 <文件名>_评分结果.xlsx)", show_default=False)] = None,
    fmt: FormatOpt = "table",
    rules: RulesOpt = None,
    force: Annotated[bool, typer.Option("--force", help="允许覆盖不是 kpicli 生成的同名文件")] = False,
    in_place: Annotated[bool, typer.Option("--in-place", help="把结果表直接写进输入工作簿(会先在旁边生成带时间戳的备份)")] = False,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
) -> int:
    """评分并写出结果工作簿(原工作表 + 评分汇总、排名、奖惩等结果表),终端显示排名和奖惩。

    示例:kpicli score 2026Q1_客户触点检查表.xlsx
    """
    from . import api
    from .report_terminal import console, print_json, print_rankings

    _check_format(fmt)
    try:
        result, written = api.score(file, output, rules_path=rules, force=force, in_place=in_place,
                                    **_period(company, year, quarter))
    except DataError as exc:
        return _blocked(exc, file, fmt)
    if fmt == "json":
        print_json(result.to_dict())
    else:
        out = console()
        print_rankings(result, out)
        out.print(f"结果已写入:{written}", style="bold green")
        if in_place:
            out.print("原文件已先备份在同一文件夹(文件名含「_备份_」和时间)", style="dim")
    return 0


@app.command(cls=ChineseCommand)
def rank(
    file: FileArg,
    fmt: FormatOpt = "table",
    rules: RulesOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
) -> int:
    """只计算并显示排名和奖惩,不写任何文件。--format json 输出机器可读结果。

    示例:kpicli rank 2026Q1_客户触点检查表.xlsx --format json
    """
    from . import api
    from .report_terminal import print_json, print_rankings

    _check_format(fmt)
    try:
        result = api.rank(file, rules_path=rules, **_period(company, year, quarter))
    except DataError as exc:
        return _blocked(exc, file, fmt)
    if fmt == "json":
        print_json(result.to_dict())
    else:
        print_rankings(result)
    return 0


@app.command(cls=ChineseCommand)
def check(
    file: FileArg,
    rules: RulesOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
) -> int:
    """只校验工作簿:列出每个问题所在的工作表和单元格。没有错误时退出码为 0,有错误为 1。

    示例:kpicli check 2026Q1_客户触点检查表.xlsx
    """
    from . import api
    from .report_terminal import print_problems

    result = api.check(file, rules_path=rules, **_period(company, year, quarter))
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
) -> int:
    """生成空白检查表:五个职能工作表,每个项目一组 自查/检查/备注 列,带下拉选项。

    示例:kpicli template --year 2026 --quarter 1 -p 云栖府 -p 望江台
    """
    from . import api

    out = output or Path(f"{year}Q{quarter}_客户触点检查表.xlsx")
    written = api.template(out, year=year, quarter=quarter, projects=project, company=company,
                           catalog_path=catalog, force=force)
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
) -> int:
    """逐项解释一个单位的得分:权重、结果、采用哪次检查、完成度和得分贡献,合计等于得分。

    示例:kpicli explain 2026Q1_客户触点检查表.xlsx --project 望江台 --function 工程
    """
    from . import api
    from .explain import explain as explain_unit
    from .report_terminal import print_explanation, print_json

    _check_format(fmt)
    try:
        result = api.rank(file, rules_path=rules, **_period(company, year, quarter))
    except DataError as exc:
        return _blocked(exc, file, fmt)
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
    from .outputs import atomic_write
    from .rules import DEFAULT_RULES
    from .rules_text import to_toml

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
    from .rules import resolve_rules
    from .rules_text import to_toml

    effective, source = resolve_rules(rules, near if near is not None else Path.cwd() / "_")
    typer.echo(f"# 规则来源:{source}")
    typer.echo(to_toml(effective))
    return 0


def main() -> None:
    """Console entry point."""
    app(prog_name="kpicli")


if __name__ == "__main__":  # pragma: no cover
    main()
