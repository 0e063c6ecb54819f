"""Writing what kpicli collect merged: the template's layout, each group's cells as submitted."""

from __future__ import annotations

from pathlib import Path

from kpicli.checklist.catalog import PROJECT_SCOPE
from kpicli.checklist.collect_model import Answer, Collected, GroupSource, RefItem, blank_or_na, clean, is_na
from kpicli.checklist.words import FUNCTION_SHEETS, ROSTER_SHEET
from kpicli.core.errors import DataError, KpiError
from kpicli.core.vocab import FUNCTIONS, normalize
from kpicli.io.openpyxl_compat import fill_id, set_fill_id


def write_collected(collected: Collected, out: Path, *, force: bool = False) -> Path:
    """Write the merged checklist (layout v1, marked 汇总检查表) atomically; DataError if it has errors."""
    from kpicli.checklist.words import COLLECTED_KIND
    from kpicli.io.outputs import (
        ensure_not_input,
        ensure_writable,
        mark_workbook,
        require_xlsx,
        save_workbook,
    )

    out = Path(out)
    if collected.has_errors:
        raise DataError("提交的检查表有错误，未写入汇总表", collected.problems)
    require_xlsx(out, "汇总表")
    for source in collected.files:
        ensure_not_input(out, source)
    changed = typed_collection(out) if not force else None
    if not changed:
        ensure_writable(out, force=force)
    wb = build_collected(collected)
    if changed:  # the safe path: the typed 检查 are carried into the new merge (collect_keep)
        from kpicli.checklist.render.collect_keep import keep_typed_checks

        collected.problems += keep_typed_checks(wb, out, changed)
    mark_workbook(wb, COLLECTED_KIND)
    return save_workbook(wb, out, record=collected_record(collected))


def typed_collection(out: Path) -> list[str] | None:
    """The changed sheets of an existing collected workbook that a person has worked in (None for anything else):
    collect then keeps its typed 检查 instead of refusing."""
    from kpicli.checklist.words import COLLECTED_KIND
    from kpicli.io.outputs import changed_since_written, kpicli_kind

    if not out.is_file() or kpicli_kind(out) != COLLECTED_KIND:
        return None
    return changed_since_written(out) or None


def collected_record(collected: Collected) -> dict:
    """The collected workbook's record (checklist.handout): the rows laid out and the groups whose 自查 and 检查
    were both handed over as 不适用 (shaded)."""
    from kpicli.checklist.handout import BOOK, entry
    from kpicli.checklist.render.template import FIRST_ITEM_ROW

    rows = []
    for function in FUNCTIONS:
        groups = collected.groups.get(function, [])
        if not groups:
            continue
        for i, ref in enumerate(collected.items[function]):
            na = []
            for g in groups:
                answer = g.answers.get(ref.uid, Answer())
                if is_na(answer.self_raw) and is_na(answer.check_raw):
                    na.append(g.name)
            rows.append(entry(function, FIRST_ITEM_ROW + i, ref.item_id, ref.name, ref.level, ref.scope, na))
    return {"book": BOOK, "period": {"year": collected.year, "quarter": collected.quarter},
            "company": collected.company or "", "projects": list(collected.projects), "catalog": rows}


def build_collected(collected: Collected) -> object:
    """The merged checklist as an openpyxl workbook: the template's layout, every group's cells as submitted."""
    from kpicli.checklist.render.template import build_template, function_sheet

    if collected.year is None or collected.quarter is None:
        raise KpiError("无法确定汇总表的考核年度和季度；请用 --year、--quarter 指定")
    catalog = collected.catalog()
    roster = None if collected.roster.empty else collected.roster
    wb = build_template(year=collected.year, quarter=collected.quarter, projects=collected.projects,
                        company=collected.company, catalog=catalog, roster=roster, function_sheets=False)
    index = wb.sheetnames.index(ROSTER_SHEET) if ROSTER_SHEET in wb.sheetnames else len(wb.sheetnames)
    for function in FUNCTIONS:
        groups = collected.groups.get(function, [])
        if not groups:
            continue
        ws = wb.create_sheet(FUNCTION_SHEETS[function], index)
        index += 1
        # Each sheet gets exactly the groups submitted for this function (a project absent from a function stays
        # absent: not assessed there, as in its own workbook). Scope only steers the template's prefill, which
        # _fill overwrites, so every item is laid out as project-level and 城市公司 is passed as a group.
        items = catalog[catalog["function"] == function].assign(scope=PROJECT_SCOPE)
        function_sheet(ws, function, items, [g.name for g in groups], year=collected.year,
                        quarter=collected.quarter, company=collected.company)
        _fill(ws, collected.items[function], groups)
        _points_column(ws, collected.items[function])
        _no_formulas(ws)
    return wb


def _no_formulas(ws: object) -> None:
    """Text copied from a submission that starts with '=' stays text: openpyxl would store it as a formula."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
                cell.quotePrefix = True


def _group_columns(ws: object) -> dict[str, dict[str, int]]:
    """Group name → {self, check, remark: column} as the template laid them out (found by header text)."""
    from kpicli.checklist.render.template import HEADER_ROW
    from kpicli.checklist.words import SUBHEADERS

    columns: dict[str, dict[str, int]] = {}
    current: dict[str, int] | None = None
    for c in range(1, ws.max_column + 1):
        head = ws.cell(HEADER_ROW, c).value
        if head not in (None, ""):
            current = columns.setdefault(str(head), {})
        kind = SUBHEADERS.get(normalize(ws.cell(HEADER_ROW + 1, c).value))
        if current is not None and kind is not None:
            current.setdefault(kind, c)
    return columns


def _fill(ws: object, items: list[RefItem], groups: list[GroupSource]) -> None:
    from kpicli.checklist.render.template import FIRST_ITEM_ROW, NOT_APPLICABLE_FILL
    from kpicli.render.style import put

    # the fill index is set on each cell's own style array: assigning a fill object cell by cell is slow
    shaded_fill, no_fill = fill_id(ws.parent, NOT_APPLICABLE_FILL), 0
    columns = _group_columns(ws)
    for g in groups:
        cols = columns[g.name]
        for i, ref in enumerate(items):
            r = FIRST_ITEM_ROW + i
            answer = g.answers.get(ref.uid, Answer())
            for kind in ("self", "check", "remark"):
                if kind in cols:
                    put(ws, r, cols[kind], clean(answer.value(kind)))
            shaded = blank_or_na(answer.self_raw) and blank_or_na(answer.check_raw) and (
                is_na(answer.self_raw) or is_na(answer.check_raw))
            for c in cols.values():
                set_fill_id(ws.cell(r, c), shaded_fill if shaded else no_fill)


def _points_column(ws: object, items: list[RefItem]) -> None:
    """A 分值 column after the groups when a submission weighted items by points (the template has none)."""
    if not any(r.points is not None for r in items):
        return
    from kpicli.checklist.render.template import (
        BORDER,
        FIRST_ITEM_ROW,
        HEADER_ALIGN,
        HEADER_FILL,
        HEADER_FONT,
        HEADER_ROW,
    )

    col = ws.max_column + 1
    ws.cell(HEADER_ROW, col, value="分值")
    ws.merge_cells(start_row=HEADER_ROW, start_column=col, end_row=HEADER_ROW + 1, end_column=col)
    for r in (HEADER_ROW, HEADER_ROW + 1):
        cell = ws.cell(r, col)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGN, BORDER
    for i, ref in enumerate(items):
        points = ref.points
        value = None if points is None else (int(points) if points == points.to_integral_value() else float(points))
        cell = ws.cell(FIRST_ITEM_ROW + i, col, value=value)
        cell.border = BORDER
