"""Every kpicli command as a Python function: what the CLI does, without printing anything.

    from kpicli import api
    result = api.rank("2026Q1_客户触点检查表.xlsx")          # an Assessment; DataError when the workbook has errors
    result = api.rank("2026Q1_客服部绩效考核表.xlsx")        # a ScorecardResult: the kind is told by the headers
    for outcome in api.check_each(api.find_workbooks(["各项目提交/"]).files):
        print(outcome.path.name, outcome.error or outcome.value.has_errors)

check, rank, score and explain take a workbook of any kind (contract scorecard.md §2): it is read once and the
kind registry (kpicli.kinds) tells its kind by the headers; they return a `Result` (kpicli.core.kind.KindResult:
an Assessment, a ScorecardResult, …) whose `to_json()` carries "kind" and whose `period_label` is its period.
Data errors come back as problems in the result (check) or as a KindDataError with the problems (rank, score,
explain; a DataError for annual); anything else the user must fix is a KpiError with a Chinese message, and an
option of another kind is such a KpiError naming that kind. Heavy libraries are imported inside the functions, so
importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kpicli import kinds
from kpicli.api.payout import PayoutRun, payout
from kpicli.api.read import group_target, read_any, start_read
from kpicli.api.several import NeedsFolder, Outcome, Progress, each_kind, stop_on
from kpicli.core.errors import DataError, KpiError
from kpicli.core.kind import Kind, KindDataError, KindResult
from kpicli.core.period import Period
from kpicli.io.input_files import Inputs, expand_inputs

if TYPE_CHECKING:
    from kpicli.io.workbook import RawWorkbook

__all__ = ["Annual", "Collection", "DataError", "Explained", "Inputs", "KindDataError", "KpiError", "Outcome",
           "PayoutRun", "Period", "Result", "Scored", "Templated", "annual", "check", "check_each", "collect",
           "explain", "find_workbooks", "open_result_wanted", "payout", "rank", "rank_each", "rules_init", "rules_show",
           "score", "score_each", "template"]

# What check, rank and score return, for a workbook of any kind (an Assessment, a ScorecardResult, …).
Result = KindResult


class Scored(NamedTuple):
    """What `score` did: the result, the workbook it wrote, and the backup it made first (--in-place only)."""

    result: Result
    path: Path
    backup: Path | None = None


def _options(company: str | None, year: int | None, quarter: int | None, allow_blank: bool,
             period: Period | None = None, catalog: Path | None = None,
             indicators: Sequence[str | Path] | None = None) -> dict[str, Any]:
    """The options of a reading command. period (a kpicli.core.period.Period) is the typed way to give year and
    quarter together: a quarter, a month (its quarter) or a whole year (the year alone). catalog: a touchpoint
    catalogue a checklist's rows are checked against (accepting a deliberate change). indicators: indicator sets
    (packaged names or files) scorecard forms are checked against instead of the recorded ones (the same)."""
    if period is not None:
        if year is not None or quarter is not None:
            raise KpiError("period 与 year、quarter 只能给一种")
        year, quarter = period.year, period.in_quarter
    return {"company": company, "year": year, "quarter": quarter, "allow_blank": allow_blank, "catalog": catalog,
            "indicators": list(indicators) if indicators else None}


def _assess(path: Path, raw: RawWorkbook | Any, rules_path: Path | None, options: dict[str, Any]) -> Result:
    from kpicli.io.workbook import PendingRead

    if isinstance(raw, PendingRead):
        # Every kind assesses with pandas: import it while the read runs (calamine and zlib release the GIL), or
        # the read would wait for nothing and the import after it. Measured in docs/performance.md.
        import pandas  # noqa: F401

        raw = raw.result()
    return kinds.assess(Path(path), raw, rules_path, options)


def check(path: Path, *, rules_path: Path | None = None, company: str | None = None, year: int | None = None,
          quarter: int | None = None, allow_blank: bool = False, period: Period | None = None,
          catalog: Path | None = None, indicators: Sequence[str | Path] | None = None) -> Result:
    """Read and validate a workbook of any kind; the problems are in the result (nothing raised for data errors;
    DataError only for a workbook holding two kinds).

    company overrides 基本信息 (every kind); year, quarter (override 基本信息 and the file name) and allow_blank
    (score a project whose sheets are all blank as not done) are a checklist's: given for another kind they are
    refused (KpiError, exit 2) naming the kind they belong to. period: year and quarter as one Period value."""
    options = _options(company, year, quarter, allow_blank, period, catalog, indicators)
    return _assess(Path(path), start_read(path), rules_path, options)


def rank(path: Path, *, rules_path: Path | None = None, company: str | None = None, year: int | None = None,
         quarter: int | None = None, allow_blank: bool = False, period: Period | None = None,
         catalog: Path | None = None, indicators: Sequence[str | Path] | None = None) -> Result:
    """Score and rank; DataError (a KindDataError, with the problems) when the workbook has errors."""
    return kinds.require_clean(check(path, rules_path=rules_path, company=company, year=year, quarter=quarter,
                                     allow_blank=allow_blank, period=period, catalog=catalog,
                                     indicators=indicators))


def _target(path: Path, out: Path | None, *, force: bool, in_place: bool) -> Path:
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


def _write(result: Result, path: Path, target: Path, in_place: bool) -> Scored:
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
) -> Scored:
    """Score, rank and write the result workbook (default: <stem>_评分结果.xlsx beside the input): the kind's
    result sheets (评分汇总 …, 考核汇总 …), then the input's sheets.

    in_place puts the result sheets into the input workbook itself, after a timestamped backup beside it;
    the returned Scored names that backup. per_person (scorecards only): a folder that also gets one workbook
    per person, <期间>_<部门>_<姓名>_考核结果.xlsx. per_team (checklists only): a folder that also gets one
    allocation file per rewarded or penalised team, <期间>_<团队>_奖惩分配表.xlsx (kpicli payout reads them back).
    """
    path = Path(path)
    target = _target(path, out, force=force, in_place=in_place)
    options = {**_options(company, year, quarter, allow_blank, period, catalog, indicators), "per_person": per_person,
               "per_team": per_team}
    kinds.prepare(options)
    result = kinds.require_clean(_assess(path, start_read(path), rules_path, options))
    kinds.kind_of(result).write_extras(result, [path], options, force=force, target=target)
    return _write(result, path, target, in_place)


class Templated(NamedTuple):
    """What `template` wrote, and warnings (roster rows skipped, units that are not among the projects)."""

    paths: list[Path]
    warnings: list[str]


def template(kind: str, out: Path | None = None, *, company: str | None = None, force: bool = False,
             **options: Any) -> Templated:
    """Blank workbooks of one kind, named as a user names it (检查表 / 触点检查表, 考核表 / 绩效考核表).

    Checklist: year, quarter, projects (required), catalog (a touchpoint catalogue workbook), roster (a workbook
    whose 人员名单 is copied). Scorecard: period (required), indicators (set names or files), people (a roster file:
    one form per person) or names (one form per name), split (one file per person in the folder `out`). An option
    of the other kind is refused naming the kind it belongs to; out defaults to the kind's file name."""
    chosen = kinds.named(kind)
    unknown = [k for k in options if kinds.flag_owner(k) is None]
    if unknown:
        raise TypeError(f"template() got unexpected keyword arguments: {', '.join(unknown)}")
    kinds.refuse_foreign_options(chosen, options, "要生成的")
    paths, warnings = chosen.template(out, options, company=company, force=force)
    return Templated(paths, warnings)


class Explained(NamedTuple):
    """What `explain` found: a checklist unit's items with their exact contributions (Explanation), or one
    person's indicators, sections and total (PersonExplanation); and the result they come from."""

    explanation: Any
    result: Result


def explain(path: Path, *, project: str | None = None, function: str | None = None, person: str | None = None,
            department: str | None = None, rules_path: Path | None = None, company: str | None = None,
            year: int | None = None, quarter: int | None = None, allow_blank: bool = False,
            period: Period | None = None, catalog: Path | None = None, indicators: Sequence[str | Path] | None = None) -> Explained:
    """A checklist unit's score item by item (project and/or function), or a scorecard person's (person, and
    department when two people share the name); the total equals the score. DataError when the workbook has
    errors; KpiError for an unknown unit or person, or options of the other kind of workbook."""
    options = {**_options(company, year, quarter, allow_blank, period, catalog, indicators), "project": project, "function": function,
               "person": person, "department": department}
    result = kinds.require_clean(_assess(Path(path), start_read(path), rules_path, options))
    kind = kinds.kind_of(result)
    return Explained(kind.explain(result, kinds.own_options(kind, options)), result)


class Annual(NamedTuple):
    """What `annual` did: the year's result (AnnualResult for checklists, ScorecardYear for scorecards; to_json
    gives either), and the workbook written (None without output)."""

    result: Any
    path: Path | None = None


def annual(paths: Sequence[Path], *, output: Path | None = None, rules_path: Path | None = None, force: bool = False,
           allow_blank: bool = False, catalog: Path | None = None, company: str | None = None,
           indicators: Sequence[str | Path] | None = None) -> Annual:
    """One company's quarterly workbooks of one year (checklists or result workbooks, any order; a folder: the
    workbooks directly inside it) → the annual caps per unit and person; or scorecards of one year (monthly or
    quarterly forms, the year-end form, 民主评议) → each person's 年度总得分 (contract scorecard.md §6; refusals
    are a DataError naming the files). The kind is told by the headers. With output, the annual workbook too.
    The output is checked before anything is read, and an input is never overwritten, even with force.

    A checklist's quarter is scored with the rules its workbook records (a published result), else with the rules
    in force (checklist.annual_published). catalog: the touchpoint catalogue the checklists' rows are checked
    against (as for score); company: the company name, overriding 基本信息; indicators: the indicator sets scorecard
    forms are checked against instead of the recorded ones (as for score)."""
    from kpicli.io.outputs import ensure_writable, require_xlsx

    files = year_files(paths, output)
    if output is not None:
        output = Path(output)
        require_xlsx(output, "年度汇总工作簿")
        same = next((f for f in files if f.resolve() == output.resolve()), None)
        ensure_writable(output, force=force, source=same)
    raws = [read_any(p) for p in files]  # a calamine read: milliseconds, and it tells the kinds apart
    kind: Kind = kinds.year_kind(raws) if raws else kinds.FALLBACK
    options = {"allow_blank": allow_blank, "catalog": catalog, "company": company,
               "indicators": list(indicators) if indicators else None}
    kinds.refuse_foreign_options(kind, options, "、".join(p.name for p in files) + " ")
    year = kind.annual(files, raws, rules_path, kinds.own_options(kind, options))
    if output is None:
        return Annual(year)
    return Annual(year, kind.write_annual(year, output))


def year_files(paths: Sequence[Path], output: Path | None = None) -> list[Path]:
    """The workbooks `annual` reads: files as given; a folder's .xlsx/.xlsm directly inside it, where kpicli's
    checklist results count (they are what was published) and a checklist whose result <名称>_评分结果.xlsx lies
    beside it is left for that result; kpicli's other outputs (年度汇总, 奖惩分配表 …) are passed over."""
    from kpicli.io.outputs import OWN_OUTPUTS, RESULT_KIND, default_output
    from kpicli.io.provenance import read

    paths = [Path(p) for p in paths]
    if not any(p.is_dir() for p in paths):
        return paths
    found = expand_inputs(paths, skip_kinds=OWN_OUTPUTS - {RESULT_KIND},
                          exclude=[Path(output)] if output is not None else [])
    records = {f: read(f) for f in found.files if f not in paths}  # the files a folder gave
    results = {f.resolve() for f, r in records.items()
               if r is not None and r.kind == RESULT_KIND and kinds.year_result(r.get("book"))}
    kept = []
    for f in found.files:
        record = records.get(f)
        if record is not None and record.kind == RESULT_KIND and f.resolve() not in results:
            continue  # a scorecard group's result: not an input of the year
        if f in records and default_output(f).resolve() in results:
            continue  # its result, the published figures, is read instead
        kept.append(f)
    return kept


class Collection(NamedTuple):
    """What `collect` did: the merged checklist with every problem, the files passed over with the reason, and
    the workbook written (None when there were errors or unreadable files: nothing is written then)."""

    collected: Any  # kpicli.checklist.collect_model.Collected
    skipped: list[tuple[Path, str]]
    path: Path | None = None


def collect(paths: Sequence[Path], output: Path, *, catalog_path: Path | None = None, force: bool = False,
            company: str | None = None, year: int | None = None, quarter: int | None = None,
            progress: Progress | None = None) -> Collection:
    """Merge the projects' submitted checklists of one quarter (files or folders) into one company checklist at
    output. Items match by 触点编号, else by name; one project × function from one file only. The output is
    checked before anything is read; kpicli's own results and earlier merges in a folder are skipped."""
    collected, skipped, written = kinds.collecting().collect(
        paths, Path(output), catalog_path=catalog_path, force=force, company=company, year=year, quarter=quarter,
        progress=progress)
    return Collection(collected, skipped, written)


def rules_init(output: Path = Path("kpicli.toml"), *, force: bool = False) -> Path:
    """Write the default rules file, every setting commented in Chinese; returns its path."""
    from kpicli.io.outputs import atomic_write
    from kpicli.rules.model import DEFAULT_RULES
    from kpicli.rules.text import to_toml

    output = Path(output)
    if output.exists() and not force:
        raise KpiError(f"{output} 已存在；确认覆盖请加 --force")
    if output.is_dir() or not output.parent.exists():
        raise KpiError(f"无法写入 {output}：请给出一个文件夹已存在的文件路径")
    text = to_toml(DEFAULT_RULES)
    atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return output


def rules_show(rules_path: Path | None = None, *, near: Path | None = None) -> str:
    """The rules in force as TOML, derived values included, headed by where they come from: rules_path, else a
    kpicli.toml beside the workbook `near` (default: the current folder), else the built-in defaults."""
    from kpicli.rules.files import resolve_rules
    from kpicli.rules.text import to_toml

    effective, source = resolve_rules(rules_path, Path(near) if near is not None else Path.cwd() / "_")
    return f"# 规则来源：{source}\n{to_toml(effective, show_derived=True)}"


def open_result_wanted(workbook: Path, rules_path: Path | None = None) -> bool:
    """[output] open_result of the rules in force for `workbook`: --rules, else a kpicli.toml beside it."""
    from kpicli.rules.files import resolve_rules

    return resolve_rules(rules_path, Path(workbook))[0].output.open_result


# --- several files ----------------------------------------------------------------------------------------------


def find_workbooks(paths: Sequence[Path], *, exclude: Iterable[Path] = ()) -> Inputs:
    """The workbooks that files and folders name (a folder: the .xlsx/.xlsm directly inside it, by name), and
    what was skipped with the reason (lock files, kpicli's own results). KpiError for a missing path or a folder
    without any workbook."""
    return expand_inputs(paths, exclude=exclude)


def check_each(files: Sequence[Path], *, rules_path: Path | None = None, progress: Progress | None = None,
               company: str | None = None, year: int | None = None, quarter: int | None = None,
               allow_blank: bool = False, period: Period | None = None,
               catalog: Path | None = None, indicators: Sequence[str | Path] | None = None) -> Iterator[Outcome[Result]]:
    """`check` on each file in turn, lazily, and on the files of a kind that groups them (scorecards) as one group
    (last); an unreadable file is an Outcome with its error."""
    options = _options(company, year, quarter, allow_blank, period, catalog, indicators)
    return each_kind(files, lambda p, raw: kinds.assess(p, raw, rules_path, options),
                     lambda kind, raws: _group(kind, raws, rules_path, options), progress)


def _group(kind: Kind, raws: list[RawWorkbook], rules_path: Path | None, options: dict[str, Any]) -> Result:
    kinds.refuse_foreign_options(kind, options, "、".join(raw.path.name for raw in raws) + " ")
    return kind.assess_group(raws, rules_path, kinds.own_options(kind, options))


def rank_each(files: Sequence[Path], *, rules_path: Path | None = None, progress: Progress | None = None,
              company: str | None = None, year: int | None = None, quarter: int | None = None,
              allow_blank: bool = False, period: Period | None = None,
              catalog: Path | None = None, indicators: Sequence[str | Path] | None = None) -> Iterator[Outcome[Result]]:
    """`rank` on each file in turn and on a group as one; errors are an Outcome's DataError."""
    options = _options(company, year, quarter, allow_blank, period, catalog, indicators)
    return each_kind(files, lambda p, raw: kinds.require_clean(kinds.assess(p, raw, rules_path, options)),
                     lambda kind, raws: kinds.require_clean(_group(kind, raws, rules_path, options)), progress)


def score_each(files: Sequence[Path], output_dir: Path | None = None, *, rules_path: Path | None = None,
               force: bool = False, in_place: bool = False, progress: Progress | None = None,
               group_output: Path | None = None, per_person: Path | None = None, per_team: Path | None = None,
               company: str | None = None, year: int | None = None, quarter: int | None = None,
               allow_blank: bool = False, period: Period | None = None,
               catalog: Path | None = None, indicators: Sequence[str | Path] | None = None) -> Iterator[Outcome[Scored]]:
    """`score` on each file in turn, each into its own result workbook: the default name beside the input, or
    that name inside output_dir (an existing folder). The files of a kind that groups them (scorecards) are one
    group and one result workbook: group_output (a file), else <folder name>_评分结果.xlsx inside output_dir or
    the files' folder. With group_output and no output_dir, a file scored on its own stops everything (its result
    needs a folder): KpiError. per_person, per_team: as for `score`, for each file (or group) of their kind."""
    from kpicli.io.outputs import default_output, ensure_writable, require_xlsx

    if output_dir is not None and not Path(output_dir).is_dir():
        raise KpiError(f"给了多个文件或文件夹时，-o/--output 只能是一个已存在的文件夹（结果按各自的文件名写入其中），"
                       f"不能是一个文件：{output_dir}")
    options = {**_options(company, year, quarter, allow_blank, period, catalog, indicators), "per_person": per_person,
               "per_team": per_team}
    kinds.prepare(options)
    grouping = "、".join(k.label for k in kinds.KINDS if k.groups)

    def one(path: Path, raw: RawWorkbook) -> Scored:
        if group_output is not None and output_dir is None:
            label = (kinds.detect(raw) or kinds.FALLBACK).label
            raise NeedsFolder(f"给了多个文件或文件夹时，{label}的结果按各自的文件名写入 -o/--output 指定的文件夹，"
                              f"-o 不能是一个文件：{group_output}（只有一组{grouping}才写成一个结果工作簿）")
        kinds.refuse_foreign_options(kinds.detect(raw) or kinds.FALLBACK, options, f"{path.name} ")
        target = None if output_dir is None else Path(output_dir) / default_output(path).name
        target = _target(path, target, force=force, in_place=in_place)
        result = kinds.require_clean(kinds.assess(path, raw, rules_path, options))
        kinds.kind_of(result).write_extras(result, [path], options, force=force, target=target)
        return _write(result, path, target, in_place)

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
