"""The person block of a scorecard sheet (contract §2): label/value cells above the first table, the period from
the title when no 考核期间 is filled, and the 考核状态 mark of a person not assessed this period."""

from __future__ import annotations

from kpicli.core.period import parse_period
from kpicli.core.vocab import normalize

from .layout import not_assessed, parse_base, person_label, title_period
from .sheet import SheetRead, cell_ref
from .values import display, is_blank

LABEL_NAMES = {"name": "姓名", "department": "部门", "position": "岗位", "period": "考核期间", "base": "绩效奖金基数",
               "company": "公司名称", "status": "考核状态"}
ASSESSED_WORDS = frozenset({"参加考核", "参与考核", "正常", "在岗", "是"})


def read_person(rows: list[list[object]], stop: int, out: SheetRead, filled: list[list[int]] | None = None) -> None:
    """Label/value cells (or 标签:值) in the rows above the first table (filled: the non-blank columns of each row,
    when the caller has them)."""
    for r in range(stop):
        row = rows[r]
        for c in (filled[r] if filled is not None else range(len(row))):
            value = row[c]
            found = person_label(value)
            if found is None:
                continue
            key, inline = found
            if inline is not None:
                _set_person(out, key, inline, cell_ref(r, c))
                continue
            nxt = next((k for k in range(c + 1, len(row)) if not is_blank(row[k])), None)
            if nxt is not None and person_label(row[nxt]) is None:
                _set_person(out, key, row[nxt], cell_ref(r, nxt))
            else:
                out.person.setdefault(f"{key}_label", cell_ref(r, c))  # the label of an empty field


def _set_person(out: SheetRead, key: str, value: object, cell: str) -> None:
    if key in out.person:
        out.problem("error", cell, f"「{LABEL_NAMES[key]}」在表头区出现了两次；请只保留一处")
        return
    out.person[f"{key}_cell"] = cell
    if key == "period":
        found = parse_period(value)
        period = found.label if found is not None else None
        if period is None:
            out.problem("error", cell, f"考核期间「{display(value)}」无法识别；请写成 2026年3月、2026年第1季度 或 2026年度")
        out.person["period_raw"] = display(value)
        value = period
    elif key == "base":
        base = parse_base(value)
        if base is None or base < 0:
            out.problem("error", cell, f"绩效奖金基数「{display(value)}」应为不小于 0 的数字（如 5000）")
        value = base
    else:
        value = display(value) or None
    out.person[key] = value


def title_row_period(rows: list[list[object]], stop: int, out: SheetRead) -> None:
    """No 考核期间 filled: a period inside a title cell above the first table is the period, with an info line."""
    if out.person.get("period") is not None or "period_raw" in out.person:
        return
    for r in range(stop):
        for c, value in enumerate(rows[r]):
            if person_label(value) is not None:
                continue
            period = title_period(value)
            if period is not None:
                cell = cell_ref(r, c)
                out.person.update(period=period, period_raw=display(value), period_cell=cell)
                out.problem("info", cell, f"表头区没有填写考核期间，按标题「{display(value)}」取考核期间为 {period}")
                return


def assessment_status(out: SheetRead) -> str | None:
    """The reason a person is not assessed this period (the 考核状态 text), None when assessed; an unreadable
    status is an error naming its cell."""
    status = out.person.get("status")
    if status is None:
        return None
    text = normalize(status)
    if not_assessed(status) or text == "否":
        return str(status)
    if text not in ASSESSED_WORDS:
        out.problem("error", out.person.get("status_cell"), f"考核状态「{status}」无法识别；本期不参加考核的人请填"
                    "「不参加考核」（可加原因，如 不参加考核（4月入职）），参加考核请留空")  # type: ignore[arg-type]
    return None


__all__ = ["LABEL_NAMES", "assessment_status", "read_person", "title_row_period"]
