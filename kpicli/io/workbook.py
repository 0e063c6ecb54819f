"""Reading a workbook file: one pass over the cell values with python-calamine.

openpyxl is used elsewhere only to write; every value kpicli scores comes from here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kpicli.io.library_errors import library_read
from kpicli.io.numfmt import NumberShape
from kpicli.io.safety import check_input_file
from kpicli.io.sheetscan import scan_sheets


class ExcelError(str):
    """An Excel error value (#N/A, #DIV/0! …) in a cell: text for display, never a valid result."""


class NoFormulaValue(str):
    """A formula saved without its calculated value (the text is the formula): never read as blank."""


@dataclass
class Grid:
    """The values of one sheet as a list of rows, anchored at (row0, col0) zero-based."""

    name: str
    rows: list[list[object]]
    row0: int = 0
    col0: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)  # zero-based absolute rows hidden in Excel
    hidden: bool = False  # the sheet itself is hidden
    # zero-based absolute (row, col) → how the cell's number is shown (percent, decimals), where its format says
    shapes: dict[tuple[int, int], NumberShape] = field(default_factory=dict)

    def cell(self, r: int, c: int) -> object:
        """Value at zero-based absolute (r, c); '' outside the used range."""
        r -= self.row0
        c -= self.col0
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return ""

    def put(self, r: int, c: int, value: object) -> None:
        """Set zero-based absolute (r, c), growing the grid in any direction when the cell lies outside it."""
        if not self.rows:
            self.row0, self.col0 = r, c
        if r < self.row0:
            self.rows[:0] = [[] for _ in range(self.row0 - r)]
            self.row0 = r
        if c < self.col0:
            self.rows = [[""] * (self.col0 - c) + row for row in self.rows]
            self.col0 = c
        while r - self.row0 >= len(self.rows):
            self.rows.append([])
        row = self.rows[r - self.row0]
        if c - self.col0 >= len(row):
            row.extend([""] * (c - self.col0 + 1 - len(row)))
        row[c - self.col0] = value

    @property
    def n_rows(self) -> int:
        return self.row0 + len(self.rows)

    @property
    def n_cols(self) -> int:
        return self.col0 + max((len(r) for r in self.rows), default=0)

    def dense(self) -> list[list[object]]:
        """Rows padded so that index [r][c] is the absolute zero-based cell."""
        width = self.n_cols
        pad_left = [""] * self.col0
        out = [[""] * width for _ in range(self.row0)]
        for row in self.rows:
            full = pad_left + list(row)
            out.append(full + [""] * (width - len(full)))
        return out


@dataclass
class RawWorkbook:
    path: Path
    sheet_names: list[str]
    grids: dict[str, Grid]
    hidden_sheets: set[str] = field(default_factory=set)
    # sheets read for nothing but a look that were too large to read: left out, for the reader to mention
    skipped_large: list[str] = field(default_factory=list)
    # the file's (modification time in ns, size) before it was read: tells whether it is still what was read
    state: tuple[int, int] | None = None


def read_workbook(path: Path, *, select: Callable[[list[str]], set[str]] | None = None,
                  optional: Callable[[str], bool] | None = None) -> RawWorkbook:
    """Check the file, then read the values of every worksheet, or of those `select(names)` picks.

    A sheet too large to read refuses the file, unless `optional(name)`: then it is skipped (skipped_large)."""
    path = Path(path)
    check_input_file(path)
    state = file_state(path)
    import python_calamine

    with library_read(path):
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        metadata = book.sheets_metadata
    # chart sheets and macro sheets hold no table of any kind
    sheets = [m for m in metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    names = [m.name for m in sheets]
    hidden = {m.name for m in sheets if m.visible != python_calamine.SheetVisibleEnum.Visible}
    wanted = set(names) if select is None else select(names)
    # refuses a sheet too large before calamine allocates it (or leaves an optional one out)
    skipped: list[str] = []
    scans = scan_sheets(path, wanted, optional=optional, skipped=skipped)
    grids: dict[str, Grid] = {}
    for name in names:
        if name not in wanted or name in skipped:
            continue
        with library_read(path):  # calamine's read of the sheet only: the grid below is kpicli's own code
            sheet = book.get_sheet_by_name(name)
            start = sheet.start
            rows = sheet.to_python() if start else []
            merged = sheet.merged_cell_ranges
        start = start or (0, 0)  # None for an empty sheet
        grid = Grid(name=name, rows=rows, row0=start[0], col0=start[1], merged=list(merged or []),
                    hidden=name in hidden)
        if name in scans:
            _mark_errors(grid, scans[name].errors)
            for (r, c), formula in scans[name].formulas.items():
                if grid.cell(r, c) == "":  # calamine found no value there
                    grid.put(r, c, NoFormulaValue(formula))
            grid.hidden_rows = scans[name].hidden_rows
            grid.shapes = scans[name].shapes
        grids[name] = grid
    with library_read(path):
        book.close()
    return RawWorkbook(path=path, sheet_names=names, grids=grids, hidden_sheets=hidden, skipped_large=skipped,
                       state=state)


def file_state(path: Path) -> tuple[int, int] | None:
    """(modification time in ns, size) of a file, None when it cannot be told."""
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class PendingRead:
    """A read running in a daemon thread; result() waits for it and returns it or raises what it raised."""

    def __init__(self, read: Callable[[Path], RawWorkbook], path: Path) -> None:
        self.path = path
        self._raw: RawWorkbook | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(read,), name="kpicli-read", daemon=True)
        self._thread.start()

    def _run(self, read: Callable[[Path], RawWorkbook]) -> None:
        try:
            self._raw = read(self.path)
        except BaseException as exc:  # handed to the caller in result()
            self._error = exc

    def result(self) -> RawWorkbook:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._raw is not None
        return self._raw


def _mark_errors(grid: Grid, errors: dict[tuple[int, int], str]) -> None:
    """calamine reads error cells as empty text; put the error back so it is reported, not ignored."""
    for (r, c), text in errors.items():
        r, c = r - grid.row0, c - grid.col0
        if 0 <= r < len(grid.rows) and 0 <= c < len(grid.rows[r]):
            grid.rows[r][c] = ExcelError(text)
