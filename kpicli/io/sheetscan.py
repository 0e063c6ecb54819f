"""A quick pass over a worksheet's XML before any library builds its grid.

python-calamine allocates the whole used range at once: a single stray cell at XFD1048576 would ask
for hundreds of gigabytes. This scan finds the real extent from the cells' own references (a
<dimension> element can lie) and the cells holding Excel error values (#N/A, #DIV/0! …), which
calamine reads as empty text. It also notes, as cheaply, the formula cells saved without a calculated value
(written by a program that does not calculate: calamine reads them as empty), the hidden rows, and the cells whose
number format shows a percentage or fixed decimals (numfmt.py; calamine gives values only).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kpicli.core.errors import InputError
from kpicli.io.library_errors import library_read
from kpicli.io.numfmt import NumberShape, number_shapes, styled_cells_pattern
from kpicli.io.xmltext import unescape

MAX_ROWS: int = 200_000
MAX_COLS: int = 2_000
MAX_CELLS = 20_000_000  # rows × columns of the used range; ~1 GB of cells in memory at most

_COL_REF = re.compile(rb'<c [^>]*?\br="([A-Z]{1,3})\d')
_ROW_REF = re.compile(rb'<row [^>]*?\br="(\d{1,9})"')
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,9})"')
_ERROR_TYPE = re.compile(rb'\st="e"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
# a formula directly followed by the cell's end, or by an empty value: nothing was calculated
_NO_VALUE = re.compile(rb"<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_FORMULA_TEXT = re.compile(rb"<f\b[^>]*>([^<]*)</f>")
_STRING_TYPE = re.compile(rb'\st="str"')
_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\shidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d{1,9})"')
_CHUNK = 4 << 20


@dataclass
class SheetScan:
    rows: int = 0
    cols: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # zero-based (row, col) → '#N/A'
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # zero-based (row, col) → formula text
    hidden_rows: set[int] = field(default_factory=set)  # zero-based
    shapes: dict[tuple[int, int], NumberShape] = field(default_factory=dict)  # zero-based (row, col) → its format


class Archive:
    """The workbook's zip, read through zipfile: what zipfile raises for a bad file (only inside its own calls)
    becomes the file's refusal; kpicli's scan around the calls lets its own errors through as the bugs they are."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with library_read(path):
            self._zip = zipfile.ZipFile(path)
        self._names = self._zip.namelist()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self._zip.close()

    def namelist(self) -> list[str]:
        return self._names

    def read(self, name: str) -> bytes:
        with library_read(self.path):
            return self._zip.read(name)

    def chunks(self, name: str, size: int) -> Iterator[bytes]:
        """The member's bytes in pieces of `size`, then one empty piece."""
        with library_read(self.path):
            stream = self._zip.open(name)
        with stream:
            while True:
                with library_read(self.path):
                    chunk = stream.read(size)
                yield chunk
                if not chunk:
                    return


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index


def _sheet_parts(archive: Archive) -> dict[str, str]:
    """Worksheet name → part name, from the workbook and its relationships."""
    names = set(archive.namelist())
    rels_text = archive.read("_rels/.rels").decode("utf-8", "replace") if "_rels/.rels" in names else ""
    main = re.search(r'Target="/?([^"]*workbook[^"]*\.xml)"', rels_text)
    workbook = main.group(1) if main else "xl/workbook.xml"
    folder, base = posixpath.split(workbook)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if workbook not in names or rels_part not in names:
        return {}
    rels = {}
    for element in re.findall(r"<Relationship\b[^>]*>", archive.read(rels_part).decode("utf-8", "replace")):
        rid, target = re.search(r'Id="([^"]*)"', element), re.search(r'Target="([^"]*)"', element)
        if rid and target:
            path = target.group(1)
            rels[rid.group(1)] = path.lstrip("/") if path.startswith("/") else posixpath.normpath(
                posixpath.join(folder, path))
    parts = {}
    for element in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", archive.read(workbook).decode("utf-8", "replace")):
        name, rid = re.search(r'\bname="([^"]*)"', element), re.search(r'\b\w+:id="([^"]*)"', element)
        if name and rid and rels.get(rid.group(1)) in names:
            parts[unescape(name.group(1))] = rels[rid.group(1)]
    return parts


def _scan_part(archive: Archive, part: str, styled: re.Pattern[bytes] | None = None,
               shapes: dict[int, NumberShape] | None = None) -> SheetScan:
    """Regex over the raw XML in chunks: no Python-level loop per cell (only per error cell)."""
    scan = SheetScan()
    letters: set[bytes] = set()
    tail = b""
    for chunk in archive.chunks(part, _CHUNK):
        data = tail + chunk
        cut = len(data) if not chunk else max(data.rfind(b"<c "), data.rfind(b"<row "), 0)
        view = data[:cut]
        letters.update(_COL_REF.findall(view))
        rows = _ROW_REF.findall(view)
        if rows:
            scan.rows = max(scan.rows, max(map(int, rows)))
        # t="e" is in every error cell's tag: without it the (slow, unanchored) pattern cannot match
        for match in _ERROR_TYPE.finditer(view) if b't="e"' in view else ():
            begin = view.rfind(b"<c ", 0, match.start())
            ref = _REF.search(view, begin, match.start())
            close = view.find(b"</c>", match.end())
            value = _VALUE.search(view, match.end(), close if close > 0 else len(view))
            if begin >= 0 and ref is not None:
                position = (int(ref.group(2)) - 1, _column_index(ref.group(1)) - 1)
                scan.errors[position] = value.group(1).decode("utf-8", "replace") if value else "#错误"
        if b"<f" in view:
            _scan_formulas(view, scan)
        if styled is not None and shapes is not None:
            for letters_, row, style in styled.findall(view):
                scan.shapes[(int(row) - 1, _column_index(letters_) - 1)] = shapes[int(style)]
        if b'hidden="' in view:
            for match in _HIDDEN_ROW.finditer(view):
                number = _ROW_NUMBER.search(match.group(0))
                if number:
                    scan.hidden_rows.add(int(number.group(1)) - 1)
        tail = data[cut:]
        if not chunk:
            break
    scan.cols = max((_column_index(x) for x in letters), default=0)
    scan.rows = max([scan.rows, *(pos[0] + 1 for pos in scan.errors)])
    return scan


def _scan_formulas(view: bytes, scan: SheetScan) -> None:
    """Formula cells with no stored result; a Python step only per such cell (a calculated workbook has none).
    A text formula (t="str") with an empty value did calculate: its result is the empty text."""
    for match in _NO_VALUE.finditer(view):
        begin = view.rfind(b"<c ", 0, match.start())
        if begin < 0:
            continue
        head = view[begin:view.find(b">", begin) + 1]
        ref = _REF.search(head)
        if ref is None or _STRING_TYPE.search(head):
            continue
        text = _FORMULA_TEXT.match(match.group(0))
        formula = unescape(text.group(1).decode("utf-8", "replace")) if text else ""
        scan.formulas[(int(ref.group(2)) - 1, _column_index(ref.group(1)) - 1)] = formula


def scan_sheets(path: Path, sheets: set[str] | None = None, *, optional: Callable[[str], bool] | None = None,
                skipped: list[str] | None = None) -> dict[str, SheetScan]:
    """Extent and error cells of each worksheet (or of `sheets`), refusing a sheet too large to read — unless
    `optional(name)` says the sheet is not needed: then its name goes to `skipped` instead (the caller says so)."""
    scans = {}
    with Archive(path) as archive:
        shapes = number_shapes(archive)
        styled = styled_cells_pattern(shapes)
        for name, part in _sheet_parts(archive).items():
            if sheets is not None and name not in sheets:
                continue
            scan = _scan_part(archive, part, styled, shapes)
            if scan.rows > MAX_ROWS or scan.cols > MAX_COLS or scan.rows * scan.cols > MAX_CELLS:
                if optional is not None and optional(name):
                    if skipped is not None:
                        skipped.append(name)
                    continue
                raise InputError(
                    f"{path.name}：工作表「{name}」的使用范围为 {scan.rows} 行 × {scan.cols} 列，超过 kpicli 的上限"
                    f"（{MAX_ROWS} 行、{MAX_COLS} 列、共 {MAX_CELLS:,} 个单元格）。常见原因是远处的单元格留有内容或格式:"
                    "请在 Excel 中删除数据下方和右侧多余的行列（按 Ctrl+End 可找到最远的单元格），保存后再试。"
                )
            scans[name] = scan
    return scans
