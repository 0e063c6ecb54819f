"""Everything kpicli relies on in openpyxl beyond its documented API, in one place (pinned: openpyxl>=3.1,<3.2 in
pyproject.toml; tests/test_openpyxl_compat.py is the canary that exercises each shim on the installed version).

Nothing else in kpicli touches an openpyxl `_private` attribute; a new openpyxl that changes one of them fails the
canary, not a user's run. What is here: which exceptions mean "openpyxl cannot read this file" and the load of an
input; the style tables (register a style once, copy its index array onto cells); the default font; and what the
privacy-critical per-person export strips from a copy of the input (other sheets, external links, conditional
formatting that points elsewhere, charts and pivot tables).
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy
from pathlib import Path
from typing import TYPE_CHECKING

from kpicli.io.library_errors import translate_library_error

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook


def load_errors() -> tuple[type[BaseException], ...]:
    """What openpyxl's load_workbook raises for a file it cannot read. openpyxl has no common base class: its parser
    and the descriptors it fills raise builtin types (KeyError for a missing part, ValueError/TypeError for a value
    out of its schema). Use only around the load itself, never around kpicli's own code."""
    from xml.etree.ElementTree import ParseError
    from xml.parsers.expat import ExpatError

    from openpyxl.utils.exceptions import InvalidFileException

    return (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, IndexError,
            ParseError, ExpatError, EOFError, MemoryError)


def load_input(path: Path) -> Workbook:
    """The whole input workbook as openpyxl reads it (to copy or extend it); a file openpyxl cannot read is an
    InputError naming it, anything else raised is a bug and passes through."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops (slicers, etc.)
            return load_workbook(path)
    except load_errors() as exc:
        raise translate_library_error(exc, path) from exc


# --- styles: register once, copy the index array onto many cells ------------------------------------------------
# openpyxl hashes a style object every time one is assigned to a cell; kpicli registers each style once in the
# workbook's style tables (wb._fonts, wb._fills …, each an IndexedList) and gives cells a copy of the StyleArray.


def style_array(wb: Workbook, *, font: object = None, fill: object = None, border: object = None,
                alignment: object = None, number_format: str | None = None) -> object:
    """A registered style (an openpyxl StyleArray), as openpyxl's own descriptors would build it."""
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE

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


def apply_style(cell: object, arr: object) -> None:
    """Give the cell its own copy of a registered style array (openpyxl mutates a cell's array in place)."""
    cell._style = copy(arr)


def style_id(wb: Workbook, arr: object) -> int:
    """The s= index the saved sheet XML will use for this style."""
    return wb._cell_styles.add(copy(arr))


def fill_id(wb: Workbook, fill: object) -> int:
    """The index of `fill` in the workbook's fill table (registered if new), for set_fill_id."""
    return wb._fills.add(fill)


def set_fill_id(cell: object, index: int) -> None:
    """Set a cell's fill by its index in the fill table (0: none), keeping the rest of its style."""
    if cell._style is None:  # openpyxl 3.1 makes a cell's style array only when a style is first set
        from openpyxl.styles.cell_style import StyleArray

        cell._style = StyleArray()
    cell._style.fillId = index


def set_default_font(wb: Workbook, font: object) -> None:
    """Make `font` the workbook's default (font 0 and the Normal style: what Excel and WPS show for every cell
    without a font of its own). openpyxl has no public setter."""
    from openpyxl.utils.indexed_list import IndexedList

    wb._fonts = IndexedList([font])
    wb._named_styles["Normal"].font = font


# --- what a copy of an input workbook must not carry (the per-person export) ------------------------------------


@contextmanager
def only_sheets(wb: Workbook, sheets: list[object]) -> Iterator[None]:
    """While inside, the workbook consists of `sheets` alone, in that order: openpyxl saves wb._sheets, and builds
    the shared strings from the sheets it saves, so nothing of another sheet reaches the file. The full list is
    back afterwards (a copy: create_sheet appends to whatever list is in place)."""
    from openpyxl.utils.indexed_list import IndexedList

    every = list(wb._sheets)
    wb._sheets = list(sheets)
    wb.shared_strings = IndexedList()  # unused by openpyxl 3.1 (inline strings); never carried over if used
    try:
        yield
    finally:
        wb._sheets = list(every)


def drop_external_links(wb: Workbook) -> None:
    """Forget the links to other workbooks (their paths and cached values), which openpyxl keeps and saves."""
    wb._external_links = []


def conditional_rules(ws: object) -> dict:
    """The sheet's conditional formatting as openpyxl keeps it: range → list of rules, editable in place."""
    return ws.conditional_formatting._cf_rules


def drop_charts_and_pivots(ws: object) -> None:
    """Remove the sheet's charts and pivot tables (they may show other sheets' data)."""
    ws._charts, ws._pivots = [], []
