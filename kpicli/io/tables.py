"""A table from a file: the rows of a CSV, or of the worksheet of a workbook that holds a given header row.

The one lower-level loader behind the kinds' rosters (人员名单) and other tables (indicator sets): each kind maps
the rows it gets to its own columns. A CSV saved by Excel on a Chinese Windows is GB18030; kpicli's own are UTF-8.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kpicli.core.errors import KpiError
from kpicli.core.vocab import column_letter, normalize

HEADER_SEARCH_ROWS = 10


@dataclass
class TableRows:
    """The rows of a CSV or of one worksheet, and how to name a cell of it for the user."""

    file: str
    rows: list[list[object]]
    sheet: str | None = None  # None for a CSV

    @property
    def label(self) -> str:
        """What a Problem's sheet says: the worksheet, or the CSV's file name."""
        return self.sheet if self.sheet is not None else self.file

    def where(self, r: int, c: int | None = None, header: str | None = None) -> str:
        """'客服专员.csv 第 5 行「计分方式」列' or '我的指标.xlsx「Sheet1」F5（「计分方式」列）'; r, c zero-based."""
        column = f"「{header}」列" if header else ""
        if self.sheet is None:
            return f"{self.file} 第 {r + 1} 行{column}"
        cell = f"{column_letter(c)}{r + 1}" if c is not None else f"第 {r + 1} 行"
        return f"{self.file}「{self.sheet}」{cell}" + (f"（{column}）" if column and c is not None else "")


def read_csv(path: Path) -> list[list[object]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise KpiError(f"{path.name} 的编码无法识别；请在 Excel 中另存为「CSV UTF-8」")
    return [list(row) for row in csv.reader(text.splitlines())]


def has_headers(*alternatives: set[str]) -> Callable[[list[object]], bool]:
    """A header-row test: the row holds every (normalised) header of one of the alternatives."""
    wanted = [{normalize(h) for h in headers} for headers in alternatives]

    def test(row: list[object]) -> bool:
        found = {normalize(v) for v in row}
        return any(w <= found for w in wanted)

    return test


def read_table(path: Path, header: Callable[[list[object]], bool], needed: str, *, prefer: Sequence[str] = (),
               search_rows: int = HEADER_SEARCH_ROWS, missing: str | None = None) -> TableRows:
    """The rows of a CSV, or of the first worksheet (those named in `prefer` first, compared normalised) with a
    header row among its first `search_rows` rows. KpiError (exit 2) when there is none: `missing`, or a line
    saying the `needed` headers."""
    path = Path(path)
    if not path.is_file():
        raise KpiError(f"找不到文件：{path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return TableRows(path.name, read_csv(path))
    if suffix not in (".xlsx", ".xlsm"):
        raise KpiError(f"{path.name}：只能读取 .csv、.xlsx 或 .xlsm 文件")
    from kpicli.io.workbook import read_workbook

    raw = read_workbook(path)
    preferred = {normalize(p) for p in prefer}
    names = [n for n in raw.sheet_names if n in raw.grids]
    for name in sorted(names, key=lambda n: normalize(n) not in preferred):
        rows = raw.grids[name].dense()
        if any(header(row) for row in rows[:search_rows]):
            return TableRows(path.name, rows, name)
    raise KpiError(missing or f"{path.name} 中没有找到表头含「{needed}」的工作表（在前 {search_rows} 行中查找）")
