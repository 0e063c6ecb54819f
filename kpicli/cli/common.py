"""What every kpicli command shares: the Typer app, Chinese error handling and exit codes, the common options.

Heavy libraries (pandas, openpyxl) are imported inside the commands, so `kpicli --help` stays fast. Everything that
touches Typer's internals is in cli.compat.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer

from kpicli import __version__, kinds
from kpicli.cli import dropped
from kpicli.cli.compat import (
    Abort,
    ChineseGroupBase,
    ChineseUsageError,
    click_errors,
    command_meta,
    localise_help,
    typer_params,
    usage_message,
)
from kpicli.cli.compat import ChineseCommand as TyperCommand
from kpicli.cli.kind_text import fill_command
from kpicli.core.errors import EXIT_DATA, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, DataError, KpiError
from kpicli.core.period import PeriodText, quarter_option, year_and_quarter, year_option
from kpicli.render.cjkwrap import install as install_cjk_wrapping

__all__ = ["EXIT_DATA", "EXIT_USAGE", "STATE", "AllowBlankOpt", "CatalogCheckOpt", "ChineseCommand", "ChineseGroup", "CompanyOpt",
           "DataError", "FileArg", "FilesArg", "ForceOpt", "FormatOpt", "KpiError", "QuarterOpt", "RulesOpt", "YearOpt",
           "QUARTER_FORMS", "YEAR_FORMS", "app", "blocked", "check_format", "check_heading", "kind_option", "kind_values",
           "period_options", "print_result", "year_and_quarter"]

STATE = {"debug": False}
FORMATS = ("table", "json")


class ChineseGroup(ChineseGroupBase):
    """Runs a command and turns every failure into a Chinese message and an exit code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fill_command(self)  # its help names the kinds registered now

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        argv = dropped.route(argv, self.commands, {o for p in self.params for o in (*p.opts, *p.secondary_opts)})
        if len([a for a in argv if not a.startswith("-")]) <= 1 or "-h" in argv or "--help" in argv:
            localise_help()  # only when help may be shown: rich_utils is not needed otherwise
        code = 0
        spelling = kinds.OPTION_SPELLING.set("flag")  # a refusal names the options as typed here: --year, not year
        try:
            result = super().main(argv, prog_name or "kpicli", complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except Abort:
            typer.echo("已取消。", err=True)
            code = EXIT_USAGE
        except click_errors.NoArgsIsHelpError:
            code = 0  # the help has been printed already
        except click_errors.ClickException as exc:
            typer.echo(f"错误：{usage_message(exc)}", err=True)
            typer.echo("运行 kpicli -h 或 kpicli 命令 -h 查看用法。", err=True)
            code = EXIT_USAGE
        except KpiError as exc:
            code = _user_error(exc)
        except BrokenPipeError:  # the reader of the output went away (kpicli … | head): nothing more to say
            _quiet_stdout()
            code = EXIT_OK
        except OSError as exc:
            from kpicli.io.oserror import path_problem

            # the operating system refused a path the user gave (a name too long, no permission, disk full …);
            # an OSError about no path, or about kpicli's own files, is a bug like any other
            code = _user_error(path_problem(exc)) if _users_path(exc) else _internal_error(exc)
        except Exception as exc:  # the one place a bug of kpicli's ends: exit 3, in plain words, no traceback
            code = _internal_error(exc)
        finally:
            kinds.OPTION_SPELLING.reset(spelling)
        if standalone_mode:
            sys.exit(code)
        return code


def _user_error(exc: KpiError) -> int:
    if STATE["debug"]:
        traceback.print_exc()
    typer.echo(f"错误：{exc.message}", err=True)
    return exc.exit_code


def _internal_error(exc: BaseException) -> int:
    """A bug in kpicli (not in the user's file): say so in one line, and how to report it; exit 3."""
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    what = f"{type(exc).__name__}：{detail}" if detail else type(exc).__name__
    if STATE["debug"]:
        traceback.print_exc()
        typer.echo(f"内部错误：kpicli 程序出错（{what}）。这是 kpicli 的缺陷，不是您的文件有问题。", err=True)
        typer.echo(f"请把以上全部输出、所运行的命令和版本（kpicli {__version__}）反馈给维护者；"
                   "如果可以，附上出错的工作簿。输入工作簿没有被修改。", err=True)
    else:
        typer.echo(f"内部错误：kpicli 程序出错（{what}）。这是 kpicli 的缺陷，不是您的文件有问题；"
                   "输入工作簿没有被修改。", err=True)
        typer.echo("请在命令中加 --debug（例如 kpicli --debug score 文件.xlsx）重新运行，把显示的全部内容反馈给维护者。",
                   err=True)
    return EXIT_INTERNAL


def _users_path(exc: OSError) -> bool:
    """True when the error names a path outside kpicli's own installation: a file or folder the user gave, or the
    temporary file kpicli makes beside the user's output."""
    names = [n for n in (exc.filename, exc.filename2) if n is not None]
    if not names:
        return False
    own = Path(__file__).resolve().parents[1]
    for name in names:
        try:
            if Path(os.fsdecode(name)).resolve().is_relative_to(own):
                return False
        except (OSError, ValueError, TypeError):
            continue
    return True


def _quiet_stdout() -> None:
    """After a broken pipe, send what is left to devnull so the flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # CliRunner's stdout has no file descriptor
        pass


install_cjk_wrapping()  # help pages and tables break Chinese text between characters, never cut it with …
app = typer.Typer(
    cls=ChineseGroup,
    name="kpicli",
    help="读取{种类}工作簿，校验、评分、排名、奖惩，并写回评分结果。"
         "不写命令、直接给出工作簿或文件夹（kpicli 文件.xlsx，或把工作簿拖到 kpicli.exe 上）即按 score 评分。",
    add_completion=False,
    no_args_is_help=True,
    invoke_without_command=True,  # so that main_options, not Click, says in Chinese that a command is missing
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

FileArg = Annotated[Path, typer.Argument(help="{种类}工作簿（.xlsx / .xlsm）", metavar="文件", show_default=False)]
FilesArg = Annotated[list[Path], typer.Argument(help="{种类}工作簿（.xlsx / .xlsm），可以给多个，或给文件夹{成组:（一个文件夹的*作为一组评分）}", metavar="文件…", show_default=False)]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="输出格式：table（表格）或 json")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="规则文件（默认：工作簿所在文件夹中的 kpicli.toml，没有则用内置规则）", show_default=False)]


def kind_option(flag: str, *, key: str | None = None, **settings: Any) -> Any:
    """The typer.Option of an option that only one kind has: its help text as the kind declares it, shown under
    that kind's panel in -h (titled with its label). Given for a workbook of another kind, kpicli.api refuses it
    naming the kind it belongs to."""
    kind, declared = kinds.option(flag, key)
    settings.setdefault("help", declared.help)
    return typer.Option(flag, rich_help_panel=kind.label, show_default=False, **settings)


KIND_VALUES = "kpicli.kind_values"  # where a command keeps the values of the options the kinds offer on it


class ChineseCommand(TyperCommand):
    """A kpicli command: with the options the registered kinds offer on it by themselves (KindOption.commands)
    besides its own, each under its kind's panel in -h. Typer builds the commands afresh each time the app runs,
    so the options come from the registry as it is then."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = {o for p in self.params for o in (*p.opts, *p.secondary_opts)}
        self.params.extend(_offered_params(self.name or "", taken))
        fill_command(self)  # the help's words about the kinds (kpicli.cli.kind_text)


def _offered_params(command: str, taken: set[str]) -> list[Any]:
    offered = [(kind, opt) for kind, opt in kinds.offered(command) if opt.flag not in taken]
    if not offered:
        return []
    specs = []
    for kind, opt in offered:
        switch = opt.type is bool and not opt.many
        value = list[opt.type] if opt.many else opt.type  # type: ignore[name-defined]
        forms = {"parser": opt.parser, "metavar": opt.metavar or None} if opt.parser is not None else {}
        names = (opt.flag, opt.short) if opt.short else (opt.flag,)
        annotation = Annotated[value if switch else value | None,
                               typer.Option(*names, help=opt.help, rich_help_panel=kind.label, show_default=False,
                                            **forms)]
        specs.append((opt.key, annotation, False if switch else None))
    params = typer_params(specs)
    for param in params:
        param.expose_value = False  # not an argument of the command's function: kind_values() gives it
        param.callback = _keep
    return params


def _keep(ctx: Any, param: Any, value: Any) -> Any:
    ctx.meta.setdefault(KIND_VALUES, {})[param.name] = value
    return value


def kind_values() -> dict[str, Any]:
    """The values of the options the kinds offer on the running command, by KindOption.key (api keywords)."""
    return dict(command_meta().get(KIND_VALUES, {}))


YEAR_FORMS = dict(parser=year_option, metavar="年度")  # 2026, 2026年, 2026年度 (kpicli.core.period)
QUARTER_FORMS = dict(parser=quarter_option, metavar="季度")  # 1, Q1, 第一季度, 2026Q1 … as a 季度 cell takes them
YearOpt = Annotated[int | None, kind_option("--year", **YEAR_FORMS)]
QuarterOpt = Annotated[PeriodText | None, kind_option("--quarter", **QUARTER_FORMS)]
CompanyOpt = Annotated[str | None, typer.Option("--company", help="公司名称（覆盖「基本信息」）", show_default=False)]
AllowBlankOpt = Annotated[bool, kind_option("--allow-blank")]
ForceOpt = Annotated[bool, typer.Option("--force", help="允许覆盖不是 kpicli 生成的、或生成后有人改动过的同名文件（原文件先备份为 <文件名>_备份_<时间>）")]
CatalogCheckOpt = Annotated[Path | None, kind_option("--catalog", key="catalog")]
IndicatorsCheckOpt = Annotated[list[str] | None, kind_option(
    "--indicators", key="indicators", help="考核负责人有意修改了指标套时：按这份指标套（内置名称或 .csv/.xlsx 文件，文件名同原指标套）"
    "核对 kpicli 生成的工作簿，代替生成时的记录；可重复")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kpicli {__version__}")
        raise typer.Exit()


def _debug_log(debug: bool) -> None:
    """With --debug, kpicli's log lines (e.g. which way the result workbook was written) go to stderr."""
    import logging

    class Echo(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            typer.echo(record.getMessage(), err=True)  # the current stderr, also under CliRunner

    log = logging.getLogger("kpicli")
    log.handlers = [h for h in log.handlers if type(h).__name__ != "Echo"]
    if debug:
        log.addHandler(Echo())
    log.setLevel(logging.DEBUG if debug else logging.WARNING)
    log.propagate = not debug


@app.callback()
def main_options(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的 Python 错误信息（供排查）")] = False,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="显示版本号")] = False,
) -> None:
    """读取{种类}工作簿，校验、评分、排名、奖惩。"""
    STATE["debug"] = debug
    _debug_log(debug)
    if ctx.invoked_subcommand is None:
        raise ChineseUsageError("缺少命令：例如 kpicli check 文件.xlsx", ctx)


def check_format(fmt: str) -> str:
    """--format's value, refused in Chinese unless table or json."""
    if fmt not in FORMATS:
        raise KpiError(f"--format 只能是 table 或 json，而不是「{fmt}」")
    return fmt


def period_options(company: str | None, year: int | None, quarter: PeriodText | None, allow_blank: bool = False,
                   catalog: Path | None = None, indicators: list[str] | None = None) -> dict:
    """The options every reading command shares, as keyword arguments of api.check/rank/score: these, and those the
    kinds offer on the command by themselves (kind_values)."""
    year_number, quarter_number = year_and_quarter(year, quarter)
    return {"company": company, "year": year_number, "quarter": quarter_number, "allow_blank": allow_blank,
            "catalog": catalog, "indicators": indicators or None, **kind_values()}


def blocked(exc: DataError, path: Path, fmt: str) -> int:
    """Errors in the workbook: list them (or the JSON with the problems, of the workbook's kind) and exit 1."""
    from kpicli.render.terminal import console, print_blocked, print_json

    if fmt == "json":
        print_json(kinds.empty_json(exc))
    else:
        print_blocked(path.name, exc.problems, console(), wrote_nothing=True)
    return EXIT_DATA


def print_result(result: Any, out: Any = None, *, book: bool = True) -> None:
    """What the result's kind shows on the terminal (rankings, rewards, red lines …). book: a result workbook was
    written (score); rank writes none and points to none."""
    kinds.kind_of(result).print_result(result, out, book=book)


def check_heading(name: str, result: Any) -> str:
    """What `check` prints above a workbook's problems: its name and period (and what its kind adds)."""
    return kinds.kind_of(result).check_heading(name, result)
