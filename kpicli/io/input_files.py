"""Which workbooks a command line names: files as given, folders as the .xlsx/.xlsm directly inside them.

A folder stands for the workbooks directly inside it (not sub-folders). Excel/WPS lock files, temporary
files and the results kpicli wrote itself are skipped, with the reason, so the user can be told.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kpicli.core.errors import InputError
from kpicli.io.outputs import OWN_OUTPUTS, kpicli_kind

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheets a user may expect to be read: say why they are not, instead of passing over them silently.
OTHER_SHEET_SUFFIXES = (".xls", ".xlsb", ".et", ".ods", ".csv")
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
    skip_kinds: Iterable[str] = OWN_OUTPUTS,
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
            raise InputError(f"文件不存在：{path}，请检查路径和文件名是否正确。")
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
        raise InputError(f"无法读取文件夹 {folder}：{exc.strerror or exc}") from exc
    for entry in entries:
        suffix = entry.suffix.lower()
        if entry.is_dir():
            continue
        if suffix not in WORKBOOK_SUFFIXES:
            if suffix in OTHER_SHEET_SUFFIXES and not _lock_reason(entry.name):
                result.skipped.append((entry, "不是 .xlsx/.xlsm 工作簿；如需读取请用 Excel/WPS 另存为 .xlsx"))
            continue
        reason = _lock_reason(entry.name) or _result_reason(entry, kinds)
        if reason:
            result.skipped.append((entry, reason))
        else:
            found.append(entry)
    return found


def _empty_folder_message(folder: Path, skipped: list[tuple[Path, str]]) -> str:
    text = (f"{folder.name or folder}：这是一个文件夹，不是工作簿，而且其中没有可读取的工作簿（.xlsx / .xlsm）。"
            "请指定工作簿文件，或放有工作簿的文件夹。")
    passed = [p.name for p, _ in skipped if p.parent == folder]
    if passed:
        text += f"\n  已跳过：{'、'.join(passed)}"
    return text
