"""Each submission to `collect` checked against its own record before anything is merged (issue 19).

A per-project file handed out by `kpicli template -p 项目` carries kpicli's record (io.provenance): its period, its
projects and every touchpoint row. The rows are checked by checklist.integrity, the one checker `score` uses (rows
deleted, added or moved, levels and codes changed, pre-filled 不适用 overwritten); here, besides, a project group
the file was not handed out for and a period other than the record's are errors naming the file, sheet and cell.
A file without a record (an old template, a hand-made one) is merged as before: `score` checks the collected
workbook. With `--catalog` the touchpoints are the catalogue's (collect matches them), the projects and period
are still checked against the record.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpicli.checklist.integrity import RECORD, check_against, reference_for
from kpicli.checklist.reader import Checklist
from kpicli.checklist.sheet_layout import find_layout
from kpicli.core.errors import Problem
from kpicli.core.period import label_of
from kpicli.core.vocab import INFO_SHEET, column_letter, name_key
from kpicli.io.workbook import Grid


def check_submission(path: Path, checklist: Checklist, grids: dict[str, Grid],
                     catalog: pd.DataFrame | None = None, *, period_given: bool = False) -> list[Problem]:
    """The problems of one submission against the record kpicli wrote into it; [] for a file without one.
    With `catalog` (collect --catalog: the touchpoints are the catalogue's, deliberate changes accepted) only the
    projects and the period are checked. period_given: --year/--quarter set the collection's period."""
    from kpicli.io.provenance import read

    record = read(Path(path))
    if record is None:
        return []
    problems = _projects(checklist, grids, record.get("projects"))
    problems += _period(checklist, record.get("period"), period_given)
    if catalog is None:
        reference = reference_for(Path(path))
        if reference.source == RECORD:
            problems += check_against(checklist.items, reference)
    return problems


def _projects(checklist: Checklist, grids: dict[str, Grid], handed: object) -> list[Problem]:
    """A project group the file was not handed out for (a header retyped, another project's columns pasted in)."""
    if not isinstance(handed, list) or not handed:
        return []
    allowed = {name_key(p) for p in handed}
    listed = "、".join(str(p) for p in handed)
    problems = []
    for function, sheet in checklist.function_sheets.items():
        if sheet not in grids:
            continue
        layout, _ = find_layout(grids[sheet], function)
        for g in layout.groups if layout is not None else ():
            if g.is_company or name_key(g.name) in allowed:
                continue
            cell = f"{column_letter(g.header_col)}{layout.header_row + 1}"
            problems.append(Problem("error", sheet, cell, (
                f"项目「{g.name}」不是 kpicli 发出这份文件时的项目（发出时为：{listed}）：汇总后它的结果会记到"
                f"「{g.name}」名下；如果是表头改错了，请改回「{listed}」；别的项目请用发给该项目的文件填写")))
    return problems


def _period(checklist: Checklist, handed: object, given: bool) -> list[Problem]:
    """The file states (or the options set) another period than the one it was handed out for."""
    if not isinstance(handed, dict):
        return []
    year, quarter = handed.get("year"), handed.get("quarter")
    now = checklist.period
    if year is None or quarter is None or (now.year, now.quarter) == (year, quarter) or now.quarter is None:
        return []
    cell = None if given else now.cells.get("quarter" if now.quarter != quarter else "year")
    handed_label, now_label = label_of(year, quarter), label_of(now.year, now.quarter)
    if now.source == INFO_SHEET and not given:
        said = (f"基本信息写的是{now_label}；如果这是{handed_label}的填报，请把基本信息改回{handed_label}；"
                f"如果是{now_label}的填报，请用{now_label}发出的模板重新填写")
    else:
        said = f"这次汇总的是{now_label}；它不属于这次汇总，请移走这个文件，或用{now_label}发出的模板重新填写"
    return [Problem("error", INFO_SHEET if cell else None, cell,
                    f"这份文件是 kpicli 为{handed_label}发出的（记录），{said}")]
