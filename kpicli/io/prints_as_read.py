"""Fingerprints of a workbook's sheets from the values a command has already read, for the record of a workbook
that copies those sheets: `score`'s result holds the input's sheets behind the result sheets.

io.provenance fingerprints each sheet of a workbook it stamps by reading the written file (io.fingerprints), unless
the writer knows the fingerprint. The input's sheets in a grafted result are copies (io.graft): the same sheet parts
byte for byte (only the selected tab changes), the same shared strings, the input's number formats kept where they
were (the result's styles are appended after them) and the same date system, so a reader gets from a copy exactly
the values the command got from the input. Those values are still in memory while the result is written: their
fingerprints are computed from them instead of reading the copies back. What the reader put in place of an empty
value (an error value, a formula saved without its value: io.workbook) counts as empty, as a reader of the copy
finds it; formula cells are left out, from the input's own sheet XML, as always. tests/test_provenance_memory.py
proves each such fingerprint equal to a read of the written copy.

    with values_as_read(raw):           # the command's read of the input (io.workbook.RawWorkbook)
        ...write the result...          # the writer asks prints_as_read(input, leave_out=result_sheets)
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from kpicli.io.fingerprints import formula_cells, grid_fingerprint, sheet_parts
from kpicli.io.workbook import ExcelError, NoFormulaValue, RawWorkbook, file_state

_AS_READ: ContextVar[tuple[RawWorkbook, ...]] = ContextVar("kpicli_values_as_read", default=())


@contextmanager
def values_as_read(raw: RawWorkbook) -> Iterator[None]:
    """Within the block, prints_as_read may fingerprint the sheets of raw's file from raw's values."""
    token = _AS_READ.set((*_AS_READ.get(), raw))
    try:
        yield
    finally:
        _AS_READ.reset(token)


def prints_as_read(source: Path, leave_out: Collection[str] = ()) -> dict[str, str]:
    """sheet name → fingerprint of the sheets of `source` read within values_as_read (those in leave_out aside),
    for a workbook holding copies of them; {} when source was not read there, or the file has changed since it
    was read (its modification time or size). A sheet whose name the workbook part does not give as the reader
    did is left out (read back instead): its formula cells could not be told."""
    raw = next((r for r in reversed(_AS_READ.get()) if _same(r.path, source)), None)
    if raw is None or raw.state is None or file_state(source) != raw.state:
        return {}
    from kpicli.io.zipparts import Package

    pkg = Package.read(source)
    parts = sheet_parts(pkg)
    names = [name for name in raw.grids if name not in leave_out and name in parts]
    if not names:
        return {}
    formulas = formula_cells(pkg, set(names))
    return {name: grid_fingerprint(grid.rows, grid.row0, grid.col0, formulas.get(name, set()),
                                   (ExcelError, NoFormulaValue))
            for name, grid in ((name, raw.grids[name]) for name in names)}


def _same(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
