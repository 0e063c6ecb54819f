"""Scoring a read workbook of scorecards (contract §3–§4): item scores, totals, grades, K, pay, ranks."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd

from kpicli.core.errors import Problem
from kpicli.core.exact import cents_to_decimal, fraction_cents, half_up
from kpicli.grading.ranking import competition_rank, grade_of

from .apply import apply_rule, display_trap
from .book import ScorecardBook
from .rule import Rule
from .settings import REVIEWER_NAMES, REVIEWERS, ScorecardSettings
from .values import ScorecardValueError, cell_number, fmt

ZERO = Fraction(0)
EMPTY_FORM = "表格尚未填写"  # a blank form (kpicli template's, or nobody scored it yet): the one thing said about it


def score_items(frame: pd.DataFrame, settings: ScorecardSettings) -> tuple[pd.DataFrame, list[Problem]]:
    """Adds computed (from 计分方式), score (the one that counts) and basis to every indicator row."""
    problems: list[Problem] = []
    computed, scores, bases = [], [], []
    for row in frame.itertuples(index=False):
        def say(level: str, cell: str | None, message: str, sheet: str = row.sheet) -> None:
            problems.append(Problem(level, sheet, cell, message))  # type: ignore[arg-type]

        # cap None: 上不封顶 (no highest score) for a valid rule, else the item's maximum
        uncapped = isinstance(row.rule, Rule) and row.rule.uncapped
        m, cap = row.max_points, row.cap if row.cap is not None or uncapped else row.max_points
        value, failed = None, m is None  # no maximum: its cell is already named, the row is not scored
        if isinstance(row.rule, Rule) and m is not None:
            try:
                value = apply_rule(row.rule, row.actual, m)
            except ScorecardValueError as exc:
                say("error", row.actual_cell, exc.message)
                failed = True
            else:
                trap = display_trap(row.rule, row.actual, m, value) if value is not None else None
                if trap is not None:
                    say("warning", row.actual_cell, trap)
        computed.append(value)
        points = {k: getattr(row, k) for k in REVIEWERS}
        if m is not None:
            for key, p in points.items():
                if p is not None and (p < ZERO or (cap is not None and p > cap)):
                    span = f"0–{fmt(cap)}" if cap is not None else "不低于 0（上不封顶）"
                    say("error", getattr(row, f"{key}_cell"), f"{REVIEWER_NAMES[key]} {fmt(p)} 超出本项分数范围 {span}")
        score, basis = _counted(row, points, value, settings, say, failed)
        scores.append(score if m is not None else None)
        bases.append(basis)
        typed = cell_number(row.typed_score_raw)
        if typed is not None and score is not None and m is not None and typed != score:
            say("info", row.typed_score_cell, f"表中填的得分 {fmt(typed)} 与 kpicli 算出的 {fmt(score)} 不同；以 kpicli 为准")
    out = frame.copy()
    out["computed"], out["score"], out["basis"] = computed, scores, bases
    return out, problems


def _counted(row: object, points: dict[str, Fraction | None], computed: Fraction | None,
             settings: ScorecardSettings, say, failed: bool = False) -> tuple[Fraction, str]:
    """The score that counts for one row and where it came from (contract §3, 'which score counts'); failed: the
    actual value was refused (said at its cell), so no second line says the row is not scored."""
    r1, r2 = points["reviewer1"], points["reviewer2"]
    if r1 is not None and r2 is not None and r1 != r2:
        say("info", row.reviewer2_cell, f"上级评分 {fmt(r1)} 与二级评分 {fmt(r2)} 不同（上级评分在 {row.reviewer1_cell}）")
    if settings.reviewer_weights is not None:
        filled = {k: w for k, w in settings.reviewer_weights.items() if w > 0 and points[k] is not None}
        if filled and any(k != "self" for k in filled):
            total_w = sum((Fraction(w) for w in filled.values()), ZERO)
            score = sum((Fraction(w) * points[k] for k, w in filled.items()), ZERO) / total_w
            for k in filled:
                if k != "self" and computed is not None and points[k] != computed:
                    _differs(row, k, points[k], computed, say)
            return score, "加权评分"
    else:
        for key in settings.reviewer_order:
            if points[key] is not None:
                if computed is not None and points[key] != computed:
                    _differs(row, key, points[key], computed, say)
                return points[key], REVIEWER_NAMES[key]
    if computed is not None and settings.use_computed:
        return computed, "计分方式"
    if points["self"] is not None and settings.self_fallback:
        if not failed:
            say("warning", row.self_cell, "未经上级评分，采用自评")
        return points["self"], "自评"
    if not failed:
        say("warning", row.indicator_cell, f"「{row.indicator}」未评分，按 0 分计")
    return ZERO, "未评分"


def _differs(row: object, key: str, given: Fraction, computed: Fraction, say) -> None:
    say("warning", getattr(row, f"{key}_cell"), f"{REVIEWER_NAMES[key]} {fmt(given)} 与按计分方式算出的 {fmt(computed)} "
        f"不同（实际完成在 {row.actual_cell}）；以{REVIEWER_NAMES[key]}为准")


# the columns a sheet's total reads; each sheet's rows are taken out of the frame once, as plain lists (a boolean
# filter and a groupby per sheet cost more than the arithmetic for a department of hundreds of sheets)
_TOTAL_COLUMNS = ("self", "reviewer1", "reviewer2", "rule", "actual", "score", "max_points", "section_index",
                  "section", "section_weight", "indicator_cell")


def _given(value: object) -> bool:
    """pd.notna for one value, without its cost for the exact numbers nearly every cell holds."""
    return value is not None and (type(value) in (Fraction, int) or bool(pd.notna(value)))


def sheet_totals(items: pd.DataFrame, book: ScorecardBook) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Per sheet: exact total and its section scores; errors when Σ mᵢ or the weights do not add up."""
    problems: list[Problem] = []
    totals: list[dict] = []
    section_rows: list[dict] = []
    layouts = dict(zip(book.people["sheet"], book.people["layout"]))
    by_sheet: dict[object, list[dict]] = {}
    for sheet, *values in zip(items["sheet"], *(items[c] for c in _TOTAL_COLUMNS)):
        by_sheet.setdefault(sheet, []).append(dict(zip(_TOTAL_COLUMNS, values)))
    titles: dict[object, dict[object, tuple[object, object]]] = {}
    for sheet, index, subtotal, cell in zip(book.sections["sheet"], book.sections["section_index"],
                                            book.sections["subtotal"], book.sections["cell"]):
        titles.setdefault(sheet, {}).setdefault(index, (subtotal, cell))
    for sheet in book.people["sheet"]:
        total, sections = _sheet_total(sheet, by_sheet.get(sheet, []), layouts.get(sheet), titles.get(sheet, {}),
                                       problems)
        totals.append({"sheet": sheet, "total": total})
        section_rows.extend({"sheet": sheet, "score": None, **s} for s in sections)  # no score when the sheet has errors
    section_frame = pd.DataFrame(section_rows, columns=["sheet", "section_index", "section", "weight", "score",
                                                        "points", "max_points"], dtype=object)
    return pd.DataFrame(totals, columns=["sheet", "total"], dtype=object), section_frame, problems


def _sheet_total(sheet: str, mine: list[dict], layout: str | None, titles: dict[object, tuple[object, object]],
                 problems: list[Problem]) -> tuple[Fraction | None, list[dict]]:
    def error(cell: str | None, message: str) -> None:
        problems.append(Problem("error", sheet, cell, message))

    if not mine:
        error(None, "表中没有考核指标行；请在「考核指标」列下填写指标")
        return None, []
    scored = any(_given(row[k]) for row in mine for k in ("self", "reviewer1", "reviewer2"))
    computing = any(isinstance(row["rule"], Rule) and row["rule"].computing and not row["actual"].blank
                    for row in mine)
    if not scored and not computing:
        error(None, f"{EMPTY_FORM}：整张表没有任何评分（自评、上级评分、二级评分都为空，也没有可计分的实际完成）；请先评分")
        return None, []
    if not all(_given(row["max_points"]) for row in mine):
        return None, []  # an item without a readable 权重/标准分: the reader named its cell; sums would only mislead
    complete = all(_given(row["score"]) for row in mine)
    grouped: dict[object, list[dict]] = {}
    for row in mine:
        if _given(row["section_index"]):  # as groupby: rows without a section index are in no section
            grouped.setdefault(row["section_index"], []).append(row)
    sections = []
    for index in sorted(grouped):
        part = grouped[index]
        points = sum((r["score"] for r in part if _given(r["score"])), ZERO)
        maximum = sum((r["max_points"] for r in part if _given(r["max_points"])), ZERO)
        sections.append({"section_index": index, "section": part[0]["section"], "weight": part[0]["section_weight"],
                         "points": points, "max_points": maximum, "_cell": part[0]["indicator_cell"]})
    _subtotal_warnings(sheet, sections, titles, problems)
    weighted = [s for s in sections if s["weight"] is not None]
    if weighted and len(weighted) != len(sections):
        plain = "、".join(s["section"] or "（未命名部分）" for s in sections if s["weight"] is None)
        error(sections[0]["_cell"], f"有的部分写了权重、有的没有（{plain} 没有权重）；请给每个部分都写上权重，或都不写")
        return None, sections
    if weighted:
        weight_sum = sum((s["weight"] for s in sections), ZERO)
        if weight_sum != 100:
            error(sections[0]["_cell"], f"各部分权重之和为 {fmt(weight_sum)}%，应为 100%")
            complete = False
        for s in sections:
            if layout == "权重" and s["max_points"] != 100:
                error(s["_cell"], f"「{s['section'] or '未命名部分'}」各项权重之和为 {fmt(s['max_points'])}%，应为 100%")
                complete = False
            s["score"] = 100 * s["points"] / s["max_points"] if s["max_points"] else None
        if not complete or any(s["score"] is None for s in sections):
            return None, sections
        return sum((s["weight"] / 100 * s["score"] for s in sections), ZERO), sections
    total_max = sum((s["max_points"] for s in sections), ZERO)
    for s in sections:
        s["score"] = s["points"]
    if total_max != 100:
        what = "权重" if layout == "权重" else "标准分"
        unit = "%" if layout == "权重" else " 分"
        error(sections[0]["_cell"], f"各项{what}之和为 {fmt(total_max)}{unit}，应为 100{unit.strip()}")
        return None, sections
    return (sum((s["points"] for s in sections), ZERO) if complete else None), sections


def _subtotal_warnings(sheet: str, sections: list[dict], titles: dict[object, tuple[object, object]],
                       problems: list[Problem]) -> None:
    """titles: the sheet's section titles, section index → (subtotal written in the title, its cell)."""
    for s in sections:
        if s["section_index"] in titles:
            subtotal, cell = titles[s["section_index"]]
            if subtotal is not None and not pd.isna(subtotal) and subtotal != s["max_points"]:
                problems.append(Problem("warning", sheet, cell,
                                        f"「{s['section']}」标的小计 {fmt(subtotal)} 分与各项标准分之和 "
                                        f"{fmt(s['max_points'])} 分不同"))


def grade_people(people: pd.DataFrame, red_lines: pd.DataFrame, settings: ScorecardSettings) -> pd.DataFrame:
    """Rounded score, grade, K, bonus, red-line consequence and competition ranks, on the people frame."""
    people = people.copy()
    touched: dict[object, list[object]] = {}
    if len(red_lines):
        for sheet, item, hit in zip(red_lines["sheet"], red_lines["item"], red_lines["touched"].astype(bool)):
            if hit:
                touched.setdefault(sheet, []).append(item)
    people["red_lines"] = [list(touched.get(s, [])) for s in people["sheet"]]
    people["score"] = [None if t is None else cents_to_decimal(fraction_cents(t / 100)) for t in people["total"]]
    zeroed = [bool(r) and settings.red_line == "zero" for r in people["red_lines"]]
    people["score"] = [Decimal("0.00") if z and s is not None else s for z, s in zip(zeroed, people["score"])]
    lowest = [bool(r) and settings.red_line in ("lowest", "zero") for r in people["red_lines"]]
    # object dtype: pandas would store a list of texts and None as strings with NaN for None (NaN in the JSON)
    people["grade"] = pd.Series([settings.grades.lowest if low and s is not None else grade_of(s, settings.grades)
                                 for low, s in zip(lowest, people["score"])], index=people.index, dtype=object)
    people["coefficient"] = [None if s is None else Decimal(0) if low else settings.coefficient(s)
                             for low, s in zip(lowest, people["score"])]
    people["bonus"] = [None if b is None or pd.isna(b) or k is None else half_up(Fraction(b) * Fraction(k), settings.pay_places)
                       for b, k in zip(people["base"], people["coefficient"])]
    cents = pd.Series([None if s is None else int(s * 100) for s in people["score"]], index=people.index, dtype="Int64")
    people["rank"] = competition_rank(cents)
    department_rank = pd.Series(pd.NA, index=people.index, dtype="Int64")
    has_dept = people["department"].notna()
    for _, part in cents[has_dept].groupby(people.loc[has_dept, "department"].map(str)):
        department_rank.loc[part.index] = competition_rank(part)
    people["department_rank"] = department_rank
    return people
