"""A returned checklist checked against what kpicli handed out, before anything is scored.

The reference is, in this order: the catalogue file given with --catalog (the one way to accept a deliberate
change: the touchpoints, their order, levels and pre-filled 不适用 are then the file's); else the record kpicli
wrote into the workbook (io.provenance; templates, collected and result workbooks); else the packaged catalogue.

Against the record or a --catalog file every difference is an error naming the cell, what was handed out and
what is there now: a deleted row, an added row, a row whose code, name and level no longer belong together (a
partial sort, a paste into the wrong row), a changed level or code, a row out of its order (sorting only the item
columns moves the touchpoints while the results stay), a pre-filled 不适用 overwritten or cleared.

A workbook without a record (an old template, a hand-made one) is compared with the packaged catalogue only in the
sheets that are evidently taken from it (at least half of their touchpoint names are the catalogue's): a code,
name and level that do not belong together and a changed level are errors; a touchpoint not in the catalogue and
a catalogue-applicable cell filled where the catalogue says 不适用 are warnings; deleted rows and the order cannot
be judged without knowing what was handed out.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpicli.checklist.words import COMPANY_GROUP, NOT_APPLICABLE, parse_result
from kpicli.core.errors import KpiError, Problem
from kpicli.core.vocab import normalize

RECORD, CATALOG_FILE, PACKAGED = "record", "catalog", "packaged"
ACCEPT = "有意的修改用 --catalog 认可"
ACCEPT_HOW = ("有意修改触点（增删触点、改等级或编号、调整顺序、改动预填的「不适用」）时：把修改后的触点清单（列同内置目录："
              "触点编号、阶段、触点名称、触点等级……适用单位，按表中的顺序）存成一份触点目录工作簿，运行时加 "
              "--catalog 目录.xlsx，kpicli 就按这份目录核对")
PARTIAL_SORT = "常见原因：只选中触点列排序或粘贴错了行，各项目的结果没有跟着移动"


@dataclass(frozen=True)
class Reference:
    """What a checklist is checked against: rows as handout.entry gives them, where they came from, and how
    strictly (`strict`: deletions, order and pre-fills are known)."""

    rows: list[dict[str, Any]]
    source: str
    label: str  # how messages name it
    catalog_name: str = ""

    @property
    def strict(self) -> bool:
        return self.source in (RECORD, CATALOG_FILE)


def reference_for(path: Path, catalog_path: Path | None = None) -> Reference:
    """The reference of the workbook at path (see the module docstring)."""
    from kpicli.checklist.catalog import load_catalog
    from kpicli.checklist.handout import catalog_entries
    from kpicli.io.provenance import read

    if catalog_path is not None:
        return Reference(catalog_entries(load_catalog(Path(catalog_path))), CATALOG_FILE,
                         f"触点目录「{Path(catalog_path).name}」", Path(catalog_path).name)
    record = read(Path(path))
    if record is not None and record.catalog:
        kind = record.get("handed_out", {}).get("kind") if record.get("handed_out") else record.kind
        return Reference(record.catalog, RECORD, f"发出的{kind or '检查表'}（kpicli 的记录）")
    try:
        packaged = catalog_entries(load_catalog())
    except KpiError:  # the packaged files cannot be opened (a locale that cannot spell their names …)
        packaged = []
    return Reference(packaged, PACKAGED, "内置触点目录")


def check_against(items: pd.DataFrame, reference: Reference) -> list[Problem]:
    """Problems of the item frame (checklist.function_sheet, one row per item × group) against the reference."""
    problems: list[Problem] = []
    if items.empty:
        return problems
    # the columns the checks read only: each function's rows are taken out of them (a frame of every column of 50,000
    # rows costs more to split)
    for function, frame in items[_CHECKED_COLUMNS].groupby("function", sort=False):
        rows = [r for r in reference.rows if r["function"] == function]
        problems += _check_sheet(frame, rows, reference)
    if problems:
        problems.append(Problem("info", None, None, ACCEPT_HOW))
    return problems


_CHECKED_COLUMNS = ["function", "sheet", "row", "item_id", "name", "level", "name_cell", "level_cell", "code_cell",
                    "group", "self_raw", "check_raw", "self_cell", "check_cell"]


def _label(row: dict[str, Any]) -> str:
    code = f"{row['code']} " if row.get("code") else ""
    level = f"（{row['level']}）" if row.get("level") else ""
    return f"「{code}{row['name']}{level}」"


def _now_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # each row's first line (one per group follows), by row: np.unique gives the first index of each row number,
    # in row order; on the columns' arrays, as pandas' drop_duplicates, sort and itertuples cost more
    _, first = np.unique(frame["row"].to_numpy(), return_index=True)
    columns = ("row", "item_id", "name", "level", "name_cell", "level_cell", "code_cell")
    return [{"row": int(row), "code": "" if pd.isna(item_id) else str(item_id), "name": str(name),
             "level": "" if pd.isna(level) else str(level), "name_cell": name_cell,
             "level_cell": level_cell, "code_cell": code_cell}
            for row, item_id, name, level, name_cell, level_cell, code_cell in
            zip(*(frame[c].to_numpy()[first] for c in columns))]


def _check_sheet(frame: pd.DataFrame, ref_rows: list[dict[str, Any]], reference: Reference) -> list[Problem]:
    sheet = str(frame["sheet"].iloc[0])
    now = _now_rows(frame)
    by_code = {normalize(r["code"]): i for i, r in enumerate(ref_rows) if r.get("code")}
    by_name = {normalize(r["name"]): i for i, r in enumerate(ref_rows)}
    if not reference.strict:
        known = sum(1 for r in now if normalize(r["name"]) in by_name)
        if not ref_rows or known * 2 < len(now):
            return []  # a hand-made sheet with touchpoints of its own: nothing to compare it with
    if not ref_rows:
        return [Problem("error", sheet, None, f"{reference.label}中没有「{sheet}」这张职能表的触点，这里却有 "
                        f"{len(now)} 个触点；请删除这张表，{ACCEPT}")]
    strict = reference.strict
    cells_of_row: dict[Any, list[dict[str, Any]]] = {}  # one pass over the frame, not a pandas mask per row
    columns = ("row", "group", "self_raw", "check_raw", "self_cell", "check_cell")
    for values in zip(*(frame[c].tolist() for c in columns)):  # as to_dict("records"), without its overhead
        cell = dict(zip(columns, values))
        cells_of_row.setdefault(cell["row"], []).append(cell)
    problems: list[Problem] = []
    matched: list[tuple[dict[str, Any], int]] = []  # (row now, index in ref_rows)
    used: set[int] = set()
    for row in now:
        code, name = normalize(row["code"]), normalize(row["name"])
        index = by_code.get(code) if code else None
        how = "code"
        if index is None:
            index, how = by_name.get(name), "name"
        if index is None or index in used:
            level = "error" if strict else "warning"
            repeated = index is not None
            what = "重复出现" if repeated else f"不在{reference.label}中"
            problems.append(Problem(level, sheet, row["name_cell"],
                                    f"触点「{row['name']}」{what}，它的结果会计入得分；"
                                    + (f"请删除这一行，{ACCEPT}" if strict else "请核对它是否应当计分")))
            continue
        used.add(index)
        ref = ref_rows[index]
        matched.append((row, index))
        problems += _compare(sheet, row, ref, how, reference)
    if strict:
        for i, ref in enumerate(ref_rows):
            if i not in used:
                where = f"（发出时在第 {ref['row']} 行）" if reference.source == RECORD else ""
                problems.append(Problem("error", sheet, None,
                                        f"{reference.label}中的触点{_label(ref)}不在表中了{where}：删除的触点不再计分，"
                                        f"得分会随之改变；请恢复这一行，{ACCEPT}"))
        problems += _order(sheet, matched, ref_rows, reference)
    reported = {p.cell for p in problems if p.cell}  # a moved or mixed-up row: its pre-fills moved with it
    for row, index in matched:
        if row["name_cell"] not in reported:
            problems += _prefills(cells_of_row[row["row"]], sheet, row, ref_rows[index], reference)
    return problems


def _compare(sheet: str, row: dict[str, Any], ref: dict[str, Any], how: str, reference: Reference) -> list[Problem]:
    problems = []
    label = reference.label
    if how == "code" and normalize(row["name"]) != normalize(ref["name"]):
        problems.append(Problem("error", sheet, row["name_cell"],
                                f"编号 {ref['code']} 的触点在{label}中是{_label(ref)}，这里是「{row['name']}」"
                                f"（等级「{row['level'] or '空白'}」）：这一行的编号、名称、等级不再属于同一个触点（{PARTIAL_SORT}）；"
                                f"请撤销排序或改回原来的内容，{ACCEPT}"))
        return problems
    code_now = normalize(row["code"])
    if how == "name" and ref.get("code") and (reference.strict or code_now) and code_now != normalize(ref["code"]):
        now = f"「{row['code']}」" if row["code"] else "空白"
        problems.append(Problem("error", sheet, row["code_cell"],
                                f"触点「{ref['name']}」的编号在{label}中是 {ref['code']}，现在是{now}：编号与名称不再对应"
                                f"（{PARTIAL_SORT}）；请改回 {ref['code']}，{ACCEPT}"))
    if ref.get("level") and row["level"] != ref["level"]:
        problems.append(Problem("error", sheet, row["level_cell"],
                                f"触点{_label(ref)}的等级在{label}中是「{ref['level']}」，现在是「{row['level'] or '空白'}」："
                                f"等级决定权重，得分会随之改变；请改回「{ref['level']}」，{ACCEPT}"))
    return problems


def _order(sheet: str, matched: list[tuple[dict[str, Any], int]], ref_rows: list[dict[str, Any]],
           reference: Reference) -> list[Problem]:
    """Rows out of the handed-out order: those outside one longest run that keeps it."""
    keep = _longest_increasing([index for _row, index in matched])
    problems = []
    for position, (row, index) in enumerate(matched):
        if position in keep:
            continue
        ref = ref_rows[index]
        was = f"发出时在第 {ref['row']} 行" if reference.source == RECORD else f"是目录中的第 {index + 1} 个"
        problems.append(Problem("error", sheet, row["name_cell"],
                                f"触点{_label(ref)}{was}，现在在第 {row['row']} 行，触点行的先后次序被改变了（{PARTIAL_SORT}，"
                                "结果会记到别的触点上）；请撤销排序，或把整行（连同各项目的结果）按原来的顺序放回，"
                                f"{ACCEPT}"))
    return problems


def _longest_increasing(values: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence of values."""
    tails: list[int] = []  # values
    tail_pos: list[int] = []
    parent = [-1] * len(values)
    for i, value in enumerate(values):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_pos.append(i)
        else:
            tails[k], tail_pos[k] = value, i
        parent[i] = tail_pos[k - 1] if k else -1
    kept, i = set(), tail_pos[-1] if tail_pos else -1
    while i >= 0:
        kept.add(i)
        i = parent[i]
    return kept


def _prefills(cells: list[dict[str, Any]], sheet: str, row: dict[str, Any], ref: dict[str, Any],
              reference: Reference) -> list[Problem]:
    """Cells handed out as 不适用 that now hold something else (or nothing); cells: the row's own, one per group."""
    if reference.source == RECORD:
        na = set(ref.get("na") or [])
        why = "kpicli 预填的是「不适用」"
    else:
        company_item = ref.get("scope") == COMPANY_GROUP
        groups = [c["group"] for c in cells]
        na = {g for g in groups if (normalize(g) == normalize(COMPANY_GROUP)) != company_item}
        why = f"按{reference.label}，这个触点{'只适用于城市公司' if company_item else '不适用于城市公司'}，应为「不适用」"
    if not na:
        return []
    level = "error" if reference.strict else "warning"
    problems = []
    for r in (c for c in cells if c["group"] in na):
        for kind in ("self", "check"):
            raw = r[f"{kind}_raw"]
            parsed = parse_result(raw) if raw is not None and not (isinstance(raw, float) and pd.isna(raw)) else None
            if parsed is not None and parsed[0] == NOT_APPLICABLE:
                continue
            now = "空白" if raw is None or (isinstance(raw, float) and pd.isna(raw)) or str(raw).strip() == "" \
                else f"「{raw}」"
            problems.append(Problem(level, sheet, r[f"{kind}_cell"],
                                    f"{r['group']}的触点{_label(ref)}：{why}，现在是{now}，会改变{r['group']}的得分；"
                                    f"请改回「不适用」，{ACCEPT}"))
    return problems

