"""Large result tables written as XML rows: the same cells, styles and row heights as write_table + set_widths,
without openpyxl handling (and measuring) tens of thousands of cells one by one.

The header, title and widths go through openpyxl as for any table; the body rows become a Splice, added to the
sheet's XML after saving: by the zip-level graft on the fast path, by splice_rows on the slow one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from kpicli.core.vocab import column_letter
from kpicli.io.xlfast import Columns, factorized, rows_prints, rows_xml, style_array, style_id
from kpicli.render.style import BORDER, LINE_HEIGHT, WRAP, display_width, set_widths, write_table

_DATE_FORMAT = re.compile(r"[dmyhsDMYHS]")  # in a number format, outside quotes and brackets
VCENTER = Alignment(vertical="center")  # what fit_rows gives the other cells of a row it makes taller


@dataclass
class Splice:
    """Rows to add to a sheet after openpyxl has saved the package."""

    sheet: str
    table: pd.DataFrame
    first_row: int
    styles: list[int | Sequence[int]]  # per column: one s= index of the saving workbook, or one per row
    numeric: list[bool]
    last_row: int
    heights: list[float | None] | None = None
    blanks: bool = False
    formats: dict[int, str] | None = None  # per column: its number format, where not General
    _columns: Columns | None = field(default=None, init=False, repr=False, compare=False)

    def columns(self) -> Columns:
        """The table factorized once (io.xlfast.factorized), for its rows and its fingerprint alike."""
        if self._columns is None:
            self._columns = factorized(self.table)
        return self._columns

    def prints(self) -> bytes | None:
        """The rows' fingerprint text from the values in memory (io.fingerprints.fingerprints_with_rows); None when
        a numeric column has a date format, whose numbers read back as dates, or a value is not certain."""
        if any(self.numeric[c] and _DATE_FORMAT.search(re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", f))
               for c, f in (self.formats or {}).items()):
            return None
        return rows_prints(self.table, self.first_row, self.numeric, self.columns())

    def rows(self, style_map: Callable[[int], int] = lambda k: k) -> tuple[list[bytes], str]:
        """The row XML (style indices passed through style_map) and the sheet's new dimension."""
        styles: list[int | Sequence[int]] = []
        for style in self.styles:
            if isinstance(style, (int, np.integer)):
                styles.append(style_map(int(style)))
            else:
                lookup = {k: style_map(int(k)) for k in set(style)}
                styles.append([lookup[k] for k in style])
        xml = rows_xml(self.table, self.first_row, styles, self.numeric, heights=self.heights, blanks=self.blanks,
                       columns=self.columns())
        return xml, f"A1:{column_letter(len(self.styles) - 1)}{max(self.last_row, self.first_row - 1)}"


def fast_table(ws: Worksheet, top: int, headers: Sequence[str], rows: Sequence[Sequence[object]] | pd.DataFrame,
               widths: Sequence[float], formats: dict[int, str] | None = None) -> tuple[Splice, int]:
    """write_table(ws, top, headers, rows, formats) and set_widths(ws, widths), the rows as a Splice (rows may
    be a DataFrame with the table's columns in order: large tables are built column-wise).

    Returns the splice and the last row, as write_table does. Every cell gets the style write_table and
    fit_rows would give it: bordered, the column's number format, wrapped when the text is long (over 30
    characters) or wider than its column, centred vertically in a row made taller for wrapped text."""
    write_table(ws, top, headers, [], formats)
    set_widths(ws, widths)  # fits the title and header rows; the body is measured below, a column at a time
    formats = formats or {}
    count = len(headers)
    if isinstance(rows, pd.DataFrame):
        table = rows.astype(object).set_axis(range(count), axis=1).reset_index(drop=True)
    else:
        table = pd.DataFrame([list(r) + [None] * (count - len(r)) for r in rows], columns=range(count), dtype=object)
    wb = ws.parent

    def style(fmt: str | None, variant: str) -> int:
        alignment = {"plain": None, "wrap": WRAP, "vcenter": VCENTER}[variant]
        return style_id(wb, style_array(wb, border=BORDER, alignment=alignment, number_format=fmt))

    lines = np.ones(len(table), dtype=int)
    wrapped = []
    for c in range(count):
        values = table[c].tolist()
        room = max(widths[c] - 1, 1) if c < len(widths) else None
        measured: dict[object, tuple[int, bool]] = {}
        for v in values:  # each distinct text measured once
            if v not in measured:
                measured[v] = _measure(v, room)
        cells = [measured[v] for v in values]
        lines = np.maximum(lines, np.fromiter((m[0] for m in cells), dtype=int, count=len(cells)))
        wrapped.append(np.fromiter((m[1] for m in cells), dtype=bool, count=len(cells)))
    tall = lines > 1
    styles: list[int | Sequence[int]] = []
    for c in range(count):
        fmt = formats.get(c)
        variant = pd.Series(np.where(wrapped[c], "wrap", np.where(tall, "vcenter", "plain")))
        styles.append(variant.map({v: style(fmt, v) for v in variant.unique()}).tolist())
    heights = [LINE_HEIGHT * int(n) + 3 if n > 1 else None for n in lines] if tall.any() else None
    last = top + len(table)
    numeric = [True] * count  # as put(): numbers stay numbers, text stays text
    return Splice(ws.title, table, top + 1, styles, numeric, last, heights, blanks=True, formats=formats), last


def _measure(value: object, room: float | None) -> tuple[int, bool]:
    """(lines the value needs, whether it wraps), as write_table and fit_rows decide for one cell."""
    if not isinstance(value, str) or not value:
        return 1, False
    need = 1 if room is None else max(1, math.ceil(display_width(value) / room))
    return need, len(value) > 30 or need > 1
