"""Several files in one command: each file of a kind that scores files on its own, the files of a kind that
groups them (Kind.groups) as one group. `each_kind` knows nothing of any
one command; the *_each commands (check_each, rank_each, score_each) and find_workbooks are built on it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from kpicli import kinds
from kpicli.api.read import group_target, read_any
from kpicli.api.single import Result, Scored, reading_options, score_target, write_scored
from kpicli.core.errors import KpiError, Problem
from kpicli.core.kind import Kind, KindDataError
from kpicli.core.period import Period
from kpicli.io.input_files import Inputs, expand_inputs

if TYPE_CHECKING:
    from kpicli.io.workbook import RawWorkbook

__all__ = ["NeedsFolder", "Outcome", "Progress", "check_each", "each_kind", "find_workbooks", "rank_each", "score_each",
           "stop_on"]

T = TypeVar("T")
Progress = Callable[[Sequence[Path]], Iterable[Path]]  # wraps the files read one by one (a progress bar)


@dataclass
class Outcome(Generic[T]):
    """What running a command on one of several files gave: a value, or the error that ended that file.

    group: the files of a group scored as one (path is the first of them); () for one file."""

    path: Path
    value: T | None = None
    error: KpiError | None = None
    group: tuple[Path, ...] = ()
    kind: str = ""  # the label of the kind of a group (Kind.label)

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else self.error.exit_code


def each_kind(files: Sequence[Path], one: Callable[[Path, RawWorkbook], T],
              group: Callable[[Kind, list[RawWorkbook]], T], progress: Progress | None) -> Iterator[Outcome[T]]:
    """Every file read once: a file of a kind that scores each file on its own (or of no kind) is one(path, raw)
    at once; the files of a kind that groups are kept and, after the last file, group(kind, raws) as one group —
    or, when files of other kinds were among them, each refused naming those. A KpiError ends only that file
    (unreadable, errors in it, an output that may not be overwritten); a bad rules file stops everything, as it
    would each file alike."""
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
    """-o names a file while a file scored on its own is among several files: no file of the run can be written as asked."""


def stop_on(kind: type[KpiError], outcomes: Iterator[Outcome[T]]) -> Iterator[Outcome[T]]:
    """The outcomes, until one's error is of `kind`: that error is raised, ending the whole run."""
    for outcome in outcomes:
        if isinstance(outcome.error, kind):
            raise outcome.error
        yield outcome


# --- the commands on several files -----------------------------------------------------------------------------


def find_workbooks(paths: Sequence[Path], *, exclude: Iterable[Path] = ()) -> Inputs:
    """The workbooks that files and folders name (a folder: the .xlsx/.xlsm directly inside it, by name), and
    what was skipped with the reason (lock files, kpicli's own results). KpiError for a missing path or a folder
    without any workbook."""
    return expand_inputs(paths, exclude=exclude)


def check_each(files: Sequence[Path], *, rules_path: Path | None = None, progress: Progress | None = None,
               company: str | None = None, year: int | None = None, quarter: int | None = None,
               allow_blank: bool = False, period: Period | None = None,
               catalog: Path | None = None, indicators: Sequence[str | Path] | None = None,
               **options: Any) -> Iterator[Outcome[Result]]:
    """`check` on each file in turn, lazily, and on the files of a kind that groups them as one group
    (last); an unreadable file is an Outcome with its error. options: as for `check`."""
    options = reading_options(company, year, quarter, allow_blank, period, catalog, indicators, options)
    return each_kind(files, lambda p, raw: kinds.assess(p, raw, rules_path, options),
                     lambda kind, raws: _group(kind, raws, rules_path, options), progress)


def _group(kind: Kind, raws: list[RawWorkbook], rules_path: Path | None, options: dict[str, Any]) -> Result:
    kinds.refuse_foreign_options(kind, options, "、".join(raw.path.name for raw in raws) + " ")
    return kind.assess_group(raws, kinds.rules_lookup(rules_path), kinds.own_options(kind, options))


def rank_each(files: Sequence[Path], *, rules_path: Path | None = None, progress: Progress | None = None,
              company: str | None = None, year: int | None = None, quarter: int | None = None,
              allow_blank: bool = False, period: Period | None = None,
              catalog: Path | None = None, indicators: Sequence[str | Path] | None = None,
              **options: Any) -> Iterator[Outcome[Result]]:
    """`rank` on each file in turn and on a group as one; errors are an Outcome's DataError."""
    options = reading_options(company, year, quarter, allow_blank, period, catalog, indicators, options)
    return each_kind(files, lambda p, raw: kinds.require_clean(kinds.assess(p, raw, rules_path, options)),
                     lambda kind, raws: kinds.require_clean(_group(kind, raws, rules_path, options)), progress)


def score_each(files: Sequence[Path], output_dir: Path | None = None, *, rules_path: Path | None = None,
               force: bool = False, in_place: bool = False, progress: Progress | None = None,
               group_output: Path | None = None, per_person: Path | None = None, per_team: Path | None = None,
               company: str | None = None, year: int | None = None, quarter: int | None = None,
               allow_blank: bool = False, period: Period | None = None,
               catalog: Path | None = None, indicators: Sequence[str | Path] | None = None,
               **options: Any) -> Iterator[Outcome[Scored]]:
    """`score` on each file in turn, each into its own result workbook: the default name beside the input, or
    that name inside output_dir (an existing folder). The files of a kind that groups them are one
    group and one result workbook: group_output (a file), else <folder name>_评分结果.xlsx inside output_dir or
    the files' folder. With group_output and no output_dir, a file scored on its own stops everything (its result
    needs a folder): KpiError. per_person, per_team: as for `score`, for each file (or group) of their kind."""
    from kpicli.io.outputs import default_output, ensure_writable, require_xlsx

    if output_dir is not None and not Path(output_dir).is_dir():
        raise KpiError(f"给了多个文件或文件夹时，-o/--output 只能是一个已存在的文件夹（结果按各自的文件名写入其中），"
                       f"不能是一个文件：{output_dir}")
    options = {**reading_options(company, year, quarter, allow_blank, period, catalog, indicators, options),
               "per_person": per_person, "per_team": per_team}
    kinds.prepare(options)
    grouping = "、".join(k.label for k in kinds.KINDS if k.groups)

    def one(path: Path, raw: RawWorkbook) -> Scored:
        if group_output is not None and output_dir is None:
            label = (kinds.detect(raw) or kinds.FALLBACK).label
            raise NeedsFolder(f"给了多个文件或文件夹时，{label}的结果按各自的文件名写入 -o/--output 指定的文件夹，"
                              f"-o 不能是一个文件：{group_output}（只有一组{grouping}才写成一个结果工作簿）")
        kinds.refuse_foreign_options(kinds.detect(raw) or kinds.FALLBACK, options, f"{path.name} ")
        target = None if output_dir is None else Path(output_dir) / default_output(path).name
        target = score_target(path, target, force=force, in_place=in_place)
        result = kinds.require_clean(kinds.assess(path, raw, rules_path, options))
        kinds.kind_of(result).write_extras(result, [path], options, force=force, target=target)
        return write_scored(result, path, target, in_place)

    def group(kind: Kind, raws: list[RawWorkbook]) -> Scored:
        sources = [raw.path for raw in raws]
        if in_place:
            raise KpiError(f"--in-place 只用于一个工作簿；多个{kind.label}文件作为一组评分时，结果写到一个新的结果工作簿，"
                           "请去掉 --in-place")
        target = group_output or group_target(sources, output_dir)
        require_xlsx(target, "结果工作簿")
        for source in sources:
            ensure_writable(target, force=force, source=source)
        result = kinds.require_clean(_group(kind, raws, rules_path, options))
        kind.write_extras(result, sources, options, force=force, raws=raws, target=target)
        return Scored(result, kind.write_result(result, sources, target))

    return stop_on(NeedsFolder, each_kind(files, one, group, progress))
