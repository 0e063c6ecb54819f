"""Speed for large result sheets.

openpyxl spends most of its time hashing style objects per cell and serialising cells one by one.
Two remedies: (1) register a style once and give each cell a copy of its style array; (2) for the
largest sheet (明细) write the data rows as XML text, vectorised with pandas, and splice them into
the saved package. Both rely on openpyxl's documented-in-source internals (StyleArray,
wb._cell_styles), stable since openpyxl 2.6.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Hashable
from copy import copy
from pathlib import Path
from weakref import WeakKeyDictionary

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE
from openpyxl.workbook import Workbook

from kpicli.core.vocab import column_letter
from kpicli.io.xmltext import escape


def style_array(wb: Workbook, *, font: Font | None = None, fill: PatternFill | None = None,
                border: Border | None = None, alignment: Alignment | None = None,
                number_format: str | None = None) -> StyleArray:
    """A registered style, as openpyxl's own descriptors would build it, to copy onto many cells."""
    arr = StyleArray()
    if font is not None:
        arr.fontId = wb._fonts.add(font)
    if fill is not None:
        arr.fillId = wb._fills.add(fill)
    if border is not None:
        arr.borderId = wb._borders.add(border)
    if alignment is not None:
        arr.alignmentId = wb._alignments.add(alignment)
    if number_format is not None:
        if number_format in BUILTIN_FORMATS_REVERSE:
            arr.numFmtId = BUILTIN_FORMATS_REVERSE[number_format]
        else:
            arr.numFmtId = wb._number_formats.add(number_format) + BUILTIN_FORMATS_MAX_SIZE
    return arr


_STYLES: WeakKeyDictionary[Workbook, dict[Hashable, StyleArray]] = WeakKeyDictionary()


def cached_style(wb: Workbook, key: Hashable, **parts: object) -> StyleArray:
    """style_array(wb, **parts), registered once per workbook under `key` and then reused: setting fonts, fills
    and borders cell by cell makes openpyxl hash them every time."""
    styles = _STYLES.setdefault(wb, {})
    if key not in styles:
        styles[key] = style_array(wb, **parts)
    return styles[key]


def apply_style(cell: object, arr: StyleArray) -> None:
    cell._style = copy(arr)  # each cell owns its array: openpyxl mutates it in place


def style_id(wb: Workbook, arr: StyleArray) -> int:
    """The s= index the saved sheet XML will use for this style."""
    return wb._cell_styles.add(copy(arr))


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _fragment(value: object, letter: str, style: int, numeric: bool) -> str:
    """One cell's XML with '{0}' where the row number goes (braces in text doubled for str.format)."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return ""
    if numeric and not isinstance(value, (str, bool)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
        if number is not None:
            return f'<c r="{letter}{{0}}" s="{style}"><v>{number!r}</v></c>'
    text = escape(_ILLEGAL_XML.sub("", str(value))).replace("{", "{{").replace("}", "}}")
    return f'<c r="{letter}{{0}}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


ROWS_PER_CHUNK = 2000


def rows_xml(table: pd.DataFrame, first_row: int, styles: list[int], numeric: list[bool]) -> list[bytes]:
    """<row> elements for the table's rows starting at Excel row first_row, as UTF-8 chunks (a large
    sheet never exists as one Python string). Each distinct value is rendered once per column; text is
    an inline string, never a formula, whatever it starts with."""
    if table.empty:
        return []
    columns = []
    for i, column in enumerate(table.columns):
        values = table[column]
        letter = column_letter(i)
        rendered = {v: _fragment(v, letter, styles[i], numeric[i]) for v in pd.unique(values)}
        columns.append(values.map(rendered).tolist())
    rows = zip(*columns)
    chunks = []
    for start in range(first_row, first_row + len(table), ROWS_PER_CHUNK):
        chunk = [("<row r=\"{0}\">" + "".join(cells) + "</row>").format(row)
                 for row, cells in zip(range(start, start + ROWS_PER_CHUNK), rows)]
        chunks.append("".join(chunk).encode("utf-8"))
    return chunks


def insert_rows(sheet_xml: bytes, rows: list[bytes], ref: str) -> bytes:
    """Append row chunks to a sheet's sheetData and set its dimension, working on bytes."""
    sheet_xml = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), sheet_xml, count=1)
    if b"</sheetData>" in sheet_xml:
        head, tail = sheet_xml.split(b"</sheetData>", 1)
        return b"".join([head, *rows, b"</sheetData>", tail])
    head, tail = sheet_xml.split(b"<sheetData/>", 1)
    return b"".join([head, b"<sheetData>", *rows, b"</sheetData>", tail])


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str:
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    escaped = title.replace("&", "&amp;")
    match = re.search(r'<sheet [^>]*name="' + re.escape(escaped) + r'"[^>]*r:id="([^"]+)"', workbook)
    if match is None:
        raise KeyError(title)
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rel = re.search(r'<Relationship [^>]*Id="' + re.escape(match.group(1)) + r'"[^>]*/>', rels)
    target = re.search(r'Target="([^"]+)"', rel.group(0)).group(1)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def splice_rows(path: Path, title: str, rows: list[bytes], ref: str) -> None:
    """Insert row XML at the end of a sheet's sheetData in a saved workbook, rewriting the package."""
    if not rows:
        return
    tmp = path.with_name(path.name + ".splice")
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            part = _sheet_part(src, title)
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == part:
                    data = insert_rows(data, rows, ref)
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
