"""What the reading libraries raise for a file they cannot read, and the Chinese message for it.

`read_errors()` names the exception types python-calamine and the zip/XML layers of the standard library raise, for
an `except` around a library's read of the file and nothing else (an error of kpicli's own code is a bug: it reaches
the one internal-error handler of the command line). `translate_library_error` turns what openpyxl /
python-calamine / defusedxml / zipfile / the operating system raise into the message io.safety gives for the same
kind of bad file. The optional libraries are imported only when something was raised.
"""

from __future__ import annotations

import errno
import re
import sys
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kpicli.core.errors import InputError
from kpicli.io.messages import not_workbook_file, refusal

_OS_ERROR_CODE = re.compile(r"os error (\d+)")
_WIN_NOT_FOUND = (2, 3)  # ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND
_WIN_DENIED = (5, 32, 33)  # ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION (open in Excel), ERROR_LOCK_VIOLATION


def read_errors() -> tuple[type[BaseException], ...]:
    """What python-calamine and the zip/XML layers of the standard library raise for a file they cannot read.

    Use only around the library call: `except read_errors() as exc: raise translate_library_error(exc, path)`
    (the expression is evaluated only when something was raised, so calamine is imported only then)."""
    from xml.etree.ElementTree import ParseError
    from xml.parsers.expat import ExpatError

    import python_calamine

    return (python_calamine.CalamineError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError,
            ParseError, ExpatError, MemoryError, OSError)


@contextmanager
def library_read(path: Path) -> Iterator[None]:
    """`with library_read(path): <one library call>`: what the library raises for a bad file becomes its InputError.

    Wrap the third-party call and nothing else: kpicli's own code outside it lets its exceptions reach the
    internal-error handler (an OSError of our own is a bug, not the user's file)."""
    try:
        yield
    except read_errors() as exc:
        raise translate_library_error(exc, path) from exc


def translate_library_error(exc: Exception, path: Path) -> InputError:
    """Map an exception from openpyxl / python-calamine / defusedxml / zipfile / the OS to an InputError.

    Wrapped causes are looked through (openpyxl re-raises parse errors as a bare ValueError). Use as
    `raise translate_library_error(exc, path) from exc`.
    """
    path = Path(path)
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        known = _known_error(current, path)
        if known is not None:
            return known
        current = current.__cause__ or current.__context__
    return refusal("unreadable", path, note=type(exc).__name__)


def _known_error(exc: BaseException, path: Path) -> InputError | None:
    if isinstance(exc, InputError):
        return exc
    try:
        from defusedxml import DefusedXmlException
    except ImportError:
        pass
    else:
        if isinstance(exc, DefusedXmlException):
            return refusal("xml_entities", path)
    try:
        import python_calamine as calamine
    except ImportError:
        pass
    else:
        if isinstance(exc, calamine.PasswordError):
            return refusal("encrypted", path)
        if isinstance(exc, calamine.ZipError):
            return refusal("corrupt", path)
        if isinstance(exc, calamine.XmlError):
            return refusal("corrupt", path, note="工作簿中的 XML 内容无法解析")
        if isinstance(exc, calamine.CalamineError):
            text = str(exc)
            missing = re.search(r"File not found '([^']+)'", text)
            if missing:
                return refusal("missing_part", path, member=missing.group(1))
            if "Cannot detect file format" in text:
                return not_workbook_file(path)
    try:
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:
        pass
    else:
        if isinstance(exc, InvalidFileException):
            return not_workbook_file(path)
    if isinstance(exc, (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError)):
        return refusal("corrupt", path)
    if isinstance(exc, KeyError) and exc.args and re.search(r"no item named '[^']+'", str(exc.args[0])):
        # zipfile's own KeyError for a missing member; any other KeyError is not about the file
        return refusal("missing_part", path, member=re.search(r"no item named '([^']+)'", str(exc.args[0])).group(1))
    from xml.etree.ElementTree import ParseError
    from xml.parsers.expat import ExpatError

    if isinstance(exc, (ParseError, ExpatError)):
        return refusal("corrupt", path, note="工作簿中的 XML 内容无法解析")
    if isinstance(exc, MemoryError):
        return refusal("too_large", path)
    if isinstance(exc, OSError):
        return _translate_os_error(exc, path)
    return None


def _translate_os_error(exc: OSError, path: Path) -> InputError:
    code = exc.errno
    winerror = getattr(exc, "winerror", None)
    if code is None and winerror is None:  # python-calamine raises a bare OSError: "... (os error 2)"
        found = _OS_ERROR_CODE.search(str(exc))
        if found and sys.platform == "win32":
            winerror = int(found.group(1))
        elif found:
            code = int(found.group(1))
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT or winerror in _WIN_NOT_FOUND:
        return refusal("missing", path)
    if isinstance(exc, IsADirectoryError) or code == errno.EISDIR:
        return refusal("folder", path)
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM) or winerror in _WIN_DENIED:
        return refusal("occupied", path)
    return refusal("os_error", path)
