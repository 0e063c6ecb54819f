"""A 人员名单 from a file, for `kpicli template --roster`: read it, and say which units the template lacks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpicli.checklist.meta import read_roster
from kpicli.checklist.names import unify_roster
from kpicli.core.errors import KpiError
from kpicli.core.vocab import COMPANY_GROUP, ROSTER_SHEET, name_key, normalize
from kpicli.io.workbook import read_workbook


def load_roster(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The roster of a workbook: its 人员名单 sheet, else the first sheet with 单位/职能/姓名 headers.
    Returns (roster, warnings about skipped rows); KpiError (exit 2) when there is none."""
    path = Path(path)
    raw = read_workbook(path)
    named = [n for n in raw.sheet_names if normalize(n) == ROSTER_SHEET and n in raw.grids]
    others = [n for n in raw.sheet_names if n not in named and n in raw.grids]
    for name in named + others:
        roster, problems = read_roster(raw.grids[name])
        if roster.empty and any(p.cell is None for p in problems):
            continue  # no 单位/职能/姓名 header on this sheet
        if roster.empty:
            raise KpiError(f"{path.name} 的「{name}」表没有任何人员(每行需填写 单位、职能、姓名)")
        warnings = [f"{name}!{p.cell}:{p.message}" if p.cell else p.message for p in problems]
        return roster, warnings
    raise KpiError(f"在 {path.name} 中没有找到人员名单:需要一张名为「{ROSTER_SHEET}」的工作表,"
                   "或一张表头含 单位、职能、姓名 的工作表")


def unknown_units(roster: pd.DataFrame, projects: list[str]) -> list[str]:
    """Roster units that are neither 城市公司 nor one of the projects (compared by name_key), in order."""
    known = {name_key(COMPANY_GROUP), *(name_key(p) for p in projects)}
    return list(dict.fromkeys(u for u in roster["unit"] if name_key(u) not in known))


def template_with_roster(out: Path, *, year: int, quarter: int, projects: list[str], company: str | None,
                         catalog_path: Path | None, roster_path: Path, force: bool) -> tuple[Path, list[str]]:
    """api.template with the roster of `roster_path` copied into the template's 人员名单.
    Returns the path and warnings (skipped rows, units that are not among the projects)."""
    from kpicli.checklist.catalog import load_catalog
    from kpicli.io.outputs import ensure_writable
    from kpicli.render.template import check_project_names, write_template

    out = Path(out)
    ensure_writable(out, force=force)
    roster, warnings = load_roster(roster_path)  # read before writing: a bad roster writes nothing
    catalog = load_catalog(catalog_path)
    names = check_project_names(projects)
    roster = unify_roster(roster, names)  # ＡＢＣ未来城 in the roster is the project ABC未来城: spelled as -p gives it
    for unit in unknown_units(roster, names):
        count = int((roster["unit"] == unit).sum())
        warnings.append(f"人员名单中的单位「{unit}」({count} 人)既不是城市公司,也不是本模板的项目"
                        f"({'、'.join(names)});已照样复制,请核对单位名称或用 -p 增加该项目")
    written = write_template(out, year=year, quarter=quarter, projects=projects, company=company, catalog=catalog,
                             roster=roster)
    return written, warnings
