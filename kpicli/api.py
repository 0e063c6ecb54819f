"""Every kpicli command as a Python function: what the CLI does, without printing anything.

    from kpicli import api
    result = api.rank("2026Q1_客户触点检查表.xlsx")          # an Assessment; DataError when the workbook has errors
    for outcome in api.check_each(api.find_workbooks(["各项目提交/"]).files):
        print(outcome.path.name, outcome.error or outcome.value.has_errors)

Data errors come back as problems in the result (check) or as DataError with the problems (rank, score, explain,
annual); anything else the user must fix is a KpiError with a Chinese message. Heavy libraries are imported
inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

from kpicli.core.errors import DataError, KpiError
from kpicli.io.inputs import Inputs, expand_inputs, several_paths

if TYPE_CHECKING:
    from kpicli.checklist.annual import AnnualResult
    from kpicli.checklist.assessment import Assessment
    from kpicli.checklist.collect_model import Collected
    from kpicli.checklist.explain import Explanation

__all__ = ["Annual", "Collection", "Explained", "Inputs", "Outcome", "Scored", "annual", "check", "check_each",
           "collect", "explain", "find_workbooks", "rank", "rank_each", "rules_init", "rules_show", "score",
           "score_each", "several_paths", "template", "template_with_roster"]

T = TypeVar("T")
Progress = Callable[[Sequence[Path]], Iterable[Path]]  # wraps the files read one by one (a progress bar)


class Scored(NamedTuple):
    """What `score` did: the assessment, the workbook it wrote, and the backup it made first (--in-place only)."""

    result: Assessment
    path: Path
    backup: Path | None = None


def _assess(path: Path, rules_path: Path | None, **period: object) -> Assessment:
    from kpicli.checklist.sheets import start_reading

    reading = start_reading(path)  # the workbook is read while the next line imports pandas
    from kpicli.checklist.assessment import assess

    return assess(Path(path), rules_path=rules_path, raw=reading, **period)


def check(path: Path, *, rules_path: Path | None = None, **period: object) -> Assessment:
    """Read and validate; the problems are in the result (nothing raised for data errors).

    period: company, year, quarter (override 基本信息 and the file name) and allow_blank (score a project whose
    sheets are all blank as not done)."""
    return _assess(path, rules_path, **period)


def rank(path: Path, *, rules_path: Path | None = None, **period: object) -> Assessment:
    """Score and rank; DataError (with the problems) when the workbook has errors."""
    result = _assess(path, rules_path, **period)
    if result.has_errors:
        raise DataError("工作簿有错误,无法评分", result.problems)
    return result


def score(
    path: Path,
    out: Path | None = None,
    *,
    rules_path: Path | None = None,
    force: bool = False,
    in_place: bool = False,
    **period: object,
) -> Scored:
    """Score, rank and write the result workbook (default: <stem>_评分结果.xlsx beside the input).

    in_place puts the result sheets into the input workbook itself, after a timestamped backup beside it;
    the returned Scored names that backup.
    """
    from kpicli.io.outputs import backup, default_output, ensure_writable, require_xlsx

    path = Path(path)
    if in_place:
        if out is not None:
            raise KpiError("--in-place 与 -o/--output 不能同时使用")
        if path.suffix.lower() != ".xlsx":
            raise KpiError(f"--in-place 只用于 .xlsx 工作簿;{path.name} 是 {path.suffix} 文件(可能含宏或是模板),"
                           "请去掉 --in-place,结果会写到单独的 _评分结果.xlsx 文件")
        target = path
    else:
        target = Path(out) if out is not None else default_output(path)
        require_xlsx(target, "结果工作簿")
        ensure_writable(target, force=force, source=path)
    result = rank(path, rules_path=rules_path, **period)
    from kpicli.render.result_book import write_result  # openpyxl: only once there is something to write

    copy = backup(path) if in_place else None
    return Scored(result, write_result(result, target), copy)


def template(
    out: Path,
    *,
    year: int,
    quarter: int,
    projects: list[str],
    company: str | None = None,
    catalog_path: Path | None = None,
    force: bool = False,
) -> Path:
    """Write a blank checklist for the quarter from the touchpoint catalogue (or the one at catalog_path)."""
    from kpicli.checklist.catalog import load_catalog
    from kpicli.io.outputs import ensure_writable, require_xlsx
    from kpicli.render.template import write_template

    out = Path(out)
    require_xlsx(out, "检查表模板")
    ensure_writable(out, force=force)
    catalog = load_catalog(catalog_path)
    return write_template(out, year=year, quarter=quarter, projects=projects, company=company, catalog=catalog)


def template_with_roster(out: Path, *, year: int, quarter: int, projects: list[str], company: str | None,
                         catalog_path: Path | None, roster_path: Path, force: bool) -> tuple[Path, list[str]]:
    """api.template with the roster of `roster_path` copied into the template's 人员名单.
    Returns the path and warnings (skipped rows, units that are not among the projects)."""
    from kpicli.checklist.catalog import load_catalog
    from kpicli.checklist.names import unify_roster
    from kpicli.checklist.roster import load_roster, unknown_units
    from kpicli.io.outputs import ensure_writable, require_xlsx
    from kpicli.render.template import check_project_names, write_template

    out = Path(out)
    require_xlsx(out, "检查表模板")
    ensure_writable(out, force=force)
    roster, warnings = load_roster(roster_path)  # read before writing: a bad roster writes nothing
    catalog = load_catalog(catalog_path)
    names = check_project_names(projects)
    roster = unify_roster(roster, names)  # ＡＢＣ未来城 in the roster is the project ABC未来城: spelled as -p gives it
    for unit in unknown_units(roster, names):
        count = int((roster["unit"] == unit).sum())
        warnings.append(f"人员名单中的单位「{unit}」({count} 人)既不是城市公司,也不是本模板的项目"
                        f"({'、'.join(names)});已照样复制,请核对单位名称或用 -p 增加该项目")
    written = write_template(out, year=year, quarter=quarter, projects=projects, company=company, catalog=catalog,
                             roster=roster)
    return written, warnings


class Explained(NamedTuple):
    """What `explain` found: the unit's items with their exact contributions, and the assessment they come from."""

    explanation: Explanation
    result: Assessment


def explain(path: Path, *, project: str | None = None, function: str | None = None, rules_path: Path | None = None,
            **period: object) -> Explained:
    """One unit's score item by item (weight, result, which check counted, credit, contribution); the total
    equals the score. DataError when the workbook has errors; KpiError for an unknown project or function."""
    from kpicli.checklist.explain import explain as explain_unit

    result = rank(path, rules_path=rules_path, **period)
    return Explained(explain_unit(result, project=project, function=function), result)


class Annual(NamedTuple):
    """What `annual` did: the year's result, and the workbook written (None without output)."""

    result: AnnualResult
    path: Path | None = None


def annual(paths: Sequence[Path], *, output: Path | None = None, rules_path: Path | None = None, force: bool = False,
           allow_blank: bool = False) -> Annual:
    """One company's quarterly workbooks of one year (checklists or result workbooks, any order) → the annual
    caps per unit and person; with output, the annual workbook too. The output is checked before anything is
    read, and an input is never overwritten, even with force."""
    from kpicli.checklist.annual import assess_year
    from kpicli.io.outputs import ensure_writable, require_xlsx

    paths = [Path(p) for p in paths]
    if output is not None:
        output = Path(output)
        require_xlsx(output, "年度汇总工作簿")
        same = next((f for f in paths if f.resolve() == output.resolve()), None)
        ensure_writable(output, force=force, source=same)
    result = assess_year(paths, rules_path=rules_path, allow_blank=allow_blank)
    if output is None:
        return Annual(result)
    from kpicli.render.annual import write_annual

    return Annual(result, write_annual(result, output))


class Collection(NamedTuple):
    """What `collect` did: the merged checklist with every problem, the files passed over with the reason, and
    the workbook written (None when there were errors or unreadable files: nothing is written then)."""

    collected: Collected
    skipped: list[tuple[Path, str]]
    path: Path | None = None


def collect(paths: Sequence[Path], output: Path, *, catalog_path: Path | None = None, force: bool = False,
            company: str | None = None, year: int | None = None, quarter: int | None = None,
            progress: Progress | None = None) -> Collection:
    """Merge the projects' submitted checklists of one quarter (files or folders) into one company checklist at
    output. Items match by 触点编号, else by name; one project × function from one file only. The output is
    checked before anything is read; kpicli's own results and earlier merges in a folder are skipped."""
    from kpicli.checklist import collect as collecting
    from kpicli.checklist.catalog import load_catalog
    from kpicli.io.outputs import COLLECTED_KIND, RESULT_KINDS, ensure_writable, require_xlsx

    output = Path(output)
    require_xlsx(output, "汇总表")
    ensure_writable(output, force=force)  # fail before the slow part
    for path in paths:
        if not Path(path).is_dir():
            ensure_writable(output, force=force, source=Path(path))
    inputs = expand_inputs(paths, skip_kinds=RESULT_KINDS | {COLLECTED_KIND}, exclude=[output])
    reference = load_catalog(catalog_path) if catalog_path is not None else None
    collected = collecting.collect(inputs.files, catalog=reference, company=company, year=year, quarter=quarter,
                                   progress=progress)
    if collected.unreadable or collected.has_errors:
        return Collection(collected, inputs.skipped)
    from kpicli.render.collect_book import write_collected

    return Collection(collected, inputs.skipped, write_collected(collected, output, force=force))


def rules_init(output: Path = Path("kpicli.toml"), *, force: bool = False) -> Path:
    """Write the default rules file, every setting commented in Chinese; returns its path."""
    from kpicli.io.outputs import atomic_write
    from kpicli.rules.model import DEFAULT_RULES
    from kpicli.rules.text import to_toml

    output = Path(output)
    if output.exists() and not force:
        raise KpiError(f"{output} 已存在;确认覆盖请加 --force")
    if output.is_dir() or not output.parent.exists():
        raise KpiError(f"无法写入 {output}:请给出一个文件夹已存在的文件路径")
    text = to_toml(DEFAULT_RULES)
    atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return output


def rules_show(rules_path: Path | None = None, *, near: Path | None = None) -> str:
    """The rules in force as TOML, derived values included, headed by where they come from: rules_path, else a
    kpicli.toml beside the workbook `near` (default: the current folder), else the built-in defaults."""
    from kpicli.rules.model import resolve_rules
    from kpicli.rules.text import to_toml

    effective, source = resolve_rules(rules_path, Path(near) if near is not None else Path.cwd() / "_")
    return f"# 规则来源:{source}\n{to_toml(effective, show_derived=True)}"


# --- several files ----------------------------------------------------------------------------------------------


def find_workbooks(paths: Sequence[Path], *, exclude: Iterable[Path] = ()) -> Inputs:
    """The workbooks that files and folders name (a folder: the .xlsx/.xlsm directly inside it, by name), and
    what was skipped with the reason (lock files, kpicli's own results). KpiError for a missing path or a folder
    without any workbook."""
    return expand_inputs(paths, exclude=exclude)


@dataclass
class Outcome(Generic[T]):
    """What running a command on one of several files gave: a value, or the error that ended that file."""

    path: Path
    value: T | None = None
    error: KpiError | None = None

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else self.error.exit_code


def _each(files: Sequence[Path], action: Callable[[Path], T], progress: Progress | None) -> Iterator[Outcome[T]]:
    """action(path) for every file. A KpiError ends only that file (unreadable, errors in it, an output that may
    not be overwritten); a bad rules file stops everything, as it would each file alike."""
    from kpicli.rules.model import RulesError

    for path in (progress or list)(list(files)):
        try:
            yield Outcome(Path(path), value=action(Path(path)))
        except RulesError:
            raise
        except KpiError as exc:
            yield Outcome(Path(path), error=exc)
        # One file's workbooks (openpyxl's hold reference cycles) go before the next is read. The youngest
        # generation is enough: what this file allocated is mostly still young, and a full collection would walk
        # pandas' and numpy's objects again for every file.
        gc.collect(0)


def check_each(files: Sequence[Path], *, rules_path: Path | None = None, progress: Progress | None = None,
               **period: object) -> Iterator[Outcome[Assessment]]:
    """`check` on each file in turn, lazily; an unreadable file is an Outcome with its error."""
    return _each(files, lambda p: check(p, rules_path=rules_path, **period), progress)


def rank_each(files: Sequence[Path], *, rules_path: Path | None = None, progress: Progress | None = None,
              **period: object) -> Iterator[Outcome[Assessment]]:
    """`rank` on each file in turn, lazily; a file with errors is an Outcome with a DataError."""
    return _each(files, lambda p: rank(p, rules_path=rules_path, **period), progress)


def score_each(files: Sequence[Path], output_dir: Path | None = None, *, rules_path: Path | None = None,
               force: bool = False, in_place: bool = False, progress: Progress | None = None,
               score_one: Callable[..., Scored] | None = None, **period: object) -> Iterator[Outcome[Scored]]:
    """`score` on each file in turn, each into its own result workbook: the default name beside the input, or
    that name inside output_dir (an existing folder). score_one replaces `score` (tests, other callers)."""
    from kpicli.io.outputs import default_output

    if output_dir is not None and not Path(output_dir).is_dir():
        raise KpiError(f"给了多个文件或文件夹时,-o/--output 只能是一个已存在的文件夹(结果按各自的文件名写入其中),"
                       f"不能是一个文件:{output_dir}")
    run = score_one or score

    def action(path: Path) -> Scored:
        target = None if output_dir is None else Path(output_dir) / default_output(path).name
        return run(path, target, rules_path=rules_path, force=force, in_place=in_place, **period)

    return _each(files, action, progress)
