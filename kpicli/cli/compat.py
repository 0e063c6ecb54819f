"""Every place kpicli leans on Typer's internals (and the Click that Typer vendors as typer._click), in one module.

Tested with typer 0.29.2, which vendors Click (no separate click package is installed or needed). typer 0.27.2 was
checked too: it vendors Click and has the rich_utils constants, but neither typer._coercion.RuntimeParam nor
display_type_rich, so the Chinese type column and the pydantic-free conversion need 0.29; pyproject pins
typer>=0.29,<0.30. tests/test_typer_compat.py renders every command's help and each kind of usage error and
compares them with what they must be, so a typer that moves a hook fails there; the code itself degrades to typer's
own behaviour instead of crashing.

What is here: the Chinese help (panel titles, usage line, help option, type column), the Chinese usage errors
(by exception type and attributes, never by English wording), and kpicli's own value conversion.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import typer
from typer._click import exceptions as click_errors
from typer._click.globals import get_current_context
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import Abort

try:  # typer 0.29 coerces values through pydantic TypeAdapters built when a command runs
    from typer._coercion import RuntimeParam
except ImportError:  # pragma: no cover - a typer without the hook converts with its own types: slower, still right
    RuntimeParam = None

__all__ = ["HELP_TEXTS", "Abort", "ChineseBadParameter", "ChineseCommand", "ChineseGroupBase", "ChineseUsageError",
           "click_errors", "command_meta", "install_plain_coercion", "localise_help", "typer_params", "usage_message"]

# typer.rich_utils constants kpicli overrides (tests/test_typer_compat.py sees each in the rendered help).
HELP_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
}


def localise_help() -> None:
    """The help's panel titles and markers in Chinese. Called only when help may be shown: importing rich_utils
    costs time every other run does not need to spend."""
    from typer import rich_utils

    for name, text in HELP_TEXTS.items():
        setattr(rich_utils, name, text)


class ChineseUsageError(click_errors.UsageError):
    """A usage error kpicli words itself (unknown command, extra arguments, missing command)."""


class ChineseBadParameter(click_errors.BadParameter):
    """A value kpicli's own converter refused; the message is Chinese already."""


def _hint(exc: click_errors.BadParameter) -> str:
    param = exc.param
    if exc.param_hint:
        hint = exc.param_hint
        return "/".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
    if param is None:
        return "参数"
    if getattr(param, "param_type_name", "") == "argument":
        return getattr(param, "metavar", None) or (param.name or "").upper()
    return "/".join(param.opts) or (param.name or "参数")


def _expected(param: Any) -> str:
    """What a parameter accepts, from its declared type: typer's own (English) reason is not shown."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None:
        return "请检查取值"
    annotation = descriptor.annotation
    leaf = get_args(annotation)[0] if get_origin(annotation) is list else annotation
    info = descriptor.parameter_info
    if info.parser is not None:  # kpicli's own parser, whose Chinese reason typer did not pass on
        what = getattr(param, "metavar", None) or "取值"
        return f"不是可以识别的{what}写法（见 -h 中的说明）"
    if leaf is int:
        low, high = getattr(info, "min", None), getattr(info, "max", None)
        if low is not None and high is not None:
            return f"应为 {low}–{high} 之间的整数"
        return "应为整数" + (f"，不小于 {low}" if low is not None else "") + (f"，不大于 {high}" if high is not None else "")
    if leaf is float:
        return "应为数字"
    if leaf is bool:
        return "应为 是/否"
    return "请检查取值"


def _option(exc: click_errors.UsageError, name: str) -> Any:
    command = exc.ctx.command if exc.ctx is not None else None
    return next((p for p in getattr(command, "params", []) if name in getattr(p, "opts", [])), None)


def usage_message(exc: click_errors.ClickException) -> str:
    """A Click usage error said in Chinese, chosen by its type and attributes."""
    if isinstance(exc, (ChineseUsageError, click_errors.NoArgsIsHelpError)):
        return exc.message
    if isinstance(exc, click_errors.NoSuchOption):
        text = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            text += f"（是不是想用 {'、'.join(sorted(exc.possibilities))}?）"
        return text
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param
        kind = exc.param_type or getattr(param, "param_type_name", None)
        if kind == "argument":
            return f"缺少参数 {_hint(exc)}（例如工作簿文件名）"
        return f"缺少必填选项 {_hint(exc)}"
    if isinstance(exc, ChineseBadParameter):
        return f"{_hint(exc)} 的取值无效：{exc.message}"
    if isinstance(exc, click_errors.BadParameter):
        return f"{_hint(exc)} 的取值无效：{_expected(exc.param)}"
    if isinstance(exc, click_errors.BadOptionUsage):
        option = _option(exc, exc.option_name)
        if option is not None and getattr(option, "is_flag", False):
            return f"选项 {exc.option_name} 是开关，不带取值（去掉 = 及其后的内容）"
        return f"选项 {exc.option_name} 后面缺少取值"
    if isinstance(exc, click_errors.BadArgumentUsage):
        return "参数的个数不对"
    return f"用法错误：{exc.format_message()}"


# --- help in Chinese ----------------------------------------------------------------------------------------------

_TYPE_LABELS: dict[Any, str | None] = {Path: "路径", str: "文本", int: "整数", bool: None}  # None: a flag, no label


def chinese_type_labels(command: Any, ctx: Any) -> None:
    """The help's type column in Chinese (<路径>, <整数 1–4> …) instead of typer's <path>, <int range> [1<=x<=4];
    flags show none. typer asks each parameter for its label (display_type_rich), so each gets its own answer."""
    for param in command.get_params(ctx):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or not hasattr(param, "display_type_rich"):
            continue
        many = get_origin(descriptor.annotation) is list
        if param.param_type_name == "option" and param.metavar and descriptor.parameter_info.parser is not None:
            # an option with kpicli's own parser names what it takes (<季度>: 1, Q1, 第一季度, 2026Q1 …)
            param.display_type_rich = lambda ctx, text=f"<{param.metavar}{'…' if many else ''}>": text
            continue
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


# --- kpicli's own value conversion --------------------------------------------------------------------------------


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
                raise ChineseBadParameter(str(exc), ctx=ctx, param=param) from None
else:  # pragma: no cover
    PlainParam = None


def _plain_converter(annotation: Any, info: Any) -> tuple[Callable[[Any], Any], bool] | None:
    many = get_origin(annotation) is list
    leaf = get_args(annotation)[0] if many else annotation
    if info.parser is not None:  # kpicli's own parser (kpicli.core.period's options): its ValueError is Chinese
        return info.parser, many
    if leaf is int:
        low, high = info.min, info.max
        return (lambda text: _to_int(text, low, high)), many
    if leaf in _PLAIN_TYPES and not any(getattr(info, flag, None) for flag in
                                        ("exists", "resolve_path", "allow_dash", "parser", "click_type")):
        return _PLAIN_TYPES[leaf], many
    return None  # anything else: typer's own conversion


def install_plain_coercion(command: Any, ctx: Any) -> None:
    """Give each plain-typed parameter of the command (its help option included) a pydantic-free converter,
    through typer's `_runtime_param` slot (filled lazily by typer when still None)."""
    if RuntimeParam is None or PlainParam is None:
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


# --- the command classes ------------------------------------------------------------------------------------------


class ChineseParts:
    """What a command and a group share: Chinese usage line, help option and type labels, and kpicli's own value
    conversion (mixed in before typer's classes)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        install_plain_coercion(self, ctx)
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except click_errors.UsageError as exc:
            exc.ctx = exc.ctx or ctx  # the parser raises some without it; usage_message looks the option up
            raise

    def format_help(self, ctx: Any, formatter: Any) -> None:
        chinese_type_labels(self, ctx)
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示帮助并退出"
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = [_usage_piece(p.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]..."))
                  for p in self.collect_usage_pieces(ctx)]  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法： ")


def _usage_piece(piece: str) -> str:
    """An argument on the usage line as kpicli writes it: a required one bare (typer's {文件} → 文件), an optional
    one in brackets ([种类]); a metavar that already says "several" (文件…) gets no second ellipsis ({文件…}... → 文件…)."""
    match = re.fullmatch(r"(\{(?P<required>.*)\}|(?P<other>.*?))(?P<many>\.\.\.)?", piece)
    name = match.group("required") if match.group("required") is not None else match.group("other")
    many = match.group("many") and not name.rstrip("]").endswith("…")
    return name + ("..." if many else "")


class ChineseCommand(ChineseParts, TyperCommand):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.allow_extra_args = True  # extra arguments are kept, then refused here in Chinese
        rest = super().parse_args(ctx, args)
        if ctx.args:
            raise ChineseUsageError(f"多余的参数：{' '.join(ctx.args)}", ctx)
        return rest


class ChineseGroupBase(ChineseParts, TyperGroup):
    command_class = ChineseCommand

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            close = difflib.get_close_matches(name, self.list_commands(ctx))
            raise ChineseUsageError(f"没有这个命令：{name}" + (f"（是不是想用 {'、'.join(close)}?）" if close else ""),
                                    ctx)
        return super().resolve_command(ctx, args)


# --- parameters made at run time ----------------------------------------------------------------------------------


def typer_params(specs: list[tuple[str, Any, Any]]) -> list[Any]:
    """Click parameters that typer itself builds from (name, Annotated[type, typer.Option(…)], default), as if
    they were a command's own: typed, converted and shown in the help like every other option."""

    def command() -> None:  # pragma: no cover - never called: only its signature is read
        """"""

    command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
         for name, annotation, default in specs])
    command.__annotations__ = {name: annotation for name, annotation, _ in specs}
    scratch = typer.Typer(add_completion=False)
    scratch.command()(command)
    return list(typer.main.get_command(scratch).params)


def command_meta() -> dict[str, Any]:
    """The running command's context.meta (a dict to keep values in while the command runs); {} outside one."""
    ctx = get_current_context(silent=True)
    return ctx.meta if ctx is not None else {}
