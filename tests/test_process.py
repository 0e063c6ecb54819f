"""How the kpicli process starts and ends: `python -m kpicli` runs the command line (no runpy warning), and a run
from source ends through Python's normal exit, so profilers and subprocess coverage see it whole."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kpicli import __version__

pytestmark = pytest.mark.slow  # real processes


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


def test_a_profiler_sees_the_whole_run_from_source(tmp_path):
    """Under cProfile the run ends through Python's normal exit, so the statistics are written (cProfile itself
    swallows the exit code)."""
    stats = tmp_path / "kpicli.prof"
    done = _python("-m", "cProfile", "-o", str(stats), "-m", "kpicli", "rank", "--no-such-option")
    assert "--no-such-option" in done.stderr.decode("utf-8", "replace")
    assert stats.is_file() and stats.stat().st_size > 0


_ATEXIT = """
import atexit, sys
atexit.register(lambda: print("ATEXIT RAN", flush=True))
if sys.argv[1] == "traced":
    sys.settrace(lambda *args: None)  # what coverage and debuggers do
sys.argv = ["kpicli", "rank", "--no-such-option"]
from kpicli.cli.app import main
main()
"""


def test_an_unwatched_run_skips_the_teardown_and_a_traced_one_does_not():
    plain = _python("-c", _ATEXIT, "plain")
    traced = _python("-c", _ATEXIT, "traced")
    assert plain.returncode == traced.returncode == 2
    assert b"ATEXIT RAN" not in plain.stdout  # os._exit: no interpreter teardown
    assert b"ATEXIT RAN" in traced.stdout  # the normal exit: atexit handlers (coverage's data) run


def test_importing_the_command_line_leaves_the_cycle_collector_as_it_found_it():
    """kpicli.cli pauses the collector for its imports only (docs/performance.md): on before, on after; off before,
    still off after (a program that turned it off keeps it off)."""
    check = ("import gc, sys; {before}import kpicli.cli; "
             "sys.exit(0 if gc.isenabled() == {expected} and callable(kpicli.cli.main) else 1)")
    for before, expected in (("", True), ("gc.disable(); ", False)):
        done = _python("-c", check.format(before=before, expected=expected))
        assert done.returncode == 0, (before, done.stderr)
