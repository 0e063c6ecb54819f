"""kpicli in a console window of its own: started from Explorer (workbooks dropped on kpicli.exe or on a shortcut to
it, 发送到, a double click), Windows makes a console for it and closes that console the moment kpicli ends. Then the
window is kept open until the user presses Enter, so the result (or the error) can be read.

Detected the way Windows programs do it: the console's process list holds kpicli alone, so nobody had a console
before kpicli started (from cmd, PowerShell or a terminal the shell is in the list too). Never on other systems.
"""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["PROMPT", "console_process_count", "hold", "started_from_explorer"]

PROMPT = "按回车键关闭窗口。"


def console_process_count() -> int:
    """How many processes share this console (kernel32.GetConsoleProcessList); 0 when there is none or the call
    fails. Windows only: the one call to the system, stubbed by the tests."""
    import ctypes

    ids = (ctypes.c_uint32 * 4)()
    try:
        return int(ctypes.windll.kernel32.GetConsoleProcessList(ids, len(ids)))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return 0


def started_from_explorer(platform: str | None = None) -> bool:
    """True when Windows made this console for kpicli alone: started from Explorer, not from a console."""
    if (platform or sys.platform) != "win32":
        return False
    return console_process_count() == 1


def hold(active: bool, stdin: TextIO | None = None, out: TextIO | None = None) -> None:
    """When `active`, say 按回车键关闭窗口 and wait for Enter (or the end of input), so the window stays open."""
    if not active:
        return
    out = out or sys.stdout
    try:
        out.write(f"\n{PROMPT}")
        out.flush()
        (stdin or sys.stdin).readline()
    except (OSError, ValueError, AttributeError, KeyboardInterrupt):  # no console left to read: just close
        pass
