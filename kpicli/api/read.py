"""The one read of a workbook behind every command, whatever its kind; the kind is told afterwards by the
registry (kpicli.kinds) from what was read. Heavy libraries are imported inside the functions, as in kpicli.api.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kpicli import kinds

if TYPE_CHECKING:
    from kpicli.io.workbook import PendingRead, RawWorkbook

__all__ = ["collector_paused", "group_target", "read_any", "sheets_to_read", "start_read"]


def sheets_to_read(path: Path, names: list[str]) -> set[str]:
    """Every worksheet, except the result sheets of kpicli's own result workbook (`score --in-place`, or a result
    given back as input): they are no input, and a result sheet may have the headers of an input."""
    from kpicli.io.outputs import RESULT_KINDS, kpicli_kind

    if kpicli_kind(path) not in RESULT_KINDS:
        return set(names)
    return set(names) - kinds.result_sheets()


def read_any(path: Path) -> RawWorkbook:
    """The one read of a workbook of any kind. A sheet a kind calls optional (too large to read, and not needed
    to tell the kinds apart) is left out and mentioned, never a reason to refuse the workbook."""
    from kpicli.io.workbook import read_workbook

    names_seen: list[str] = []

    def select(names: list[str]) -> set[str]:
        names_seen[:] = names
        return sheets_to_read(Path(path), names)

    return read_workbook(path, select=select, optional=lambda name: kinds.optional_sheet(names_seen, name))


def start_read(path: Path) -> PendingRead:
    """read_any in a background thread: calamine releases the GIL, so the read overlaps the import of pandas."""
    from kpicli.io.workbook import PendingRead

    return PendingRead(read_any, Path(path))


_PAUSE = threading.Lock()
_paused = 0  # blocks of collector_paused running now, in any thread
_was_collecting = False  # whether the collector ran before the first of them


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while one workbook is read and assessed, as it was before afterwards.

    The read makes a list per row and the assessment tens of thousands of small objects, nearly none of them in a
    reference cycle; the collector would walk them (and everything imported since the CLI froze its modules) again
    and again as they are allocated. Measured in docs/performance.md. What little cyclic garbage the assessment
    leaves is collected after it, at the collector's next run."""
    global _paused, _was_collecting
    with _PAUSE:  # threads of one process share the collector: the first to pause it and the last to resume decide
        if _paused == 0:
            _was_collecting = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _PAUSE:
            _paused -= 1
            if _paused == 0 and _was_collecting:
                gc.enable()


def group_target(files: Sequence[Path], output: Path | None) -> Path:
    """Where a group of files scored as one is written: output (a file, or a folder to put the default name in),
    else beside the files: <the first file's folder>/<that folder's name>_评分结果.xlsx."""
    folder = Path(files[0]).resolve().parent
    name = f"{folder.name or '一组文件'}_评分结果.xlsx"  # no name: the folder is a drive's root
    if output is None:
        return folder / name
    return Path(output) / name if Path(output).is_dir() else Path(output)
