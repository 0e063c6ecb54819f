"""Every kpicli command as a Python function: what the CLI does, without printing anything.

    from kpicli import api
    result = api.rank("2026Q1_客户触点检查表.xlsx")          # an Assessment; DataError when the workbook has errors
    result = api.rank("2026Q1_客服部绩效考核表.xlsx")        # a ScorecardResult: the kind is told by the headers
    for outcome in api.check_each(api.find_workbooks(["各项目提交/"]).files):
        print(outcome.path.name, outcome.error or outcome.value.has_errors)

check, rank, score and explain take either kind of workbook (contract scorecard.md §2): it is read once and its
headers decide; they return a `Result`, an Assessment (checklist) or a ScorecardResult (scorecards), and
`result.to_dict()` / `result.to_json()` carry "kind". Data errors come back as problems in the result (check) or
as DataError with the problems (rank, score, explain, annual; ScorecardDataError for scorecards); anything else
the user must fix is a KpiError with a Chinese message. Heavy libraries are imported inside the functions, so
importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kpicli.api.forms import scorecard_template
from kpicli.api.kinds import (
    Result,
    ScorecardDataError,
    assess_raw,
    group_target,
    is_scorecard,
    require_clean,
    score_scorecards,
    start_read,
    write_any,
)
from kpicli.api.payout import PayoutRun, check_team_folder, payout, write_teams
from kpicli.api.person import CHECKLIST_PER_PERSON, check_person_folder, write_people
from kpicli.api.several import NeedsFolder, Outcome, Progress, each_kind, stop_on
from kpicli.core.errors import KpiError
from kpicli.io.input_files import Inputs, expand_inputs, several_paths

if TYPE_CHECKING:
    from kpicli.checklist.annual import AnnualResult
    from kpicli.checklist.collect_model import Collected
    from kpicli.checklist.explain import Explanation
    from kpicli.io.workbook import RawWorkbook
    from kpicli.scorecard.annual import ScorecardYear
    from kpicli.scorecard.explain import PersonExplanation

__all__ = ["Annual", "Collection", "Explained", "Inputs", "Outcome", "PayoutRun", "Result", "Scored",
           "ScorecardDataError", "annual", "check", "check_each", "collect", "explain", "find_workbooks",
           "is_scorecard", "open_result_wanted", "payout", "rank",
           "rank_each", "rules_init", "rules_show", "score", "score_each", "scorecard_template", "several_paths",
           "template", "template_with_roster"]

class Scored(NamedTuple):
    """What `score` did: the result (Assessment or ScorecardResult), the workbook it wrote, and the backup it
    made first (--in-place only)."""

    result: Result
    path: Path
    backup: Path | None = None


def check(path: Path, *, rules_path: Path | None = None, **period: object) -> Result:
    """Read and validate a checklist or a workbook of scorecards; the problems are in the result (nothing raised
    for data errors; DataError only for a workbook holding both kinds).

    period: company (overrides 基本信息, both kinds); year, quarter (override 基本信息 and the file name) and
    allow_blank (score a project whose sheets are all blank as not done): checklists only, KpiError with
    scorecards."""
    return assess_raw(Path(path), start_read(path), rules_path, period)


def rank(path: Path, *, rules_path: Path | None = None, **period: object) -> Result:
    """Score and rank; DataError (with the problems) when the workbook has errors."""
    return require_clean(check(path, rules_path=rules_path, **period))


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
    return Scored(result, write_any(result, [path], target), copy)


def score(
    path: Path,
    out: Path | None = None,
    *,
    rules_path: Path | None = None,
    force: bool = False,
    in_place: bool = False,
    per_person: Path | None = None,
    per_team: Path | None = None,
    **period: object,
) -> Scored:
    """Score, rank and write the result workbook (default: <stem>_评分结果.xlsx beside the input); a checklist's
    result sheets (评分汇总 …) or a scorecard workbook's (考核汇总 …), then the input's sheets.

    in_place puts the result sheets into the input workbook itself, after a timestamped backup beside it;
    the returned Scored names that backup. per_person (scorecards only): a folder that also gets one workbook
    per person, <期间>_<部门>_<姓名>_考核结果.xlsx (api.person). per_team (checklists only): a folder that also
    gets one allocation file per rewarded or penalised team, <期间>_<团队>_奖惩分配表.xlsx (api.payout).
    """
    path = Path(path)
    target = _target(path, out, force=force, in_place=in_place)
    if per_person is not None:
        check_person_folder(per_person)
    if per_team is not None:
        check_team_folder(per_team)
    result = rank(path, rules_path=rules_path, **period)
    if per_person is not None:
        write_people(result, [path], per_person, force=force)
    if per_team is not None:
        write_teams(result, path, target, per_team, force=force)
    return _write(result, path, target, in_place)

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
    from kpicli.checklist.render.template import write_template
    from kpicli.io.outputs import ensure_writable, require_xlsx

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
    from kpicli.checklist.render.template import check_project_names, write_template
    from kpicli.checklist.roster import load_roster, unknown_units
    from kpicli.io.outputs import ensure_writable, require_xlsx

    out = Path(out)
    require_xlsx(out, "检查表模板")
    ensure_writable(out, force=force)
    roster, warnings = load_roster(roster_path)  # read before writing: a bad roster writes nothing
    catalog = load_catalog(catalog_path)
    names = check_project_names(projects)
    roster = unify_roster(roster, names)  # ＡＢＣ未来城 in the roster is the project ABC未来城: spelled as -p gives it
    for unit in unknown_units(roster, names):
        count = int((roster["unit"] == unit).sum())
        warnings.append(f"人员名单中的单位「{unit}」（{count} 人）既不是城市公司，也不是本模板的项目"
                        f"({'、'.join(names)})；已照样复制，请核对单位名称或用 -p 增加该项目")
    written = write_template(out, year=year, quarter=quarter, projects=projects, company=company, catalog=catalog,
                             roster=roster)
    return written, warnings


class Explained(NamedTuple):
    """What `explain` found: a checklist unit's items with their exact contributions (Explanation), or one
    person's indicators, sections and total (PersonExplanation); and the result they come from."""

    explanation: Explanation | PersonExplanation
    result: Result


def explain(path: Path, *, project: str | None = None, function: str | None = None, person: str | None = None,
            department: str | None = None, rules_path: Path | None = None, **period: object) -> Explained:
    """A checklist unit's score item by item (project and/or function), or a scorecard person's (person, and
    department when two people share the name); the total equals the score. DataError when the workbook has
    errors; KpiError for an unknown unit or person, or options of the other kind of workbook."""
    result = rank(path, rules_path=rules_path, **period)
    if is_scorecard(result):
        from kpicli.scorecard.explain import explain_person

        if project is not None or function is not None:
            raise KpiError("这是绩效考核表，按人解释：请用 --person 姓名（同名时加 --department 部门）；"
                           "--project、--function 只用于触点检查表")
        if person is None:
            names = "、".join(dict.fromkeys(str(p) for p in result.people["person"])) or "（无）"
            raise KpiError(f"请用 --person 指定要解释的人；本次考核的人员有：{names}")
        return Explained(explain_person(result, person, department, result.settings), result)
    if person is not None or department is not None:
        raise KpiError("--person、--department 只用于绩效考核表；这是触点检查表，请用 --project 和/或 --function "
                       "指定要解释的单位")
    from kpicli.checklist.explain import explain as explain_unit

    return Explained(explain_unit(result, project=project, function=function), result)


class Annual(NamedTuple):
    """What `annual` did: the year's result (AnnualResult for checklists, ScorecardYear for scorecards), and the
    workbook written (None without output)."""

    result: AnnualResult | ScorecardYear
    path: Path | None = None


def annual(paths: Sequence[Path], *, output: Path | None = None, rules_path: Path | None = None, force: bool = False,
           allow_blank: bool = False) -> Annual:
    """One company's quarterly workbooks of one year (checklists or result workbooks, any order) → the annual
    caps per unit and person; or scorecards of one year (monthly or quarterly forms, the year-end form, 民主评议)
    → each person's 年度总得分 (contract scorecard.md §6; YearRefused, a DataError, names refused files). The
    kind is told by the headers. With output, the annual workbook too. The output is checked before anything is
    read, and an input is never overwritten, even with force."""
    from kpicli.checklist.annual import assess_year
    from kpicli.io.outputs import ensure_writable, require_xlsx

    paths = [Path(p) for p in paths]
    if output is not None:
        output = Path(output)
        require_xlsx(output, "年度汇总工作簿")
        same = next((f for f in paths if f.resolve() == output.resolve()), None)
        ensure_writable(output, force=force, source=same)
    if paths:
        from kpicli.api.kinds import read_any, refuse_checklist_options
        from kpicli.scorecard.annual import score_year, year_kind

        raws = [read_any(p) for p in paths]  # a calamine read: milliseconds, and it tells the kinds apart
        if year_kind(raws) == "scorecard":
            from kpicli.rules.files import resolve_rules

            refuse_checklist_options({"allow_blank": allow_blank})
            year = score_year(raws, resolve_rules(rules_path, paths[0])[0].scorecard)
            if output is None:
                return Annual(year)
            from kpicli.scorecard.render.annual import write_scorecard_year

            return Annual(year, write_scorecard_year(year, output))
    result = assess_year(paths, rules_path=rules_path, allow_blank=allow_blank)
    if output is None:
        return Annual(result)
    from kpicli.checklist.render.annual import write_annual

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
    from kpicli.checklist.render.collect_book import typed_collection
    from kpicli.io.outputs import COLLECTED_KIND, OWN_OUTPUTS, ensure_not_input, ensure_writable, require_xlsx

    output = Path(output)
    require_xlsx(output, "汇总表")
    merge_into = not force and typed_collection(output)  # typed 检查 are kept (collect_keep), not refused
    if not merge_into:
        ensure_writable(output, force=force)  # fail before the slow part
    for path in paths:
        if not Path(path).is_dir():
            ensure_not_input(output, Path(path))
    inputs = expand_inputs(paths, skip_kinds=OWN_OUTPUTS | {COLLECTED_KIND}, exclude=[output])
    reference = load_catalog(catalog_path) if catalog_path is not None else None
    collected = collecting.collect(inputs.files, catalog=reference, company=company, year=year, quarter=quarter,
                                   progress=progress)
    if collected.unreadable or collected.has_errors:
        return Collection(collected, inputs.skipped)
    from kpicli.checklist.render.collect_book import write_collected

    return Collection(collected, inputs.skipped, write_collected(collected, output, force=force))


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


def _group(raws: list[RawWorkbook], rules_path: Path | None, period: dict[str, object]) -> Result:
    return score_scorecards(raws, rules_path, period, group=True)


def check_each(files: Sequence[Path], *, rules_path: Path | None = None, progress: Progress | None = None,
               **period: object) -> Iterator[Outcome[Result]]:
    """`check` on each checklist in turn, lazily, and on the scorecards among the files as one group (last); an
    unreadable file is an Outcome with its error."""
    return each_kind(files, lambda p, raw: assess_raw(p, raw, rules_path, period),
                     lambda raws: _group(raws, rules_path, period), progress)


def rank_each(files: Sequence[Path], *, rules_path: Path | None = None, progress: Progress | None = None,
              **period: object) -> Iterator[Outcome[Result]]:
    """`rank` on each checklist in turn and on the scorecards as one group; errors are an Outcome's DataError."""
    return each_kind(files, lambda p, raw: require_clean(assess_raw(p, raw, rules_path, period)),
                     lambda raws: require_clean(_group(raws, rules_path, period)), progress)


def score_each(files: Sequence[Path], output_dir: Path | None = None, *, rules_path: Path | None = None,
               force: bool = False, in_place: bool = False, progress: Progress | None = None,
               group_output: Path | None = None, per_person: Path | None = None, per_team: Path | None = None,
               **period: object) -> Iterator[Outcome[Scored]]:
    """`score` on each checklist in turn, each into its own result workbook: the default name beside the input,
    or that name inside output_dir (an existing folder). The scorecards among the files are one group and one
    result workbook: group_output (a file), else <folder name>_评分结果.xlsx inside output_dir or the files' folder.
    With group_output and no output_dir, a checklist stops everything (its result needs a folder): KpiError.
    per_team: each checklist's allocation files into that folder (named by period and team)."""
    from kpicli.io.outputs import default_output, ensure_writable, require_xlsx

    if output_dir is not None and not Path(output_dir).is_dir():
        raise KpiError(f"给了多个文件或文件夹时，-o/--output 只能是一个已存在的文件夹（结果按各自的文件名写入其中），"
                       f"不能是一个文件：{output_dir}")
    if per_person is not None:
        check_person_folder(per_person)
    if per_team is not None:
        check_team_folder(per_team)

    def one(path: Path, raw: RawWorkbook) -> Scored:
        if group_output is not None and output_dir is None:
            raise NeedsFolder(f"给了多个文件或文件夹时，触点检查表的结果按各自的文件名写入 -o/--output 指定的文件夹，"
                               f"-o 不能是一个文件：{group_output}（只有一组绩效考核表才写成一个结果工作簿）")
        if per_person is not None:
            raise KpiError(CHECKLIST_PER_PERSON.format(name=path.name))
        target = None if output_dir is None else Path(output_dir) / default_output(path).name
        target = _target(path, target, force=force, in_place=in_place)
        result = require_clean(assess_raw(path, raw, rules_path, period))
        if per_team is not None:
            write_teams(result, path, target, per_team, force=force)
        return _write(result, path, target, in_place)

    def group(raws: list[RawWorkbook]) -> Scored:
        sources = [raw.path for raw in raws]
        if in_place:
            raise KpiError("--in-place 只用于一个工作簿；多个绩效考核表文件作为一组评分时，结果写到一个新的结果工作簿，"
                           "请去掉 --in-place")
        target = group_output or group_target(sources, output_dir)
        require_xlsx(target, "结果工作簿")
        for source in sources:
            ensure_writable(target, force=force, source=source)
        result = require_clean(_group(raws, rules_path, period))
        if per_team is not None:
            write_teams(result, sources[0], target, per_team, force=force)  # refused: scorecards have no teams
        if per_person is not None:
            write_people(result, sources, per_person, force=force, raws=raws)
        return Scored(result, write_any(result, sources, target))

    return stop_on(NeedsFolder, each_kind(files, one, group, progress))
