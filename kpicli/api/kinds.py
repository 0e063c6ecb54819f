"""The two kinds of workbook behind every command: one read, then the checklist or the scorecard path.

A workbook is read once, every worksheet of it; `workbook_kind` tells the kinds apart by their headers in what was
read, and the same read feeds the checklist's assess or the scorecard's scoring. Heavy libraries are imported inside
the functions, as in kpicli.api.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union

from kpicli.core.errors import DataError, InputError, KpiError, Problem

if TYPE_CHECKING:
    from kpicli.checklist.assessment import Assessment
    from kpicli.io.workbook import PendingRead, RawWorkbook
    from kpicli.scorecard.result import ScorecardResult

# What check, rank, score and explain return: a checklist's assessment or a group of scorecards' result.
Result = Union["Assessment", "ScorecardResult"]  # a runtime alias: its members are imported only when used

# The options that only a checklist has (its quarter comes from 基本信息 and the file name; an empty scorecard is
# always an error): given with scorecards they are refused, never silently dropped.
CHECKLIST_ONLY = {"year": "--year", "quarter": "--quarter", "allow_blank": "--allow-blank", "catalog": "--catalog"}
NOT_A_SCORECARD = "也不是绩效考核表：没有一行同时有「考核指标」和「权重」或「标准分」的表头"

__all__ = ["CHECKLIST_ONLY", "Result", "ScorecardDataError", "assess_raw", "group_target", "is_scorecard",
           "read_any", "require_clean", "score_scorecards", "start_read", "write_any"]


class ScorecardDataError(DataError):
    """A DataError about scorecards (errors in them, files refused as a group): its JSON is the scorecard's."""


def sheets_to_read(path: Path, names: list[str]) -> set[str]:
    """Every worksheet, except the result sheets of kpicli's own result workbook (`score --in-place`, or a result
    given back as input): they are no input, and a scorecard result's 指标明细 has the headers of a scorecard."""
    from kpicli.io.outputs import RESULT_KINDS, kpicli_kind

    if kpicli_kind(path) not in RESULT_KINDS:
        return set(names)
    from kpicli.checklist.render.result_book import RESULT_SHEETS as CHECKLIST_RESULT
    from kpicli.scorecard.render.book import RESULT_SHEETS as SCORECARD_RESULT

    return set(names) - set(CHECKLIST_RESULT) - set(SCORECARD_RESULT)


def read_any(path: Path) -> RawWorkbook:
    """The one read of a workbook of either kind.

    In a workbook with checklist sheets (by name) the other sheets are read only to tell the kinds apart: one of
    them too large to read is left out and mentioned, never a reason to refuse the checklist."""
    from kpicli.core.vocab import INFO_SHEET, ROSTER_SHEET, function_of_sheet, normalize
    from kpicli.io.workbook import read_workbook

    names_seen: list[str] = []

    def select(names: list[str]) -> set[str]:
        names_seen[:] = names
        return sheets_to_read(Path(path), names)

    def optional(name: str) -> bool:
        if not any(function_of_sheet(n) for n in names_seen):
            return False  # a scorecard workbook: every sheet may be a person's form
        return not function_of_sheet(name) and normalize(name) not in (normalize(INFO_SHEET), normalize(ROSTER_SHEET))

    return read_workbook(path, select=select, optional=optional)


def start_read(path: Path) -> PendingRead:
    """read_any in a background thread: calamine releases the GIL, so the read overlaps the import of pandas."""
    from kpicli.io.workbook import PendingRead

    return PendingRead(read_any, Path(path))


def is_scorecard(result: object) -> bool:
    # A ScorecardResult exists only once its module is loaded: a checklist run never imports the scorecard's
    # scoring just to ask (0.1 s of a group-scale `rank`)
    module = sys.modules.get("kpicli.scorecard.result")
    return module is not None and isinstance(result, module.ScorecardResult)


def refuse_checklist_options(period: dict[str, object]) -> None:
    given = [flag for key, flag in CHECKLIST_ONLY.items() if period.get(key)]
    if given:
        raise KpiError(f"{'、'.join(given)} 只用于触点检查表；绩效考核表的考核期间取自各表的「考核期间」，"
                       f"空白的考核表总是错误。请去掉 {' '.join(given)} 再运行")


def score_scorecards(raws: Sequence[RawWorkbook], rules_path: Path | None, period: dict[str, object], *,
                     group: bool) -> ScorecardResult:
    """Score scorecard workbooks with the `[scorecard]` settings of the rules in force (--rules, else a kpicli.toml
    beside the first file); problems are in the result. group: several files as one (refusals raise)."""
    from kpicli.rules.files import resolve_rules
    from kpicli.scorecard import score_books, score_workbook

    refuse_checklist_options(period)
    rules, _source = resolve_rules(rules_path, raws[0].path)
    try:
        result = score_books(raws, rules.scorecard) if group else score_workbook(raws[0], rules.scorecard)
    except DataError as exc:  # files of two periods: a scorecard refusal, its message (which names them) first
        problems = [Problem("error", None, None, exc.message), *exc.problems]
        raise ScorecardDataError(exc.message, problems) from exc
    if period.get("company"):
        result.company = str(period["company"])  # --company overrides 基本信息, as for a checklist
    return result


def assess_raw(path: Path, raw: RawWorkbook | PendingRead, rules_path: Path | None,
               period: dict[str, object]) -> Result:
    """One workbook already read (or being read): scored as a scorecard or assessed as a checklist by its kind.
    DataError for a workbook holding both kinds."""
    from kpicli.io.workbook import PendingRead
    from kpicli.scorecard import workbook_kind

    if isinstance(raw, PendingRead):
        raw = raw.result()
    kind = workbook_kind(raw)
    if kind == "scorecard":
        return score_scorecards([raw], rules_path, period, group=False)
    from kpicli.checklist.assessment import assess

    try:
        return assess(Path(path), rules_path=rules_path, raw=raw, **period)
    except InputError as exc:
        if kind is None and exc.message.startswith(f"{Path(path).name} 不是"):  # neither kind: say both
            first, _, rest = exc.message.partition("\n")
            raise InputError(f"{first}\n  {NOT_A_SCORECARD}\n{rest}".rstrip()) from exc
        raise


def require_clean(result: Result) -> Result:
    """The result, or DataError with its problems when it has errors (nothing may be scored then)."""
    if result.has_errors:
        if is_scorecard(result):
            raise ScorecardDataError("绩效考核表有错误，无法评分", result.problems)
        raise DataError("工作簿有错误，无法评分", result.problems)
    return result


def group_target(files: Sequence[Path], output: Path | None) -> Path:
    """Where a group of scorecards is written: output (a file, or a folder to put the default name in), else beside
    the files: <the first file's folder>/<that folder's name>_评分结果.xlsx."""
    folder = Path(files[0]).resolve().parent
    name = f"{folder.name or '绩效考核'}_评分结果.xlsx"
    if output is None:
        return folder / name
    return Path(output) / name if Path(output).is_dir() else Path(output)


def write_any(result: Result, sources: Sequence[Path], target: Path) -> Path:
    """The result workbook of either kind (openpyxl is imported only now, when there is something to write)."""
    if is_scorecard(result):
        from kpicli.scorecard.render.book import write_scorecard_result

        source = sources[0] if len(sources) == 1 else list(sources)
        return write_scorecard_result(result, source, target, settings=result.settings)
    from kpicli.checklist.render.result_book import write_result

    return write_result(result, target)
