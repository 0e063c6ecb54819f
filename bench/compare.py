"""kpicli against an earlier checkout of itself: the same commands, run in turns, medians and ratios.

    python bench/compare.py --before /path/to/earlier/checkout/.venv/bin/python [--repeat 7] [--only rank]

A is the kpicli of the Python running this script, B the one of --before (each an environment with kpicli
installed, editable or not). Every measurement is a fresh process, as a user runs kpicli (imports included). The
commands of both versions take turns (A B A B …), so a slower spell of a shared machine weighs on both alike; each
run's CPU time (user + system of the finished child, which a busy machine changes much less than the wall time) is
printed beside the wall time. Measured: `kpicli --help`; `score` of the bundled checklist sample as the README's
quick start runs it (the result beside the input, replacing the previous run's result, which kpicli first checks
for changes) and with -o … --force; `score` and `rank` at group scale (50 projects × 1,000 touchpoints,
bench/make_workbook.py); and group-scale `rank` against a bare calamine read of the same workbook (target ≤ 1.3×).
--only keeps the measurements whose name contains the text. Prints figures, never fails on a missed target.

Honest comparisons need (both checked or arranged here):
- the children run in a scratch folder, never in the repository: `python -c` puts the current folder first on
  sys.path, so run from a checkout the earlier Python would import *this* checkout's kpicli and compare it with
  itself (the first lines printed say which kpicli each side imports);
- compiled bytecode cached on both sides, as on a user's machine: PYTHONDONTWRITEBYTECODE (set in some sandboxes)
  is dropped for the children and a warm-up run writes the caches; an editable checkout run without them compiles
  every module on every run (about 0.4 s CPU).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "sample_workbooks" / "触点检查表" / "2026Q1_客户触点检查表.xlsx"
CALAMINE_READ = (
    "import sys, pandas; pandas.read_excel(sys.argv[1], sheet_name=None, header=None, engine='calamine')"
)
# As on a user's machine: compiled bytecode is cached (some sandboxes disable that for every process).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# The children's working folder: a scratch folder (see the module docstring), set in main().
WORKDIR: dict[str, Path] = {}


def run(args: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
                            cwd=WORKDIR.get("cwd"))
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{args} failed with exit status {code}")
    return wall, usage.ru_utime + usage.ru_stime


def pair(a: list[str], b: list[str], repeat: int) -> dict[str, float]:
    """Medians of A and B (wall and CPU) and of the pairwise ratios A/B, A and B run in turns."""
    run(a), run(b)  # warm-up: bytecode caches and the file system cache, as for a user's second run
    rows = []
    for _ in range(repeat):
        wall_a, cpu_a = run(a)
        wall_b, cpu_b = run(b)
        rows.append((wall_a, cpu_a, wall_b, cpu_b))
    med = statistics.median
    return {"wall_a": med(r[0] for r in rows), "cpu_a": med(r[1] for r in rows),
            "wall_b": med(r[2] for r in rows), "cpu_b": med(r[3] for r in rows),
            "wall_ratio": med(r[0] / r[2] for r in rows), "cpu_ratio": med(r[1] / r[3] for r in rows)}


def kpicli(python: str, *args: str) -> list[str]:
    return [python, "-c", "from kpicli.cli import main; main()", *args]


def imported_from(python: str) -> str:
    """Where `python` imports kpicli from, in the children's folder (A and B must differ)."""
    done = subprocess.run([python, "-c", "import kpicli, os; print(os.path.dirname(kpicli.__file__))"],
                          capture_output=True, text=True, env=ENV, cwd=WORKDIR.get("cwd"), check=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="the Python of an environment with the earlier kpicli")
    parser.add_argument("--repeat", type=int, default=7, help="pairs of runs per measurement (median)")
    parser.add_argument("--only", default="", help="only the measurements whose name contains this text")
    options = parser.parse_args()
    now, before = sys.executable, options.before
    with tempfile.TemporaryDirectory(prefix="kpicli-compare-") as tmp:
        folder = Path(tmp)
        WORKDIR["cwd"] = folder
        where = {side: imported_from(python) for side, python in (("A", now), ("B", before))}
        for side, path in where.items():
            print(f"{side} imports kpicli from {path}")
        if where["A"] == where["B"]:
            raise SystemExit("A and B import the same kpicli: nothing to compare")
        samples = {}
        for version in ("now", "before"):  # each its own folder: the quick start writes beside the input
            (folder / version).mkdir()
            samples[version] = shutil.copy(SAMPLE, folder / version / SAMPLE.name)
        group = folder / "group.xlsx"
        subprocess.run([now, str(HERE / "make_workbook.py"), str(group), "50", "1000"], check=True, env=ENV,
                       capture_output=True, cwd=folder)
        cases = {
            "kpicli --help": ("--help",),
            "score, sample (quick start)": ("score", "{sample}"),
            "score, sample, -o --force": ("score", "{sample}", "-o", str(folder / "s_{v}.xlsx"), "--force"),
            "score, group scale": ("score", str(group), "-o", str(folder / "g_{v}.xlsx"), "--force"),
            "rank, group scale": ("rank", str(group)),
        }
        print(f"median of {options.repeat} pairs; A = this checkout, B = --before; seconds")
        print(f"{'measurement':28} {'A wall':>7} {'B wall':>7} {'A/B':>5}   {'A cpu':>6} {'B cpu':>6} {'A/B':>5}")
        for name, args in cases.items():
            if options.only not in name:
                continue
            a, b = ([python, *(x.replace("{v}", v).replace("{sample}", str(samples[v])) for x in args)]
                    for python, v in ((now, "now"), (before, "before")))
            r = pair(kpicli(*a), kpicli(*b), options.repeat)
            print(f"{name:28} {r['wall_a']:7.2f} {r['wall_b']:7.2f} {r['wall_ratio']:5.2f}   "
                  f"{r['cpu_a']:6.2f} {r['cpu_b']:6.2f} {r['cpu_ratio']:5.2f}")
        if options.only in "rank ÷ calamine read":
            r = pair(kpicli(now, "rank", str(group)), [now, "-c", CALAMINE_READ, str(group)], options.repeat)
            print(f"{'rank ÷ calamine read':28} {r['wall_a']:7.2f} {r['wall_b']:7.2f} {r['wall_ratio']:5.2f}   "
                  f"{r['cpu_a']:6.2f} {r['cpu_b']:6.2f} {r['cpu_ratio']:5.2f}   (target: wall ≤ 1.3)")


if __name__ == "__main__":
    main()
