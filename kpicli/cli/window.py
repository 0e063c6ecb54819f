"""kpicli in a console window of its own, and the result opened on the desktop when the user asks (--open).

kpicli in a console window of its own: started from Explorer (workbooks dropped on kpicli.exe or on a shortcut to
it, 发送到, a double click), Windows makes a console for it and closes that console the moment kpicli ends. Then the
window is kept open until the user presses Enter, so the result (or the error) can be read.

Detected the way Windows programs do it: the console's process list holds kpicli alone, so nobody had a console
before kpicli started (from cmd, PowerShell or a terminal the shell is in the list too). Never on other systems.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

__all__ = ["PROMPT", "console_process_count", "hold", "open_in_shell", "open_written", "started_from_explorer"]

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


def open_in_shell(path: Path) -> None:
    """Open a workbook or folder with the program the system gives it (Excel/WPS, Explorer, Finder). The one call
    to the desktop: tests stub it. OSError when there is no such program."""
    if sys.platform == "win32":
        os.startfile(path)  # type: ignore[attr-defined]
        return
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    subprocess.Popen([opener, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def open_result_wanted(workbook: Path, rules: Path | None) -> bool:
    """[output] open_result of the rules in force for `workbook`: --rules, else a kpicli.toml beside it."""
    from kpicli import kinds

    return kinds.rules_lookup(rules).resolve(Path(workbook))[0].output.open_result


def open_written(written: Sequence[Path], *, asked: bool, workbook: Path | None, rules: Path | None,
                 out: Any) -> None:
    """After score: open the one result workbook, or the folder of the first of several, when --open was given
    or kpicli.toml says open_result = true. Nothing written, nothing opened; a failure is one line, not an error."""
    if not written or workbook is None:
        return
    if not asked and not open_result_wanted(workbook, rules):
        return
    target = Path(written[0]) if len(written) == 1 else Path(written[0]).parent
    try:
        open_in_shell(target)
    except OSError as exc:
        out.print(f"无法自动打开 {target}（{exc.strerror or type(exc).__name__}），请手动打开。", style="yellow",
                  markup=False)
