"""Fingerprints of a workbook's cell values, for kpicli's record (io.provenance) to tell a changed sheet.

A fingerprint is over cell VALUES as kpicli reads them (python-calamine), never over the XML: a workbook saved
unchanged by Excel, WPS or LibreOffice keeps its fingerprints, a typed value changes its sheet's. Formula cells are
left out (a spreadsheet program fills in their cached values on saving); a value typed over a formula counts.
Besides the values, `part_sums` takes checksums of the zip parts from the zip directory, so a sheet whose parts are
as stamped need not be read again.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from kpicli.io.xmltext import unescape

FINGERPRINT_LENGTH = 16  # hex digits of sha256: enough to tell a change, short enough to read


def unreadable_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged workbook for its fingerprints may raise (the libraries are imported only now)."""
    import zipfile

    import python_calamine

    from kpicli.io.zipparts import PartsUnreadable

    return (OSError, ValueError, KeyError, zipfile.BadZipFile, zlib.error, PartsUnreadable, UnicodeDecodeError,
            python_calamine.CalamineError, python_calamine.ZipError, python_calamine.XmlError,
            python_calamine.PasswordError)


def token(value: object) -> str | None:
    """A cell value as kpicli reads it, in one canonical spelling; None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, int):
        return f"n{value}"
    if isinstance(value, float):
        return f"n{int(value)}" if value.is_integer() else f"n{value!r}"
    if isinstance(value, datetime | date | time):
        return "d" + value.isoformat()
    if isinstance(value, timedelta):
        return f"t{value.total_seconds()!r}"
    return "s" + str(value)


_FORMULA = re.compile(rb"<f[\s>/]")


def sheet_parts(pkg: Any) -> dict[str, str]:
    """sheet name → its part in the package, in workbook order (io.zipparts.Package)."""
    from kpicli.io.opc import read_rels, resolve, workbook_part

    wb_part = workbook_part(pkg)
    rels = {r["Id"]: resolve(wb_part, r["Target"]) for r in read_rels(pkg, wb_part)}
    parts: dict[str, str] = {}
    for element in re.findall(r"<(?:\w+:)?sheet\b[^>]*/>", pkg.text(wb_part)):
        name = re.search(r'\bname="([^"]*)"', element)
        rid = re.search(r'\br:id="([^"]*)"|\b\w+:id="([^"]*)"', element)
        if not name or not rid:
            continue
        part = rels.get(rid.group(1) or rid.group(2))
        if part is not None and part in pkg.parts:
            parts[unescape(name.group(1))] = part
    return parts


def formula_cells(pkg: Any, names: set[str] | None = None) -> dict[str, set[tuple[int, int]]]:
    """sheet name → zero-based (row, column) of its formula cells, from the sheet XML (of `names` only, if given)."""
    found: dict[str, set[tuple[int, int]]] = {}
    for name, part in sheet_parts(pkg).items():
        if names is not None and name not in names:
            continue
        xml = pkg.parts[part]
        if not _FORMULA.search(xml):  # <f> or <f t=…>; not <formula1> of a data validation, not <fill>
            continue
        cells = set()
        for match in re.finditer(rb'<c\b[^>]*?\br="([A-Z]+)([0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', xml, re.S):
            if match.group(3) and re.search(rb"<f\b", match.group(3)):
                cells.add((int(match.group(2)) - 1, _column_index(match.group(1).decode())))
        found[name] = cells
    return found


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def sheet_fingerprints(path: Path, known: Mapping[str, str] | None = None, pkg: Any = None) -> dict[str, str]:
    """sheet name → fingerprint of its cell values (formula cells left out), for every sheet of the workbook;
    `known`: fingerprints already known for some sheets (their parts unchanged), taken as they are; `pkg`: the
    workbook's package (io.zipparts.Package) when the caller has read it already."""
    import python_calamine

    from kpicli.io.zipparts import Package

    known = dict(known or {})
    pkg = Package.read(path) if pkg is None else pkg
    if known and set(sheet_parts(pkg)) == set(known) and _sheet_count(pkg) == len(known):
        return {name: known[name] for name in sheet_parts(pkg)}  # nothing changed: no cell is read
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        formulas = formula_cells(pkg, set(book.sheet_names) - set(known))
        prints = {}
        for name in book.sheet_names:
            if name in known:
                prints[name] = known[name]
                continue
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            prints[name] = _fingerprint(rows, formulas.get(name, set()))
        return prints
    finally:
        book.close()


def _sheet_count(pkg: Any) -> int:
    from kpicli.io.opc import workbook_part

    return len(re.findall(r"<(?:\w+:)?sheet\b[^>]*/>", pkg.text(workbook_part(pkg))))


def _fingerprint(rows: list[list[object]], skip: set[tuple[int, int]]) -> str:
    """sha256 over "row,column,token\\0" of every non-empty cell not in `skip`, row by row (one update with the
    whole text gives the digest of one update per cell). Each distinct value is spelt (token) once."""
    return grid_fingerprint(rows, 0, 0, skip)


def grid_fingerprint(rows: list[list[object]], row0: int, col0: int, skip: set[tuple[int, int]],
                     blank: tuple[type, ...] = ()) -> str:
    """The fingerprint (see _fingerprint) of a sheet whose cells from zero-based (row0, col0) on are `rows` (as
    calamine's to_python gives them, the empty area above and left left out); values of a class in `blank` count
    as empty cells (what a reader marked in place of an empty value)."""
    tokens: dict[tuple[type, object], str | None] = {}  # (class, value) → its token and "\0", None when empty
    text: list[str] = []
    append = text.append
    columns = [f"{c}," for c in range(col0, col0 + max((len(row) for row in rows), default=0))]
    for r, row in enumerate(rows, start=row0):
        prefix = f"{r},"
        for c, value in enumerate(row):
            if value == "" or value is None:
                continue
            key = (value.__class__, value)
            spelt = tokens.get(key, False)
            if spelt is False:
                spelt = None if key[0] in blank else token(value)
                spelt = tokens[key] = None if spelt is None else spelt + "\x00"
            if spelt is not None and not (skip and (r, c + col0) in skip):
                append(prefix)  # "row,column,token\0" as three pieces: no number is formatted per cell
                append(columns[c])
                append(spelt)
    return hashlib.sha256("".join(text).encode()).hexdigest()[:FINGERPRINT_LENGTH]


def fingerprints_with_rows(path: Path, rows: Mapping[str, tuple[int, int, bytes | None]]) -> dict[str, str]:
    """Fingerprints of the sheets of a workbook saved before the rows of its large tables are added
    (render.fast_table), as the sheets read once the rows are in, without reading them then: `rows` maps a sheet
    to (the table's first and last Excel row, the fingerprint text of its rows, None when not certain); every
    other sheet is taken as saved. A sheet with a table and a formula, or a cell of its own among the table's rows,
    or whose rows' text is None, is left out (read once written), as is one whose name the workbook part does not
    give as calamine does (its formula cells could not be told)."""
    import python_calamine

    from kpicli.io.zipparts import Package

    pkg = Package.read(path)
    parts = sheet_parts(pkg)
    formulas = formula_cells(pkg)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    prints = {}
    try:
        for name in book.sheet_names:
            spec = rows.get(name)
            if name not in parts or (spec is not None and (spec[2] is None or formulas.get(name))):
                continue
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if spec is None:
                prints[name] = _fingerprint(grid, formulas.get(name, set()))
                continue
            first, last, body = spec
            inside = [row for row in grid[first - 1:last] if any(v not in ("", None) for v in row)]
            if inside:
                continue
            head, tail = _fingerprint_text(grid[:first - 1], 0), _fingerprint_text(grid[last:], last)
            prints[name] = hashlib.sha256(head + body + tail).hexdigest()[:FINGERPRINT_LENGTH]
    finally:
        book.close()
    return prints


def _fingerprint_text(rows: list[list[object]], first: int) -> bytes:
    """The fingerprint text (see _fingerprint) of rows starting at zero-based row `first`."""
    text = []
    for r, row in enumerate(rows, start=first):
        for c, value in enumerate(row):
            spelt = token(value)
            if spelt is not None:
                text.append(f"{r},{c},{spelt}\x00")
    return "".join(text).encode()


def part_sums(pkg: Any) -> dict[str, Any]:
    """Checksums of the package's parts from its zip directory (CRC-32 and size: nothing is decompressed):
    `sheets`, sheet name → its part's; `other`, one over every other part a cell value can depend on (shared
    strings, styles, the workbook part …; not docProps/, [Content_Types].xml and _rels/.rels, which a stamp
    rewrites). A sheet whose part and `other` are unchanged has unchanged values."""
    sheets = sheet_parts(pkg)
    in_sheets = set(sheets.values())
    others = []
    for name in sorted(pkg.parts):
        if name in in_sheets or name.startswith("docProps/") or name in ("[Content_Types].xml", "_rels/.rels"):
            continue
        others.append(f"{name}\x01{pkg.parts.checksum(name)}")
    other = hashlib.sha256("\x00".join(others).encode()).hexdigest()[:FINGERPRINT_LENGTH]
    return {"sheets": {name: pkg.parts.checksum(part) for name, part in sheets.items()}, "other": other}



def overall(prints: Mapping[str, str]) -> str:
    text = "\x00".join(f"{name}\x01{value}" for name, value in sorted(prints.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:FINGERPRINT_LENGTH]

