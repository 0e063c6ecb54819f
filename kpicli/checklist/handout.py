"""What kpicli handed out in a checklist: the record's content for templates, collected and result workbooks.

The record itself (where it lives, fingerprints, reading it back) is io.provenance's; this module only says what a
checklist's record holds: the period, the projects and one entry per touchpoint row written — sheet, row, code,
name, level, scope and the groups whose 自查/检查 cells kpicli pre-filled with 不适用. checklist.integrity checks
a returned workbook against it. A result's record (its rules and teams besides) is checklist.result_record's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from kpicli.checklist.words import COMPANY_GROUP, FUNCTION_SHEETS, parse_level
from kpicli.core.vocab import FUNCTIONS

BOOK = "checklist"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def catalog_rows(catalog: pd.DataFrame, projects: Sequence[str], first_row: int) -> list[dict[str, Any]]:
    """The rows a template lays out from `catalog` (render.template.function_sheet's order and pre-fills): per
    function sheet, the catalogue's items from first_row down; 城市公司 first when the function has company items."""
    rows = []
    for function in FUNCTIONS:
        items = catalog[catalog["function"] == function]
        if items.empty:
            continue
        has_company = bool((items["scope"] == COMPANY_GROUP).any())
        groups = ([COMPANY_GROUP] if has_company else []) + list(projects)
        if not groups:
            continue  # the city company's own template (no project) has no sheet for it
        for i, item in enumerate(items.itertuples(index=False)):
            company_item = item.scope == COMPANY_GROUP
            rows.append(entry(function, first_row + i, item.item_id, item.name, item.level, item.scope,
                              [g for g in groups if company_item != (g == COMPANY_GROUP)]))
    return rows


def catalog_entries(catalog: pd.DataFrame) -> list[dict[str, Any]]:
    """A catalogue's rows as record entries: `row` is the position within its function (1, 2 …), pre-fills follow
    from the scope (integrity derives them)."""
    rows = []
    for function in FUNCTIONS:
        items = catalog[catalog["function"] == function]
        for i, item in enumerate(items.itertuples(index=False)):
            rows.append(entry(function, i + 1, item.item_id, item.name, item.level, item.scope, []))
    return rows


def entry(function: str, row: int, code: object, name: object, level: object, scope: object,
          na: Iterable[str]) -> dict[str, Any]:
    """One touchpoint row of the record."""
    return {"sheet": FUNCTION_SHEETS[function], "function": function, "row": int(row), "code": _text(code),
            "name": _text(name), "level": parse_level(level) or _text(level), "scope": _text(scope) or "项目",
            "na": list(na)}


def template_record(catalog: pd.DataFrame, projects: Sequence[str], *, first_row: int, year: int, quarter: int,
                    company: str | None) -> dict[str, Any]:
    return {"book": BOOK, "period": {"year": int(year), "quarter": int(quarter)}, "company": company or "",
            "projects": list(projects), "catalog": catalog_rows(catalog, projects, first_row)}
