"""A batch of files or folders on the command line: a progress bar, and check, rank and score reported file by file.

Which workbooks a folder holds is decided in kpicli.io.input_files (through api.find_workbooks); running a command on
each file is api.check_each/rank_each/score_each. What is here is what the user sees, and the exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from kpicli import api, kinds
from kpicli.api import Inputs
from kpicli.core.errors import EXIT_DATA, EXIT_USAGE, DataError, KpiError
from kpicli.io.input_files import several_paths

__all__ = ["Inputs", "check_files", "combined_exit", "expand_inputs", "print_skipped", "progress", "rank_files",
           "score_files", "several_paths"]

T = TypeVar("T")
PROGRESS_MIN = 3  # a bar only for more files than this
expand_inputs = api.find_workbooks  # the name the command modules (and tests) have always used


def progress(items: Sequence[T], label: str) -> Iterator[T]:
    """Iterate with a transient rich progress bar on stderr, shown only for more than a few items and only
    when stdout is a terminal (never in pipes, files or tests)."""
    if len(items) <= PROGRESS_MIN or not _is_terminal():
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        for item in items:
            yield item
            bar.advance(task)


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def combined_exit(codes: Iterable[int]) -> int:
    """2 when any file could not be read, else 1 when any had errors, else 0."""
    codes = set(codes)
    if EXIT_USAGE in codes:
        return EXIT_USAGE
    return EXIT_DATA if EXIT_DATA in codes else 0


def print_skipped(skipped: list[tuple[Path, str]], out: Any = None) -> None:
    """One dim line per skipped file, so nobody wonders where a file went."""
    if not skipped:
        return
    from kpicli.render.terminal import console

    out = out or console(stderr=True)
    for path, reason in skipped:
        out.print(f"已跳过 {path.name}：{reason}", style="dim", markup=False)


GROUP_NAMES_SHOWN = 5


def _name(outcome: api.Outcome) -> str:
    """A file's name, or what a group is called: <its kind's label>一组（a.xlsx、b.xlsx … 共 n 个文件）."""
    if not outcome.group:
        return outcome.path.name
    names = [p.name for p in outcome.group]
    shown = "、".join(names[:GROUP_NAMES_SHOWN]) + (" …" if len(names) > GROUP_NAMES_SHOWN else "")
    return f"{outcome.kind}一组（{shown}，共 {len(names)} 个文件）"


def _file_heading(outcome: api.Outcome, out: Any) -> None:
    from rich.rule import Rule

    out.print(Rule(_name(outcome), style="bold", align="left"))


def _head(outcome: api.Outcome) -> dict:
    """The keys that say which file an entry of the JSON array is about: "file", or "files" for a group."""
    if outcome.group:
        return {"files": [p.name for p in outcome.group]}
    return {"file": outcome.path.name}


def _entry(outcome: api.Outcome, error: KpiError) -> dict:
    """The JSON object of a file (or group) that was not scored: its problems, or its message as one error."""
    from kpicli.core.errors import Problem

    if not isinstance(error, DataError):
        error = DataError(error.message, [Problem("error", None, None, error.message)])
    entry = kinds.empty_json(error, file=outcome.path.name)
    if outcome.group:
        entry.pop("file")
        entry = {**_head(outcome), **entry}
    return entry


def _print_failed(outcome: api.Outcome, error: KpiError, out: Any, *, wrote_nothing: bool) -> None:
    from kpicli.render.terminal import print_blocked, print_unreadable

    if isinstance(error, DataError):
        print_blocked(_name(outcome), error.problems, out, wrote_nothing=wrote_nothing)
    else:
        print_unreadable(error.message, out)


def _print_json(outcomes: list[api.Outcome], entries: list[dict]) -> None:
    """One object when the files were one group (of a kind that groups files), else the array of the
    per-file objects (a group among them as one entry with "files")."""
    from kpicli.render.terminal import print_json

    if len(outcomes) == 1 and outcomes[0].group:  # exactly what one workbook of these people would print
        print_json({k: v for k, v in entries[0].items() if k not in ("files", "output")})
    else:
        print_json(entries)


# --- the commands over several files --------------------------------------------------------------------------


def check_files(inputs: Inputs, *, rules: Path | None, period: dict) -> int:
    """kpicli check on several files: each file's problems under its name (the files of a kind that groups
    them as one group); exit 2 if any file could not be read, else 1 if any has errors."""
    from kpicli.render.terminal import console, print_problems, print_unreadable

    out = console()
    print_skipped(inputs.skipped, out)
    codes, with_errors, unreadable = [], [], []
    outcomes = api.check_each(inputs.files, rules_path=rules, progress=lambda f: progress(f, "检查"), **period)
    for n, outcome in enumerate(outcomes):
        if n:
            out.print()
        name = _name(outcome)
        if isinstance(outcome.error, DataError):  # a group refused as a whole: its problems
            print_problems(outcome.error.problems, out, file=name)
            with_errors.append(name)
            codes.append(EXIT_DATA)
            continue
        if outcome.error is not None:
            out.print(name, style="bold", markup=False)
            print_unreadable(outcome.error.message, out)
            unreadable.append(name)
            codes.append(EXIT_USAGE)
            continue
        result = outcome.value
        print_problems(result.problems, out, file=kinds.kind_of(result).check_heading(name, result))
        if result.has_errors:
            with_errors.append(name)
        codes.append(EXIT_DATA if result.has_errors else 0)
    parts = [f"共检查 {len(inputs.files)} 个文件"]
    if with_errors:
        parts.append(f"{len(with_errors)} 个有错误（{'、'.join(with_errors)}）")
    if unreadable:
        parts.append(f"{len(unreadable)} 个无法读取（{'、'.join(unreadable)}）")
    if not with_errors and not unreadable:
        parts.append("都没有错误")
    out.print("，".join(parts) + "。", style="bold", markup=False)
    return combined_exit(codes)


def rank_files(inputs: Inputs, *, fmt: str, rules: Path | None, period: dict) -> int:
    """kpicli rank on several files: each file's rankings in turn, or a JSON array of per-file objects
    (each with a "file" key); the files of a kind that groups them ranked as one group (one JSON object when
    that is all)."""
    from kpicli.render.terminal import console

    out = console(stderr=fmt == "json")  # keep stdout pure JSON
    print_skipped(inputs.skipped, console(stderr=True))
    codes, entries, outcomes = [], [], []
    for outcome in api.rank_each(inputs.files, rules_path=rules, progress=lambda f: progress(f, "排名"), **period):
        codes.append(outcome.exit_code)
        outcomes.append(outcome)
        if fmt == "json":
            entries.append({**_head(outcome), **outcome.value.to_json()} if outcome.error is None
                           else _entry(outcome, outcome.error))
            continue
        _file_heading(outcome, out)
        if outcome.error is not None:
            _print_failed(outcome, outcome.error, out, wrote_nothing=False)
        else:
            kinds.kind_of(outcome.value).print_result(outcome.value, out, book=False)
    if fmt == "json":
        _print_json(outcomes, entries)
    return combined_exit(codes)


def score_files(inputs: Inputs, *, fmt: str, rules: Path | None, period: dict, output: Path | None = None,
                force: bool = False, in_place: bool = False, open_result: bool = False) -> int:
    """kpicli score on several files: each file scored and written to its own result workbook (api.score's
    default output, or <output folder>/<that name> when -o names an existing folder), rankings shown per file;
    the files of a kind that groups them as one group into one result workbook (-o a file, or the default name).
    JSON: an array of per-file objects with "file" and "output" (one group alone: its one object)."""
    from kpicli.render.terminal import console

    folder = output if output is not None and Path(output).is_dir() else None
    group_output = output if output is not None and folder is None else None
    outcomes = api.score_each(inputs.files, folder, rules_path=rules, force=force, in_place=in_place,
                              group_output=group_output, progress=lambda f: progress(f, "评分"), **period)
    out = console(stderr=fmt == "json")
    print_skipped(inputs.skipped, console(stderr=True))
    codes, entries, written, seen = [], [], [], []
    for outcome in outcomes:  # a file scored alone with -o naming a file raises here, before anything is written
        codes.append(outcome.exit_code)
        seen.append(outcome)
        error = outcome.error
        if fmt == "json":
            if error is None:
                result, target, copy = outcome.value
                backup = {"backup": str(copy)} if copy is not None else {}
                entries.append({**_head(outcome), "output": str(target), **backup, **result.to_json()})
            else:
                entries.append(_entry(outcome, error))
            continue
        _file_heading(outcome, out)
        if error is not None:
            _print_failed(outcome, error, out, wrote_nothing=True)
        else:
            result, target, copy = outcome.value
            kinds.kind_of(result).print_result(result, out)
            out.print(f"结果已写入：{target}", style="bold green", markup=False)
            kinds.kind_of(result).print_extras(result, period, out)
            if copy is not None:
                out.print(f"写入前已备份原文件\uff1a{copy}", style="dim", markup=False)
            written.append(target)
    if fmt == "json":
        _print_json(seen, entries)
    else:
        out.print(f"共 {len(inputs.files)} 个文件，写出 {len(written)} 个结果工作簿。", style="bold", markup=False)
    from kpicli.cli.window import open_written

    open_written(written, asked=open_result, workbook=next(iter(inputs.files), None), rules=rules, out=out)
    return combined_exit(codes)
