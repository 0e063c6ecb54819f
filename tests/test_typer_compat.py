"""Canary for kpicli/cli/compat.py, by behaviour: kpicli leans on Typer internals (its vendored Click, rich_utils,
the value-coercion hook) for a Chinese help and Chinese usage errors. A Typer release that moves one of them changes
what a user sees; these tests render what the user sees and compare it with what it must be.

Every command's `-h` is rendered (usage line, panels, type column, each option listed) and each kind of usage error
is compared line for line. pyproject pins typer>=0.29,<0.30; raise the pin only with this file green.
"""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from kpicli.cli.app import app

ENGLISH_HELP = ("Usage:", "Options", "Arguments", "Commands", "Show this message", "[default:", "[required]",
                "TEXT", "INTEGER", "PATH", "BOOLEAN", "<bool>", "<path>", "<str>", "<int>", "list[", "x<=")


def _commands() -> list[tuple[str, ...]]:
    """Every command path of the app: () for kpicli itself, ("rules", "init") for a subcommand."""
    found: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if not getattr(sub, "hidden", False):
                walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


def _command(path: tuple[str, ...]) -> object:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


COMMANDS = _commands()


def _usage_line(path: tuple[str, ...], command: object) -> str:
    """The whole usage line, from the command's declared arguments: a required argument bare (文件), an optional
    one in brackets ([种类]), a metavar that says "several" (文件…) with no second ellipsis; a group's 命令 [参数]..."""
    words = ["用法：", "kpicli", *path, "[选项]"]
    if getattr(command, "commands", None):
        words.append("命令 [参数]...")
    for param in command.params:
        if param.param_type_name == "argument":
            name = param.metavar or param.name.upper()
            several = param.nargs != 1 and not name.endswith("…")
            words.append((name if param.required else f"[{name}]") + ("..." if several else ""))
    return " ".join(words)


def test_the_usage_lines_a_user_reads():
    """Spelled out for the commands whose arguments differ in kind, so that _usage_line cannot drift with compat."""
    expected = {("explain",): "用法： kpicli explain [选项] 文件", ("score",): "用法： kpicli score [选项] 文件…",
                ("template",): "用法： kpicli template [选项] [种类]", ("rules",): "用法： kpicli rules [选项] 命令 [参数]...",
                ("collect",): "用法： kpicli collect [选项] 文件或文件夹…", ("rules", "show"): "用法： kpicli rules show [选项]"}
    for path, line in expected.items():
        out = CliRunner().invoke(app, [*path, "-h"], terminal_width=200, env={"COLUMNS": "200"}).output
        assert out.strip().splitlines()[0].strip() == line == _usage_line(path, _command(path))


def test_the_app_has_the_commands_a_user_knows():
    assert {path[0] for path in COMMANDS if path} >= {"score", "rank", "check", "explain", "template", "annual",
                                                       "collect", "rules"}
    assert ("rules", "init") in COMMANDS and ("rules", "show") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) or "kpicli" for p in COMMANDS])
def test_every_help_is_chinese_with_its_usage_line_and_every_option(path):
    result = CliRunner().invoke(app, [*path, "-h"], terminal_width=200, env={"COLUMNS": "200"})
    out = result.output
    assert result.exit_code == 0, out
    lines = [line.strip(" │") for line in out.splitlines() if line.strip()]
    command = _command(path)
    assert lines[0] == _usage_line(path, command), lines[0]
    if getattr(command, "commands", None):
        assert "╭─ 命令 " in out
        for name in command.commands:
            assert re.search(rf"│ {re.escape(name)}\s", out), name
    for english in ENGLISH_HELP:
        assert english not in out, (english, out)
    assert "╭─ 选项 " in out and "显示帮助并退出" in out
    for param in command.params:
        if getattr(param, "hidden", False):
            continue
        for option in param.opts:
            if option.startswith("--"):
                assert option in out, (option, out)
        if param.param_type_name == "option" and param.required:
            assert "[必填]" in out, param.name
        if param.param_type_name == "argument":
            assert "╭─ 参数 " in out or (param.metavar or "") in lines[0], out


def test_the_type_column_names_the_kind_of_value_in_chinese():
    out = CliRunner().invoke(app, ["rank", "-h"], terminal_width=200, env={"COLUMNS": "200"}).output
    assert re.search(r"--quarter\s+<季度>", out), out  # kpicli's own parser: the label it declares
    assert re.search(r"--year\s+<年度>", out), out
    assert re.search(r"--rules\s+<路径>", out), out
    assert re.search(r"--company\s+<文本>", out), out
    assert "[默认：table]" in out  # rich_utils.DEFAULT_STRING


# Each kind of usage error kpicli words itself (usage_message reads the exception's type and attributes), with the
# exact line it must print. Exit code 2 for every one.
USAGE_ERRORS = [
    pytest.param(["rnak", "a.xlsx"], "错误：没有这个命令：rnak（是不是想用 rank?）", id="no-such-command"),
    pytest.param(["rules", "shw"], "错误：没有这个命令：shw（是不是想用 show?）", id="no-such-subcommand"),
    pytest.param(["--debug"], "错误：缺少命令：例如 kpicli check 文件.xlsx", id="missing-command"),
    pytest.param(["rank", "a.xlsx", "--quater", "1"], "错误：没有选项 --quater（是不是想用 --quarter?）",
                 id="no-such-option"),
    pytest.param(["rank", "a.xlsx", "--year"], "错误：选项 --year 后面缺少取值", id="option-without-value"),
    pytest.param(["rank", "a.xlsx", "--allow-blank=是"], "错误：选项 --allow-blank 是开关，不带取值（去掉 = 及其后的内容）",
                 id="flag-with-value"),
    pytest.param(["explain", "a.xlsx", "b.xlsx"], "错误：多余的参数：b.xlsx", id="extra-argument"),
    pytest.param(["rank"], "错误：缺少参数 文件…（例如工作簿文件名）", id="missing-argument"),
    pytest.param(["rank", "a.xlsx", "--quarter", "5"],
                 "错误：--quarter 的取值无效：「5」不是季度：请写 1–4、Q1、第一季度，或连同年度写 2026Q1", id="no-quarter"),
    pytest.param(["rank", "a.xlsx", "--year", "明年"],
                 "错误：--year 的取值无效：「明年」不是年度：请写四位年份，如 2026、2026年 或 2026年度（季度写在 --quarter）",
                 id="no-year"),
]


@pytest.mark.parametrize(("args", "line"), USAGE_ERRORS)
def test_each_kind_of_usage_error_is_one_chinese_line_and_the_help_hint(args, line):
    result = CliRunner().invoke(app, args, terminal_width=200)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines == [line, "运行 kpicli -h 或 kpicli 命令 -h 查看用法。"], lines
