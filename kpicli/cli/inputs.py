"""Several files or folders on the command line: which workbooks to read, a progress bar, and running a
command on each file in turn (check, rank, score, collect).

A folder stands for the workbooks directly inside it (not sub-folders). Excel/WPS lock files, temporary
files and the results kpicli wrote itself are skipped, and the user is told so.
"""

from __future__ import annotations

import gc
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from kpicli.core.errors import EXIT_DATA, EXIT_USAGE, DataError, InputError, KpiError
from kpicli.io.outputs import MARK_PROPERTY, RESULT_KINDS, written_by_kpicli

T = TypeVar("T")

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheets a user may expect to be read: say why they are not, instead of passing over them silently.
OTHER_SHEET_SUFFIXES = (".xls", ".xlsb", ".et", ".ods", ".csv")
# kpicli's own outputs that are not checklists to read again (评分结果 holds the input sheets plus results).
PROGRESS_MIN = 3  # a bar only for more files than this
_SKIP_PREFIXES = (
    ("~$", "Excel/WPS 打开文件时生成的锁文件"),
    (".~", "临时文件或 LibreOffice 锁文件"),
    ("._", "macOS 生成的隐藏附属文件"),
)


@dataclass
class Inputs:
    """The workbooks to read, in order, and what was passed over with the reason."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    several: bool = False  # a folder or more than one path: report per file


def several_paths(paths: Sequence[Path]) -> bool:
    """True unless the command line names exactly one path that is not a folder (the classic form)."""
    return len(paths) != 1 or Path(paths[0]).is_dir()


def _natural_key(name: str) -> list[object]:
    """项目2 before 项目10: digit runs compare as numbers."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


def kpicli_kind(path: Path) -> str | None:
    """What kpicli wrote the workbook as (评分结果, 模板, 汇总检查表 …), or None for other files."""
    if not written_by_kpicli(path):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            text = archive.open("docProps/custom.xml").read(65536).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile, KeyError):
        return None
    match = re.search(rf'name="{MARK_PROPERTY}"[^>]*>\s*<vt:\w+>([^<]*)<', text)
    return match.group(1) if match else ""


def _lock_reason(name: str) -> str | None:
    return next((reason for prefix, reason in _SKIP_PREFIXES if name.startswith(prefix)), None)


def _result_reason(path: Path, skip_kinds: frozenset[str]) -> str | None:
    kind = kpicli_kind(path)
    if kind is None:
        return None
    if kind in skip_kinds or (kind == "" and path.name.endswith("_评分结果.xlsx")):
        return f"kpicli 生成的{kind or '评分结果'}"
    return None


def expand_inputs(
    paths: Sequence[Path],
    *,
    skip_kinds: Iterable[str] = RESULT_KINDS,
    exclude: Iterable[Path] = (),
) -> Inputs:
    """Files as given, folders as the .xlsx/.xlsm directly inside them (sorted by name).

    Lock and temporary files, and kpicli outputs of `skip_kinds`, are skipped in folders; a lock file named
    on the command line is skipped only when something else is left to read (alone, it is refused with the
    reader's own message). KpiError (exit 2) for a missing path or a folder without any workbook.
    """
    kinds = frozenset(skip_kinds)
    excluded = {Path(p).resolve() for p in exclude}
    result = Inputs(several=several_paths(paths))
    seen: set[Path] = set()
    explicit_locks: list[Path] = []

    def add(path: Path) -> None:
        key = path.resolve()
        if key in excluded:
            result.skipped.append((path, "本次命令的输出文件"))
        elif key not in seen:
            seen.add(key)
            result.files.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = _folder_workbooks(path, kinds, result)
            if not found:
                raise InputError(_empty_folder_message(path, result.skipped))
            for workbook in found:
                add(workbook)
        elif path.exists() or path.is_symlink():
            if _lock_reason(path.name) and len(paths) > 1:
                explicit_locks.append(path)
            else:
                add(path)
        else:
            raise InputError(f"文件不存在:{path},请检查路径和文件名是否正确。")
    for path in explicit_locks:
        if result.files:
            result.skipped.append((path, _lock_reason(path.name) or ""))
        else:
            add(path)  # nothing else to read: let the reader explain what a lock file is
    return result


def _folder_workbooks(folder: Path, kinds: frozenset[str], result: Inputs) -> list[Path]:
    found: list[Path] = []
    try:
        entries = sorted(folder.iterdir(), key=lambda p: _natural_key(p.name))
    except OSError as exc:
        raise InputError(f"无法读取文件夹 {folder}:{exc.strerror or exc}") from exc
    for entry in entries:
        suffix = entry.suffix.lower()
        if entry.is_dir():
            continue
        if suffix not in WORKBOOK_SUFFIXES:
            if suffix in OTHER_SHEET_SUFFIXES and not _lock_reason(entry.name):
                result.skipped.append((entry, "不是 .xlsx/.xlsm 工作簿;如需读取请用 Excel/WPS 另存为 .xlsx"))
            continue
        reason = _lock_reason(entry.name) or _result_reason(entry, kinds)
        if reason:
            result.skipped.append((entry, reason))
        else:
            found.append(entry)
    return found


def _empty_folder_message(folder: Path, skipped: list[tuple[Path, str]]) -> str:
    text = (f"{folder.name or folder}:这是一个文件夹,不是工作簿,而且其中没有可读取的检查表工作簿(.xlsx / .xlsm)。"
            "请指定工作簿文件,或放有检查表的文件夹。")
    passed = [p.name for p, _ in skipped if p.parent == folder]
    if passed:
        text += f"\n  已跳过:{'、'.join(passed)}"
    return text


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


@dataclass
class Outcome(Generic[T]):
    """What running a command on one file gave: a value, or the error that ended that file."""

    path: Path
    value: T | None = None
    error: KpiError | None = None

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else self.error.exit_code


def each_file(files: Sequence[Path], action: Callable[[Path], T], *, label: str) -> Iterator[Outcome[T]]:
    """action(path) for every file under a progress bar. A KpiError ends only that file (unreadable, errors in
    it, an output that may not be overwritten); a bad rules file stops everything, as it would each file alike."""
    from kpicli.rules.model import RulesError

    for path in progress(list(files), label):
        try:
            yield Outcome(path, value=action(path))
        except RulesError:
            raise
        except KpiError as exc:
            yield Outcome(path, error=exc)
        # One file's workbooks (openpyxl's hold reference cycles) go before the next is read. The youngest
        # generation is enough: with the CLI's collector off, everything this file allocated is still in it, and a
        # full collection would walk pandas' and numpy's objects again for every file.
        gc.collect(0)


def combined_exit(codes: Iterable[int]) -> int:
    """2 when any file could not be read, else 1 when any had errors, else 0."""
    codes = set(codes)
    if EXIT_USAGE in codes:
        return EXIT_USAGE
    return EXIT_DATA if EXIT_DATA in codes else 0


def print_skipped(inputs: Inputs, out: Any = None) -> None:
    """One dim line per skipped file, so nobody wonders where a file went."""
    if not inputs.skipped:
        return
    from kpicli.render.terminal import console

    out = out or console(stderr=True)
    for path, reason in inputs.skipped:
        out.print(f"已跳过 {path.name}:{reason}", style="dim", markup=False)


def _file_heading(path: Path, out: Any) -> None:
    from rich.rule import Rule

    out.print(Rule(path.name, style="bold", align="left"))


def _print_unreadable(error: KpiError, out: Any) -> None:
    from rich.text import Text

    out.print(Text("[错误] ", style="bold red") + Text(error.message))


# --- the commands over several files --------------------------------------------------------------------------


def check_files(inputs: Inputs, *, rules: Path | None, period: dict) -> int:
    """kpicli check on several files: each file's problems under its name; exit 2 if any file could not be
    read, else 1 if any has errors."""
    from kpicli import api
    from kpicli.render.terminal import console, print_problems

    out = console()
    print_skipped(inputs, out)
    codes, with_errors, unreadable = [], [], []
    for n, outcome in enumerate(each_file(inputs.files, lambda p: api.check(p, rules_path=rules, **period),
                                          label="检查")):
        if n:
            out.print()
        if outcome.error is not None:
            out.print(outcome.path.name, style="bold", markup=False)
            _print_unreadable(outcome.error, out)
            unreadable.append(outcome.path.name)
            codes.append(EXIT_USAGE)
            continue
        result = outcome.value
        print_problems(result.problems, out, file=f"{outcome.path.name}({result.period_label})")
        if result.has_errors:
            with_errors.append(outcome.path.name)
        codes.append(EXIT_DATA if result.has_errors else 0)
    parts = [f"共检查 {len(inputs.files)} 个文件"]
    if with_errors:
        parts.append(f"{len(with_errors)} 个有错误({'、'.join(with_errors)})")
    if unreadable:
        parts.append(f"{len(unreadable)} 个无法读取({'、'.join(unreadable)})")
    if not with_errors and not unreadable:
        parts.append("都没有错误")
    out.print(",".join(parts) + "。", style="bold", markup=False)
    return combined_exit(codes)


def unreadable_entry(path: Path, error: KpiError) -> dict:
    """The JSON object of a file that could not be read: the usual keys, its message as an error problem."""
    return {"file": path.name, "company": None, "year": None, "quarter": None, "functions": [], "projects": [],
            "units": [], "problems": [{"level": "error", "sheet": None, "cell": None, "message": error.message}]}


def blocked_entry(path: Path, error: DataError) -> dict:
    return {**unreadable_entry(path, error), "problems": [p.to_dict() for p in error.problems]}


def rank_files(inputs: Inputs, *, fmt: str, rules: Path | None, period: dict) -> int:
    """kpicli rank on several files: each file's rankings in turn, or a JSON array of per-file objects
    (each with a "file" key)."""
    from kpicli import api
    from kpicli.render.terminal import console, print_json, print_problems, print_rankings

    out = console(stderr=fmt == "json")  # keep stdout pure JSON
    print_skipped(inputs, console(stderr=True))
    codes, entries = [], []
    for outcome in each_file(inputs.files, lambda p: api.rank(p, rules_path=rules, **period), label="排名"):
        codes.append(outcome.exit_code)
        if fmt == "json":
            error = outcome.error
            if error is None:
                entries.append({"file": outcome.path.name, **outcome.value.to_dict()})
            elif isinstance(error, DataError):
                entries.append(blocked_entry(outcome.path, error))
            else:
                entries.append(unreadable_entry(outcome.path, error))
            continue
        _file_heading(outcome.path, out)
        if isinstance(outcome.error, DataError):
            out.print(f"{outcome.path.name} 有错误,未评分:", style="bold red", markup=False)
            print_problems(outcome.error.problems, out)
        elif outcome.error is not None:
            _print_unreadable(outcome.error, out)
        else:
            print_rankings(outcome.value, out)
    if fmt == "json":
        print_json(entries)
    return combined_exit(codes)


def score_files(
    inputs: Inputs,
    *,
    fmt: str,
    rules: Path | None,
    period: dict,
    output: Path | None = None,
    force: bool = False,
    in_place: bool = False,
    score: Callable[..., tuple[Any, Path, Path | None]] | None = None,
) -> int:
    """kpicli score on several files: each scored and written to its own result workbook (api.score's default
    output, or <output folder>/<that name> when -o names an existing folder), rankings shown per file;
    JSON: an array of per-file objects with "file" and "output"."""
    from kpicli import api
    from kpicli.io.outputs import default_output
    from kpicli.render.terminal import console, print_json, print_problems, print_rankings

    if output is not None and not Path(output).is_dir():
        raise KpiError(f"给了多个文件或文件夹时,-o/--output 只能是一个已存在的文件夹(结果按各自的文件名写入其中),"
                       f"不能是一个文件:{output}")
    run = score or api.score
    out = console(stderr=fmt == "json")
    print_skipped(inputs, console(stderr=True))
    codes, entries, written = [], [], []

    def action(path: Path) -> tuple[Any, Path, Path | None]:
        target = None if output is None else Path(output) / default_output(path).name
        return run(path, target, rules_path=rules, force=force, in_place=in_place, **period)

    for outcome in each_file(inputs.files, action, label="评分"):
        codes.append(outcome.exit_code)
        error = outcome.error
        if fmt == "json":
            if error is None:
                result, target, copy = outcome.value
                backup = {"backup": str(copy)} if copy is not None else {}
                entries.append({"file": outcome.path.name, "output": str(target), **backup, **result.to_dict()})
            else:
                entries.append(blocked_entry(outcome.path, error) if isinstance(error, DataError)
                               else unreadable_entry(outcome.path, error))
            continue
        _file_heading(outcome.path, out)
        if isinstance(error, DataError):
            out.print(f"{outcome.path.name} 有错误,未评分,也未写入任何文件:", style="bold red", markup=False)
            print_problems(error.problems, out)
        elif error is not None:
            _print_unreadable(error, out)
        else:
            result, target, copy = outcome.value
            print_rankings(result, out)
            out.print(f"结果已写入:{target}", style="bold green", markup=False)
            if copy is not None:
                out.print(f"写入前已备份原文件\uff1a{copy}", style="dim", markup=False)
            written.append(target)
    if fmt == "json":
        print_json(entries)
    else:
        out.print(f"共 {len(inputs.files)} 个文件,写出 {len(written)} 个结果工作簿。", style="bold", markup=False)
    return combined_exit(codes)
