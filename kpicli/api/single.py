"""The commands on one workbook of any kind: check, rank, score and explain (kpicli.api re-exports them).

The workbook is read once (api.read) and the kind registry (kpicli.kinds) tells its kind by the headers and does
the kind's work; what is here is only what every kind shares: the reading options, where `score` writes (checked
before anything is read), and the backup of --in-place.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kpicli import kinds
from kpicli.api.read import collector_paused, start_read
from kpicli.core.errors import KpiError
from kpicli.core.kind import KindResult
from kpicli.core.period import Period

if TYPE_CHECKING:
    from kpicli.io.workbook import RawWorkbook

__all__ = ["Explained", "Result", "Scored", "check", "declared_options", "explain", "rank", "reading_options", "score",
           "score_target", "write_scored"]

# What check, rank and score return, for a workbook of any kind (each kind's own result type).
Result = KindResult


class Scored(NamedTuple):
    """What `score` did: the result, the workbook it wrote, and the backup it made first (--in-place only)."""

    result: Result
    path: Path
    backup: Path | None = None


def reading_options(company: str | None, year: int | None, quarter: int | None, allow_blank: bool,
             period: Period | None = None, catalog: Path | None = None,
             indicators: Sequence[str | Path] | None = None, declared: dict[str, Any] | None = None) -> dict[str, Any]:
    """The options of a reading command. period (a kpicli.core.period.Period) is the typed way to give year and
    quarter together: a quarter, a month (its quarter) or a whole year (the year alone). catalog, indicators:
    what a kind checks its rows against instead of what kpicli recorded when it handed the workbook out (a
    catalogue workbook; indicator sets by packaged name or file), accepting a deliberate change.
    declared: further options by the keys the kinds declare (kpicli.core.kind.KindOption.key)."""
    if period is not None:
        if year is not None or quarter is not None:
            raise KpiError("period 与 year、quarter 只能给一种")
        year, quarter = period.year, period.in_quarter
    return {"company": company, "year": year, "quarter": quarter, "allow_blank": allow_blank, "catalog": catalog,
            "indicators": list(indicators) if indicators else None, **declared_options(declared or {})}


def declared_options(options: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments beyond a function's own: each must be an option some kind declares (a TypeError, as for
    any misspelt keyword, otherwise); given for a workbook of another kind, it is refused naming its kind."""
    unknown = [k for k in options if kinds.flag_owner(k) is None]
    if unknown:
        raise TypeError(f"unexpected keyword arguments: {', '.join(unknown)}")
    return options


def _assess(path: Path, raw: RawWorkbook | Any, rules_path: Path | None, options: dict[str, Any]) -> Result:
    """The one way check, rank, score and explain assess a workbook: with the cycle collector paused."""
    from kpicli.io.workbook import PendingRead

    with collector_paused():
        if isinstance(raw, PendingRead):
            # Every kind assesses with pandas: import it while the read runs (calamine lets go of the GIL for part
            # of its work), or the read would wait for nothing and the import after it. docs/performance.md.
            import pandas  # noqa: F401

            raw = raw.result()
        return kinds.assess(Path(path), raw, rules_path, options)


def check(path: Path, *, rules_path: Path | None = None, company: str | None = None, year: int | None = None,
          quarter: int | None = None, allow_blank: bool = False, period: Period | None = None,
          catalog: Path | None = None, indicators: Sequence[str | Path] | None = None, **options: Any) -> Result:
    """Read and validate a workbook of any kind; the problems are in the result (nothing raised for data errors;
    DataError only for a workbook holding two kinds).

    company overrides 基本信息 (every kind); year, quarter (override 基本信息 and the file name) and allow_blank
    (score a unit whose sheets are all blank as not done) are the options of the kind that declares them: given
    for another kind they are refused (KpiError, exit 2) naming the kind they belong to. period: year and quarter as one Period value.
    options: the options a kind declares (kpicli.core.kind.KindOption.key), refused likewise for another kind."""
    options = reading_options(company, year, quarter, allow_blank, period, catalog, indicators, options)
    return _assess(Path(path), start_read(path), rules_path, options)


def rank(path: Path, *, rules_path: Path | None = None, company: str | None = None, year: int | None = None,
         quarter: int | None = None, allow_blank: bool = False, period: Period | None = None,
         catalog: Path | None = None, indicators: Sequence[str | Path] | None = None, **options: Any) -> Result:
    """Score and rank; DataError (a KindDataError, with the problems) when the workbook has errors."""
    return kinds.require_clean(check(path, rules_path=rules_path, company=company, year=year, quarter=quarter,
                                     allow_blank=allow_blank, period=period, catalog=catalog,
                                     indicators=indicators, **options))


def score_target(path: Path, out: Path | None, *, force: bool, in_place: bool) -> Path:
    """Where score writes, checked before anything is read."""
    from kpicli.io.outputs import default_output, ensure_writable, require_xlsx

    if in_place:
        if out is not None:
            raise KpiError("--in-place 与 -o/--output 不能同时使用")
        if path.suffix.lower() != ".xlsx":
            raise KpiError(f"--in-place 只用于 .xlsx 工作簿；{path.name} 是 {path.suffix} 文件（可能含宏或是模板），"
                           "请去掉 --in-place，结果会写到单独的 _评分结果.xlsx 文件")
        return path
    target = Path(out) if out is not None else default_output(path)
    require_xlsx(target, "结果工作簿")
    ensure_writable(target, force=force, source=path)
    return target


def write_scored(result: Result, path: Path, target: Path, in_place: bool) -> Scored:
    from kpicli.io.outputs import backup

    copy = backup(path) if in_place else None
    return Scored(result, kinds.kind_of(result).write_result(result, [path], target), copy)


def score(
    path: Path,
    out: Path | None = None,
    *,
    rules_path: Path | None = None,
    force: bool = False,
    in_place: bool = False,
    company: str | None = None,
    year: int | None = None,
    quarter: int | None = None,
    allow_blank: bool = False,
    period: Period | None = None,
    catalog: Path | None = None,
    indicators: Sequence[str | Path] | None = None,
    per_person: Path | None = None,
    per_team: Path | None = None,
    **options: Any,
) -> Scored:
    """Score, rank and write the result workbook (default: <stem>_评分结果.xlsx beside the input): the kind's
    result sheets, then the input's sheets.

    in_place puts the result sheets into the input workbook itself, after a timestamped backup beside it;
    the returned Scored names that backup. per_person, per_team (each of the kind that declares it): a folder
    that also gets one workbook per person (<期间>_<部门>_<姓名>_考核结果.xlsx), or one allocation file per
    rewarded or penalised team (<期间>_<团队>_奖惩分配表.xlsx, which kpicli payout reads back).
    options: the options a kind declares, as for `check`.
    """
    path = Path(path)
    target = score_target(path, out, force=force, in_place=in_place)
    options = {**reading_options(company, year, quarter, allow_blank, period, catalog, indicators, options),
               "per_person": per_person, "per_team": per_team}
    kinds.prepare(options)
    read = start_read(path)
    result = kinds.require_clean(_assess(path, read, rules_path, options))
    kinds.kind_of(result).write_extras(result, [path], options, force=force, target=target)
    from kpicli.io.prints_as_read import values_as_read

    with values_as_read(read.result()):  # the result's copies of the input's sheets are fingerprinted from these
        return write_scored(result, path, target, in_place)



class Explained(NamedTuple):
    """What `explain` found: the kind's explanation (a unit's items with their exact contributions, or a
    person's indicators, sections and total) and the result it comes from."""

    explanation: Any
    result: Result


def explain(path: Path, *, project: str | None = None, function: str | None = None, person: str | None = None,
            department: str | None = None, rules_path: Path | None = None, company: str | None = None,
            year: int | None = None, quarter: int | None = None, allow_blank: bool = False,
            period: Period | None = None, catalog: Path | None = None, indicators: Sequence[str | Path] | None = None,
            **options: Any) -> Explained:
    """One unit's or person's score item by item, as the workbook's kind explains it: by unit (project and/or
    function) or by person (person, and department when two people share the name); the total equals the
    score. DataError when the workbook has errors; KpiError for an unknown unit or person, or options of
    another kind of workbook."""
    options = {**reading_options(company, year, quarter, allow_blank, period, catalog, indicators, options),
               "project": project, "function": function, "person": person, "department": department}
    result = kinds.require_clean(_assess(Path(path), start_read(path), rules_path, options))
    kind = kinds.kind_of(result)
    return Explained(kind.explain(result, kinds.own_options(kind, options)), result)

