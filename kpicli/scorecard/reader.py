"""Reading scorecard sheets (contract §2) into one tidy frame of indicators, a people table and red lines.

Every cell is parsed once here: rules into Rule objects, actuals into Actual, points into Fractions, 权重 into
points out of 100 (maxima.py). scoring.py works on the frame. The companies' own layouts are read as laid out:
an indicator merged down over several rows (each row its own item), a category column merged the same way,
section rows by their 序号 numeral (一 | 经营指标 | 60), reviewer titles by position (columns.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kpicli.core.vocab import normalize
from kpicli.io.numfmt import NumberShape
from kpicli.io.workbook import NoFormulaValue

from .columns import suspect_message, table_columns
from .layout import (
    HEADER_NAMES,
    INDICATOR,
    UNSAVED_FORMULA,
    Title,
    is_end_cell,
    is_header_row,
    parse_title,
    person_label,
    section_numeral,
    touched_value,
)
from .maxima import resolve_maxima
from .person import read_person, title_row_period
from .rule import ScorecardValueError, parse_rule
from .sheet import Section, SheetRead, cell_ref, letter
from .values import cell_number, display, is_blank, parse_actual, parse_amount, parse_points

POINT_FIELDS = ("self", "reviewer1", "reviewer2")
CELL_FIELDS = ("indicator", "max", "rule", "actual", "self", "reviewer1", "reviewer2", "typed_score")
INDICATOR_COLUMNS: list[str] = [
    "sheet", "row", "person", "department", "position", "section_index", "section", "section_weight",
    "section_subtotal", "indicator", "layout", "max_points", "cap", "rule_text", "rule", "actual_raw", "actual",
    "self_raw", "self", "reviewer1_raw", "reviewer1", "reviewer2_raw", "reviewer2", "typed_score_raw",
    *(f"{f}_cell" for f in CELL_FIELDS),
]
_LABEL_LENGTH = 20  # of the 指标要求 that tells apart the rows of one merged indicator

__all__ = ["INDICATOR_COLUMNS", "POINT_FIELDS", "Section", "SheetRead", "cell_ref", "read_sheet",
           "resolve_maxima"]


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


def read_sheet(name: str, rows: list[list[object]], covered: dict[tuple[int, int], tuple[int, int]],
               shapes: dict[tuple[int, int], NumberShape] | None = None) -> SheetRead:
    """One scorecard sheet. covered: each cell inside a merged range (not its top-left) → that top-left cell;
    shapes: the cells whose number format shows a percentage or fixed decimals."""
    out = SheetRead(name, shapes=shapes or {})
    scan = _Scan.of(rows)
    headers = scan.headers
    first = min(headers)
    start = next((r for r in range(first) if _title_row(rows, r, scan)), first)
    read_person(rows, start, out, scan.filled)
    title_row_period(rows, first, out)
    section = Section(0, Title(None), None)
    cols: dict[str, int] | None = None
    ended: tuple[dict[str, int], str] | None = None  # the columns of a table that ended at a 合计 row, and that row
    suspects: dict[int, tuple[str, str]] = {}
    pending: Section | None = None
    dimension: str | None = None
    table = 0
    for r in range(start, len(rows)):
        row = rows[r]
        if r in headers:
            cols, suspects, problems = table_columns(row, r, name)
            out.problems.extend(problems)
            ended = None
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
                ended = (cols, cell_ref(r, filled[0]))
            cols = None
            continue
        title = _title_row(rows, r, scan)
        if title is not None:
            pending, cols, ended = Section(len(out.sections) + 1, parse_title(title), cell_ref(r, filled[0])), None, None
            continue
        if cols is None:
            if ended is not None:
                _below_end(row, r, ended, out)
            continue
        if section_numeral(_get(row, cols, "seq")):
            section = _numbered_section(row, r, cols, out)
            continue
        ind = cols[INDICATOR]
        anchor = covered.get((r, ind))
        if anchor is not None and not _own_row(row, r, cols, covered, out):
            continue  # continuation of an item merged down over several rows
        text = rows[anchor[0]][anchor[1]] if anchor is not None else row[ind] if ind < len(row) else None
        if is_blank(text):
            section = _section_row(row, r, filled, cols, section, out)
            continue
        if "dimension" in cols:
            cell = (r, cols["dimension"])
            top = covered.get(cell, cell)
            category = rows[top[0]][top[1]]
            if not is_blank(category) and normalize(category) != dimension:
                dimension = normalize(category)
                section = Section(len(out.sections) + 1, parse_title(category), cell_ref(*top))
                out.sections.append(section)
        if section.title.redline:
            _red_line(row, r, cols, text, out)
            continue
        rule_cell = (r, cols["rule"]) if "rule" in cols else None
        rule_top = covered.get(rule_cell, rule_cell) if rule_cell else None  # a 计分方式 merged down fills down
        _item(row, r, cols, section, text, rows[rule_top[0]][rule_top[1]] if rule_top else None, out)
        item = out.items[-1]
        item["table"] = table
        item["_merge"] = anchor or (r, ind)
        requirement = _get(row, cols, "requirement")  # as typed: its own punctuation stays
        item["_requirement"] = " ".join(requirement.split()) if isinstance(requirement, str) else display(requirement)
        _suspects(row, suspects, out)
    _tell_merged_apart(out)
    return out


def _own_row(row: list[object], r: int, cols: dict[str, int], covered: dict, out: SheetRead) -> bool:
    """A row whose 考核指标 is merged with the row above: its own item when it has its own 权重/标准分 or values;
    a continuation (the item written over several rows) when everything is merged or blank."""
    own = [k for k in ("weight", "standard", "actual", *POINT_FIELDS)
           if k in cols and (r, cols[k]) not in covered and not is_blank(_get(row, cols, k))]
    if not own:
        return False
    key = "weight" if "weight" in cols else "standard"
    if key in cols and (r, cols[key]) in covered:
        out.problem("error", cell_ref(r, cols[own[0]]), f"这一行的考核指标和{HEADER_NAMES[key]}都与上一行合并，"
                    f"却单独填了{HEADER_NAMES[own[0]]}；请把分数填在合并区域的第一行，或拆开合并、每行写上{HEADER_NAMES[key]}")
        return False
    return True


def _tell_merged_apart(out: SheetRead) -> None:
    """The rows of one merged indicator are told apart by their 指标要求 (or row): 预售证办理（2号楼…）."""
    groups: dict[object, list[dict[str, object]]] = {}
    for item in out.items:
        groups.setdefault(item.pop("_merge"), []).append(item)
    for group in groups.values():
        for item in group:
            requirement = item.pop("_requirement")
            if len(group) > 1:
                label = requirement if len(requirement) <= _LABEL_LENGTH else requirement[:_LABEL_LENGTH] + "…"
                item["indicator"] = f"{item['indicator']}（{label or '第' + str(item['row']) + '行'}）"


def _below_end(row: list[object], r: int, ended: tuple[dict[str, int], str], out: SheetRead) -> None:
    """A row under a 合计 row that still has an indicator with 权重/标准分 or scores: never silently left out."""
    cols, end = ended
    if is_blank(_get(row, cols, INDICATOR)):
        return
    if any(cell_number(_get(row, cols, k)) is not None for k in ("weight", "standard", *POINT_FIELDS)):
        out.problem("error", cell_ref(r, cols[INDICATOR]), f"这一行在合计行（{end}）下面，填了考核指标和分值，但合计行"
                    "以下不计分；请把它移到合计行上面（并把合计改到它下面），或删除这一行")


def _suspects(row: list[object], suspects: dict[int, tuple[str, str]], out: SheetRead) -> None:
    """A score-like header (部门经理得分 …) over numbers is an error at the header cell, said once."""
    for c in [c for c in suspects if c < len(row) and cell_number(row[c]) is not None]:
        cell, header = suspects.pop(c)
        out.problem("error", cell, suspect_message(header))


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


def _numbered_section(row: list[object], r: int, cols: dict[str, int], out: SheetRead) -> Section:
    """A row whose 序号 is a section numeral (一 | 经营指标 | 60): its 考核指标 names the section, its 权重/标准分 is
    the section's weight or points subtotal (maxima.py decides which under 权重). Never an item: a score on it is
    an error, never dropped."""
    scored = [k for k in ("actual", *POINT_FIELDS) if not is_blank(_get(row, cols, k))]
    if scored:
        out.problem("error", cell_ref(r, cols[scored[0]]), f"序号「{display(_get(row, cols, 'seq'))}」是部分编号，这一行"
                    f"是部分行，却填了{HEADER_NAMES[scored[0]]}；指标请用 1、2、3 编号，部分行不填分数")
    name = _get(row, cols, INDICATOR)
    title = parse_title(name if not is_blank(name) else "")
    value = parse_amount(_get(row, cols, "weight" if "weight" in cols else "standard"))
    row_value = None
    if value is not None and title.weight is None and title.subtotal is None:
        if "standard" in cols and not value.percent:
            title = Title(title.name, None, value.value, title.redline)
        else:
            row_value = value
    new = Section(len(out.sections) + 1, title, cell_ref(r, cols.get("seq", cols[INDICATOR])), row_value)
    out.sections.append(new)
    return new


def _typed_total(row: list[object], r: int, cols: dict[str, int], table: int, out: SheetRead) -> None:
    key = "weight" if "weight" in cols else "standard"
    typed = parse_amount(_get(row, cols, key)) if key in cols else None
    if typed is not None:
        out.typed_totals.append((table, typed, cell_ref(r, cols[key])))


def _red_line(row: list[object], r: int, cols: dict[str, int], text: object, out: SheetRead) -> None:
    key = "touched" if "touched" in cols else "actual" if "actual" in cols else None
    name = display(text)
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


def _item(row: list[object], r: int, cols: dict[str, int], section: Section, text: object, rule_raw: object,
          out: SheetRead) -> None:
    # run once per person × indicator: cell names are built from the cached column letters, each cell read once
    n = r + 1
    max_key = "weight" if "weight" in cols else "standard"
    title = section.title
    ind = cols[INDICATOR]
    item: dict[str, object] = {"row": n, "section_index": section.index, "section": title.name,
                               "section_weight": title.weight, "section_subtotal": title.subtotal,
                               "indicator": display(text), "indicator_cell": f"{letter(ind)}{n}"}
    c = cols.get(max_key)
    item["max_cell"] = None if c is None else f"{letter(c)}{n}"
    for key, name in _CELL_KEYS:
        c = cols.get(name)
        item[key] = None if c is None else f"{letter(c)}{n}"
    item["max_raw"] = _get(row, cols, max_key)
    item["rule_text"] = display(rule_raw)
    try:
        item["rule"] = parse_rule(rule_raw)
    except ScorecardValueError as exc:
        item["rule"] = None
        out.problem("error", item["rule_cell"], exc.message)
    item["actual_raw"] = raw = _get(row, cols, "actual")
    item["actual"] = actual = parse_actual(None if isinstance(raw, NoFormulaValue) else raw)  # said once, here
    shape = out.shapes.get((r, cols["actual"])) if "actual" in cols and out.shapes else None
    if shape is not None and actual.amount is not None:
        item["actual"] = replace(actual, shape=shape)
    if isinstance(raw, NoFormulaValue):
        out.problem("error", item["actual_cell"], f"实际完成是{UNSAVED_FORMULA}")
    for key, raw_key, cell_key in _POINT_KEYS:
        raw = _get(row, cols, key)
        item[raw_key] = raw
        if is_blank(raw):
            item[key] = None
            continue
        item[key] = points = None if isinstance(raw, NoFormulaValue) else parse_points(raw)
        if isinstance(raw, NoFormulaValue):
            out.problem("error", item[cell_key], f"{HEADER_NAMES[key]}是{UNSAVED_FORMULA}")
        elif points is None:
            out.problem("error", item[cell_key], f"{HEADER_NAMES[key]}「{display(raw)}」不是数字；请填写分数")
    item["typed_score_raw"] = _get(row, cols, "typed_score")
    out.items.append(item)


