"""The benchmark script runs at a tiny size in the test suite, so it cannot rot. No timing is asserted:
targets are measured by `python bench/run.py` on a quiet machine (see README, 性能)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # the whole benchmark in a child process, ~13 s even at the small size
def test_benchmark_runs_at_small_size_and_reports_every_measurement():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--small"], capture_output=True,
                          text=True, encoding="utf-8", timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for scale in ("city", "group"):
        for command in ("score", "rank", "check", "(openpyxl load+save)", "(pandas+calamine read)"):
            assert any(line.startswith(scale) and command in line for line in out.splitlines()), (scale, command)
    assert "kpicli --help:" in out and "city-scale score:" in out and "peak memory" in out
    for command in ("collect", "score of the merge", "rank of the folder", "folder → scored quarter"):
        assert command in out, command
