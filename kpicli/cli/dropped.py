"""`kpicli FILE…` with no command: what Windows passes when workbooks are dropped on kpicli.exe (or on a shortcut
to it, or sent to it with 发送到). Such a command line is scored, exactly as `kpicli score FILE…`.

Only a first argument that is an existing file or folder, and not a command's name, makes this happen: a mistyped
command stays the usage error it always was. The rewrite happens before Click parses anything (ChineseGroup.main
calls `route`), so `score` alone decides what the files mean.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["COMMAND", "as_score", "heading", "long_path", "route"]

COMMAND = "score"
NAMES_SHOWN = 5
WINDOWS_PATH_LIMIT = 240  # MAX_PATH is 260 with the file name; folders must stay under 248
_JSON = {"--format=json", "-fjson"}


def _is_path(arg: str) -> bool:
    try:
        return Path(long_path(arg)).exists()  # a long Windows path may exist only with its \\?\ prefix
    except (OSError, ValueError):  # a name too long for the system, a NUL byte: not a path we can read anyway
        return False


def _value_options(command: Any) -> set[str]:
    """The options of `command` (a Click command) that take a value: the argument after one is its value."""
    return {name for p in getattr(command, "params", []) if getattr(p, "param_type_name", "") == "option"
            and not getattr(p, "is_flag", False) and not getattr(p, "count", False)
            for name in [*p.opts, *p.secondary_opts]}


def _positions(argv: Sequence[str], valued: Collection[str]) -> list[int]:
    """Where the arguments that are not options (nor an option's value) stand, up to a `--`."""
    found, skip = [], False
    for index, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg == "--":
            break
        elif arg.startswith("-") and arg != "-":
            skip = arg in valued
        else:
            found.append(index)
    return found


def as_score(argv: Sequence[str], commands: Mapping[str, Any], global_options: Collection[str]) -> list[str] | None:
    """argv with `score` put in, when its first argument that is not an option is an existing path and no
    command's name; else None (Click goes on as before). kpicli's own options written before the path
    (--debug) stay before `score`; any other option before it is score's and moves after it, with its value."""
    positions = _positions(argv, _value_options(commands.get(COMMAND)))
    if not positions:
        return None  # no argument at all (help, --version) or only options: Click answers
    index = positions[0]
    if argv[index] in commands or not _is_path(argv[index]):
        return None  # a command (a file named like one is scored with `kpicli score 名称`), or a usage error
    before = list(argv[:index])
    stay = [a for a in before if a.split("=", 1)[0] in global_options]
    move = [a for a in before if a.split("=", 1)[0] not in global_options]
    return [*stay, COMMAND, *move, *argv[index:]]


def _wants_json(argv: Sequence[str]) -> bool:
    return any(a in _JSON or (a in ("--format", "-f") and b == "json") for a, b in zip(argv, [*argv[1:], ""]))


def _label(arg: str) -> str:
    path = Path(arg)
    name = path.name or str(path)
    return f"文件夹「{name}」" if path.is_dir() else name


def heading(paths: Sequence[str]) -> list[str]:
    """What a dropped run says first: that it is scoring, which files, and a warning for each workbook that is
    still open in Excel/WPS (its unsaved edits are not in the file kpicli reads)."""
    from kpicli.io.safety import lock_file_beside

    labels = [_label(p) for p in paths]
    shown = "、".join(labels[:NAMES_SHOWN]) + (f" 等 {len(labels)} 项" if len(labels) > NAMES_SHOWN else "")
    lines = [f"正在评分：{shown}（没有给出命令，按 kpicli score 评分）"]
    for arg in paths:
        path = Path(arg)
        if path.is_file() and lock_file_beside(path) is not None:
            lines.append(f"注意：{path.name} 正在 Excel/WPS 中打开，评分读取的是最后一次保存的内容；"
                         "如有未保存的修改，请保存并关闭该工作簿后重试。")
    return lines


def long_path(arg: str, *, windows: bool | None = None) -> str:
    """A path Windows can open whatever its length: an absolute path of 240 characters or more gets the \\\\?\\
    prefix (\\\\?\\UNC\\ for a network share), which lifts the 260-character limit for every file call. Anything
    else, and every path on other systems, is returned as it was."""
    windows = sys.platform == "win32" if windows is None else windows
    if not windows or len(arg) < WINDOWS_PATH_LIMIT or arg.startswith("\\\\?\\"):
        return arg
    from ntpath import abspath, normpath

    full = normpath(abspath(arg)) if sys.platform == "win32" else normpath(arg)
    if full.startswith("\\\\"):
        return "\\\\?\\UNC\\" + full[2:]
    return "\\\\?\\" + full


def route(argv: list[str], commands: Mapping[str, Any], global_options: Collection[str]) -> list[str]:
    """The command line Click is to parse: a dropped one as `score` (announced, on stderr for JSON), long
    Windows paths made openable; any other unchanged."""
    import typer

    scored = as_score(argv, commands, global_options)
    if scored is None:
        return argv
    start = scored.index(COMMAND) + 1
    at = set(_positions(scored[start:], _value_options(commands.get(COMMAND))))
    rest = [long_path(a) if i in at else a for i, a in enumerate(scored[start:])]
    for line in heading([rest[i] for i in sorted(at)]):
        typer.echo(line, err=_wants_json(scored))
    return [*scored[:start], *rest]
