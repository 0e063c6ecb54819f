"""Speed for large result sheets.

openpyxl spends most of its time hashing style objects per cell and serialising cells one by one.
Two remedies: (1) register a style once and give each cell a copy of its style array; (2) for the
large tables (明细, 自查偏差, 问题清单, 指标明细) write the data rows as XML text, vectorised with pandas, and
splice them into the saved package. The style arrays rely on openpyxl internals, which live in
kpicli.io.openpyxl_compat (style_array, apply_style and style_id are re-exported here for the writers).
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Mapping, Sequence
from numbers import Integral, Real
from pathlib import Path
from weakref import WeakKeyDictionary

import numpy as np
import pandas as pd
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook import Workbook

from kpicli.core.vocab import column_letter
from kpicli.io.openpyxl_compat import apply_style, style_array, style_id
from kpicli.io.xmltext import escape
from kpicli.io.zipparts import Package

__all__ = ["apply_style", "cached_style", "insert_rows", "rows_xml", "splice_rows", "style_array", "style_id"]

_STYLES: WeakKeyDictionary[Workbook, dict[Hashable, StyleArray]] = WeakKeyDictionary()


def cached_style(wb: Workbook, key: Hashable, **parts: object) -> StyleArray:
    """style_array(wb, **parts), registered once per workbook under `key` and then reused: setting fonts, fills
    and borders cell by cell makes openpyxl hash them every time."""
    styles = _STYLES.setdefault(wb, {})
    if key not in styles:
        styles[key] = style_array(wb, **parts)
    return styles[key]


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value: object, numeric: bool) -> tuple[str, str] | None:
    """What a cell of the table holds as written: ("n", the number's text) or ("s", the text); None when empty."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    if numeric and not isinstance(value, (str, bool)):
        if isinstance(value, Integral):
            return "n", str(int(value))  # as openpyxl writes an int
        number = None
        if isinstance(value, Real) or hasattr(value, "__float__"):
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = None
        if number is not None and number == number:
            return "n", repr(number)
    return "s", _ILLEGAL_XML.sub("", str(value))


def _tail(value: object, style: int, numeric: bool, blank: bool) -> str:
    """One cell's XML after its row number (`<c r="A` + row + tail); "" for no cell at all. An empty value is no
    cell, or with `blank` a styled empty cell (a bordered table keeps its borders)."""
    cell = _cell(value, numeric)
    if cell is None:
        return f'" s="{style}"/>' if blank else ""
    if cell[0] == "n":
        return f'" s="{style}"><v>{cell[1]}</v></c>'
    text = escape(cell[1])
    # xml:space only where whitespace would otherwise be dropped: most cells are short words, and the attribute
    # alone made a large 明细 sheet a fifth longer
    space = (' xml:space="preserve"' if text != text.strip() or any(w in text for w in ("\n", "\t", "  "))
             else "")
    return f'" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


_NOT_PLAIN = re.compile(r"\r|_x[0-9A-Fa-f]{4}_")  # read back otherwise: an XML line end, an escaped character


def _token_as_read(value: object, numeric: bool) -> str | bool | None:
    """The value's fingerprint token (io.fingerprints.token) as a reader of the written cell gets it; None for an
    empty cell; False when that is not certain without reading (the caller then reads the sheet)."""
    from kpicli.io.fingerprints import token

    cell = _cell(value, numeric)
    if cell is None:
        return None
    if cell[0] == "n":
        number = float(cell[1])
        return token(number) if math.isfinite(number) else False
    if _NOT_PLAIN.search(cell[1]):
        return False
    return token(cell[1])


def rows_prints(table: pd.DataFrame, first_row: int, numeric: list[bool]) -> bytes | None:
    """The fingerprint text (io.fingerprints) of the rows rows_xml writes for the table from Excel row first_row,
    from the values in memory; None when a value's reading is not certain. Distinct values are factorized as in
    rows_xml, so each is what rows_xml rendered. Number formats are not looked at: the caller makes sure no
    column has a date format (a reader turns those numbers into dates)."""
    count = len(table)
    if count == 0:
        return b""
    starts = np.array([f"{r}," .encode() for r in range(first_row - 1, first_row - 1 + count)], dtype=object)
    columns = []
    for i, column in enumerate(table.columns):
        codes, uniques = pd.factorize(table[column], use_na_sentinel=True)
        pieces = []
        for value in [*uniques, None]:  # code -1 picks the last one
            token = _token_as_read(value, numeric[i])
            if token is False:
                return None
            pieces.append(b"" if token is None else f"{i},{token}\x00".encode())
        cells = np.array(pieces, dtype=object)[codes]
        filled = cells != b""
        out = np.full(count, b"", dtype=object)
        out[filled] = starts[filled] + cells[filled]
        columns.append(out.tolist())
    return b"".join(b"".join(cells) for cells in zip(*columns))


ROWS_PER_CHUNK = 2000


def rows_xml(table: pd.DataFrame, first_row: int, styles: Sequence[int | Sequence[int]], numeric: list[bool], *,
             heights: Sequence[float | None] | None = None, blanks: bool = False) -> list[bytes]:
    """<row> elements for the table's rows starting at Excel row first_row, as UTF-8 chunks (a large
    sheet never exists as one Python string). Each distinct value (and style) is rendered once per column and
    only its row number is added per cell; text is an inline string, never a formula, whatever it starts with.

    styles: per column one s= index, or one per row. heights: per row a height in points or None.
    blanks: empty values become styled empty cells instead of no cell."""
    if table.empty:
        return []
    count = len(table)
    # bytes throughout: each distinct piece is encoded once, not the whole sheet at the end
    numbers = np.array([str(r).encode() for r in range(first_row, first_row + count)], dtype=object)
    if heights is None:
        opening = b'<row r="' + numbers + b'">'
    else:
        opening = b'<row r="' + numbers + np.array([b'">' if h is None else f'" ht="{h:g}" customHeight="1">'.encode()
                                                   for h in heights], dtype=object)
    columns = [opening.tolist()]
    for i, column in enumerate(table.columns):
        # Each distinct (value, style) is rendered once; numpy then picks the renderings by code and adds the row
        # numbers element-wise, so no Python code runs per cell.
        codes, uniques = pd.factorize(table[column], use_na_sentinel=True)  # missing values: code -1
        uniques = [*uniques, None]  # code -1 picks this one
        style = styles[i]
        if isinstance(style, Integral):
            tails = np.array([_tail(v, int(style), numeric[i], blanks).encode() for v in uniques], dtype=object)[codes]
        else:
            style_codes, style_values = pd.factorize(np.asarray(style))
            keys, first = np.unique(codes * len(style_values) + style_codes, return_index=True, return_inverse=False)
            rendered = np.array([_tail(uniques[codes[k]], int(style_values[style_codes[k]]), numeric[i],
                                       blanks).encode() for k in first], dtype=object)
            tails = rendered[np.searchsorted(keys, codes * len(style_values) + style_codes)]
        cells = f'<c r="{column_letter(i)}'.encode() + numbers + tails
        if not blanks:
            cells[tails == b""] = b""
        columns.append(cells.tolist())
    columns.append([b"</row>"] * count)
    rows = [b"".join(cells) for cells in zip(*columns)]
    return [b"".join(rows[k:k + ROWS_PER_CHUNK]) for k in range(0, count, ROWS_PER_CHUNK)]


def insert_rows(sheet_xml: bytes, rows: list[bytes], ref: str) -> bytes:
    """Append row chunks to a sheet's sheetData and set its dimension, working on bytes."""
    sheet_xml = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), sheet_xml, count=1)
    if b"</sheetData>" in sheet_xml:
        head, tail = sheet_xml.split(b"</sheetData>", 1)
        return b"".join([head, *rows, b"</sheetData>", tail])
    head, tail = sheet_xml.split(b"<sheetData/>", 1)
    return b"".join([head, b"<sheetData>", *rows, b"</sheetData>", tail])


def _sheet_part(pkg: Package, title: str) -> str:
    workbook = pkg.text("xl/workbook.xml")
    escaped = escape(title, quote=True)
    match = re.search(r'<sheet [^>]*name="' + re.escape(escaped) + r'"[^>]*r:id="([^"]+)"', workbook)
    if match is None:
        raise KeyError(title)
    rels = pkg.text("xl/_rels/workbook.xml.rels")
    rel = re.search(r'<Relationship [^>]*Id="' + re.escape(match.group(1)) + r'"[^>]*/>', rels)
    target = re.search(r'Target="([^"]+)"', rel.group(0)).group(1)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def splice_rows(path: Path, sheets: Mapping[str, tuple[list[bytes], str]]) -> None:
    """Insert row XML at the end of sheets' sheetData in a workbook openpyxl saved (title → (rows, dimension)),
    rewriting the package once; the other parts are copied raw."""
    sheets = {title: value for title, value in sheets.items() if value[0]}
    if not sheets:
        return
    pkg = Package.read(path)
    for title, (rows, ref) in sheets.items():
        part = _sheet_part(pkg, title)
        pkg.parts[part] = insert_rows(pkg.parts[part], rows, ref)
    tmp = path.with_name(path.name + ".splice")
    try:
        pkg.write(tmp, 6)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
