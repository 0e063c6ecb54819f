"""Several files in one command: each checklist on its own, the scorecards among them as one group (contract
scorecard.md §4 "Several files"). kpicli.api's *_each functions are built on each_kind; what is here knows
nothing of any one command.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from kpicli.api.kinds import ScorecardDataError, read_any
from kpicli.core.errors import KpiError, Problem

if TYPE_CHECKING:
    from kpicli.io.workbook import RawWorkbook

__all__ = ["NeedsFolder", "Outcome", "Progress", "each_kind", "stop_on"]

T = TypeVar("T")
Progress = Callable[[Sequence[Path]], Iterable[Path]]  # wraps the files read one by one (a progress bar)


@dataclass
class Outcome(Generic[T]):
    """What running a command on one of several files gave: a value, or the error that ended that file.

    group: the files of a group of scorecards scored as one (path is the first of them); () for one file."""

    path: Path
    value: T | None = None
    error: KpiError | None = None
    group: tuple[Path, ...] = ()

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else self.error.exit_code


def each_kind(files: Sequence[Path], one: Callable[[Path, RawWorkbook], T],
              group: Callable[[list[RawWorkbook]], T], progress: Progress | None) -> Iterator[Outcome[T]]:
    """Every file read once: a checklist (or a file of neither kind) is one(path, raw) at once; the scorecards
    are kept and, after the last file, group(raws) as one group (contract scorecard.md §4) — or, when checklists
    were among the files, each refused naming the checklists. A KpiError ends only that file (unreadable, errors
    in it, an output that may not be overwritten); a bad rules file stops everything, as it would each file alike."""
    from kpicli.rules.model import RulesError
    from kpicli.scorecard import workbook_kind

    scorecards: list[RawWorkbook] = []
    checklists: list[str] = []
    for path in (progress or list)(list(files)):
        path = Path(path)
        try:
            raw = read_any(path)
            kind = workbook_kind(raw)
            if kind == "scorecard":
                scorecards.append(raw)  # a scorecard file is small: one person, or one department
                continue
            if kind == "checklist":
                checklists.append(path.name)
            yield Outcome(path, value=one(path, raw))
        except RulesError:
            raise
        except KpiError as exc:
            yield Outcome(path, error=exc)
        # One file's workbooks (openpyxl's hold reference cycles) go before the next is read. The youngest
        # generation is enough: what this file allocated is mostly still young, and a full collection would walk
        # pandas' and numpy's objects again for every file.
        gc.collect(0)
    if checklists:
        for raw in scorecards:
            message = (f"{raw.path.name} 是绩效考核表，不能与触点检查表（{'、'.join(checklists)}）一起评分；"
                       "请把绩效考核表放到单独的文件夹，分开运行")
            problem = Problem("error", None, None, message, file=raw.path.name)
            yield Outcome(raw.path, error=ScorecardDataError(message, [problem]))
    elif scorecards:
        paths = tuple(raw.path for raw in scorecards)
        try:
            yield Outcome(paths[0], value=group(scorecards), group=paths)
        except RulesError:
            raise
        except KpiError as exc:
            yield Outcome(paths[0], error=exc, group=paths)


class NeedsFolder(KpiError):
    """-o names a file while a checklist is among several files: no file of the run can be written as asked."""


def stop_on(kind: type[KpiError], outcomes: Iterator[Outcome[T]]) -> Iterator[Outcome[T]]:
    """The outcomes, until one's error is of `kind`: that error is raised, ending the whole run."""
    for outcome in outcomes:
        if isinstance(outcome.error, kind):
            raise outcome.error
        yield outcome
