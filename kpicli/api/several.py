"""Several files in one command: each file of a kind that scores files on its own, the files of a kind that
groups them (scorecards) as one group (contract scorecard.md §4 "Several files"). kpicli.api's *_each functions are built on each_kind; what is here knows
nothing of any one command.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from kpicli import kinds
from kpicli.api.read import read_any
from kpicli.core.errors import KpiError, Problem
from kpicli.core.kind import Kind, KindDataError

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
    kind: str = ""  # the label of the kind of a group (绩效考核表)

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else self.error.exit_code


def each_kind(files: Sequence[Path], one: Callable[[Path, RawWorkbook], T],
              group: Callable[[Kind, list[RawWorkbook]], T], progress: Progress | None) -> Iterator[Outcome[T]]:
    """Every file read once: a file of a kind that scores each file on its own (or of no kind) is one(path, raw)
    at once; the files of a kind that groups are kept and, after the last file, group(kind, raws) as one group
    (contract scorecard.md §4) — or, when files of other kinds were among them, each refused naming those. A
    KpiError ends only that file (unreadable, errors in it, an output that may not be overwritten); a bad rules
    file stops everything, as it would each file alike."""
    from kpicli.rules.model import RulesError

    grouped: dict[str, list[RawWorkbook]] = {}
    alone: dict[str, list[str]] = {}
    for path in (progress or list)(list(files)):
        path = Path(path)
        try:
            raw = read_any(path)
            kind = kinds.detect(raw)
            if kind is not None and kind.groups:
                grouped.setdefault(kind.name, []).append(raw)  # such a file is small: one person, or one department
                continue
            if kind is not None:
                alone.setdefault(kind.name, []).append(path.name)
            yield Outcome(path, value=one(path, raw))
        except RulesError:
            raise
        except KpiError as exc:
            yield Outcome(path, error=exc)
        # One file's workbooks (openpyxl's hold reference cycles) go before the next is read. The youngest
        # generation is enough: what this file allocated is mostly still young, and a full collection would walk
        # pandas' and numpy's objects again for every file.
        gc.collect(0)
    for name, raws in grouped.items():
        kind = kinds.by_name(name)
        others = {**alone, **{n: [r.path.name for r in rs] for n, rs in grouped.items() if n != name}}
        if others:
            listed = "、".join(f"{kinds.by_name(n).label}（{'、'.join(files)}）" for n, files in others.items())
            for raw in raws:
                message = (f"{raw.path.name} 是{kind.label}，不能与{listed}一起评分；"
                           f"请把{kind.label}放到单独的文件夹，分开运行")
                problem = Problem("error", None, None, message, file=raw.path.name)
                yield Outcome(raw.path, error=KindDataError(kind.name, message, [problem]))
            continue
        paths = tuple(raw.path for raw in raws)
        try:
            yield Outcome(paths[0], value=group(kind, raws), group=paths, kind=kind.label)
        except RulesError:
            raise
        except KpiError as exc:
            yield Outcome(paths[0], error=exc, group=paths, kind=kind.label)


class NeedsFolder(KpiError):
    """-o names a file while a checklist is among several files: no file of the run can be written as asked."""


def stop_on(kind: type[KpiError], outcomes: Iterator[Outcome[T]]) -> Iterator[Outcome[T]]:
    """The outcomes, until one's error is of `kind`: that error is raised, ending the whole run."""
    for outcome in outcomes:
        if isinstance(outcome.error, kind):
            raise outcome.error
        yield outcome
