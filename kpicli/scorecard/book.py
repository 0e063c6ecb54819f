"""A whole workbook of scorecards: which sheets are scorecards, the people, and the checks across sheets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from kpicli.core.errors import Problem
from kpicli.core.period import find_period
from kpicli.core.vocab import normalize
from kpicli.io.workbook import Grid, RawWorkbook

from .detect import REVIEW_SHEET, SheetKind, sheet_kind, sheet_kinds
from .integrity import check_sheets, coefficient_change, handed_out
from .layout import HEADERS, person_label
from .person import assessment_status
from .reader import INDICATOR_COLUMNS, SheetRead, read_sheet, resolve_maxima
from .values import display, is_blank

if TYPE_CHECKING:
    from .indicators import IndicatorSet
    from .settings import ScorecardSettings

ABSENT_COLUMNS = ["sheet", "person", "department", "period", "reason", "cell"]

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
    # people not assessed this period (考核状态 不参加考核): left out of every frame above, one line each
    absent: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ABSENT_COLUMNS, dtype=object))
    # the record of what kpicli handed out, as the forms were checked against it (integrity.HandedOut.effective)
    handed_out: dict | None = None


def _covered(grid: Grid) -> dict[tuple[int, int], tuple[int, int]]:
    """Each cell inside a merged range (not its top-left) → the range's top-left cell."""
    cells = {}
    for (r0, c0), (r1, c1) in grid.merged:
        cells.update({(r, c): (r0, c0) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)})
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


def read_book(raw: RawWorkbook, *, sets: Sequence[IndicatorSet] = (), settings: ScorecardSettings | None = None
              ) -> ScorecardBook:
    """Every scorecard sheet of a workbook, read and checked; problems for everything that is wrong. The forms
    are checked against the indicator sets kpicli handed out (integrity; `sets`: those given with --indicators,
    replacing the recorded ones) and, with settings, the coefficient table against the recorded one."""
    problems: list[Problem] = []
    kinds = sheet_kinds(raw)
    scorecards = [n for n, k in kinds.items() if k == "scorecard"]
    for name, kind in kinds.items():
        if kind == "review":
            problems.append(Problem("info", name, None, "民主评议表只用于年度综合得分，评分、排名和检查时不读取"))
    if not scorecards:
        problems.append(Problem("error", None, None, "没有找到绩效考核表：需要一行同时有「考核指标」和「权重」或「标准分」的表头"))
    company = next((_company(raw.grids[n]) for n, k in kinds.items() if k == "info"), None)
    reads = []
    absent = []
    for name in scorecards:
        grid = raw.grids[name]
        sheet = read_sheet(name, grid.dense(), _covered(grid), grid.shapes)
        resolve_maxima(sheet)
        _person_defaults(sheet)
        company = company or sheet.person.get("company")  # type: ignore[assignment]
        if grid.hidden or name in raw.hidden_sheets:
            sheet.problem("warning", None, f"工作表「{name}」是隐藏的，仍按考核表评分；不该评分的表请删除，"
                          "该评分的请取消隐藏以便核对")
        reason = assessment_status(sheet)
        if reason is not None and _absent(sheet, reason, absent):
            problems.extend(sheet.problems)
            continue
        reads.append(sheet)
        problems.extend(sheet.problems)
    problems.extend(_cross_checks(reads))
    reference = handed_out(raw.path, sets)
    if reference is not None:
        problems.extend(check_sheets(reads, reference))
        problems.extend(coefficient_change(reference, settings) if settings is not None else [])
    problems.extend(_period_from_name(reads, raw.path.name))
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
        absent=pd.DataFrame(absent, columns=ABSENT_COLUMNS, dtype=object),
        handed_out=reference.effective() if reference is not None and reference.data else None,
    )


def _period_from_name(reads: list[SheetRead], file_name: str) -> list[Problem]:
    """No sheet has a 考核期间 cell: the period the file name carries (2026Q1_客服部绩效考核表.xlsx), said once."""
    if not reads or any(s.person.get("period_cell") for s in reads):
        return []
    period = find_period(file_name)
    if period is None:
        return []
    for sheet in reads:
        sheet.person["period"] = period.label
    return [Problem("info", None, None, f"考核表没有填写「考核期间」，按文件名「{file_name}」取为 {period.label}；"
                    "如果不对，请在表头区填写考核期间")]


def _absent(sheet: SheetRead, reason: str, absent: list[dict[str, object]]) -> bool:
    """A person marked 不参加考核: left out with one line, unless the form was scored (then an error: which is
    meant?). Returns whether the sheet is left out."""
    p = sheet.person
    cell = p.get("status_cell")
    scored = next((i for i in sheet.items for k in ("self", "reviewer1", "reviewer2") if i.get(k) is not None), None)
    if scored is not None:
        sheet.problem("error", cell, f"考核状态写的是「{reason}」，但表中已有评分（第 {scored['row']} 行）；本期不参加"
                      "考核请清空评分，参加考核请删去考核状态")  # type: ignore[arg-type]
        return False
    sheet.problems = [q for q in sheet.problems if p.get("name_missing") and q.cell == p.get("name_cell")
                      and q.level == "error"]
    sheet.problem("info", cell, f"「{p['name']}」的考核状态为「{reason}」：本期不参加考核，未计分、未排名")  # type: ignore[arg-type]
    absent.append({"sheet": sheet.sheet, "person": p["name"], "department": p.get("department"),
                   "period": p.get("period"), "reason": reason, "cell": cell})
    return True


def _person_defaults(sheet: SheetRead) -> None:
    if not sheet.person.get("name"):
        # never the sheet name as a person: a "Sheet3" ranked and paid is worse than a refusal
        sheet.person["name"] = sheet.sheet
        sheet.person["name_missing"] = True
        label = sheet.person.get("name_label")
        sheet.person["name_cell"] = label
        where = "「姓名」右边" if label else "表头区（考核指标表的上方）写上「姓名」并在它右边"
        sheet.problem("error", label, f"表头区没有填写姓名；请在{where}填上被考核人的姓名"
                      "（kpicli 不用工作表名代替姓名）")  # type: ignore[arg-type]
    for key in ("department", "position", "period", "period_raw", "base", "company", "status"):
        sheet.person.setdefault(key, None)
    for key in ("name_cell", "period_cell", "base_cell", "status_cell"):
        sheet.person.setdefault(key, None)


def _person_row(sheet: SheetRead) -> dict[str, object]:
    p = sheet.person
    return {"sheet": sheet.sheet, "person": p["name"], "name_cell": p["name_cell"], "department": p["department"],
            "position": p["position"], "period": p["period"], "period_raw": p["period_raw"],
            "period_cell": p["period_cell"], "base": p["base"], "base_cell": p["base_cell"], "layout": sheet.layout}


def _cross_checks(reads: list[SheetRead]) -> list[Problem]:
    problems = []
    seen: dict[tuple[str, str], str] = {}
    departments: dict[str, list[SheetRead]] = {}
    for s in reads:
        if s.person.get("name_missing"):
            continue
        departments.setdefault(normalize(s.person["name"]), []).append(s)
    for found in departments.values():
        if len({normalize(s.person["department"]) for s in found}) > 1:
            listed = "、".join(f"工作表「{s.sheet}」（{s.person['department'] or '未填部门'}）" for s in found)
            problems.append(Problem("warning", found[-1].sheet, found[-1].person["name_cell"],
                                    f"「{found[0].person['name']}」出现在不同部门：{listed}；按两个人分别评分和发放绩效奖金。"
                                    "若是同一人调岗，请只保留一张考核表"))
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
