"""What every kpicli command shares: the Typer app, Chinese error handling, common options and helpers.

Heavy libraries (pandas, openpyxl) are imported inside the commands, so `kpicli --help` stays fast.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import typer
from typer.core import TyperCommand, TyperGroup

from kpicli import __version__
from kpicli.core.errors import EXIT_DATA, EXIT_USAGE, DataError, KpiError

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
            return f"缺少参数 {getattr(param, 'metavar', None) or (param.name or '').upper()}(例如工作簿文件名)"
        name = "/".join(param.opts) if param is not None else "?"
        return f"缺少必填选项 {name}"
    if isinstance(exc, click_errors.BadParameter):
        hint = exc.param_hint or (exc.param.opts[0] if exc.param is not None and exc.param.opts else "参数")
        if isinstance(hint, (list, tuple)):
            hint = "/".join(hint)
        message = exc.message
        for english, chinese in (("is not a valid integer", "不是整数"), ("is not a valid float", "不是数字"),
                                 ("is not one of", "只能是以下之一:"), ("is not in the range", "超出范围"),
                                 ("Input should be less than or equal to", "不能大于"),
                                 ("Input should be greater than or equal to", "不能小于"),
                                 ("Input should be a valid integer, unable to parse string as an integer", "应为整数"),
                                 ("Input should be a valid integer", "应为整数"),
                                 ("Input should be a valid number", "应为数字")):
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


def _chinese_usage(command: Any, ctx: Any, formatter: Any) -> None:
    pieces = [p.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
              for p in command.collect_usage_pieces(ctx)]
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法: ")


try:  # typer ≥ 0.2x coerces values through pydantic TypeAdapters built when a command runs
    from typer._coercion import RuntimeParam
except ImportError:  # pragma: no cover - older typer converts with click types, which is fast already
    RuntimeParam = None


def _to_int(text: Any, low: int | None, high: int | None) -> int:
    try:
        number = int(str(text).strip())
    except ValueError:
        raise ValueError(f"「{text}」不是整数") from None
    if low is not None and number < low:
        raise ValueError(f"{number} 小于 {low}")
    if high is not None and number > high:
        raise ValueError(f"{number} 大于 {high}")
    return number


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "t", "yes", "y", "on", "是"):
        return True
    if text in ("", "0", "false", "f", "no", "n", "off", "否"):
        return False
    raise ValueError(f"「{value}」不是 是/否")


_PLAIN_TYPES: dict[Any, Callable[[Any], Any]] = {Path: Path, str: str, bool: _to_bool}

if RuntimeParam is not None:
    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):
        """Converts a command-line value without pydantic: importing it and building the adapters
        cost about 0.2 s per run, a fifth of the city-scale budget (issue #6), for types as plain as ours."""

        convert: Callable[[Any], Any]
        many: bool

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.many:
                    return [self.convert(item) for item in value]
                return self.convert(value)
            except ValueError as exc:
                raise click_errors.BadParameter(str(exc), ctx=ctx, param=param) from None


def _plain_converter(annotation: Any, info: Any) -> tuple[Callable[[Any], Any], bool] | None:
    many = get_origin(annotation) is list
    leaf = get_args(annotation)[0] if many else annotation
    if leaf is int:
        low, high = info.min, info.max
        return (lambda text: _to_int(text, low, high)), many
    if leaf in _PLAIN_TYPES and not any(getattr(info, flag, None) for flag in
                                        ("exists", "resolve_path", "allow_dash", "parser", "click_type")):
        return _PLAIN_TYPES[leaf], many
    return None  # anything else: typer's own conversion


def install_plain_coercion(command: Any, ctx: Any) -> None:
    """Give each plain-typed parameter of the command (its help option included) a pydantic-free converter."""
    if RuntimeParam is None:
        return
    for param in command.get_params(ctx):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", "absent") is not None:
            continue
        plain = _plain_converter(descriptor.annotation, descriptor.parameter_info)
        if plain is None:
            continue
        try:
            param._runtime_param = PlainParam(parameter_info=descriptor.parameter_info,
                                              annotation=descriptor.annotation, convert=plain[0], many=plain[1])
        except (TypeError, AttributeError):  # a typer whose hook changed shape: its own conversion, just slower
            return


_TYPE_LABELS: dict[Any, str | None] = {Path: "路径", str: "文本", int: "整数", bool: None}  # None: a flag, no label


def chinese_type_labels(command: Any, ctx: Any) -> None:
    """The help's type column in Chinese (<路径>, <整数 1–4> …) instead of typer's <path>, <int range> [1<=x<=4];
    flags show none. typer asks each parameter for its label (display_type_rich), so each gets its own answer."""
    for param in command.get_params(ctx):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or not hasattr(param, "display_type_rich"):
            continue
        many = get_origin(descriptor.annotation) is list
        leaf = get_args(descriptor.annotation)[0] if many else descriptor.annotation
        if leaf not in _TYPE_LABELS:
            continue
        label = _TYPE_LABELS[leaf]
        info = descriptor.parameter_info
        if label is not None and leaf is int and (info.min is not None or info.max is not None):
            label += f" {'' if info.min is None else info.min}–{'' if info.max is None else info.max}"
        text = None if label is None else f"<{label}{'…' if many else ''}>"
        param.display_type_rich = lambda ctx, text=text: text
        if leaf is int:
            param._get_number_range_help_str = lambda: None  # the range is in the label already


class _Chinese:
    """What a command and the group share: Chinese usage line, help option and type labels, and kpicli's own
    value conversion."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        install_plain_coercion(self, ctx)
        return super().parse_args(ctx, args)  # type: ignore[misc]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        chinese_type_labels(self, ctx)
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_help_option(self, ctx: Any) -> Any:
        return _chinese_help_option(super().get_help_option(ctx))  # type: ignore[misc]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _chinese_usage(self, ctx, formatter)


class ChineseCommand(_Chinese, TyperCommand):
    pass


class ChineseGroup(_Chinese, TyperGroup):
    """Runs a command and turns every failure into a Chinese message and an exit code."""

    command_class = ChineseCommand

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
AllowBlankOpt = Annotated[bool, typer.Option("--allow-blank", help="项目的所有职能表都空白（没有提交）时仍然评分：按未完成计 0 分；默认拒绝评分")]


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


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise KpiError(f"--format 只能是 table 或 json,而不是「{fmt}」")
    return fmt


def period_options(company: str | None, year: int | None, quarter: int | None, allow_blank: bool = False) -> dict:
    """The options every reading command shares, as keyword arguments of api.check/rank/score."""
    return {"company": company, "year": year, "quarter": quarter, "allow_blank": allow_blank}


def blocked(exc: DataError, path: Path, fmt: str) -> int:
    """Errors in the workbook: list them (or the JSON with the problems) and exit 1."""
    from kpicli.render.terminal import console, print_json, print_problems

    if fmt == "json":
        print_json({"company": None, "year": None, "quarter": None, "functions": [], "projects": [],
                    "units": [], "problems": [p.to_dict() for p in exc.problems]})
    else:
        out = console()
        out.print(f"{path.name} 有错误,未评分,也未写入任何文件:", style="bold red")
        print_problems(exc.problems, out)
    return EXIT_DATA
