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
from kpicli.io.distinct import factorize_cells
from kpicli.io.openpyxl_compat import apply_style, style_array, style_id
from kpicli.io.xmltext import escape
from kpicli.io.zipparts import Package

__all__ = ["Columns", "apply_style", "cached_style", "factorized", "insert_rows", "rows_prints", "rows_xml", "splice_rows",
           "style_array", "style_id"]

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


def cell_tail(value: object, style: int, numeric: bool, blank: bool) -> str:
    """One cell's XML after its row number (`<c r="A` + row + tail); "" for no cell at all. An empty value is no
    cell, or with `blank` a styled empty cell (a bordered table keeps its borders). The definition, one value at a
    time: rows_xml renders plain texts of a column in one go, the same way (tests/test_provenance_memory.py)."""
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


def token_as_read(value: object, numeric: bool) -> str | bool | None:
    """The value's fingerprint token (io.fingerprints.token) as a reader of the written cell gets it; None for an
    empty cell; False when that is not certain without reading (the caller then reads the sheet). The definition,
    one value at a time, as for cell_tail."""
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


# A column's distinct texts are rendered by one format when none of them holds what cell_tail or token_as_read treat
# apart: a control character (XML drops most of them; a line end, tab or carriage return changes the XML or the
# reading), &, < or > (escaped), two spaces, an escaped character (_x0041_). The texts are searched joined (one
# search, not one per text) by a character the pattern does not hold, so a match lies within one text.
_SPECIAL = re.compile("[\x00-\x1f&<>]|  |_x[0-9A-Fa-f]{4}_")
_JOIN = "\uffff"


def _plain_texts(values: Sequence[object]) -> list[int]:
    """Positions of the values that are non-empty texts (type str exactly) with nothing special (_SPECIAL)."""
    at = [k for k, v in enumerate(values) if v.__class__ is str and v != ""]
    if at and _SPECIAL.search(_JOIN.join([values[k] for k in at])):
        at = [k for k in at if not _SPECIAL.search(values[k])]
    return at


def _tails(values: Sequence[object], style: int, numeric: bool, blanks: bool) -> list[str]:
    """[cell_tail(v, style, numeric, blanks) for v in values], plain texts (_plain_texts) by one format."""
    tails: list[str | None] = [None] * len(values)
    head, end = f'" s="{style}" t="inlineStr"><is><t', "</t></is></c>"
    for k in _plain_texts(values):
        v = values[k]
        # nothing to drop or escape, no line end, tab or double space: cell_tail keeps xml:space only for spaces around
        tails[k] = f"{head}>{v}{end}" if v == v.strip() else f'{head} xml:space="preserve">{v}{end}'
    return [cell_tail(v, style, numeric, blanks) if t is None else t for v, t in zip(values, tails)]


def _tokens(values: Sequence[object], numeric: bool) -> list[str | bool | None]:
    """[token_as_read(v, numeric) for v in values], plain texts (_plain_texts) by one format."""
    tokens: list[str | bool | None] = [False] * len(values)
    plain = [False] * len(values)
    for k in _plain_texts(values):
        tokens[k], plain[k] = "s" + values[k], True  # fingerprints.token of a text nothing changes on reading
    return [t if p else token_as_read(v, numeric) for v, t, p in zip(values, tokens, plain)]


Columns = list[tuple[np.ndarray, list[object]]]
ROWS_PER_CHUNK = 2000  # rows joined at a time (a join of a million short bytes is several times slower)


def factorized(table: pd.DataFrame) -> Columns:
    """Each column's codes and distinct values, with None at the end (code -1, a missing value, picks it), for
    rows_xml and rows_prints: a table written and fingerprinted is factorized once (io.distinct: TRUE and 1 stay
    two values)."""
    out = []
    for column in table.columns:
        codes, distinct = factorize_cells(table[column])
        out.append((codes, [*distinct, None]))
    return out


def rows_prints(table: pd.DataFrame, first_row: int, numeric: list[bool], columns: Columns | None = None
                ) -> bytes | None:
    """The fingerprint text (io.fingerprints) of the rows rows_xml writes for the table from Excel row first_row,
    from the values in memory; None when a value's reading is not certain. Distinct values are factorized as in
    rows_xml, so each is what rows_xml rendered. Number formats are not looked at: the caller makes sure no
    column has a date format (a reader turns those numbers into dates). columns: factorized(table), if known."""
    count = len(table)
    if count == 0:
        return b""
    columns = factorized(table) if columns is None else columns
    starts = np.array([b"%d," % r for r in range(first_row - 1, first_row - 1 + count)], dtype=object)
    # per cell its row number and the rest (b"" for an empty cell), in row order; joined a chunk of rows at a time
    flat = np.empty((count, 2 * len(columns)), dtype=object)
    for i, (codes, values) in enumerate(columns):
        pieces = []
        for token in _tokens(values, numeric[i]):
            if token is False:
                return None
            pieces.append(b"" if token is None else f"{i},{token}\x00".encode())
        empty = np.array([p == b"" for p in pieces], dtype=bool)[codes]
        flat[:, 2 * i] = np.where(empty, b"", starts) if empty.any() else starts
        flat[:, 2 * i + 1] = np.array(pieces, dtype=object)[codes]
    return b"".join([b"".join(flat[k:k + ROWS_PER_CHUNK].ravel().tolist()) for k in range(0, count, ROWS_PER_CHUNK)])



def rows_xml(table: pd.DataFrame, first_row: int, styles: Sequence[int | Sequence[int]], numeric: list[bool], *,
             heights: Sequence[float | None] | None = None, blanks: bool = False,
             columns: Columns | None = None) -> list[bytes]:
    """<row> elements for the table's rows starting at Excel row first_row, as UTF-8 chunks (a large
    sheet never exists as one Python string). Each distinct value (and style) is rendered once per column and
    only its row number is added per cell; text is an inline string, never a formula, whatever it starts with.

    styles: per column one s= index, or one per row. heights: per row a height in points or None.
    blanks: empty values become styled empty cells instead of no cell. columns: factorized(table), if known."""
    if table.empty:
        return []
    count = len(table)
    columns = factorized(table) if columns is None else columns
    numbers = np.array([str(r).encode() for r in range(first_row, first_row + count)], dtype=object)
    # Per row: its opening, then per column the cell's start, its row number and the rest (b"" for no cell), then
    # its end. Each distinct (value, style) is rendered once and numpy picks the renderings by code, so no Python
    # code runs per cell; a chunk of rows is then one join of bytes.
    flat = np.empty((count, 2 + 3 * len(columns)), dtype=object)
    if heights is None:
        flat[:, 0] = b'<row r="' + numbers + b'">'
    else:
        flat[:, 0] = b'<row r="' + numbers + np.array([b'">' if h is None else f'" ht="{h:g}" customHeight="1">'.encode()
                                                       for h in heights], dtype=object)
    for i, (codes, values) in enumerate(columns):
        style = styles[i]
        if isinstance(style, Integral):
            rendered = [t.encode() for t in _tails(values, int(style), numeric[i], blanks)]
            picked = codes
        else:
            style_codes, style_values = pd.factorize(np.asarray(style))
            keys, first = np.unique(codes * len(style_values) + style_codes, return_index=True, return_inverse=False)
            rendered = [b""] * len(keys)
            for s in range(len(style_values)):  # each style's values together: plain texts by one format
                at = [j for j, k in enumerate(first) if style_codes[k] == s]
                tails = _tails([values[codes[first[j]]] for j in at], int(style_values[s]), numeric[i], blanks)
                for j, tail in zip(at, tails):
                    rendered[j] = tail.encode()
            picked = np.searchsorted(keys, codes * len(style_values) + style_codes)
        empty = np.array([t == b"" for t in rendered], dtype=bool)[picked]
        start = f'<c r="{column_letter(i)}'.encode()
        if empty.any():
            flat[:, 1 + 3 * i] = np.where(empty, b"", start)
            flat[:, 2 + 3 * i] = np.where(empty, b"", numbers)
        else:
            flat[:, 1 + 3 * i] = start
            flat[:, 2 + 3 * i] = numbers
        flat[:, 3 + 3 * i] = np.array(rendered, dtype=object)[picked]
    flat[:, -1] = b"</row>"
    return [b"".join(flat[k:k + ROWS_PER_CHUNK].ravel().tolist()) for k in range(0, count, ROWS_PER_CHUNK)]


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
