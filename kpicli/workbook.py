"""Reading a workbook file: one pass over the cell values with python-calamine.

openpyxl is used elsewhere only to write; every value kpicli scores comes from here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .safety import check_input_file, translate_library_error
from .sheetscan import scan_sheets


class ExcelError(str):
    """An Excel error value (#N/A, #DIV/0! …) in a cell: text for display, never a valid result."""


@dataclass
class Grid:
    """The values of one sheet as a list of rows, anchored at (row0, col0) zero-based."""

    name: str
    rows: list[list[object]]
    row0: int = 0
    col0: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def cell(self, r: int, c: int) -> object:
        """Value at zero-based absolute (r, c); '' outside the used range."""
        r -= self.row0
        c -= self.col0
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return ""

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


def read_workbook(path: Path, *, select: Callable[[list[str]], set[str]] | None = None) -> RawWorkbook:
    """Check the file, then read the values of every worksheet, or of those `select(names)` picks."""
    path = Path(path)
    check_input_file(path)
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        # chart sheets and macro sheets hold no checklist
        names = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        wanted = set(names) if select is None else select(names)
        scans = scan_sheets(path, wanted)  # refuses a sheet too large before calamine allocates it
        grids: dict[str, Grid] = {}
        for name in names:
            if name not in wanted:
                continue
            sheet = book.get_sheet_by_name(name)
            start = sheet.start or (0, 0)  # None for an empty sheet
            grid = Grid(
                name=name,
                rows=sheet.to_python() if sheet.start else [],
                row0=start[0],
                col0=start[1],
                merged=list(sheet.merged_cell_ranges or []),
            )
            _mark_errors(grid, scans[name].errors if name in scans else {})
            grids[name] = grid
        book.close()
    except InputError:
        raise
    except Exception as exc:  # any library failure becomes a Chinese message
        raise translate_library_error(exc, path) from exc
    return RawWorkbook(path=path, sheet_names=names, grids=grids)


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
