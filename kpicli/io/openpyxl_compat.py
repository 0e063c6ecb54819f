"""Everything kpicli relies on in openpyxl beyond its documented API, in one place (pinned: openpyxl>=3.1,<3.2 in
pyproject.toml; tests/test_openpyxl_compat.py is the canary that exercises each shim on the installed version).

Nothing else in kpicli touches an openpyxl `_private` attribute; a new openpyxl that changes one of them fails the
canary, not a user's run.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from kpicli.io.safety import translate_library_error

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
