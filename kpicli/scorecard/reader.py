"""Reading scorecard sheets (contract §2) into one tidy frame of indicators, a people table and red lines.

Every cell is parsed once here: rules into Rule objects, actuals into Actual, points into Fractions, 权重 into
points out of 100. scoring.py works on the frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from kpicli.core.errors import Problem
from kpicli.core.period import parse_period
from kpicli.core.vocab import column_letter, normalize

from .apply import check_rule
from .layout import (
    HEADER_NAMES,
    INDICATOR,
    Title,
    header_field,
    is_end_cell,
    is_header_row,
    parse_base,
    parse_title,
    person_label,
    touched_value,
)
from .rule import Rule, ScorecardValueError, parse_rule
from .values import Amount, cell_number, display, fmt, is_blank, parse_actual, parse_amount, parse_points

POINT_FIELDS = ("self", "reviewer1", "reviewer2")
CELL_FIELDS = ("indicator", "max", "rule", "actual", "self", "reviewer1", "reviewer2", "typed_score")
INDICATOR_COLUMNS: list[str] = [
    "sheet", "row", "person", "department", "position", "section_index", "section", "section_weight",
    "section_subtotal", "indicator", "layout", "max_points", "cap", "rule_text", "rule", "actual_raw", "actual",
    "self_raw", "self", "reviewer1_raw", "reviewer1", "reviewer2_raw", "reviewer2", "typed_score_raw",
    *(f"{f}_cell" for f in CELL_FIELDS),
]


def cell_ref(r: int, c: int) -> str:
    return f"{_letter(c)}{r + 1}"


_letter = lru_cache(maxsize=1024)(column_letter)


@dataclass
class Section:
    index: int
    title: Title
    cell: str | None


@dataclass
class SheetRead:
    """One scorecard sheet as read: its person, items, red-line items, sections and problems."""

    sheet: str
    person: dict[str, object] = field(default_factory=dict)
    items: list[dict[str, object]] = field(default_factory=list)
    red_lines: list[dict[str, object]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    layout: str | None = None  # 权重 or 标准分
    typed_totals: list[tuple[int, Amount, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, level: str, cell: str | None, message: str) -> None:
        self.problems.append(Problem(level, self.sheet, cell, message))  # type: ignore[arg-type]


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


def _set_person(out: SheetRead, key: str, value: object, cell: str) -> None:
    if key in out.person:
        out.problem("error", cell, f"「{_LABEL_NAMES[key]}」在表头区出现了两次；请只保留一处")
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


_LABEL_NAMES = {"name": "姓名", "department": "部门", "position": "岗位", "period": "考核期间", "base": "绩效奖金基数",
                "company": "公司名称"}


def _columns(row: list[object], r: int, out: SheetRead) -> dict[str, int]:
    cols: dict[str, int] = {}
    for c, value in enumerate(row):
        if is_blank(value):
            continue
        name = header_field(value)
        if name is None:
            out.problem("info", cell_ref(r, c), f"「{display(value)}」列不是绩效考核表的已知列，已忽略")
        elif name in cols:
            out.problem("error", cell_ref(r, c), f"表头「{display(value)}」与 {cell_ref(r, cols[name])} 重复；请只保留一列")
        else:
            cols[name] = c
    if "weight" in cols and "standard" in cols:
        out.problem("error", cell_ref(r, cols["standard"]), "同一张表不能既有「权重」列又有「标准分」列；请只保留一种")
    return cols


@dataclass
class _Scan:
    """What read_sheet asks of every row more than once, worked out in one pass over the cells."""

    filled: list[list[int]]  # the non-blank columns of each row
    following: list[int | None]  # the next row below with a non-blank cell
    headers: set[int]  # header rows (a 考核指标 column)

    @classmethod
    def of(cls, rows: list[list[object]]) -> _Scan:
        # the padding of a dense grid is '': one comparison for most cells
        filled = [[c for c, v in enumerate(row) if v is not None and v != "" and not is_blank(v)] for row in rows]
        following: list[int | None] = [None] * len(rows)
        nxt = None
        for r in range(len(rows) - 1, -1, -1):
            following[r] = nxt
            if filled[r]:
                nxt = r
        headers = {r for r, row in enumerate(rows) if filled[r] and is_header_row([row[c] for c in filled[r]])}
        return cls(filled, following, headers)


def _title_row(rows: list[list[object]], r: int, scan: _Scan) -> str | None:
    """The text of a section title at row r: one text cell, no label, a header row below (blanks between)."""
    cells = [rows[r][c] for c in scan.filled[r]]
    if len(cells) != 1 or not isinstance(cells[0], str) or person_label(cells[0]) or is_end_cell(cells[0]):
        return None
    return cells[0] if scan.following[r] in scan.headers else None


def read_sheet(name: str, rows: list[list[object]], covered: set[tuple[int, int]]) -> SheetRead:
    """One scorecard sheet. covered: cells inside a merged range (not its top-left)."""
    out = SheetRead(name)
    scan = _Scan.of(rows)
    headers = scan.headers
    first = min(headers)
    start = next((r for r in range(first) if _title_row(rows, r, scan)), first)
    read_person(rows, start, out, scan.filled)
    section = Section(0, Title(None), None)
    cols: dict[str, int] | None = None
    pending: Section | None = None
    dimension: str | None = None
    table = 0
    for r in range(start, len(rows)):
        row = rows[r]
        if r in headers:
            cols = _columns(row, r, out)
            table += 1
            kind = "权重" if "weight" in cols else "标准分" if "standard" in cols else None
            if kind and out.layout and kind != out.layout:
                out.problem("error", cell_ref(r, cols[INDICATOR]), f"本表前面用「{out.layout}」，这里用「{kind}」；一张表请只用一种")
            out.layout = out.layout or kind
            if pending is not None:
                section, pending = pending, None
                out.sections.append(section)
            dimension = None
            continue
        filled = scan.filled[r]
        if not filled:
            continue
        if is_end_cell(row[filled[0]]):
            if cols is not None:
                _typed_total(row, r, cols, table, out)
            cols = None
            continue
        title = _title_row(rows, r, scan)
        if title is not None:
            pending, cols = Section(len(out.sections) + 1, parse_title(title), cell_ref(r, filled[0])), None
            continue
        if cols is None:
            continue
        ind = cols[INDICATOR]
        if (r, ind) in covered:
            continue  # continuation of a vertically merged item
        if is_blank(row[ind] if ind < len(row) else None):
            section = _section_row(row, r, filled, cols, section, out)
            continue
        if "dimension" in cols:
            text = row[cols["dimension"]]
            if not is_blank(text) and normalize(text) != dimension:
                dimension = normalize(text)
                section = Section(len(out.sections) + 1, parse_title(text), cell_ref(r, cols["dimension"]))
                out.sections.append(section)
        if section.title.redline:
            _red_line(row, r, cols, out)
        else:
            _item(row, r, cols, section, out)
            out.items[-1]["table"] = table
    return out


def _get(row: list[object], cols: dict[str, int], key: str) -> object:
    c = cols.get(key)
    return row[c] if c is not None and c < len(row) else None


def _section_row(row: list[object], r: int, filled: list[int], cols: dict[str, int], section: Section,
                 out: SheetRead) -> Section:
    """A row without indicator: a section row (text in the first cells), or values with no indicator (error)."""
    scored = [k for k in ("actual", *POINT_FIELDS) if not is_blank(_get(row, cols, k))]
    if scored:
        out.problem("error", cell_ref(r, cols[INDICATOR]),
                    f"此行填了「{HEADER_NAMES[scored[0]]}」但没有考核指标；请填写考核指标或删除此行")
        return section
    first = row[filled[0]]
    if filled[0] > cols[INDICATOR] or not isinstance(first, str) or cell_number(first) is not None:
        return section
    title = parse_title(first)
    max_col = cols.get("weight", cols.get("standard"))
    subtotal = cell_number(_get(row, cols, "standard")) if max_col == cols.get("standard") else None
    if title.subtotal is None and title.weight is None and subtotal is not None:
        title = Title(title.name, None, subtotal, title.redline)
    new = Section(len(out.sections) + 1, title, cell_ref(r, filled[0]))
    out.sections.append(new)
    return new


def _typed_total(row: list[object], r: int, cols: dict[str, int], table: int, out: SheetRead) -> None:
    key = "weight" if "weight" in cols else "standard"
    typed = parse_amount(_get(row, cols, key)) if key in cols else None
    if typed is not None:
        out.typed_totals.append((table, typed, cell_ref(r, cols[key])))


def _red_line(row: list[object], r: int, cols: dict[str, int], out: SheetRead) -> None:
    key = "touched" if "touched" in cols else "actual" if "actual" in cols else None
    name = display(row[cols[INDICATOR]])
    if key is None:
        out.problem("error", cell_ref(r, cols[INDICATOR]), "红线（电网）表缺少「是否触及」列；请在表头加上「是否触及」")
        return
    value = _get(row, cols, key)
    touched = touched_value(value)
    cell = cell_ref(r, cols[key])
    if touched is None:
        out.problem("error", cell, f"「{display(value)}」无法识别；是否触及请填 是/否（或 触及/未触及、有/无）")
    out.red_lines.append({"item": name, "touched": bool(touched), "value": display(value), "cell": cell})


# (item key, header field) of the cells an item names besides its indicator and maximum, and of its points
_CELL_KEYS = tuple((f"{k}_cell", k) for k in ("rule", "actual", *POINT_FIELDS, "typed_score"))
_POINT_KEYS = tuple((k, f"{k}_raw", f"{k}_cell") for k in POINT_FIELDS)


def _item(row: list[object], r: int, cols: dict[str, int], section: Section, out: SheetRead) -> None:
    # run once per person × indicator: cell names are built from the cached column letters, each cell read once
    n = r + 1
    max_key = "weight" if "weight" in cols else "standard"
    title = section.title
    ind = cols[INDICATOR]
    item: dict[str, object] = {"row": n, "section_index": section.index, "section": title.name,
                               "section_weight": title.weight, "section_subtotal": title.subtotal,
                               "indicator": display(row[ind]), "indicator_cell": f"{_letter(ind)}{n}"}
    c = cols.get(max_key)
    item["max_cell"] = None if c is None else f"{_letter(c)}{n}"
    for key, name in _CELL_KEYS:
        c = cols.get(name)
        item[key] = None if c is None else f"{_letter(c)}{n}"
    item["max_raw"] = _get(row, cols, max_key)
    rule_raw = _get(row, cols, "rule")
    item["rule_text"] = display(rule_raw)
    try:
        item["rule"] = parse_rule(rule_raw)
    except ScorecardValueError as exc:
        item["rule"] = None
        out.problem("error", item["rule_cell"], exc.message)
    item["actual_raw"] = raw = _get(row, cols, "actual")
    item["actual"] = parse_actual(raw)
    for key, raw_key, cell_key in _POINT_KEYS:
        raw = _get(row, cols, key)
        item[raw_key] = raw
        if is_blank(raw):
            item[key] = None
            continue
        item[key] = points = parse_points(raw)
        if points is None:
            out.problem("error", item[cell_key], f"{HEADER_NAMES[key]}「{display(raw)}」不是数字；请填写分数")
    item["typed_score_raw"] = _get(row, cols, "typed_score")
    out.items.append(item)


def resolve_maxima(out: SheetRead) -> None:
    """mᵢ for every item: 标准分 as points; 权重 as a percentage (30%, or plain numbers summing to 100 or 1)."""
    items = out.items
    amounts = []
    for item in items:
        amount = parse_amount(item["max_raw"])
        what = out.layout or "权重/标准分"
        if item["max_cell"] is None:
            out.problem("error", item["indicator_cell"], "此表没有「权重」或「标准分」列；请在表头加上其中一列")
            amount = None
        elif amount is None or amount.value <= 0 or (amount.percent and out.layout == "标准分"):
            hint = "（如 30% 或 30）" if out.layout == "权重" else "（如 10）"
            out.problem("error", item["max_cell"], f"{what}「{display(item['max_raw'])}」应为正数{hint}")
            amount = None
        amounts.append(amount)
    if out.layout == "权重":
        _weights_to_points(items, amounts, out)
    else:
        for item, amount in zip(items, amounts):
            item["max_points"] = amount.value if amount else None
    for item in items:
        rule, m = item.get("rule"), item.get("max_points")
        item["cap"] = None
        if isinstance(rule, Rule) and m is not None:
            for message in check_rule(rule, m):
                out.problem("error", item["rule_cell"], message)
            item["cap"] = rule.cap(m)
    _check_typed_totals(out)


def _weights_to_points(items: list[dict], amounts: list, out: SheetRead) -> None:
    kinds = {a.percent for a in amounts if a is not None}
    factor: Fraction | None = Fraction(1)
    if len(kinds) > 1:
        out.problem("error", items[0]["max_cell"], "权重列混用了百分数（30%）和普通数字（30 或 0.3）；一张表请只用一种写法")
        factor = None
    elif kinds == {False}:
        weighted = any(s.title.weight is not None for s in out.sections)
        groups: dict[object, Fraction] = {}
        for item, amount in zip(items, amounts):
            key = item["section_index"] if weighted else None
            groups[key] = groups.get(key, Fraction(0)) + (amount.value if amount else 0)
        sums = set(groups.values())
        if sums <= {Fraction(100)}:
            factor = Fraction(1)
        elif sums <= {Fraction(1)}:
            factor = Fraction(100)
        else:
            where = "各部分" if weighted else "全表"
            listed = "、".join(fmt(s) for s in groups.values())
            out.problem("error", items[0]["max_cell"], f"权重写成普通数字时，{where}权重之和应为 100 或 1，实际为 {listed}；"
                        "请改成百分数（如 30%）或改正权重")
            factor = None
    for item, amount in zip(items, amounts):
        item["max_points"] = amount.value * factor if amount is not None and factor is not None else None


def _check_typed_totals(out: SheetRead) -> None:
    """A typed 合计 is never used; when its 权重/标准分 differs from Σ mᵢ (of its table or the sheet), say so."""
    whole = sum((i["max_points"] for i in out.items if i.get("max_points") is not None), Fraction(0))
    for table, typed, cell in out.typed_totals:
        mine = sum((i["max_points"] for i in out.items if i["table"] == table and i.get("max_points") is not None),
                   Fraction(0))
        value = typed.value
        candidates = {value} if typed.percent or out.layout == "标准分" else {value, value * 100}
        if not candidates & {mine, whole}:
            out.problem("info", cell, f"合计行填的 {display(typed)} 与各项{out.layout}之和 {fmt(mine)} 不同；"
                        "kpicli 不使用手填的合计")
