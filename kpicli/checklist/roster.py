"""A 人员名单 from a file (CSV or workbook), for `kpicli template --roster`: read it, and say which units a template
lacks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpicli.checklist.meta import ROSTER_HEADERS, ROSTER_SEARCH_ROWS, read_roster
from kpicli.checklist.words import COMPANY_GROUP, ROSTER_SHEET
from kpicli.core.errors import KpiError
from kpicli.core.vocab import name_key
from kpicli.io.tables import has_headers, read_table


def load_roster(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The roster of a file: a CSV, or a workbook's 人员名单 sheet, else its first sheet with 单位/职能/姓名 headers
    (read by kpicli.io.tables, the loader both kinds' rosters use). Returns (roster, warnings about skipped rows);
    KpiError (exit 2) when there is none."""
    path = Path(path)
    missing = (f"在 {path.name} 中没有找到人员名单：需要一张名为「{ROSTER_SHEET}」的工作表，或一张表头含 单位、职能、"
               f"姓名 的工作表（CSV 文件同样要有这一行表头，在前 {ROSTER_SEARCH_ROWS} 行中）")
    table = read_table(path, has_headers(*ROSTER_HEADERS), "单位、职能、姓名", prefer=[ROSTER_SHEET],
                       search_rows=ROSTER_SEARCH_ROWS, missing=missing)
    roster, problems = read_roster(table.rows, table.label)
    if roster.empty and any(p.cell is None for p in problems):
        raise KpiError(missing)
    if roster.empty:
        raise KpiError(f"{path.name} 的「{table.label}」没有任何人员（每行需填写 单位、职能、姓名）")
    warnings = [f"{table.label}!{p.cell}：{p.message}" if p.cell else p.message for p in problems]
    return roster, warnings


def unknown_units(roster: pd.DataFrame, projects: list[str]) -> list[str]:
    """Roster units that are neither 城市公司 nor one of the projects (compared by name_key), in order."""
    known = {name_key(COMPANY_GROUP), *(name_key(p) for p in projects)}
    return list(dict.fromkeys(u for u in roster["unit"] if name_key(u) not in known))
