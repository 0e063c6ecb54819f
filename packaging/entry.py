"""The executable's entry point (PyInstaller): make the console able to show Chinese, then run kpicli's CLI.

A tiny file of its own because kpicli.cli is a package whose layout may change; `from kpicli.cli import main`
is its stable public entry, the same one pyproject's [project.scripts] uses.
"""

from __future__ import annotations

import sys


def _can_show_chinese(encoding: str | None) -> bool:
    try:
        "中文，：".encode(encoding or "ascii")
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def make_console_chinese() -> None:
    """Switch stdout/stderr to UTF-8 when their encoding cannot encode Chinese; otherwise leave them alone.

    An installed Python coerces the C/POSIX locale to UTF-8 (PEP 538/540) but a console with another narrow
    encoding (LANG=en_US.ISO-8859-1, a Windows pipe in cp1252) would raise UnicodeEncodeError on the first
    Chinese message. UTF-8 with errors="replace" is readable on every modern terminal and never raises.
    A Windows console itself is written through the wide-character API and needs nothing. GBK/cp936 (Chinese
    Windows) can encode Chinese and is kept, so redirected output opens correctly in that system's editors.
    """
    for stream in (sys.stdout, sys.stderr):
        if stream is None or _can_show_chinese(getattr(stream, "encoding", None)):
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


if __name__ == "__main__":
    make_console_chinese()
    from kpicli.cli import main

    main()
