"""The payout list for HR (发放清单): one row per person and team, a subtotal per team, one total per person
(a person in two teams or several quarters once, with every line named), the teams still 待分配 and those settled
through 服务费; A4, frozen header, 2-decimal amounts, signature lines. Also as CSV (UTF-8 with BOM) and JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from kpicli.payout.model import PENDING, Payout
from kpicli.render.style import HEADER_FILL, HEADER_FONT, WRAP, put, set_widths, title, write_table

LIST_SHEET, PEOPLE_SHEET = "发放清单", "个人合计"
MONEY = "#,##0.00;-#,##0.00;0.00"
HEADERS = ["期间", "公司", "团队", "姓名", "岗位", "金额（元）", "事由", "来源文件", "单元格"]
WIDTHS = [14, 16, 14, 10, 16, 13, 40, 30, 16]
SIGNATURES = "制表：＿＿＿＿＿＿　　审核（运营管理部）：＿＿＿＿＿＿　　备案（人力资源行政部）：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿"


def csv_rows(payout: Payout) -> list[list[str]]:
    """The lines as CSV rows (header first), amounts with 2 decimals: what a payroll import reads."""
    rows = [HEADERS]
    rows += [[x.period, x.company, x.team, x.name, x.role, f"{x.amount:.2f}", x.reason, x.file, x.cell]
             for x in payout.lines]
    return rows


def _heading(payout: Payout) -> str:
    companies = dict.fromkeys(x.company for x in payout.lines if x.company)
    return f"{'、'.join(companies)} {'、'.join(payout.periods)}".strip()


def _signatures(ws: Worksheet, row: int, width: int) -> int:
    line = put(ws, row + 1, 1, SIGNATURES)
    line.alignment = WRAP  # on a narrow sheet (个人合计) it wraps onto the second line instead of being cut at the edge
    ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=width)
    ws.row_dimensions[row + 1].height = 30
    return row + 1


def _list_sheet(ws: Worksheet, payout: Payout) -> None:
    title(ws, f"发放清单——{_heading(payout)}", len(HEADERS),
          "每人每个团队一行；金额以分为单位精确核对（分配合计等于团队金额）；处罚为负数")
    rows: list[list[object]] = []
    totals = {(p, t): s for p, t, s, _ in payout.team_totals()}
    subtotal_rows = []
    for i, x in enumerate(payout.lines):
        rows.append([x.period, x.company, x.team, x.name, x.role, x.amount, x.reason, x.file, x.cell])
        last = i + 1 == len(payout.lines) or (payout.lines[i + 1].period, payout.lines[i + 1].team) != (x.period, x.team)
        if last:
            subtotal_rows.append(len(rows))
            rows.append([x.period, "", x.team, "", "小计", totals[(x.period, x.team)], "", "", ""])
    rows.append(["合计", "", "", f"{len(payout.person_totals())} 人", "", payout.total, "", "", ""])
    end = write_table(ws, 4, HEADERS, rows)
    for r in range(5, end + 1):
        ws.cell(r, 6).number_format = MONEY
    for r in [5 + i for i in subtotal_rows] + [end]:
        for c in range(1, len(HEADERS) + 1):
            ws.cell(r, c).font, ws.cell(r, c).fill = HEADER_FONT, HEADER_FILL
    row = end + 1
    for label, teams in ((f"{PENDING}（负责人尚未交回或未填写，本清单不含）", payout.pending),
                         ("以服务费调整结算（不发给个人）", payout.settled)):
        if teams:
            row += 1
            put(ws, row, 1, label).font = HEADER_FONT
            for t in teams:
                row += 1
                put(ws, row, 1, t.period)
                put(ws, row, 3, t.label)
                put(ws, row, 6, t.amount, number_format=MONEY)
                put(ws, row, 7, t.reason)
    row = _signatures(ws, row + 1, len(HEADERS))
    set_widths(ws, WIDTHS)
    _print(ws, row, len(HEADERS))


def _people_sheet(ws: Worksheet, payout: Payout) -> None:
    periods = payout.periods
    several = len(periods) > 1
    headers = ["姓名", *(periods if several else []), "合计（元）", "明细（团队、期间、金额）"]
    title(ws, f"{'年度' if several else ''}个人合计——{_heading(payout)}", len(headers),
          "同一人在几个团队或几个期间的金额合为一行，明细逐笔列出")
    rows = []
    for name, total, lines in payout.person_totals():
        by_period = {p: sum((x.amount for x in lines if x.period == p), Decimal(0)) for p in periods}
        detail = "；".join(f"{x.team}（{x.period}）{x.amount:,.2f}" for x in lines)
        rows.append([name, *([by_period[p] for p in periods] if several else []), total, detail])
    sums = [sum((r[i] for r in rows), Decimal(0)) for i in range(1, len(headers) - 1)]
    rows.append(["合计", *sums, ""])
    end = write_table(ws, 4, headers, rows)
    for r in range(5, end + 1):
        for c in range(2, len(headers)):
            ws.cell(r, c).number_format = MONEY
    for c in range(1, len(headers) + 1):
        ws.cell(end, c).font, ws.cell(end, c).fill = HEADER_FONT, HEADER_FILL
    row = _signatures(ws, end + 1, len(headers))
    set_widths(ws, [10, *([14] * len(periods) if several else []), 14, 60])
    _print(ws, row, len(headers))


def _print(ws: Worksheet, last_row: int, width: int) -> None:
    from kpicli.render.style import print_setup

    print_setup(ws, header_row=4, last_row=last_row, last_col=width, landscape=True)


def write_payout(payout: Payout, path: Path, *, force: bool) -> tuple[Path, Path | None]:
    """Write the list as .xlsx, .csv or .json (by suffix), atomically. An earlier list someone typed into, or a
    file kpicli did not write, is replaced only with force, and then after a timestamped backup (io.outputs)."""
    from kpicli.io.outputs import atomic_write, backup, ensure_writable, needs_backup

    path = Path(path)
    ensure_writable(path, force=force)
    copy = backup(path) if needs_backup(path) else None  # atomic_write finds this same backup and keeps it
    suffix = path.suffix.lower()
    if suffix == ".csv":
        import csv

        def write_csv(tmp: Path) -> None:
            with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerows(csv_rows(payout))

        return atomic_write(path, write_csv), copy
    if suffix == ".json":
        text = json.dumps(payout.to_dict(), ensure_ascii=False, indent=2)
        return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8")), copy
    return _write_book(payout, path), copy


def _write_book(payout: Payout, path: Path) -> Path:
    from kpicli.io.outputs import PAYOUT_KIND, mark_workbook, save_workbook
    from kpicli.render.style import new_workbook

    wb = new_workbook()
    _list_sheet(wb.active, payout)
    wb.active.title = LIST_SHEET
    _people_sheet(wb.create_sheet(PEOPLE_SHEET), payout)
    mark_workbook(wb, PAYOUT_KIND)
    return save_workbook(wb, path, record={"periods": payout.periods, "total": f"{payout.total:.2f}"})


__all__ = ["LIST_SHEET", "PEOPLE_SHEET", "csv_rows", "write_payout"]
