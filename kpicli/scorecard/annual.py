"""The year of scorecards (contract scorecard.md §6): periodic forms, the year-end form and 民主评议 → 年度总得分.

    year = score_year([read_workbook(p) for p in paths], settings)
    year.to_json()      # {"kind": "scorecard_annual", "year": 2026, "people": [...], "problems": [...]}

Each workbook is scored exactly as `kpicli score` scores it (score_books); the year uses the people's rounded
totals. 年度总得分 = 平均 × w₁ + 年终 × w₂ + 民主评议 × w₃ (settings.annual, percent), exact, half-up at the end;
grade, K, pay and red lines through scoring.grade_people, so a year is graded exactly like one form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar, Literal

import pandas as pd

from kpicli.core.errors import DataError, Problem
from kpicli.core.exact import json_number
from kpicli.core.period import Period, parse_period, quarter_label
from kpicli.core.vocab import display_name, name_key
from kpicli.io.workbook import RawWorkbook

from .detect import REVIEW_SHEET, sheet_kind, sheet_kinds
from .group import score_books
from .result import ScorecardResult
from .review import Key, Review, match_reviews, person_key, read_reviews
from .scoring import grade_people
from .settings import DEFAULT_SETTINGS, ScorecardSettings

if TYPE_CHECKING:
    from .indicators import IndicatorSet
from .year_names import check_names, sightings

YEAR_END = "年终"
ERRORS_LISTED = 5  # per file, in the refusal's message; every error is in DataError.problems


class YearRefused(DataError):
    """The year of scorecards was not computed: files refused (named in the message) or errors in them."""


def in_year(period: Period) -> str:
    """The key of a period in the year: 3月, 第1季度, 年终."""
    if period.month is not None:
        return f"{period.month}月"
    return quarter_label(period.quarter) if period.quarter is not None else YEAR_END


@dataclass
class YearPerson:
    """One person's year. periods: label → rounded periodic total; reason None when computed."""

    name: str
    department: str | None
    position: str | None = None
    periods: dict[str, Decimal] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    periodic_average: Fraction | None = None
    year_end: Decimal | None = None
    review: Fraction | None = None
    base: Fraction | None = None
    red_lines: list[str] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)  # labels of the periods marked 不参加考核
    reason: str | None = None
    total: Fraction | None = None  # exact 年度总得分 before rounding
    score: Decimal | None = None
    grade: str | None = None
    coefficient: Decimal | None = None
    bonus: Decimal | None = None
    rank: int | None = None

    @property
    def computed(self) -> bool:
        return self.reason is None


@dataclass
class ScorecardYear:
    """The year: people in rank order (not computed last), the periodic labels in order, files per period."""

    kind: ClassVar[str] = "scorecard"
    year: int
    company: str | None
    unit: Literal["month", "quarter"]
    periods: list[str]
    files: dict[str, str]  # period label (年终 too) → file name
    people: list[YearPerson]
    settings: ScorecardSettings
    problems: list[Problem] = field(default_factory=list)

    @property
    def average_label(self) -> str:
        return "季度平均" if self.unit == "quarter" else "月度平均"

    @property
    def computed(self) -> list[YearPerson]:
        return [p for p in self.people if p.computed]

    def to_json(self) -> dict[str, object]:
        """The §6 object; period keys 1月…12月 or 第1季度…第4季度; numbers null when absent."""
        return {"kind": "scorecard_annual", "year": self.year, "people": [_person_json(p) for p in self.people],
                "problems": problems_json(self.problems)}


def problems_json(problems: Sequence[Problem]) -> list[dict[str, object]]:
    """Problems as in §5 plus "file": one sheet name (周晓琳) recurs in every period's workbook."""
    return [{**p.to_dict(), "file": p.file} for p in problems]


def refused_json(problems: Sequence[Problem]) -> dict[str, object]:
    """The §6 object of a year that was not computed: no year, no people, the problems (with their files)."""
    return {"kind": "scorecard_annual", "year": None, "people": [], "problems": problems_json(problems)}


def _person_json(p: YearPerson) -> dict[str, object]:
    def number(value: Fraction | Decimal | None) -> int | float | None:  # the year's numbers are floats, 90.0 too
        return json_number(value, whole_as_int=False)

    return {"name": p.name, "department": p.department, "periods": {k: number(v) for k, v in p.periods.items()},
            "missing": list(p.missing), "periodic_average": number(p.periodic_average),
            "year_end": number(p.year_end), "review": number(p.review), "computed": p.computed, "reason": p.reason,
            "score": number(p.score), "grade": p.grade, "coefficient": number(p.coefficient),
            "bonus": number(p.bonus), "rank": p.rank, "red_lines": list(p.red_lines)}


# ---------------------------------------------------------------- which files, which periods


def is_year(raws: Sequence[RawWorkbook]) -> bool:
    """Whether any workbook holds a scorecard or a 民主评议 sheet: a year of scorecards (workbooks of another kind
    among them are refused later, naming the files)."""
    found = {k for raw in raws for k in sheet_kinds(raw).values()}
    return bool(found & {"scorecard", "review"})


def file_names(raws: Sequence[RawWorkbook]) -> list[str]:
    """File names, or the path as given when two files share a name (a/1月.xlsx, b/1月.xlsx)."""
    names = [raw.path.name for raw in raws]
    return [str(raw.path) if names.count(raw.path.name) > 1 else raw.path.name for raw in raws]


def _refuse(message: str, files: Sequence[str], detail: str) -> None:
    raise YearRefused(message, [Problem("error", None, None, detail, file=f) for f in files])


def _check_kinds(raws: Sequence[RawWorkbook], kinds: list[set[str]], files: list[str],
                 other_kinds: Sequence[Mapping[str, str]]) -> None:
    """Workbooks holding sheets of another kind (other_kinds: for each file, such sheets with that kind's label, from
    the registry; the 民主评议 and 基本信息 sheets are read by name all the same) are refused naming the kind, then
    those with neither a form nor a 民主评议 sheet."""
    others: dict[str, list[str]] = {}
    for raw, file, theirs in zip(raws, files, other_kinds):
        labels = [label for name, label in theirs.items() if sheet_kind(raw.grids[name]) not in ("review", "info")]
        if labels:
            others.setdefault(labels[0], []).append(file)
    for label, named in others.items():
        _refuse(f"{label}（{'、'.join(named)}）不能与绩效考核表一起做年度汇总；请把两类文件分开运行",
                named, f"这是{label}，不是绩效考核表")
    neither = [f for f, k in zip(files, kinds) if not k & {"scorecard", "review"}]
    if neither:
        _refuse(f"以下文件既没有绩效考核表，也没有「{REVIEW_SHEET}」表：{'、'.join(neither)}；请把它们移出这批文件",
                neither, "没有绩效考核表或民主评议表")


def _refuse_errors(results: dict[str, ScorecardResult], review_problems: list[Problem]) -> None:
    """Any error in any workbook refuses the year, as one error refuses a workbook (contract §4)."""
    errors = [p for r in results.values() for p in r.problems if p.level == "error"]
    errors += [p for p in review_problems if p.level == "error"]
    if not errors:
        return
    by_file: dict[str, list[Problem]] = {}
    for p in errors:
        by_file.setdefault(p.file or "", []).append(p)
    lines = []
    for file, found in by_file.items():
        lines.append(f"  {file}：{len(found)} 个错误")
        lines += [f"    {p.where + '：' if p.where else ''}{p.message}" for p in found[:ERRORS_LISTED]]
        if len(found) > ERRORS_LISTED:
            lines.append(f"    …… 另有 {len(found) - ERRORS_LISTED} 个错误")
    first = next(iter(by_file))
    raise YearRefused("以下工作簿有错误，未做年度汇总：\n" + "\n".join(lines)
                    + f"\n请先用 kpicli check 查看并修正，例如：kpicli check {first}", errors)


def _periods(results: dict[str, ScorecardResult]) -> dict[str, Period]:
    """file → period, refusing a workbook without one, several years, two workbooks of one period, and months
    mixed with quarters; each refusal names the files."""
    periods: dict[str, Period] = {}
    unknown = []
    for file, result in results.items():
        period = parse_period(result.period)
        if period is None:
            unknown.append(file)
        else:
            periods[file] = period
    if unknown:
        _refuse(f"无法确定以下工作簿的考核期间：{'、'.join(unknown)}；请在考核表的「考核期间」填写 2026年3月、"
                "2026年第1季度 或 2026年度", unknown, "没有考核期间")
    years: dict[int, list[str]] = {}
    for file, period in periods.items():
        years.setdefault(period.year, []).append(file)
    if len(years) > 1:
        listed = "；".join(f"{y}年：{'、'.join(names)}" for y, names in sorted(years.items()))
        _refuse(f"这批工作簿不属于同一年度（{listed}）；年度汇总只能用同一年的考核表", list(periods),
                "考核年度与其他工作簿不同")
    same: dict[Period, list[str]] = {}
    for file, period in periods.items():
        same.setdefault(period, []).append(file)
    doubles = {p: names for p, names in same.items() if len(names) > 1}
    if doubles:
        listed = "；".join(f"{p.label}：{'、'.join(names)}"
                          for p, names in doubles.items())
        _refuse(f"同一考核期间给出了多个工作簿（{listed}）；每个期间只能给一个工作簿，同一期间各部门的考核表请放在"
                "同一个工作簿里", [f for names in doubles.values() for f in names], "与另一个工作簿的考核期间相同")
    kinds: dict[str, list[str]] = {}
    for file, period in periods.items():
        if period.kind != "year":
            kinds.setdefault("月度" if period.kind == "month" else "季度", []).append(file)
    if len(kinds) > 1:
        listed = "；".join(f"{k}：{'、'.join(names)}" for k, names in kinds.items())
        _refuse(f"平时考核表有的按月、有的按季度（{listed}）；一个年度只能用同一种，请移出其中一种",
                [f for names in kinds.values() for f in names], "平时考核的周期与其他工作簿不同")
    return periods


# ---------------------------------------------------------------- the year


def _collect(people: dict[Key, YearPerson], result: ScorecardResult, label: str) -> dict[Key, list[str]]:
    """Add one workbook's people (rounded totals, base from the year-end form); returns their red lines."""
    red: dict[Key, list[str]] = {}
    for p in result.people.to_dict("records"):
        key = person_key(p["person"], p["department"])
        person = people.setdefault(key, YearPerson(display_name(p["person"]), p["department"] or None))
        person.position = p["position"] or person.position
        if label == YEAR_END:
            person.year_end = p["score"]
            person.base = None if p["base"] is None or pd.isna(p["base"]) else Fraction(p["base"])
        else:
            person.periods[label] = p["score"]
        if p["red_lines"]:
            red[key] = [f"{item}（{label}）" for item in p["red_lines"]]
    absent = result.absent
    for p in ([] if absent is None else absent.to_dict("records")):
        key = person_key(p["person"], p["department"])
        people.setdefault(key, YearPerson(display_name(p["person"]), p["department"] or None)).not_assessed.append(label)
    return red


def _reasons(person: YearPerson, has_year_end: bool, has_periodic: bool, has_review: bool, unit: str) -> str | None:
    reasons = []
    if person.year_end is None and YEAR_END in person.not_assessed:
        reasons.append("年终考核标了不参加考核")
    elif person.year_end is None:
        reasons.append("年终考核表中没有此人" if has_year_end else "没有年终考核表（考核期间为年度的考核表）")
    if not person.periods:
        reasons.append(f"{unit}考核表中都没有此人" if has_periodic else f"没有{unit}考核表")
    if person.review is None:
        reasons.append("民主评议表中没有此人的得分" if has_review else f"没有「{REVIEW_SHEET}」表")
    return "；".join(reasons) or None


def score_year(raws: Sequence[RawWorkbook], settings: ScorecardSettings = DEFAULT_SETTINGS, *,
               company: str | None = None, sets: Sequence[IndicatorSet] = (),
               other_kinds: Sequence[Mapping[str, str]] | None = None) -> ScorecardYear:
    """Score every workbook, check they form one year, and compute each person's 年度总得分. company (--company)
    names the company instead of the forms' 公司名称; sets (--indicators): the indicator sets the forms kpicli
    made are checked against instead of the recorded ones; other_kinds: for each workbook, its sheets of another
    kind of workbook with that kind's label (the registry's kpicli.kinds.other_kinds).

    Raises YearRefused (a DataError) naming the files of another kind among them, unknown or different years,
    two workbooks of one period, months mixed with quarters, and any error in any workbook or 民主评议 sheet."""
    if not raws:
        raise YearRefused("没有给出工作簿；请给出同一年度的月度（或季度）考核表、年终考核表和民主评议表")
    files = file_names(raws)
    twice = [f for f in dict.fromkeys(files) if files.count(f) > 1]
    if twice:
        _refuse(f"同一个文件给了不止一次：{'、'.join(twice)}；每个文件只能给一次", twice, "这个文件给了不止一次")
    kinds = [set(sheet_kinds(raw).values()) for raw in raws]
    _check_kinds(raws, kinds, files, other_kinds or [{}] * len(raws))
    results = {f: score_books([raw], settings, sets) for f, raw, k in zip(files, raws, kinds) if "scorecard" in k}
    reviews: list[Review] = []
    review_problems: list[Problem] = []
    review_sheets = 0
    for raw, file in zip(raws, files):
        for grid in raw.grids.values():
            if sheet_kind(grid) == "review":
                review_sheets += 1
                found, problems = read_reviews(grid, file)
                reviews += found
                review_problems += problems
    _refuse_errors(results, review_problems)
    if not results:
        _refuse("这批文件里只有民主评议表，没有绩效考核表；请同时给出月度（或季度）考核表和年终考核表", files,
                "没有绩效考核表")
    periods = _periods(results)
    periodic = sorted(p for p in periods.values() if p.kind != "year")
    unit: Literal["month", "quarter"] = "quarter" if periodic and periodic[0].kind == "quarter" else "month"
    unit_word = "季度" if unit == "quarter" else "月度"
    labels = [in_year(p) for p in periodic]
    # read_book says a 民主评议 sheet is not read (true for score, rank, check): here it is
    problems = [p for r in results.values() for p in r.problems
                if not (p.level == "info" and p.cell is None and name_key(p.sheet) == REVIEW_SHEET)]
    problems += review_problems
    people: dict[Key, YearPerson] = {}
    red: dict[Key, list[str]] = {}
    # the year-end form first: its people, in its order, lead the list
    for file in sorted(results, key=lambda f: (periods[f].kind != "year", periods[f])):
        for key, items in _collect(people, results[file], in_year(periods[file])).items():
            red.setdefault(key, []).extend(items)
    matched, match_problems = match_reviews({k: p.department for k, p in people.items()}, reviews)
    for key, review in matched.items():
        people.setdefault(key, YearPerson(review.name, review.department)).review = review.score
    if match_problems:
        raise YearRefused("民主评议表有错误，未做年度汇总：\n" + "\n".join(f"  {p.file} {p.where}：{p.message}"
                                                                  for p in match_problems), match_problems)
    seen = sightings(results, lambda f: in_year(periods[f]))
    name_problems, refusals = check_names(people, red, seen, lambda k: k in people and _payable(people[k]))
    if refusals:
        raise YearRefused("红线事项不能确定属于谁，未做年度汇总：\n" + "\n".join(
            f"  {p.file} {p.where}：{p.message}" for p in refusals), refusals)
    problems += name_problems
    has_year_end = any(p.kind == "year" for p in periods.values())
    weights = settings.annual
    for key, person in people.items():
        person.periods = {label: person.periods[label] for label in labels if label in person.periods}
        person.missing = [label for label in labels if label not in person.periods and label not in person.not_assessed]
        skipped = [label for label in labels if label in person.not_assessed]
        if skipped:
            problems.append(Problem("info", None, None, f"「{person.name}」{'、'.join(skipped)}不参加考核，"
                                    f"{unit_word}平均按其余期间计算（不按 0 分计）"))
        person.red_lines = red.get(key, [])
        if person.periods:
            person.periodic_average = sum((Fraction(s) for s in person.periods.values()), Fraction(0)) / len(
                person.periods)
        person.reason = _reasons(person, has_year_end, bool(labels), review_sheets > 0, unit_word)
        if person.computed:
            person.total = (person.periodic_average * Fraction(weights.periodic)
                            + Fraction(person.year_end) * Fraction(weights.year_end)
                            + person.review * Fraction(weights.review)) / 100
    _grade(people, settings)
    ordered = sorted(people.values(), key=lambda p: p.rank if p.rank is not None else len(people) + 1)
    company, company_problems = (company, []) if company else _company(results)
    file_of = {in_year(periods[f]): f for f in results}
    return ScorecardYear(year=next(iter(periods.values())).year, company=company, unit=unit, periods=labels,
                         files={label: file_of[label] for label in [*labels, YEAR_END] if label in file_of},
                         people=ordered, settings=settings, problems=[*problems, *company_problems])


def _payable(person: YearPerson) -> bool:
    """Whether the person's year would be computed (graded and paid): a year-end, a periodic and a review score."""
    return person.year_end is not None and bool(person.periods) and person.review is not None


def _grade(people: dict[Key, YearPerson], settings: ScorecardSettings) -> None:
    """Grade, K, pay, red-line consequence and ranks exactly as for one form (scoring.grade_people)."""
    keys = list(people)
    frame = pd.DataFrame({"sheet": [str(i) for i in range(len(keys))],
                          "total": pd.Series([people[k].total for k in keys], dtype=object),
                          "base": pd.Series([people[k].base for k in keys], dtype=object),
                          "department": pd.Series([people[k].department for k in keys], dtype=object)})
    red = pd.DataFrame([{"sheet": str(i), "item": item, "touched": True}
                        for i, k in enumerate(keys) for item in people[k].red_lines],
                       columns=["sheet", "item", "touched"], dtype=object)
    graded = grade_people(frame, red, settings)
    for k, row in zip(keys, graded.to_dict("records")):
        person = people[k]
        person.score, person.grade = row["score"], row["grade"]
        person.coefficient, person.bonus = row["coefficient"], row["bonus"]
        person.rank = None if pd.isna(row["rank"]) else int(row["rank"])


def _company(results: dict[str, ScorecardResult]) -> tuple[str | None, list[Problem]]:
    companies: dict[str, list[str]] = {}
    for file, result in results.items():
        if result.company:
            companies.setdefault(result.company, []).append(file)
    first = next(iter(companies), None)
    if len(companies) > 1:
        listed = "；".join(f"{c}：{'、'.join(names)}" for c, names in companies.items())
        return first, [Problem("warning", None, None, f"各文件的公司名称不同（{listed}）；结果中采用「{first}」")]
    return first, []


__all__ = ["ScorecardYear", "YearPerson", "YearRefused", "file_names", "in_year", "is_year", "problems_json",
           "refused_json", "score_year"]
