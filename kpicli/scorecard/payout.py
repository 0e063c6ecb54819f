"""The scorecard's side of the payout (issue 22): each person's 绩效奖金 as the result states it, one line for HR
each, checked against the forms re-scored to the fen; 红线 and people without a total are listed at 0."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kpicli.core.errors import Problem
from kpicli.core.period import label_of
from kpicli.core.vocab import column_letter, exact_decimal, name_key
from kpicli.payout.model import Line
from kpicli.scorecard.result import ScorecardResult

NAME_HEADER, DEPARTMENT_HEADER, BONUS_HEADER = "姓名", "部门", "绩效奖金"


def _columns(rows: list[list[object]], beside: str = BONUS_HEADER) -> tuple[int, dict[str, int]] | None:
    """(header row, header → column) of a table: the first row naming 姓名 and `beside` (the summary's 绩效奖金,
    the 未计算名单's 原因)."""
    for r, row in enumerate(rows):
        texts = {str(v).strip(): c for c, v in enumerate(row) if isinstance(v, str)}
        if NAME_HEADER in texts and beside in texts:
            return r, texts
    return None


def _reason(p: dict[str, object]) -> str:
    if p["score"] is None:
        return "未计算总分（不参加本期考核或考核表未填完），绩效奖金为 0"
    base = f"总分 {p['score']:.2f}，等级 {p['grade']}，绩效系数 {p['coefficient']}"
    if p["red_lines"]:
        return f"触及红线：{'、'.join(map(str, p['red_lines']))}；{base}"
    return base


def bonus_lines(result: ScorecardResult, path: Path, sheet: str,
                rows: list[list[object]]) -> tuple[list[Line], list[Problem]]:
    """One line per person (rank order) with the 绩效奖金 of the result's summary sheet `sheet` (its rows); an
    error where the sheet's figure differs from the forms re-scored, or a person is missing from it."""
    found = _columns(rows)
    problems: list[Problem] = []
    if found is None:
        return [], [Problem("error", sheet, None, f"{path.name} 的「{sheet}」中找不到「{NAME_HEADER}」和"
                            f"「{BONUS_HEADER}」表头；请给出 kpicli score 写出的评分结果工作簿", file=path.name)]
    header, cols = found
    at = {}
    for r in range(header + 1, len(rows)):
        row = rows[r]
        name = row[cols[NAME_HEADER]] if cols[NAME_HEADER] < len(row) else ""
        dept = row[cols[DEPARTMENT_HEADER]] if DEPARTMENT_HEADER in cols and cols[DEPARTMENT_HEADER] < len(row) else ""
        if name not in (None, ""):
            at.setdefault((name_key(dept), name_key(name)), r)
    lines = []
    people = result.people.sort_values("rank", kind="stable", na_position="last").to_dict("records")
    order = {d: i for i, d in enumerate(dict.fromkeys(p["department"] for p in people))}
    for p in sorted(people, key=lambda p: order[p["department"]]):  # a department together, in rank order
        amount = Decimal(0) if p["bonus"] is None else Decimal(p["bonus"])
        r = at.get((name_key(p["department"] or ""), name_key(p["person"])))
        if r is None:
            problems.append(Problem("error", sheet, None, f"{p['person']}（{p['department'] or '未填部门'}）不在"
                                    f"「{sheet}」中；请重新运行 kpicli score 生成评分结果", file=path.name))
            continue
        c = cols[BONUS_HEADER]
        cell = f"{column_letter(c)}{r + 1}"
        shown = rows[r][c] if c < len(rows[r]) else ""
        value = exact_decimal(shown) if not isinstance(shown, str) else None
        if (value if shown not in (None, "") else Decimal(0)) != amount:
            problems.append(Problem("error", sheet, cell, f"{p['person']} 的绩效奖金写着 {shown}，按考核表重新计算是 "
                                    f"{amount:.2f}；结果工作簿被手工改动或用了其他规则，请重新运行 kpicli score",
                                    file=path.name))
            continue
        lines.append(Line(period=str(p["period"] or result.period or ""), company=result.company or "",
                          team=str(p["department"] or ""), name=str(p["person"]), role=str(p["position"] or ""),
                          amount=amount, reason=_reason(p), file=path.name, cell=f"{sheet}!{cell}"))
    absent = result.absent.to_dict("records") if result.absent is not None else []
    for a in absent:  # 考核状态 不参加考核: on the list at 0 with the reason, where the form says it
        lines.append(Line(period=str(a["period"] or result.period or ""), company=result.company or "",
                          team=str(a["department"] or ""), name=str(a["person"]), role="", amount=Decimal(0),
                          reason=f"本期不参加考核（考核状态：{a['reason']}），绩效奖金为 0", file=path.name,
                          cell=f"{a['sheet']}!{a['cell']}" if a["cell"] else str(a["sheet"])))
    return lines, problems


YEAR_TOTAL_HEADER, GRADE_HEADER, K_HEADER, RED_HEADER, REASON_HEADER = "年度总得分", "等级", "绩效系数", "红线", "原因"


def year_lines(path: Path, sheet: str, rows: list[list[object]], missing_rows: list[list[object]],
               changed: list[str] | None) -> tuple[list[Line], list[Problem]]:
    """The year's 绩效奖金 per person from an `annual` workbook of scorecards (its summary `sheet`); the people not
    computed at 0 with the reason of the 未计算名单 (missing_rows). An error when the summary was edited since
    kpicli wrote it (changed: the sheets io.provenance says changed)."""
    import re

    if changed and sheet in changed:
        return [], [Problem("error", sheet, None, f"{path.name} 的「{sheet}」在 kpicli 写出后被改动过；年度绩效奖金只能取自"
                            "未改动的年度汇总，请重新运行 kpicli annual", file=path.name)]
    found = _columns(rows)
    if found is None:
        return [], [Problem("error", sheet, None, f"{path.name} 的「{sheet}」中找不到「{NAME_HEADER}」和「{BONUS_HEADER}」"
                            "表头；请给出 kpicli annual 写出的绩效考核年度汇总", file=path.name)]
    header, cols = found
    title = str(rows[0][0]) if rows and rows[0] else ""
    match = re.search(r"——(.*?)\s*(\d{4})年度?$", title)
    company, period = (match.group(1).strip(), label_of(match.group(2))) if match else ("", "年度")
    reasons = {}
    missing = _columns(missing_rows, REASON_HEADER)
    if missing is not None:
        m_header, m_cols = missing
        for row in missing_rows[m_header + 1:]:
            name = _at(row, m_cols.get(NAME_HEADER))
            if name not in (None, ""):
                reasons[(name_key(_at(row, m_cols.get(DEPARTMENT_HEADER))), name_key(name))] = str(
                    _at(row, m_cols.get(REASON_HEADER)) or "")
    lines, problems = [], []
    for r in range(header + 1, len(rows)):
        row = rows[r]
        name, dept = _at(row, cols[NAME_HEADER]), _at(row, cols.get(DEPARTMENT_HEADER))
        if name in (None, ""):
            if any(v not in (None, "") for v in row[1:]):
                continue
            break  # the table ends at its first empty row (the legend follows)
        total, value = _at(row, cols.get(YEAR_TOTAL_HEADER)), _at(row, cols[BONUS_HEADER])
        cell = f"{column_letter(cols[BONUS_HEADER])}{r + 1}"
        if isinstance(total, str):  # 未计算
            why = reasons.get((name_key(dept), name_key(name)), "")
            amount, reason = Decimal(0), f"未计算年度总得分{('：' + why) if why else ''}，年度绩效奖金为 0"
        else:
            amount = exact_decimal(value) if value not in (None, "") else Decimal(0)
            if amount is None or isinstance(value, str):
                problems.append(Problem("error", sheet, cell, f"{name} 的年度绩效奖金「{value}」不是数字；请重新运行 "
                                        "kpicli annual", file=path.name))
                continue
            reason = (f"年度总得分 {total:.2f}，等级 {_at(row, cols.get(GRADE_HEADER))}，"
                      f"绩效系数 {_at(row, cols.get(K_HEADER))}")
            red = _at(row, cols.get(RED_HEADER))
            if red not in (None, ""):
                reason = f"触及红线：{red}；{reason}"
        lines.append(Line(period=period, company=company, team=str(dept or ""), name=str(name), role="",
                          amount=amount, reason=reason, file=path.name, cell=f"{sheet}!{cell}"))
    return lines, problems


def _at(row: list[object], c: int | None) -> object:
    return row[c] if c is not None and c < len(row) else ""


__all__ = ["bonus_lines", "year_lines"]
