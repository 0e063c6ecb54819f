"""Shared look of the workbooks kpicli writes: header style, grade colours, safe text, print setup."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# Every font is named: a font without a name is Calibri in Excel but a serif face in LibreOffice and WPS, which
# printed the coloured scores and the titles in a different typeface from the rest of the table.
FONT_NAME = "Calibri"  # the workbook default openpyxl writes, so Excel shows no change
HEADER_FONT = Font(name=FONT_NAME, bold=True)
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
SCORE_FORMAT = "0.00"
AMOUNT_FORMAT = '+#,##0;-#,##0;0'
MUTED_FONT = Font(name=FONT_NAME, color="808080", italic=True)
LINE_HEIGHT = 15  # points per line of 11-point text, CJK included

# Fill and font colours from the best grade to the worst; custom grade names take them by position.
GRADE_FILLS = ["C6EFCE", "DDEBF7", "FFF2CC", "FCE4D6", "FFC7CE"]
GRADE_FONTS = ["006100", "1F4E78", "7F6000", "843C0C", "9C0006"]

_FORMULA_START = ("=", "+", "-", "@")


def grade_style(grade: str | None, grade_names: Sequence[str]) -> tuple[PatternFill, Font] | None:
    """Fill and font for a grade: green for the best, red for the lowest, steps between."""
    if grade is None or grade not in grade_names:
        return None
    position = grade_names.index(grade)
    if position == len(grade_names) - 1:
        index = len(GRADE_FILLS) - 1
    else:
        index = min(position, len(GRADE_FILLS) - 2)
    return PatternFill("solid", fgColor=GRADE_FILLS[index]), Font(name=FONT_NAME, color=GRADE_FONTS[index],
                                                                  bold=position == 0)


def put(ws: Worksheet, row: int, col: int, value: object, *, number_format: str | None = None) -> object:
    """Write a value; text from a workbook is always stored as text, never as a formula."""
    if isinstance(value, Decimal):
        value = float(value)
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters cannot be stored in a workbook
        cell.value = value
        if value.startswith(_FORMULA_START):
            cell.data_type = "s"  # openpyxl would otherwise store '=…' as a formula
            cell.quotePrefix = True
    elif value is None or isinstance(value, (int, float, datetime, date)):
        cell.value = value
    else:
        cell.value = str(value)
    if number_format:
        cell.number_format = number_format
    return cell


def write_table(ws: Worksheet, top: int, headers: Sequence[str], rows: Iterable[Sequence[object]],
                formats: dict[int, str] | None = None) -> int:
    """Header row at `top`, then the rows, all bordered. Returns the last row written."""
    from kpicli.io.xlfast import apply_style, cached_style

    wb, formats = ws.parent, formats or {}
    header_style = cached_style(wb, ("table header",), font=HEADER_FONT, fill=HEADER_FILL, border=BORDER,
                                alignment=CENTER)

    def body_style(fmt: str | None, wrap: bool) -> object:
        return cached_style(wb, ("table body", fmt, wrap), border=BORDER, alignment=WRAP if wrap else None,
                            number_format=fmt)

    for c, text in enumerate(headers, start=1):
        apply_style(put(ws, top, c, text), header_style)
    r = top
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            cell = put(ws, r, c, value)
            apply_style(cell, body_style(formats.get(c - 1), isinstance(value, str) and len(value) > 30))
    return r


def title(ws: Worksheet, text: str, width: int, subtitle: str | None = None) -> None:
    put(ws, 1, 1, text).font = TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
    ws.row_dimensions[1].height = 24
    if subtitle:
        put(ws, 2, 1, subtitle).font = MUTED_FONT
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(width, 1))


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """Column widths, then row heights for text wider than its column (see fit_rows)."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    fit_rows(ws, widths)


def display_width(text: str, narrow: float = 1.0) -> float:
    """Width in Excel column units: CJK and full-width characters take about two, the others `narrow` (a little
    more than one leaves room where a row must not come out too short)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else narrow for ch in text)


def fit_rows(ws: Worksheet, widths: Sequence[float], first_row: int = 2) -> None:
    """Wrap table text (bordered or merged cells) that is wider than its column or merged span, give the row the
    height it needs and centre the row's other cells vertically. LibreOffice and WPS keep a row without a stored
    height at one line, so wrapped text would print over the next row (Excel grows it on opening). A note outside
    the tables may run on to the right; rows that already have a height are left alone."""
    spans = {(m.min_row, m.min_col): sum(widths[m.min_col - 1:m.max_col]) for m in ws.merged_cells.ranges}
    for row in ws.iter_rows(min_row=first_row, max_col=len(widths)):
        r = row[0].row
        if ws.row_dimensions[r].height is not None:
            continue
        lines = 1
        for cell in row:
            anchor = (cell.row, cell.column) in spans
            if (not isinstance(cell.value, str) or not cell.value or cell.data_type == "f"
                    or not (anchor or cell.border.left.style)):
                continue
            room = spans.get((cell.row, cell.column), widths[cell.column - 1]) - 1
            need = max(1, math.ceil(display_width(cell.value) / max(room, 1)))
            if need > 1 and not cell.alignment.wrap_text:
                cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="center", wrap_text=True)
            lines = max(lines, need if cell.alignment.wrap_text else 1)
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * lines + 3
            for cell in row:
                if cell.alignment.vertical is None:
                    cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="center",
                                               wrap_text=cell.alignment.wrap_text)


def print_setup(ws: Worksheet, *, header_row: int, last_row: int, last_col: int, landscape: bool) -> None:
    """Fit to one page wide, repeat the header row, print the table only, page numbers in the footer."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    # header/footer sit 0.3" from the edge; LibreOffice clips them to the band up to the margin, so leave 0.4"
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(max(last_col, 1))}{max(last_row, header_row)}"
    ws.oddFooter.center.text = "&A  第 &P 页,共 &N 页"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
