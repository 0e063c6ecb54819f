"""A whole workbook of scorecards: which sheets are scorecards, the people, and the checks across sheets."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpicli.core.errors import Problem
from kpicli.core.vocab import normalize
from kpicli.io.workbook import Grid, RawWorkbook

from .detect import REVIEW_SHEET, SheetKind, mixed_kinds_problem, sheet_kind, sheet_kinds
from .layout import HEADERS, person_label
from .reader import INDICATOR_COLUMNS, SheetRead, read_sheet, resolve_maxima
from .values import display, is_blank

PEOPLE_COLUMNS = ["sheet", "person", "name_cell", "department", "position", "period", "period_raw", "period_cell",
                  "base", "base_cell", "layout"]
RED_LINE_COLUMNS = ["sheet", "person", "item", "touched", "value", "cell"]
SECTION_COLUMNS = ["sheet", "section_index", "section", "weight", "subtotal", "cell"]


@dataclass
class ScorecardBook:
    """What was read: the tidy indicator frame (one row per person × indicator) and its companions."""

    indicators: pd.DataFrame
    people: pd.DataFrame
    red_lines: pd.DataFrame
    sections: pd.DataFrame
    company: str | None = None
    period: str | None = None
    problems: list[Problem] = field(default_factory=list)


def _covered(grid: Grid) -> set[tuple[int, int]]:
    cells = set()
    for (r0, c0), (r1, c1) in grid.merged:
        cells.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    return cells


def _company(grid: Grid) -> str | None:
    for row in grid.dense():
        for c, value in enumerate(row):
            found = person_label(value)
            if found and found[0] == "company":
                if found[1] is not None:
                    return found[1]
                nxt = next((row[k] for k in range(c + 1, len(row)) if not is_blank(row[k])), None)
                return display(nxt) or None if nxt is not None else None
    return None


def read_book(raw: RawWorkbook) -> ScorecardBook:
    """Every scorecard sheet of a workbook, read and checked; problems for everything that is wrong."""
    problems: list[Problem] = []
    kinds = sheet_kinds(raw)
    scorecards = [n for n, k in kinds.items() if k == "scorecard"]
    for name, kind in kinds.items():
        if kind == "review":
            problems.append(Problem("info", name, None, "民主评议表只用于年度综合得分，评分、排名和检查时不读取"))
    mixed = mixed_kinds_problem(kinds)
    if mixed is not None:
        problems.append(mixed)
    if not scorecards:
        problems.append(Problem("error", None, None, "没有找到绩效考核表：需要一行同时有「考核指标」和「权重」或「标准分」的表头"))
    company = next((_company(raw.grids[n]) for n, k in kinds.items() if k == "info"), None)
    reads = []
    for name in scorecards:
        grid = raw.grids[name]
        sheet = read_sheet(name, grid.dense(), _covered(grid))
        resolve_maxima(sheet)
        _person_defaults(sheet)
        company = company or sheet.person.get("company")  # type: ignore[assignment]
        reads.append(sheet)
        problems.extend(sheet.problems)
    problems.extend(_cross_checks(reads))
    periods = {s.person.get("period") for s in reads} - {None}
    return ScorecardBook(
        indicators=_indicator_frame(reads),
        people=pd.DataFrame([_person_row(s) for s in reads], columns=PEOPLE_COLUMNS, dtype=object),
        red_lines=pd.DataFrame([{"sheet": s.sheet, "person": s.person["name"], **x} for s in reads for x in s.red_lines],
                               columns=RED_LINE_COLUMNS, dtype=object),
        sections=pd.DataFrame([{"sheet": s.sheet, "section_index": x.index, "section": x.title.name,
                                "weight": x.title.weight, "subtotal": x.title.subtotal, "cell": x.cell}
                               for s in reads for x in s.sections if not x.title.redline],
                              columns=SECTION_COLUMNS, dtype=object),
        company=company,
        period=next(iter(periods)) if len(periods) == 1 else None,
        problems=problems,
    )


def _person_defaults(sheet: SheetRead) -> None:
    if not sheet.person.get("name"):
        sheet.person["name"] = sheet.sheet
        sheet.person.setdefault("name_cell", None)
        sheet.problem("info", None, f"表头区没有「姓名」，以工作表名「{sheet.sheet}」作为姓名")
    for key in ("department", "position", "period", "period_raw", "base", "company"):
        sheet.person.setdefault(key, None)
    for key in ("name_cell", "period_cell", "base_cell"):
        sheet.person.setdefault(key, None)


def _person_row(sheet: SheetRead) -> dict[str, object]:
    p = sheet.person
    return {"sheet": sheet.sheet, "person": p["name"], "name_cell": p["name_cell"], "department": p["department"],
            "position": p["position"], "period": p["period"], "period_raw": p["period_raw"],
            "period_cell": p["period_cell"], "base": p["base"], "base_cell": p["base_cell"], "layout": sheet.layout}


def _cross_checks(reads: list[SheetRead]) -> list[Problem]:
    problems = []
    seen: dict[tuple[str, str], str] = {}
    for s in reads:
        key = (normalize(s.person["name"]), normalize(s.person["department"]))
        if key in seen:
            dept = f"（{s.person['department']}）" if s.person["department"] else ""
            problems.append(Problem("error", s.sheet, s.person["name_cell"], f"「{s.person['name']}」{dept}"
                                    f"已在工作表「{seen[key]}」出现；同一人只能有一张考核表"))
        else:
            seen[key] = s.sheet
    periods: dict[str, list[str]] = {}
    for s in reads:
        if s.person["period"]:
            periods.setdefault(s.person["period"], []).append(s.sheet)
    if len(periods) > 1:
        listed = "；".join(f"{p}：{'、'.join(sheets)}" for p, sheets in periods.items())
        problems.append(Problem("error", None, None, f"各表的考核期间不同（{listed}）；一个工作簿只能是一个期间"))
    return problems


def _indicator_frame(reads: list[SheetRead]) -> pd.DataFrame:
    rows = []
    for s in reads:
        p = s.person
        for item in s.items:
            rows.append({**item, "sheet": s.sheet, "person": p["name"], "department": p["department"],
                         "position": p["position"], "layout": s.layout})
    frame = pd.DataFrame(rows, columns=[*INDICATOR_COLUMNS, "max_raw", "table"])
    return frame.astype(object).where(frame.notna(), None) if len(frame) else frame


__all__ = ["HEADERS", "REVIEW_SHEET", "ScorecardBook", "SheetKind", "read_book", "sheet_kind"]
