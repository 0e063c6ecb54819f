"""`collect` again into a collected workbook a person has worked in: the typed 检查 are kept.

A late file arrives after the officer has typed every 检查 into the collected workbook. Running `collect` again to
the same -o then writes the new merge and carries over, from the existing workbook, every 检查 (and every 备注 the
new merge leaves blank) of the same touchpoint (触点编号, else 触点名称) and group; the 自查 come from the files
submitted, so a late project is added and a project that submitted again is replaced (the 自查 cells that change
are counted per project in an info line). What a person changed that has no place in the new merge (another sheet,
a 检查 of a touchpoint or group no longer submitted) is not carried over silently: the run stops and names it,
unless --force (then the old workbook is kept as a timestamped backup, as always).
"""

from __future__ import annotations

from pathlib import Path

from kpicli.checklist.words import FUNCTION_SHEETS, SUBHEADERS
from kpicli.core.errors import EXIT_DATA, KpiError, Problem
from kpicli.core.vocab import FUNCTIONS, column_letter, normalize

_LISTED = 8


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _columns(ws: object) -> dict[str, dict[str, int]]:
    """group → {self, check, remark: column}, from the layout's header rows (text, not letters)."""
    from kpicli.checklist.render.template import HEADER_ROW

    columns: dict[str, dict[str, int]] = {}
    current: dict[str, int] | None = None
    for c in range(1, ws.max_column + 1):
        head = ws.cell(HEADER_ROW, c).value
        if not _blank(head):
            current = columns.setdefault(normalize(head), {})
        kind = SUBHEADERS.get(normalize(ws.cell(HEADER_ROW + 1, c).value))
        if current is not None and kind is not None:
            current.setdefault(kind, c)
    return columns


def _rows(ws: object) -> dict[str, int]:
    """Touchpoint key (code, else name) → row, as the template lays them out (B: 触点编号, D: 触点名称)."""
    from kpicli.checklist.render.template import FIRST_ITEM_ROW

    rows: dict[str, int] = {}
    for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
        code, name = ws.cell(r, 2).value, ws.cell(r, 4).value
        key = normalize(code) if not _blank(code) else normalize(name)
        if key:
            rows.setdefault(key, r)
    return rows


def keep_typed_checks(wb: object, existing: Path, changed: list[str]) -> list[Problem]:
    """Carry the existing collected workbook's 检查 (and 备注) into the new one `wb` (openpyxl, not saved yet).
    KpiError naming what a person changed that cannot be carried; else info lines saying what was kept."""
    import openpyxl

    old = openpyxl.load_workbook(existing, data_only=True)
    function_sheets = {FUNCTION_SHEETS[f] for f in FUNCTIONS}
    lost = [f"工作表「{name}」" for name in changed if name not in function_sheets]
    kept, remarks, replaced = 0, 0, {}
    for name in function_sheets & set(old.sheetnames):
        ws_old = old[name]
        if name not in wb.sheetnames:
            lost.append(f"工作表「{name}」")
            continue
        ws_new = wb[name]
        new_cols, new_rows = _columns(ws_new), _rows(ws_new)
        old_rows = _rows(ws_old)
        for group, cols in _columns(ws_old).items():
            for key, r in old_rows.items():
                target_row, target_cols = new_rows.get(key), new_cols.get(group)
                check = ws_old.cell(r, cols["check"]).value if "check" in cols else None
                if target_row is None or target_cols is None or "check" not in target_cols:
                    if not _blank(check) and name in changed:
                        lost.append(f"{name}!{column_letter(cols['check'] - 1)}{r}（检查「{check}」）")
                    continue
                if not _blank(check):
                    cell = ws_new.cell(target_row, target_cols["check"])
                    if cell.value != check:
                        cell.value = check
                        kept += 1
                remark = ws_old.cell(r, cols["remark"]).value if "remark" in cols else None
                if not _blank(remark) and "remark" in target_cols:
                    cell = ws_new.cell(target_row, target_cols["remark"])
                    if _blank(cell.value):
                        cell.value = remark
                        remarks += 1
                before = ws_old.cell(r, cols["self"]).value if "self" in cols else None
                after = ws_new.cell(target_row, target_cols["self"]).value if "self" in target_cols else None
                if not _blank(before) and str(before).strip() != str(after if after is not None else "").strip():
                    from kpicli.checklist.render.template import HEADER_ROW

                    label = str(ws_new.cell(HEADER_ROW, min(target_cols.values())).value or group)
                    replaced[label] = replaced.get(label, 0) + 1
    if lost:
        shown = "、".join(lost[:_LISTED]) + (f" 等 {len(lost)} 处" if len(lost) > _LISTED else "")
        raise KpiError(f"{existing.name} 是以前的汇总表，有人改动过，其中这些内容在新的汇总里没有位置：{shown}；"
                       "为避免丢失已停止。请把它们补进提交的文件或记下来，或用 -o 写到新文件；确认不再需要时加 --force"
                       f"（原汇总表会先备份为 {existing.stem}_备份_<时间>{existing.suffix}）", exit_code=EXIT_DATA)
    problems = []
    if kept or remarks:
        problems.append(Problem("info", None, None, f"{existing.name} 中已填写的 {kept} 个检查结果"
                                + (f"和 {remarks} 条备注" if remarks else "") + "已保留到新的汇总表中"))
    for project, count in replaced.items():
        problems.append(Problem("info", None, None, f"{project}：{count} 个自查结果按新提交的文件更新",
                                project=project))
    return problems
