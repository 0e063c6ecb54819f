"""Gatekeeper for input files: inspect a path before any spreadsheet library parses it.

`check_input_file` refuses, quickly and with a Chinese message that names the file and says what to do, everything
that is not a readable OOXML workbook: missing paths, folders, Excel/WPS lock files, empty files, CSV, ODS, legacy
.xls and password-protected workbooks, renamed files, and (io.zipcheck) corrupt or truncated zips, zip bombs and XML
entity bombs. What the reading libraries raise later is translated by io.library_errors into the same kind of
message. Only the standard library is imported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from kpicli.core.errors import InputError
from kpicli.io.filekind import OLE_MAGIC, TEXT, content_kind, looks_like_csv, ole_kind
from kpicli.io.library_errors import translate_library_error
from kpicli.io.messages import not_workbook_file, refusal
from kpicli.io.zipcheck import check_zip

# --- lock files ------------------------------------------------------------------------------------------------------

_LOCK_FILES = (("~$", "", "Excel/WPS"), (".~lock.", "#", "LibreOffice"))  # prefix, suffix, program


def _lock_file(path: Path) -> InputError | None:
    """The refusal for an Excel/WPS ('~$q1.xlsx') or LibreOffice ('.~lock.q1.xlsx#') lock file, else None."""
    name = path.name
    for prefix, suffix, program in _LOCK_FILES:
        if name.startswith(prefix) and name.endswith(suffix) and len(name) > len(prefix) + len(suffix):
            original = name[len(prefix) : len(name) - len(suffix)]
            return refusal("lock_file", path, program=program, original=original, prefix=prefix)
    return None


def lock_file_beside(path: Path) -> Path | None:
    """The lock file Excel/WPS or LibreOffice keeps beside `path` while it has the workbook open, else None.

    Excel names it ~$ + the file name; Word-style truncation (~$ + the name without its first two characters)
    is seen for long names too, so both are looked for. A crash can leave a stale one behind: say, never refuse.
    """
    path = Path(path)
    names = [f"{prefix}{path.name}{suffix}" for prefix, suffix, _program in _LOCK_FILES]
    if len(path.stem) > 2:
        names.append(f"~${path.name[2:]}")
    try:
        return next((path.with_name(n) for n in names if path.with_name(n).is_file()), None)
    except OSError:  # a path the system cannot even look at: the reader says so
        return None



# --- the check -------------------------------------------------------------------------------------------------------


def check_input_file(path: Path) -> str:
    """Inspect `path` before parsing; return its kind ("xlsx") or raise InputError with a Chinese message."""
    path = Path(path)
    try:
        if not path.exists():
            raise refusal("missing", path)
        if path.is_dir():
            raise refusal("folder", path)
        lock = _lock_file(path)
        if lock is not None:
            raise lock
        if not path.is_file():
            raise refusal("not_regular", path)
        size = path.stat().st_size
        if size == 0:
            raise refusal("empty", path)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            raise refusal("csv", path)
        if suffix == ".ods":
            raise refusal("ods", path)
        with path.open("rb") as f:
            head = f.read(4096)
            if head.startswith(OLE_MAGIC):
                raise _ole_error(path, f, size)
            if head.startswith(b"PK"):
                check_zip(path, f, size)
                return "xlsx"
    except InputError:
        raise
    except OSError as exc:  # what the system says about the file; the looks at its bytes below are kpicli's own
        raise translate_library_error(exc, path) from exc
    kind = content_kind(head)
    if kind == TEXT and looks_like_csv(head):
        raise refusal("csv", path)
    raise not_workbook_file(path, kind)


# --- OLE2 compound files (.xls, encrypted .xlsx) ---------------------------------------------------------------------


def _ole_error(path: Path, f: BinaryIO, size: int) -> InputError:
    kind = ole_kind(f, size)
    if kind == "encrypted":
        return refusal("encrypted", path)
    if kind == "xls":
        return refusal("legacy_xls", path)
    return not_workbook_file(path, "其他旧版 Office 文件，如 Word 或 PowerPoint")
