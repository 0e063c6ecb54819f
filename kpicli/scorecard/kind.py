"""Personal KPI scorecards (绩效考核表) as a kind of workbook: the kpicli.core.kind.Kind the registry lists.

Everything the API and the command line do with scorecards goes through SCORECARD; the heavy parts (pandas,
openpyxl) are imported inside the methods, so importing this module costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from kpicli.core.errors import DataError, KpiError, Problem
from kpicli.core.kind import KindDataError, KindOption
from kpicli.scorecard.help_text import COMMAND_HELP

if TYPE_CHECKING:
    from rich.console import Console

    from kpicli.io.workbook import Grid, RawWorkbook
    from kpicli.rules.files import RulesLookup
    from kpicli.rules.sections import RulesSection
    from kpicli.scorecard.result import ScorecardResult

__all__ = ["SCORECARD", "ScorecardKind"]

_PERIOD = "绩效考核表的考核期间取自各表的「考核期间」，空白的考核表总是错误"
_BY_PERSON = "绩效考核表按人解释：请用 --person 姓名，同名时加 --department 部门"


class ScorecardKind:
    name = "scorecard"
    label = "绩效考核表"
    aliases = ("考核表", "绩效考核表", "scorecard")
    groups = True
    year_results = False  # a group's result is not one period's form

    @property
    def rules_section(self) -> RulesSection:
        """[scorecard] of kpicli.toml; imported when rules are read, not for `--help` (its dataclasses cost ~5 ms)."""
        from kpicli.scorecard.rules_section import SECTION

        return SECTION

    not_this = "也不是绩效考核表：没有一行同时有「考核指标」和「权重」或「标准分」的表头"
    options = (
        KindOption("per_person", "--per-person",
                   "另为每人写一个工作簿到该文件夹，只含本人的考核结果和考核表（<期间>_<部门>_<姓名>_考核结果.xlsx），"
                   "可直接发给本人", "每人一份考核结果", commands=("score",), type=Path),
        KindOption("person", "--person", "要解释的人的姓名", commands=("explain",)),
        KindOption("department", "--department", "部门（不同部门有同名的人时才需要）", commands=("explain",)),
        KindOption("period", "--period", "考核期间，如 2026Q1、2026年3月、2026年度（必填）", commands=("template",)),
        KindOption("indicators", "--indicators",
                   "指标套：内置名称（客服专员、客服主管、客服经理、物业客服）或自己的 .csv/.xlsx 文件；可重复",
                   commands=("template",), many=True),
        KindOption("people", "--people", "人员名单（.csv/.xlsx：姓名、部门、岗位、指标套）：为名单中每人生成一张考核表",
                   commands=("template",), type=Path),
        KindOption("names", "--person", "没有人员名单时，为这些姓名各生成一张考核表；可重复", commands=("template",),
                   many=True),
        KindOption("split", "--split", "每人一个文件，写入 -o 指定的文件夹", commands=("template",), type=bool),
    )
    # what to say when an option of another kind is given for scorecards (by its api keyword): how they do without it
    instead = MappingProxyType({"year": _PERIOD, "quarter": _PERIOD, "allow_blank": _PERIOD, "project": _BY_PERSON,
               "function": _BY_PERSON, "per_team": "绩效奖金由 kpicli payout 直接从评分结果列出",
               "roster": "绩效考核表的人员名单请用 --people"})
    command_help = COMMAND_HELP

    # --- detect and read -------------------------------------------------------------------------------------
    header_rows = None  # a form's header row may stand below notes and titles

    def header_row(self, grid: Grid, limit: int | None = None) -> int | None:
        from kpicli.scorecard.detect import header_row

        return header_row(grid, limit)

    def optional_sheet(self, names: Sequence[str], name: str) -> bool:
        return False  # every sheet may be a person's form

    def result_sheets(self) -> tuple[str, ...]:
        from kpicli.scorecard.render.book import RESULT_SHEETS

        return RESULT_SHEETS

    # --- validate and score ----------------------------------------------------------------------------------
    def assess(self, path: Path, raw: RawWorkbook, rules: RulesLookup,
               options: dict[str, Any]) -> ScorecardResult:
        return self._score([raw], rules, options, group=False)

    def assess_group(self, raws: Sequence[RawWorkbook], rules: RulesLookup,
                     options: dict[str, Any]) -> ScorecardResult:
        return self._score(raws, rules, options, group=True)

    def _score(self, raws: Sequence[RawWorkbook], lookup: RulesLookup, options: dict[str, Any], *,
               group: bool) -> ScorecardResult:
        """Scored with the `[scorecard]` settings of the rules in force (--rules, else a kpicli.toml beside the
        first file); problems are in the result. group: several files as one (refusals raise)."""
        from kpicli.scorecard.assess import score_workbook
        from kpicli.scorecard.group import score_books
        from kpicli.scorecard.indicators import checking_sets
        from kpicli.scorecard.settings import settings_of

        settings = settings_of(lookup.resolve(raws[0].path)[0])
        sets = checking_sets(options)
        try:
            result = (score_books(raws, settings, sets) if group else score_workbook(raws[0], settings, sets))
        except DataError as exc:  # files of two periods: a scorecard refusal, its message (which names them) first
            problems = [Problem("error", None, None, exc.message), *exc.problems]
            raise KindDataError(self.name, exc.message, problems) from exc
        if options.get("company"):
            result.company = str(options["company"])  # --company overrides 基本信息, as for every kind
        return result

    def data_error(self, result: Any) -> KindDataError:
        return KindDataError(self.name, "绩效考核表有错误，无法评分", result.problems)

    def empty_json(self, problems: Sequence[Problem], file: str | None) -> dict:
        from kpicli.scorecard.render.terminal import blocked_scorecard_json

        return blocked_scorecard_json(problems, file=file)

    # --- explain ---------------------------------------------------------------------------------------------
    def explain(self, result: ScorecardResult, options: dict[str, Any]) -> Any:
        from kpicli.scorecard.explain import explain_person

        person = options.get("person")
        if person is None:
            names = "、".join(dict.fromkeys(str(p) for p in result.people["person"])) or "（无）"
            raise KpiError(f"请用 --person 指定要解释的人；本次考核的人员有：{names}")
        return explain_person(result, person, options.get("department"), result.settings)

    # --- render ----------------------------------------------------------------------------------------------
    def write_result(self, result: ScorecardResult, sources: Sequence[Path], target: Path) -> Path:
        from kpicli.scorecard.render.book import write_scorecard_result

        source = sources[0] if len(sources) == 1 else list(sources)
        return write_scorecard_result(result, source, target, settings=result.settings)

    def print_extras(self, result: ScorecardResult, options: dict[str, Any], out: Console) -> None:
        if options.get("per_person") is not None:
            out.print(f"每人的考核结果已写入：{options['per_person']}（{len(result.people)} 个文件）", style="bold green",
                      markup=False)

    def print_result(self, result: ScorecardResult, out: Console | None, *, book: bool = True) -> None:
        from kpicli.scorecard.render.terminal import print_scorecard

        print_scorecard(result, out, result.settings, book=book)

    def check_heading(self, name: str, result: ScorecardResult) -> str:
        from kpicli.scorecard.render.terminal import check_heading

        return check_heading(name, result)

    def print_explanation(self, explanation: Any, result: ScorecardResult) -> None:
        from kpicli.scorecard.render.terminal import print_person_explain

        print_person_explain(explanation, settings=result.settings)

    def write_extras(self, result: ScorecardResult, sources: Sequence[Path], options: dict[str, Any], *,
                     force: bool, raws: Sequence[RawWorkbook] | None = None, target: Path | None = None) -> None:
        """--per-person: one workbook per person into that folder."""
        if options.get("per_person") is None:
            return
        from kpicli.scorecard.render.person import write_per_person

        write_per_person(result, sources, Path(options["per_person"]), force=force, raws=raws)

    def prepare(self, options: dict[str, Any]) -> None:
        """A --per-person path that cannot become the folder is refused before anything is read."""
        if options.get("per_person") is None:
            return
        from kpicli.scorecard.render.person import check_folder

        check_folder(Path(options["per_person"]))

    def payout_part(self, result: ScorecardResult, path: Path, rows: Any) -> tuple[None, list[Any], list[Problem]]:
        """Each person's bonus from the first result sheet (no teams: nothing to allocate)."""
        from kpicli.scorecard.payout import bonus_lines
        from kpicli.scorecard.render.book import RESULT_SHEETS

        sheet = RESULT_SHEETS[0]
        lines, problems = bonus_lines(result, path, sheet, rows(sheet) or [])
        return None, lines, problems

    def payout_year(self, path: Path, rows: Any) -> tuple[list[Any], list[Problem]] | None:
        """Each person's year 绩效奖金 as the summary of a scorecard year states it; None without that summary."""
        from kpicli.io.outputs import changed_since_written
        from kpicli.scorecard.payout import year_lines
        from kpicli.scorecard.render.annual import YEAR_SHEETS

        summary, missing = YEAR_SHEETS[0], YEAR_SHEETS[1]
        found = rows(summary)
        if found is None:
            return None
        return year_lines(path, summary, found, rows(missing) or [], changed_since_written(path))

    # --- template --------------------------------------------------------------------------------------------
    def template(self, out: Path | None, options: dict[str, Any], *, company: str | None, force: bool,
                 rules: RulesLookup) -> tuple[list[Path], list[str]]:
        """Blank scorecards for --period: one sheet per person of --people (each on the set its 指标套 or 岗位
        names, or the one set given), per name in --person, or one form with an empty person block; --indicators
        are packaged set names (客服专员) or paths of a user's .csv/.xlsx set. With --split, one workbook per person
        in the folder `out`. Everything is read and checked before anything is written."""
        from kpicli.scorecard.indicators import form_period, load_indicator_set
        from kpicli.scorecard.render.form_sheet import Form
        from kpicli.scorecard.render.template import default_output, write_forms
        from kpicli.scorecard.roster import Person, assign_sets, load_people
        from kpicli.scorecard.settings import settings_of

        period = options.get("period")
        if period is None:
            raise KpiError("生成绩效考核表需要 --period，如 --period 2026Q1")
        label, short = form_period(period)
        people_path, names = options.get("people"), list(options.get("names") or ())
        split = bool(options.get("split"))
        if people_path is not None and names:
            raise KpiError("--people 与 --person 不能同时使用：人员请都写在人员名单里，或都用 --person 给出")
        sets = [load_indicator_set(spec) for spec in options.get("indicators") or ()]
        if people_path is not None:
            assigned = assign_sets(load_people(Path(people_path)), sets, beside=Path(people_path).parent)
            forms = [Form(person, found) for person, found in assigned]
        elif len(sets) != 1:
            raise KpiError("没有人员名单时请用 --indicators 给出一个指标套（如 --indicators 客服专员）" if not sets else
                           "没有人员名单时只能给一个 --indicators；多个指标套请用人员名单的「指标套」列分配")
        else:
            names = [" ".join(str(n).split()) for n in names]
            if any(not n for n in names) or len(set(names)) != len(names):
                raise KpiError("--person 的姓名不能为空，也不能重复")
            forms = [Form(Person(n, where=f"--person {n}"), sets[0]) for n in names] or [Form(None, sets[0])]
        target = Path(out) if out is not None else default_output(forms, short, split=split)
        in_force, _source = rules.resolve(target / "form.xlsx" if split else target)  # K as recorded
        written = write_forms(target, forms, period=label, short_period=short, company=company, split=split,
                              force=force, settings=settings_of(in_force))
        return list(written), []

    # --- the year --------------------------------------------------------------------------------------------
    def claims_year(self, raws: Sequence[RawWorkbook]) -> bool:
        """Any workbook with a scorecard or a 民主评议 sheet (workbooks of another kind among them are refused
        later, naming the files)."""
        from kpicli.scorecard.annual import is_year

        return is_year(raws)

    def annual(self, paths: Sequence[Path], raws: Sequence[RawWorkbook], rules: RulesLookup,
               options: dict[str, Any]) -> Any:
        from kpicli.scorecard.annual import score_year
        from kpicli.scorecard.indicators import checking_sets
        from kpicli.scorecard.settings import settings_of

        return score_year(raws, settings_of(rules.resolve(paths[0])[0]), company=options.get("company"),
                          sets=checking_sets(options), other_kinds=options.get("other_kinds"))

    def write_annual(self, year: Any, out: Path) -> Path:
        from kpicli.scorecard.render.annual import write_scorecard_year

        return write_scorecard_year(year, out)

    def print_annual(self, year: Any, out: Console | None) -> None:
        from kpicli.scorecard.render.annual import print_scorecard_year

        print_scorecard_year(year, out)

    def annual_refused_json(self, error: DataError) -> dict | None:
        from kpicli.scorecard.annual import YearRefused, refused_json

        return refused_json(error.problems) if isinstance(error, YearRefused) else None


SCORECARD = ScorecardKind()
