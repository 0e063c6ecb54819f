"""How a number cell is shown: the workbook's number formats, read from xl/styles.xml without a library.

calamine gives a %-formatted cell's value (0.98 for what its user sees as 98%) but not its format. A kind may need
the format twice: a rule written without % against a cell that shows 98% (the units disagree), and a cell that
shows 95.0% while it holds 0.9499999999 (a tier boundary hidden by the display). Only formats that say something
are kept: percentages, and fixed decimals (0.0, #,##0.00); General, dates, text and scientific formats are not.

    shapes = number_shapes(archive)   → {style index: NumberShape(percent=True, decimals=1)}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from kpicli.io.xmltext import unescape


@dataclass(frozen=True)
class NumberShape:
    """A cell's number format, as much as kpicli uses: shown as a percentage, with this many decimals."""

    percent: bool
    decimals: int


# Excel's built-in formats with fixed decimals or a percentage (ECMA-376 §18.8.30)
_BUILT_IN: dict[int, NumberShape] = {
    1: NumberShape(False, 0), 2: NumberShape(False, 2), 3: NumberShape(False, 0), 4: NumberShape(False, 2),
    9: NumberShape(True, 0), 10: NumberShape(True, 2), 37: NumberShape(False, 0), 38: NumberShape(False, 0),
    39: NumberShape(False, 2), 40: NumberShape(False, 2),
}
_NUM_FMT = re.compile(r"<(?:\w+:)?numFmt\b[^>]*?\bnumFmtId=\"(\d+)\"[^>]*?\bformatCode=\"([^\"]*)\"")
_NUM_FMT_REVERSED = re.compile(r"<(?:\w+:)?numFmt\b[^>]*?\bformatCode=\"([^\"]*)\"[^>]*?\bnumFmtId=\"(\d+)\"")
_CELL_XFS = re.compile(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(r"<(?:\w+:)?xf\b([^>]*)>")
_XF_FORMAT = re.compile(r"\bnumFmtId=\"(\d+)\"")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_LETTERS = re.compile(r"[yYmMdDhHsSeEbBgG]")


def shape_of_code(code: str) -> NumberShape | None:
    """The shape of a custom format code ('0.0%', '#,##0.00', '0.00"分"'); None for General, dates, text."""
    section = code.split(";", 1)[0]
    bare = _QUOTED.sub("", section)
    if _DATE_LETTERS.search(bare) or "@" in bare or "/" in bare or not re.search(r"[0#?]", bare):
        return None
    if re.search(r"[eE][+-]", section):
        return None
    _, dot, tail = bare.partition(".")
    decimals = len(re.findall(r"[0#?]", tail)) if dot else 0
    return NumberShape("%" in bare, decimals)


class Members(Protocol):
    """A zip's member names and contents (zipfile.ZipFile, or io.sheetscan's Archive)."""

    def namelist(self) -> list[str]: ...

    def read(self, name: str) -> bytes: ...


def number_shapes(archive: Members) -> dict[int, NumberShape]:
    """Style index (a cell's s="…") → its NumberShape, for the styles whose format has one."""
    if "xl/styles.xml" not in archive.namelist():
        return {}
    text = archive.read("xl/styles.xml").decode("utf-8", "replace")
    custom: dict[int, NumberShape | None] = {}
    for number, code in _NUM_FMT.findall(text):
        custom[int(number)] = shape_of_code(unescape(code))
    for code, number in _NUM_FMT_REVERSED.findall(text):
        custom.setdefault(int(number), shape_of_code(unescape(code)))
    xfs = _CELL_XFS.search(text)
    shapes: dict[int, NumberShape] = {}
    if xfs is None:
        return shapes
    for index, attributes in enumerate(_XF.findall(xfs.group(1))):
        found = _XF_FORMAT.search(attributes)
        if found is None:
            continue
        number = int(found.group(1))
        shape = custom[number] if number in custom else _BUILT_IN.get(number)
        if shape is not None:
            shapes[index] = shape
    return shapes


def styled_cells_pattern(shapes: dict[int, NumberShape]) -> re.Pattern[bytes] | None:
    """A pattern over sheet XML finding the cells (column letters, row) styled with one of these styles. Literal
    attribute order (r, then s; a t between them allowed), as Excel, WPS, LibreOffice and openpyxl write cells: a
    lenient pattern costs ten times the whole scan."""
    if not shapes:
        return None
    ids = "|".join(str(i) for i in sorted(shapes))
    return re.compile(rf'<c r="([A-Z]{{1,3}})(\d{{1,9}})"(?: t="\w+")? s="({ids})"'.encode())
