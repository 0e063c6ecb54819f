"""The look of every workbook kpicli writes: fonts, fills, borders, grade colours, formats, safe text, print setup."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from kpicli.io.openpyxl_compat import set_default_font

# One look for every workbook kpicli writes (template, result, annual, collect, of every kind): fonts, fills, borders,
# grade colours, number formats and print setup are defined here only.
#
# The font is 等线 (DengXian), the default CJK font of Office 2016+ and present with WPS on Windows and macOS: its
# Chinese and Latin glyphs share one design and metrics, so a sheet that is mostly Chinese renders evenly. Calibri
# has no CJK glyphs: Excel falls back to another font character by character, mixing two designs in one cell and
# changing row heights. LibreOffice without 等线 substitutes its CJK fallback (Noto Sans CJK, WenQuanYi), which is
# why column widths keep a margin (see template.PAGED_SCALE). Every font is named, the workbook default too
# (new_workbook): a font without a name prints in a serif face in LibreOffice and WPS.
FONT_NAME = "等线"
FONT_SIZE = 11
FORM_FONT_SIZE = 10  # a blank form with many columns (one group per unit) prints denser
DEFAULT_FONT = Font(name=FONT_NAME, size=FONT_SIZE, family=2)
HEADER_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
MUTED_FONT = Font(name=FONT_NAME, size=FONT_SIZE, color="808080", italic=True)
FORM_FONT = Font(name=FONT_NAME, size=FORM_FONT_SIZE)
FORM_HEADER_FONT = Font(name=FONT_NAME, size=FORM_FONT_SIZE, bold=True)

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="E7E6E6")  # cells preset to 不适用 in the template
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
SCORE_FORMAT = "0.00"
AMOUNT_FORMAT = '+#,##0;-#,##0;0'
DATE_FORMAT = "yyyy-mm-dd"
LINE_HEIGHT = 15  # points per line of 11-point text, CJK included
PAGE_FOOTER = "第 &P 页，共 &N 页"

# Fill and font colours from the best grade to the worst; custom grade names take them by position.
GRADE_FILLS = ["C6EFCE", "DDEBF7", "FFF2CC", "FCE4D6", "FFC7CE"]
GRADE_FONTS = ["006100", "1F4E78", "7F6000", "843C0C", "9C0006"]

_FORMULA_START = ("=", "+", "-", "@")


def new_workbook() -> Workbook:
    """An empty workbook whose default font (every cell without a font of its own) is FONT_NAME."""
    wb = Workbook()
    set_default_font(wb, DEFAULT_FONT)
    return wb


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


# Latin-side characters that print much wider than a digit in LibreOffice's fallback (DejaVu Sans: % is 0.95 em,
# ≤ ≥ < > = + 0.84 em, a digit 0.64 em) and the East Asian "ambiguous" ones (→ × · …) it also takes from there.
WIDE_SYMBOLS = frozenset("%@WMmw≤≥<>=+~≈×÷±→…")


def display_width(text: str, narrow: float = 1.0) -> float:
    """Width in Excel column units: CJK and full-width characters take about two, the others `narrow` (a little
    more than one leaves room where a row must not come out too short), wide symbols half as much again."""
    def width(ch: str) -> float:
        kind = unicodedata.east_asian_width(ch)
        if kind in "WF":
            return 2
        return narrow * 1.5 if kind == "A" or ch in WIDE_SYMBOLS else narrow

    return sum(width(ch) for ch in text)


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


def fit_to_page_width(ws: Worksheet, *, landscape: bool) -> None:
    """A4, one page wide and as many pages tall as needed; the margins and page numbers every printout has."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    # header/footer sit 0.3" from the edge; LibreOffice clips them to the band up to the margin, so leave 0.4"
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = f"&A  {PAGE_FOOTER}"


# A4 printable area in points with fit_to_page_width's margins (0.4" left and right, 0.7" top and bottom)
PRINTABLE = {True: (842 - 0.8 * 72, 595 - 1.4 * 72), False: (595 - 0.8 * 72, 842 - 1.4 * 72)}
MIN_SCALE = 0.7  # below this a page is shrunk past easy reading (11-point text printed under 8 points)


def sheet_points(ws: Worksheet, last_row: int, last_col: int) -> tuple[float, float]:
    """(width, height) in points of A1 to the last cell as printed at 100%: a column of width w takes about
    7w + 5 pixels (0.75 points each), a row without a stored height one line."""
    width = sum(((ws.column_dimensions[get_column_letter(c)].width or 8.43) * 7 + 5) * 0.75
                for c in range(1, last_col + 1))
    height = sum(ws.row_dimensions[r].height or LINE_HEIGHT for r in range(1, last_row + 1))
    return width, height


def one_page_if_readable(ws: Worksheet, *, last_row: int, last_col: int, landscape: bool) -> bool:
    """Print on one page (fit to width and height) when that needs a scale of MIN_SCALE or more: a table whose
    notes run a few lines past the page then prints whole on page 1, instead of a second page that holds only
    the repeated header and the notes. Returns whether the sheet now prints on one page."""
    page_width, page_height = PRINTABLE[landscape]
    width, height = sheet_points(ws, last_row, last_col)
    scale = min(1.0, page_width / width, page_height / height)
    if scale < MIN_SCALE:
        return False
    ws.page_setup.fitToHeight = 1
    return True


def print_setup(ws: Worksheet, *, header_row: int, last_row: int, last_col: int, landscape: bool) -> None:
    """Fit to one page wide, repeat the header row, print the table only, page numbers in the footer."""
    fit_to_page_width(ws, landscape=landscape)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(max(last_col, 1))}{max(last_row, header_row)}"
    # a coordinate, not ws.cell(): that would create an empty row the fast writer's rows then duplicate (two
    # <row r="5">: LibreOffice keeps the empty one's height, so the first row's wrapped text overprints the next)
    ws.freeze_panes = f"A{header_row + 1}"
