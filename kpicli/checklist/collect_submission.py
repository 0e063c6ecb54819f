"""One submission to kpicli collect: a project's self-check workbook, read with what the merge needs beyond the
tidy items (descriptive columns, remark cells, the 基本信息 cells), and its item rows matched to the merged
checklist's touchpoints (collect_model.Reference). collect.py merges the submissions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpicli.checklist.collect_check import check_submission
from kpicli.checklist.collect_model import (
    DESCRIPTIVE,
    Answer,
    GroupSource,
    Reference,
    RefItem,
    blank,
    cell_text,
    clean,
    none_if_blank,
)
from kpicli.checklist.reader import Checklist, read_checklist
from kpicli.checklist.sheet_layout import find_layout
from kpicli.checklist.which_sheets import read_checklist_sheets
from kpicli.core.errors import Problem
from kpicli.core.vocab import INFO_SHEET, column_letter, name_key, normalize
from kpicli.io.workbook import Grid, RawWorkbook


@dataclass
class Extras:
    """What the tidy item frame does not carry: descriptive columns, remark cells, 基本信息 cells."""

    descriptive: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)  # (sheet, Excel row) → fields
    remark_cols: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, name_key) → column letter
    info_sheet: str | None = None
    info_cells: dict[str, str] = field(default_factory=dict)  # company/year/quarter → A1 cell


def _read_extras(raw: RawWorkbook, checklist: Checklist) -> Extras:
    """The cells read_checklist leaves out, from the same read of the workbook."""
    extras = Extras()
    for function, sheet in checklist.function_sheets.items():
        grid = raw.grids.get(sheet)
        layout = find_layout(grid, function)[0] if grid is not None else None
        if layout is None:
            continue
        for g in layout.groups:
            if g.remark_col is not None:
                extras.remark_cols[(sheet, name_key(g.name))] = column_letter(g.remark_col)
        cols = {k: c for k, c in layout.item_cols.items() if k in DESCRIPTIVE}
        for r in range(layout.first_item_row, grid.n_rows):
            extras.descriptive[(sheet, r + 1)] = {k: cell_text(grid.cell(r, c)) for k, c in cols.items()}
    for name, grid in raw.grids.items():
        if normalize(name) == INFO_SHEET:
            extras.info_sheet, extras.info_cells = name, _info_cells(grid)
    return extras


def _info_cells(grid: Grid) -> dict[str, str]:
    """The value cells of 公司名称/年度/季度 in 基本信息, found as meta.read_info finds them."""
    keys = {"公司名称": "company", "公司": "company", "年度": "year", "季度": "quarter"}
    cells: dict[str, str] = {}
    for r in range(grid.n_rows):
        for c in range(min(grid.n_cols, 6)):
            key = keys.get(normalize(grid.cell(r, c)))
            if key is None:
                continue
            value_col = next((k for k in range(c + 1, grid.n_cols) if normalize(grid.cell(r, k))), None)
            if value_col is not None:
                cells.setdefault(key, f"{column_letter(value_col)}{r + 1}")
            break
    return cells


@dataclass
class Submission:
    """One submitted workbook as read: its checklist and the cells the merge needs besides."""

    path: Path
    checklist: Checklist
    extras: Extras

    @property
    def file(self) -> str:
        return self.path.name


def read_submission(path: Path, catalog: pd.DataFrame | None, *, company: str | None, year: int | None,
                    quarter: int | None) -> Submission:
    """Read one submitted workbook and check it against its record or the catalogue (collect_check), before any
    merging; InputError when it cannot be read as a checklist."""
    raw = read_checklist_sheets(path)
    checklist = read_checklist(path, company=company, year=year, quarter=quarter, raw=raw)
    checklist.problems += check_submission(path, checklist, raw.grids, catalog,
                                           period_given=year is not None or quarter is not None)
    return Submission(path, checklist, _read_extras(raw, checklist))


def match_sheet(sub: Submission, function: str, refs: Reference, problems: list[Problem]) -> list[GroupSource]:
    """Match the item rows of one function sheet to the reference; its groups with their answers."""
    items = sub.checklist.items
    frame = items[items["function"] == function]
    if frame.empty:
        return []
    sheet = frame["sheet"].iloc[0]
    file = sub.file
    if refs.fixed and not refs.items[function]:
        problems.append(Problem("warning", sheet, None, f"触点目录中没有{function}职能的触点，本表未合并", file=file))
        return []
    row_ref: dict[int, int] = {}
    used: set[int] = set()
    last: RefItem | None = None
    item_rows = frame.drop_duplicates("row").sort_values("order")[
        ["row", "item_id", "name", "stage", "level", "points", "name_cell", "level_cell"]]
    for it in item_rows.itertuples(index=False):
        item_id, name = cell_text(it.item_id), cell_text(it.name)
        descriptive = sub.extras.descriptive.get((sheet, int(it.row)), {})
        ref = refs.match(function, item_id, name, used)
        if ref is None and refs.fixed:
            shown = f"「{name}」" + (f"（编号 {item_id}）" if item_id else "")
            problems.append(Problem("warning", sheet, it.name_cell, f"触点{shown}不在触点目录中，未合并到汇总表"
                                    "（本行的自查、检查结果不会出现在汇总表中）；请核对触点名称或编号", file=file))
            continue
        if ref is None:
            twins = [r for r in refs.same_name(function, name) if r.item_id and item_id]
            ref = refs.add_after(function, last, name=name, item_id=item_id, stage=cell_text(it.stage),
                                 level=none_if_blank(it.level), points=none_if_blank(it.points), origin=f"{file} {sheet}",
                                 **descriptive)
            if twins:
                problems.append(Problem("warning", sheet, it.name_cell, f"触点「{name}」与 {twins[0].origin} 中的同名触点"
                                        f"编号不同（{item_id} 和 {twins[0].item_id}），按两个不同触点合并；"
                                        "如果是同一触点，请统一触点编号", file=file))
        else:
            _merge_item(ref, it, descriptive, sheet, file, problems)
        used.add(ref.uid)
        row_ref[int(it.row)] = ref.uid
        last = ref
    groups: list[GroupSource] = []
    for (group, is_company), rows in frame.groupby(["group", "is_company"], sort=False):
        source = GroupSource(function=function, name=group, is_company=bool(is_company), file=file, sheet=sheet)
        letter = sub.extras.remark_cols.get((sheet, name_key(group)))
        for r in rows[["row", "self_raw", "check_raw", "remark", "self_cell", "check_cell"]].itertuples(index=False):
            uid = row_ref.get(int(r.row))
            if uid is None:
                continue
            source.answers[uid] = Answer(self_raw=clean(r.self_raw), check_raw=clean(r.check_raw),
                                         remark=clean(r.remark), self_cell=r.self_cell, check_cell=r.check_cell,
                                         remark_cell=f"{letter}{int(r.row)}" if letter else None)
        groups.append(source)
    return groups


def _merge_item(ref: RefItem, it: object, descriptive: dict[str, str], sheet: str, file: str,
                problems: list[Problem]) -> None:
    """Fill what the reference lacks; warn where the submission grades the item differently."""
    source = "触点目录" if ref.origin == "触点目录" else f"{ref.origin}"
    taken = "触点目录的" if ref.origin == "触点目录" else "首次出现的"
    for key, label in (("level", "触点等级"), ("points", "分值")):
        mine, theirs = none_if_blank(getattr(it, key)), getattr(ref, key)
        if theirs is None:
            if mine is not None:
                setattr(ref, key, mine)
        elif mine is not None and mine != theirs:
            problems.append(Problem("warning", sheet, it.level_cell, f"触点「{ref.name}」的{label}在本表为「{mine}」，"
                                    f"在{source}中为「{theirs}」；汇总表采用{taken}「{theirs}」", file=file))
    if not ref.stage and not blank(it.stage):
        ref.stage = cell_text(it.stage)
    for key, text in descriptive.items():
        if text and not getattr(ref, key):
            setattr(ref, key, text)

