"""The checklist (客户触点检查表) as a kind of workbook: the kpicli.core.kind.Kind the registry lists.

Everything the API and the command line do with a checklist goes through CHECKLIST; the heavy parts (pandas,
openpyxl) are imported inside the methods, so importing this module costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from kpicli.checklist.help_text import COMMAND_HELP
from kpicli.checklist.words import NAME_HEADER, ROSTER_SHEET, function_of_sheet
from kpicli.core.errors import DataError, KpiError, Problem
from kpicli.core.kind import KindDataError, KindOption
from kpicli.core.period import (
    PeriodText,
    file_label_of,
    quarter_option,
    require_year_quarter,
    year_and_quarter,
    year_option,
)
from kpicli.core.vocab import INFO_SHEET, normalize

if TYPE_CHECKING:
    from rich.console import Console

    from kpicli.checklist.assessment import Assessment
    from kpicli.io.workbook import Grid, RawWorkbook
    from kpicli.rules.files import RulesLookup

__all__ = ["CHECKLIST", "ChecklistKind"]

SEARCH_ROWS = 15  # the reader looks for 触点名称 in as many rows


_BY_UNIT = "触点检查表按单位解释：请用 --project 和/或 --function"


class ChecklistKind:
    name = "checklist"
    label = "触点检查表"
    aliases = ("检查表", "触点检查表", "checklist")
    groups = False
    year_results = True  # a quarter's result workbook holds the published figures and rules
    rules_section = None  # its settings are the shared tables of kpicli.toml
    not_this = "不是触点检查表：没有「触点名称」表头"
    options = (
        KindOption("year", "--year", "考核年度，如 2026 或 2026年度（覆盖「基本信息」和文件名）"),
        KindOption("quarter", "--quarter", "考核季度：1–4、Q1、第一季度，或连同年度的 2026Q1"),
        KindOption("allow_blank", "--allow-blank",
                   "项目的所有职能表都空白（没有提交）时仍然评分：按未完成计 0 分；默认拒绝评分"),
        KindOption("per_team", "--per-team",
                   "另为每个有奖惩的团队写一个奖惩分配表到该文件夹（<期间>_<团队>_奖惩分配表.xlsx），发给项目总监/职能负责人"
                   "填写，交回后用 kpicli payout 核对", commands=("score",), type=Path),
        KindOption("project", "--project", "项目名称", commands=("explain",), short="-p"),
        KindOption("function", "--function", "职能：营销、研发、工程、客服、物业", commands=("explain",)),
        KindOption("catalog", "--catalog", "按这份触点目录核对各行的触点（认可有意增删、改等级或顺序；默认按 kpicli "
                   "发出时的记录，没有记录按内置目录）"),
        # `kpicli template 检查表` (the same keys, read as a blank checklist needs them)
        KindOption("year", "--year", "考核年度，如 2026（必填）", commands=("template",), type=int, parser=year_option,
                   metavar="年度"),
        KindOption("quarter", "--quarter", "考核季度：1–4、Q1、第一季度，或连同年度的 2026Q1（必填）",
                   commands=("template",), type=PeriodText, parser=quarter_option, metavar="季度"),
        KindOption("projects", "--project", "项目名称；可重复，每个项目一次（生成检查表时必填）；城市公司自己的检查表写 -p 城市公司",
                   commands=("template",), many=True, short="-p"),
        KindOption("catalog", "--catalog", "自定义触点目录工作簿（列同内置目录）", commands=("template",), type=Path),
        KindOption("roster", "--roster", "复制该工作簿（如上季度检查表）的人员名单到新检查表", commands=("template",),
                   type=Path),
    )
    instead = MappingProxyType({"person": _BY_UNIT, "department": _BY_UNIT})  # explain asks by unit, not by person
    command_help = COMMAND_HELP

    # --- detect and read -------------------------------------------------------------------------------------
    header_rows = SEARCH_ROWS

    def header_row(self, grid: Grid, limit: int | None = None) -> int | None:
        """The row with 触点名称 among the sheet's first rows (a function sheet's header), None without one."""
        end = SEARCH_ROWS if limit is None else min(limit, SEARCH_ROWS)
        for r, row in enumerate(grid.rows, start=grid.row0):
            if r >= end:
                return None
            if any(isinstance(v, str) and normalize(v) == NAME_HEADER for v in row):
                return r
        return None

    def optional_sheet(self, names: Sequence[str], name: str) -> bool:
        """In a workbook with function sheets (by name) the other sheets are read only to tell the kinds apart:
        one too large to read is left out and mentioned, never a reason to refuse the checklist."""
        if not any(function_of_sheet(n) for n in names):
            return False
        return not function_of_sheet(name) and normalize(name) not in (normalize(INFO_SHEET), normalize(ROSTER_SHEET))

    def result_sheets(self) -> tuple[str, ...]:
        from kpicli.checklist.render.result_book import RESULT_SHEETS

        return RESULT_SHEETS

    # --- validate and score ----------------------------------------------------------------------------------
    def assess(self, path: Path, raw: RawWorkbook, rules: RulesLookup, options: dict[str, Any]) -> Assessment:
        from kpicli.checklist.assessment import assess

        require_year_quarter(options.get("year"), options.get("quarter"))
        return assess(Path(path), lookup=rules, raw=raw, company=options.get("company"),
                      year=options.get("year"), quarter=options.get("quarter"),
                      allow_blank=bool(options.get("allow_blank")), catalog=options.get("catalog"))

    def assess_group(self, raws: Sequence[RawWorkbook], rules: RulesLookup, options: dict[str, Any]) -> Any:
        raise NotImplementedError("checklists are scored each on its own")

    def data_error(self, result: Any) -> KindDataError:
        return KindDataError(self.name, "工作簿有错误，无法评分", result.problems)

    def empty_json(self, problems: Sequence[Problem], file: str | None) -> dict:
        head = {"file": file} if file is not None else {}
        return {**head, "kind": self.name, "company": None, "year": None, "quarter": None, "functions": [],
                "projects": [], "units": [], "problems": [p.to_dict() for p in problems]}

    # --- explain ---------------------------------------------------------------------------------------------
    def explain(self, result: Assessment, options: dict[str, Any]) -> Any:
        from kpicli.checklist.explain import explain

        return explain(result, project=options.get("project"), function=options.get("function"))

    # --- render ----------------------------------------------------------------------------------------------
    def write_result(self, result: Assessment, sources: Sequence[Path], target: Path) -> Path:
        from kpicli.checklist.render.result_book import write_result

        return write_result(result, target)

    def print_extras(self, result: Assessment, options: dict[str, Any], out: Console) -> None:
        if options.get("per_team") is not None:
            out.print(f"各团队的奖惩分配表已写入：{options['per_team']}", style="bold green", markup=False)

    def print_result(self, result: Assessment, out: Console | None, *, book: bool = True) -> None:
        from kpicli.checklist.render.terminal import print_rankings

        print_rankings(result, out, book=book)

    def check_heading(self, name: str, result: Assessment) -> str:
        return f"{name}（{result.period_label}）"

    def print_explanation(self, explanation: Any, result: Assessment) -> None:
        from kpicli.checklist.render.terminal import print_explanation

        print_explanation(explanation, result.rules.grades.names)

    def write_extras(self, result: Assessment, sources: Sequence[Path], options: dict[str, Any], *, force: bool,
                     raws: Sequence[RawWorkbook] | None = None, target: Path | None = None) -> None:
        """--per-team: one allocation file per rewarded or penalised team into that folder (kpicli payout reads
        them back); each names the result workbook `target` it comes from."""
        folder = options.get("per_team")
        if folder is None:
            return
        from kpicli.checklist.render.allocation import write_handouts

        Path(folder).mkdir(exist_ok=True)
        write_handouts(result, Path(folder), source=Path(target or sources[0]).name, force=force)

    def prepare(self, options: dict[str, Any]) -> None:
        """A --per-team path that cannot become the folder is refused before anything is read."""
        folder = options.get("per_team")
        if folder is None:
            return
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise KpiError(f"--per-team 需要一个文件夹，{folder} 是一个文件；请给出文件夹路径，例如 {folder.parent / '奖惩分配'}")
        if not folder.exists() and not folder.parent.is_dir():
            raise KpiError(f"--per-team 的上级文件夹不存在：{folder.parent}；请先创建它，或换一个文件夹")

    # --- template --------------------------------------------------------------------------------------------
    def template(self, out: Path | None, options: dict[str, Any], *, company: str | None, force: bool,
                 rules: RulesLookup) -> tuple[list[Path], list[str]]:
        """A blank checklist for the quarter from the touchpoint catalogue (or the one at --catalog), with the
        roster of --roster copied into its 人员名单; warnings: skipped rows, units that are not among the
        projects."""
        from kpicli.checklist.catalog import load_catalog
        from kpicli.checklist.render.template import write_template
        from kpicli.io.outputs import ensure_writable, require_xlsx

        year, quarter, projects = options.get("year"), options.get("quarter"), options.get("projects")
        if isinstance(quarter, PeriodText):  # --quarter as the command line read it (2026Q1): may hold the year
            year, quarter = year_and_quarter(year, quarter)
        missing = [name for name, value in (("--year", year), ("--quarter", quarter), ("-p", projects)) if not value]
        if missing:
            raise KpiError(f"缺少必填选项 {'、'.join(missing)}：生成检查表需要 --year、--quarter 和 -p")
        require_year_quarter(year, quarter)
        out = Path(out) if out is not None else Path(f"{file_label_of(year, quarter)}_客户触点检查表.xlsx")
        require_xlsx(out, "检查表模板")
        ensure_writable(out, force=force)
        roster, warnings = None, []
        if options.get("roster") is not None:
            roster, warnings = _roster(Path(options["roster"]), projects)  # read first: a bad roster writes nothing
        catalog = load_catalog(options.get("catalog"))
        written = write_template(out, year=year, quarter=quarter, projects=projects, company=company,
                                 catalog=catalog, **({"roster": roster} if roster is not None else {}))
        return [written], warnings

    # --- payout ---------------------------------------------------------------------------------------------
    def payout_part(self, result: Assessment, path: Path, rows: Any) -> tuple[list[Any] | None, list[Any], list]:
        from kpicli.checklist.payout import teams_of

        return teams_of(result), [], []

    def payout_year(self, path: Path, rows: Any) -> None:
        return None  # the year's money is the quarters' allocations, listed per quarter

    def allocation_sheet(self) -> str:
        from kpicli.checklist.render.allocation import SHEET

        return SHEET

    def read_allocations(self, rows: list, path: Path, sheet: str, period: str, **how: Any) -> list:
        """The teams' allocation blocks of a 奖惩分配表 (this kind only: `kpicli payout` reads them back)."""
        from kpicli.checklist.payout import read_allocations

        return read_allocations(rows, path, sheet, period, **how)

    # --- collect (this kind only) ------------------------------------------------------------------------------
    def collect(self, paths: Sequence[Path], output: Path, *, catalog_path: Path | None, force: bool,
                company: str | None, year: int | None, quarter: int | None,
                progress: Any, foreign: Any = None) -> tuple[Any, list[tuple[Path, str]], Path | None]:
        """The projects' submissions (files or folders) merged (Collected), the files passed over with the reason,
        and the workbook written (None when there were errors or unreadable files: nothing is written then). The
        output is checked before anything is read. foreign(path): what to say of a file of another kind (the
        registry's kpicli.kinds.not_collected), instead of what it misses to be a checklist."""
        from kpicli.checklist import collect as collecting
        from kpicli.checklist.catalog import load_catalog
        from kpicli.checklist.render.collect_book import typed_collection
        from kpicli.checklist.words import COLLECTED_KIND
        from kpicli.io.input_files import expand_inputs
        from kpicli.io.outputs import OWN_OUTPUTS, ensure_not_input, ensure_writable, require_xlsx

        require_year_quarter(year, quarter)
        require_xlsx(output, "汇总表")
        merge_into = not force and typed_collection(output)  # typed 检查 are kept (collect_keep), not refused
        if not merge_into:
            ensure_writable(output, force=force)  # fail before the slow part
        for path in paths:
            if not Path(path).is_dir():
                ensure_not_input(output, Path(path))
        inputs = expand_inputs(paths, skip_kinds=OWN_OUTPUTS | {COLLECTED_KIND}, exclude=[output])
        files = inputs.files
        reference = load_catalog(catalog_path) if catalog_path is not None else None
        collected = collecting.collect(files, catalog=reference, company=company, year=year, quarter=quarter,
                                       progress=progress, foreign=foreign)
        if collected.unreadable or collected.has_errors:
            return collected, inputs.skipped, None
        from kpicli.checklist.render.collect_book import write_collected

        return collected, inputs.skipped, write_collected(collected, output, force=force)

    # --- the year --------------------------------------------------------------------------------------------
    def claims_year(self, raws: Sequence[RawWorkbook]) -> bool:
        return False  # the registry's fallback: its year reads checklists and kpicli result workbooks alike

    def annual(self, paths: Sequence[Path], raws: Sequence[RawWorkbook], rules: RulesLookup,
               options: dict[str, Any]) -> Any:
        from kpicli.checklist.annual import assess_year

        return assess_year(paths, lookup=rules, allow_blank=bool(options.get("allow_blank")),
                           catalog=options.get("catalog"), company=options.get("company"))

    def write_annual(self, year: Any, out: Path) -> Path:
        from kpicli.checklist.render.annual import write_annual

        return write_annual(year, out)

    def print_annual(self, year: Any, out: Console | None) -> None:
        from kpicli.checklist.render.annual_terminal import print_annual

        print_annual(year, out)

    def annual_refused_json(self, error: DataError) -> dict | None:
        return None


def _roster(path: Path, projects: list[str]) -> tuple[Any, list[str]]:
    from kpicli.checklist.names import unify_roster
    from kpicli.checklist.render.template import check_project_names
    from kpicli.checklist.roster import load_roster, unknown_units

    roster, warnings = load_roster(path)
    names = check_project_names(projects)
    roster = unify_roster(roster, names)  # ＡＢＣ未来城 in the roster is the project ABC未来城: spelled as -p gives it
    for unit in unknown_units(roster, names):
        count = int((roster["unit"] == unit).sum())
        listed = f"（{'、'.join(names)}）" if names else "（本模板只有城市公司列组）"
        warnings.append(f"人员名单中的单位「{unit}」（{count} 人）既不是城市公司，也不是本模板的项目"
                        f"{listed}；已照样复制，请核对单位名称或用 -p 增加该项目")
    return roster, warnings


CHECKLIST = ChecklistKind()
