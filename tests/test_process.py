"""How the kpicli process starts and ends: `python -m kpicli` runs the command line (no runpy warning), and a run
from source ends through Python's normal exit, so profilers and subprocess coverage see it whole."""

from __future__ import annotations

import os
import subprocess
import sys

from kpicli import __version__


def _python(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, *args], capture_output=True, timeout=120, check=False, env=env)


def test_python_m_kpicli_runs_the_command_line_without_a_warning():
    done = _python("-W", "error", "-m", "kpicli", "--version")  # -W error: a runpy RuntimeWarning would fail it
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().strip() == f"kpicli {__version__}"
    assert done.stderr == b""
    usage = _python("-m", "kpicli", "no-such-command")
    assert usage.returncode == 2 and "no-such-command" in usage.stderr.decode("utf-8"), usage.stderr
