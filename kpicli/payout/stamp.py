"""The seam to kpicli's provenance record (issue 19) for the payout files: what kpicli handed out in an
allocation file, and the fingerprint of a payout list's cells, kept in the workbook and read back.

Until the shared record lands this keeps the payload in one very hidden sheet; only this module knows where.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

RECORD_SHEET = "kpicli_record"
_CHUNK = 30000  # an Excel cell holds at most 32,767 characters


def attach(workbook: object, payload: dict[str, object]) -> None:
    """Keep payload (JSON-able) in the openpyxl workbook, out of sight (a very hidden sheet)."""
    if RECORD_SHEET in workbook.sheetnames:
        del workbook[RECORD_SHEET]
    ws = workbook.create_sheet(RECORD_SHEET)
    ws.sheet_state = "veryHidden"
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    for i in range(0, max(len(text), 1), _CHUNK):
        ws.cell(i // _CHUNK + 1, 1).value = text[i:i + _CHUNK]


def read(path: Path, sheets: Iterable[str] = ()) -> tuple[dict[str, object] | None, dict[str, list[list[object]]]]:
    """(the payload attached to the workbook at path or None, the values of `sheets` that exist), in one read."""
    from kpicli.io.workbook import read_workbook

    wanted = {RECORD_SHEET, *sheets}
    raw = read_workbook(Path(path), select=lambda names: wanted & set(names))
    grid = raw.grids.get(RECORD_SHEET)
    values = {name: g.dense() for name, g in raw.grids.items() if name != RECORD_SHEET}
    if grid is None:
        return None, values
    text = "".join(str(row[0]) for row in grid.dense() if row and row[0] not in (None, ""))
    try:
        payload = json.loads(text)
    except ValueError:
        return None, values
    return (payload if isinstance(payload, dict) else None), values


def fingerprint(rows: Iterable[Iterable[object]]) -> str:
    """A digest of a sheet's values that reads the same from openpyxl (as written) and calamine (as saved)."""
    digest = hashlib.sha256()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
                text = f"n{number.normalize():f}"
            else:
                text = f"s{value}"
            digest.update(f"{r},{c}={text}\n".encode())
    return digest.hexdigest()


__all__ = ["RECORD_SHEET", "attach", "fingerprint", "read"]
