"""A function sheet of the checklist → tidy rows, one per (function, group, item), with cell coordinates.

Columns are found by header text (contract §3), never by letter. Only structure and the value
vocabulary are judged here; which check counts and what it earns depend on the rules (scoring.py).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from kpicli.checklist.sheet_layout import Layout, find_layout, group_label
from kpicli.checklist.words import SUMMARY_NAMES, parse_level, parse_result
from kpicli.core.errors import Problem
from kpicli.core.vocab import clean_label, column_letter, exact_decimal, normalize
from kpicli.io.distinct import factorize_cells
from kpicli.io.workbook import ExcelError, Grid, NoFormulaValue

ITEM_FRAME_COLUMNS = [
    "function", "sheet", "group", "is_company", "order", "row", "item_id", "seq", "stage", "name",
    "level", "points", "self_raw", "check_raw", "remark", "self_value", "self_fraction",
    "check_value", "check_fraction", "self_cell", "check_cell", "name_cell", "level_cell", "code_cell",
]


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank_mask(values: np.ndarray) -> np.ndarray:
    """Empty cells: '' or None in C speed; only the few distinct texts are checked for white space only."""
    blank = (values == "") | pd.isna(values)
    texts = {v for v in pd.unique(values[~blank].ravel()) if isinstance(v, str) and not v.strip()}
    if texts:
        blank |= np.isin(values, list(texts))
    return blank


def parse_sheet(grid: Grid, function: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Tidy item rows of one function sheet, and the problems found in it."""
    layout, problems = find_layout(grid, function)
    if layout is None or any(p.level == "error" for p in problems):
        return empty_items(), problems
    sheet = grid.name
    first = layout.first_item_row
    dense = grid.dense()
    problems += _expand_merges(grid, layout, dense) + _merged_levels(grid, layout, dense)
    dense = dense[first:]
    if not dense:
        return empty_items(), problems
    # One extra all-blank column stands in for a group's missing 自查/检查/备注 column.
    values = np.array([[*row, None] for row in dense], dtype=object)
    blank = _blank_mask(values)
    values[blank] = None
    missing_col = values.shape[1] - 1
    rows = np.arange(first + 1, first + 1 + len(values))  # Excel row numbers
    cols = layout.item_cols
    result_cols = [c for g in layout.groups for c in (g.self_col, g.check_col) if c is not None]
    has_result = ~blank[:, result_cols].all(axis=1)
    name_blank = blank[:, cols["name"]]
    is_summary = _summary_rows(values[:, list(cols.values())]) & ~_coded_rows(values, blank, cols, has_result)
    for row in rows[name_blank & has_result & ~is_summary]:
        problems.append(Problem("error", sheet, f"{column_letter(cols['name'])}{row}",
                                "这一行填了检查结果，但没有触点名称；请补上触点名称，或清空这一行的结果"))
    # Stage: fill down the stage column (often merged vertically); without one, stage-label rows set it.
    if "stage" in cols:
        stage = pd.Series(values[:, cols["stage"]]).ffill()
    else:
        label_rows = name_blank & ~has_result & ~blank.all(axis=1)
        first_text = values[np.arange(len(values)), (~blank).argmax(axis=1)]
        stage = pd.Series(np.where(label_rows, first_text, None)).ffill()
    notes = _note_rows(blank, name_blank, is_summary)
    for row, text in zip(rows[notes], values[notes, cols["name"]]):
        problems.append(Problem("info", sheet, f"{column_letter(cols['name'])}{row}",
                                f"「{clean_label(text)}」这一行只有文字，没有触点等级和检查结果，视为表格下方的说明，"
                                "不计分；如果它是触点，请填写触点等级和结果"))
    keep = ~name_blank & ~is_summary & ~notes
    kept_rows = rows[keep]
    for row in kept_rows[np.isin(kept_rows - 1, list(grid.hidden_rows))] if grid.hidden_rows else ():
        problems.append(Problem("info", sheet, f"{column_letter(cols['name'])}{row}",
                                "这些触点所在的行被隐藏了，但照常计分；如果隐藏是为了去掉这个触点，"
                                "请删除整行，或把结果改为「不适用」"))
    items = pd.DataFrame({
        "row": kept_rows,
        "order": np.arange(len(kept_rows)),
        **{key: values[keep, cols[key]] if key in cols else None for key in ("item_id", "seq", "name", "level", "points")},
        "stage": stage[keep].map(group_label, na_action="ignore").to_numpy() if stage.notna().any() else None,
    }, index=kept_rows)
    items["name"] = items["name"].map(clean_label)
    items["item_id"] = items["item_id"].map(clean_label, na_action="ignore")
    items["name_cell"] = column_letter(cols["name"]) + items["row"].astype(str)
    level_col = cols.get("level", cols.get("points", cols["name"]))
    items["level_cell"] = column_letter(level_col) + items["row"].astype(str)
    items["code_cell"] = column_letter(cols.get("item_id", cols["name"])) + items["row"].astype(str)
    problems += _check_items(items, layout)
    columns = _melt_groups(items.reset_index(drop=True), values[keep], layout, missing_col)
    columns["function"], columns["sheet"] = function, sheet
    problems += _classify_values(columns)
    return pd.DataFrame({key: columns[key] for key in ITEM_FRAME_COLUMNS}), problems


def _note_rows(blank: np.ndarray, name_blank: np.ndarray, is_summary: np.ndarray) -> np.ndarray:
    """Rows under the table with text only in 触点名称 (a note someone typed): not touchpoints."""
    only_name = ~name_blank & (blank.sum(axis=1) == blank.shape[1] - 1)
    real = np.flatnonzero(~name_blank & ~only_name & ~is_summary)
    below = np.arange(len(blank)) > (real[-1] if len(real) else -1)
    return only_name & below


def _expand_merges(grid: Grid, layout: Layout, dense: list[list[object]]) -> list[Problem]:
    """A value merged over several result cells applies to each of them (Excel keeps it in the first cell only),
    said in a warning naming the range. Only item rows (with a 触点名称) are filled."""
    owner: dict[int, tuple[str, str]] = {}
    for g in layout.groups:
        for kind in ("self", "check", "remark"):
            c = getattr(g, f"{kind}_col")
            if c is not None:
                owner[c] = (g.name, kind)
    name_col = layout.item_cols.get("name")
    problems: list[Problem] = []
    labels = {"self": "自查", "check": "检查", "remark": "备注"}
    for (r0, c0), (r1, c1) in grid.merged:
        value = grid.cell(r0, c0)
        if r0 < layout.first_item_row or c0 not in owner or (r0, c0) == (r1, c1) or _is_blank(value):
            continue
        cols = [c for c in range(c0, c1 + 1) if c in owner]
        rows = [r for r in range(r0, min(r1 + 1, len(dense))) if name_col is None or not _is_blank(dense[r][name_col])]
        filled = [(r, c) for r in rows for c in cols if (r, c) != (r0, c0)]
        if not filled:
            continue
        for r, c in filled:
            dense[r][c] = value
        groups = list(dict.fromkeys(owner[c][0] for c in cols))
        kinds = "、".join(dict.fromkeys(labels[owner[c][1]] for c in cols))
        across = f"；合并范围跨越了{'、'.join(f'「{g}」' for g in groups)}的列，这些项目都按此计" if len(groups) > 1 else ""
        where = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        problems.append(Problem(
            "warning", grid.name, where,
            f"合并单元格 {where} 中的「{display_value(value)}」已用于其中每个触点的{kinds}（共 {len(filled) + 1} 格）"
            f"{across}；如果不是每一格都应为「{display_value(value)}」，请取消合并后逐格填写",
            project="、".join(groups), lead=True))
    return problems


def _merged_levels(grid: Grid, layout: Layout, dense: list[list[object]]) -> list[Problem]:
    """A 触点等级 (or 分值) cell merged down over several touchpoint rows: each row takes the merge's value (Excel
    keeps it in the first cell only), said in an info line naming the range."""
    labels = {"level": "触点等级", "points": "分值"}
    name_col = layout.item_cols.get("name")
    problems: list[Problem] = []
    for key, label in labels.items():
        col = layout.item_cols.get(key)
        if col is None:
            continue
        for (r0, c0), (r1, c1) in grid.merged:
            value = grid.cell(r0, c0)
            if c0 != col or c1 != col or r1 == r0 or r0 < layout.first_item_row or _is_blank(value):
                continue
            rows = [r for r in range(r0 + 1, min(r1 + 1, len(dense)))
                    if name_col is None or not _is_blank(dense[r][name_col])]
            for r in rows:
                dense[r][col] = value
            if rows:
                where = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
                problems.append(Problem("info", grid.name, where,
                                        f"合并单元格 {where} 的{label}「{display_value(value)}」已用于其中每一行的触点"
                                        f"（共 {len(rows) + 1} 行）；如果各行的{label}不同，请取消合并后逐行填写"))
    return problems


def _summary_rows(descriptive: np.ndarray) -> np.ndarray:
    """Rows whose item columns hold a 合计/小计… label: each distinct text is normalised once."""
    texts = pd.unique(descriptive[pd.notna(descriptive)].ravel())
    labels = [t for t in texts if normalize(t) in SUMMARY_NAMES]
    if not labels:
        return np.zeros(len(descriptive), dtype=bool)
    return np.isin(descriptive, labels).any(axis=1)


def _coded_rows(values: np.ndarray, blank: np.ndarray, cols: dict[str, int], has_result: np.ndarray) -> np.ndarray:
    """Rows with a 触点编号, a readable level and results: touchpoints whatever their name (a touchpoint may be
    named 完成率), never summary rows."""
    if "item_id" not in cols or "level" not in cols:
        return np.zeros(len(values), dtype=bool)
    coded = ~blank[:, cols["item_id"]] & has_result
    if not coded.any():
        return coded
    levels = values[coded, cols["level"]]
    coded[coded] = [parse_level(v) is not None for v in levels]
    return coded


def _melt_groups(items: pd.DataFrame, values: np.ndarray, layout: Layout, missing_col: int) -> dict[str, object]:
    """Repeat the item rows once per group and lay each group's 自查/检查/备注 cells beside them: the tidy frame's
    columns as arrays, made a frame once they are all there (each column pandas adds to a frame costs more)."""
    n, groups = len(items), layout.groups
    columns = {key: np.tile(items[key].to_numpy(), len(groups)) for key in items.columns}
    columns["group"] = np.repeat(np.array([g.name for g in groups], dtype=object), n)
    columns["is_company"] = np.repeat([g.is_company for g in groups], n)
    row_text = items["row"].astype(str).to_numpy(dtype=object)
    for kind in ("self", "check", "remark"):
        cols = [getattr(g, f"{kind}_col") for g in groups]
        taken = [missing_col if c is None else c for c in cols]
        key = "remark" if kind == "remark" else f"{kind}_raw"
        columns[key] = values[:, taken].T.ravel() if n else np.empty(0, dtype=object)
        if kind != "remark":
            letters = np.repeat(np.array([column_letter(c) if c is not None else "" for c in cols], dtype=object), n)
            cells = letters + np.tile(row_text, len(groups))
            cells[letters == ""] = None
            columns[f"{kind}_cell"] = cells
    return columns


def _check_items(items: pd.DataFrame, layout: Layout) -> list[Problem]:
    """Levels, 分值 and 触点编号 of the item rows."""
    problems: list[Problem] = []
    sheet, cols = layout.sheet, layout.item_cols
    items["level"] = items["level"].map(parse_level) if "level" in cols else None
    raw_levels = items["level"]
    points = items["points"].map(exact_decimal, na_action="ignore") if "points" in cols else None
    if points is not None:
        letter = column_letter(cols["points"])
        bad = items["points"].notna() & (points.isna() | points.map(lambda d: d is not None and d < 0))
        for row, raw in items.loc[bad, ["row", "points"]].itertuples(index=False):
            problems.append(Problem("error", sheet, f"{letter}{row}",
                                    f"分值「{display_value(raw)}」无效：分值必须是不小于 0 的数字"))
        items["points"] = points.where(~bad, None)
    has_points = items["points"].map(lambda d: d is not None and d > 0) if points is not None else False
    missing = raw_levels.isna() & ~has_points
    raw_col = layout.item_cols.get("level")
    for row in items.loc[missing, "row"] if missing.any() else ():
        where = f"{column_letter(raw_col)}{row}" if raw_col is not None else f"{column_letter(cols['points'])}{row}"
        problems.append(Problem("error", sheet, where, "触点等级为空或无法识别；请填写 一级、二级 或 三级"
                                "（也可写 1/2/3、A/B/C、关键/重要/一般）"))
    if "item_id" in cols:
        ids = items["item_id"].dropna().map(normalize)
        letter = column_letter(cols["item_id"])
        repeated = ids[ids.duplicated()].index
        for row in items.loc[repeated, "row"] if len(repeated) else ():
            problems.append(Problem("error", sheet, f"{letter}{row}", "触点编号与本表前面的行重复；触点编号在一张表内必须唯一"))
    return problems


def _classify_values(columns: dict[str, object]) -> list[Problem]:
    """Map every distinct result spelling once, then flag the cells no spelling matched. A 自查 cell that is no
    result (a note typed into it) where the 检查 is filled changes nothing — the 检查 counts —: a warning.
    columns: the tidy frame's columns (_melt_groups), the value and fraction columns added."""
    problems: list[Problem] = []
    sheet = columns["sheet"]
    for kind in ("self", "check"):
        raw = columns[f"{kind}_raw"]
        codes, uniques = factorize_cells(raw)  # blank cells get code -1, the None appended below; TRUE is not 1
        parsed = [parse_result(v) for v in uniques]
        value = np.array([p[0] if p else None for p in parsed] + [None], dtype=object)[codes]
        fraction = np.array([p[1] if p else None for p in parsed] + [None], dtype=object)[codes]
        columns[f"{kind}_value"], columns[f"{kind}_fraction"] = value, fraction
        unknown = (codes >= 0) & pd.isna(value)
        if unknown.any():
            found = (columns[key][unknown] for key in (f"{kind}_cell", f"{kind}_raw", "group", "check_raw", "check_cell"))
            for cell, raw_value, group, check, check_cell in zip(*found):
                formula = isinstance(raw_value, NoFormulaValue)  # an accident listed first, by project (issue #11)
                if kind == "self" and not formula and check is not None and not pd.isna(check):
                    problems.append(Problem("warning", sheet, cell, (
                        f"自查结果「{display_value(raw_value)}」不是有效的结果，但这一行已有检查结果"
                        f"（{check_cell}「{display_value(check)}」），评分以检查为准，不受影响；文字说明请写在备注列，"
                        "自查请填 完成、部分完成、未完成 或 不适用"), project=group))
                    continue
                problems.append(Problem("error", sheet, cell, unknown_value_message(raw_value, kind),
                                        project=group if formula else None, lead=formula))
    return problems


def unknown_value_message(value: object, kind: str = "check") -> str:
    """Why a 自查 (kind "self") or 检查 cell's value is no result, and what to type instead."""
    shown = display_value(value)
    what = "自查结果" if kind == "self" else "检查结果"
    if isinstance(value, NoFormulaValue):
        formula = f"「={value}」" if value else ""
        return (f"这个{what}单元格是公式{formula}，但文件里没有保存它的计算结果（保存文件的程序没有计算公式），"
                "kpicli 不会把它当作空白；请在 Excel/WPS 中打开并保存后再评分")
    if isinstance(value, ExcelError):
        return (f"单元格是 Excel 错误值「{shown}」（公式出错）；请改为 完成、部分完成、未完成 或 不适用，"
                "或修正公式")
    if isinstance(value, bool):
        return (f"「{shown}」是逻辑值（复选框或公式的结果），不是有效的{what}；请改为 完成、部分完成、未完成 或 不适用，"
                "kpicli 不把 TRUE/FALSE 当作完成/未完成")
    if isinstance(value, (date, time, timedelta)):
        return (f"「{shown}」是日期或时间（单元格格式为日期/时间），不是有效的{what}；请把单元格格式改为常规或文本，"
                "再填写 完成、部分完成、未完成 或 不适用（也可填 0~1 的比例或百分比）")
    if isinstance(value, (int, float)):
        return (f"「{shown}」不是有效的{what}：数字只能是 0 到 1 之间的比例（如 0.85），或写成百分比（如 85%）；"
                "也可填 完成、部分完成、未完成、不适用")
    return f"「{shown}」不是有效的{what}；请填写 完成、部分完成、未完成 或 不适用（也可填 0~1 的比例或百分比）"


def display_value(value: object) -> str:
    """A cell value as the user sees it: 1.0 → 1, text trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def empty_items() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ITEM_FRAME_COLUMNS})
