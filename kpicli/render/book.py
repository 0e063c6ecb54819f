"""What every kind's result workbook shares: one way to write it — the result sheets grafted in front of the
input's package, or, only for an input the graft does not handle, an openpyxl round trip — and the log of which
way it went, for --debug (level names: core.errors)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl.workbook import Workbook

from kpicli.io.fingerprints import fingerprints_with_rows
from kpicli.io.graft import GraftUnsupported, graft, verify_graft
from kpicli.io.openpyxl_compat import load_input
from kpicli.io.outputs import RESULT_KIND, mark_workbook
from kpicli.io.prints_as_read import prints_as_read
from kpicli.io.xlfast import splice_rows
from kpicli.render.fast_table import Splice
from kpicli.render.style import new_workbook

# Which way a result workbook was written, for --debug (the CLI shows kpicli's log only then).
log = logging.getLogger("kpicli")
FAST_PATH = "结果工作簿：快速写入（输入的工作表原样复制）"
SLOW_PATH = "结果工作簿：兼容写入（{reason}；改用 openpyxl 整体读写，较慢）"

SheetBuilder = Callable[[Workbook], list[Splice]]


def write_result_book(source: Path, tmp: Path, result_sheets: Sequence[str],
                      build: SheetBuilder) -> dict[str, str] | None:
    """Write to tmp the input `source` with the result sheets `build(wb)` adds in front of wb's sheets (an earlier
    run's copies of `result_sheets` replaced); `build` returns the large tables' rows to splice in after saving.

    The fast way builds the result sheets in a new workbook and grafts them into a byte-for-byte copy of the
    input's package. Only GraftUnsupported sends it the slow way (openpyxl loads, extends and saves the whole
    input); any other failure is a bug and is raised, not hidden behind the slow path.

    Returns, the fast way, the fingerprints of sheets known from the values in memory, for outputs.atomic_write's
    stamp, which need not read them back: the sheets with large tables (io.fingerprints.fingerprints_with_rows) and
    the input's copied sheets when the command's read of the input is at hand (io.prints_as_read)."""
    results = tmp.with_name(tmp.name + ".results.xlsx")
    try:
        wb = new_workbook()
        wb.remove(wb.active)
        splices = build(wb)
        wb.save(results)
        graft(source, results, tmp, tuple(result_sheets), RESULT_KIND, {s.sheet: s.rows for s in splices})
        verify_graft(tmp, wb.sheetnames)
        log.debug(FAST_PATH)
        known = prints_as_read(source, leave_out=result_sheets)
        known.update(fingerprints_with_rows(results, {s.sheet: (s.first_row, s.last_row, s.prints()) for s in splices}))
        return known
    except GraftUnsupported as exc:
        log.debug(SLOW_PATH.format(reason=exc))
        _round_trip(source, tmp, result_sheets, build)
        return None
    finally:
        results.unlink(missing_ok=True)


def write_sheets_only(tmp: Path, build: SheetBuilder) -> None:
    """Write to tmp a workbook of the result sheets alone (no input to carry along), marked as a result."""
    wb = new_workbook()
    wb.remove(wb.active)
    splices = build(wb)
    mark_workbook(wb, RESULT_KIND)
    wb.save(tmp)
    apply_splices(tmp, splices)


def apply_splices(path: Path, splices: Sequence[Splice]) -> None:
    """Add the large tables' rows to a workbook openpyxl has saved."""
    splice_rows(path, {s.sheet: s.rows() for s in splices})


def _round_trip(source: Path, tmp: Path, result_sheets: Sequence[str], build: SheetBuilder) -> None:
    """The slow way: openpyxl loads the whole input, gains the result sheets, and saves it again."""
    wb = load_input(source)
    for name in result_sheets:
        if name in wb.sheetnames:
            del wb[name]
    splices = build(wb)
    mark_workbook(wb, RESULT_KIND)
    wb.save(tmp)
    apply_splices(tmp, splices)
